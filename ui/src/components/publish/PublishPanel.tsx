import { useEffect, useReducer, useState } from "react";
import {
  INITIAL_PROGRESS,
  isProductionLike,
  progressReducer,
  shortDigest,
  standingSentence,
  tokenLabel,
  usePull,
  useEnvironments,
  usePublishPreview,
  usePublishRun,
  useSecretStore,
  useSelectedKey,
  useSigningKeys,
  type EnvironmentStatus,
} from "../../api/publish";
import type { PublishPreview } from "../../bindings/PublishPreview";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState, Loading } from "../StatusViews";
import { BundleDiff } from "./BundleDiff";
import { MergeView } from "./MergeView";
import { PublishFindings } from "./PublishFindings";
import { PublishProgress } from "./PublishProgress";
import { PublishResult } from "./PublishResult";

/** Pick an environment, review what would change, then sign and publish. */
export function PublishPanel() {
  const envs = useEnvironments();
  const keys = useSigningKeys();
  const [key] = useSelectedKey(keys.data);
  const list = envs.data ?? [];
  const [chosen, setChosen] = useState<string>("");
  const envName = list.some((e) => e.environment.name === chosen) ? chosen : list[0]?.environment.name ?? "";
  const status = list.find((e) => e.environment.name === envName);

  const [reviewed, setReviewed] = useState<string | null>(null);
  const preview = usePublishPreview(reviewed === envName ? envName : null);
  const [ack, setAck] = useState(false);
  const [approvedBy, setApprovedBy] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [overwriting, setOverwriting] = useState(false);
  const pull = usePull();
  const [progress, dispatch] = useReducer(progressReducer, INITIAL_PROGRESS);
  const run = usePublishRun((step) => dispatch({ type: "step", step }));

  // A new environment starts a new review.
  useEffect(() => {
    setAck(false);
    setConfirming(false);
    setOverwriting(false);
  }, [envName]);

  const review = () => {
    setAck(false);
    run.reset();
    dispatch({ type: "reset" });
    if (reviewed === envName) void preview.refetch();
    else setReviewed(envName);
  };

  const start = (overwrite = false) => {
    if (!status || !key || !preview.data) return;
    setConfirming(false);
    setOverwriting(false);
    dispatch({ type: "reset" });
    const requestApproval = (status.threshold ?? 1) >= 2 ? true : undefined;
    run.mutate(
      { environment: envName, key, acceptWarnings: ack, approvedBy: approvedBy.trim() || null, overwrite, requestApproval },
      {
        onSuccess: () => {
          dispatch({ type: "step", step: { step: "done" } });
          setAck(false);
        },
        onError: () => dispatch({ type: "failed" }),
      },
    );
  };

  const startPull = () => {
    run.reset();
    pull.mutate(envName, { onSuccess: () => review() });
  };

  if (envs.isPending) return <Loading label="Loading environments…" />;
  if (envs.isError) return null; // the environments panel shows the error and a Retry

  return (
    <section className="panel publish-panel" aria-labelledby="publish-title" data-testid="publish-panel">
      <div className="panel-title">
        <h2 id="publish-title">Publish</h2>
      </div>
      {list.length === 0 ? (
        <EmptyState title="Nowhere to publish yet" testId="publish-no-env">
          <p>Add an environment above (its decision service URL), then review and publish.</p>
        </EmptyState>
      ) : (
        <>
          <div className="row wrap">
            <label htmlFor="publish-env">Environment</label>
            <select
              id="publish-env"
              value={envName}
              onChange={(e) => setChosen(e.target.value)}
              disabled={run.isPending}
              data-testid="publish-env"
            >
              {list.map((e) => (
                <option key={e.environment.name} value={e.environment.name}>
                  {e.environment.name}
                </option>
              ))}
            </select>
            <button type="button" onClick={review} disabled={run.isPending || preview.isFetching} data-testid="publish-review">
              {preview.isFetching ? "Reading the service…" : reviewed === envName && preview.data ? "Review again" : "Review changes"}
            </button>
            {status && <TokenStatus status={status} />}
          </div>
          {reviewed === envName && preview.isFetching && !preview.data && <Loading label={`Asking ${envName} what is active…`} />}
          <ErrorBanner error={preview.error} testId="publish-preview-error" title={`Could not read what ${envName} has active.`}>
            <button type="button" className="btn-small" onClick={() => void preview.refetch()} data-testid="publish-review-retry">
              Retry
            </button>
          </ErrorBanner>
          {reviewed === envName && preview.data && status && (
            <Review
              preview={preview.data}
              status={status}
              keyName={key}
              noKeys={keys.data?.length === 0}
              ack={ack}
              onAck={setAck}
              approvedBy={approvedBy}
              onApprovedBy={setApprovedBy}
              busy={run.isPending || preview.isFetching || pull.isPending}
              onPublish={() => (isProductionLike(envName) && (status.threshold ?? 1) < 2 ? setConfirming(true) : start())}
              onPull={startPull}
              pulling={pull.isPending}
              onOverwrite={() => setOverwriting(true)}
            />
          )}
          <ErrorBanner error={pull.error} testId="publish-pull-error" title={`Could not pull from ${envName}; nothing was changed.`} onDismiss={() => pull.reset()} />
          <MergeView onPublish={review} />
          {(run.isPending || run.isSuccess || run.isError) && (
            <PublishProgress state={progress} replicas={status?.environment.urls.length ?? 1} />
          )}
          <PublishResult
            outcome={run.data}
            error={run.error}
            replicas={run.data ? list.find((e) => e.environment.name === run.data.environment)?.environment.urls.length ?? 1 : 1}
          />
        </>
      )}
      {confirming && preview.data && status && (
        <ConfirmDialog
          title={`Publish version ${preview.data.next_version} to ${envName}?`}
          message={
            <>
              Shoppers served by <strong>{envName}</strong> ({status.environment.urls.length} replica
              {status.environment.urls.length === 1 ? "" : "s"}) get these rules as soon as the service accepts the
              bundle. You can roll back from History.
            </>
          }
          confirmLabel={`Publish version ${preview.data.next_version}`}
          onCancel={() => setConfirming(false)}
          onConfirm={() => start()}
        />
      )}
      {overwriting && preview.data?.active && status && (
        <ConfirmDialog
          title={`Overwrite version ${preview.data.active.version} on ${envName}?`}
          message={
            <>
              <p>
                <strong>
                  {preview.data.active.author} published version {preview.data.active.version} after your base, and this
                  workspace has not seen it.
                </strong>{" "}
                Overwriting replaces it with your rules: whatever that version changed is no longer live.
              </p>
              <p>
                Use this only in an emergency; Pull merges both instead. The overwrite is recorded in the bundle and in
                History.
              </p>
            </>
          }
          confirmLabel={`Overwrite with version ${preview.data.next_version}`}
          danger
          onCancel={() => setOverwriting(false)}
          onConfirm={() => start(true)}
        />
      )}
    </section>
  );
}

