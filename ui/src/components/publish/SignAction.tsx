import type { Finding } from "../../bindings/Finding";

/** What lint says against signing: errors always, warnings until acknowledged. */
export function lintBlockers(findings: readonly Finding[], acknowledged: boolean, what: string): string[] {
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  const out: string[] = [];
  if (errors > 0) out.push(`${what} ${errors} lint error${errors === 1 ? "" : "s"}.`);
  if (warnings > 0 && !acknowledged) out.push("Acknowledge the warnings to go ahead anyway.");
  return out;
}

/** The button that signs (promote, approve), the key it signs with, and what blocks it. */
export function SignAction({
  label,
  onClick,
  disabled,
  keyName,
  blockers,
  testId,
}: {
  label: string;
  onClick: () => void;
  disabled: boolean;
  keyName: string | null;
  blockers: readonly string[];
  testId: string;
}) {
  return (
    <>
      <div className="publish-actions">
        <button type="button" className="btn-primary" disabled={disabled || blockers.length > 0} onClick={onClick} data-testid={testId}>
          {label}
        </button>
        {keyName && <span className="muted small">signed with {keyName}</span>}
      </div>
      {blockers.length > 0 && (
        <ul className="publish-blockers" data-testid={`${testId}-blockers`}>
          {blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      )}
    </>
  );
}
