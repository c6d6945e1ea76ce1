// The figures of one estimate report: the draft over all events, per
// placement, per plan entry (with its treatment against control) and per
// shopper attribute. Every number reads as `tailor estimate WS` prints it
// (estimateFormat.ts); where the data cannot support a number, the reason.
import type { Arm } from "../../bindings/Arm";
import type { EntryEstimate } from "../../bindings/EntryEstimate";
import type { Estimate } from "../../bindings/Estimate";
import type { EstimateReport } from "../../bindings/EstimateReport";
import type { PolicySummary } from "../../bindings/PolicySummary";
import {
  barPosition,
  barScale,
  formatEss,
  formatHoldout,
  formatInterval,
  formatNumber,
  isOk,
  reasonText,
  type BarScale,
} from "./estimateFormat";

export type Estimator = "ips" | "snips" | "dr";

export const ESTIMATOR_LABEL: Record<Estimator | "logged", string> = {
  logged: "Logged",
  ips: "IPS",
  snips: "SNIPS",
  dr: "DR",
};

const ROWS: ("logged" | Estimator)[] = ["logged", "ips", "snips", "dr"];

/** The breakdown dimensions in the order the report documents them; others after. */
const DIMENSIONS = ["traffic_source", "customer_type", "device", "category"];

const DIMENSION_LABEL: Record<string, string> = {
  traffic_source: "Traffic source",
  customer_type: "Customer type",
  device: "Device",
  category: "Category",
};

interface Props {
  report: EstimateReport;
  pct: boolean;
  /** The estimator used for treatment, control, lift and breakdowns (SNIPS by default, like the CLI). */
  estimator: Estimator;
}

export function EstimatesResults({ report, pct, estimator }: Props) {
  const placements = Object.entries(report.placements);
  const dims = [...DIMENSIONS.filter((d) => d in report.breakdowns), ...Object.keys(report.breakdowns).filter((d) => !DIMENSIONS.includes(d))].filter(
    (d) => Object.keys(report.breakdowns[d] ?? {}).length > 0,
  );
  return (
    <>
      <section className="panel" data-testid="estimates-overall" aria-labelledby="est-overall-title">
        <h2 id="est-overall-title">The draft on all events</h2>
        <div className="sim-headline">
          <Stat testId="estimates-events" value={String(report.events)} label="events" />
          <Stat testId="estimates-matched" value={String(report.matched)} label="matched: the draft would have shown what was shown">
            <span data-testid="estimates-matched-positive">{report.matched_positive}</span> with a positive outcome
          </Stat>
          <Stat testId="estimates-ess" value={formatEss(report.ess)} label="effective sample size" />
        </div>
        <EstimateTable summary={report} pct={pct} caption={`Estimated ${report.reward}, all events`} />
      </section>

      {placements.length > 1 && (
        <section className="panel" aria-labelledby="est-placements-title">
          <h2 id="est-placements-title">By placement</h2>
          {placements.map(([p, s]) => (
            <div key={p} className="est-block" data-testid={`estimates-placement-${p}`}>
              <div className="est-block-head">
                <strong className="mono">{p}</strong>
                <SupportLine s={s} />
              </div>
              <EstimateTable summary={s} pct={pct} caption={`Estimated ${report.reward} on ${p}`} />
            </div>
          ))}
        </section>
      )}

      <section className="panel" aria-labelledby="est-entries-title" data-testid="estimates-entries">
        <h2 id="est-entries-title">By plan entry</h2>
        <p className="small muted">
          An entry's audience is the events where the draft's block for the placement comes from that entry (shown or held out). Treatment shows everyone
          the entry's content (variants by weight); control shows everyone the placement's default; lift is treatment − control ({ESTIMATOR_LABEL[estimator]}).
        </p>
        {report.entries.length === 0 ? (
          <p className="muted" data-testid="estimates-no-entries">
            The draft has no entries on the logged placements.
          </p>
        ) : (
          report.entries.map((e) => <EntrySection key={e.entry} e={e} pct={pct} estimator={estimator} />)
        )}
      </section>

      {dims.length > 0 && (
        <section className="panel" aria-labelledby="est-breakdowns-title" data-testid="estimates-breakdowns">
          <h2 id="est-breakdowns-title">Breakdowns</h2>
          <div className="est-breakdowns">
            {dims.map((d) => (
              <Breakdown key={d} dim={d} cells={report.breakdowns[d]} pct={pct} estimator={estimator} />
            ))}
          </div>
        </section>
      )}
    </>
  );
}

function Stat({ testId, value, label, children }: { testId: string; value: string; label: string; children?: React.ReactNode }) {
  return (
    <div className="sim-stat">
      <div className="sim-stat-value" data-testid={testId}>
        {value}
      </div>
      <div className="sim-stat-label">{label}</div>
      {children && <div className="small muted">{children}</div>}
    </div>
  );
}

