// The event sets stored in the workspace: list, import (JSON Lines) and
// delete after confirmation. Event sets are data, not rules: importing or
// deleting one is not an undo step.
import { useState } from "react";
import { useDeleteEventSet, useImportEvents, type EventSet } from "../../api/estimate";
import type { ErrorReport } from "../../bindings/ErrorReport";
import { formatTime } from "../../format";
import { DeleteDialog } from "../DeleteDialog";
import { ErrorBanner } from "../ErrorBanner";
import { ListTable } from "../ListTable";
import { EmptyState, Loading } from "../StatusViews";

interface Props {
  sets: EventSet[] | undefined;
  loading: boolean;
  error: ErrorReport | null;
  onRetry: () => void;
  /** A set was deleted (the form forgets it when it was chosen). */
  onDeleted: (id: number) => void;
}

export function EstimatesEventSets({ sets, loading, error, onRetry, onDeleted }: Props) {
  const imp = useImportEvents();
  const del = useDeleteEventSet();
  const [path, setPath] = useState("");
  const [name, setName] = useState("");
  const [deleting, setDeleting] = useState<EventSet | null>(null);

  const importFrom = (typed: string | null) => {
    del.reset();
    imp.mutate(
      { path: typed, name: name.trim() || null },
      {
        onSuccess: (set) => {
          if (set) {
            setPath("");
            setName("");
          }
        },
      },
    );
  };

  const importControls = (
    <div className="est-import">
      <div className="row wrap">
        <button type="button" className="btn-primary" onClick={() => importFrom(null)} disabled={imp.isPending} data-testid="events-import">
          {imp.isPending ? "Importing…" : "Import events…"}
        </button>
        <span className="small muted">or a path:</span>
        <form
          className="row grow"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) importFrom(path);
          }}
        >
          <input
            type="text"
            className="grow mono"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/path/to/events.jsonl"
            aria-label="Events file (JSON Lines)"
            spellCheck={false}
            data-testid="events-import-path"
          />
          <input
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="name (optional)"
            aria-label="Event set name"
            data-testid="events-import-name"
          />
          <button type="submit" disabled={imp.isPending || !path.trim()} data-testid="events-import-submit">
            Import
          </button>
        </form>
      </div>
      <p className="small muted">
        The app imports JSON Lines (<span className="mono">.jsonl</span>, <span className="mono">.ndjson</span>): one event per line with the shopper, page,
        placement, the content shown, its propensity and the outcomes. CSV exports and decision-service logs need a column mapping or an outcomes file:
        import them with <span className="mono">tailor import events WS FILE …</span> (see <span className="mono">docs/estimation.md</span>).
      </p>
      {imp.isSuccess && imp.data && (
        <div className="banner banner-ok" role="status" data-testid="events-import-done">
          Imported {imp.data.count} events as “{imp.data.name}” (set {imp.data.id}).
        </div>
      )}
      <ErrorBanner error={imp.error} title="Import failed — nothing was imported." testId="events-import-error" onDismiss={() => imp.reset()} />
    </div>
  );

  return (
    <section className="panel" aria-labelledby="est-sets-title" data-testid="event-sets">
      <div className="panel-title">
        <h2 id="est-sets-title">Logged events</h2>
      </div>
      <ErrorBanner error={error} title="Could not read the event sets." testId="event-sets-error">
        <button type="button" className="btn-small" onClick={onRetry}>
          Retry
        </button>
      </ErrorBanner>
      {loading && <Loading label="Loading event sets…" />}
      {sets && sets.length === 0 && (
        <EmptyState title="No logged events yet" testId="estimates-empty">
          <p>
            Estimates need events logged under an earlier policy — a randomized test export or the decision service's own log — with the propensity of
            what was shown and the outcome (a click, a sale…). Import them here, then run an estimate of the draft.
          </p>
        </EmptyState>
      )}
      {sets && sets.length > 0 && (
        <ListTable
          rows={sets}
          compact
          testId="event-set-list"
          rowKey={(s) => String(s.id)}
          rowTestId={(s) => `event-set-${s.id}`}
          rowData={(s) => ({ "data-name": s.name })}
          columns={[
            {
              header: "Name",
              cell: (s) => (
                <>
                  <strong>{s.name}</strong> <span className="muted small">#{s.id}</span>
                </>
              ),
            },
            { header: "Events", headerClassName: "num", className: "num", testId: "event-set-count", cell: (s) => s.count },
            {
              header: "Outcomes",
              cell: (s) =>
                s.rewards.map((r) => (
                  <span key={r} className="badge mono">
                    {r}
                  </span>
                )),
            },
            { header: "Imported", className: "nowrap small", title: (s) => s.imported_at, cell: (s) => formatTime(s.imported_at) },
            { header: "Source", className: "mono small est-source", title: (s) => s.source, cell: (s) => s.source },
          ]}
          actions={{
            testIdPrefix: "event-set",
            id: (s) => String(s.id),
            onDelete: (s) => {
              imp.reset();
              setDeleting(s);
            },
          }}
        />
      )}
      {(sets || error) && importControls}
      {deleting && (
        <DeleteDialog
          title={`Delete event set “${deleting.name}”?`}
          message={
            <p>
              Its {deleting.count} events are removed from the workspace. Event sets are data, not rules: this cannot be undone — import the file again to
              get them back.
            </p>
          }
          confirmLabel="Delete event set"
          mutation={del}
          variables={deleting.id}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            onDeleted(deleting.id);
            setDeleting(null);
          }}
          errorTitle="Could not delete the event set."
          errorTestId="event-set-delete-error"
        />
      )}
    </section>
  );
}
