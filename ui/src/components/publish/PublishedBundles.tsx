import { useReducer, useState } from "react";
import {
  INITIAL_PROGRESS,
  progressReducer,
  shortDigest,
  tokenLabel,
  useEnvironments,
  usePublishedList,
  useRollbackRun,
  useSelectedKey,
  useSigningKeys,
} from "../../api/publish";
import { useProvenance } from "../../api/approvals";
import type { Provenance } from "../../bindings/Provenance";
import type { PublishedBundle } from "../../bindings/PublishedBundle";
import { formatTime } from "../../format";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState, Loading } from "../StatusViews";
import { PublishProgress } from "./PublishProgress";
import { PublishResult } from "./PublishResult";

/** Bundles published from this workspace (one row per replica), with rollback. */
export function PublishedBundles() {
  const published = usePublishedList();
  const provenance = useProvenance();
  const envs = useEnvironments();
  const keys = useSigningKeys();
  const [key] = useSelectedKey(keys.data);
  const [target, setTarget] = useState<PublishedBundle | null>(null);
  const [blocked, setBlocked] = useState<string | null>(null);
  const [progress, dispatch] = useReducer(progressReducer, INITIAL_PROGRESS);
  const rollback = useRollbackRun((step) => dispatch({ type: "step", step }));

  const rows = published.data ?? [];
  // The newest version per environment is what is live: nothing to roll back to.
  const latest = new Map<string, number>();
  for (const r of rows) latest.set(r.environment, Math.max(latest.get(r.environment) ?? 0, r.version));
  const envStatus = (name: string) => envs.data?.find((e) => e.environment.name === name);
  const replicasOf = (name: string) => envStatus(name)?.environment.urls.length ?? 1;

  const ask = (row: PublishedBundle) => {
    rollback.reset();
    dispatch({ type: "reset" });
    if (!key) {
      setBlocked(
        keys.data && keys.data.length > 0
          ? "Choose a signing key on the Publish screen (Signing keys) before rolling back."
          : "Rolling back signs a new bundle: generate a signing key on the Publish screen first.",
      );
      return;
    }
    if (envs.data && !envStatus(row.environment)) {
      setBlocked(`Environment ${row.environment} is no longer configured: add it again on the Publish screen to roll back.`);
      return;
    }
    setBlocked(null);
    setTarget(row);
  };

  const confirm = () => {
    if (!target || !key) return;
    const vars = { environment: target.environment, version: target.version, key };
    setTarget(null);
    rollback.mutate(vars, {
      onSuccess: () => dispatch({ type: "step", step: { step: "done" } }),
      onError: () => dispatch({ type: "failed" }),
    });
  };

  const pendingEnv = rollback.variables?.environment ?? "";
  const status = target ? envStatus(target.environment) : undefined;

  return (
    <section className="panel published-bundles" aria-labelledby="published-title" data-testid="published-section">
      <div className="panel-title">
        <h2 id="published-title">Published bundles</h2>
      </div>
      <ErrorBanner error={published.error} testId="published-error" title="Could not load published bundles.">
        <button type="button" className="btn-small" onClick={() => void published.refetch()}>
          Retry
        </button>
      </ErrorBanner>
      {published.isPending && <Loading label="Loading published bundles…" />}
      {published.data && rows.length === 0 && (
        <EmptyState title="Nothing published yet" testId="published-empty">
          <p>Bundles published from the Publish screen (or `tailor publish`) are listed here, newest first.</p>
        </EmptyState>
      )}
      {blocked && (
        <p className="banner banner-warn" role="alert" data-testid="rollback-no-key">
          {blocked}{" "}
          <button type="button" className="btn-link" onClick={() => setBlocked(null)} aria-label="Dismiss">
            ×
          </button>
        </p>
      )}
      {(rollback.isPending || rollback.isSuccess || rollback.isError) && (
        <PublishProgress state={progress} replicas={replicasOf(pendingEnv)} testId="rollback-progress" label="Rollback progress" />
      )}
      <PublishResult
        outcome={rollback.data}
        error={rollback.error}
        replicas={replicasOf(pendingEnv)}
        kind="rollback"
        rollbackOf={rollback.variables?.version}
        onDismiss={() => rollback.reset()}
      />
      {rows.length > 0 && (
        <table className="table table-compact" data-testid="published-list">
          <thead>
            <tr>
              <th>Version</th>
              <th>Environment</th>
              <th>Kind</th>
              <th>Digest</th>
              <th>Author</th>
              <th>Time</th>
              <th>Target</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              // One row per replica: the action goes on the first row of a version.
              const first = i === 0 || rows[i - 1].environment !== r.environment || rows[i - 1].version !== r.version;
              const isLatest = latest.get(r.environment) === r.version;
              return (
                <tr key={`${r.environment}-${r.version}-${r.target}-${i}`} data-testid="published-row" data-version={r.version} data-env={r.environment}>
                  <td>
                    <strong>v{r.version}</strong>
                    {isLatest && first && <span className="badge badge-new">latest</span>}
                  </td>
                  <td className="mono">{r.environment}</td>
                  <td>
                    <KindBadges row={r} provenance={provenance.data?.find((p) => p.environment === r.environment && p.digest === r.digest)} />
                  </td>
                  <td className="mono small" title={r.digest}>
                    {shortDigest(r.digest)}
                  </td>
                  <td>{r.author}</td>
                  <td className="nowrap">{formatTime(r.published_at)}</td>
                  <td className="mono small">{r.target}</td>
                  <td className="actions">
                    {first && !isLatest && (
                      <button
                        type="button"
                        className="btn-small"
                        onClick={() => ask(r)}
                        disabled={rollback.isPending || keys.isPending}
                        data-testid="published-rollback"
                        aria-label={`Roll back ${r.environment} to version ${r.version}`}
                      >
                        Roll back to this version
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {target && key && (
        <ConfirmDialog
          title={`Roll back ${target.environment} to version ${target.version}?`}
          message={
            <>
              <p>
                This republishes the rules of version {target.version} as a new version on <strong>{target.environment}</strong> (
                {replicasOf(target.environment)} replica{replicasOf(target.environment) === 1 ? "" : "s"}), signed with key{" "}
                <span className="mono">{key}</span>. Nothing in the workspace changes.
              </p>
              {status && !status.token_available && (
                <p className="warn" data-testid="rollback-token-warning">
                  {tokenLabel(status)}
                </p>
              )}
            </>
          }
          confirmLabel={`Roll back to v${target.version}`}
          onCancel={() => setTarget(null)}
          onConfirm={confirm}
        />
      )}
    </section>
  );
}

/** Publish, rollback or pull (with what the merge did), overwrites, promotions and approvals. */
function KindBadges({ row: r, provenance: p }: { row: PublishedBundle; provenance?: Provenance }) {
  return (
    <span data-testid="published-kind" data-kind={r.kind} data-overwrite={r.overwrites !== undefined}>
      {r.kind === "rollback" ? (
        <span className="badge kind-rollback">rollback{r.rollback_of !== undefined ? ` of v${r.rollback_of}` : ""}</span>
      ) : r.kind === "pull" ? (
        <span className="badge kind-pull" title={r.merge_summary}>
          {r.merge_summary?.startsWith("fast-forward") ? "pull" : "pull + merge"}
        </span>
      ) : (
        <span className="badge">publish</span>
      )}
      {r.overwrites !== undefined && (
        <span className="badge kind-overwrite" title={`replaced ${r.overwrites} without having seen it`}>
          overwrite of {shortDigest(r.overwrites)}
        </span>
      )}
      {p?.promoted_from && (
        <span className="badge kind-promote" title={p.promoted_from.digest} data-testid="published-promoted">
          promoted from {p.promoted_from.environment} v{p.promoted_from.version}
        </span>
      )}
      {p && p.signed_by.length > 1 && (
        <span className="badge kind-approved" title={`signed by ${p.signed_by.join(", ")}`} data-testid="published-approved">
          approved: {p.signed_by.slice(1).join(", ")}
        </span>
      )}
      {r.kind === "pull" && r.merge_summary && <div className="small muted">{r.merge_summary}</div>}
      {p && p.author !== r.author && <div className="small muted">authored by {p.author}</div>}
    </span>
  );
}