function TokenStatus({ status }: { status: EnvironmentStatus }) {
  const keyring = useSecretStore().data?.keyring ?? false;
  return (
    <span className={status.token_available ? "token-status ok small" : "token-status warn small"} role={status.token_available ? undefined : "alert"} data-testid="publish-token" data-available={status.token_available}>
      {status.token_available ? "" : "⚠ "}
      {tokenLabel(status, keyring)}
    </span>
  );
}

function Review({
  preview,
  status,
  keyName,
  noKeys,
  ack,
  onAck,
  approvedBy,
  onApprovedBy,
  busy,
  onPublish,
  onPull,
  pulling,
  onOverwrite,
}: {
  preview: PublishPreview;
  status: EnvironmentStatus;
  keyName: string | null;
  noKeys: boolean;
  ack: boolean;
  onAck: (v: boolean) => void;
  approvedBy: string;
  onApprovedBy: (v: string) => void;
  busy: boolean;
  onPublish: () => void;
  onPull: () => void;
  pulling: boolean;
  onOverwrite: () => void;
}) {
  const env = status.environment;
  // Two-person rule: the trust file wants more signatures than the author's.
  const needsApproval = (status.threshold ?? 1) >= 2;
  const errors = preview.findings.filter((f) => f.severity === "error").length;
  const warnings = preview.findings.filter((f) => f.severity === "warning").length;
  const blockers: string[] = [];
  const standing = preview.standing;
  const behind = standing.state !== "up_to_date";
  if (behind)
    blockers.push(`${env.name} has version ${standing.active.version}, which this workspace has not seen: pull it first (or overwrite, in an emergency).`);
  if (preview.open_conflicts > 0)
    blockers.push(`Resolve the ${preview.open_conflicts} open merge conflict${preview.open_conflicts === 1 ? "" : "s"} (Merge, below).`);
  if (errors > 0) blockers.push(`Fix the ${errors} lint error${errors === 1 ? "" : "s"} first: errors always block publishing.`);
  if (warnings > 0 && !ack) blockers.push("Acknowledge the warnings to publish anyway.");
  if (env.require_approval && !approvedBy.trim()) blockers.push(`${env.name} requires an approval: enter who approved this release.`);
  if (!keyName)
    blockers.push(noKeys ? "Generate a signing key (Signing keys, above)." : "Choose the signing key to sign with (Signing keys, above).");

  return (
    <div className="publish-review" data-testid="publish-review-result">
      <h3>Active on {env.name}</h3>
      <div data-testid="publish-active">
        {preview.active ? (
          <p>
            Version <strong>{preview.active.version}</strong>{" "}
            <span className="mono small" title={preview.active.digest}>
              {shortDigest(preview.active.digest)}
            </span>
          </p>
        ) : (
          <p className="muted">Nothing published yet: this will be the first bundle on {env.name}.</p>
        )}
      </div>
      <div
        className={behind ? "banner banner-warn standing" : "banner banner-ok standing"}
        role={behind ? "alert" : undefined}
        data-testid="publish-standing"
        data-state={standing.state}
      >
        <p>{standingSentence(standing, env.name)}</p>
        {behind && (
          <>
            <h4>What {env.name} changed since your base</h4>
            <BundleDiff diff={standing.incoming} testId="publish-incoming" />
            {standing.state === "diverged" && (
              <>
                <h4>What you changed since your base</h4>
                <BundleDiff diff={standing.local} testId="publish-local" />
              </>
            )}
            <div className="row">
              <button type="button" className="btn-primary" onClick={onPull} disabled={busy} data-testid="publish-pull">
                {pulling ? "Pulling…" : `Pull version ${standing.active.version}`}
              </button>
              <button type="button" className="btn-danger-outline" onClick={onOverwrite} disabled={busy || !keyName} data-testid="publish-overwrite">
                Overwrite…
              </button>
            </div>
          </>
        )}
      </div>
      {preview.active && !preview.active_known && !behind && (
        <p className="banner banner-warn" data-testid="publish-active-unknown">
          The active bundle (version {preview.active.version}) was not published from this workspace, so the changes
          below are against nothing: everything shows as added.
        </p>
      )}
      {/* Behind: the standing above shows both sides' changes since the base;
          a diff against the unseen active bundle would only mislead. */}
      {!behind && (
        <>
          <h3>Changes</h3>
          <BundleDiff diff={preview.diff} />
        </>
      )}
      <h3>Lint</h3>
      <PublishFindings findings={preview.findings} acknowledged={ack} onAcknowledge={onAck} />
      <h3>Approval</h3>
      <div className="row">
        <label htmlFor="publish-approved-by">
          Approved by {env.require_approval ? <strong>(required for {env.name})</strong> : <span className="muted">(optional)</span>}
        </label>
        <input
          id="publish-approved-by"
          value={approvedBy}
          onChange={(e) => onApprovedBy(e.target.value)}
          placeholder="name or email"
          aria-required={env.require_approval}
          data-testid="publish-approved-by"
        />
      </div>
      {needsApproval && (
        <p className="muted small" data-testid="publish-needs-approval">
          {env.name} needs {status.threshold} signatures: your signature submits the bundle for approval, and {env.name}{" "}
          keeps serving its active version until someone else approves it.
        </p>
      )}
      <div className="publish-actions">
        <button type="button" className="btn-primary" disabled={busy || blockers.length > 0} onClick={onPublish} data-testid="publish-run" data-request-approval={needsApproval} aria-describedby={blockers.length > 0 ? "publish-blockers" : undefined}>
          {needsApproval ? `Request approval for version ${preview.next_version}` : `Publish version ${preview.next_version}`}
        </button>
        {keyName && <span className="muted small">signed with {keyName}</span>}
      </div>
      {blockers.length > 0 && (
        <ul id="publish-blockers" className="publish-blockers" data-testid="publish-blockers">
          {blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