/** Events, matched (positive) and ESS of a summary, in one line. */
export function SupportLine({ s, testId }: { s: Pick<PolicySummary, "events" | "matched" | "matched_positive" | "ess">; testId?: string }) {
  return (
    <span className="small muted est-support" data-testid={testId}>
      events <span className="est-num">{s.events}</span> · matched <span className="est-num">{s.matched}</span> (
      <span className="est-num">{s.matched_positive}</span> with a positive outcome) · effective sample size <span className="est-num">{formatEss(s.ess)}</span>
    </span>
  );
}

/** Logged / IPS / SNIPS / DR with value, 95% interval, a bar on the table's scale, and draft − logged. */
export function EstimateTable({
  summary,
  pct,
  caption,
  scale: given,
}: {
  summary: Pick<PolicySummary, "logged" | "ips" | "snips" | "dr" | "difference">;
  pct: boolean;
  caption: string;
  scale?: BarScale | null;
}) {
  const scale = given !== undefined ? given : barScale([summary.logged, summary.ips, summary.snips, summary.dr]);
  const logged = isOk(summary.logged) ? summary.logged.value : null;
  return (
    <table className="table table-compact est-table">
      <caption className="est-sr-only">{caption}</caption>
      <thead>
        <tr>
          <th className="est-col-name">Estimator</th>
          <th className="num est-col-value">Value</th>
          <th className="num est-col-ci">95% interval</th>
          <th className="est-bar-col">
            Interval <span className="est-legend">(● estimate, │ logged)</span>
          </th>
          <th>Draft − logged</th>
        </tr>
      </thead>
      <tbody>
        {ROWS.map((k) => {
          const e = summary[k];
          const diff = k === "logged" ? null : summary.difference[k];
          return (
            <tr key={k} data-testid={`estimate-row-${k}`} data-status={e.status} className={k === "snips" ? "est-preferred" : undefined}>
              <th scope="row" className="est-name">
                {ESTIMATOR_LABEL[k]}
              </th>
              <EstimateCells e={e} pct={pct} scale={scale} logged={k === "logged" ? null : logged} />
              <td data-testid="estimate-diff">
                {diff === null ? (
                  <span className="muted">—</span>
                ) : isOk(diff) ? (
                  <>
                    <span data-testid="estimate-diff-value">{formatNumber(diff.value, pct)}</span>{" "}
                    <span className="muted" data-testid="estimate-diff-interval">
                      {formatInterval(diff, pct)}
                    </span>
                  </>
                ) : isOk(e) ? (
                  <span className="est-reason small" data-testid="estimate-diff-reason">
                    {reasonText(diff)}
                  </span>
                ) : (
                  <span className="muted" title={reasonText(diff)}>
                    —
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Value, interval and bar of one estimate (three cells), or its reason across them. */
function EstimateCells({ e, pct, scale, logged }: { e: Estimate; pct: boolean; scale: BarScale | null | undefined; logged: number | null }) {
  if (!isOk(e)) {
    return (
      <td colSpan={3} className="est-reason" data-testid="estimate-reason">
        {reasonText(e)}
      </td>
    );
  }
  return (
    <>
      <td className="num" data-testid="estimate-value">
        {formatNumber(e.value, pct)}
      </td>
      <td className="num nowrap" data-testid="estimate-interval">
        {formatInterval(e, pct)}
      </td>
      <td className="est-bar-col">{scale && <IntervalBar e={e} scale={scale} pct={pct} logged={logged} />}</td>
    </>
  );
}

/** The 95% interval as a bar on a shared scale, the estimate as a dot, the logged value as a tick. */
export function IntervalBar({ e, scale, pct, logged }: { e: Estimate & { value: number }; scale: BarScale; pct: boolean; logged?: number | null }) {
  const lo = barPosition(scale, e.ci_low ?? e.value);
  const hi = barPosition(scale, e.ci_high ?? e.value);
  const at = barPosition(scale, e.value);
  const zero = scale.lo < 0 ? barPosition(scale, 0) : null;
  const title = `${formatNumber(e.value, pct)}, 95% interval ${formatInterval(e, pct)}${logged !== null && logged !== undefined ? `; logged ${formatNumber(logged, pct)}` : ""}`;
  return (
    <div className="est-bar" role="img" aria-label={title} title={title} data-testid="estimate-bar">
      {zero !== null && <span className="est-bar-zero" style={{ left: `${zero}%` }} />}
      <span className="est-bar-ci" style={{ left: `${lo}%`, width: `${Math.max(hi - lo, 0.5)}%` }} />
      {logged !== null && logged !== undefined && <span className="est-bar-logged" style={{ left: `${barPosition(scale, logged)}%` }} />}
      <span className="est-bar-point" style={{ left: `${at}%` }} />
    </div>
  );
}

function EntrySection({ e, pct, estimator }: { e: EntryEstimate; pct: boolean; estimator: Estimator }) {
  // One scale for every bar of the entry: the draft's rows, treatment and control.
  const scale = barScale([e.logged, e.ips, e.snips, e.dr, e.treatment[estimator], e.control[estimator]]);
  const logged = isOk(e.logged) ? e.logged.value : null;
  return (
    <div className="est-block est-entry" data-testid={`estimate-entry-${e.entry}`} data-entry={e.entry}>
      <div className="est-block-head">
        <strong className="mono">{e.entry}</strong>
        <span className="mono small">{e.placement}</span>
        {e.segment && <span className="badge">segment {e.segment}</span>}
        {typeof e.holdout === "number" && e.holdout > 0 && <span className="badge badge-warn">holdout {formatHoldout(e.holdout)}</span>}
        <SupportLine s={e} testId="entry-support" />
      </div>
      <EstimateTable summary={e} pct={pct} caption={`Entry ${e.entry}`} scale={scale} />
      <table className="table table-compact est-table est-arms" data-testid="entry-arms">
        <caption className="est-sr-only">Treatment against control for {e.entry}</caption>
        <thead>
          <tr>
            <th className="est-col-name">{ESTIMATOR_LABEL[estimator]}</th>
            <th className="est-col-shows">Shows</th>
            <th className="num est-col-value">Value</th>
            <th className="num est-col-ci">95% interval</th>
            <th className="est-bar-col" />
            <th className="est-col-support">Support</th>
          </tr>
        </thead>
        <tbody>
          <ArmRow name="Treatment" testId="entry-treatment" arm={e.treatment} estimator={estimator} pct={pct} scale={scale} logged={logged} />
          <ArmRow name="Control" testId="entry-control" arm={e.control} estimator={estimator} pct={pct} scale={scale} logged={logged} />
          <tr data-testid="entry-lift" data-status={e.lift[estimator].status}>
            <th scope="row">Lift</th>
            <td className="small muted">treatment − control</td>
            {isOk(e.lift[estimator]) ? (
              <>
                <td className="num" data-testid="estimate-value">
                  <strong>{formatNumber(e.lift[estimator].value, pct)}</strong>
                </td>
                <td className="num nowrap" data-testid="estimate-interval">
                  {formatInterval(e.lift[estimator], pct)}
                </td>
                <td className="small muted">{liftWords(e.lift[estimator])}</td>
              </>
            ) : (
              <td colSpan={3} className="est-reason" data-testid="estimate-reason">
                {reasonText(e.lift[estimator])}
              </td>
            )}
            <td />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** A lift whose interval includes 0 does not tell better from worse. */
function liftWords(l: Estimate): string {
  if (typeof l.ci_low !== "number" || typeof l.ci_high !== "number") return "";
  if (l.ci_low > 0) return "treatment better";
  if (l.ci_high < 0) return "treatment worse";
  return "interval includes 0: no clear difference";
}

function ArmRow({
  name,
  testId,
  arm,
  estimator,
  pct,
  scale,
  logged,
}: {
  name: string;
  testId: string;
  arm: Arm;
  estimator: Estimator;
  pct: boolean;
  scale: BarScale | null;
  logged: number | null;
}) {
  const e = arm[estimator];
  return (
    <tr data-testid={testId} data-status={e.status}>
      <th scope="row">{name}</th>
      <td className="mono small">{arm.content.length > 0 ? arm.content.join(", ") : "—"}</td>
      <EstimateCells e={e} pct={pct} scale={scale} logged={logged} />
      <td className="small muted">
        matched {arm.matched} ({arm.matched_positive} positive) · ESS {formatEss(arm.ess)}
      </td>
    </tr>
  );
}

function Breakdown({ dim, cells, pct, estimator }: { dim: string; cells: Record<string, PolicySummary>; pct: boolean; estimator: Estimator }) {
  const rows = Object.entries(cells);
  const scale = barScale(rows.flatMap(([, s]) => [s[estimator], s.logged]));
  return (
    <div data-testid={`estimates-breakdown-${dim}`}>
      <h3>{DIMENSION_LABEL[dim] ?? dim}</h3>
      <table className="table table-compact est-table est-breakdown">
        <thead>
          <tr>
            <th>Value</th>
            <th className="num est-col-count">Events</th>
            <th className="num est-col-count">Matched</th>
            <th className="num est-col-value">{ESTIMATOR_LABEL[estimator]}</th>
            <th className="num est-col-ci">95% interval</th>
            <th className="est-bar-col" />
          </tr>
        </thead>
        <tbody>
          {rows.map(([v, s]) => {
            const e = s[estimator];
            return (
              <tr key={v} data-testid="breakdown-row" data-value={v} data-status={e.status}>
                <th scope="row" className="mono">
                  {v}
                </th>
                <td className="num">{s.events}</td>
                <td className="num">{s.matched}</td>
                {isOk(e) ? (
                  <>
                    <td className="num" data-testid="estimate-value">
                      {formatNumber(e.value, pct)}
                    </td>
                    <td className="num nowrap" data-testid="estimate-interval">
                      {formatInterval(e, pct)}
                    </td>
                    <td className="est-bar-col">{scale && <IntervalBar e={e} scale={scale} pct={pct} logged={isOk(s.logged) ? s.logged.value : null} />}</td>
                  </>
                ) : (
                  <td colSpan={3} className="est-reason small" data-testid="estimate-reason">
                    {reasonText(e)}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
