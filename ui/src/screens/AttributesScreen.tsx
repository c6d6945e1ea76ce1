import { useState } from "react";
import type { AttributeRow } from "../bindings/AttributeRow";
import { AttributeForm } from "../components/AttributeForm";
import { DeleteDialog } from "../components/DeleteDialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { ListTable } from "../components/ListTable";
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
        <ListTable
          rows={attrs.data}
          testId="attr-table"
          rowKey={(row) => row.attribute.name}
          rowTestId={(row) => `attr-row-${row.attribute.name}`}
          columns={[
            { header: "Name", cell: (row) => row.attribute.name, className: "mono" },
            { header: "Type", cell: (row) => <span className="badge">{row.attribute.type}</span> },
            { header: "Enum values", cell: (row) => (row.attribute.type === "enum" ? (row.attribute.values ?? []).join(", ") : "") },
            { header: "Sensitive", cell: (row) => (row.attribute.sensitive ? <span className="badge badge-warn">sensitive</span> : "—") },
            { header: "Requires consent", cell: (row) => (row.attribute.requires_consent ? <span className="badge badge-warn">consent</span> : "—") },
            { header: "Source", cell: (row) => row.attribute.source ?? "", className: "muted" },
          ]}
          actions={{
            testIdPrefix: "attr",
            id: (row) => row.attribute.name,
            onEdit: (row) => setEditing({ mode: "edit", name: row.attribute.name }),
            onDelete: setDeleting,
          }}
        />
      )}
      {deleting && (
        <DeleteDialog
          title={`Delete attribute ${deleting.attribute.name}?`}
          message="Shoppers keep their data, but segments that use this attribute will no longer type-check. You can undo this."
          confirmLabel="Delete attribute"
          mutation={del}
          variables={{ name: deleting.attribute.name, revision: deleting.revision }}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setDeleting(null);
            if (editing?.mode === "edit" && editing.name === deleting.attribute.name) setEditing(null);
          }}
        />
      )}
    </div>
  );
}
