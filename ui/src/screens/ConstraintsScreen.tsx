// Business rules applied at decision time, each with a one-line explanation.
import { useState } from "react";
import type { Constraints } from "../bindings/Constraints";
import type { PageType } from "../bindings/PageType";
import type { SeasonalWindow } from "../bindings/SeasonalWindow";
import type { Versioned } from "../bindings/Versioned";
import { ErrorBanner } from "../components/ErrorBanner";
import { SaveError } from "../components/SaveError";
import { EmptyState, Loading } from "../components/StatusViews";
import { localTimeZone } from "../hooks";
import { usePlanData, useSaveConstraints, useSavePageType } from "../queries";

export function ConstraintsScreen() {
  const plan = usePlanData();
  if (plan.isPending) return <Loading />;
  if (plan.isError)
    return (
      <div className="screen">
        <h1>Constraints</h1>
        <ErrorBanner error={plan.error} title="Could not load the constraints." />
      </div>
    );
  return (
    <div className="screen" data-testid="constraints">
      <div className="screen-header">
        <h1>Constraints</h1>
      </div>
      <p className="muted">Rules every decision obeys, whatever the plan says.</p>
      <ConstraintsForm key={JSON.stringify(plan.data.constraints)} initial={plan.data.constraints} />
      <PageCaps pages={plan.data.page_types} />
    </div>
  );
}

type Form = { margin: string; stock: string; jump: string; noDup: boolean; consent: boolean; seasonal: SeasonalWindow[] };

export function toForm(c: Constraints): Form {
  return {
    margin: c.margin_floor === undefined ? "" : String(c.margin_floor),
    stock: c.min_stock === undefined ? "" : String(c.min_stock),
    jump: c.max_price_jump === undefined ? "" : String(c.max_price_jump),
    // Absent means the serde default, true (Rust skips writing true).
    noDup: c.no_duplicate_products ?? true,
    consent: c.consent_by_default ?? true,
    seasonal: c.seasonal ?? [],
  };
}

export function fromForm(f: Form): Constraints {
  const num = (s: string) => (s.trim() === "" || !Number.isFinite(Number(s)) ? undefined : Number(s));
  const margin = num(f.margin);
  const stock = num(f.stock);
  const jump = num(f.jump);
  return {
    ...(margin !== undefined ? { margin_floor: margin } : {}),
    ...(stock !== undefined ? { min_stock: stock } : {}),
    ...(jump !== undefined ? { max_price_jump: jump } : {}),
    no_duplicate_products: f.noDup,
    ...(f.seasonal.length ? { seasonal: f.seasonal } : {}),
    consent_by_default: f.consent,
  };
}

const pct = (s: string) => (s.trim() && Number.isFinite(Number(s)) ? `${Math.round(Number(s) * 1000) / 10}%` : null);

