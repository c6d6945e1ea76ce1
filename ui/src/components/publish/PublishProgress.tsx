import { progressFraction, STEP_LABELS, STEP_ORDER, stepState, type ProgressState } from "../../api/publish";

/** The steps of a publish or rollback as they happen, with a progress bar. */
export function PublishProgress({
  state,
  replicas,
  testId = "publish-progress",
  label = "Publishing progress",
}: {
  state: ProgressState;
  /** How many service URLs the bundle goes to. */
  replicas: number;
  testId?: string;
  label?: string;
}) {
  const pct = Math.round(progressFraction(state) * 100);
  return (
    <div className="publish-progress" data-testid={testId} data-finished={state.finished} data-failed={state.failed}>
      <div
        className={"progress-bar" + (state.failed ? " failed" : "")}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress-bar-fill" style={{ width: `${pct}%` }} />
      </div>
      <ol className="publish-steps" aria-live="polite">
        {STEP_ORDER.map((id) => {
          const s = stepState(state, id);
          return (
            <li key={id} className={`publish-step step-${s}`} data-testid={`publish-step-${id}`} data-state={s} aria-current={s === "current" ? "step" : undefined}>
              <span className="step-mark" aria-hidden="true">
                {s === "done" ? "✓" : s === "failed" ? "✕" : s === "current" ? "●" : "○"}
              </span>
              <span>
                {STEP_LABELS[id]}
                {id === "uploading" && state.attempt && s !== "pending" && (
                  <span className="muted">
                    {" "}
                    (attempt {state.attempt.attempt} of {state.attempt.of}
                    {replicas > 1 ? `, replica ${Math.min(state.replica, replicas)} of ${replicas}` : ""})
                  </span>
                )}
                {s === "current" && state.retry && (
                  <span className="step-retry warn" data-testid="publish-retrying">
                    {" "}
                    — attempt {state.retry.attempt} of {state.retry.of} failed ({state.retry.reason}); retrying in{" "}
                    {formatWait(state.retry.wait_ms)}…
                  </span>
                )}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
