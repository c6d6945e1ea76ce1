import type { Condition } from "../bindings/Condition";
import type { ReachReport } from "../bindings/ReachReport";
import { formatPercent, formatValue } from "../format";
import { useReach } from "../queries";
import { ErrorBanner } from "./ErrorBanner";
import { ReachBar } from "./ReachBar";

/** Live reach of the condition being edited, with example shoppers. */
export function ReachPanel({ condition, note }: { condition: Condition | null; note?: string }) {
  const reach = useReach(condition);
  return (
    <section className="panel reach-panel" data-testid="reach" aria-live="polite" aria-busy={reach.pending}>
      <h2>Reach</h2>
      {condition === null ? (
        <p className="muted">Reach appears when the condition is valid.</p>
      ) : reach.error ? (
        <ErrorBanner error={reach.error} testId="reach-error" />
      ) : reach.data ? (
        <ReachSummary report={reach.data} stale={reach.pending} />
      ) : (
        <p className="muted">Counting…</p>
      )}
      {note && <p className="muted small">{note}</p>}
    </section>
  );
}

/** "matched of total (share%)", a bar and up to five example shoppers. */
export function ReachSummary({ report, stale = false }: { report: ReachReport; stale?: boolean }) {
  const { matched, total, examples } = report;
  if (total === 0) {
    return (
      <p className="muted" data-testid="reach-no-shoppers">
        No sample shoppers yet — import some under Shoppers to count reach on real data.
      </p>
    );
  }
  return (
    <div className={stale ? "stale" : ""}>
      <p className="reach-numbers">
        <strong data-testid="reach-matched" data-value={matched}>
          {matched}
        </strong>{" "}
        of <span data-testid="reach-total">{total}</span> shoppers (
        <span data-testid="reach-share">{formatPercent(matched, total)}</span>)
      </p>
      <ReachBar matched={matched} total={total} />
      {examples.length > 0 ? (
        <>
          <h3>Examples</h3>
          <ul className="examples" data-testid="reach-examples">
            {examples.slice(0, 5).map((s) => (
              <li key={s.id}>
                <span className="mono">{s.id}</span>{" "}
                <span className="muted">
                  {Object.entries(s.values)
                    .slice(0, 4)
                    .map(([k, v]) => `${k}: ${formatValue(v)}`)
                    .join(" · ")}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">No shopper matches this condition.</p>
      )}
    </div>
  );
}
