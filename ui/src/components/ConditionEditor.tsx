import type { Attribute } from "../bindings/Attribute";
import type { ConditionEditorState } from "../condition/useConditionEditor";
import { ConditionBuilder } from "./ConditionBuilder";
import { ConditionTextEditor } from "./ConditionTextEditor";
import { ErrorBanner } from "./ErrorBanner";

/** The condition, edited visually or as text (the two stay in sync). */
export function ConditionEditor({ state, attributes }: { state: ConditionEditorState; attributes: Attribute[] }) {
  const s = state;
  return (
    <section className="panel condition-editor" aria-label="Condition">
      <div className="panel-title">
        <h2>Condition</h2>
        <div className="segmented" role="group" aria-label="Editing mode">
          <button type="button" className={s.mode === "visual" ? "on" : ""} aria-pressed={s.mode === "visual"} onClick={s.toVisual} disabled={s.mode === "visual" || !s.canSwitchToVisual} data-testid="mode-visual" title={s.mode === "text" && !s.canSwitchToVisual ? "Fix the text first: only a valid condition can be shown visually" : undefined}>
            Visual
          </button>
          <button type="button" className={s.mode === "text" ? "on" : ""} aria-pressed={s.mode === "text"} onClick={s.toText} disabled={s.mode === "text" || s.switching} data-testid="mode-text">
            Edit as text
          </button>
        </div>
      </div>
      <ErrorBanner error={s.switchError} />
      {s.mode === "visual" ? (
        <>
          {attributes.length === 0 && <p className="muted">No attributes yet: add some under Attributes (or import shoppers) to build conditions.</p>}
          <ConditionBuilder root={s.root} attributes={attributes} onChange={s.setRoot} />
          {s.incomplete > 0 && (
            <p className="warn small" data-testid="builder-incomplete">
              {s.incomplete} incomplete {s.incomplete === 1 ? "row is" : "rows are"} left out of the condition.
            </p>
          )}
        </>
      ) : (
        <ConditionTextEditor text={s.text} onChange={s.setText} error={s.parseError} parsing={s.parsing} />
      )}
    </section>
  );
}
