// The numbers of a simulation report: headline, reach, blocks per page,
// fallbacks, breakdowns and segment overlap. Every number with example
// shoppers behind it opens them.
import { useContext, useState } from "react";
import type { BreakdownCell } from "../../bindings/BreakdownCell";
import type { Breakdowns } from "../../bindings/Breakdowns";
import type { Overlap } from "../../bindings/Overlap";
import type { SimReport } from "../../bindings/SimReport";
import { formatPercent, formatTime } from "../../format";
import { DrillContext, DrillNumber } from "./Drilldown";
import { SimBarChart, type BarDatum } from "./SimChart";
import { drillTestId, fallbackWords, formatDigest, formatDuration, humanize } from "./words";

const DIMENSIONS: { id: keyof Breakdowns; label: string }[] = [
  { id: "traffic_source", label: "Traffic source" },
  { id: "customer_type", label: "Customer type" },
  { id: "device", label: "Device" },
  { id: "category", label: "Category (product pages)" },
];

const byCountDesc = <T,>(get: (t: T) => number) => (a: T, b: T) => get(b) - get(a);

export function SimResults({ report, digest, finishedAt }: { report: SimReport; digest: string | null; finishedAt: string | null }) {
  const personalized = report.pages.reduce((n, p) => n + p.placements.reduce((m, pl) => m + pl.personalized, 0), 0);
  const blocks = report.pages.reduce((n, p) => n + p.placements.length * p.views, 0);
  return (
    <div className="sim-results" data-testid="sim-results">
      <div className="sim-headline" data-testid="sim-headline">
        <Stat label="shoppers" value={report.shoppers} testId="sim-shoppers" />
        <Stat label="page views" value={report.page_views} testId="sim-page-views" />
        <Stat label="personalized blocks" value={personalized} note={blocks > 0 ? formatPercent(personalized, blocks) + " of blocks" : undefined} />
        <Stat label="instants" value={report.times.length} note={report.times.length === 1 ? formatTime(report.times[0]) : report.times.length > 1 ? `${formatTime(report.times[0])} → ${formatTime(report.times[report.times.length - 1])}` : undefined} />
        <Stat label="run time" value={formatDuration(report.elapsed_ms)} />
      </div>
      <p className="small muted">
        Computed on rules {formatDigest(digest ?? report.bundle_digest)}
        {report.version !== undefined && report.version !== null ? ` (bundle version ${report.version})` : ""}
        {finishedAt ? `, finished ${formatTime(finishedAt)}` : ""}. Click a number to see the shoppers behind it.
      </p>

      <div className="sim-grid">
        <SegmentsSection report={report} />
        <EntriesSection report={report} />
        <BlocksSection report={report} />
        <FallbacksSection report={report} />
      </div>
      <PlacementsSection report={report} />
      <BreakdownSection breakdowns={report.breakdowns} />
      <OverlapHeatmap overlap={report.overlap} />
    </div>
  );
}

function Stat({ label, value, note, testId }: { label: string; value: number | string; note?: string; testId?: string }) {
  return (
    <div className="sim-stat" data-testid={testId}>
      <div className="sim-stat-value">{typeof value === "number" ? value.toLocaleString() : value}</div>
      <div className="sim-stat-label">{label}</div>
      {note && <div className="small muted">{note}</div>}
    </div>
  );
}

