import type { PageType } from "../bindings/PageType";
import { KIND_LABELS } from "../plan/model";

/** A small sketch of a page: its placements as labelled boxes in page order,
 * the personalized ones (with plan entries) marked, and the page cap. */
export function PageWireframe({ page, personalized }: { page: PageType; personalized: Set<string> }) {
  const count = page.placements.filter((p) => personalized.has(p.name)).length;
  return (
    <figure className="wireframe" data-testid="page-wireframe" aria-label={`Wireframe of ${page.name || "the page"}`}>
      <div className="wf-chrome">
        <span className="wf-dots" aria-hidden="true">
          ● ● ●
        </span>
        <span className="mono small">{page.name || "page"}</span>
        <span className="small muted">stage {page.stage || "—"}</span>
      </div>
      <div className="wf-page">
        {page.placements.length === 0 && <div className="wf-empty small muted">No placements yet</div>}
        {page.placements.map((p, i) => {
          const on = personalized.has(p.name);
          return (
            <div key={i} className={`wf-box wf-${p.kind}` + (on ? " wf-personalized" : "")} data-testid="wireframe-box" data-placement={p.name}>
              <span className="wf-label">
                {i + 1}. {p.name || "(unnamed)"}
              </span>
              <span className="wf-kind small">{KIND_LABELS[p.kind]}</span>
              {on && <span className="wf-flag small">personalized</span>}
              {p.kind === "product_set" && (
                <span className="wf-tiles" aria-hidden="true">
                  <i />
                  <i />
                  <i />
                  <i />
                </span>
              )}
            </div>
          );
        })}
      </div>
      <figcaption className="small" data-testid="wireframe-cap">
        Cap: at most <strong>{page.max_blocks}</strong> personalized block{page.max_blocks === 1 ? "" : "s"} per view · {count} placement{count === 1 ? "" : "s"} with entries
        {count > page.max_blocks && <span className="warn"> — only {page.max_blocks} can be personalized at once; rank order decides which.</span>}
      </figcaption>
    </figure>
  );
}
