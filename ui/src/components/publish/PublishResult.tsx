import type { ErrorReport } from "../../bindings/ErrorReport";
import type { PublishOutcome } from "../../bindings/PublishOutcome";
import { signaturesLine } from "../../api/approvals";
import { ErrorBanner } from "../ErrorBanner";

/** The final word on a publish or rollback: what is live now, or why not. */
export function PublishResult({
  outcome,
  error,
  replicas,
  kind = "publish",
  rollbackOf,
  onDismiss,
}: {
  outcome: PublishOutcome | undefined;
  error: ErrorReport | null;
  replicas: number;
  kind?: "publish" | "rollback";
  /** For a rollback: the version whose rules were republished. */
  rollbackOf?: number;
  onDismiss?: () => void;
}) {
  if (error)
    return (
      <ErrorBanner error={error} testId={`${kind}-error`} title={kind === "publish" ? "Publishing failed." : "Rollback failed."} onDismiss={onDismiss}>
        <p className="small">
          The service keeps serving its active bundle.
          {error.kind === "io" ? " Check that the service is running and its URL is right, then try again." : ""}
        </p>
      </ErrorBanner>
    );
  if (!outcome) return null;
  if (outcome.pending) return <PendingResult outcome={outcome} testId={`${kind}-pending`} onDismiss={onDismiss} />;
  const title = outcome.unchanged
    ? `Version ${outcome.version} was already active on ${outcome.environment}.`
    : kind === "publish"
      ? `Published version ${outcome.version} to ${outcome.environment}.`
      : `Rolled back ${outcome.environment}: version ${outcome.version}${rollbackOf !== undefined ? ` (the rules of v${rollbackOf})` : ""} is live.`;
  return (
    <div className="banner banner-ok" role="status" data-testid={`${kind}-result`} data-version={outcome.version}>
      <strong>{title}</strong>
      <div>
        Digest{" "}
        <span className="mono" data-testid={`${kind}-result-digest`}>
          {outcome.digest}
        </span>
      </div>
      <div>
        Confirmed active on {replicas} replica{replicas === 1 ? "" : "s"}
        {outcome.attempts > replicas ? ` (${outcome.attempts} upload attempts)` : ""}.
      </div>
      {onDismiss && (
        <button type="button" className="btn-link" onClick={onDismiss} data-testid={`${kind}-result-dismiss`}>
          Dismiss
        </button>
      )}
    </div>
  );
}

/** A bundle submitted for approval: nothing changed on the service yet. */
export function PendingResult({ outcome, testId, onDismiss }: { outcome: PublishOutcome; testId: string; onDismiss?: () => void }) {
  const p = outcome.pending;
  if (!p) return null;
  return (
    <div className="banner banner-warn" role="status" data-testid={testId} data-version={outcome.version} data-digest={outcome.digest}>
      <strong>
        Version {outcome.version} is waiting for approval on {outcome.environment} ({signaturesLine(p.signatures, p.threshold)}).
      </strong>
      <div>
        {outcome.environment} keeps serving what it served until someone else approves it (Approvals, on their Publish
        screen, or <span className="mono">tailor approve</span>), before {p.expires_at}.
      </div>
      <div>
        Digest{" "}
        <span className="mono" data-testid={`${testId}-digest`}>
          {outcome.digest}
        </span>
      </div>
      {onDismiss && (
        <button type="button" className="btn-link" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
