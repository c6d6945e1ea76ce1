// A mock of the decided page: every placement filled in page order, as the
// shopper would roughly see it, with who personalized it or why not.
import type { Block, Decision, PreviewPage, PreviewProduct } from "../../api/simulate";
import type { Content } from "../../bindings/Content";
import type { PlacementKind } from "../../bindings/PlacementKind";
import type { Product } from "../../bindings/Product";
import { formatDelay } from "../ContentPreview";
import { blockBadge } from "./words";

interface Props {
  page: PreviewPage;
  decision: Decision;
  content: Map<string, Content>;
  /** Catalog facts by product id (price, stock, margin). */
  facts: Map<string, Product>;
  /** Titles from the preview context, when the catalog lookup has not answered. */
  titles: Map<string, PreviewProduct>;
  stale?: boolean;
}

export function PageMock({ page, decision, content, facts, titles, stale }: Props) {
  const byPlacement = new Map(decision.blocks.map((b) => [b.placement, b]));
  // Page order from the page type; blocks the page type does not list (should not happen) go last.
  const order = page.placements.map((p) => ({ id: p.id, kind: p.kind as PlacementKind | undefined }));
  for (const b of decision.blocks) if (!order.some((o) => o.id === b.placement)) order.push({ id: b.placement, kind: undefined });
  return (
    <div className={"sim-page" + (stale ? " stale" : "")} data-testid="preview-page-mock" data-page={page.name}>
      <div className="wf-chrome">
        <span className="wf-dots">●●●</span>
        <span className="small muted">{page.name} page · stage {decision.trace?.stage ?? page.stage}</span>
      </div>
      <div className="sim-page-body">
        {order.length === 0 && <p className="muted small">This page type has no placements.</p>}
        {order.map((o) => {
          const b = byPlacement.get(o.id);
          const c = b?.content ? content.get(b.content) : undefined;
          const kind = o.kind ?? c?.kind;
          return (
            <section
              key={o.id}
              className={"sim-block" + (b?.personalized ? " personalized" : "") + (b?.holdout ? " holdout" : "")}
              data-testid={`preview-block-${o.id}`}
              data-content={b?.content ?? ""}
              data-personalized={b?.personalized ? "true" : "false"}
              data-kind={kind ?? ""}
            >
              <header className="sim-block-head">
                <span className="mono small">{o.id}</span>
                {kind && <span className="badge">{kind.replace(/_/g, " ")}</span>}
                {b && (
                  <span className={"badge " + (b.personalized ? "badge-personalized" : "badge-default")} data-testid="preview-block-badge">
                    {blockBadge(b)}
                  </span>
                )}
              </header>
              {!b ? (
                <p className="muted small">The decision has no block for this placement.</p>
              ) : (
                <BlockBody block={b} content={c} kind={kind} facts={facts} titles={titles} />
              )}
            </section>
          );
        })}
      </div>
    </div>
  );
}

function BlockBody({
  block,
  content: c,
  kind,
  facts,
  titles,
}: {
  block: Block;
  content: Content | undefined;
  kind: PlacementKind | undefined;
  facts: Map<string, Product>;
  titles: Map<string, PreviewProduct>;
}) {
  if (!block.content) return <p className="muted small">Nothing shown: the placement has no default content.</p>;
  const products = block.products.length > 0 && (
    <div className="pv-cards sim-cards">
      {block.products.map((id) => (
        <MockProductCard key={id} id={id} product={facts.get(id)} title={titles.get(id)?.title} />
      ))}
    </div>
  );
  if (!c)
    return (
      <>
        <p className="small">
          content <span className="mono">{block.content}</span>
        </p>
        {products}
      </>
    );
  switch (c.kind) {
    case "banner":
      return (
        <div className="pv-banner sim-banner" data-testid="mock-banner">
          <div className="pv-banner-text">
            <div className="pv-headline">{c.headline}</div>
            {c.body && <div className="pv-body">{c.body}</div>}
            {c.link && (
              <span className="pv-cta" title={c.link}>
                Shop now →
              </span>
            )}
          </div>
        </div>
      );
    case "message":
      return (
        <div className="pv-message" data-testid="mock-message">
          {c.text}
        </div>
      );
    case "promotion":
      return (
        <div className="pv-promo" data-testid="mock-promotion">
          {c.discount !== undefined && <span className="pv-discount">−{c.discount}%</span>}
          <span className="pv-offer">{c.offer}</span>
          {c.code && (
            <span className="pv-code">
              code <strong>{c.code}</strong>
            </span>
          )}
        </div>
      );
    case "product_set":
      return (
        <div data-testid="mock-products">
          <p className="muted small">
            {c.id} · {c.strategy.replace(/_/g, " ")}
            {c.category ? ` in ${c.category}` : ""}
          </p>
          {products || <p className="muted small">No products passed the filters.</p>}
        </div>
      );
    case "sort":
      return (
        <div className="small" data-testid="mock-sort">
          Listings ordered by <strong>{c.strategy.replace(/_/g, " ")}</strong>
          {products}
        </div>
      );
    case "badge":
      return (
        <p className="small" data-testid="mock-badge">
          Products{c.tag ? ` tagged “${c.tag}”` : ""} carry the badge <span className="pv-badge sim-inline-badge">{c.label}</span>
        </p>
      );
    case "email_flow":
      return (
        <p className="small" data-testid="mock-email-flow">
          Email on <strong>{c.trigger}</strong>, after {formatDelay(c.delay_hours)}, template <span className="mono">{c.template}</span>
        </p>
      );
  }
  return <p className="small">{kind}</p>;
}

export function MockProductCard({ id, product, title }: { id: string; product: Product | undefined; title: string | undefined }) {
  const p = product;
  const stock = p?.stock;
  const margin = p?.margin ?? (p?.price && p.cost !== undefined ? (p.price - p.cost) / p.price : undefined);
  return (
    <div className="pv-card sim-product" data-testid="mock-product" data-product={id}>
      {p?.image_url ? <img className="pv-img" src={p.image_url} alt="" loading="lazy" /> : <div className="pv-img" />}
      <div className="pv-title" title={p?.title ?? title ?? id}>
        {p?.title ?? title ?? id}
      </div>
      <div className="mono small muted">{id}</div>
      <div className="pv-price">{p?.price !== undefined ? p.price.toFixed(2) : "—"}</div>
      <div className="sim-product-badges">
        {stock !== undefined && (
          <span className={"badge " + (stock <= 0 ? "badge-bad" : stock < 5 ? "badge-warn" : "")} data-testid="mock-stock">
            stock {stock}
          </span>
        )}
        {margin !== undefined && Number.isFinite(margin) && (
          <span className="badge" data-testid="mock-margin">
            margin {Math.round(margin * 100)}%
          </span>
        )}
      </div>
    </div>
  );
}
