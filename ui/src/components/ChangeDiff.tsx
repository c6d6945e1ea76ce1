import type { ChangeRecord } from "../bindings/ChangeRecord";

type Line = { key: string; before: string; after: string; changed: boolean };

const show = (v: unknown) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v, null, 2));

/** Key-level before/after of one change (whole values when not objects). */
export function diffLines(before: unknown, after: unknown): Line[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if ((isObj(before) || before == null) && (isObj(after) || after == null) && (isObj(before) || isObj(after))) {
    const b = (before ?? {}) as Record<string, unknown>;
    const a = (after ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys.map((k) => {
      const bs = show(b[k]);
      const as = show(a[k]);
      return { key: k, before: bs, after: as, changed: bs !== as };
    });
  }
  const bs = show(before ?? undefined);
  const as = show(after ?? undefined);
  return [{ key: "value", before: bs, after: as, changed: bs !== as }];
}

/** One entity's change: created, deleted or edited, with a key-level diff. */
export function ChangeDiff({ change }: { change: ChangeRecord }) {
  const verb = change.before == null ? "created" : change.after == null ? "deleted" : "changed";
  const lines = diffLines(change.before, change.after);
  return (
    <div className="change" data-testid="history-change">
      <div className="change-head">
        <span className="badge">{change.entity}</span> <span className="mono">{change.entity_id}</span> <span className="muted">{verb}</span>
      </div>
      <table className="diff">
        <thead>
          <tr>
            <th>Field</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.key} className={l.changed ? "changed" : "same"}>
              <td className="mono">{l.key}</td>
              <td>
                <pre className={l.changed && l.before ? "del" : ""}>{l.before || "—"}</pre>
              </td>
              <td>
                <pre className={l.changed && l.after ? "ins" : ""}>{l.after || "—"}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
