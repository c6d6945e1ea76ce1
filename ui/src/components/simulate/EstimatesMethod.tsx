// "Method and assumptions": how the figures were computed (from the report)
// and what they do and do not mean — a summary of docs/estimation.md.
import type { EstimateReport } from "../../bindings/EstimateReport";
import type { EstimateRequest } from "../../bindings/EstimateRequest";
import { CI_METHOD_WORDS, formatConfidence } from "./estimateFormat";

interface Props {
  /** The last report and the request that produced it; null before the first run. */
  report: EstimateReport | null;
  request: EstimateRequest | null;
}

export function EstimatesMethod({ report, request }: Props) {
  return (
    <details className="est-method" data-testid="estimates-method">
      <summary data-testid="estimates-method-toggle">Method and assumptions</summary>
      <div className="est-method-body">
        {report ? (
          <div data-testid="estimates-method-report">
            <h3>How these figures were computed</h3>
            <dl className="est-facts">
              <dt>Outcome</dt>
              <dd className="mono">{report.reward}</dd>
              <dt>Intervals</dt>
              <dd data-testid="estimates-ci-method">
                {formatConfidence(report.confidence)} intervals, {CI_METHOD_WORDS[report.ci_method] ?? report.ci_method}
                {report.ci_method === "bootstrap_percentile" && request?.bootstrap !== undefined && (
                  <>
                    {" "}
                    ({request.bootstrap} resamples, seed {request.seed ?? 1})
                  </>
                )}
                {report.ci_method === "normal" ? ": value ± 1.96 × standard error" : ": the 2.5% and 97.5% percentiles over seeded resamples of the events"}
              </dd>
              <dt>Draft decided at</dt>
              <dd>{request?.at ? <span className="mono">{request.at}</span> : "each event's own time"}</dd>
              <dt>Minimum data</dt>
              <dd data-testid="estimates-thresholds">
                <ul className="est-list">
                  <li>
                    at least <strong data-testid="threshold-min-matched">{report.thresholds.min_matched}</strong> matched events (where the draft would have
                    shown what was shown)
                  </li>
                  <li>
                    at least <strong data-testid="threshold-min-positive">{report.thresholds.min_positive}</strong> of them with a positive outcome
                  </li>
                  <li>
                    an effective sample size of at least <strong data-testid="threshold-min-ess">{report.thresholds.min_ess}</strong>
                  </li>
                </ul>
                Below any of them the answer is “not enough data” with the reason, never a number.
              </dd>
              <dt>DR outcome model</dt>
              <dd data-testid="estimates-outcome-model">{report.outcome_model}</dd>
              {report.notes.length > 0 && (
                <>
                  <dt>Notes</dt>
                  <dd>
                    <ul className="est-list" data-testid="estimates-notes">
                      {report.notes.map((n) => (
                        <li key={n}>{n}</li>
                      ))}
                    </ul>
                  </dd>
                </>
              )}
            </dl>
          </div>
        ) : (
          <p className="small muted">Run an estimate to see the interval method, the thresholds and the outcome model it used.</p>
        )}

        <h3>What is estimated</h3>
        <p>
          Events logged under an earlier policy (a randomized test, or the decision service's own log) record what each shopper was shown, with what
          probability (the <em>propensity</em>), and the outcome. For each event the draft is decided for the same shopper, page and time; where the draft
          would have shown the same content the event is <em>matched</em> and re-weighted by draft probability ÷ logged propensity.
        </p>
        <ul className="est-list">
          <li>
            <strong>Logged</strong>: the mean outcome the logging policy achieved.
          </li>
          <li>
            <strong>IPS</strong> (inverse propensity scoring): the mean of weight × outcome. Unbiased when the propensities are right, noisy when weights are
            large.
          </li>
          <li>
            <strong>SNIPS</strong> (self-normalised IPS): IPS divided by the mean weight. A little bias, much steadier; the default for comparisons.
          </li>
          <li>
            <strong>DR</strong> (doubly robust): a simple outcome model's guess for the draft, corrected by the weighted residuals. Unbiased when the
            propensities are right, steadier when the model is good.
          </li>
          <li>
            <strong>Effective sample size</strong>: how many equally weighted events the estimate is worth.
          </li>
          <li>
            <strong>Draft − logged</strong> and <strong>lift</strong> (treatment − control) are computed on the same events, so their intervals account for
            the pairing.
          </li>
        </ul>

        <h3>What the numbers do and do not mean</h3>
        <ul className="est-list">
          <li>
            They estimate what the draft <em>would have</em> achieved on the logged traffic, at those times, for the shoppers who came. Seasons, prices and
            the rest of the site change: this is evidence, not a forecast.
          </li>
          <li>
            They are only as right as the logged propensities. A log that records 1.0 for content that was actually chosen at random gives wrong answers
            with confident intervals.
          </li>
          <li>
            The draft can only be judged where the logging policy sometimes did what the draft does. “Not enough data” is fixed by more traffic or a
            randomized test (a holdout, variants), not by a different estimator.
          </li>
          <li>An interval for a difference that includes 0 means the data do not tell whether the draft is better or worse.</li>
          <li>When IPS, SNIPS and DR disagree a lot the estimate is fragile; prefer SNIPS or DR for rates.</li>
        </ul>
        <p className="small muted">
          The full method, formulas and validation are in <span className="mono">docs/estimation.md</span>. The app and{" "}
          <span className="mono">tailor estimate WS</span> compute the same figures with the same function.
        </p>
      </div>
    </details>
  );
}
