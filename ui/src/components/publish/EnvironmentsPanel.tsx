import { useState } from "react";
import { tokenLabel, useDeleteEnvironment, useEnvironments, useSecretStore, type EnvironmentStatus } from "../../api/publish";
import { DeleteDialog } from "../DeleteDialog";
import { ErrorBanner } from "../ErrorBanner";
import { ListTable } from "../ListTable";
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
        <ListTable
          rows={list}
          compact
          testId="env-list"
          rowKey={(row) => row.environment.name}
          rowTestId={(row) => `env-row-${row.environment.name}`}
          columns={[
            { header: "Name", cell: (row) => row.environment.name, className: "mono" },
            {
              header: "Service URL(s)",
              cell: ({ environment: e }) => (
                <>
                  <ul className="url-list">
                    {e.urls.map((u) => (
                      <li key={u} className="mono small">
                        {u}
                      </li>
                    ))}
                  </ul>
                  {e.urls.length > 1 && <span className="muted small">{e.urls.length} replicas</span>}
                </>
              ),
            },
            { header: "Approval", cell: (row) => (row.environment.require_approval ? <span className="badge badge-warn">required</span> : <span className="muted">—</span>) },
            {
              header: "Upload token",
              cell: (row) => (
                <>
                  <span className={row.token_available ? "ok small" : "warn small"} data-testid={`env-token-${row.environment.name}`}>
                    {tokenLabel(row, keyring)}
                  </span>
                  {keyring && <TokenControls status={row} />}
                </>
              ),
            },
          ]}
          actions={{ testIdPrefix: "env", id: (row) => row.environment.name, onEdit: (row) => setEditing({ mode: "edit", name: row.environment.name }), onDelete: setDeleting }}
        />
      )}
      {deleting && (
        <DeleteDialog
          title={`Delete environment ${deleting.environment.name}?`}
          message="Tailor forgets where this service is. The service keeps serving its active bundle, and the published-bundles history is kept."
          confirmLabel="Delete environment"
          mutation={del}
          variables={deleting.environment.name}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            if (editing?.mode === "edit" && editing.name === deleting.environment.name) setEditing(null);
            setDeleting(null);
          }}
          errorTestId="env-delete-error"
        />
      )}
    </section>
  );
}
