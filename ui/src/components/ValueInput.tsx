import { useId } from "react";
import type { Attribute } from "../bindings/Attribute";
import { joinList, splitList } from "../condition/builder";
import { valueShape, type OperatorId } from "../condition/operators";
import { useAttributeValues } from "../queries";

interface Props {
  attribute: Attribute | undefined;
  op: OperatorId;
  value: string;
  high: string;
  onChange: (value: string, high: string) => void;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The value part of a condition row, shaped by the attribute's type and the operator. */
export function ValueInput({ attribute, op, value, high, onChange }: Props) {
  const shape = valueShape(op);
  const type = attribute?.type;
  const listId = useId();
  // Values seen in the sample shoppers feed the pickers (not needed for numbers/bools/dates).
  const wantsSuggestions = !!attribute && (type === "string" || type === "enum" || type === "string_list") && shape !== "none";
  const seen = useAttributeValues(wantsSuggestions ? attribute?.name : undefined);
  const suggestions = mergeSuggestions(type === "enum" ? attribute?.values ?? [] : [], (seen.data ?? []).map((v) => v.value));

  if (shape === "none") return <span className="muted small">no value needed</span>;

  if (shape === "days") {
    return (
      <span className="value-days">
        <input type="number" min={0} step={1} value={value} onChange={(e) => onChange(e.target.value, high)} data-testid="cond-value" aria-label="Days" className="input-narrow" />
        <span className="muted">days</span>
      </span>
    );
  }

  if (shape === "list") {
    const chosen = splitList(value);
    const add = (v: string) => onChange(joinList([...chosen, v]), high);
    const remove = (i: number) => onChange(joinList(chosen.filter((_, j) => j !== i)), high);
    return (
      <span className="value-list">
        <input
          type="text"
          value={value}
          onChange={(e) => onChange(e.target.value, high)}
          placeholder={type === "number" ? "e.g. 1, 2, 3" : "comma-separated values"}
          data-testid="cond-value"
          aria-label="Values (comma-separated)"
        />
        <span className="chips">
          {chosen.map((v, i) => (
            <span key={`${v}-${i}`} className="chip">
              {v}
              <button type="button" className="chip-x" onClick={() => remove(i)} aria-label={`Remove ${v}`}>
                ×
              </button>
            </span>
          ))}
          {suggestions
            .filter((s) => !chosen.includes(s))
            .slice(0, 8)
            .map((s) => (
              <button key={s} type="button" className="chip chip-add" onClick={() => add(s)} title="Add this value">
                + {s}
              </button>
            ))}
        </span>
      </span>
    );
  }

  const single = (v: string, set: (v: string) => void, testId: string, label: string) => {
    if (type === "number")
      return <input type="number" step="any" value={v} onChange={(e) => set(e.target.value)} data-testid={testId} aria-label={label} className="input-narrow" />;
    if (type === "bool")
      return (
        <select value={v} onChange={(e) => set(e.target.value)} data-testid={testId} aria-label={label}>
          <option value="">choose…</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
    if (type === "date" && (v === "" || ISO_DATE.test(v)))
      return <input type="date" value={v} onChange={(e) => set(e.target.value)} data-testid={testId} aria-label={label} />;
    if (type === "enum" && op !== "starts_with" && (v === "" || suggestions.includes(v)))
      return (
        <select value={v} onChange={(e) => set(e.target.value)} data-testid={testId} aria-label={label}>
          <option value="">choose…</option>
          {suggestions.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      );
    return (
      <>
        <input type="text" value={v} onChange={(e) => set(e.target.value)} list={suggestions.length ? listId : undefined} data-testid={testId} aria-label={label} />
        {suggestions.length > 0 && (
          <datalist id={listId}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        )}
      </>
    );
  };

  if (shape === "range") {
    return (
      <span className="value-range">
        {single(value, (v) => onChange(v, high), "cond-value", "From")}
        <span className="muted">and</span>
        {single(high, (h) => onChange(value, h), "cond-value-high", "To")}
      </span>
    );
  }
  return single(value, (v) => onChange(v, high), "cond-value", "Value");
}

function mergeSuggestions(declared: string[], seen: string[]): string[] {
  const out = [...declared];
  for (const s of seen) if (!out.includes(s)) out.push(s);
  return out;
}
