// Lint findings grouped by severity, each linked to where its item is edited;
// a finding with an example shopper (a witness) can open it in the preview.
import type { Finding } from "../bindings/Finding";
import type { Severity } from "../bindings/Severity";
import { useLint } from "../queries";
import type { OpenTarget, SectionId } from "../sections";
import { ErrorBanner } from "./ErrorBanner";
import { EmptyState, Loading } from "./StatusViews";

export type ItemLink = { kind: "item"; target: { kind: OpenTarget["kind"]; key: string } } | { kind: "section"; section: SectionId };

const ITEM_KINDS: Record<string, OpenTarget["kind"]> = {
  segment: "segment",
  entry: "entry",
  content: "content",
  campaign: "campaign",
  page_type: "page_type",
  page: "page_type",
};

/** Where a finding's item (`kind:name`, or `catalog`) is edited; null when nowhere. */
export function linkForItem(item: string): ItemLink | null {
  const i = item.indexOf(":");
  const kind = i < 0 ? item : item.slice(0, i);
  const key = i < 0 ? "" : item.slice(i + 1);
  if (kind === "catalog" || kind === "product") return { kind: "section", section: "catalog" };
  if (kind === "attribute") return { kind: "section", section: "attributes" };
  const k = ITEM_KINDS[kind];
  if (k && key) return { kind: "item", target: { kind: k, key } };
  return null;
}

const GROUPS: { severity: Severity; title: string }[] = [
  { severity: "error", title: "Errors" },
  { severity: "warning", title: "Warnings" },
];

type Shopper = Record<string, unknown>;

interface Props {
  onOpen: (t: { kind: OpenTarget["kind"]; key: string }) => void;
  onSection: (s: SectionId) => void;
  /** Opens a finding's example shopper in the preview; without it no button is shown. */
  onPreview?: (shopper: Shopper, item: string) => void;
}

export function ProblemsPanel({ onOpen, onSection, onPreview }: Props) {
  const lint = useLint();
  const follow = (link: ItemLink) => (link.kind === "item" ? onOpen(link.target) : onSection(link.section));
  if (lint.isPending) return <Loading label="Checking the workspace…" />;
  if (lint.isError)
    return (
      <div data-testid="problems">
        <ErrorBanner error={lint.error} title="Lint is unavailable." testId="problems-error" />
        <button type="button" onClick={() => lint.refetch()}>
          Try again
        </button>
      </div>
    );
  const findings = lint.data;
  return (
    <div className="sim-problems" data-testid="problems">
      <div className="row">
        <span className="small muted">
          {findings.length === 0
            ? "No problems found."
            : GROUPS.map((g) => `${findings.filter((f) => f.severity === g.severity).length} ${g.title.toLowerCase()}`).join(", ")}
        </span>
        <span className="spacer" />
        <button type="button" className="btn-small" onClick={() => lint.refetch()} disabled={lint.isFetching} data-testid="problems-refresh">
          {lint.isFetching ? "Checking…" : "Check again"}
        </button>
      </div>
      {findings.length === 0 ? (
        <EmptyState title="No problems" testId="problems-empty">
          <p>No conflicting or shadowed entries, no unreachable segments, no overdue reviews, no catalog hygiene issues.</p>
        </EmptyState>
      ) : (
        GROUPS.map((g) => {
          const list = findings.filter((f) => f.severity === g.severity);
          if (list.length === 0) return null;
          return (
            <section key={g.severity} className="panel" data-testid={`problems-${g.severity}`}>
              <h2 className={"finding " + g.severity}>
                {g.title} ({list.length})
              </h2>
              <table className="table table-compact">
                <thead>
                  <tr>
                    <th>Rule</th>
                    <th>Item</th>
                    <th>Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((f, i) => (
                    <FindingRow key={`${f.rule}-${f.item}-${i}`} f={f} follow={follow} onPreview={onPreview} />
                  ))}
                </tbody>
              </table>
            </section>
          );
        })
      )}
    </div>
  );
}

function FindingRow({ f, follow, onPreview }: { f: Finding; follow: (l: ItemLink) => void; onPreview?: (shopper: Shopper, item: string) => void }) {
  const link = linkForItem(f.item);
  const witness = f.witness;
  return (
    <tr data-testid="problem" data-rule={f.rule} data-item={f.item} data-severity={f.severity}>
      <td className="mono small">{f.rule}</td>
      <td>
        {link ? (
          <button type="button" className="btn-link mono" onClick={() => follow(link)} data-testid="problem-open" title="Open where it is edited">
            {f.item}
          </button>
        ) : (
          <span className="mono">{f.item}</span>
        )}
      </td>
      <td>
        {f.message}
        {witness && onPreview && (
          <div>
            <button
              type="button"
              className="btn-small"
              onClick={() => onPreview(witness, f.item)}
              data-testid="problem-preview"
              title={`Open this shopper in the preview: ${JSON.stringify(witness)}`}
            >
              Preview this shopper
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
