// Add or edit one plan entry. Saving is explicit: an entry passes through
// invalid states while being written (no content yet, weights not summing to
// 1) and must not become the live rule, or an undo step, on every keystroke.
import { useState } from "react";
import type { Doc } from "../bindings/Doc";
import type { EntryStatus } from "../bindings/EntryStatus";
import type { Finding } from "../bindings/Finding";
import type { Goal } from "../bindings/Goal";
import type { PlanEntry } from "../bindings/PlanEntry";
import type { Versioned } from "../bindings/Versioned";
import { isPastDate } from "../format";
import { localTimeZone, useEscape } from "../hooks";
import type { PlanData } from "../bindings/PlanData";
import { contentForKind, formatWeight, placementKind, placementsForStage, KIND_LABELS } from "../plan/model";
import { useDeleteEntry, useSaveEntry } from "../queries";
import { DeleteDialog } from "./DeleteDialog";
import { cleanDoc, DocPane } from "./DocPane";
import { ItemHistory } from "./ItemHistory";
import { Options } from "./Options";
import { SaveError } from "./SaveError";
import { SideFormActions, SideFormTitle, useSavedDraft } from "./SideForm";

export const GOALS: readonly Goal[] = ["conversion", "add_to_cart", "aov", "repeat_purchase", "click_through"];
export const STATUSES: readonly EntryStatus[] = ["active", "draft", "paused"];

type VariantRow = { content: string; weight: string };

export type EntryDefaults = { segment?: string; stage?: string; placement?: string };

interface Props {
  data: PlanData;
  entry: Versioned<PlanEntry> | null;
  defaults?: EntryDefaults;
  findings?: Finding[];
  onClose: () => void;
  onReload: (id: string) => void;
}

