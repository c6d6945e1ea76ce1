// The content library: search and filter, and a form per kind with a live preview.
import { useState } from "react";
import type { Content } from "../bindings/Content";
import type { PlacementKind } from "../bindings/PlacementKind";
import type { Versioned } from "../bindings/Versioned";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ContentPreview } from "../components/ContentPreview";
import { DeleteDialog } from "../components/DeleteDialog";
import { DocPane } from "../components/DocPane";
import { ErrorBanner } from "../components/ErrorBanner";
import { ItemHistory } from "../components/ItemHistory";
import { ListTable } from "../components/ListTable";
import { Options } from "../components/Options";
import { SaveError } from "../components/SaveError";
import { SideFormActions, SideFormTitle, useSavedDraft } from "../components/SideForm";
import { EmptyState, Loading } from "../components/StatusViews";
import { isPastDate } from "../format";
import { useEscape, useItemEditor } from "../hooks";
import type { PlanData } from "../bindings/PlanData";
import { buildContent, defaultFields, draftFromContent, emptyDraft, PRODUCT_STRATEGIES, SORT_STRATEGIES, type ContentDraft } from "../plan/contentForm";
import { entryContentIds, KIND_LABELS, PLACEMENT_KINDS } from "../plan/model";
import { useDeleteContent, useLint, usePlanData, useSaveContent } from "../queries";
import type { OpenTarget } from "../sections";

type OpenFn = (t: { kind: OpenTarget["kind"]; key: string }) => void;

/** Who uses a content item: plan entries (content or a variant) and placement defaults. */
export function contentUsage(data: Pick<PlanData, "entries" | "page_types">, id: string): { entries: string[]; defaults: string[] } {
  return {
    entries: data.entries.filter((e) => entryContentIds(e.item).includes(id)).map((e) => e.item.id),
    defaults: data.page_types.flatMap((p) => p.item.placements.filter((pl) => pl.default === id).map((pl) => `${p.item.name}.${pl.name}`)),
  };
}

