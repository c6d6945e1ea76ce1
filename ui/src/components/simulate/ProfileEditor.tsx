// The previewed shopper's attribute values, one typed field per schema attribute.
import { useState } from "react";
import type { Attribute } from "../../bindings/Attribute";
import type { AttrType } from "../../bindings/AttrType";

type Profile = Record<string, unknown>;

interface Props {
  profile: Profile;
  attributes: Attribute[];
  /** Changes when a new profile is loaded, so free-text fields restart from its values. */
  loadKey: number;
  onChange: (next: Profile) => void;
}

/** The type a field is edited as: the schema's, else guessed from the value. */
function guessType(v: unknown): AttrType {
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "string_list";
  return "string";
}

export function ProfileEditor({ profile, attributes, loadKey, onChange }: Props) {
  const set = (name: string, v: unknown) => {
    const next = { ...profile };
    if (v === undefined) delete next[name];
    else next[name] = v;
    onChange(next);
  };
  const declared = new Set(attributes.map((a) => a.name));
  const fields: Attribute[] = [...attributes];
  // The engine always reads `consent`, declared or not.
  if (!declared.has("consent")) fields.push({ name: "consent", type: "bool", source: "personalization consent (absent: the workspace default)" });
  const extra = Object.keys(profile)
    .filter((k) => k !== "id" && !declared.has(k) && k !== "consent")
    .sort();
  return (
    <div className="sim-profile form-grid" data-testid="preview-attrs">
      <label htmlFor="preview-attr-id">id</label>
      <input
        id="preview-attr-id"
        type="text"
        value={typeof profile.id === "string" ? profile.id : String(profile.id ?? "")}
        onChange={(e) => set("id", e.target.value)}
        data-testid="preview-attr-id"
        title="The shopper id also decides holdout and variant buckets"
      />
      {fields.map((a) => (
        <AttrField key={`${loadKey}:${a.name}`} attribute={a} value={profile[a.name]} onChange={(v) => set(a.name, v)} />
      ))}
      {extra.length > 0 && <div className="sim-profile-extra muted small">Not in the schema (the engine ignores them):</div>}
      {extra.map((k) => (
        <AttrField key={`${loadKey}:${k}`} attribute={{ name: k, type: guessType(profile[k]) }} value={profile[k]} onChange={(v) => set(k, v)} />
      ))}
    </div>
  );
}

function listText(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(", ");
  return v === undefined || v === null ? "" : String(v);
}

function AttrField({ attribute: a, value, onChange }: { attribute: Attribute; value: unknown; onChange: (v: unknown) => void }) {
  const testId = `preview-attr-${a.name}`;
  const id = `preview-attr-field-${a.name}`;
  // Free text keeps what is typed ("1.", "a, ") while the profile gets the parsed value.
  const [text, setText] = useState(() => (a.type === "string_list" ? listText(value) : value === undefined || value === null ? "" : String(value)));
  const flags = [a.sensitive && "sensitive", a.requires_consent && "needs consent"].filter(Boolean).join(", ");
  const label = (
    <label htmlFor={id} title={a.source ?? undefined}>
      {a.name}
      {flags && <span className="muted small"> ({flags})</span>}
    </label>
  );
  let input: React.ReactNode;
  switch (a.type) {
    case "bool":
      input = (
        <select id={id} value={value === true ? "true" : value === false ? "false" : ""} onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value === "true")} data-testid={testId}>
          <option value="">(missing)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
      break;
    case "enum": {
      const values = a.values ?? [];
      const v = typeof value === "string" ? value : "";
      input = (
        <select id={id} value={v} onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)} data-testid={testId}>
          <option value="">(missing)</option>
          {v && !values.includes(v) && <option value={v}>{v} (not an allowed value)</option>}
          {values.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      );
      break;
    }
    case "number":
      input = (
        <input
          id={id}
          type="number"
          step="any"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            const t = e.target.value.trim();
            if (t === "") onChange(undefined);
            else if (Number.isFinite(Number(t))) onChange(Number(t));
          }}
          data-testid={testId}
        />
      );
      break;
    case "date":
      input = (
        <input
          id={id}
          type="date"
          value={typeof value === "string" ? value.slice(0, 10) : ""}
          onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
          data-testid={testId}
        />
      );
      break;
    case "string_list":
      input = (
        <input
          id={id}
          type="text"
          value={text}
          placeholder="comma-separated"
          onChange={(e) => {
            setText(e.target.value);
            const items = e.target.value
              .split(",")
              .map((s) => s.trim())
              .filter((s) => s.length > 0);
            onChange(e.target.value.trim() === "" ? undefined : items);
          }}
          data-testid={testId}
        />
      );
      break;
    default:
      input = (
        <input
          id={id}
          type="text"
          value={text}
          placeholder="(missing)"
          onChange={(e) => {
            setText(e.target.value);
            onChange(e.target.value === "" ? undefined : e.target.value);
          }}
          data-testid={testId}
        />
      );
  }
  return (
    <>
      {label}
      {input}
    </>
  );
}
