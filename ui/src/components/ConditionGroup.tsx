import type { Attribute } from "../bindings/Attribute";
import { emptyGroup, emptyRule, type BuilderGroup, type BuilderNode } from "../condition/builder";
import { ConditionRow } from "./ConditionRow";

interface Props {
  group: BuilderGroup;
  isRoot: boolean;
  attributes: Attribute[];
  onUpdate: (id: string, f: (n: BuilderNode) => BuilderNode) => void;
  onRemove: (id: string) => void;
  onAdd: (groupId: string, node: BuilderNode) => void;
}

/** An and/or group of conditions and nested groups. */
export function ConditionGroup({ group, isRoot, attributes, onUpdate, onRemove, onAdd }: Props) {
  const setGroup = (patch: Partial<BuilderGroup>) => onUpdate(group.id, (n) => ({ ...(n as BuilderGroup), ...patch }));
  const prefix = isRoot ? "builder" : "group";
  return (
    <div className={"cond-group" + (isRoot ? " root" : "") + (group.negated ? " negated" : "")} data-testid="builder-group" data-op={group.op}>
      <div className="group-head">
        <label className="not-toggle" title="Negate the whole group">
          <input type="checkbox" checked={group.negated} onChange={(e) => setGroup({ negated: e.target.checked })} data-testid="group-not" />
          NOT
        </label>
        <div className="segmented" role="group" aria-label="Combine with">
          <button type="button" className={group.op === "and" ? "on" : ""} aria-pressed={group.op === "and"} onClick={() => setGroup({ op: "and" })} data-testid="group-and">
            All (and)
          </button>
          <button type="button" className={group.op === "or" ? "on" : ""} aria-pressed={group.op === "or"} onClick={() => setGroup({ op: "or" })} data-testid="group-or">
            Any (or)
          </button>
        </div>
        <span className="muted small">{group.op === "and" ? "shoppers matching every row" : "shoppers matching at least one row"}</span>
        {!isRoot && (
          <button type="button" className="btn-icon" onClick={() => onRemove(group.id)} aria-label="Remove group" title="Remove group" data-testid="group-remove">
            ×
          </button>
        )}
      </div>
      <div className="group-children">
        {group.children.length === 0 && (
          <p className="muted small" data-testid="group-empty">
            {isRoot ? "No conditions: the segment matches every shopper." : "Empty group (left out until it has a condition)."}
          </p>
        )}
        {group.children.map((child) =>
          child.kind === "rule" ? (
            <ConditionRow
              key={child.id}
              rule={child}
              attributes={attributes}
              onChange={(r) => onUpdate(child.id, () => r)}
              onRemove={() => onRemove(child.id)}
            />
          ) : (
            <ConditionGroup key={child.id} group={child} isRoot={false} attributes={attributes} onUpdate={onUpdate} onRemove={onRemove} onAdd={onAdd} />
          ),
        )}
      </div>
      <div className="group-actions">
        <button type="button" className="btn-small" onClick={() => onAdd(group.id, emptyRule(attributes[0]?.name ?? "", defaultOp(attributes[0])))} data-testid={`${prefix}-add-condition`}>
          + Condition
        </button>
        <button type="button" className="btn-small" onClick={() => onAdd(group.id, { ...emptyGroup(group.op === "and" ? "or" : "and"), children: [] })} data-testid={`${prefix}-add-group`}>
          + Group
        </button>
      </div>
    </div>
  );
}

function defaultOp(a: Attribute | undefined) {
  if (!a) return "=" as const;
  if (a.type === "string_list") return "contains" as const;
  if (a.type === "date") return "within_last" as const;
  return "=" as const;
}