export function EntryForm({ data, entry, defaults, findings = [], onClose, onReload }: Props) {
  const e = entry?.item;
  const [id, setId] = useState(e?.id ?? "");
  const [segment, setSegment] = useState(e?.segment ?? defaults?.segment ?? "");
  const [stage, setStage] = useState(e?.stage ?? defaults?.stage ?? "");
  const [placement, setPlacement] = useState(e?.placement ?? defaults?.placement ?? "");
  const [mode, setMode] = useState<"single" | "variants">(e && "variants" in e ? "variants" : "single");
  const [content, setContent] = useState(e && "content" in e ? e.content : "");
  const [variants, setVariants] = useState<VariantRow[]>(
    e && "variants" in e ? e.variants.map((v) => ({ content: v.content, weight: String(v.weight) })) : [{ content: "", weight: "0.5" }, { content: "", weight: "0.5" }],
  );
  const [priority, setPriority] = useState(String(e?.priority ?? 0));
  const [holdout, setHoldout] = useState(String(e?.holdout ?? 0));
  const [campaign, setCampaign] = useState(e?.campaign ?? "");
  const [start, setStart] = useState(e?.schedule?.start ?? "");
  const [end, setEnd] = useState(e?.schedule?.end ?? "");
  const [tz, setTz] = useState(e?.schedule?.tz ?? localTimeZone());
  const [goal, setGoal] = useState<string>(e?.goal ?? "");
  const [owner, setOwner] = useState(e?.owner ?? "");
  const [reviewBy, setReviewBy] = useState(e?.review_by ?? "");
  const [status, setStatus] = useState<EntryStatus>(e?.status ?? "active");
  const [doc, setDoc] = useState<Doc>(e?.doc ?? {});
  const [confirm, setConfirm] = useState(false);
  const save = useSaveEntry();
  const del = useDeleteEntry();
  useEscape(onClose, !confirm);

  const pageTypes = data.page_types.map((p) => p.item);
  const allContent = data.content.map((c) => c.item);
  const placementOptions = placementsForStage(pageTypes, stage);
  const kind = placementKind(pageTypes, placement);
  const contentOptions = contentForKind(allContent, kind);
  const weightSum = variants.reduce((s, v) => s + (Number(v.weight) || 0), 0);

  const draft = buildEntry();
  const form = useSavedDraft(draft, entry);
  const { revision, isNew, saved } = form;
  const blocker = !id.trim()
    ? "Give the entry an id."
    : !segment
      ? "Choose a segment."
      : !stage
        ? "Choose a stage."
        : !placement
          ? "Choose a placement."
          : mode === "single" && !content
            ? "Choose the content."
            : mode === "variants" && variants.some((v) => !v.content)
              ? "Choose the content of every variant."
              : mode === "variants" && Math.abs(weightSum - 1) > 1e-6
                ? `Variant weights must sum to 1 (now ${Math.round(weightSum * 1000) / 1000}).`
                : null;

  function buildEntry(): PlanEntry {
    const d = cleanDoc(doc);
    const base = {
      id: id.trim(),
      segment,
      stage,
      placement,
      priority: Number(priority) || 0,
      holdout: Number(holdout) || 0,
      ...(campaign ? { campaign } : {}),
      ...(start || end ? { schedule: { ...(start ? { start } : {}), ...(end ? { end } : {}), tz: tz.trim() || "UTC" } } : {}),
      ...(goal ? { goal: goal as Goal } : {}),
      ...(owner.trim() ? { owner: owner.trim() } : {}),
      ...(reviewBy ? { review_by: reviewBy } : {}),
      status,
      ...(d ? { doc: d } : {}),
    };
    return mode === "single" ? { ...base, content } : { ...base, variants: variants.map((v) => ({ content: v.content, weight: Number(v.weight) || 0 })) };
  }

  const doSave = () => {
    if (blocker) return;
    save.mutate({ item: draft, expectedRevision: revision }, { onSuccess: (r) => saved(r.revision) });
  };
  const setVariant = (i: number, patch: Partial<VariantRow>) => setVariants(variants.map((v, j) => (j === i ? { ...v, ...patch } : v)));

  return (
    <section className="panel side-form" aria-label="Plan entry" data-testid="entry-form">
      <SideFormTitle title={isNew ? "New plan entry" : `Entry ${id}`} form={form} testIdPrefix="entry" onClose={onClose} />
      <SaveError error={save.error} prefix="entry" what="entry" onReload={() => onReload(id.trim())} onDismiss={() => save.reset()} />
      {findings.map((f, i) => (
        <p key={i} className={"finding small " + f.severity} data-testid="entry-form-warning">
          ⚠ {f.message}
        </p>
      ))}
      <div className="form-grid">
        <label htmlFor="entry-id">Id</label>
        <input id="entry-id" value={id} onChange={(ev) => setId(ev.target.value)} disabled={!isNew} placeholder="e.g. restock_hero" spellCheck={false} data-testid="entry-id" />
        <label htmlFor="entry-segment">Segment</label>
        <select id="entry-segment" value={segment} onChange={(ev) => setSegment(ev.target.value)} data-testid="entry-segment">
          <option value="">— choose —</option>
          <Options values={data.segments.map((s) => s.segment.name)} />
        </select>
        <label htmlFor="entry-stage">Stage</label>
        <select
          id="entry-stage"
          value={stage}
          onChange={(ev) => {
            setStage(ev.target.value);
            if (!placementsForStage(pageTypes, ev.target.value).some((p) => p.id === placement)) setPlacement("");
          }}
          data-testid="entry-stage"
        >
          <option value="">— choose —</option>
          <Options values={data.stages.map((s) => s.item.name)} />
        </select>
        <label htmlFor="entry-placement">Placement</label>
        <span className="row">
          <select
            id="entry-placement"
            value={placement}
            onChange={(ev) => {
              const next = ev.target.value;
              const nextKind = placementKind(pageTypes, next);
              if (nextKind !== kind) {
                setContent("");
                setVariants(variants.map((v) => ({ ...v, content: "" })));
              }
              setPlacement(next);
            }}
            disabled={!stage}
            data-testid="entry-placement"
          >
            <option value="">{stage ? (placementOptions.length ? "— choose —" : "no page type of this stage") : "choose a stage first"}</option>
            <Options values={placementOptions.map((p) => p.id)} />
            {placement && !placementOptions.some((p) => p.id === placement) && <option value={placement}>{placement} (not on a page of this stage)</option>}
          </select>
          {kind && <span className="badge" data-testid="entry-placement-kind">{KIND_LABELS[kind]}</span>}
        </span>
        <label>Content</label>
        <div>
          <div className="segmented small">
            <button type="button" className={mode === "single" ? "on" : ""} onClick={() => setMode("single")} data-testid="entry-mode-single">
              One content
            </button>
            <button type="button" className={mode === "variants" ? "on" : ""} onClick={() => setMode("variants")} data-testid="entry-mode-variants">
              A/B test
            </button>
          </div>
          {mode === "single" ? (
            <select value={content} onChange={(ev) => setContent(ev.target.value)} disabled={!kind} data-testid="entry-content" aria-label="Content" className="block">
              <option value="">{kind ? (contentOptions.length ? "— choose —" : `no ${KIND_LABELS[kind].toLowerCase()} content yet`) : "choose a placement first"}</option>
              <Options values={contentOptions.map((c) => c.id)} />
            </select>
          ) : (
            <div className="variants" data-testid="entry-variants">
              {variants.map((v, i) => (
                <div key={i} className="row">
                  <span className="variant-letter">{String.fromCharCode(65 + i)}</span>
                  <select value={v.content} onChange={(ev) => setVariant(i, { content: ev.target.value })} disabled={!kind} aria-label={`Variant ${i + 1} content`} data-testid="entry-variant-content">
                    <option value="">— content —</option>
                    {contentOptions.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.id}
                      </option>
                    ))}
                  </select>
                  <input className="input-narrow" type="number" step="0.05" min="0" max="1" value={v.weight} onChange={(ev) => setVariant(i, { weight: ev.target.value })} aria-label={`Variant ${i + 1} weight`} data-testid="entry-variant-weight" />
                  <span className="muted small">{formatWeight(Number(v.weight) || 0)}</span>
                  {variants.length > 2 && (
                    <button type="button" className="btn-icon" onClick={() => setVariants(variants.filter((_, j) => j !== i))} aria-label="Remove variant">
                      ×
                    </button>
                  )}
                </div>
              ))}
              <div className="row">
                <button type="button" className="btn-small" onClick={() => setVariants([...variants, { content: "", weight: "0" }])} data-testid="entry-variant-add">
                  + Variant
                </button>
                <button
                  type="button"
                  className="btn-small"
                  onClick={() => setVariants(variants.map((v) => ({ ...v, weight: String(Math.round((1 / variants.length) * 10000) / 10000) })))}
                  data-testid="entry-variant-even"
                >
                  Split evenly
                </button>
                <span className={"small " + (Math.abs(weightSum - 1) > 1e-6 ? "warn" : "muted")} data-testid="entry-weight-sum">
                  sum {formatWeight(weightSum)}
                </span>
              </div>
            </div>
          )}
        </div>
        <label htmlFor="entry-priority">Priority</label>
        <span className="row">
          <input id="entry-priority" className="input-narrow" type="number" value={priority} onChange={(ev) => setPriority(ev.target.value)} data-testid="entry-priority" />
          <span className="muted small">larger wins within a campaign</span>
        </span>
        <label htmlFor="entry-holdout">Holdout %</label>
        <span className="row">
          <input id="entry-holdout" className="input-narrow" type="number" min="0" max="100" value={holdout} onChange={(ev) => setHoldout(ev.target.value)} data-testid="entry-holdout" />
          <span className="muted small">share of matching shoppers kept on the default, for comparison</span>
        </span>
        <label htmlFor="entry-campaign">Campaign</label>
        <select id="entry-campaign" value={campaign} onChange={(ev) => setCampaign(ev.target.value)} data-testid="entry-campaign">
          <option value="">(none — ranks after all campaigns)</option>
          {data.campaigns.map((c) => (
            <option key={c.item.name} value={c.item.name}>
              {c.item.name} (rank {c.item.rank})
            </option>
          ))}
        </select>
        <label htmlFor="entry-schedule-start">Schedule</label>
        <span className="row wrap">
          <input id="entry-schedule-start" type="datetime-local" value={start} onChange={(ev) => setStart(ev.target.value)} aria-label="Start" data-testid="entry-schedule-start" />
          →
          <input type="datetime-local" value={end} onChange={(ev) => setEnd(ev.target.value)} aria-label="End" data-testid="entry-schedule-end" />
          <input value={tz} onChange={(ev) => setTz(ev.target.value)} aria-label="Time zone" placeholder="Europe/Paris" spellCheck={false} data-testid="entry-schedule-tz" className="input-tz" />
        </span>
        <label htmlFor="entry-goal">Goal</label>
        <select id="entry-goal" value={goal} onChange={(ev) => setGoal(ev.target.value)} data-testid="entry-goal">
          <option value="">(none)</option>
          <Options values={GOALS} label={(g) => g.replace(/_/g, " ")} />
        </select>
        <label htmlFor="entry-owner">Owner</label>
        <input id="entry-owner" value={owner} onChange={(ev) => setOwner(ev.target.value)} placeholder="who answers for this entry" data-testid="entry-owner" />
        <label htmlFor="entry-review-by">Review by</label>
        <span className="row">
          <input id="entry-review-by" type="date" value={reviewBy} onChange={(ev) => setReviewBy(ev.target.value)} data-testid="entry-review-by" />
          {isPastDate(reviewBy) && <span className="badge badge-warn">review overdue</span>}
        </span>
        <label htmlFor="entry-status">Status</label>
        <select id="entry-status" value={status} onChange={(ev) => setStatus(ev.target.value as EntryStatus)} data-testid="entry-status">
          <Options values={STATUSES} />
        </select>
      </div>
      <DocPane value={doc} onChange={setDoc} testIdPrefix="entry-doc" />
      {blocker && id.trim() && <p className="warn small" data-testid="entry-blocker">{blocker}</p>}
      <SideFormActions testIdPrefix="entry" form={form} saving={save.isPending} blocker={blocker} saveLabel="Save entry" onDelete={() => setConfirm(true)} onSave={doSave}>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </SideFormActions>
      {!isNew && <ItemHistory kind="entry" itemKey={id.trim()} onReverted={() => onReload(id.trim())} />}
      {confirm && revision !== null && (
        <DeleteDialog
          title={`Delete entry ${id}?`}
          message="Shoppers of this segment will get the next entry in rank order, or the placement's default. You can undo this."
          confirmLabel="Delete entry"
          mutation={del}
          variables={{ key: id.trim(), revision }}
          onClose={() => setConfirm(false)}
          onDeleted={onClose}
        />
      )}
    </section>
  );
}
