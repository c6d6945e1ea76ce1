import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Content } from "../bindings/Content";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { PlanEntry } from "../bindings/PlanEntry";
import type { Product } from "../bindings/Product";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { CatalogImportWizard } from "../components/CatalogImportWizard";
import { ContentPreview } from "../components/ContentPreview";
import { EntryForm } from "../components/EntryForm";
import { ItemHistory } from "../components/ItemHistory";
import type { PlanData } from "../bindings/PlanData";
import { renderWithQuery } from "../test/utils";
import { ConstraintsForm } from "./ConstraintsScreen";
import { ContentForm } from "./ContentScreen";
import { PlanScreen } from "./PlanScreen";
import { ReviewScreen } from "./ReviewScreen";
import { Shell } from "./Shell";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const v = <T,>(item: T, revision = 1) => ({ item, revision });
const seg = (name: string, review_by?: string) => ({ segment: { name, condition: "true" as const, ...(review_by ? { review_by } : {}) }, revision: 1, condition_text: "true" });
const E = (id: string, extra: Partial<PlanEntry> = {}) => v({ id, segment: "returning", stage: "discovery", placement: "home.hero", content: "hero_a", ...extra } as PlanEntry);

const DATA: PlanData = {
  stages: [v({ name: "discovery" }), v({ name: "cart" })],
  page_types: [
    v({ name: "home", stage: "discovery", max_blocks: 2, placements: [{ name: "hero", kind: "banner", default: "hero_a" }, { name: "recs", kind: "product_set" }] }),
    v({ name: "cart", stage: "cart", max_blocks: 1, placements: [{ name: "upsell", kind: "product_set" }] }),
  ],
  content: [
    v<Content>({ id: "hero_a", kind: "banner", headline: "A" }),
    v<Content>({ id: "hero_b", kind: "banner", headline: "B" }),
    v<Content>({ id: "best", kind: "product_set", strategy: "top_in_category", size: 4 }),
  ],
  campaigns: [v({ name: "holiday", rank: 1, tz: "UTC" })],
  entries: [
    E("e_low", { priority: 10 }),
    E("e_high", { priority: 50 }),
    E("e_mid", { priority: 20 }),
    E("e_holiday", { priority: 1, campaign: "holiday", segment: "new" }),
    E("e_ab", { priority: 5, segment: "new", content: undefined, variants: [{ content: "hero_a", weight: 0.5 }, { content: "hero_b", weight: 0.5 }] } as Partial<PlanEntry>),
  ],
  constraints: {},
  segments: [seg("returning", "2020-01-01"), seg("new")],
  product_count: 0,
};

const PRODUCTS: Product[] = [
  { id: "p1", title: "Linen sofa", category: "sofas", price: 899 },
  { id: "p2", title: "Velvet sofa", category: "sofas", price: 1299 },
];

type Handler = (args: Record<string, unknown>) => unknown;
function routes(extra: Record<string, Handler> = {}) {
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
    if (cmd in extra) return extra[cmd](args ?? {});
    if (cmd === "plan_data") return DATA;
    if (cmd === "lint") return [];
    if (cmd === "catalog_page") return { total: 2, matched: 2, rows: PRODUCTS };
    if (cmd === "item_history") return [];
    if (cmd === "segment_list" || cmd === "attribute_list") return [];
    throw { kind: "internal", message: `unexpected ${cmd}` };
  });
}
const calls = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1]);

beforeEach(() => {
  invoke.mockReset();
  routes();
});

