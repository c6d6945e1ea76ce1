// Why and why not: per placement, every candidate entry and its outcome in plain words.
import type { Block, FilterCounts, PlacementTrace, Trace } from "../../api/simulate";
import { formatTime } from "../../format";
import { describeOutcome, fallbackWords } from "./words";

const FILTER_ORDER: (keyof FilterCounts)[] = ["candidates", "in_stock", "margin", "price_jump", "seasonal", "not_purchased", "not_on_page"];

export function TraceView({ trace, blocks }: { trace: Trace | undefined; blocks: Block[] }) {
  if (!trace)
    return (
      <div data-testid="preview-trace">
        <p className="muted small">The engine returned no trace for this decision.</p>
      </div>
    );
  const byPlacement = new Map(blocks.map((b) => [b.placement, b]));
  return (
    <div className="sim-trace" data-testid="preview-trace">
      <p className="small">
        Shopper <span className="mono">{trace.shopper}</span> at {formatTime(trace.at)} · stage <strong>{trace.stage}</strong> ·{" "}
        {trace.consent ? <span className="ok">consent given</span> : <span className="warn">no personalization consent</span>}
      </p>
      {trace.notes && trace.notes.length > 0 && (
        <ul className="sim-notes" data-testid="trace-notes">
          {trace.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {trace.placements.map((p) => (
        <PlacementTraceView key={p.placement} p={p} block={byPlacement.get(p.placement)} />
      ))}
    </div>
  );
}

function PlacementTraceView({ p, block }: { p: PlacementTrace; block: Block | undefined }) {
  return (
    <section className="sim-trace-placement" data-testid={`trace-${p.placement}`}>
      <h4>
        <span className="mono">{p.placement}</span>
        {block && (
          <span className="small muted">
            {" "}
            → {block.content ?? "nothing"}
            {!block.personalized && ` (default: ${fallbackWords(block.fallback_reason)})`}
          </span>
        )}
      </h4>
      {p.candidates.length === 0 ? (
        <p className="muted small">No plan entry targets this placement.</p>
      ) : (
        <ol className="sim-candidates">
          {p.candidates.map((c, i) => {
            const { sentence, extra } = describeOutcome(c.outcome, c.segment);
            return (
              <li key={`${c.entry}-${i}`} className={"sim-candidate result-" + c.outcome.result} data-testid="trace-candidate" data-entry={c.entry} data-result={c.outcome.result}>
                <span className="mono">{c.entry}</span> <span className="muted small">(segment {c.segment})</span>: <span>{sentence}</span>
                {extra.length > 0 && (
                  <span className="sim-extra">
                    {extra.map(([k, v]) => (
                      <span key={k} className="chip" data-testid="trace-field">
                        {k}: {v}
                      </span>
                    ))}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {p.winner && (
        <p className="small" data-testid="trace-winner">
          Winner <span className="mono">{p.winner.entry}</span> (rank {p.winner.page_rank + 1} among this page's winners)
          {p.winner.dropped_by_page_cap && <span className="warn"> was dropped by the page cap</span>}
          {p.winner.holdout && (
            <>
              ; holdout bucket {p.winner.holdout.bucket.toFixed(4)} vs threshold {p.winner.holdout.threshold.toFixed(4)}:{" "}
              {p.winner.holdout.control ? <strong>control (default shown)</strong> : "treated"}
            </>
          )}
          {p.winner.variant && (
            <>
              ; variant {String.fromCharCode(65 + p.winner.variant.index)} ({p.winner.variant.content})
            </>
          )}
          .
        </p>
      )}
      {p.products?.map((pt, i) => (
        <p key={i} className="small muted" data-testid="trace-products">
          Products for <span className="mono">{pt.content}</span> ({pt.strategy.replace(/_/g, " ")}):{" "}
          {FILTER_ORDER.filter((k) => pt.counts[k] !== undefined)
            .map((k) => `${k.replace(/_/g, " ")} ${pt.counts[k]}`)
            .join(" → ")}
          ; showing {pt.chosen.length} of {pt.size} (minimum {pt.min_size}).
        </p>
      ))}
    </section>
  );
}
