// Journey stages and page types with their ordered placements.
import { useRef, useState } from "react";
import type { PageType } from "../bindings/PageType";
import type { Placement } from "../bindings/Placement";
import type { PlacementKind } from "../bindings/PlacementKind";
import type { Stage } from "../bindings/Stage";
import type { Versioned } from "../bindings/Versioned";
import { DeleteDialog } from "../components/DeleteDialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { ItemHistory } from "../components/ItemHistory";
import { ListTable } from "../components/ListTable";
import { Options } from "../components/Options";
import { PageWireframe } from "../components/PageWireframe";
import { SaveError } from "../components/SaveError";
import { SideFormActions, SideFormTitle, useSavedDraft } from "../components/SideForm";
import { EmptyState, Loading } from "../components/StatusViews";
import { useEscape, useItemEditor } from "../hooks";
import type { PlanData } from "../bindings/PlanData";
import { KIND_LABELS, moveId, PLACEMENT_KINDS } from "../plan/model";
import { useDeletePageType, useDeleteStage, usePlanData, useSavePageType, useSaveStage } from "../queries";
import type { OpenTarget } from "../sections";

export function JourneyScreen({ target }: { target?: OpenTarget }) {
  const plan = usePlanData();
  const { editing, open, close } = useItemEditor<Versioned<PageType>>(target, "page_type", plan.data?.page_types, (p) => p.item.name);

  if (plan.isPending) return <Loading />;
  if (plan.isError)
    return (
      <div className="screen">
        <h1>Journey & pages</h1>
        <ErrorBanner error={plan.error} title="Could not load the journey." />
      </div>
    );
  const data = plan.data;
  return (
    <div className="screen screen-wide" data-testid="journey">
      <div className="screen-header">
        <h1>Journey & pages</h1>
      </div>
      <p className="muted">Stages order the shopper's journey; each page type belongs to a stage and lists its placements in page order.</p>
      <div className={"split" + (editing ? " with-side" : "")}>
        <div className="split-main">
          <StagesPanel data={data} />
          <section className="panel" aria-label="Page types">
            <div className="panel-title">
              <h2>Page types</h2>
              <button type="button" className="btn-primary" onClick={() => open(null)} data-testid="page-type-new">
                + New page type
              </button>
            </div>
            {data.page_types.length === 0 ? (
              <EmptyState title="No page types yet" testId="page-types-empty">
                <p>Add a page type (home, category, product, cart…) and its placements.</p>
              </EmptyState>
            ) : (
              <ListTable
                rows={data.page_types}
                testId="page-type-table"
                rowKey={(p) => p.item.name}
                rowTestId={(p) => `page-type-row-${p.item.name}`}
                onOpen={open}
                isSelected={(p) => editing?.item?.item.name === p.item.name}
                columns={[
                  { header: "Page type", cell: (p) => p.item.name, className: "mono" },
                  { header: "Stage", cell: (p) => p.item.stage },
                  { header: "Cap", cell: (p) => p.item.max_blocks },
                  {
                    header: "Placements",
                    className: "small",
                    cell: (p) => p.item.placements.map((pl) => `${pl.name} (${KIND_LABELS[pl.kind].toLowerCase()})`).join(", ") || <span className="muted">none</span>,
                  },
                ]}
              />
            )}
          </section>
        </div>
        {editing && (
          <PageTypeForm
            key={editing.session}
            data={data}
            page={editing.item}
            onClose={close}
            onReload={async (name) => {
              const fresh = await plan.refetch();
              open(fresh.data?.page_types.find((p) => p.item.name === name) ?? null);
            }}
          />
        )}
      </div>
    </div>
  );
}