describe("PlanScreen", () => {
  it("lists a cell's entries in rank order with weights, and reorders with the move buttons", async () => {
    routes({ entry_reorder: () => null });
    renderWithQuery(<PlanScreen />);
    const cell = await screen.findByTestId("plan-cell-returning-discovery");
    const ids = within(cell)
      .getAllByRole("button", { name: /^Entry / })
      .map((el) => el.getAttribute("data-entry"));
    expect(ids).toEqual(["e_high", "e_mid", "e_low"]);
    expect(screen.getByTestId("entry-card-e_ab")).toHaveTextContent("A/B: hero_a 50% / hero_b 50%");
    fireEvent.click(within(screen.getByTestId("entry-card-e_low")).getByTestId("entry-move-up"));
    await waitFor(() => expect(calls("entry_reorder")).toEqual([{ orderedIds: ["e_high", "e_low", "e_mid"] }]));
    fireEvent.click(within(screen.getByTestId("entry-card-e_high")).getByTestId("entry-move-down"));
    await waitFor(() => expect(calls("entry_reorder")[1]).toEqual({ orderedIds: ["e_mid", "e_high", "e_low"] }));
    expect(within(screen.getByTestId("entry-card-e_high")).getByTestId("entry-move-up")).toBeDisabled();
    // a past review-by date on the segment's entries is not shown; entries carry their own
    expect(screen.getByTestId("plan-matrix")).toBeInTheDocument();
  });

  it("shows the placement view in the engine's rank order with the winner marked", async () => {
    renderWithQuery(<PlanScreen />);
    fireEvent.click(await screen.findByTestId("plan-view-placement"));
    const list = screen.getByTestId("placement-list");
    const order = within(list)
      .getAllByTestId("placement-entry")
      .map((li) => li.getAttribute("data-entry"));
    expect(order).toEqual(["e_holiday", "e_high", "e_mid", "e_low", "e_ab"]);
    expect(within(screen.getByTestId("entry-card-e_holiday")).getByTestId("placement-winner")).toHaveTextContent("wins when its segment matches");
    expect(screen.getAllByTestId("placement-winner")).toHaveLength(1);
  });

  it("filters by campaign", async () => {
    renderWithQuery(<PlanScreen />);
    fireEvent.change(await screen.findByTestId("plan-filter-campaign"), { target: { value: "holiday" } });
    expect(screen.getByTestId("entry-card-e_holiday")).toBeInTheDocument();
    expect(screen.queryByTestId("entry-card-e_low")).not.toBeInTheDocument();
  });

  it("moves focus between cells with the arrow keys", async () => {
    renderWithQuery(<PlanScreen />);
    const cell = await screen.findByTestId("plan-cell-returning-discovery");
    cell.focus();
    fireEvent.keyDown(cell, { key: "ArrowRight" });
    expect(document.activeElement).toBe(screen.getByTestId("plan-cell-returning-cart"));
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowDown" });
    expect(document.activeElement).toBe(screen.getByTestId("plan-cell-new-cart"));
  });
});

