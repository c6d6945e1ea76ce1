// Numbers you can click to see the sample shoppers behind them.
import { createContext, useContext } from "react";
import { useDrilldown } from "../../api/simulate";
import { formatValue } from "../../format";
import { useEscape } from "../../hooks";
import { ErrorBanner } from "../ErrorBanner";
import { Loading } from "../StatusViews";
import { drillTestId } from "./words";

export interface Drill {
  /** The key as the report stores it when it has example shoppers behind it, else null. */
  resolve: (key: string) => string | null;
  open: (key: string) => void;
}

export const DrillContext = createContext<Drill>({ resolve: () => null, open: () => {} });

/** The report's drill-down map as a Drill (overlap keys are looked up both ways round). */
export function resolveDrillKey(map: Record<string, string[] | undefined>, key: string): string | null {
  if ((map[key]?.length ?? 0) > 0) return key;
  const m = /^overlap:(.+):(.+)$/.exec(key);
  if (m) {
    const swapped = `overlap:${m[2]}:${m[1]}`;
    if ((map[swapped]?.length ?? 0) > 0) return swapped;
  }
  return null;
}

/** A number; a button opening the drill-down drawer when the report has shoppers behind it. */
export function DrillNumber({ k, value, label }: { k: string; value: number | string; label?: string }) {
  const drill = useContext(DrillContext);
  const shown = typeof value === "number" ? value.toLocaleString() : value;
  const key = drill.resolve(k);
  if (!key) return <span className="num">{shown}</span>;
  return (
    <button
      type="button"
      className="btn-link num drill"
      onClick={() => drill.open(key)}
      data-testid={drillTestId(key)}
      data-drill={key}
      title={label ?? `Show the shoppers behind ${key}`}
    >
      {shown}
    </button>
  );
}

interface DrawerProps {
  drillKey: string;
  onClose: () => void;
  onOpenShopper: (id: string) => void;
}

/** Side drawer listing the example shoppers behind one number. */
export function DrilldownDrawer({ drillKey, onClose, onOpenShopper }: DrawerProps) {
  const rows = useDrilldown(drillKey);
  useEscape(onClose);
  return (
    <aside className="sim-drawer" role="dialog" aria-label={`Shoppers behind ${drillKey}`} data-testid="drilldown" data-drill={drillKey}>
      <div className="panel-title">
        <h2>
          Shoppers behind <span className="mono">{drillKey}</span>
        </h2>
        <button type="button" className="btn-icon" onClick={onClose} aria-label="Close" data-testid="drilldown-close">
          ×
        </button>
      </div>
      <p className="small muted">The first example shoppers, in input order. Open one in the preview to see its page and trace.</p>
      {rows.isPending ? (
        <Loading />
      ) : rows.isError ? (
        <ErrorBanner error={rows.error} title="Could not read the shoppers." />
      ) : rows.data.length === 0 ? (
        <p className="muted" data-testid="drilldown-empty">
          No shoppers behind this number.
        </p>
      ) : (
        <ul className="sim-drill-list">
          {rows.data.map((r) => (
            <li key={r.id} data-testid="drill-shopper" data-shopper={r.id}>
              <div className="row">
                <strong className="mono">{r.id}</strong>
                <span className="spacer" />
                <button type="button" className="btn-small" onClick={() => onOpenShopper(r.id)} data-testid="drill-shopper-open">
                  Open in preview
                </button>
              </div>
              <div className="small muted sim-drill-values">
                {Object.entries(r.values)
                  .slice(0, 8)
                  .map(([k, v]) => `${k}: ${formatValue(v)}`)
                  .join(" · ")}
              </div>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
