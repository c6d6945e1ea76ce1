import { useRef } from "react";
import type { ErrorReport } from "../bindings/ErrorReport";
import { errorSpan } from "../condition/position";

interface Props {
  text: string;
  onChange: (text: string) => void;
  error: ErrorReport | null | undefined;
  parsing: boolean;
}

/** "Edit as text": the condition in its text syntax, with parse errors pointed at. */
export function ConditionTextEditor({ text, onChange, error, parsing }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const pos = error?.position;
  const span = pos ? errorSpan(text, pos) : null;
  const goToError = () => {
    if (!span || !ref.current) return;
    ref.current.focus();
    ref.current.setSelectionRange(span.start, Math.max(span.end, span.start));
  };
  return (
    <div className="text-editor">
      <textarea
        ref={ref}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        data-testid="condition-text"
        aria-label="Condition as text"
        aria-invalid={!!error}
        className={error ? "invalid" : ""}
        rows={6}
        spellCheck={false}
        placeholder='e.g. visitor_type = "returning" and cart_value > 80'
      />
      <div className="text-status" aria-live="polite">
        {error ? (
          <div className="condition-error" role="alert" data-testid="condition-error" data-kind={error.kind}>
            <div>
              {pos && (
                <button type="button" className="btn-link" onClick={goToError} data-testid="condition-error-position">
                  Line {pos.line}, column {pos.column}:
                </button>
              )}{" "}
              <span className="banner-message">{error.message}</span>
            </div>
            {span && (
              <pre className="error-context" data-testid="condition-error-context">
                {span.before}
                <mark className={span.marked ? "" : "empty"} data-testid="condition-error-mark">
                  {span.marked || " "}
                </mark>
                {span.after}
              </pre>
            )}
          </div>
        ) : parsing ? (
          <span className="muted small">Checking…</span>
        ) : (
          <span className="ok small" data-testid="condition-ok">
            ✓ Valid condition
          </span>
        )}
      </div>
    </div>
  );
}
