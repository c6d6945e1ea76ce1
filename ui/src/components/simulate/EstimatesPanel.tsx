// Simulate → Estimates: what the draft would have achieved on events logged
// under an earlier policy (off-policy evaluation, docs/estimation.md), with
// 95% intervals and sample sizes — the same figures as `tailor estimate WS`.
import { useState } from "react";
import { buildRequest, useEstimateRun, useEventSets, type EstimateReport, type EstimateRequest, type EventSet } from "../../api/estimate";
import { usePreviewContext } from "../../api/simulate";
import { formatTime } from "../../format";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState } from "../StatusViews";
import { EstimatesEventSets } from "./EstimatesEventSets";
import { EstimatesMethod } from "./EstimatesMethod";
import { ESTIMATOR_LABEL, EstimatesResults, type Estimator } from "./EstimatesResults";
import { CI_METHOD_WORDS, defaultReward, isRateReport, looksLikeRfc3339 } from "./estimateFormat";

/** One finished run: the report and what produced it. */
interface Shown {
  report: EstimateReport;
  request: EstimateRequest;
  set: number | null;
  setLabel: string;
  /** The draft's digest and the event sets at the time of the run, to tell when it is out of date. */
  digest: string | null;
  setsKey: string;
  finishedAt: string;
  run: number;
}

const setsKeyOf = (sets: EventSet[] | undefined) => (sets ?? []).map((s) => `${s.id}:${s.count}`).join(",");

