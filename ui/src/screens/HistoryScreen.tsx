import { useState } from "react";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { ChangeDiff } from "../components/ChangeDiff";
import { ErrorBanner } from "../components/ErrorBanner";
import { PublishedBundles } from "../components/publish/PublishedBundles";
import { EmptyState, Loading } from "../components/StatusViews";
import { UndoRedoButtons } from "../components/UndoRedoButtons";
import { formatTime } from "../format";
import { useHistory } from "../queries";

const LIMIT = 200;

/** The workspace's change log, newest first. */
export function HistoryScreen({ info }: { info: WorkspaceInfo }) {
  const history = useHistory(LIMIT);
  return (
    <div className="screen">
      <div className="screen-header">
        <h1>History</h1>
        <div className="spacer" />
        <UndoRedoButtons info={info} testIdPrefix="history-" />
      </div>
      <PublishedBundles />
      <h2 className="history-changes-title">Changes</h2>
      <p className="muted">Every change to this workspace, newest first. Undo and redo are recorded too.</p>
      <ErrorBanner error={history.error} title="Could not load history." />
      {history.isPending && <Loading />}
      {history.data && history.data.length === 0 && (
        <EmptyState title="No changes yet" testId="history-empty">
          <p>Edits to attributes, segments and shoppers will be listed here.</p>
        </EmptyState>
      )}
      {history.data && history.data.length > 0 && (
        <table className="table history" data-testid="history-table">
          <thead>
            <tr>
              <th aria-label="Expand" />
              <th>Time</th>
              <th>Author</th>
              <th>Summary</th>
              <th>Kind</th>
              <th>State</th>
            </tr>
          </thead>
          {history.data.map((e) => (
            <HistoryRow key={e.txn} entry={e} />
          ))}
        </table>
      )}
    </div>
  );
}

function HistoryRow({ entry }: { entry: HistoryEntry }) {
  const [open, setOpen] = useState(false);
  return (
    <tbody className={"history-entry" + (entry.state && entry.state !== "applied" ? " faded" : "")}>
      <tr data-testid="history-row" data-txn={entry.txn} onClick={() => setOpen(!open)} className="clickable">
        <td>
          <button type="button" className="btn-icon" aria-expanded={open} aria-label={open ? "Hide changes" : "Show changes"} data-testid="history-expand">
            {open ? "▾" : "▸"}
          </button>
        </td>
        <td className="nowrap">{formatTime(entry.at)}</td>
        <td>{entry.author}</td>
        <td>{entry.summary}</td>
        <td>
          <span className={`badge kind-${entry.kind}`}>{entry.kind}</span>
        </td>
        <td>{entry.state && <span className={`badge state-${entry.state}`}>{entry.state}</span>}</td>
      </tr>
      {open && (
        <tr className="history-details">
          <td />
          <td colSpan={5}>
            {entry.changes.length === 0 && <p className="muted">No entity changes recorded.</p>}
            {entry.changes.map((c, i) => (
              <ChangeDiff key={`${c.entity}-${c.entity_id}-${i}`} change={c} />
            ))}
            {entry.change_count > entry.changes.length && (
              <p className="muted small">
                Showing the first {entry.changes.length} of {entry.change_count} changes.
              </p>
            )}
          </td>
        </tr>
      )}
    </tbody>
  );
}
