import { useState } from "react";
import { tokenLabel, useDeleteEnvironment, useEnvironments, useSecretStore, type EnvironmentStatus } from "../../api/publish";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState, Loading } from "../StatusViews";
import { EnvironmentForm } from "./EnvironmentForm";
import { TokenControls } from "./TokenControls";

type Editing = { mode: "new" } | { mode: "edit"; name: string } | null;

/** The decision services this workspace publishes to. */
export function EnvironmentsPanel() {
  const envs = useEnvironments();
  const keyring = useSecretStore().data?.keyring ?? false;
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<EnvironmentStatus | null>(null);
  const del = useDeleteEnvironment();
  const list = envs.data ?? [];
  const editRow = editing?.mode === "edit" ? list.find((e) => e.environment.name === editing.name) ?? null : null;

  return (
    <section className="panel" aria-labelledby="envs-title" data-testid="env-panel">
      <div className="panel-title">
        <h2 id="envs-title">Environments</h2>
        <button type="button" className="btn-small" onClick={() => setEditing({ mode: "new" })} data-testid="env-add">
          + Add environment
        </button>
      </div>
      {editing && (
        <EnvironmentForm
          key={editing.mode === "edit" ? editing.name : "new"}
          environment={editRow?.environment ?? null}
          existingNames={list.map((e) => e.environment.name)}
          onDone={() => setEditing(null)}
        />
      )}
      <ErrorBanner error={envs.error} testId="env-list-error" title="Could not load environments.">
        <button type="button" className="btn-small" onClick={() => void envs.refetch()}>
          Retry
        </button>
      </ErrorBanner>
      {envs.isPending && <Loading label="Loading environments…" />}
      {envs.data && list.length === 0 && !editing && (
        <EmptyState title="No environments yet" testId="env-empty">
          <p>An environment is a decision service (staging, production…) with one URL per replica.</p>
          <button type="button" className="btn-primary" onClick={() => setEditing({ mode: "new" })}>
            Add the first environment
          </button>
        </EmptyState>
      )}
      {list.length > 0 && (
        <table className="table table-compact" data-testid="env-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Service URL(s)</th>
              <th>Approval</th>
              <th>Upload token</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {list.map((row) => {
              const e = row.environment;
              return (
                <tr key={e.name} data-testid={`env-row-${e.name}`}>
                  <td className="mono">{e.name}</td>
                  <td>
                    <ul className="url-list">
                      {e.urls.map((u) => (
                        <li key={u} className="mono small">
                          {u}
                        </li>
                      ))}
                    </ul>
                    {e.urls.length > 1 && <span className="muted small">{e.urls.length} replicas</span>}
                  </td>
                  <td>{e.require_approval ? <span className="badge badge-warn">required</span> : <span className="muted">—</span>}</td>
                  <td>
                    <span className={row.token_available ? "ok small" : "warn small"} data-testid={`env-token-${e.name}`}>
                      {tokenLabel(row, keyring)}
                    </span>
                    {keyring && <TokenControls status={row} />}
                  </td>
                  <td className="actions">
                    <button type="button" className="btn-small" onClick={() => setEditing({ mode: "edit", name: e.name })} data-testid={`env-edit-${e.name}`}>
                      Edit
                    </button>
                    <button type="button" className="btn-small btn-danger-outline" onClick={() => setDeleting(row)} data-testid={`env-delete-${e.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete environment ${deleting.environment.name}?`}
          message="Tailor forgets where this service is. The service keeps serving its active bundle, and the published-bundles history is kept."
          confirmLabel="Delete environment"
          busy={del.isPending}
          onCancel={() => {
            setDeleting(null);
            del.reset();
          }}
          onConfirm={() =>
            del.mutate(deleting.environment.name, {
              onSuccess: () => {
                if (editing?.mode === "edit" && editing.name === deleting.environment.name) setEditing(null);
                setDeleting(null);
              },
            })
          }
        >
          <ErrorBanner error={del.error} testId="env-delete-error" />
        </ConfirmDialog>
      )}
    </section>
  );
}
