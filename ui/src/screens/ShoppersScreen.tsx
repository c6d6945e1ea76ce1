import { useEffect, useState } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { ImportWizard } from "../components/ImportWizard";
import { columnsFor, ShopperTable } from "../components/ShopperTable";
import { EmptyState, Loading } from "../components/StatusViews";
import { useAttributes, useShopperPage } from "../queries";

const PAGE = 50;

/** The sample shoppers reach and simulation are counted on. */
export function ShoppersScreen() {
  const [offset, setOffset] = useState(0);
  const [importing, setImporting] = useState(false);
  const page = useShopperPage(offset, PAGE);
  const attrs = useAttributes();
  const total = page.data?.total ?? 0;
  const rows = page.data?.rows ?? [];
  // After an undo shrinks the data, go back to a page that exists.
  useEffect(() => {
    if (page.data && offset > 0 && offset >= page.data.total) setOffset(0);
  }, [page.data, offset]);
  const columns = columnsFor((attrs.data ?? []).map((a) => a.attribute.name), rows);

  return (
    <div className="screen">
      <div className="screen-header">
        <h1>Shoppers</h1>
        <button type="button" className="btn-primary" onClick={() => setImporting(true)} data-testid="import-open">
          Import shoppers…
        </button>
      </div>
      <p className="muted">Sample shopper profiles. Reach and simulations are counted on them.</p>
      {importing && <ImportWizard onClose={() => setImporting(false)} />}
      <ErrorBanner error={page.error ?? attrs.error} title="Could not load shoppers." />
      {page.isPending && <Loading />}
      {page.data && total === 0 && !importing && (
        <EmptyState title="No sample shoppers yet" testId="shoppers-empty">
          <p>Import a CSV, JSON Lines or Parquet file of shopper profiles to see reach on real data.</p>
          <button type="button" className="btn-primary" onClick={() => setImporting(true)}>
            Import shoppers…
          </button>
        </EmptyState>
      )}
      {page.data && total > 0 && (
        <>
          <div className="pager" data-testid="shopper-pager">
            <span data-testid="shopper-total">
              {rows.length === 0 ? 0 : offset + 1}–{offset + rows.length} of {total} shoppers
            </span>
            <button type="button" onClick={() => setOffset(Math.max(0, offset - PAGE))} disabled={offset === 0} data-testid="shopper-prev">
              ← Previous
            </button>
            <button type="button" onClick={() => setOffset(offset + PAGE)} disabled={offset + PAGE >= total} data-testid="shopper-next">
              Next →
            </button>
            {page.isFetching && <span className="muted">Loading…</span>}
          </div>
          <ShopperTable rows={rows} columns={columns} />
        </>
      )}
    </div>
  );
}
