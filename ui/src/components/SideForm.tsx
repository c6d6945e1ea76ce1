// The frame every item form beside a list shares (campaigns, page types,
// content, plan entries): a title row with the save state and Close, and a
// foot with Delete and Save. The form's own fields go between them.
import { useState } from "react";

/** What a side form knows about saving: the item's revision (`null` until
 * it is first saved), whether the draft differs from what was saved, and
 * `saved(revision)` to call when a save succeeds. */
export function useSavedDraft(draft: unknown, item: { revision: number } | null): SavedDraft {
  const json = JSON.stringify(draft);
  const [revision, setRevision] = useState<number | null>(item?.revision ?? null);
  const [savedJson, setSavedJson] = useState<string | null>(() => (item ? json : null));
  return {
    revision,
    isNew: revision === null,
    dirty: savedJson !== json,
    saved: (r: number) => {
      setRevision(r);
      setSavedJson(json);
    },
  };
}

export interface SavedDraft {
  revision: number | null;
  isNew: boolean;
  dirty: boolean;
  saved: (revision: number) => void;
}

/** The title row: what is edited, "Saved" / "Unsaved changes" / "Not saved yet", and Close. */
export function SideFormTitle({ title, form: { dirty, isNew }, testIdPrefix, onClose }: { title: string; form: SavedDraft; testIdPrefix: string; onClose: () => void }) {
  return (
    <div className="panel-title">
      <h2>{title}</h2>
      <span className={"save-state small" + (dirty ? " warn" : " ok")} data-testid={`${testIdPrefix}-save-state`}>
        {dirty ? (isNew ? "Not saved yet" : "Unsaved changes") : "Saved"}
      </span>
      <button type="button" className="btn-link" onClick={onClose} data-testid={`${testIdPrefix}-close`} aria-label="Close">
        Close
      </button>
    </div>
  );
}

interface ActionsProps {
  testIdPrefix: string;
  form: SavedDraft;
  saving: boolean;
  /** Why the draft cannot be saved yet, if so (also the Save button's tooltip). */
  blocker: string | null;
  saveLabel: string;
  onSave: () => void;
  onDelete: () => void;
  /** Extra buttons before Save. */
  children?: React.ReactNode;
}

/** The foot: Delete for a saved item, then Save (enabled when there is something valid to save). */
export function SideFormActions({ testIdPrefix, form: { isNew, dirty }, saving, blocker, saveLabel, onSave, onDelete, children }: ActionsProps) {
  return (
    <div className="form-actions">
      {!isNew && (
        <button type="button" className="btn-danger-outline" onClick={onDelete} data-testid={`${testIdPrefix}-delete`}>
          Delete
        </button>
      )}
      <div className="spacer" />
      {children}
      <button type="button" className="btn-primary" onClick={onSave} disabled={!!blocker || saving || (!dirty && !isNew)} title={blocker ?? undefined} data-testid={`${testIdPrefix}-save`}>
        {saving ? "Saving…" : saveLabel}
      </button>
    </div>
  );
}