export function ContentScreen({ target, onOpen }: { target?: OpenTarget; onOpen?: OpenFn }) {
  const plan = usePlanData();
  const [search, setSearch] = useState("");
  const [kind, setKind] = useState("");
  const [owner, setOwner] = useState("");
  const [tag, setTag] = useState("");
  const { editing, open, close } = useItemEditor<Versioned<Content>>(target, "content", plan.data?.content, (c) => c.item.id);

  if (plan.isPending) return <Loading />;
  if (plan.isError)
    return (
      <div className="screen">
        <h1>Content</h1>
        <ErrorBanner error={plan.error} title="Could not load the content library." />
      </div>
    );
  const data = plan.data;
  const owners = [...new Set(data.content.map((c) => c.item.owner).filter((o): o is string => !!o))].sort();
  const tags = [...new Set(data.content.flatMap((c) => c.item.tags ?? []))].sort();
  const q = search.trim().toLowerCase();
  const rows = data.content.filter((c) => {
    const it = c.item;
    return (
      (!kind || it.kind === kind) &&
      (!owner || it.owner === owner) &&
      (!tag || (it.tags ?? []).includes(tag)) &&
      (!q || JSON.stringify(it).toLowerCase().includes(q))
    );
  });

  return (
    <div className="screen screen-wide" data-testid="content-library">
      <div className="screen-header">
        <h1>Content</h1>
        <div className="spacer" />
        <button type="button" className="btn-primary" onClick={() => open(null)} data-testid="content-new">
          + New content
        </button>
      </div>
      <p className="muted">Banners, messages, promotions, product sets, sorts, badges and email flows that plan entries and placement defaults show.</p>
      <div className={"split" + (editing ? " with-side" : "")}>
        <div className="split-main">
          <div className="filters row wrap">
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search content…" aria-label="Search content" data-testid="content-search" />
            <label className="filter">
              <span className="muted small">Kind</span>
              <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="content-filter-kind">
                <option value="">any</option>
                <Options values={PLACEMENT_KINDS} label={(k) => KIND_LABELS[k]} />
              </select>
            </label>
            <label className="filter">
              <span className="muted small">Owner</span>
              <select value={owner} onChange={(e) => setOwner(e.target.value)} data-testid="content-filter-owner">
                <option value="">any</option>
                <Options values={owners} />
              </select>
            </label>
            <label className="filter">
              <span className="muted small">Tag</span>
              <select value={tag} onChange={(e) => setTag(e.target.value)} data-testid="content-filter-tag">
                <option value="">any</option>
                <Options values={tags} />
              </select>
            </label>
          </div>
          {data.content.length === 0 ? (
            <EmptyState title="No content yet" testId="content-empty">
              <p>Create the banners, product sets and messages your plan will show.</p>
              <button type="button" className="btn-primary" onClick={() => open(null)}>
                Create the first item
              </button>
            </EmptyState>
          ) : rows.length === 0 ? (
            <EmptyState title="Nothing matches" testId="content-no-match">
              <p>No content matches the search and filters.</p>
            </EmptyState>
          ) : (
            <ListTable
              rows={rows}
              testId="content-table"
              rowKey={(c) => c.item.id}
              rowTestId={(c) => `content-row-${c.item.id}`}
              onOpen={open}
              isSelected={(c) => editing?.item?.item.id === c.item.id}
              columns={[
                { header: "Id", cell: (c) => c.item.id, className: "mono" },
                { header: "Kind", cell: (c) => <span className="badge">{KIND_LABELS[c.item.kind]}</span> },
                { header: "Owner", cell: (c) => c.item.owner ?? <span className="muted">—</span> },
                {
                  header: "Review by",
                  className: (c) => (isPastDate(c.item.review_by) ? "overdue" : ""),
                  cell: (c) => (
                    <>
                      {c.item.review_by ?? <span className="muted">—</span>}
                      {isPastDate(c.item.review_by) && <span className="badge badge-warn">overdue</span>}
                    </>
                  ),
                },
                { header: "Tags", cell: (c) => (c.item.tags ?? []).join(", "), className: "small" },
                {
                  header: "Used by",
                  className: "small",
                  cell: (c) => {
                    const u = contentUsage(data, c.item.id);
                    return u.entries.length + u.defaults.length || <span className="muted">unused</span>;
                  },
                },
              ]}
            />
          )}
        </div>
        {editing && (
          <ContentForm
            key={editing.session}
            data={data}
            item={editing.item}
            onOpen={onOpen}
            onClose={close}
            onReload={async (id) => {
              const fresh = await plan.refetch();
              open(fresh.data?.content.find((c) => c.item.id === id) ?? null);
            }}
          />
        )}
      </div>
    </div>
  );
}

function Field({ label, testId, value, onChange, placeholder, type = "text" }: { label: string; testId: string; value: string; onChange: (v: string) => void; placeholder?: string; type?: string }) {
  return (
    <>
      <label htmlFor={testId}>{label}</label>
      <input id={testId} type={type} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} data-testid={testId} spellCheck={false} />
    </>
  );
}

