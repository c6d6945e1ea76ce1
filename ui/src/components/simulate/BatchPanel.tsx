// Batch simulation: every sample shopper on the chosen pages at one time or
// across a date range, with progress, cancel, results, drill-down and export.
import { useEffect, useMemo, useState } from "react";
import {
  isCancelled,
  usePreviewContext,
  useSimulationCancel,
  useSimulationExport,
  useSimulationLast,
  useSimulationProgress,
  useSimulationRun,
  type SimLast,
  type SimProgress,
} from "../../api/simulate";
import { formatPercent } from "../../format";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState, Loading } from "../StatusViews";
import { DrillContext, DrilldownDrawer, resolveDrillKey, type Drill } from "./Drilldown";
import { SimResults } from "./SimResults";
import { formatDuration, fromLocalInput, pageOfKey } from "./words";

interface Props {
  /** Open a drill-down shopper in the Preview tab (page when the number is about one page). */
  onOpenShopper: (id: string, drillKey: string, at: string | null) => void;
}

export function BatchPanel({ onOpenShopper }: Props) {
  const ctx = usePreviewContext();
  const last = useSimulationLast();
  const run = useSimulationRun();
  const cancel = useSimulationCancel();
  const exporter = useSimulationExport();
  const progress = useSimulationProgress(run.isPending);

  const pages = ctx.data?.pages.map((p) => p.name) ?? [];
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [mode, setMode] = useState<"at" | "range">("at");
  const [at, setAt] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [step, setStep] = useState("1d");
  const [exportPath, setExportPath] = useState("");
  const [fresh, setFresh] = useState<SimLast | null>(null);
  const [drillKey, setDrillKey] = useState<string | null>(null);

  const chosen = pages.filter((p) => !excluded.has(p));
  const rangeInvalid = mode === "range" && (!from || !to || !step.trim());
  const start = () => {
    cancel.reset();
    const digest = ctx.data?.digest ?? "";
    run.mutate(
      {
        pages: chosen.length === pages.length ? null : chosen,
        at: mode === "at" ? fromLocalInput(at) : null,
        from: mode === "range" ? fromLocalInput(from) : null,
        to: mode === "range" ? fromLocalInput(to) : null,
        step: mode === "range" ? step.trim() : null,
      },
      { onSuccess: (report) => setFresh({ report, digest, finished_at: new Date().toISOString() }) },
    );
  };

  // What is shown: this session's run, else the persisted last one.
  const shown: SimLast | null = fresh ?? last.data ?? null;
  const currentDigest = ctx.data?.digest;
  const stale = !!shown && !!currentDigest && shown.digest !== currentDigest;

  const drill: Drill = useMemo(
    () => ({
      resolve: (k) => (shown ? resolveDrillKey(shown.report.drilldown, k) : null),
      open: setDrillKey,
    }),
    [shown],
  );
  // A new report closes a drawer about the old one.
  useEffect(() => setDrillKey(null), [shown]);

  const cancelled = run.isError && isCancelled(run.error);
  return (
    <div className="sim-batch" data-testid="batch">
      <section className="panel sim-run-form">
        <div className="sim-run-grid">
          <fieldset>
            <legend>Pages</legend>
            {ctx.isPending && <span className="muted small">Loading pages…</span>}
            {ctx.isError && <ErrorBanner error={ctx.error} title="Could not read the page types." />}
            {pages.map((p) => (
              <label key={p} className="check">
                <input
                  type="checkbox"
                  checked={!excluded.has(p)}
                  onChange={(e) => {
                    const next = new Set(excluded);
                    if (e.target.checked) next.delete(p);
                    else next.add(p);
                    setExcluded(next);
                  }}
                  data-testid={`sim-page-${p}`}
                />{" "}
                {p}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>When</legend>
            <label className="check">
              <input type="radio" name="sim-when" checked={mode === "at"} onChange={() => setMode("at")} data-testid="sim-mode-at" /> One time
            </label>
            {mode === "at" && (
              <div className="row">
                <input type="datetime-local" step={1} value={at} onChange={(e) => setAt(e.target.value)} data-testid="sim-at" aria-label="Time (empty: now)" />
                <span className="small muted">{at ? "" : "empty = now"}</span>
              </div>
            )}
            <label className="check">
              <input type="radio" name="sim-when" checked={mode === "range"} onChange={() => setMode("range")} data-testid="sim-mode-range" /> Date range
            </label>
            {mode === "range" && (
              <div className="row wrap">
                <input type="datetime-local" step={1} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="sim-from" aria-label="From" />
                <span className="muted">to</span>
                <input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} data-testid="sim-to" aria-label="To" />
                <span className="muted">every</span>
                <input type="text" className="input-narrow" value={step} onChange={(e) => setStep(e.target.value)} data-testid="sim-step" aria-label="Step" placeholder="1d, 6h" />
              </div>
            )}
          </fieldset>
        </div>
        <div className="row">
          <button type="button" className="btn-primary" onClick={start} disabled={run.isPending || chosen.length === 0 || rangeInvalid || !ctx.data} data-testid="sim-run">
            {run.isPending ? "Running…" : "Run simulation"}
          </button>
          {run.isPending && (
            <button type="button" className="btn-danger-outline" onClick={() => cancel.mutate()} disabled={cancel.isPending || cancel.isSuccess} data-testid="sim-cancel">
              {cancel.isPending || cancel.isSuccess ? "Cancelling…" : "Cancel"}
            </button>
          )}
          <span className="small muted">
            {chosen.length} of {pages.length} page type{pages.length === 1 ? "" : "s"}
          </span>
        </div>
        {run.isPending && <ProgressBar progress={progress} />}
        {cancelled && (
          <div className="banner sim-cancelled" role="status" data-testid="sim-cancelled">
            Cancelled; no results saved.
          </div>
        )}
        {run.isError && !cancelled && <ErrorBanner error={run.error} title="The simulation failed." testId="sim-error" onDismiss={() => run.reset()} />}
        <ErrorBanner error={cancel.error} title="Could not cancel." onDismiss={() => cancel.reset()} />
      </section>

      {stale && (
        <div className="banner banner-warn sim-stale" role="status" data-testid="sim-stale">
          These results are from an older version of the rules — run again.
        </div>
      )}

      {last.isError && !fresh && <ErrorBanner error={last.error} title="Could not read the last results." />}
      {!shown ? (
        last.isPending ? (
          <Loading label="Loading the last results…" />
        ) : (
          !run.isPending && (
            <EmptyState title="No simulation yet" testId="sim-empty">
              <p>Run the simulation to count, on every sample shopper, who sees what on each page, what falls back and why.</p>
            </EmptyState>
          )
        )
      ) : (
        <DrillContext.Provider value={drill}>
          <section className="panel sim-export">
            <div className="row wrap">
              <strong>Export</strong>
              <input
                type="text"
                className="grow mono"
                value={exportPath}
                onChange={(e) => setExportPath(e.target.value)}
                placeholder="file path (empty: choose with a dialog)"
                aria-label="Export path"
                data-testid="sim-export-path"
              />
              <button type="button" onClick={() => exporter.mutate({ format: "csv", path: exportPath })} disabled={exporter.isPending} data-testid="sim-export-csv">
                CSV metrics
              </button>
              <button type="button" onClick={() => exporter.mutate({ format: "html", path: exportPath })} disabled={exporter.isPending} data-testid="sim-export-html">
                HTML report
              </button>
            </div>
            {exporter.isSuccess && exporter.data && (
              <p className="small ok" data-testid="sim-export-done">
                Saved {exporter.variables?.format.toUpperCase()} to <span className="mono">{exporter.data}</span>.
              </p>
            )}
            <ErrorBanner error={exporter.error} title="Export failed." onDismiss={() => exporter.reset()} />
          </section>
          <SimResults report={shown.report} digest={shown.digest} finishedAt={shown.finished_at} />
          {drillKey && (
            <DrilldownDrawer
              drillKey={drillKey}
              onClose={() => setDrillKey(null)}
              onOpenShopper={(id) => onOpenShopper(id, drillKey, shown.report.times[0] ?? null)}
            />
          )}
        </DrillContext.Provider>
      )}
    </div>
  );
}

/** "1,200 of 5,000 shoppers · 24% · about 12 s left". */
export function ProgressBar({ progress }: { progress: SimProgress | null }) {
  const total = progress?.total ?? null;
  const done = progress?.done ?? 0;
  const fraction = total ? Math.min(1, done / total) : null;
  return (
    <div className="sim-progress" data-testid="sim-progress">
      <div className="sim-progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={total ?? undefined} aria-valuenow={total ? done : undefined} aria-label="Simulation progress">
        <div className={"sim-progress-fill" + (fraction === null ? " indeterminate" : "")} style={{ width: fraction === null ? "30%" : `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="small" data-testid="sim-progress-text">
        {!progress ? (
          "Starting…"
        ) : (
          <>
            {done.toLocaleString()}
            {total ? ` of ${total.toLocaleString()}` : ""} shoppers
            {total ? ` · ${formatPercent(done, total)}` : ""} · {formatDuration(progress.elapsed_ms)} elapsed
            {progress.eta_ms !== undefined && progress.eta_ms !== null && <span data-testid="sim-eta"> · about {formatDuration(progress.eta_ms)} left</span>}
          </>
        )}
      </div>
    </div>
  );
}

/** The page a drill-down key is about, if any. */
export function pageForDrill(key: string, entryPage: (entry: string) => string | null): string | null {
  const p = pageOfKey(key);
  if (p) return p;
  const m = /^entry:(.+)$/.exec(key);
  return m ? entryPage(m[1]) : null;
}