export function ConstraintsForm({ initial }: { initial: Constraints }) {
  const [f, setF] = useState<Form>(() => toForm(initial));
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(fromForm(toForm(initial))));
  const save = useSaveConstraints();
  const draft = fromForm(f);
  const dirty = JSON.stringify(draft) !== savedJson;
  const setW = (i: number, patch: Partial<SeasonalWindow>) => setF({ ...f, seasonal: f.seasonal.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  const mmdd = /^\d{2}-\d{2}$/;
  const blocker = f.seasonal.some((w) => !w.name.trim() || !w.tag.trim() || !mmdd.test(w.start) || !mmdd.test(w.end)) ? "Each seasonal window needs a name, a tag and MM-DD start and end." : null;
  return (
    <section className="panel" aria-label="Constraints">
      <SaveError error={save.error} prefix="constraints" what="set of constraints" onDismiss={() => save.reset()} />
      <div className="form-grid constraints-grid">
        <label htmlFor="constraint-margin-floor">Margin floor</label>
        <div>
          <input id="constraint-margin-floor" className="input-narrow" type="number" step="0.01" min="0" max="1" value={f.margin} onChange={(e) => setF({ ...f, margin: e.target.value })} placeholder="e.g. 0.2" data-testid="constraint-margin-floor" />
          <p className="explain">Product sets never show products whose margin is below {pct(f.margin) ?? "this fraction of price"}.</p>
        </div>
        <label htmlFor="constraint-min-stock">Minimum stock</label>
        <div>
          <input id="constraint-min-stock" className="input-narrow" type="number" min="0" value={f.stock} onChange={(e) => setF({ ...f, stock: e.target.value })} placeholder="e.g. 3" data-testid="constraint-min-stock" />
          <p className="explain">Products with fewer than {f.stock.trim() || "this many"} units in stock are never recommended.</p>
        </div>
        <label htmlFor="constraint-max-price-jump">Max price jump</label>
        <div>
          <input id="constraint-max-price-jump" className="input-narrow" type="number" step="0.05" min="0" value={f.jump} onChange={(e) => setF({ ...f, jump: e.target.value })} placeholder="e.g. 0.3" data-testid="constraint-max-price-jump" />
          <p className="explain">Upsells cost at most {pct(f.jump) ?? "this fraction"} more than the product the shopper is looking at.</p>
        </div>
        <span />
        <div>
          <label className="check">
            <input type="checkbox" checked={f.noDup} onChange={(e) => setF({ ...f, noDup: e.target.checked })} data-testid="constraint-no-duplicates" />
            No duplicate products on a page
          </label>
          <p className="explain">A product already shown higher on the page is left out of later product sets.</p>
        </div>
        <span />
        <div>
          <label className="check">
            <input type="checkbox" checked={f.consent} onChange={(e) => setF({ ...f, consent: e.target.checked })} data-testid="constraint-consent-default" />
            Treat shoppers with no consent value as consented
          </label>
          <p className="explain">Without consent a shopper gets every placement's default content, and entries using consent-only attributes never match.</p>
        </div>
      </div>
      <h3>Seasonal windows</h3>
      <p className="explain">Products carrying the tag are only shown between the two month-days (inclusive; may wrap over the new year).</p>
      <table className="table table-compact" data-testid="seasonal-windows">
        <thead>
          <tr>
            <th>Name</th>
            <th>Tag</th>
            <th>Start (MM-DD)</th>
            <th>End (MM-DD)</th>
            <th>Time zone</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {f.seasonal.map((w, i) => (
            <tr key={i} data-testid="seasonal-row">
              <td>
                <input value={w.name} onChange={(e) => setW(i, { name: e.target.value })} aria-label="Name" data-testid="seasonal-name" />
              </td>
              <td>
                <input value={w.tag} onChange={(e) => setW(i, { tag: e.target.value })} aria-label="Tag" data-testid="seasonal-tag" />
              </td>
              <td>
                <input className="input-narrow" value={w.start} onChange={(e) => setW(i, { start: e.target.value })} placeholder="11-20" aria-label="Start" data-testid="seasonal-start" />
              </td>
              <td>
                <input className="input-narrow" value={w.end} onChange={(e) => setW(i, { end: e.target.value })} placeholder="12-31" aria-label="End" data-testid="seasonal-end" />
              </td>
              <td>
                <input value={w.tz} onChange={(e) => setW(i, { tz: e.target.value })} aria-label="Time zone" data-testid="seasonal-tz" />
              </td>
              <td className="actions">
                <button type="button" className="btn-icon" onClick={() => setF({ ...f, seasonal: f.seasonal.filter((_, j) => j !== i) })} aria-label="Remove window" data-testid="seasonal-remove">
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn-small" onClick={() => setF({ ...f, seasonal: [...f.seasonal, { name: "", tag: "", start: "", end: "", tz: localTimeZone() }] })} data-testid="seasonal-add">
        + Seasonal window
      </button>
      {blocker && <p className="warn small">{blocker}</p>}
      <div className="form-actions">
        {!dirty && save.isSuccess && (
          <span className="ok" data-testid="constraints-saved">
            Saved
          </span>
        )}
        {dirty && <span className="warn small">Unsaved changes</span>}
        <button
          type="button"
          className="btn-primary"
          disabled={!!blocker || save.isPending || !dirty}
          onClick={() => {
            const c = draft;
            save.mutate(c, { onSuccess: () => setSavedJson(JSON.stringify(c)) });
          }}
          data-testid="constraints-save"
        >
          {save.isPending ? "Saving…" : "Save constraints"}
        </button>
      </div>
    </section>
  );
}

function PageCaps({ pages }: { pages: Versioned<PageType>[] }) {
  return (
    <section className="panel" aria-label="Page caps" data-testid="page-caps">
      <h2>Page caps</h2>
      <p className="explain">At most this many personalized blocks per page view; the rest fall back to their default in rank order.</p>
      {pages.length === 0 ? (
        <EmptyState title="No page types yet" testId="page-caps-empty">
          <p>Page types are defined in Journey & pages.</p>
        </EmptyState>
      ) : (
        <table className="table table-compact">
          <tbody>
            {pages.map((p) => (
              <PageCapRow key={`${p.item.name}-${p.revision}`} page={p} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PageCapRow({ page }: { page: Versioned<PageType> }) {
  const [value, setValue] = useState(String(page.item.max_blocks));
  const save = useSavePageType();
  const n = Math.max(0, Math.floor(Number(value) || 0));
  return (
    <tr data-testid={`page-cap-row-${page.item.name}`}>
      <td className="mono">{page.item.name}</td>
      <td className="muted small">{page.item.placements.length} placements</td>
      <td>
        <input className="input-narrow" type="number" min="0" value={value} onChange={(e) => setValue(e.target.value)} aria-label={`Cap for ${page.item.name}`} data-testid={`page-cap-${page.item.name}`} />
      </td>
      <td className="actions">
        <button type="button" className="btn-small" disabled={n === page.item.max_blocks || save.isPending} onClick={() => save.mutate({ item: { ...page.item, max_blocks: n }, expectedRevision: page.revision })} data-testid={`page-cap-save-${page.item.name}`}>
          Save cap
        </button>
        <SaveError error={save.error} prefix="page-cap" what="page type" onDismiss={() => save.reset()} />
      </td>
    </tr>
  );
}