export function EstimatesPanel() {
  const sets = useEventSets();
  const ctx = usePreviewContext();
  const run = useEstimateRun();

  const [setChoice, setSetChoice] = useState<string>("all");
  const [reward, setReward] = useState<string | null>(null);
  const [at, setAt] = useState("");
  const [method, setMethod] = useState<"normal" | "bootstrap">("normal");
  const [resamples, setResamples] = useState("500");
  const [seed, setSeed] = useState("1");
  const [estimator, setEstimator] = useState<Estimator>("snips");
  const [shown, setShown] = useState<Shown | null>(null);

  const list = sets.data ?? [];
  const chosenSet = setChoice === "all" ? null : list.find((s) => String(s.id) === setChoice) ?? null;
  const setId = chosenSet?.id ?? null;
  const inScope = chosenSet ? [chosenSet] : list;
  const rewards = [...new Set(inScope.flatMap((s) => s.rewards))].sort();
  const fallbackReward = defaultReward(rewards);
  const effectiveReward = reward && rewards.includes(reward) ? reward : fallbackReward;

  const atInvalid = at.trim() !== "" && !looksLikeRfc3339(at);
  const resamplesN = Number(resamples);
  const seedN = Number(seed);
  const bootstrapInvalid =
    method === "bootstrap" &&
    (!Number.isInteger(resamplesN) || resamplesN < 100 || resamplesN > 100000 || !Number.isInteger(seedN) || seedN < 0 || !Number.isSafeInteger(seedN));
  const canRun = list.length > 0 && !!effectiveReward && !atInvalid && !bootstrapInvalid && !run.isPending;

  const start = () => {
    if (!canRun) return;
    const request = buildRequest({ reward: effectiveReward, at, method, resamples: resamplesN, seed: seedN });
    const digest = ctx.data?.digest ?? null;
    const setsKey = setsKeyOf(sets.data);
    const setLabel = chosenSet ? `set “${chosenSet.name}”` : list.length === 1 ? `set “${list[0].name}”` : `all ${list.length} event sets`;
    run.mutate(
      { request, set: setId },
      {
        onSuccess: (report) =>
          setShown((prev) => ({ report, request, set: setId, setLabel, digest, setsKey, finishedAt: new Date().toISOString(), run: (prev?.run ?? 0) + 1 })),
      },
    );
  };

  const stale =
    !!shown &&
    ((!!shown.digest && !!ctx.data?.digest && shown.digest !== ctx.data.digest) || (!!sets.data && shown.setsKey !== setsKeyOf(sets.data)));
  const pct = shown ? isRateReport(shown.report) : true;

  return (
    <div className="est" data-testid="estimates">
      <section className="panel est-header">
        <h2 data-testid="estimates-title">Estimates from logged data — not a forecast</h2>
        <p>
          What the draft plan <em>would have</em> achieved (click rate, conversion…) on events logged under an earlier policy, such as a randomized test or
          the decision service's own log. Each figure is an estimate with its 95% interval and sample size; where the data cannot support a number, the
          reason is shown instead.
        </p>
        <EstimatesMethod report={shown?.report ?? null} request={shown?.request ?? null} />
      </section>

      <EstimatesEventSets
        sets={sets.data}
        loading={sets.isPending}
        error={sets.error}
        onRetry={() => void sets.refetch()}
        onDeleted={(id) => {
          if (setChoice === String(id)) setSetChoice("all");
        }}
      />

      {list.length > 0 && (
        <section className="panel" aria-labelledby="est-run-title">
          <h2 id="est-run-title">Estimate the draft</h2>
          <form
            className="form-grid est-form"
            onSubmit={(e) => {
              e.preventDefault();
              start();
            }}
            data-testid="estimates-form"
          >
            <label htmlFor="est-set">Events</label>
            <select id="est-set" value={setChoice} onChange={(e) => setSetChoice(e.target.value)} data-testid="estimates-set">
              <option value="all">All event sets ({list.reduce((n, s) => n + s.count, 0)} events)</option>
              {list.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name} ({s.count} events)
                </option>
              ))}
            </select>

            <label htmlFor="est-reward">Outcome</label>
            <div className="row">
              <select
                id="est-reward"
                value={effectiveReward ?? ""}
                onChange={(e) => setReward(e.target.value || null)}
                data-testid="estimates-reward"
              >
                {!effectiveReward && <option value="">choose an outcome</option>}
                {rewards.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              {!effectiveReward && rewards.length > 0 && <span className="small warn">The events carry several outcomes and none is click: choose one.</span>}
              {rewards.length === 0 && <span className="small warn">These events carry no outcome.</span>}
            </div>

            <label htmlFor="est-at">Decide the draft at</label>
            <div className="row wrap">
              <input
                id="est-at"
                type="text"
                className="mono"
                value={at}
                onChange={(e) => setAt(e.target.value)}
                placeholder="each event's own time"
                spellCheck={false}
                aria-invalid={atInvalid}
                data-testid="estimates-at"
              />
              <span className={"small " + (atInvalid ? "text-error" : "muted")} data-testid="estimates-at-hint">
                {atInvalid ? "Use RFC 3339 with an offset, e.g. 2026-12-01T08:00:00Z." : "optional, one fixed instant (RFC 3339) for every event"}
              </span>
            </div>

            <span className="est-form-label">Intervals</span>
            <div className="row wrap">
              <label className="check">
                <input type="radio" name="est-method" checked={method === "normal"} onChange={() => setMethod("normal")} data-testid="estimates-method-normal" />{" "}
                normal approximation
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="est-method"
                  checked={method === "bootstrap"}
                  onChange={() => setMethod("bootstrap")}
                  data-testid="estimates-method-bootstrap"
                />{" "}
                percentile bootstrap
              </label>
              {method === "bootstrap" && (
                <>
                  <label className="check">
                    resamples
                    <input
                      type="number"
                      className="input-narrow"
                      min={100}
                      max={100000}
                      value={resamples}
                      onChange={(e) => setResamples(e.target.value)}
                      data-testid="estimates-resamples"
                    />
                  </label>
                  <label className="check">
                    seed
                    <input type="number" className="input-narrow" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} data-testid="estimates-seed" />
                  </label>
                  {bootstrapInvalid && <span className="small text-error">Resamples: a whole number from 100 to 100000; seed: a whole number ≥ 0.</span>}
                </>
              )}
            </div>

            <span />
            <div className="row wrap">
              <button type="submit" className="btn-primary" disabled={!canRun} data-testid="estimates-run">
                {run.isPending ? "Estimating…" : "Run estimate"}
              </button>
              <span className="small muted">
                The draft is decided for every event; the CLI gives the same figures with <span className="mono">tailor estimate WS</span>.
              </span>
            </div>
          </form>
          {run.isPending && (
            <div className="sim-progress" role="status" data-testid="estimates-busy">
              <div className="small muted">Deciding the draft for every logged event and re-weighting…</div>
              <div className="sim-progress-track">
                <div className="sim-progress-fill indeterminate" style={{ width: "30%" }} />
              </div>
            </div>
          )}
          <ErrorBanner error={run.error} title="Could not estimate." testId="estimates-error" onDismiss={() => run.reset()} />
        </section>
      )}

      {stale && (
        <div className="banner banner-warn sim-stale" role="status" data-testid="estimates-stale">
          The draft or the event sets changed since this estimate — run it again.
        </div>
      )}

      {shown ? (
        <div className={"est-results" + (run.isPending ? " est-busy" : "")} data-testid="estimates-results" data-run={shown.run} aria-busy={run.isPending}>
          <div className="row wrap est-results-head">
            <span data-testid="estimates-results-title">
              Estimated <span className="mono">{shown.report.reward}</span> of the draft on {shown.setLabel}, {CI_METHOD_WORDS[shown.report.ci_method]} intervals
              {shown.request.at ? (
                <>
                  , decided at <span className="mono">{shown.request.at}</span>
                </>
              ) : null}
              .
            </span>
            <span className="small muted">Run {formatTime(shown.finishedAt)}.</span>
            <span className="spacer" />
            <label className="check small">
              Treatment, control and breakdowns by
              <select value={estimator} onChange={(e) => setEstimator(e.target.value as Estimator)} data-testid="estimates-estimator">
                {(["snips", "ips", "dr"] as const).map((k) => (
                  <option key={k} value={k}>
                    {ESTIMATOR_LABEL[k]}
                    {k === "snips" ? " (default)" : ""}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {shown.report.notes.length > 0 && (
            <ul className="sim-notes" data-testid="estimates-report-notes">
              {shown.report.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          <EstimatesResults report={shown.report} pct={pct} estimator={estimator} />
        </div>
      ) : (
        list.length > 0 &&
        !run.isPending &&
        !run.isError && (
          <EmptyState title="No estimate yet" testId="estimates-none">
            <p>Choose the events and the outcome, then run the estimate to see the draft's figures with their intervals.</p>
          </EmptyState>
        )
      )}
    </div>
  );
}
