import { useReducer, useState } from "react";
import { usePromotePreview, usePromoteRun } from "../../api/approvals";
import {
  INITIAL_PROGRESS,
  progressReducer,
  shortDigest,
  standingSentence,
  useEnvironments,
  useSelectedKey,
  useSigningKeys,
} from "../../api/publish";
import type { PromoteReview } from "../../bindings/PromoteReview";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorBanner } from "../ErrorBanner";
import { Loading } from "../StatusViews";
import { BundleDiff } from "./BundleDiff";
import { PublishFindings } from "./PublishFindings";
import { PublishProgress } from "./PublishProgress";
import { PublishResult } from "./PublishResult";
import { SignAction, lintBlockers } from "./SignAction";

/**
 * Promote: put exactly what one environment serves (staging, checked there)
 * live in another, not the local draft. The review says whether the local
 * draft differs from what is promoted.
 */
export function PromotePanel() {
  const envs = useEnvironments();
  const keys = useSigningKeys();
  const [key] = useSelectedKey(keys.data);
  const names = (envs.data ?? []).map((e) => e.environment.name);
  const [fromChoice, setFrom] = useState("");
  const [toChoice, setTo] = useState("");
  const from = names.includes(fromChoice) ? fromChoice : names.find((n) => n === "staging") ?? names[0] ?? "";
  const to = names.includes(toChoice) && toChoice !== from ? toChoice : names.find((n) => n !== from) ?? "";
  const [asked, setAsked] = useState<[string, string] | null>(null);
  const reviewing = asked !== null && asked[0] === from && asked[1] === to;
  const review = usePromotePreview(reviewing ? from : null, reviewing ? to : null);
  const [ack, setAck] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [progress, dispatch] = useReducer(progressReducer, INITIAL_PROGRESS);
  const run = usePromoteRun((step) => dispatch({ type: "step", step }));
  const target = envs.data?.find((e) => e.environment.name === to);
  const needsApproval = (target?.threshold ?? 1) >= 2;

  if (names.length < 2) return null; // promotion needs two environments

  const start = () => {
    if (!key) return;
    setConfirming(false);
    dispatch({ type: "reset" });
    run.mutate(
      { from, to, key, acceptWarnings: ack, requestApproval: needsApproval },
      {
        onSuccess: () => dispatch({ type: "step", step: { step: "done" } }),
        onError: () => dispatch({ type: "failed" }),
      },
    );
  };

  return (
    <section className="panel promote-panel" aria-labelledby="promote-title" data-testid="promote-panel">
      <div className="panel-title">
        <h2 id="promote-title">Promote</h2>
      </div>
      <p className="muted">
        Puts the rules active in one environment live in another, exactly as they were checked there: the bundle is
        fetched from the service and verified, never taken from this workspace's draft.
      </p>
      <div className="row wrap">
        <label htmlFor="promote-from">From</label>
        <select id="promote-from" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="promote-from">
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <label htmlFor="promote-to">to</label>
        <select id="promote-to" value={to} onChange={(e) => setTo(e.target.value)} data-testid="promote-to">
          {names
            .filter((n) => n !== from)
            .map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
        </select>
        <button
          type="button"
          onClick={() => {
            setAck(false);
            run.reset();
            dispatch({ type: "reset" });
            if (reviewing) void review.refetch();
            else setAsked([from, to]);
          }}
          disabled={!to || review.isFetching || run.isPending}
          data-testid="promote-review"
        >
          {review.isFetching ? "Reading both environments…" : "Review promotion"}
        </button>
      </div>
      {reviewing && review.isFetching && !review.data && <Loading label={`Reading what ${from} and ${to} serve…`} />}
      <ErrorBanner error={review.error} testId="promote-review-error" title={`Could not review promoting ${from} to ${to}.`} />
      {reviewing && review.data && (
        <PromoteReviewView
          review={review.data}
          to={to}
          ack={ack}
          onAck={setAck}
          keyName={key}
          needsApproval={needsApproval}
          busy={run.isPending || review.isFetching}
          onPromote={() => setConfirming(true)}
        />
      )}
      {(run.isPending || run.isSuccess || run.isError) && <PublishProgress state={progress} replicas={1} testId="promote-progress" label="Promotion progress" />}
      <PublishResult outcome={run.data?.published} error={run.error} replicas={1} />
      {run.data && run.data.local_differs && (
        <p className="muted small" data-testid="promote-result-local">
          Your local draft differs from what was promoted and was not published.
        </p>
      )}
      {confirming && review.data && (
        <ConfirmDialog
          title={
            needsApproval
              ? `Request approval to promote ${from} version ${review.data.source.version} to ${to}?`
              : `Promote ${from} version ${review.data.source.version} to ${to}?`
          }
          message={
            <>
              <p>
                {to} gets the rules of {from} version {review.data.source.version} as its version {review.data.next_version}
                {needsApproval ? " once someone else approves it" : " as soon as the service accepts the bundle"}.
              </p>
              {review.data.local_differs && <p>Your local draft differs from them and is not published.</p>}
            </>
          }
          confirmLabel={needsApproval ? "Request approval" : `Promote to ${to}`}
          onCancel={() => setConfirming(false)}
          onConfirm={start}
        />
      )}
    </section>
  );
}

function PromoteReviewView({
  review: r,
  to,
  ack,
  onAck,
  keyName,
  needsApproval,
  busy,
  onPromote,
}: {
  review: PromoteReview;
  to: string;
  ack: boolean;
  onAck: (v: boolean) => void;
  keyName: string | null;
  needsApproval: boolean;
  busy: boolean;
  onPromote: () => void;
}) {
  const behind = r.standing.state !== "up_to_date";
  const blockers: string[] = [];
  if (behind) blockers.push(`${to} has a version this workspace has not seen: pull it first (Publish, above).`);
  blockers.push(...lintBlockers(r.findings, ack, "The promoted rules have"));
  if (!keyName) blockers.push("Choose the signing key to sign with (Signing keys, above).");
  return (
    <div className="publish-review" data-testid="promote-review-result">
      <p data-testid="promote-source">
        {r.source.environment} version <strong>{r.source.version}</strong>{" "}
        <span className="mono small" title={r.source.digest}>
          {shortDigest(r.source.digest)}
        </span>{" "}
        by {r.source.author}, verified against {r.verified_with}.
      </p>
      <p data-testid="promote-target">
        {r.target_active ? `${to} serves version ${r.target_active.version}; ` : `Nothing is active on ${to} yet; `}
        this becomes version {r.next_version}.
      </p>
      <div
        className={r.local_differs ? "banner banner-warn" : "banner banner-ok"}
        data-testid="promote-local-differs"
        data-differs={r.local_differs}
      >
        {r.local_differs ? (
          <>
            <p>
              <strong>Your local draft differs from what is promoted.</strong> The promotion carries {r.source.environment}'s
              rules; these local changes are not published:
            </p>
            <BundleDiff diff={r.local_diff} testId="promote-local-diff" />
          </>
        ) : (
          <p>Your local draft is exactly what is promoted.</p>
        )}
      </div>
      {behind && (
        <p className="banner banner-warn" role="alert" data-testid="promote-standing">
          {standingSentence(r.standing, to)}
        </p>
      )}
      <h3>Changes on {to}</h3>
      <BundleDiff diff={r.diff} testId="promote-diff" />
      <h3>Lint of the promoted rules</h3>
      <PublishFindings findings={r.findings} acknowledged={ack} onAcknowledge={onAck} />
      <SignAction
        label={needsApproval ? `Request approval for ${to} version ${r.next_version}` : `Promote to ${to} as version ${r.next_version}`}
        onClick={onPromote}
        disabled={busy}
        keyName={keyName}
        blockers={blockers}
        testId="promote-run"
      />
    </div>
  );
}
