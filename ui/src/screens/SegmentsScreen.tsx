import { useEffect, useRef, useState } from "react";
import type { SegmentRow } from "../bindings/SegmentRow";
import { ErrorBanner } from "../components/ErrorBanner";
import { SegmentReachCell } from "../components/SegmentReachCell";
import { EmptyState, Loading } from "../components/StatusViews";
import { isPastDate } from "../format";
import { useAttributes, useSegments } from "../queries";
import type { OpenTarget } from "../sections";
import { SegmentEditor } from "./SegmentEditor";

type Editing = { session: number; row: SegmentRow | null } | null;

/** Segment list, and the editor for one segment. */
export function SegmentsScreen({ target }: { target?: OpenTarget } = {}) {
  const segments = useSegments();
  const attrs = useAttributes();
  const [editing, setEditing] = useState<Editing>(null);
  const [session, setSession] = useState(0);
  const open = (row: SegmentRow | null) => {
    setSession(session + 1);
    setEditing({ session: session + 1, row });
  };
  // Another screen (Due for review) asked to open a segment.
  const handled = useRef<number | null>(null);
  useEffect(() => {
    if (!target || target.kind !== "segment" || !segments.data || handled.current === target.nonce) return;
    handled.current = target.nonce;
    const row = segments.data.find((r) => r.segment.name === target.key);
    if (row) open(row);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target, segments.data]);

  if (editing) {
    if (attrs.isPending) return <Loading />;
    return (
      <SegmentEditor
        key={editing.session}
        row={editing.row}
        attributes={(attrs.data ?? []).map((r) => r.attribute)}
        onClose={() => setEditing(null)}
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
