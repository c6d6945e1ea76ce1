// Impact diff: the draft rules against the last published bundle, over the
// same sample shoppers — who would see something different, and where.
import { Fragment, useState } from "react";
import { useEnvironments } from "../../api/publish";
import { useImpactRun } from "../../api/simulate";
import type { BlockView } from "../../bindings/BlockView";
import type { PlacementImpact } from "../../bindings/PlacementImpact";
import { formatPercent } from "../../format";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState } from "../StatusViews";
import { fallbackWords, formatDigest, formatDuration } from "./words";

export function ImpactPanel() {
  const [env, setEnv] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const impact = useImpactRun();
  // Configured environments when the publish IPC answers; otherwise a free-text name.
  const environments = useEnvironments();
  const names = environments.data?.map((e) => e.environment.name) ?? [];
  const r = impact.data;
  return (
    <div className="sim-impact" data-testid="impact">
      <section className="panel">
        <div className="row wrap">
          <label htmlFor="impact-env">Published bundle of environment</label>
          {names.length > 0 ? (
            <select id="impact-env" value={env} onChange={(e) => setEnv(e.target.value)} data-testid="impact-env">
              <option value="">any (latest published)</option>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          ) : (
            <input id="impact-env" type="text" value={env} onChange={(e) => setEnv(e.target.value)} placeholder="any (latest published)" data-testid="impact-env" />
          )}
          <button type="button" className="btn-primary" onClick={() => impact.mutate(env.trim() || null)} disabled={impact.isPending} data-testid="impact-run">
            {impact.isPending ? "Comparing…" : "Compare draft with published"}
          </button>
        </div>
        <p className="small muted">Every sample shopper on every page is decided with both the draft and the published rules; a block differs when its content, its products or whether it is personalized differ.</p>
      </section>
      <ErrorBanner error={impact.error} title="Could not compare." testId="impact-error" />
      {!r ? (
        !impact.isError &&
        !impact.isPending && (
          <EmptyState title="No comparison yet" testId="impact-empty">
            <p>Compare the draft with what is published to see who would see something different before you publish.</p>
          </EmptyState>
        )
      ) : (
        <div data-testid="impact-results">
          <div className="sim-headline">
            <div className="sim-stat" data-testid="impact-changed-shoppers">
              <div className="sim-stat-value">{r.changed_shoppers.toLocaleString()}</div>
              <div className="sim-stat-label">shoppers see a change</div>
              <div className="small muted">of {r.shoppers.toLocaleString()} ({formatPercent(r.changed_shoppers, r.shoppers)})</div>
            </div>
            <div className="sim-stat" data-testid="impact-changed-views">
              <div className="sim-stat-value">{r.changed_views.toLocaleString()}</div>
              <div className="sim-stat-label">page views change</div>
              <div className="small muted">of {r.page_views.toLocaleString()} ({formatPercent(r.changed_views, r.page_views)})</div>
            </div>
            <div className="sim-stat">
              <div className="sim-stat-value">{formatDuration(r.elapsed_ms)}</div>
              <div className="sim-stat-label">run time</div>
            </div>
          </div>
          <p className="small muted">
            Draft {formatDigest(r.draft_digest)} against published {formatDigest(r.base_digest)}.
          </p>
          {r.placements.length === 0 ? (
            <p className="muted">No placements to compare.</p>
          ) : (
            <table className="table table-compact" data-testid="impact-table">
              <thead>
                <tr>
                  <th>Page</th>
                  <th>Placement</th>
                  <th className="num">Views</th>
                  <th className="num">Changed</th>
                  <th>By the draft winner's segment</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {r.placements.map((p) => {
                  const id = `${p.page}:${p.placement}`;
                  return (
                    <Fragment key={id}>
                      <tr data-testid="impact-row" data-placement={p.placement} data-changed={p.changed} className={p.changed === 0 ? "sim-zero" : undefined}>
                        <td className="mono">{p.page}</td>
                        <td className="mono">{p.placement}</td>
                        <td className="num">{p.views.toLocaleString()}</td>
                        <td className="num">
                          <strong>{p.changed.toLocaleString()}</strong> <span className="muted small">{formatPercent(p.changed, p.views)}</span>
                        </td>
                        <td>
                          <SegmentChips bySegment={p.by_segment} />
                        </td>
                        <td className="actions">
                          {p.examples.length > 0 && (
                            <button type="button" className="btn-small" onClick={() => setOpen(open === id ? null : id)} aria-expanded={open === id} data-testid="impact-examples-toggle">
                              {open === id ? "Hide" : `${p.examples.length} example${p.examples.length === 1 ? "" : "s"}`}
                            </button>
                          )}
                        </td>
                      </tr>
                      {open === id && (
                        <tr className="sim-impact-examples">
                          <td colSpan={6}>
                            <Examples p={p} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}

function SegmentChips({ bySegment }: { bySegment: Record<string, number> }) {
  const entries = Object.entries(bySegment).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <span className="muted small">—</span>;
  return (
    <span className="chips" data-testid="impact-by-segment">
      {entries.map(([s, n]) => (
        <span key={s} className="chip">
          {s}: {n.toLocaleString()}
        </span>
      ))}
    </span>
  );
}

function Examples({ p }: { p: PlacementImpact }) {
  return (
    <table className="table table-compact sim-examples" data-testid="impact-examples">
      <thead>
        <tr>
          <th>Shopper</th>
          <th>Published (before)</th>
          <th>Draft (after)</th>
        </tr>
      </thead>
      <tbody>
        {p.examples.map((e, i) => (
          <tr key={`${e.shopper}-${i}`} data-testid="impact-example">
            <td className="mono">{e.shopper}</td>
            <td>
              <BlockSummary b={e.before} />
            </td>
            <td>
              <BlockSummary b={e.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BlockSummary({ b }: { b: BlockView }) {
  return (
    <div className="small">
      <span className="mono">{b.content ?? "(nothing)"}</span>{" "}
      {b.personalized ? (
        <span className="badge badge-personalized">
          {b.entry ?? "?"} · {b.segment ?? "?"}
        </span>
      ) : (
        <span className="badge badge-default">default ({fallbackWords(b.fallback_reason)})</span>
      )}
      {b.products.length > 0 && <div className="muted mono">{b.products.join(", ")}</div>}
    </div>
  );
}
