import { useItemEditor } from "../hooks";
import type { SegmentRow } from "../bindings/SegmentRow";
import { ErrorBanner } from "../components/ErrorBanner";
import { SegmentReachCell } from "../components/SegmentReachCell";
import { EmptyState, Loading } from "../components/StatusViews";
import { isPastDate } from "../format";
import { useAttributes, useSegments } from "../queries";
import type { OpenTarget } from "../sections";
import { SegmentEditor } from "./SegmentEditor";


/** Segment list, and the editor for one segment. */
export function SegmentsScreen({ target }: { target?: OpenTarget } = {}) {
  const segments = useSegments();
  const attrs = useAttributes();
  // Another screen (Due for review) may ask to open a segment.
  const { editing, open, close } = useItemEditor<SegmentRow>(target, "segment", segments.data, (r) => r.segment.name);

  if (editing) {
    if (attrs.isPending) return <Loading />;
    return (
      <SegmentEditor
        key={editing.session}
        row={editing.item}
        attributes={(attrs.data ?? []).map((r) => r.attribute)}
        onClose={close}
        onReload={async (name) => {
          const fresh = await segments.refetch();
          open(fresh.data?.find((r) => r.segment.name === name) ?? null);
        }}
      />
    );
  }

  return (
    <div className="screen">
      <div className="screen-header">
        <h1>Segments</h1>
        <button type="button" className="btn-primary" onClick={() => open(null)} data-testid="segment-new">
          + New segment
        </button>
      </div>
      <p className="muted">Named conditions over shopper attributes. Reach is counted on the sample shoppers.</p>
      <ErrorBanner error={segments.error ?? attrs.error} title="Could not load segments." />
      {segments.isPending && <Loading />}
      {segments.data && segments.data.length === 0 && (
        <EmptyState title="No segments yet" testId="segments-empty">
          <p>A segment is a named condition, like “returning shoppers on mobile”. Create one and watch its reach as you build it.</p>
          <button type="button" className="btn-primary" onClick={() => open(null)}>
            Create the first segment
          </button>
        </EmptyState>
      )}
      {segments.data && segments.data.length > 0 && (
        <table className="table table-clickable" data-testid="segment-table">
          <thead>
            <tr>
              <th>Name</th>
              <th className="col-reach">Reach</th>
              <th>Owner</th>
              <th>Review by</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {segments.data.map((row) => {
              const s = row.segment;
              const overdue = isPastDate(s.review_by);
              return (
                <tr
                  key={s.name}
                  onClick={() => open(row)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter") open(row);
                  }}
                  tabIndex={0}
                  data-testid={`segment-row-${s.name}`}
                  title={row.condition_text}
                >
                  <td className="mono">{s.name}</td>
                  <td>
                    <SegmentReachCell condition={s.condition} />
                  </td>
                  <td>{s.owner ?? <span className="muted">—</span>}</td>
                  <td className={overdue ? "overdue" : ""}>
                    {s.review_by ?? <span className="muted">—</span>}
                    {overdue && <span className="badge badge-warn">overdue</span>}
                  </td>
                  <td className="muted">{s.description ?? ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
