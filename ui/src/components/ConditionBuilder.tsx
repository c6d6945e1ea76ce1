import type { Attribute } from "../bindings/Attribute";
import { addChild, removeNode, updateNode, type BuilderGroup } from "../condition/builder";
import { ConditionGroup } from "./ConditionGroup";

/** The visual condition builder: a tree of groups and rows. */
export function ConditionBuilder({ root, attributes, onChange }: { root: BuilderGroup; attributes: Attribute[]; onChange: (root: BuilderGroup) => void }) {
  return (
    <div className="builder" data-testid="builder">
      <ConditionGroup
        group={root}
        isRoot
        attributes={attributes}
        onUpdate={(id, f) => onChange(updateNode(root, id, f))}
        onRemove={(id) => onChange(removeNode(root, id))}
        onAdd={(groupId, node) => onChange(addChild(root, groupId, node))}
      />
    </div>
  );
}
