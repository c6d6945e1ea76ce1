import type { Doc } from "../bindings/Doc";

const FIELDS: { key: keyof Doc; label: string; hint: string }[] = [
  { key: "purpose", label: "Purpose", hint: "Why this exists, for whom." },
  { key: "hypothesis", label: "Hypothesis", hint: "What we expect to change, and by how much." },
  { key: "notes", label: "Notes", hint: "Decisions, caveats, links." },
  { key: "result", label: "Result", hint: "What actually happened — so failed ideas are not repeated." },
];

/** Documentation kept with an item: the team's experiment log. */
export function DocPane({ value, onChange, testIdPrefix = "doc" }: { value: Doc; onChange: (d: Doc) => void; testIdPrefix?: string }) {
  return (
    <section className="panel doc-pane" aria-label="Documentation" data-testid={`${testIdPrefix}-pane`}>
      <h2>Documentation <span className="muted small">— the experiment log</span></h2>
      <div className="form-grid">
        {FIELDS.map((f) => (
          <DocField key={f.key} field={f} value={value[f.key] ?? ""} onChange={(v) => onChange({ ...value, [f.key]: v })} testId={`${testIdPrefix}-${f.key}`} />
        ))}
      </div>
    </section>
  );
}

function DocField({ field, value, onChange, testId }: { field: (typeof FIELDS)[number]; value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <>
      <label htmlFor={testId}>{field.label}</label>
      <textarea id={testId} rows={2} value={value} placeholder={field.hint} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </>
  );
}

export function hasDoc(d: Doc | undefined): boolean {
  return !!d && !!(d.purpose?.trim() || d.hypothesis?.trim() || d.notes?.trim() || d.result?.trim());
}

/** The doc with empty fields dropped; undefined when nothing is written. */
export function cleanDoc(d: Doc): Doc | undefined {
  const out: Doc = {};
  for (const f of FIELDS) {
    const v = d[f.key]?.trim();
    if (v) out[f.key] = v;
  }
  return hasDoc(out) ? out : undefined;
}
