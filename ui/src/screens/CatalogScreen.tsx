// The catalog: a server-paged table (sorted and filtered in SQL, so 50,000
// products stay fast), the import wizard and the hygiene report.
import { useState } from "react";
import { CatalogImportWizard } from "../components/CatalogImportWizard";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProductTable } from "../components/ProductTable";
import { EmptyState, Loading } from "../components/StatusViews";
import { useCatalogHygiene, useCatalogPage, useDebounced } from "../queries";

const PAGE = 50;

export function CatalogScreen() {
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<{ id: string; desc: boolean } | null>(null);
  const [filter, setFilter] = useState("");
  const [importing, setImporting] = useState(false);
  const debounced = useDebounced(filter.trim(), 250);
  const page = useCatalogPage(offset, PAGE, sort?.id ?? null, sort?.desc ?? false, debounced || null);
  const applyFilter = (f: string) => {
    setFilter(f);
    setOffset(0);
  };
  const onSort = (id: string) => {
    setSort(sort?.id === id ? (sort.desc ? null : { id, desc: true }) : { id, desc: false });
    setOffset(0);
  };
  const d = page.data;
  return (
    <div className="screen screen-wide" data-testid="catalog">
      <div className="screen-header">
        <h1>Catalog</h1>
        <div className="spacer" />
        <button type="button" className="btn-primary" onClick={() => setImporting(true)} disabled={importing} data-testid="catalog-import-open">
          Import catalog…
        </button>
      </div>
      <p className="muted">The products product sets and sorts are resolved against.</p>
      {importing && <CatalogImportWizard onClose={() => setImporting(false)} />}
      <HygienePanel onPick={(id) => applyFilter(id)} />
      <div className="row">
        <input type="search" value={filter} onChange={(e) => applyFilter(e.target.value)} placeholder="Filter by id, title, category, collection…" aria-label="Filter products" data-testid="catalog-filter" className="grow" />
      </div>
      <ErrorBanner error={page.error} title="Could not read the catalog." />
      {page.isPending && <Loading />}
      {d && d.total === 0 && (
        <EmptyState title="No products yet" testId="catalog-empty">
          <p>Import a CSV, a Shopify product export or a Google Merchant Center feed.</p>
          <button type="button" className="btn-primary" onClick={() => setImporting(true)}>
            Import catalog
          </button>
        </EmptyState>
      )}
      {d && d.total > 0 && (
        <>
          <div className={page.isPlaceholderData ? "stale" : ""}>
            <ProductTable rows={d.rows} testId="catalog-table" rowTestId="catalog-row" sorting={sort ? [sort] : []} onSort={onSort} />
          </div>
          {d.matched === 0 && <p className="muted" data-testid="catalog-no-match">No product matches “{debounced}”.</p>}
          <div className="pager">
            <span data-testid="catalog-total">
              {d.matched === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE, d.matched)} of {d.matched.toLocaleString()}
              {d.matched !== d.total ? ` matching (${d.total.toLocaleString()} products)` : " products"}
            </span>
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} data-testid="catalog-prev">
              ← Previous
            </button>
            <button type="button" disabled={offset + PAGE >= d.matched} onClick={() => setOffset(offset + PAGE)} data-testid="catalog-next">
              Next →
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function HygienePanel({ onPick }: { onPick: (id: string) => void }) {
  const [days, setDays] = useState("90");
  const staleDays = useDebounced(Math.max(1, Math.floor(Number(days) || 90)), 300);
  const report = useCatalogHygiene(staleDays);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="panel" aria-label="Catalog hygiene" data-testid="catalog-hygiene">
      <div className="panel-title">
        <h2>Hygiene</h2>
        <label className="row small">
          stale after
          <input className="input-narrow" type="number" min="1" value={days} onChange={(e) => setDays(e.target.value)} data-testid="hygiene-stale-days" />
          days
        </label>
      </div>
      <ErrorBanner error={report.error} title="Could not check the catalog." />
      {report.isPending && <Loading />}
      {report.data && (
        <ul className="hygiene-list">
          {report.data.checks.map((c) => (
            <li key={c.rule} data-testid={`hygiene-${c.rule}`} className={c.count > 0 ? "has-problems" : "clean"}>
              <button type="button" className="btn-link" disabled={c.count === 0} onClick={() => setOpen(open === c.rule ? null : c.rule)} aria-expanded={open === c.rule} data-testid="hygiene-toggle">
                {c.count > 0 ? (open === c.rule ? "▾" : "▸") : "✓"} {c.label}
              </button>
              <span className={"badge" + (c.count > 0 ? " badge-warn" : "")} data-testid="hygiene-count">
                {c.count}
              </span>
              {open === c.rule && (
                <div className="hygiene-products">
                  {c.products.map((id) => (
                    <button key={id} type="button" className="chip" onClick={() => onPick(id)} data-testid="hygiene-product" title="Show this product in the table">
                      {id}
                    </button>
                  ))}
                  {c.count > c.products.length && <span className="muted small">…and {c.count - c.products.length} more</span>}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {report.data && <p className="muted small">{report.data.products.toLocaleString()} products checked.</p>}
    </section>
  );
}
