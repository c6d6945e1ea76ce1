// Live preview: one shopper (sample, persona or hand-edited) on one page at one
// time, decided by the same engine and bundle the service runs.
import { useEffect, useMemo, useState } from "react";
import {
  useDeletePersona,
  useLoadShopper,
  usePersonas,
  usePreviewContext,
  usePreviewDecide,
  useProductFacts,
  useSavePersona,
  type PreviewProduct,
} from "../../api/simulate";
import type { Content } from "../../bindings/Content";
import { useAttributes, usePlanData } from "../../queries";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState, Loading } from "../StatusViews";
import { PageMock } from "./PageMock";
import { ProfileEditor } from "./ProfileEditor";
import { TimeControl } from "./TimeControl";
import { TraceView } from "./TraceView";
import { formatDigest } from "./words";

/** A request from another tab to preview a shopper: a sample shopper by id
 * (drill-down "open in preview") or one given by its attribute values (a
 * lint finding's example shopper, "Preview this shopper"). */
export interface PreviewRequest {
  shopperId?: string;
  shopper?: Profile;
  page: string | null;
  at: string | null;
  nonce: number;
}

type Profile = Record<string, unknown>;

const isProductPage = (name: string) => /product|pdp/i.test(name);

export function PreviewPanel({ request }: { request?: PreviewRequest }) {
  const ctx = usePreviewContext();
  const attrs = useAttributes();
  const plan = usePlanData();
  const personas = usePersonas();
  const loader = useLoadShopper();
  const savePersona = useSavePersona();
  const deletePersona = useDeletePersona();

  const [profile, setProfile] = useState<Profile | null>(null);
  const [loadKey, setLoadKey] = useState(0);
  const [shopperText, setShopperText] = useState("");
  const [personaName, setPersonaName] = useState("");
  const [newPersona, setNewPersona] = useState("");
  const [page, setPage] = useState<string | null>(null);
  const [at, setAt] = useState<string | null>(null);
  const [product, setProduct] = useState<string | null>(null);
  const [view, setView] = useState<"page" | "text">("page");

  const adopt = (p: Profile) => {
    setProfile(p);
    setLoadKey((k) => k + 1);
  };
  const loadShopper = (id: string) => {
    const trimmed = id.trim();
    if (!trimmed) return;
    setShopperText(trimmed);
    setPersonaName("");
    loader.mutate(trimmed, { onSuccess: (row) => adopt({ ...row.values, id: row.id }) });
  };

  // First page and first sample shopper once the context arrives.
  const c = ctx.data;
  useEffect(() => {
    if (!c) return;
    if (page === null && c.pages.length > 0) setPage(c.pages[0].name);
    if (profile === null && !request && !loader.isPending) {
      if (c.sample_ids.length > 0) loadShopper(c.sample_ids[0]);
      else adopt({ id: "preview-shopper" });
    }
  }, [c]);

  // Another tab asked for a shopper (drill-down, or a lint example).
  useEffect(() => {
    if (!request) return;
    if (request.shopper) {
      // A sample still loading must not replace the shopper asked for.
      loader.reset();
      setShopperText("");
      setPersonaName("");
      adopt({ ...request.shopper, id: typeof request.shopper.id === "string" ? request.shopper.id : "example-shopper" });
    } else if (request.shopperId) loadShopper(request.shopperId);
    if (request.page) setPage(request.page);
    setAt(request.at);
  }, [request?.nonce]);

  // A page type renamed or deleted since it was picked falls back to the first one.
  const pageName = c?.pages.some((p) => p.name === page) ? page : (c?.pages[0]?.name ?? null);
  const decided = usePreviewDecide(profile, pageName, at, pageName && isProductPage(pageName) ? product : null);
  const result = decided.data;
  const productIds = useMemo(() => {
    const ids = result?.decision.blocks.flatMap((b) => b.products) ?? [];
    return product ? [...ids, product] : ids;
  }, [result, product]);
  const facts = useProductFacts(productIds);
  const content = useMemo(() => new Map<string, Content>((plan.data?.content ?? []).map((v) => [v.item.id, v.item])), [plan.data]);
  const titles = useMemo(() => new Map<string, PreviewProduct>((c?.products ?? []).map((p) => [p.id, p])), [c]);

  if (ctx.isPending) return <Loading label="Loading the rules…" />;
  if (ctx.isError) return <ErrorBanner error={ctx.error} title="Could not prepare the preview." testId="preview-error" />;
  const data = ctx.data;
  if (data.pages.length === 0)
    return (
      <EmptyState title="No page types yet" testId="preview-empty">
        <p>Add page types and placements under Journey &amp; pages, then preview them here.</p>
      </EmptyState>
    );
  const pageDef = data.pages.find((p) => p.name === page) ?? data.pages[0];
  const personaList = personas.data ?? data.personas;
  const pickPersona = (name: string) => {
    setPersonaName(name);
    const p = personaList.find((x) => x.name === name);
    if (!p) return;
    setShopperText("");
    setNewPersona(p.name);
    adopt({ ...p.shopper, id: typeof p.shopper.id === "string" ? p.shopper.id : `persona:${p.name}` });
  };
  const digest = result?.digest ?? data.digest;
  const stale = decided.isFetching || decided.isPlaceholderData;

  return (
    <div className="sim-preview" data-testid="preview">
      <aside className="sim-controls panel">
        <h2>Shopper</h2>
        <div className="form-grid">
          <label htmlFor="preview-shopper">Sample shopper</label>
          <div className="row">
            <input
              id="preview-shopper"
              type="text"
              list="preview-shopper-ids"
              value={shopperText}
              placeholder={data.sample_ids.length ? "shopper id" : "no sample shoppers"}
              onChange={(e) => {
                setShopperText(e.target.value);
                if (data.sample_ids.includes(e.target.value)) loadShopper(e.target.value);
              }}
              onKeyDown={(e) => e.key === "Enter" && loadShopper(shopperText)}
              data-testid="preview-shopper"
            />
            <button type="button" className="btn-small" onClick={() => loadShopper(shopperText)} disabled={!shopperText.trim()} data-testid="preview-shopper-load">
              Load
            </button>
            <datalist id="preview-shopper-ids">
              {data.sample_ids.map((id) => (
                <option key={id} value={id} />
              ))}
            </datalist>
          </div>
          <label htmlFor="preview-persona">Persona</label>
          <select id="preview-persona" value={personaName} onChange={(e) => pickPersona(e.target.value)} data-testid="preview-persona">
            <option value="">{personaList.length ? "choose a persona…" : "no personas yet"}</option>
            {personaList.map((p) => (
              <option key={p.name} value={p.name} title={p.description}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        {personaName && personaList.find((p) => p.name === personaName)?.description && (
          <p className="small muted">{personaList.find((p) => p.name === personaName)?.description}</p>
        )}
        <ErrorBanner error={loader.error} title="Could not load the shopper." testId="preview-shopper-error" onDismiss={() => loader.reset()} />
        <h3>Attributes</h3>
        {attrs.isError && <ErrorBanner error={attrs.error} title="Could not read the attributes." />}
        {profile ? (
          <ProfileEditor profile={profile} attributes={(attrs.data ?? []).map((r) => r.attribute)} loadKey={loadKey} onChange={setProfile} />
        ) : (
          <Loading label="Loading the shopper…" />
        )}
        <div className="row sim-save-persona">
          <input
            type="text"
            value={newPersona}
            onChange={(e) => setNewPersona(e.target.value)}
            placeholder="persona name"
            aria-label="Persona name"
            data-testid="preview-persona-name"
          />
          <button
            type="button"
            onClick={() =>
              profile &&
              savePersona.mutate(
                { name: newPersona.trim(), description: personaList.find((p) => p.name === newPersona.trim())?.description ?? "", shopper: profile },
                { onSuccess: () => setPersonaName(newPersona.trim()) },
              )
            }
            disabled={!profile || !newPersona.trim() || savePersona.isPending}
            data-testid="preview-save-persona"
          >
            Save as persona
          </button>
          {personaName && (
            <button type="button" className="btn-link" onClick={() => deletePersona.mutate(personaName, { onSuccess: () => setPersonaName("") })} data-testid="preview-delete-persona">
              Delete {personaName}
            </button>
          )}
        </div>
        {savePersona.isSuccess && (
          <p className="small ok" data-testid="preview-persona-saved">
            Saved persona {savePersona.variables?.name}.
          </p>
        )}
        <ErrorBanner error={savePersona.error ?? deletePersona.error} title="Could not save the persona." onDismiss={() => { savePersona.reset(); deletePersona.reset(); }} />

        <h2 className="sim-h2-gap">Page</h2>
        <div className="form-grid">
          <label htmlFor="preview-page">Page type</label>
          <select id="preview-page" value={pageDef.name} onChange={(e) => setPage(e.target.value)} data-testid="preview-page">
            {data.pages.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
          {isProductPage(pageDef.name) && (
            <>
              <label htmlFor="preview-product">Current product</label>
              <select id="preview-product" value={product ?? ""} onChange={(e) => setProduct(e.target.value || null)} data-testid="preview-product">
                <option value="">(none)</option>
                {data.products.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title} · {p.id}
                    {p.category ? ` (${p.category})` : ""}
                  </option>
                ))}
              </select>
            </>
          )}
          <label>Time</label>
          <TimeControl value={at} boundaries={data.boundaries} onChange={setAt} />
        </div>
      </aside>

      <div className="sim-result">
        <div className="row sim-result-head">
          <div className="segmented" role="tablist" aria-label="View">
            <button type="button" role="tab" aria-selected={view === "page"} className={view === "page" ? "on" : ""} onClick={() => setView("page")} data-testid="preview-view-page">
              Page
            </button>
            <button type="button" role="tab" aria-selected={view === "text"} className={view === "text" ? "on" : ""} onClick={() => setView("text")} data-testid="preview-view-text">
              Plain text
            </button>
          </div>
          <span className="spacer" />
          <span className="small muted mono" data-testid="preview-digest" title="The same engine and bundle the decision service runs">
            evaluated rules {formatDigest(digest)}
          </span>
        </div>
        <ErrorBanner error={decided.error} title="The engine refused this request." testId="preview-decide-error" />
        {!result ? (
          decided.isError ? null : <Loading label="Deciding…" />
        ) : view === "text" ? (
          <pre className="sim-text" data-testid="preview-text">
            {result.text}
          </pre>
        ) : (
          <div className="sim-result-grid">
            <PageMock page={pageDef} decision={result.decision} content={content} facts={facts} titles={titles} stale={stale} />
            <div className="panel sim-trace-panel">
              <h2>Why and why not</h2>
              <TraceView trace={result.decision.trace} blocks={result.decision.blocks} />
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