function StagesPanel({ data }: { data: PlanData }) {
  const save = useSaveStage();
  const del = useDeleteStage();
  const [name, setName] = useState("");
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [confirm, setConfirm] = useState<Versioned<Stage> | null>(null);
  const [error, setError] = useState<import("../bindings/ErrorReport").ErrorReport | null>(null);
  const usage = (stage: string) => ({
    pages: data.page_types.filter((p) => p.item.stage === stage).length,
    entries: data.entries.filter((e) => e.item.stage === stage).length,
  });
  const add = () => {
    const n = name.trim();
    if (!n) return;
    setError(null);
    save.mutate({ item: { name: n }, expectedRevision: null }, { onSuccess: () => setName(""), onError: setError });
  };
  // A stage is named by its key: renaming an unused stage is "add the new
  // name, delete the old" (two undo steps); used stages must be emptied first.
  const rename = async (s: Versioned<Stage>, to: string) => {
    setError(null);
    try {
      await save.mutateAsync({ item: { ...s.item, name: to }, expectedRevision: null });
      await del.mutateAsync({ key: s.item.name, revision: s.revision });
      setRenaming(null);
    } catch (e) {
      setError(e as import("../bindings/ErrorReport").ErrorReport);
    }
  };
  return (
    <section className="panel" aria-label="Journey stages" data-testid="stages">
      <div className="panel-title">
        <h2>Journey stages</h2>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} testId="stage-error" />
      {data.stages.length === 0 && <p className="muted" data-testid="stages-empty">No stages yet. Typical ones: discovery, evaluation, cart, checkout, post_purchase.</p>}
      <ol className="stage-list">
        {data.stages.map((s) => {
          const u = usage(s.item.name);
          const used = u.pages + u.entries > 0;
          const isRenaming = renaming?.from === s.item.name;
          return (
            <li key={s.item.name} className="row" data-testid={`stage-row-${s.item.name}`}>
              {isRenaming ? (
                <>
                  <input
                    autoFocus
                    value={renaming.to}
                    onChange={(e) => setRenaming({ ...renaming, to: e.target.value })}
                    onKeyDown={(e) => {
                      if (e.key === "Enter" && renaming.to.trim()) void rename(s, renaming.to.trim());
                      if (e.key === "Escape") {
                        e.preventDefault();
                        setRenaming(null);
                      }
                    }}
                    data-testid="stage-rename-input"
                  />
                  <button type="button" className="btn-small" disabled={!renaming.to.trim() || renaming.to.trim() === s.item.name} onClick={() => void rename(s, renaming.to.trim())} data-testid="stage-rename-save">
                    Rename
                  </button>
                  <button type="button" className="btn-small" onClick={() => setRenaming(null)}>
                    Cancel
                  </button>
                </>
              ) : (
                <>
                  <span className="mono stage-name">{s.item.name}</span>
                  <span className="muted small">
                    {u.pages} page type{u.pages === 1 ? "" : "s"} · {u.entries} entr{u.entries === 1 ? "y" : "ies"}
                  </span>
                  <span className="spacer" />
                  <button
                    type="button"
                    className="btn-small"
                    disabled={used}
                    title={used ? "Used by page types or entries: move them to another stage first" : "Rename this stage"}
                    onClick={() => setRenaming({ from: s.item.name, to: s.item.name })}
                    data-testid="stage-rename"
                  >
                    Rename
                  </button>
                  <button type="button" className="btn-small btn-danger-outline" onClick={() => setConfirm(s)} data-testid="stage-delete">
                    Delete
                  </button>
                </>
              )}
            </li>
          );
        })}
      </ol>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="new stage, e.g. discovery" data-testid="stage-new-name" spellCheck={false} />
        <button type="submit" disabled={!name.trim() || save.isPending} data-testid="stage-add">
          + Add stage
        </button>
      </form>
      {confirm && (
        <DeleteDialog
          title={`Delete stage ${confirm.item.name}?`}
          message={(() => {
            const u = usage(confirm.item.name);
            return u.pages + u.entries > 0
              ? `It is used by ${u.pages} page type(s) and ${u.entries} entr${u.entries === 1 ? "y" : "ies"}; the workspace will refuse until they move to another stage.`
              : "You can undo this.";
          })()}
          confirmLabel="Delete stage"
          mutation={del}
          variables={{ key: confirm.item.name, revision: confirm.revision }}
          onClose={() => setConfirm(null)}
        />
      )}
    </section>
  );
}

type PlacementRow = { name: string; kind: PlacementKind; default: string; key: number };