describe("EntryForm", () => {
  const options = (testId: string) =>
    Array.from((screen.getByTestId(testId) as HTMLSelectElement).options)
      .map((o) => o.value)
      .filter(Boolean);

  it("offers placements of the chosen stage and content of the placement's kind, then saves", async () => {
    routes({ entry_save: (a) => ({ item: a.item, revision: 1 }) });
    renderWithQuery(<EntryForm data={DATA} entry={null} onClose={() => {}} onReload={() => {}} />);
    fireEvent.change(screen.getByTestId("entry-id"), { target: { value: "new_one" } });
    fireEvent.change(screen.getByTestId("entry-segment"), { target: { value: "new" } });
    fireEvent.change(screen.getByTestId("entry-stage"), { target: { value: "cart" } });
    expect(options("entry-placement")).toEqual(["cart.upsell"]);
    fireEvent.change(screen.getByTestId("entry-stage"), { target: { value: "discovery" } });
    expect(options("entry-placement")).toEqual(["home.hero", "home.recs"]);
    fireEvent.change(screen.getByTestId("entry-placement"), { target: { value: "home.recs" } });
    expect(options("entry-content")).toEqual(["best"]);
    fireEvent.change(screen.getByTestId("entry-placement"), { target: { value: "home.hero" } });
    expect(options("entry-content")).toEqual(["hero_a", "hero_b"]);
    fireEvent.change(screen.getByTestId("entry-content"), { target: { value: "hero_b" } });
    fireEvent.change(screen.getByTestId("entry-priority"), { target: { value: "7" } });
    fireEvent.change(screen.getByTestId("entry-holdout"), { target: { value: "10" } });
    fireEvent.change(screen.getByTestId("entry-status"), { target: { value: "draft" } });
    fireEvent.change(screen.getByTestId("entry-doc-hypothesis"), { target: { value: "more clicks" } });
    fireEvent.click(screen.getByTestId("entry-save"));
    await waitFor(() => expect(calls("entry_save")).toHaveLength(1));
    expect(calls("entry_save")[0]).toEqual({
      item: { id: "new_one", segment: "new", stage: "discovery", placement: "home.hero", priority: 7, holdout: 10, status: "draft", doc: { hypothesis: "more clicks" }, content: "hero_b" },
      expectedRevision: null,
    });
    await waitFor(() => expect(screen.getByTestId("entry-save-state")).toHaveTextContent("Saved"));
  });

  it("shows variant weights and refuses weights that do not sum to 1", () => {
    renderWithQuery(<EntryForm data={DATA} entry={DATA.entries[4]} onClose={() => {}} onReload={() => {}} />);
    expect(screen.getByTestId("entry-weight-sum")).toHaveTextContent("sum 100%");
    fireEvent.change(screen.getAllByTestId("entry-variant-weight")[0], { target: { value: "0.7" } });
    expect(screen.getByTestId("entry-weight-sum")).toHaveTextContent("sum 120%");
    expect(screen.getByTestId("entry-save")).toBeDisabled();
    expect(screen.getByTestId("entry-blocker")).toHaveTextContent("must sum to 1");
  });

  it("shows an invalid save's message and a conflict's Reload", async () => {
    const onReload = vi.fn();
    let n = 0;
    routes({
      entry_save: () => {
        n += 1;
        throw n === 1 ? { kind: "invalid", message: "entry e_low: content hero_x does not exist" } : { kind: "conflict", message: "entry e_low was changed" };
      },
    });
    renderWithQuery(<EntryForm data={DATA} entry={DATA.entries[0]} onClose={() => {}} onReload={onReload} />);
    fireEvent.change(screen.getByTestId("entry-priority"), { target: { value: "11" } });
    fireEvent.click(screen.getByTestId("entry-save"));
    expect(await screen.findByTestId("entry-error")).toHaveTextContent("content hero_x does not exist");
    fireEvent.click(screen.getByTestId("entry-save"));
    expect(await screen.findByTestId("entry-conflict")).toHaveTextContent("changed elsewhere");
    fireEvent.click(screen.getByTestId("entry-reload"));
    expect(onReload).toHaveBeenCalledWith("e_low");
  });

  it("closes on Escape", () => {
    const onClose = vi.fn();
    renderWithQuery(<EntryForm data={DATA} entry={null} onClose={onClose} onReload={() => {}} />);
    fireEvent.keyDown(window, { key: "Escape" });
    expect(onClose).toHaveBeenCalled();
  });
});

