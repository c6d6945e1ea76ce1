import { describe, expect, it } from "vitest";
import type { Campaign } from "../bindings/Campaign";
import type { Content } from "../bindings/Content";
import type { PageType } from "../bindings/PageType";
import type { PlanEntry } from "../bindings/PlanEntry";
import { columnsOf, mappingArg, mappingFromReport, missingRequired, setMapping } from "../catalog/mapping";
import { buildContent, draftFromContent, emptyDraft } from "./contentForm";
import { addDays, cellGroups, contentForKind, dueForReview, entryContentLabel, matchesFilters, moveBefore, moveId, NO_FILTERS, placementsForStage, rankOrder, variantsLabel } from "./model";
import { entryWarnings } from "./warnings";

const entry = (id: string, extra: Partial<PlanEntry> = {}): PlanEntry => ({ id, segment: "s", stage: "discovery", placement: "home.hero", content: "c", ...extra }) as PlanEntry;
const CAMPAIGNS: Campaign[] = [
  { name: "holiday", rank: 1, tz: "UTC" },
  { name: "launch", rank: 2, tz: "UTC" },
];
const PAGES: PageType[] = [
  { name: "home", stage: "discovery", max_blocks: 2, placements: [{ name: "hero", kind: "banner" }, { name: "recs", kind: "product_set" }] },
  { name: "cart", stage: "cart", max_blocks: 1, placements: [{ name: "upsell", kind: "product_set" }] },
];

describe("rankOrder (the placement view's 'who wins here')", () => {
  it("orders by campaign rank, no campaign last, then priority descending, then id", () => {
    const entries = [
      entry("z_plain", { priority: 100 }),
      entry("b_launch", { campaign: "launch", priority: 1 }),
      entry("a_holiday_low", { campaign: "holiday", priority: 1 }),
      entry("c_holiday_high", { campaign: "holiday", priority: 50 }),
      entry("a_plain", { priority: 100 }),
      entry("unknown_campaign", { campaign: "gone", priority: 999 }),
    ];
    expect(rankOrder(entries, CAMPAIGNS).map((e) => e.id)).toEqual(["c_holiday_high", "a_holiday_low", "b_launch", "unknown_campaign", "a_plain", "z_plain"]);
  });

  it("treats a missing priority as 0", () => {
    expect(rankOrder([entry("x"), entry("y", { priority: 1 }), entry("w", { priority: -1 })], []).map((e) => e.id)).toEqual(["y", "x", "w"]);
  });

  it("groups a cell's entries by placement in page order", () => {
    const groups = cellGroups([entry("r", { placement: "home.recs" }), entry("h2", { priority: 1 }), entry("h1", { priority: 5 })], [], PAGES);
    expect(groups.map((g) => [g.placement, g.entries.map((e) => e.id)])).toEqual([
      ["home.hero", ["h1", "h2"]],
      ["home.recs", ["r"]],
    ]);
  });
});

describe("entry form filtering", () => {
  it("offers only placements of page types whose stage matches, as page.placement", () => {
    expect(placementsForStage(PAGES, "discovery").map((p) => p.id)).toEqual(["home.hero", "home.recs"]);
    expect(placementsForStage(PAGES, "cart").map((p) => p.id)).toEqual(["cart.upsell"]);
    expect(placementsForStage(PAGES, "checkout")).toEqual([]);
  });

  it("offers only content whose kind matches the placement kind", () => {
    const content: Content[] = [
      { id: "hero_a", kind: "banner", headline: "A" },
      { id: "recs", kind: "product_set", strategy: "top_in_category", size: 4 },
      { id: "hero_b", kind: "banner", headline: "B" },
    ];
    expect(contentForKind(content, "banner").map((c) => c.id)).toEqual(["hero_a", "hero_b"]);
    expect(contentForKind(content, "product_set").map((c) => c.id)).toEqual(["recs"]);
    expect(contentForKind(content, undefined)).toEqual([]);
  });
});

describe("variants display", () => {
  it("shows A/B weights as percentages", () => {
    expect(variantsLabel([{ content: "x", weight: 0.5 }, { content: "y", weight: 0.5 }])).toBe("A/B: x 50% / y 50%");
    expect(variantsLabel([{ content: "x", weight: 0.334 }, { content: "y", weight: 0.333 }, { content: "z", weight: 0.333 }])).toBe("A/B/C: x 33.4% / y 33.3% / z 33.3%");
    expect(entryContentLabel(entry("e"))).toBe("c");
    expect(entryContentLabel({ ...entry("e"), content: undefined, variants: [{ content: "p", weight: 0.9 }, { content: "q", weight: 0.1 }] } as unknown as PlanEntry)).toBe("A/B: p 90% / q 10%");
  });
});

describe("reorder", () => {
  it("moves an id up and down, clamped at the ends", () => {
    const ids = ["a", "b", "c"];
    expect(moveId(ids, "c", -1)).toEqual(["a", "c", "b"]);
    expect(moveId(ids, "a", 1)).toEqual(["b", "a", "c"]);
    expect(moveId(ids, "a", -1)).toBe(ids);
    expect(moveId(ids, "nope", 1)).toBe(ids);
  });
  it("drops a dragged id where the target is", () => {
    expect(moveBefore(["a", "b", "c", "d"], "d", "b")).toEqual(["a", "d", "b", "c"]);
    expect(moveBefore(["a", "b", "c", "d"], "a", "c")).toEqual(["b", "c", "a", "d"]);
  });
});

