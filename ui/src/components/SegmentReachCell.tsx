import type { Condition } from "../bindings/Condition";
import { formatPercent } from "../format";
import { useReach } from "../queries";
import { ReachBar } from "./ReachBar";

/** The reach column of the segment list. */
export function SegmentReachCell({ condition }: { condition: Condition }) {
  const reach = useReach(condition);
  if (reach.error) return <span className="text-error" title={reach.error.message}>invalid</span>;
  if (!reach.data) return <span className="muted">…</span>;
  const { matched, total } = reach.data;
  return (
    <div className="reach-cell" data-testid="segment-reach">
      <span className="reach-pct">{formatPercent(matched, total)}</span>
      <ReachBar matched={matched} total={total} />
      <span className="muted small">
        {matched} of {total}
      </span>
    </div>
  );
}