describe("ContentPreview", () => {
  it("renders a banner as a banner", () => {
    renderWithQuery(<ContentPreview content={{ id: "b", kind: "banner", headline: "New season", body: "Fresh picks", link: "/new" }} />);
    expect(screen.getByTestId("preview-banner")).toHaveTextContent("New season");
    expect(screen.getByTestId("preview-banner")).toHaveTextContent("Shop now");
  });
  it("renders a product set as product cards from the catalog, filtered by its category", async () => {
    renderWithQuery(<ContentPreview content={{ id: "ps", kind: "product_set", strategy: "top_in_category", size: 2, category: "sofas" }} />);
    expect(await screen.findAllByTestId("preview-product")).toHaveLength(2);
    expect(calls("catalog_page")[0]).toEqual({ offset: 0, limit: 2, sort: "rank", descending: false, filter: "sofas" });
  });
  it("renders an email flow as a timeline", () => {
    renderWithQuery(<ContentPreview content={{ id: "e", kind: "email_flow", trigger: "cart_abandoned", delay_hours: 48, template: "winback" }} />);
    const t = screen.getByTestId("preview-email-flow");
    expect(t).toHaveTextContent("cart_abandoned");
    expect(t).toHaveTextContent("2 days");
    expect(t).toHaveTextContent("winback");
  });
  it("renders a promotion, a message and a badge", () => {
    renderWithQuery(
      <>
        <ContentPreview content={{ id: "p", kind: "promotion", offer: "Free shipping", code: "SHIP", discount: 15 }} />
        <ContentPreview content={{ id: "m", kind: "message", text: "Hello again" }} />
        <ContentPreview content={{ id: "bd", kind: "badge", label: "Bestseller" }} />
      </>,
    );
    expect(screen.getByTestId("preview-promotion")).toHaveTextContent("−15%");
    expect(screen.getByTestId("preview-message")).toHaveTextContent("Hello again");
    expect(screen.getByTestId("preview-badge")).toHaveTextContent("Bestseller");
  });
});

describe("ContentForm", () => {
  it("refuses to delete content in use and says where", async () => {
    renderWithQuery(<ContentForm data={DATA} item={DATA.content[1]} onClose={() => {}} onReload={() => {}} />);
    expect(screen.getByTestId("content-used-by")).toHaveTextContent("entry e_ab");
    fireEvent.click(screen.getByTestId("content-delete"));
    expect(screen.getByTestId("content-delete-refused")).toHaveTextContent("entry e_ab");
    fireEvent.click(screen.getByTestId("confirm-ok"));
    expect(calls("content_delete")).toHaveLength(0);
  });
  it("builds the kind's fields and saves", async () => {
    routes({ content_save: (a) => ({ item: a.item, revision: 1 }) });
    renderWithQuery(<ContentForm data={DATA} item={null} onClose={() => {}} onReload={() => {}} />);
    fireEvent.change(screen.getByTestId("content-kind"), { target: { value: "promotion" } });
    fireEvent.change(screen.getByTestId("content-id"), { target: { value: "promo" } });
    fireEvent.change(screen.getByTestId("content-offer"), { target: { value: "20% off" } });
    fireEvent.change(screen.getByTestId("content-discount"), { target: { value: "20" } });
    fireEvent.change(screen.getByTestId("content-tags"), { target: { value: "sale, summer" } });
    expect(screen.getByTestId("preview-promotion")).toHaveTextContent("20% off");
    fireEvent.click(screen.getByTestId("content-save"));
    await waitFor(() => expect(calls("content_save")).toEqual([{ item: { id: "promo", kind: "promotion", offer: "20% off", discount: 20, tags: ["sale", "summer"] }, expectedRevision: null }]));
  });
});