function PageTypeForm({ data, page, onClose, onReload }: { data: PlanData; page: Versioned<PageType> | null; onClose: () => void; onReload: (name: string) => void }) {
  const p = page?.item;
  const keyRef = useRef(0);
  const nextKey = () => ++keyRef.current;
  const [name, setName] = useState(p?.name ?? "");
  const [stage, setStage] = useState(p?.stage ?? data.stages[0]?.item.name ?? "");
  const [maxBlocks, setMaxBlocks] = useState(String(p?.max_blocks ?? 2));
  const [rows, setRows] = useState<PlacementRow[]>(() => (p?.placements ?? []).map((pl) => ({ name: pl.name, kind: pl.kind, default: pl.default ?? "", key: nextKey() })));
  const [confirm, setConfirm] = useState(false);
  const save = useSavePageType();
  const del = useDeletePageType();
  useEscape(onClose, !confirm);

  const draft: PageType = {
    name: name.trim(),
    stage,
    max_blocks: Math.max(0, Math.floor(Number(maxBlocks) || 0)),
    placements: rows.map<Placement>((r) => ({ name: r.name.trim(), kind: r.kind, ...(r.default ? { default: r.default } : {}) })),
  };
  const form = useSavedDraft(draft, page);
  const { revision, isNew, saved } = form;
  const names = rows.map((r) => r.name.trim());
  const blocker = !draft.name
    ? "Give the page type a name."
    : !stage
      ? "Choose a stage (add one first)."
      : names.some((n) => !n)
        ? "Name every placement."
        : new Set(names).size !== names.length
          ? "Placement names must be unique on a page."
          : null;
  const personalized = new Set(data.entries.filter((e) => e.item.placement.startsWith(`${draft.name}.`)).map((e) => e.item.placement.slice(draft.name.length + 1)));
  const setRow = (key: number, patch: Partial<PlacementRow>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const moveRow = (key: number, delta: number) => {
    const order = moveId(rows.map((r) => String(r.key)), String(key), delta);
    setRows(order.map((k) => rows.find((r) => String(r.key) === k) as PlacementRow));
  };
  const doSave = () => {
    if (blocker) return;
    save.mutate({ item: draft, expectedRevision: revision }, { onSuccess: (r) => saved(r.revision) });
  };

  return (
    <section className="panel side-form" aria-label="Page type" data-testid="page-type-form">
      <SideFormTitle title={isNew ? "New page type" : `Page type ${p?.name}`} form={form} testIdPrefix="page-type" onClose={onClose} />
      <SaveError error={save.error} prefix="page-type" what="page type" onReload={() => onReload(draft.name)} onDismiss={() => save.reset()} />
      <div className="form-grid">
        <label htmlFor="page-type-name">Name</label>
        <input id="page-type-name" value={name} onChange={(e) => setName(e.target.value)} disabled={!isNew} placeholder="e.g. home" spellCheck={false} data-testid="page-type-name" />
        <label htmlFor="page-type-stage">Stage</label>
        <select id="page-type-stage" value={stage} onChange={(e) => setStage(e.target.value)} data-testid="page-type-stage">
          <option value="">— choose —</option>
          <Options values={data.stages.map((s) => s.item.name)} />
        </select>
        <label htmlFor="page-type-max-blocks">Max personalized blocks</label>
        <span className="row">
          <input id="page-type-max-blocks" className="input-narrow" type="number" min="0" value={maxBlocks} onChange={(e) => setMaxBlocks(e.target.value)} data-testid="page-type-max-blocks" />
          <span className="muted small">beyond this, later blocks in rank order fall back to their default</span>
        </span>
      </div>
      <h3>Placements (page order)</h3>
      <table className="table table-compact placements-table" data-testid="placements">
        <thead>
          <tr>
            <th>#</th>
            <th>Name</th>
            <th>Kind</th>
            <th>Default content</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.key} data-testid="placement-row">
              <td className="muted">{i + 1}</td>
              <td>
                <input value={r.name} onChange={(e) => setRow(r.key, { name: e.target.value })} placeholder="hero" aria-label="Placement name" spellCheck={false} data-testid="placement-name" />
              </td>
              <td>
                <select value={r.kind} onChange={(e) => setRow(r.key, { kind: e.target.value as PlacementKind, default: "" })} aria-label="Placement kind" data-testid="placement-kind">
                  <Options values={PLACEMENT_KINDS} label={(k) => KIND_LABELS[k]} />
                </select>
              </td>
              <td>
                <select value={r.default} onChange={(e) => setRow(r.key, { default: e.target.value })} aria-label="Default content" data-testid="placement-default">
                  <option value="">(nothing)</option>
                  {data.content
                    .filter((c) => c.item.kind === r.kind)
                    .map((c) => (
                      <option key={c.item.id} value={c.item.id}>
                        {c.item.id}
                      </option>
                    ))}
                  {r.default && !data.content.some((c) => c.item.id === r.default && c.item.kind === r.kind) && <option value={r.default}>{r.default} (missing)</option>}
                </select>
              </td>
              <td className="actions">
                <button type="button" className="btn-icon" disabled={i === 0} onClick={() => moveRow(r.key, -1)} aria-label="Move up" data-testid="placement-up">
                  ▲
                </button>
                <button type="button" className="btn-icon" disabled={i === rows.length - 1} onClick={() => moveRow(r.key, 1)} aria-label="Move down" data-testid="placement-down">
                  ▼
                </button>
                <button type="button" className="btn-icon" onClick={() => setRows(rows.filter((x) => x.key !== r.key))} aria-label="Remove placement" data-testid="placement-remove">
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn-small" onClick={() => setRows([...rows, { name: "", kind: "banner", default: "", key: nextKey() }])} data-testid="placement-add">
        + Placement
      </button>
      <PageWireframe page={draft} personalized={personalized} />
      {blocker && (name.trim() || rows.length > 0) && (
        <p className="warn small" data-testid="page-type-blocker">
          {blocker}
        </p>
      )}
      <SideFormActions testIdPrefix="page-type" form={form} saving={save.isPending} blocker={blocker} saveLabel="Save page type" onDelete={() => setConfirm(true)} onSave={doSave} />
      {!isNew && <ItemHistory kind="page_type" itemKey={draft.name} onReverted={() => onReload(draft.name)} />}
      {confirm && revision !== null && (
        <DeleteDialog
          title={`Delete page type ${draft.name}?`}
          message={personalized.size > 0 ? `Plan entries target its placements (${[...personalized].join(", ")}); the workspace will refuse until they are moved or deleted.` : "You can undo this."}
          confirmLabel="Delete page type"
          mutation={del}
          variables={{ key: draft.name, revision }}
          onClose={() => setConfirm(false)}
          onDeleted={onClose}
        />
      )}
    </section>
  );
}