function SegmentsSection({ report }: { report: SimReport }) {
  const rows = [...report.segments].sort(byCountDesc((s) => s.matched));
  const data: BarDatum[] = rows.map((s) => ({ name: s.segment, matched: s.matched, saw_entry: s.saw_entry }));
  return (
    <section className="panel" data-testid="sim-segments">
      <h2>Reach per segment</h2>
      <SimBarChart
        testId="chart-segments"
        title="Shoppers matched and shoppers shown one of its entries"
        data={data}
        series={[
          { key: "matched", label: "matched", drill: (n) => `segment:${n}` },
          { key: "saw_entry", label: "saw an entry" },
        ]}
      />
      {rows.length === 0 ? (
        <p className="muted">No segments.</p>
      ) : (
        <div className="sim-table-scroll">
          <table className="table table-compact">
            <thead>
              <tr>
                <th>Segment</th>
                <th className="num">Matched</th>
                <th className="num">Saw an entry</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.segment}>
                  <td className="mono">{s.segment}</td>
                  <td className="num">
                    <DrillNumber k={`segment:${s.segment}`} value={s.matched} />
                    <span className="muted small"> {formatPercent(s.matched, report.shoppers)}</span>
                  </td>
                  <td className="num">{s.saw_entry.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function EntriesSection({ report }: { report: SimReport }) {
  const rows = [...report.entries].sort(byCountDesc((e) => e.views));
  const data: BarDatum[] = rows.map((e) => ({ name: e.entry, views: e.views, shoppers: e.shoppers }));
  return (
    <section className="panel" data-testid="sim-entries">
      <h2>Reach per plan entry</h2>
      <SimBarChart
        testId="chart-entries"
        title="Page views shown personalized, and shoppers who saw it"
        data={data}
        series={[
          { key: "views", label: "views", drill: (n) => `entry:${n}` },
          { key: "shoppers", label: "shoppers" },
        ]}
      />
      {rows.length === 0 ? (
        <p className="muted">No plan entries.</p>
      ) : (
        <div className="sim-table-scroll">
          <table className="table table-compact">
            <thead>
              <tr>
                <th>Entry</th>
                <th>Segment</th>
                <th className="num">Views</th>
                <th className="num">Shoppers</th>
                <th className="num">Held out</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.entry} className={e.views === 0 ? "sim-zero" : undefined}>
                  <td className="mono">{e.entry}</td>
                  <td className="mono small">{e.segment}</td>
                  <td className="num">
                    <DrillNumber k={`entry:${e.entry}`} value={e.views} />
                  </td>
                  <td className="num">{e.shoppers.toLocaleString()}</td>
                  <td className="num">{e.holdout.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BlocksSection({ report }: { report: SimReport }) {
  const max = Math.max(0, ...report.pages.map((p) => p.blocks_histogram.length - 1));
  const ns = Array.from({ length: max + 1 }, (_, n) => n);
  const data: BarDatum[] = report.pages.map((p) => {
    const d: BarDatum = { name: p.page };
    ns.forEach((n) => (d[`b${n}`] = p.blocks_histogram[n] ?? 0));
    return d;
  });
  return (
    <section className="panel" data-testid="sim-blocks">
      <h2>Personalized blocks per page view</h2>
      <SimBarChart
        testId="chart-blocks"
        title="Views of each page by number of personalized blocks"
        data={data}
        stacked
        series={ns.map((n) => ({ key: `b${n}`, label: `${n} block${n === 1 ? "" : "s"}`, drill: (page: string) => `page:${page}:blocks:${n}` }))}
      />
      <table className="table table-compact">
        <thead>
          <tr>
            <th>Page</th>
            <th className="num">Views</th>
            {ns.map((n) => (
              <th key={n} className="num">
                {n} block{n === 1 ? "" : "s"}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.pages.map((p) => (
            <tr key={p.page}>
              <td className="mono">{p.page}</td>
              <td className="num">{p.views.toLocaleString()}</td>
              {ns.map((n) => (
                <td key={n} className="num">
                  <DrillNumber k={`page:${p.page}:blocks:${n}`} value={p.blocks_histogram[n] ?? 0} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function FallbacksSection({ report }: { report: SimReport }) {
  const reasons = Object.entries(report.fallbacks).sort((a, b) => b[1] - a[1]);
  const causes = Object.entries(report.too_few_products).sort((a, b) => b[1] - a[1]);
  return (
    <section className="panel" data-testid="sim-fallbacks">
      <h2>Fallbacks and drops</h2>
      <SimBarChart
        testId="chart-fallbacks"
        title="Blocks that showed the default, by reason"
        data={reasons.map(([r, n]) => ({ name: r, blocks: n }))}
        series={[{ key: "blocks", label: "blocks", drill: (r) => `fallback:${r}` }]}
      />
      {reasons.length === 0 ? (
        <p className="muted">No block fell back to its default.</p>
      ) : (
        <table className="table table-compact">
          <thead>
            <tr>
              <th>Reason</th>
              <th className="num">Blocks</th>
            </tr>
          </thead>
          <tbody>
            {reasons.map(([r, n]) => (
              <tr key={r}>
                <td>
                  <span className="mono small">{r}</span> <span className="muted small">{fallbackWords(r)}</span>
                </td>
                <td className="num">
                  <DrillNumber k={`fallback:${r}`} value={n} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {causes.length > 0 && (
        <>
          <h3>Too few products: the filter that emptied the set</h3>
          <table className="table table-compact" data-testid="sim-shortfall">
            <tbody>
              {causes.map(([c, n]) => (
                <tr key={c}>
                  <td>{humanize(c)}</td>
                  <td className="num">
                    <DrillNumber k={`shortfall:${c}`} value={n} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function PlacementsSection({ report }: { report: SimReport }) {
  const reasons = [...new Set(report.pages.flatMap((p) => p.placements.flatMap((pl) => Object.keys(pl.fallbacks))))].sort();
  if (report.pages.length === 0) return null;
  return (
    <section className="panel" data-testid="sim-placements">
      <h2>Per placement</h2>
      <div className="table-scroll">
        <table className="table table-compact">
          <thead>
            <tr>
              <th>Placement</th>
              <th className="num">Views</th>
              <th className="num">Personalized</th>
              <th className="num">Held out</th>
              {reasons.map((r) => (
                <th key={r} className="num" title={fallbackWords(r)}>
                  {humanize(r)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.pages.flatMap((p) =>
              p.placements.map((pl) => (
                <tr key={pl.placement}>
                  <td className="mono">{pl.placement}</td>
                  <td className="num">{p.views.toLocaleString()}</td>
                  <td className="num">
                    {pl.personalized.toLocaleString()} <span className="muted small">{formatPercent(pl.personalized, p.views)}</span>
                  </td>
                  <td className="num">{pl.holdout.toLocaleString()}</td>
                  {reasons.map((r) => (
                    <td key={r} className="num">
                      {(pl.fallbacks[r] ?? 0).toLocaleString()}
                    </td>
                  ))}
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function BreakdownSection({ breakdowns }: { breakdowns: Breakdowns }) {
  const [dim, setDim] = useState<keyof Breakdowns>("traffic_source");
  const cells = Object.entries(breakdowns[dim] ?? {}).sort((a, b) => b[1].views - a[1].views) as [string, BreakdownCell][];
  const reasons = [...new Set(cells.flatMap(([, c]) => Object.keys(c.fallbacks)))].sort();
  return (
    <section className="panel" data-testid="sim-breakdown">
      <div className="panel-title">
        <h2>Breakdown</h2>
        <select value={dim} onChange={(e) => setDim(e.target.value as keyof Breakdowns)} data-testid="sim-breakdown-dim" aria-label="Break down by">
          {DIMENSIONS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
      {cells.length === 0 ? (
        <p className="muted" data-testid="sim-breakdown-empty">
          No page views carry this field{dim === "category" ? " (only product pages have a category)" : ""}.
        </p>
      ) : (
        <div className="sim-breakdown-grid">
          <SimBarChart
            testId="chart-breakdown"
            title="Page views and personalized blocks"
            data={cells.map(([v, c]) => ({ name: v, views: c.views, personalized: c.personalized }))}
            series={[
              { key: "views", label: "page views" },
              { key: "personalized", label: "personalized blocks" },
            ]}
          />
          <div className="table-scroll">
            <table className="table table-compact" data-testid="sim-breakdown-table">
              <thead>
                <tr>
                  <th>{DIMENSIONS.find((d) => d.id === dim)?.label}</th>
                  <th className="num">Views</th>
                  <th className="num">Personalized blocks</th>
                  <th className="num">per view</th>
                  {reasons.map((r) => (
                    <th key={r} className="num" title={fallbackWords(r)}>
                      {humanize(r)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {cells.map(([v, c]) => (
                  <tr key={v} data-testid="sim-breakdown-row">
                    <td>{v}</td>
                    <td className="num">{c.views.toLocaleString()}</td>
                    <td className="num">{c.personalized.toLocaleString()}</td>
                    <td className="num">{c.views > 0 ? (c.personalized / c.views).toFixed(2) : "—"}</td>
                    {reasons.map((r) => (
                      <td key={r} className="num">
                        {(c.fallbacks[r] ?? 0).toLocaleString()}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

const HEATMAP_MAX = 40;

/** Segment × segment: shoppers matching both, as a grid of cells coloured by count. */
export function OverlapHeatmap({ overlap }: { overlap: Overlap }) {
  const drill = useContext(DrillContext);
  const n = overlap.segments.length;
  // Biggest segments first when there are too many to draw.
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => (overlap.counts[b]?.[b] ?? 0) - (overlap.counts[a]?.[a] ?? 0))
    .slice(0, HEATMAP_MAX)
    .sort((a, b) => a - b);
  const max = Math.max(1, ...order.flatMap((i) => order.map((j) => overlap.counts[i]?.[j] ?? 0)));
  const showNumbers = order.length <= 16;
  return (
    <section className="panel" data-testid="sim-overlap">
      <h2>Segment overlap</h2>
      <p className="small muted">
        Shoppers matching both segments (the diagonal: each segment alone). Darker = more shoppers.
        {n > order.length && ` Showing the ${order.length} largest of ${n} segments.`}
      </p>
      {n === 0 ? (
        <p className="muted" data-testid="sim-overlap-empty">
          No overlap computed (no segments, or more than 200).
        </p>
      ) : (
        <div className="sim-heatmap-scroll">
          <div className="sim-heatmap" style={{ gridTemplateColumns: `minmax(80px, max-content) repeat(${order.length}, minmax(${showNumbers ? 36 : 14}px, 1fr))` }} role="grid">
            <div className="sim-hm-corner" />
            {order.map((j) => (
              <div key={`h${j}`} className="sim-hm-col" title={overlap.segments[j]}>
                {overlap.segments[j]}
              </div>
            ))}
            {order.map((i) => (
              <div key={`r${i}`} className="sim-hm-row" role="row">
                <div className="sim-hm-rowhead mono small" title={overlap.segments[i]}>
                  {overlap.segments[i]}
                </div>
                {order.map((j) => {
                  const a = overlap.segments[i];
                  const b = overlap.segments[j];
                  const count = overlap.counts[i]?.[j] ?? 0;
                  const key = drill.resolve(i === j ? `segment:${a}` : `overlap:${a}:${b}`) ?? (i === j ? drill.resolve(`overlap:${a}:${a}`) : null);
                  const alpha = count === 0 ? 0 : 0.12 + 0.88 * (count / max);
                  const title = i === j ? `${a}: ${count.toLocaleString()} shoppers` : `${a} and ${b}: ${count.toLocaleString()} shoppers`;
                  const style = { background: `rgba(47, 91, 234, ${alpha.toFixed(3)})`, color: alpha > 0.55 ? "#fff" : undefined };
                  return key ? (
                    <button
                      key={j}
                      type="button"
                      role="gridcell"
                      className={"sim-hm-cell" + (i === j ? " diag" : "")}
                      style={style}
                      title={title}
                      onClick={() => drill.open(key)}
                      data-testid={drillTestId(key)}
                      data-drill={key}
                      data-count={count}
                    >
                      {showNumbers ? count.toLocaleString() : ""}
                    </button>
                  ) : (
                    <div key={j} role="gridcell" className={"sim-hm-cell" + (i === j ? " diag" : "")} style={style} title={title} data-count={count}>
                      {showNumbers ? count.toLocaleString() : ""}
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
