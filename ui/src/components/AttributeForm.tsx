import { useState } from "react";
import type { AttrType } from "../bindings/AttrType";
import type { Attribute } from "../bindings/Attribute";
import type { AttributeRow } from "../bindings/AttributeRow";
import { splitList } from "../condition/builder";
import { useSaveAttribute } from "../queries";
import { ErrorBanner } from "./ErrorBanner";

export const ATTR_TYPES: readonly { value: AttrType; label: string }[] = [
  { value: "string", label: "Text" },
  { value: "number", label: "Number" },
  { value: "bool", label: "Yes / no" },
  { value: "date", label: "Date" },
  { value: "string_list", label: "List of text" },
  { value: "enum", label: "One of a fixed set (enum)" },
];

/** Add or edit one attribute. `row` is null when adding. */
export function AttributeForm({ row, onDone, onReload }: { row: AttributeRow | null; onDone: () => void; onReload: () => void }) {
  const a = row?.attribute;
  const [name, setName] = useState(a?.name ?? "");
  const [type, setType] = useState<AttrType>(a?.type ?? "string");
  const [values, setValues] = useState((a?.values ?? []).join(", "));
  const [sensitive, setSensitive] = useState(a?.sensitive ?? false);
  const [consent, setConsent] = useState(a?.requires_consent ?? false);
  const [source, setSource] = useState(a?.source ?? "");
  // The revision the form was opened with: a stale save is refused as a conflict.
  const [openedRevision] = useState(row?.revision ?? null);
  const save = useSaveAttribute();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const attribute: Attribute = {
      name: name.trim(),
      type,
      values: type === "enum" ? splitList(values) : [],
      sensitive,
      requires_consent: consent,
      source: source.trim() || undefined,
    };
    save.mutate({ attribute, expectedRevision: openedRevision }, { onSuccess: onDone });
  };

  const conflict = save.error?.kind === "conflict";
  return (
    <form className="panel form" onSubmit={submit} data-testid="attr-form" aria-label={row ? `Edit ${a?.name}` : "New attribute"}>
      <h2>{row ? `Edit attribute ${a?.name}` : "New attribute"}</h2>
      <ErrorBanner
        error={save.error}
        title={conflict ? "This attribute was changed elsewhere." : undefined}
        onDismiss={() => save.reset()}
      >
        {conflict && (
          <button type="button" onClick={onReload} data-testid="attr-reload">
            Reload
          </button>
        )}
      </ErrorBanner>
      <div className="form-grid">
        <label htmlFor="attr-name">Name</label>
        <input
          id="attr-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          disabled={!!row}
          placeholder="e.g. visitor_type"
          data-testid="attr-name"
          spellCheck={false}
          required
        />
        <label htmlFor="attr-type">Type</label>
        <select id="attr-type" value={type} onChange={(e) => setType(e.target.value as AttrType)} data-testid="attr-type">
          {ATTR_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label} ({t.value})
            </option>
          ))}
        </select>
        {type === "enum" && (
          <>
            <label htmlFor="attr-values">Allowed values</label>
            <input
              id="attr-values"
              value={values}
              onChange={(e) => setValues(e.target.value)}
              placeholder="comma-separated, e.g. new, returning, lapsed"
              data-testid="attr-values"
            />
          </>
        )}
        <label htmlFor="attr-source">Source</label>
        <input id="attr-source" value={source} onChange={(e) => setSource(e.target.value)} placeholder="where the data comes from" data-testid="attr-source" />
        <span />
        <label className="check">
          <input type="checkbox" checked={sensitive} onChange={(e) => setSensitive(e.target.checked)} data-testid="attr-sensitive" />
          Sensitive (shown with care, excluded from exports)
        </label>
        <span />
        <label className="check">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} data-testid="attr-consent" />
          Requires consent (without it, shoppers get non-personalized defaults)
        </label>
      </div>
      <div className="form-actions">
        <button type="button" onClick={onDone} data-testid="attr-cancel">
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={save.isPending || !name.trim()} data-testid="attr-save">
          {save.isPending ? "Saving…" : row ? "Save attribute" : "Add attribute"}
        </button>
      </div>
    </form>
  );
}
