// A live visual preview of a content item, as a shopper would roughly see it.
import type { Content } from "../bindings/Content";
import type { Product } from "../bindings/Product";
import { sortStrategyColumn } from "../plan/contentForm";
import { useCatalogPage, useDebounced } from "../queries";
import { ErrorBanner } from "./ErrorBanner";

export function ContentPreview({ content }: { content: Content }) {
  return (
    <section className="panel content-preview" aria-label="Preview" data-testid="content-preview" data-kind={content.kind}>
      <h2>Preview</h2>
      <PreviewBody content={content} />
    </section>
  );
}

function PreviewBody({ content: c }: { content: Content }) {
  switch (c.kind) {
    case "banner":
      return (
        <div className="pv-banner" data-testid="preview-banner" style={c.image_url ? { backgroundImage: `url("${c.image_url.replace(/"/g, "%22")}")` } : undefined}>
          <div className="pv-banner-text">
            <div className="pv-headline">{c.headline || <span className="muted">Headline</span>}</div>
            {c.body && <div className="pv-body">{c.body}</div>}
            {c.link && <span className="pv-cta" title={c.link}>Shop now →</span>}
          </div>
        </div>
      );
    case "message":
      return (
        <div className="pv-message" data-testid="preview-message">
          {c.text || <span className="muted">Message text</span>}
        </div>
      );
    case "promotion":
      return (
        <div className="pv-promo" data-testid="preview-promotion">
          {c.discount !== undefined && <span className="pv-discount">−{c.discount}%</span>}
          <span className="pv-offer">{c.offer || <span className="muted">Offer</span>}</span>
          {c.code && (
            <span className="pv-code">
              code <strong>{c.code}</strong>
            </span>
          )}
        </div>
      );
    case "product_set":
      return (
        <>
          <p className="muted small">
            {c.strategy === "top_in_category"
              ? `Top ${c.size} by best-seller rank${c.category ? ` in ${c.category}` : ""}.`
              : `Strategy ${c.strategy}: the real products depend on the shopper and page; shown here are catalog products${c.category ? ` in ${c.category}` : ""} as a stand-in.`}
          </p>
          <ProductCards limit={Math.max(1, Math.min(c.size || 4, 12))} sort="rank" descending={false} filter={c.category ?? null} testId="preview-products" />
        </>
      );
    case "sort": {
      const s = sortStrategyColumn(c.strategy);
      return (
        <>
          <p className="muted small">
            Listings ordered by <strong>{c.strategy.replace(/_/g, " ")}</strong>; the first products would be:
          </p>
          <ProductCards limit={4} sort={s.sort} descending={s.descending} filter={null} testId="preview-sort" />
        </>
      );
    }
    case "badge":
      return (
        <div className="pv-cards" data-testid="preview-badge">
          <div className="pv-card">
            <span className="pv-badge">{c.label || "Badge"}</span>
            <div className="pv-img" />
            <div className="pv-title">A product{c.tag ? ` tagged “${c.tag}”` : ""}</div>
          </div>
        </div>
      );
    case "email_flow":
      return (
        <ol className="pv-timeline" data-testid="preview-email-flow">
          <li>
            <span className="pv-dot" />
            <strong>Trigger</strong> {c.trigger || <span className="muted">event</span>}
          </li>
          <li>
            <span className="pv-dot" />
            <strong>Wait</strong> {formatDelay(c.delay_hours)}
          </li>
          <li>
            <span className="pv-dot" />
            <strong>Send</strong> template <span className="mono">{c.template || "…"}</span>
          </li>
        </ol>
      );
  }
}

export function formatDelay(hours: number): string {
  if (!hours) return "no delay";
  if (hours % 24 === 0) return `${hours / 24} day${hours === 24 ? "" : "s"}`;
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

function ProductCards({ limit, sort, descending, filter, testId }: { limit: number; sort: string; descending: boolean; filter: string | null; testId: string }) {
  const settled = useDebounced(filter, 250);
  const page = useCatalogPage(0, limit, sort, descending, settled);
  if (page.error) return <ErrorBanner error={page.error} title="Could not read the catalog." />;
  if (page.isPending) return <p className="muted small">Loading products…</p>;
  if (page.data.rows.length === 0)
    return (
      <p className="muted small" data-testid={`${testId}-empty`}>
        No catalog products {filter ? `match “${filter}”` : "yet"} — import a catalog to see real cards.
      </p>
    );
  return (
    <div className="pv-cards" data-testid={testId}>
      {page.data.rows.map((p) => (
        <ProductCard key={p.id} product={p} />
      ))}
    </div>
  );
}

export function ProductCard({ product: p }: { product: Product }) {
  return (
    <div className="pv-card" data-testid="preview-product">
      {p.image_url ? <img className="pv-img" src={p.image_url} alt="" loading="lazy" /> : <div className="pv-img" />}
      <div className="pv-title">{p.title}</div>
      <div className="pv-price">{p.price !== undefined ? p.price.toFixed(2) : "—"}</div>
    </div>
  );
}