describe("ConstraintsForm", () => {
  it("round-trips the constraints and says Saved", async () => {
    routes({ constraints_save: () => null });
    const initial = { margin_floor: 0.2, min_stock: 3, max_price_jump: 0.3, no_duplicate_products: true, consent_by_default: false, seasonal: [{ name: "xmas", tag: "christmas", start: "11-20", end: "12-31", tz: "UTC" }] };
    renderWithQuery(<ConstraintsForm initial={initial} />);
    expect(screen.getByTestId("constraint-margin-floor")).toHaveValue(0.2);
    expect(screen.getByText(/below 20%/)).toBeInTheDocument();
    expect(screen.getByTestId("constraints-save")).toBeDisabled();
    fireEvent.change(screen.getByTestId("constraint-min-stock"), { target: { value: "5" } });
    fireEvent.click(screen.getByTestId("seasonal-add"));
    const rows = screen.getAllByTestId("seasonal-row");
    fireEvent.change(within(rows[1]).getByTestId("seasonal-name"), { target: { value: "summer" } });
    fireEvent.change(within(rows[1]).getByTestId("seasonal-tag"), { target: { value: "beach" } });
    fireEvent.change(within(rows[1]).getByTestId("seasonal-start"), { target: { value: "06-01" } });
    fireEvent.change(within(rows[1]).getByTestId("seasonal-end"), { target: { value: "08-31" } });
    fireEvent.change(within(rows[1]).getByTestId("seasonal-tz"), { target: { value: "Europe/Paris" } });
    fireEvent.click(screen.getByTestId("constraints-save"));
    await waitFor(() => expect(screen.getByTestId("constraints-saved")).toHaveTextContent("Saved"));
    expect(calls("constraints_save")[0]).toEqual({
      constraints: { ...initial, min_stock: 5, seasonal: [...initial.seasonal, { name: "summer", tag: "beach", start: "06-01", end: "08-31", tz: "Europe/Paris" }] },
    });
  });
});

describe("ItemHistory", () => {
  it("shows a readable before/after diff and reverts to a version", async () => {
    const h: HistoryEntry[] = [
      {
        txn: 7,
        at: "2026-01-02T10:00:00Z",
        author: "ana",
        summary: "Edit entry e_low",
        kind: "edit",
        state: "applied",
        change_count: 1,
        changes: [{ entity: "entry", entity_id: "e_low", before: { id: "e_low", priority: 10, owner: "crm" }, after: { id: "e_low", priority: 30, owner: "crm" } }],
      },
    ];
    const onReverted = vi.fn();
    routes({ item_history: () => h, item_revert: () => null });
    renderWithQuery(<ItemHistory kind="entry" itemKey="e_low" onReverted={onReverted} />);
    const row = await screen.findByTestId("item-history-row");
    const changed = within(row).getAllByRole("row").find((r) => r.classList.contains("changed"));
    expect(changed).toHaveTextContent("priority1030");
    expect(within(row).getAllByRole("row").filter((r) => r.classList.contains("changed"))).toHaveLength(1);
    expect(calls("item_history")[0]).toEqual({ kind: "entry", key: "e_low" });
    fireEvent.click(within(row).getByTestId("item-revert"));
    await waitFor(() => expect(calls("item_revert")).toEqual([{ kind: "entry", key: "e_low", txn: 7 }]));
    await waitFor(() => expect(onReverted).toHaveBeenCalled());
  });
});

