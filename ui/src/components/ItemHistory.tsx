import type { EntityKind } from "../bindings/EntityKind";
import { formatTime } from "../format";
import { useItemHistory, useRevertItem } from "../queries";
import { ChangeDiff } from "./ChangeDiff";
import { ErrorBanner } from "./ErrorBanner";
import { Loading } from "./StatusViews";

/** One item's history from the change log, with "revert to this version". */
export function ItemHistory({ kind, itemKey, onReverted }: { kind: EntityKind; itemKey: string; onReverted?: () => void }) {
  const history = useItemHistory(kind, itemKey);
  const revert = useRevertItem();
  return (
    <details className="panel item-history" open data-testid="item-history">
      <summary>History of {itemKey}</summary>
      <ErrorBanner error={history.error} title="Could not load history." />
      <ErrorBanner error={revert.error} title="Could not revert." onDismiss={() => revert.reset()} testId="item-revert-error" />
      {history.isPending && <Loading />}
      {history.data && history.data.length === 0 && <p className="muted" data-testid="item-history-empty">No recorded changes yet.</p>}
      {history.data?.map((h) => {
        const changes = h.changes.filter((c) => c.entity === kind && c.entity_id === itemKey);
        const last = changes[changes.length - 1];
        return (
          <div key={h.txn} className={"item-history-row" + (h.state && h.state !== "applied" ? " faded" : "")} data-testid="item-history-row" data-txn={h.txn}>
            <div className="row">
              <span className="nowrap">{formatTime(h.at)}</span>
              <span className="muted">{h.author}</span>
              <span>{h.summary}</span>
              {h.state && h.state !== "applied" && <span className={`badge state-${h.state}`}>{h.state}</span>}
              <div className="spacer" />
              <button
                type="button"
                className="btn-small"
                disabled={revert.isPending}
                title={last && last.after == null ? "Restores the state right after this change (the item deleted)" : "Restores the item as it was right after this change, as a new undoable edit"}
                onClick={() => revert.mutate({ kind, key: itemKey, txn: h.txn }, { onSuccess: () => onReverted?.() })}
                data-testid="item-revert"
              >
                Revert to this version
              </button>
            </div>
            {changes.map((c, i) => (
              <ChangeDiff key={i} change={c} />
            ))}
          </div>
        );
      })}
    </details>
  );
}
