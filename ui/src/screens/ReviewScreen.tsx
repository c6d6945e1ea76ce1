// Items whose review-by date is past or within two weeks.
import { ErrorBanner } from "../components/ErrorBanner";
import { EmptyState, Loading } from "../components/StatusViews";
import { dueForReview } from "../plan/model";
import { usePlanData } from "../queries";
import type { OpenTarget } from "../sections";

export function ReviewScreen({ onOpen, today }: { onOpen: (t: { kind: OpenTarget["kind"]; key: string }) => void; today?: string }) {
  const plan = usePlanData();
  if (plan.isPending) return <Loading />;
  if (plan.isError)
    return (
      <div className="screen">
        <h1>Due for review</h1>
        <ErrorBanner error={plan.error} title="Could not load items." />
      </div>
    );
  const items = dueForReview(plan.data, today);
  return (
    <div className="screen">
      <div className="screen-header">
        <h1>Due for review</h1>
      </div>
      <p className="muted">Segments, plan entries and content whose review-by date has passed or falls within the next 14 days. Open one to update it, record the result, or retire it.</p>
      {items.length === 0 ? (
        <EmptyState title="Nothing due for review" testId="review-empty">
          <p>No review-by date falls within the next two weeks.</p>
        </EmptyState>
      ) : (
        <table className="table table-clickable" data-testid="review-list">
          <thead>
            <tr>
              <th>Review by</th>
              <th>Kind</th>
              <th>Item</th>
              <th>Owner</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <tr
                key={`${it.kind}:${it.key}`}
                tabIndex={0}
                className={it.past ? "past" : ""}
                onClick={() => onOpen({ kind: it.kind, key: it.key })}
                onKeyDown={(e) => e.key === "Enter" && onOpen({ kind: it.kind, key: it.key })}
                data-testid={`review-row-${it.kind}-${it.key}`}
                data-past={it.past}
              >
                <td className={it.past ? "overdue" : ""}>{it.reviewBy}</td>
                <td>
                  <span className="badge">{it.kind}</span>
                </td>
                <td className="mono">{it.key}</td>
                <td>{it.owner ?? <span className="muted">—</span>}</td>
                <td className="small">
                  {it.past ? <span className="badge badge-warn">{-it.daysLeft} day{it.daysLeft === -1 ? "" : "s"} overdue</span> : it.daysLeft === 0 ? "today" : `in ${it.daysLeft} day${it.daysLeft === 1 ? "" : "s"}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