describe("CatalogImportWizard", () => {
  it("reads columns with a dry run, maps them, previews and imports", async () => {
    const report = (mapping: Record<string, string>, dry: boolean) => ({
      file: "/tmp/p.csv",
      format: "csv",
      rows: 2,
      created: 1,
      updated: 1,
      mapping: [
        ["sku", mapping.id === "sku" ? "id" : "attributes.sku"],
        ["name", "title"],
        ["amount", mapping.price === "amount" ? "price" : "attributes.amount"],
      ],
      sample: PRODUCTS,
      dry_run: dry,
    });
    routes({ catalog_import: (a) => report(a.mapping as Record<string, string>, a.dryRun as boolean) });
    renderWithQuery(<CatalogImportWizard onClose={() => {}} />);
    fireEvent.change(screen.getByTestId("catalog-import-path"), { target: { value: "/tmp/p.csv" } });
    fireEvent.click(screen.getByTestId("catalog-import-preview"));
    expect(await screen.findByTestId("catalog-import-rows")).toHaveTextContent("2");
    expect(screen.getByTestId("catalog-map-title")).toHaveValue("name");
    expect(screen.getByTestId("catalog-import-commit")).toBeDisabled(); // id not mapped yet
    fireEvent.change(screen.getByTestId("catalog-map-id"), { target: { value: "sku" } });
    fireEvent.change(screen.getByTestId("catalog-map-price"), { target: { value: "amount" } });
    await waitFor(() => expect(screen.getByTestId("catalog-map-price")).toHaveValue("amount"));
    await waitFor(() => expect(screen.getByTestId("catalog-import-commit")).toBeEnabled());
    fireEvent.click(screen.getByTestId("catalog-import-commit"));
    expect(await screen.findByTestId("catalog-import-done")).toHaveTextContent("1 new, 1 updated");
    const all = calls("catalog_import");
    const last = all[all.length - 1];
    expect(last).toEqual({ path: "/tmp/p.csv", format: "csv", mapping: { id: "sku", title: "name", price: "amount" }, dryRun: false });
  });

  it("shows an import error in full", async () => {
    routes({
      catalog_import: () => {
        throw { kind: "invalid", message: "p.csv row 3 (line 4), column price: \"abc\" is not a number" };
      },
    });
    renderWithQuery(<CatalogImportWizard onClose={() => {}} />);
    fireEvent.change(screen.getByTestId("catalog-import-path"), { target: { value: "/tmp/p.csv" } });
    fireEvent.change(screen.getByTestId("catalog-import-format"), { target: { value: "shopify" } });
    fireEvent.click(screen.getByTestId("catalog-import-preview"));
    expect(await screen.findByTestId("catalog-import-error")).toHaveTextContent("row 3 (line 4), column price");
    expect(calls("catalog_import")[0]).toMatchObject({ format: "shopify", mapping: {} });
  });
});

describe("ReviewScreen", () => {
  it("lists items due within two weeks, past ones highlighted, and opens them", async () => {
    const onOpen = vi.fn();
    const data = { ...DATA, entries: [E("e_soon", { review_by: "2020-01-10" })], segments: [seg("returning", "2020-01-01"), seg("later", "2020-03-01")] };
    routes({ plan_data: () => data });
    renderWithQuery(<ReviewScreen onOpen={onOpen} today="2020-01-05" />);
    const list = await screen.findByTestId("review-list");
    expect(within(list).getByTestId("review-row-segment-returning")).toHaveAttribute("data-past", "true");
    expect(within(list).getByTestId("review-row-entry-e_soon")).toHaveAttribute("data-past", "false");
    expect(within(list).queryByTestId("review-row-segment-later")).not.toBeInTheDocument();
    fireEvent.click(within(list).getByTestId("review-row-entry-e_soon"));
    expect(onOpen).toHaveBeenCalledWith({ kind: "entry", key: "e_soon" });
  });
});

describe("Shell sections", () => {
  const info: WorkspaceInfo = { path: "/tmp/a.tailor", name: "a", workspace_id: "w1", shopper_count: 0n, attribute_count: 0n, segment_count: 0n };
  it("makes the authoring sections and Simulate real", async () => {
    renderWithQuery(<Shell info={info} />);
    for (const id of ["nav-journey", "nav-content", "nav-content-plan", "nav-campaigns", "nav-constraints", "nav-catalog", "nav-review"]) expect(screen.getByTestId(id)).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("nav-content-plan"));
    expect(await screen.findByTestId("plan-matrix")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("nav-journey"));
    expect(await screen.findByTestId("journey")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("nav-simulate"));
    expect(await screen.findByTestId("simulate")).toBeInTheDocument();
  });

  it("opens an item from the review list in its own screen", async () => {
    routes({ segment_list: () => DATA.segments, reach: () => ({ matched: 0, total: 0, share: 0, examples: [] }) });
    renderWithQuery(<Shell info={info} />);
    fireEvent.click(screen.getByTestId("nav-review"));
    fireEvent.click(await screen.findByTestId("review-row-segment-returning"));
    expect(await screen.findByTestId("segment-editor")).toBeInTheDocument();
  });
});