describe("filters and warnings", () => {
  it("filters by owner, campaign, status, placement and goal ('(none)' = unset)", () => {
    const e = entry("e", { owner: "crm", status: "draft", goal: "aov" });
    expect(matchesFilters(e, NO_FILTERS)).toBe(true);
    expect(matchesFilters(e, { ...NO_FILTERS, owner: "crm", status: "draft" })).toBe(true);
    expect(matchesFilters(e, { ...NO_FILTERS, status: "active" })).toBe(false);
    expect(matchesFilters(entry("x"), { ...NO_FILTERS, status: "active", campaign: "(none)" })).toBe(true);
    expect(matchesFilters(e, { ...NO_FILTERS, goal: "conversion" })).toBe(false);
  });
  it("warns on a past review-by date and a schedule that never opens, without duplicating lint", () => {
    const now = new Date(2026, 5, 1);
    const e = entry("e", { review_by: "2026-01-01", schedule: { start: "2026-12-01T00:00", end: "2026-11-01T00:00", tz: "UTC" } });
    expect(entryWarnings(e, [], now).map((w) => w.rule)).toEqual(["past_review_by", "schedule_never_opens"]);
    const lint = [{ severity: "warning" as const, rule: "past_review_by", item: "entry:e", message: "from lint" }];
    expect(entryWarnings(e, lint, now).filter((w) => w.rule === "past_review_by").map((w) => w.message)).toEqual(["from lint"]);
  });
});

describe("dueForReview", () => {
  const data = {
    segments: [
      { segment: { name: "past_seg", condition: "true" as const, review_by: "2026-05-01", owner: "m" }, revision: 1, condition_text: "true" },
      { segment: { name: "far_seg", condition: "true" as const, review_by: "2026-09-01" }, revision: 1, condition_text: "true" },
      { segment: { name: "no_date", condition: "true" as const }, revision: 1, condition_text: "true" },
    ],
    entries: [{ item: entry("soon_entry", { review_by: "2026-06-15" }), revision: 1 }],
    content: [
      { item: { id: "edge_content", kind: "message", text: "t", review_by: "2026-06-11" } as Content, revision: 1 },
      { item: { id: "today_content", kind: "message", text: "t", review_by: "2026-05-28" } as Content, revision: 1 },
    ],
  };
  it("lists items due within 14 days or past, soonest first, flagging past ones", () => {
    const items = dueForReview(data, "2026-05-28");
    expect(items.map((i) => [i.kind, i.key, i.past, i.daysLeft])).toEqual([
      ["segment", "past_seg", true, -27],
      ["content", "today_content", false, 0],
      ["content", "edge_content", false, 14],
    ]);
  });
  it("adds days across month ends", () => {
    expect(addDays("2026-01-25", 14)).toBe("2026-02-08");
  });
});

describe("content form", () => {
  it("round-trips every kind through the draft", () => {
    const items: Content[] = [
      { id: "b", kind: "banner", headline: "H", body: "B", image_url: "https://x/y.png", link: "/l", owner: "o", tags: ["t1", "t2"], doc: { purpose: "p" } },
      { id: "m", kind: "message", text: "hi" },
      { id: "p", kind: "promotion", offer: "10% off", code: "TEN", discount: 10 },
      { id: "ps", kind: "product_set", strategy: "coordinated", size: 6, min_size: 3, category: "sofas", match_on: ["collection", "material"], exclude_purchased: true },
      { id: "s", kind: "sort", strategy: "price_low_high" },
      { id: "bd", kind: "badge", label: "New", tag: "new" },
      { id: "e", kind: "email_flow", trigger: "cart_abandoned", delay_hours: 24, template: "t" },
    ];
    for (const c of items) {
      const { content, missing } = buildContent(draftFromContent(c));
      expect(missing).toBeNull();
      expect(content).toEqual(c);
    }
  });
  it("names the first missing field", () => {
    expect(buildContent(emptyDraft("banner")).missing).toBe("Give the content an id.");
    expect(buildContent({ ...emptyDraft("banner"), id: "x" }).missing).toBe("Fill in the headline.");
  });
});

describe("catalog column mapping", () => {
  const report = { mapping: [["Handle", "attributes.handle"], ["Title", "title"], ["SKU", "id"], ["Variant Price", "attributes.variant_price"]] as [string, string][] };
  it("reads columns and the settled mapping from a dry run", () => {
    expect(columnsOf(report)).toEqual(["Handle", "Title", "SKU", "Variant Price"]);
    expect(mappingFromReport(report)).toEqual({ title: "Title", id: "SKU" });
  });
  it("maps a column to at most one field and unmaps with ''", () => {
    let m = mappingFromReport(report);
    m = setMapping(m, "price", "Variant Price");
    expect(m).toEqual({ id: "SKU", title: "Title", price: "Variant Price" });
    m = setMapping(m, "cost", "Variant Price");
    expect(m).toEqual({ id: "SKU", title: "Title", cost: "Variant Price" });
    m = setMapping(m, "id", "");
    expect(missingRequired(m)).toEqual(["id"]);
    expect(mappingArg("csv", m)).toEqual({ title: "Title", cost: "Variant Price" });
    expect(mappingArg("shopify", m)).toEqual({});
  });
});
