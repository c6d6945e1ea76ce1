import { useState } from "react";
import {
  conflictTitle,
  parseEdited,
  showValue,
  useConflicts,
  useLastPull,
  useResolveConflict,
} from "../../api/publish";
import type { ConflictRow } from "../../bindings/ConflictRow";
import type { EntityRef } from "../../bindings/EntityRef";
import { ErrorBanner } from "../ErrorBanner";
import { ImpactPanel } from "../simulate/ImpactPanel";

/**
 * After a pull: what came in from the environment, what merged by itself,
 * and each conflict side by side (base, theirs, mine) with Keep mine / Take
 * theirs / Edit. Once none is open it offers the impact of the merged rules
 * against the active bundle, then Publish.
 */
export function MergeView({ onPublish }: { onPublish: () => void }) {
  const conflicts = useConflicts();
  const report = useLastPull();
  const [simulating, setSimulating] = useState(false);
  const open = conflicts.data ?? [];
  if (open.length === 0 && (!report || report.up_to_date)) return null;

  const merged = new Set(report?.summary.merged.map(refId) ?? []);
  return (
    <section className="panel merge-view" aria-labelledby="merge-title" data-testid="merge-view">
      <div className="panel-title">
        <h2 id="merge-title">Merge{report ? ` of ${report.environment} version ${report.version}` : ""}</h2>
      </div>
      {report && (
        <p data-testid="merge-line">
          Pulled version {report.version} by {report.author} ({report.created_at}): {report.line}.
        </p>
      )}
      <ErrorBanner error={conflicts.error} title="Could not read the open conflicts." />
      {report && report.summary.incoming.length > 0 && (
        <>
          <h3>Came in from {report.environment}</h3>
          <ul className="merge-incoming" data-testid="merge-incoming">
            {report.summary.incoming.map((e) => (
              <li key={refId(e)} data-merged={merged.has(refId(e))}>
                <span className="mono">{conflictTitle({ ...e, field: null })}</span>{" "}
                {merged.has(refId(e)) ? (
                  <span className="badge badge-ok">merged by itself</span>
                ) : (
                  <span className="badge badge-warn">conflict</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {open.length > 0 ? (
        <>
          <h3>
            {open.length} conflict{open.length === 1 ? "" : "s"} to resolve
          </h3>
          <p className="small muted">
            The workspace keeps your value until you decide. Publishing stays blocked while any conflict is open; Undo
            (Ctrl+Z) takes a resolution back.
          </p>
          {open.map((c) => (
            <ConflictCard key={c.id} row={c} />
          ))}
        </>
      ) : (
        <div data-testid="merge-resolved">
          <p className="banner banner-ok">
            Every change is merged. Check what the merged rules do to shoppers against the active bundle, then publish.
          </p>
          <div className="row">
            <button type="button" onClick={() => setSimulating(true)} data-testid="merge-simulate">
              Simulate the merged rules
            </button>
            <button type="button" className="btn-primary" onClick={onPublish} data-testid="merge-publish">
              Review and publish
            </button>
          </div>
          {simulating && <ImpactPanel />}
        </div>
      )}
    </section>
  );
}

function refId(e: EntityRef) {
  return `${e.section}/${e.key}`;
}

function ConflictCard({ row }: { row: ConflictRow }) {
  const c = row.conflict;
  const resolve = useResolveConflict();
  const [editing, setEditing] = useState<string | null>(null);
  const sides = [
    { label: "Base", hint: "when you last published or pulled", value: c.base },
    { label: `Theirs (${row.environment} v${row.theirs_version})`, hint: "what is live now", value: c.theirs },
    { label: "Mine", hint: "this workspace", value: c.mine },
  ];
  const busy = resolve.isPending;
  return (
    <article className="conflict-card" data-testid="merge-conflict" data-id={row.id} aria-label={`Conflict: ${conflictTitle(c)}`}>
      <h4 className="mono">{conflictTitle(c)}</h4>
      {c.field === null && (c.theirs === null || c.mine === null) && (
        <p className="small muted">{c.theirs === null ? "Deleted there, edited here." : "Edited there, deleted here."}</p>
      )}
      <div className="conflict-sides">
        {sides.map((s) => (
          <div key={s.label} className="conflict-side" data-side={s.label.split(" ")[0].toLowerCase()}>
            <div className="small">
              <strong>{s.label}</strong> <span className="muted">{s.hint}</span>
            </div>
            <pre className="mono small">{showValue(s.value)}</pre>
          </div>
        ))}
      </div>
      <ErrorBanner error={resolve.error} title="Could not resolve the conflict." onDismiss={() => resolve.reset()} />
      {editing === null ? (
        <div className="row">
          <button type="button" disabled={busy} onClick={() => resolve.mutate({ id: row.id, how: "keep" })} data-testid="merge-keep">
            Keep mine
          </button>
          <button type="button" disabled={busy} onClick={() => resolve.mutate({ id: row.id, how: "theirs" })} data-testid="merge-theirs">
            Take theirs
          </button>
          <button type="button" disabled={busy} onClick={() => setEditing(showValue(c.mine === null ? c.theirs : c.mine))} data-testid="merge-edit">
            Edit…
          </button>
        </div>
      ) : (
        <form
          className="conflict-edit"
          onSubmit={(e) => {
            e.preventDefault();
            resolve.mutate({ id: row.id, value: parseEdited(editing) }, { onSuccess: () => setEditing(null) });
          }}
        >
          <label htmlFor={`edit-${row.id}`} className="small">
            Your value for {c.field ?? "the whole entity"} (JSON or plain text; empty removes it)
          </label>
          <textarea id={`edit-${row.id}`} className="mono" rows={c.field ? 2 : 8} value={editing} onChange={(e) => setEditing(e.target.value)} data-testid="merge-edit-value" />
          <div className="row">
            <button type="submit" className="btn-primary" disabled={busy} data-testid="merge-edit-save">
              Use this value
            </button>
            <button type="button" onClick={() => setEditing(null)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