export function ContentForm({ data, item, onClose, onReload, onOpen }: { data: PlanData; item: Versioned<Content> | null; onClose: () => void; onReload: (id: string) => void; onOpen?: OpenFn }) {
  const [d, setD] = useState<ContentDraft>(() => (item ? draftFromContent(item.item) : emptyDraft()));
  const built = buildContent(d);
  const form = useSavedDraft(built.content, item);
  const { revision, isNew, saved } = form;
  const [confirm, setConfirm] = useState(false);
  const save = useSaveContent();
  const del = useDeleteContent();
  const lint = useLint();
  useEscape(onClose, !confirm);
  const findings = isNew ? [] : (lint.data ?? []).filter((x) => x.item === `content:${d.id.trim()}`);
  const f = (k: string) => d.f[k] ?? "";
  const setF = (k: string) => (v: string) => setD({ ...d, f: { ...d.f, [k]: v } });
  const usage = isNew ? { entries: [], defaults: [] } : contentUsage(data, d.id.trim());
  const used = usage.entries.length + usage.defaults.length > 0;

  const doSave = () => {
    if (built.missing) return;
    save.mutate({ item: built.content, expectedRevision: revision }, { onSuccess: (r) => saved(r.revision) });
  };

  return (
    <section className="panel side-form" aria-label="Content item" data-testid="content-form">
      <SideFormTitle title={isNew ? "New content" : `Content ${d.id}`} form={form} testIdPrefix="content" onClose={onClose} />
      <SaveError error={save.error} prefix="content" what="content item" onReload={() => onReload(d.id.trim())} onDismiss={() => save.reset()} />
      {findings.map((x, i) => (
        <p key={i} className={"finding small " + x.severity} data-testid="content-warning">
          ⚠ {x.message}
        </p>
      ))}
      <div className="form-grid">
        <label htmlFor="content-kind">Kind</label>
        <select
          id="content-kind"
          value={d.kind}
          disabled={!isNew}
          onChange={(e) => {
            const k = e.target.value as PlacementKind;
            setD({ ...d, kind: k, f: defaultFields(k) });
          }}
          data-testid="content-kind"
        >
          <Options values={PLACEMENT_KINDS} label={(k) => KIND_LABELS[k]} />
        </select>
        <label htmlFor="content-id">Id</label>
        <input id="content-id" value={d.id} disabled={!isNew} onChange={(e) => setD({ ...d, id: e.target.value })} placeholder="e.g. hero_restock" spellCheck={false} data-testid="content-id" />
        {d.kind === "banner" && (
          <>
            <Field label="Headline" testId="content-headline" value={f("headline")} onChange={setF("headline")} />
            <label htmlFor="content-body">Body</label>
            <textarea id="content-body" rows={2} value={f("body")} onChange={(e) => setF("body")(e.target.value)} data-testid="content-body" />
            <Field label="Image URL" testId="content-image-url" value={f("image_url")} onChange={setF("image_url")} placeholder="https://…" />
            <Field label="Link" testId="content-link" value={f("link")} onChange={setF("link")} placeholder="/collections/new" />
          </>
        )}
        {d.kind === "message" && (
          <>
            <label htmlFor="content-text">Text</label>
            <textarea id="content-text" rows={2} value={f("text")} onChange={(e) => setF("text")(e.target.value)} data-testid="content-text" />
          </>
        )}
        {d.kind === "promotion" && (
          <>
            <Field label="Offer" testId="content-offer" value={f("offer")} onChange={setF("offer")} placeholder="Free shipping over 50" />
            <Field label="Code" testId="content-code" value={f("code")} onChange={setF("code")} />
            <Field label="Discount %" testId="content-discount" type="number" value={f("discount")} onChange={setF("discount")} />
          </>
        )}
        {d.kind === "product_set" && (
          <>
            <label htmlFor="content-strategy">Strategy</label>
            <select id="content-strategy" value={f("strategy")} onChange={(e) => setF("strategy")(e.target.value)} data-testid="content-strategy">
              <Options values={PRODUCT_STRATEGIES} label={(s) => s.replace(/_/g, " ")} />
            </select>
            <Field label="Size" testId="content-size" type="number" value={f("size")} onChange={setF("size")} />
            <Field label="Min size" testId="content-min-size" type="number" value={f("min_size")} onChange={setF("min_size")} placeholder="fewer → placement default" />
            <Field label="Category" testId="content-category" value={f("category")} onChange={setF("category")} />
            <Field label="Match on" testId="content-match-on" value={f("match_on")} onChange={setF("match_on")} placeholder="collection, material (coordinated)" />
            <Field label="Compatible" testId="content-compatible" value={f("compatible")} onChange={setF("compatible")} placeholder="tag_on_current -> tag_on_candidate, …" />
            <Field label="Source attribute" testId="content-source" value={f("source")} onChange={setF("source")} placeholder="recently_viewed" />
            <span />
            <label className="check">
              <input type="checkbox" checked={d.excludePurchased} onChange={(e) => setD({ ...d, excludePurchased: e.target.checked })} data-testid="content-exclude-purchased" />
              Leave out products the shopper already bought
            </label>
          </>
        )}
        {d.kind === "sort" && (
          <>
            <label htmlFor="content-sort-strategy">Order by</label>
            <select id="content-sort-strategy" value={f("strategy")} onChange={(e) => setF("strategy")(e.target.value)} data-testid="content-sort-strategy">
              <Options values={SORT_STRATEGIES} label={(s) => s.replace(/_/g, " ")} />
            </select>
          </>
        )}
        {d.kind === "badge" && (
          <>
            <Field label="Label" testId="content-label" value={f("label")} onChange={setF("label")} placeholder="New in" />
            <Field label="Product tag" testId="content-tag" value={f("tag")} onChange={setF("tag")} placeholder="products carrying this tag" />
          </>
        )}
        {d.kind === "email_flow" && (
          <>
            <Field label="Trigger" testId="content-trigger" value={f("trigger")} onChange={setF("trigger")} placeholder="cart_abandoned" />
            <Field label="Delay (hours)" testId="content-delay-hours" type="number" value={f("delay_hours")} onChange={setF("delay_hours")} />
            <Field label="Template" testId="content-template" value={f("template")} onChange={setF("template")} />
          </>
        )}
        <Field label="Owner" testId="content-owner" value={d.owner} onChange={(v) => setD({ ...d, owner: v })} placeholder="who answers for this item" />
        <label htmlFor="content-review-by">Review by</label>
        <span className="row">
          <input id="content-review-by" type="date" value={d.reviewBy} onChange={(e) => setD({ ...d, reviewBy: e.target.value })} data-testid="content-review-by" />
          {isPastDate(d.reviewBy) && <span className="badge badge-warn">review overdue</span>}
        </span>
        <Field label="Tags" testId="content-tags" value={d.tags} onChange={(v) => setD({ ...d, tags: v })} placeholder="comma-separated" />
      </div>
      <ContentPreview content={built.content} />
      <DocPane value={d.doc} onChange={(doc) => setD({ ...d, doc })} testIdPrefix="content-doc" />
      {!isNew && (
        <section className="panel" aria-label="Used by" data-testid="content-used-by">
          <h2>Used by</h2>
          {!used && <p className="muted small">Nothing uses this item yet.</p>}
          {usage.entries.length > 0 && (
            <ul className="link-list">
              {usage.entries.map((id) => (
                <li key={id}>
                  <button type="button" className="btn-link" onClick={() => onOpen?.({ kind: "entry", key: id })} data-testid="content-used-by-entry">
                    entry {id}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {usage.defaults.length > 0 && <p className="small">Default of {usage.defaults.join(", ")}</p>}
        </section>
      )}
      {built.missing && d.id.trim() && (
        <p className="warn small" data-testid="content-blocker">
          {built.missing}
        </p>
      )}
      <SideFormActions testIdPrefix="content" form={form} saving={save.isPending} blocker={built.missing ?? null} saveLabel="Save content" onDelete={() => setConfirm(true)} onSave={doSave} />
      {!isNew && <ItemHistory kind="content" itemKey={d.id.trim()} onReverted={() => onReload(d.id.trim())} />}
      {confirm &&
        revision !== null &&
        (used ? (
          <ConfirmDialog
            title={`${d.id} is in use`}
            message={
              <span data-testid="content-delete-refused">
                It cannot be deleted while it is used by {[...usage.entries.map((e) => `entry ${e}`), ...usage.defaults.map((p) => `the default of ${p}`)].join(", ")}. Point those at other content first.
              </span>
            }
            confirmLabel="OK"
            danger={false}
            onCancel={() => setConfirm(false)}
            onConfirm={() => setConfirm(false)}
          />
        ) : (
          <DeleteDialog
            title={`Delete ${d.id}?`}
            message="Nothing uses it. You can undo this."
            confirmLabel="Delete content"
            mutation={del}
            variables={{ key: d.id.trim(), revision }}
            onClose={() => setConfirm(false)}
            onDeleted={onClose}
          />
        ))}
    </section>
  );
}
