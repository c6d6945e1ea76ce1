// Editing a segment. Saving is explicit ("Save segment") rather than
// autosaved: a condition passes through incomplete and invalid states while
// it is being written, and a half-typed condition must not become the
// segment's definition (or an undo step) on every keystroke. Each save is
// still written to the workspace file immediately.
import { useState } from "react";
import type { Doc } from "../bindings/Doc";
import { cleanDoc, DocPane } from "../components/DocPane";
import type { Attribute } from "../bindings/Attribute";
import type { Segment } from "../bindings/Segment";
import type { SegmentRow } from "../bindings/SegmentRow";
import { ConditionEditor } from "../components/ConditionEditor";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { ItemHistory } from "../components/ItemHistory";
import { ReachPanel } from "../components/ReachPanel";
import { useConditionEditor } from "../condition/useConditionEditor";
import { isPastDate } from "../format";
import { useEscape } from "../hooks";
import { useDeleteSegment, useSaveSegment } from "../queries";

interface Props {
  row: SegmentRow | null;
  attributes: Attribute[];
  onClose: () => void;
  onReload: (name: string) => void;
}

export function SegmentEditor({ row, attributes, onClose, onReload }: Props) {
  const initial = row?.segment;
  const [name, setName] = useState(initial?.name ?? "");
  const [owner, setOwner] = useState(initial?.owner ?? "");
  const [reviewBy, setReviewBy] = useState(initial?.review_by ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [doc, setDoc] = useState<Doc>(initial?.doc ?? {});
  // The revision this editor is based on (null until first saved).
  const [revision, setRevision] = useState<number | null>(row?.revision ?? null);
  const [saved, setSaved] = useState<Segment | null>(initial ?? null);
  const [confirm, setConfirm] = useState<"delete" | "discard" | null>(null);
  const cond = useConditionEditor(initial?.condition ?? "true", attributes);
  const save = useSaveSegment();
  const del = useDeleteSegment();

  const draft: Segment | null =
    cond.condition === null
      ? null
      : {
          name: name.trim(),
          condition: cond.condition,
          ...(owner.trim() ? { owner: owner.trim() } : {}),
          ...(description.trim() ? { description: description.trim() } : {}),
          ...(reviewBy ? { review_by: reviewBy } : {}),
          ...(cleanDoc(doc) ? { doc: cleanDoc(doc) } : {}),
        };
  const dirty = draft === null || saved === null || JSON.stringify(normalize(draft)) !== JSON.stringify(normalize(saved));
  const blocker = !name.trim()
    ? "Give the segment a name."
    : draft === null
      ? "Fix the condition text first."
      : cond.incomplete > 0
        ? "Complete or remove the incomplete rows first."
        : null;

  const doSave = () => {
    if (!draft || blocker) return;
    save.mutate(
      { segment: draft, expectedRevision: revision },
      {
        onSuccess: (r) => {
          setRevision(r.revision);
          setSaved(r.segment);
        },
      },
    );
  };
  const conflict = save.error?.kind === "conflict";
  const isNew = revision === null;
  useEscape(() => (dirty && !isNewAndEmpty() ? setConfirm("discard") : onClose()), confirm === null);

  return (
    <div className="screen segment-editor" data-testid="segment-editor">
      <div className="screen-header">
        <button type="button" className="btn-link" onClick={() => (dirty && !isNewAndEmpty() ? setConfirm("discard") : onClose())} data-testid="segment-back">
          ← Segments
        </button>
        <h1>{isNew ? "New segment" : name}</h1>
        <span className={"save-state small" + (dirty ? " warn" : " ok")} data-testid="segment-save-state">
          {dirty ? "Unsaved changes" : "Saved"}
        </span>
        <div className="spacer" />
        {!isNew && (
          <button type="button" className="btn-danger-outline" onClick={() => setConfirm("delete")} data-testid="segment-delete">
            Delete
          </button>
        )}
        <button type="button" className="btn-primary" onClick={doSave} disabled={!!blocker || save.isPending || (!dirty && !isNew)} title={blocker ?? undefined} data-testid="segment-save">
          {save.isPending ? "Saving…" : "Save segment"}
        </button>
      </div>
      <ErrorBanner error={save.error} title={conflict ? "This segment was changed elsewhere since you opened it." : "Could not save."} onDismiss={() => save.reset()} testId={conflict ? "segment-conflict" : "error"}>
        {conflict && (
          <>
            {" "}
            Reload to get the latest version (your edits here will be replaced).{" "}
            <button type="button" onClick={() => onReload(name.trim())} data-testid="segment-reload">
              Reload
            </button>
          </>
        )}
      </ErrorBanner>
      {blocker && name.trim() && <p className="warn small">{blocker}</p>}
      <div className="editor-grid">
        <div className="editor-main">
          <section className="panel form-grid" aria-label="Segment details">
            <label htmlFor="segment-name">Name</label>
            <input id="segment-name" value={name} onChange={(e) => setName(e.target.value)} disabled={!isNew} placeholder="e.g. returning_buyers" data-testid="segment-name" spellCheck={false} title={isNew ? undefined : "A saved segment's name cannot change"} />
            <label htmlFor="segment-owner">Owner</label>
            <input id="segment-owner" value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="who answers for this segment" data-testid="segment-owner" />
            <label htmlFor="segment-review-by">Review by</label>
            <span className="row">
              <input id="segment-review-by" type="date" value={reviewBy} onChange={(e) => setReviewBy(e.target.value)} data-testid="segment-review-by" />
              {isPastDate(reviewBy) && <span className="badge badge-warn">review overdue</span>}
            </span>
            <label htmlFor="segment-description">Description</label>
            <textarea id="segment-description" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} data-testid="segment-description" />
          </section>
          <ConditionEditor state={cond} attributes={attributes} />
          <DocPane value={doc} onChange={setDoc} testIdPrefix="segment-doc" />
        </div>
        <ReachPanel condition={cond.condition} note={cond.incomplete > 0 ? "Counted without the incomplete rows." : undefined} />
      </div>
      {!isNew && <ItemHistory kind="segment" itemKey={name.trim()} onReverted={() => onReload(name.trim())} />}
      {confirm === "delete" && revision !== null && (
        <ConfirmDialog
          title={`Delete segment ${name}?`}
          message="Content plan entries that target it will stop matching. You can undo this."
          confirmLabel="Delete segment"
          busy={del.isPending}
          onCancel={() => {
            setConfirm(null);
            del.reset();
          }}
          onConfirm={() => del.mutate({ name: name.trim(), revision }, { onSuccess: onClose })}
        >
          <ErrorBanner error={del.error} />
        </ConfirmDialog>
      )}
      {confirm === "discard" && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          message="Your changes to this segment have not been saved."
          confirmLabel="Discard changes"
          onCancel={() => setConfirm(null)}
          onConfirm={onClose}
        />
      )}
    </div>
  );

  function isNewAndEmpty() {
    return isNew && !name.trim() && !owner.trim() && !description.trim() && !reviewBy && !cleanDoc(doc) && cond.condition === "true";
  }
}

/** Compare segments ignoring absent-vs-empty optional fields. */
function normalize(s: Segment) {
  return { name: s.name, condition: s.condition, owner: s.owner || "", description: s.description || "", review_by: s.review_by || "", doc: JSON.stringify(s.doc ?? {}) };
}
