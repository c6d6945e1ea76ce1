import { useState } from "react";
import { signaturesLine, useApprove, usePendingList, usePendingOpen, type PendingRef } from "../../api/approvals";
import { shortDigest, useEnvironments, useSelectedKey, useSigningKeys } from "../../api/publish";
import type { PendingReview } from "../../bindings/PendingReview";
import { formatTime } from "../../format";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState, Loading } from "../StatusViews";
import { BundleDiff } from "./BundleDiff";
import { PublishFindings } from "./PublishFindings";
import { SignAction, lintBlockers } from "./SignAction";

/**
 * Approvals (two-person rule): bundles other people submitted to an
 * environment that needs more than one signature. Open one, review the diff
 * against what the environment serves, lint and the impact on this
 * workspace's sample shoppers, then add your signature.
 */
export function ApprovalsPanel() {
  const envs = useEnvironments();
  const keys = useSigningKeys();
  const [key] = useSelectedKey(keys.data);
  const names = (envs.data ?? []).map((e) => e.environment.name);
  const [envChoice, setEnv] = useState("");
  const environment = names.includes(envChoice) ? envChoice : names.find((n) => n === "production") ?? names[0] ?? "";
  const [url, setUrl] = useState("");
  const [digest, setDigest] = useState("");
  const [listed, setListed] = useState<string | null>(null);
  const list = usePendingList(listed === environment ? environment : null, url);
  const open = usePendingOpen();
  const approve = useApprove();
  const [ack, setAck] = useState(false);
  const [note, setNote] = useState("");
  const [confirming, setConfirming] = useState(false);
  const savedUrl = envs.data?.find((e) => e.environment.name === environment)?.environment.urls[0] ?? "";

  const openOne = (ref: PendingRef) => {
    setAck(false);
    setNote("");
    approve.reset();
    open.mutate(ref);
  };

  const reviewed = open.data;
  const ref: PendingRef | null = open.variables ?? null;

  return (
    <section className="panel approvals-panel" aria-labelledby="approvals-title" data-testid="approvals-panel">
      <div className="panel-title">
        <h2 id="approvals-title">Approvals</h2>
      </div>
      <p className="muted">
        An environment whose trust file needs two or more signatures holds a publish until someone else approves it.
        Open a pending bundle to review it and add your signature.
      </p>
      <div className="row wrap">
        <label htmlFor="approvals-env">Environment</label>
        {names.length > 0 ? (
          <select id="approvals-env" value={environment} onChange={(e) => setEnv(e.target.value)} data-testid="approvals-env">
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        ) : (
          <input id="approvals-env" value={envChoice} onChange={(e) => setEnv(e.target.value)} placeholder="production" data-testid="approvals-env" />
        )}
        <label htmlFor="approvals-url">Service</label>
        <input
          id="approvals-url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder={savedUrl || "http://127.0.0.1:8787"}
          data-testid="approvals-url"
        />
        <button type="button" onClick={() => (listed === environment ? void list.refetch() : setListed(environment))} disabled={!environment} data-testid="approvals-list">
          Show pending
        </button>
      </div>
      <div className="row wrap">
        <label htmlFor="approvals-digest">Digest</label>
        <input
          id="approvals-digest"
          className="mono"
          value={digest}
          onChange={(e) => setDigest(e.target.value)}
          placeholder="sha256:…"
          data-testid="approvals-digest"
        />
        <button
          type="button"
          onClick={() => openOne({ environment, digest: digest.trim(), url })}
          disabled={!environment || !digest.trim() || open.isPending}
          data-testid="approvals-open"
        >
          Open
        </button>
      </div>
      <ErrorBanner error={list.error} testId="approvals-list-error" title={`Could not list what waits on ${environment}.`} />
      {list.isFetching && <Loading label={`Asking ${environment} what waits for approval…`} />}
      {listed === environment && list.data && list.data.length === 0 && (
        <EmptyState title="Nothing waits for approval" testId="approvals-empty">
          <p>No bundle is pending on {environment}.</p>
        </EmptyState>
      )}
      {listed === environment && list.data && list.data.length > 0 && (
        <table className="table table-compact" data-testid="approvals-pending">
          <thead>
            <tr>
              <th>Version</th>
              <th>Author</th>
              <th>Signatures</th>
              <th>Waits until</th>
              <th>Digest</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {list.data.map((p) => (
              <tr key={p.digest} data-testid="approvals-row" data-digest={p.digest} data-status={p.status}>
                <td>
                  v{p.version}
                  {p.promoted_from && <span className="badge">from {p.promoted_from.environment} v{p.promoted_from.version}</span>}
                </td>
                <td>{p.author}</td>
                <td>{signaturesLine(p.signatures, p.threshold)}</td>
                <td className="nowrap">{p.status === "expired" ? <span className="badge">expired</span> : formatTime(p.expires_at)}</td>
                <td className="mono small" title={p.digest}>
                  {shortDigest(p.digest)}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn-small"
                    onClick={() => openOne({ environment, digest: p.digest, url })}
                    disabled={open.isPending}
                    data-testid="approvals-row-open"
                  >
                    Review
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open.isPending && <Loading label="Fetching and verifying the bundle, simulating it on your sample shoppers…" />}
      <ErrorBanner error={open.error} testId="approvals-open-error" title="Could not open the pending bundle." />
      {reviewed && ref && (
        <PendingReviewView
          review={reviewed}
          ack={ack}
          onAck={setAck}
          note={note}
          onNote={setNote}
          keyName={key}
          busy={approve.isPending}
          approved={approve.isSuccess}
          onApprove={() => setConfirming(true)}
        />
      )}
      <ErrorBanner error={approve.error} testId="approvals-error" title="The approval was not accepted." />
      {approve.data && (
        <div className="banner banner-ok" role="status" data-testid="approvals-result" data-status={approve.data.status} data-version={approve.data.version}>
          {approve.data.status === "activated" ? (
            <strong>
              Approved: {approve.data.environment} now serves version {approve.data.version}.
            </strong>
          ) : (
            <strong>
              Approved: {signaturesLine(approve.data.signatures, approve.data.threshold)}; {approve.data.environment} keeps serving
              its active version until the rest approve.
            </strong>
          )}
        </div>
      )}
      {confirming && reviewed && ref && key && (
        <ConfirmDialog
          title={`Approve ${reviewed.pending.environment} version ${reviewed.pending.version}?`}
          message={
            <>
              <p>
                You sign bundle <span className="mono">{shortDigest(reviewed.pending.digest)}</span> by {reviewed.pending.author} with
                key <span className="mono">{key}</span>.
              </p>
              {reviewed.pending.signatures + 1 >= reviewed.pending.threshold && (
                <p>
                  <strong>That is the last signature it needs: shoppers on {reviewed.pending.environment} get these rules at once.</strong>
                </p>
              )}
            </>
          }
          confirmLabel="Approve"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            approve.mutate({ ...ref, key, note });
          }}
        />
      )}
    </section>
  );
}

function PendingReviewView({
  review: r,
  ack,
  onAck,
  note,
  onNote,
  keyName,
  busy,
  approved,
  onApprove,
}: {
  review: PendingReview;
  ack: boolean;
  onAck: (v: boolean) => void;
  note: string;
  onNote: (v: string) => void;
  keyName: string | null;
  busy: boolean;
  approved: boolean;
  onApprove: () => void;
}) {
  const p = r.pending;
  const blockers: string[] = [];
  if (p.status !== "pending") blockers.push(p.status === "expired" ? "It expired: the author has to publish again." : `It is ${p.status}.`);
  blockers.push(...lintBlockers(r.findings, ack, "Its rules have"));
  if (!keyName) blockers.push("Choose your signing key (Signing keys, above).");
  const signers = p.submitted_by.map((s) => s.key_name).join(", ");
  return (
    <div className="publish-review" data-testid="approvals-review" data-digest={p.digest}>
      <h3>
        {p.environment} version {p.version} by {p.author}
      </h3>
      <p data-testid="approvals-review-status">
        {signaturesLine(p.signatures, p.threshold)} (submitted by {signers}), {p.status}, waits until {formatTime(p.expires_at)}.
        Verified against {r.verified_with}.
      </p>
      {p.promoted_from && (
        <p data-testid="approvals-review-promoted">
          Promoted from {p.promoted_from.environment} version {p.promoted_from.version}.
        </p>
      )}
      {p.approvals.map((a) => (
        <p key={a.keyid} className="small">
          Approved by {a.approver} (key {a.key_name}) {formatTime(a.at)}
          {a.note ? `: ${a.note}` : ""}
        </p>
      ))}
      <p>{r.active ? `${p.environment} serves version ${r.active.version} now.` : `Nothing is active on ${p.environment} yet.`}</p>
      <h3>Changes against what {p.environment} serves</h3>
      <BundleDiff diff={r.diff} testId="approvals-diff" />
      <h3>Lint</h3>
      <PublishFindings findings={r.findings} acknowledged={ack} onAcknowledge={onAck} />
      <h3>Impact on your sample shoppers</h3>
      {r.impact ? (
        <div data-testid="approvals-impact" data-shoppers={r.impact.shoppers} data-changed-shoppers={r.impact.changed_shoppers}>
          <p>
            <strong>{r.impact.changed_shoppers}</strong> of {r.impact.shoppers} shoppers see something different;{" "}
            {r.impact.changed_views} of {r.impact.page_views} page views change.
          </p>
          {r.impact.placements.some((pl) => pl.changed > 0) && (
            <table className="table table-compact">
              <thead>
                <tr>
                  <th>Placement</th>
                  <th>Views changed</th>
                </tr>
              </thead>
              <tbody>
                {r.impact.placements
                  .filter((pl) => pl.changed > 0)
                  .map((pl) => (
                    <tr key={`${pl.page}.${pl.placement}`}>
                      <td className="mono">
                        {pl.page}.{pl.placement}
                      </td>
                      <td>
                        {pl.changed} of {pl.views}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </div>
      ) : (
        <p className="muted" data-testid="approvals-impact-note">
          Not simulated: {r.impact_note ?? "no sample shoppers"}.
        </p>
      )}
      <div className="row">
        <label htmlFor="approvals-note">Note</label>
        <input id="approvals-note" value={note} onChange={(e) => onNote(e.target.value)} placeholder="why you approve (optional)" data-testid="approvals-note" />
      </div>
      <SignAction
        label={busy ? "Approving…" : "Approve and sign"}
        onClick={onApprove}
        disabled={busy || approved}
        keyName={keyName}
        blockers={blockers}
        testId="approvals-approve"
      />
    </div>
  );
}
