import { formatPercent } from "../format";

/** A thin horizontal bar showing matched / total. */
export function ReachBar({ matched, total }: { matched: number; total: number }) {
  const pct = total > 0 ? Math.min(100, (matched / total) * 100) : 0;
  return (
    <div className="reach-bar" role="img" aria-label={`${formatPercent(matched, total)} of shoppers`}>
      <div className="reach-bar-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}
