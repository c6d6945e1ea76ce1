import type { SpecDiff } from "../../bindings/SpecDiff";

const MARKS = [
  { field: "added", badge: "+", label: "added", className: "diff-added" },
  { field: "removed", badge: "−", label: "removed", className: "diff-removed" },
  { field: "changed", badge: "~", label: "changed", className: "diff-changed" },
] as const;

/** What a bundle changes, section by section, with +/−/~ per item. */
export function BundleDiff({ diff, testId = "publish-diff" }: { diff: SpecDiff; testId?: string }) {
  const sections = diff.sections.filter((s) => s.added.length + s.removed.length + s.changed.length > 0);
  if (sections.length === 0)
    return (
      <p className="muted" data-testid={testId} data-empty="true">
        No changes: the rules are the same as the active version.
      </p>
    );
  return (
    <div className="bundle-diff" data-testid={testId}>
      {sections.map((s) => (
        <section key={s.section} className="diff-section" data-testid={`diff-section-${s.section}`} aria-label={`Changes to ${s.section}`}>
          <h4>
            {s.section}{" "}
            <span className="muted small">
              {MARKS.filter((m) => s[m.field].length > 0)
                .map((m) => `${s[m.field].length} ${m.label}`)
                .join(", ")}
            </span>
          </h4>
          <ul className="diff-items">
            {MARKS.flatMap((m) =>
              s[m.field].map((item) => (
                <li key={`${m.field}-${item}`} className={m.className} data-change={m.label}>
                  <span className={`diff-badge ${m.className}`} aria-label={m.label} title={m.label}>
                    {m.badge}
                  </span>
                  <span className="mono">{item}</span>
                </li>
              )),
            )}
          </ul>
        </section>
      ))}
    </div>
  );
}
