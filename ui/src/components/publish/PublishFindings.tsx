import type { Finding } from "../../bindings/Finding";

/** Lint findings before a publish: errors block it, warnings need an acknowledgement. */
export function PublishFindings({
  findings,
  acknowledged,
  onAcknowledge,
}: {
  findings: readonly Finding[];
  acknowledged: boolean;
  onAcknowledge: (ack: boolean) => void;
}) {
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.filter((f) => f.severity === "warning");
  return (
    <div className="publish-findings" data-testid="publish-findings" data-errors={errors.length} data-warnings={warnings.length}>
      {findings.length === 0 && <p className="ok">Lint found no problems.</p>}
      {errors.length > 0 && (
        <>
          <p className="text-error">
            <strong>
              {errors.length} error{errors.length === 1 ? "" : "s"} block publishing.
            </strong>{" "}
            Fix {errors.length === 1 ? "it" : "them"} in the workspace, then review again.
          </p>
          <FindingList findings={errors} />
        </>
      )}
      {warnings.length > 0 && (
        <>
          <p className="warn">
            <strong>
              {warnings.length} warning{warnings.length === 1 ? "" : "s"}.
            </strong>{" "}
            They do not block publishing, but read them first.
          </p>
          <FindingList findings={warnings} />
          <label className="check">
            <input
              type="checkbox"
              checked={acknowledged}
              onChange={(e) => onAcknowledge(e.target.checked)}
              data-testid="publish-ack-warnings"
            />
            I have read the {warnings.length === 1 ? "warning" : `${warnings.length} warnings`} and want to publish anyway
          </label>
        </>
      )}
    </div>
  );
}

function FindingList({ findings }: { findings: readonly Finding[] }) {
  return (
    <ul className="finding-list">
      {findings.map((f, i) => (
        <li key={`${f.rule}-${f.item}-${i}`} className={`finding finding-${f.severity}`} data-testid="publish-finding" data-severity={f.severity}>
          <span className={f.severity === "error" ? "badge badge-error" : "badge badge-warn"}>{f.severity}</span>{" "}
          <span className="mono">{f.item}</span>: {f.message} <span className="muted small">({f.rule})</span>
        </li>
      ))}
    </ul>
  );
}
