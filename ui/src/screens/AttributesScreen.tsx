import { useState } from "react";
import type { AttributeRow } from "../bindings/AttributeRow";
import { AttributeForm } from "../components/AttributeForm";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { EmptyState, Loading } from "../components/StatusViews";
import { useAttributes, useDeleteAttribute } from "../queries";

type Editing = { mode: "new" } | { mode: "edit"; name: string } | null;

/** The typed shopper fields segments are written against. */
export function AttributesScreen() {
  const attrs = useAttributes();
  const [editing, setEditing] = useState<Editing>(null);
  const [formKey, setFormKey] = useState(0);
  const [deleting, setDeleting] = useState<AttributeRow | null>(null);
  const del = useDeleteAttribute();

  const editRow = editing?.mode === "edit" ? attrs.data?.find((r) => r.attribute.name === editing.name) ?? null : null;
  const reload = () => {
    void attrs.refetch().then(() => setFormKey((k) => k + 1));
  };

  return (
    <div className="screen">
      <div className="screen-header">
        <h1>Attributes</h1>
        <button type="button" className="btn-primary" onClick={() => setEditing({ mode: "new" })} data-testid="attr-add">
          + Add attribute
        </button>
      </div>
      <p className="muted">Typed shopper fields. Segments and conditions are type-checked against them.</p>
      {editing && (
        <AttributeForm key={`${editing.mode === "edit" ? editing.name : "new"}-${formKey}`} row={editRow} onDone={() => setEditing(null)} onReload={reload} />
      )}
      <ErrorBanner error={attrs.error} title="Could not load attributes." />
      {attrs.isPending && <Loading />}
      {attrs.data && attrs.data.length === 0 && !editing && (
        <EmptyState title="No attributes yet">
          <p>Add attributes by hand, or import shoppers: their columns become attributes.</p>
          <button type="button" className="btn-primary" onClick={() => setEditing({ mode: "new" })}>
            Add the first attribute
          </button>
        </EmptyState>
      )}
      {attrs.data && attrs.data.length > 0 && (
        <table className="table" data-testid="attr-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Enum values</th>
              <th>Sensitive</th>
              <th>Requires consent</th>
              <th>Source</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {attrs.data.map((row) => {
              const a = row.attribute;
              return (
                <tr key={a.name} data-testid={`attr-row-${a.name}`}>
                  <td className="mono">{a.name}</td>
                  <td>
                    <span className="badge">{a.type}</span>
                  </td>
                  <td>{a.type === "enum" ? (a.values ?? []).join(", ") : ""}</td>
                  <td>{a.sensitive ? <span className="badge badge-warn">sensitive</span> : "—"}</td>
                  <td>{a.requires_consent ? <span className="badge badge-warn">consent</span> : "—"}</td>
                  <td className="muted">{a.source ?? ""}</td>
                  <td className="actions">
                    <button type="button" className="btn-small" onClick={() => setEditing({ mode: "edit", name: a.name })} data-testid={`attr-edit-${a.name}`}>
                      Edit
                    </button>
                    <button type="button" className="btn-small btn-danger-outline" onClick={() => setDeleting(row)} data-testid={`attr-delete-${a.name}`}>
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
          title={`Delete attribute ${deleting.attribute.name}?`}
          message="Shoppers keep their data, but segments that use this attribute will no longer type-check. You can undo this."
          confirmLabel="Delete attribute"
          busy={del.isPending}
          onCancel={() => {
            setDeleting(null);
            del.reset();
          }}
          onConfirm={() =>
            del.mutate(
              { name: deleting.attribute.name, revision: deleting.revision },
              {
                onSuccess: () => {
                  setDeleting(null);
                  if (editing?.mode === "edit" && editing.name === deleting.attribute.name) setEditing(null);
                },
              },
            )
          }
        >
          <ErrorBanner error={del.error} />
        </ConfirmDialog>
      )}
    </div>
  );
}
