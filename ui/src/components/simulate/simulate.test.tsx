import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Block, Decision, Outcome, PreviewContext, PreviewPage, Trace } from "../../api/simulate";
import type { Content } from "../../bindings/Content";
import type { ImpactReport } from "../../bindings/ImpactReport";
import type { Product } from "../../bindings/Product";
import type { SimReport } from "../../bindings/SimReport";
import { SimulateScreen } from "../../screens/SimulateScreen";
import { renderWithQuery } from "../../test/utils";
import { linkForItem, ProblemsPanel } from "../ProblemsPanel";
import { BatchPanel, ProgressBar } from "./BatchPanel";
import { ImpactPanel } from "./ImpactPanel";
import { PageMock } from "./PageMock";
import { TimeControl } from "./TimeControl";
import { TraceView } from "./TraceView";
import { describeOutcome, drillTestId, formatDuration, timeStops } from "./words";

const invoke = vi.fn();
const handlers: Record<string, (e: { payload: unknown }) => void> = {};
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (name: string, handler: (e: { payload: unknown }) => void) => {
    handlers[name] = handler;
    return () => {
      delete handlers[name];
    };
  }),
}));
vi.mock("@tauri-apps/plugin-dialog", () => ({ save: vi.fn(async () => "/chosen/report.html"), open: vi.fn(async () => null) }));

type Route = (args: Record<string, unknown>) => unknown;

function routes(extra: Record<string, Route>) {
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
    if (cmd in extra) return extra[cmd](args);
    if (cmd === "attribute_list") return [];
    if (cmd === "plan_data") return PLAN;
    if (cmd === "persona_list") return [];
    if (cmd === "catalog_page") return { total: 0, matched: 0, rows: [] };
    if (cmd === "environment_list") return [];
    throw { kind: "internal", message: `unexpected ${cmd}` };
  });
}

const calls = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1] as Record<string, unknown>);

beforeEach(() => {
  invoke.mockReset();
  for (const k of Object.keys(handlers)) delete handlers[k];
});

// ---------- fixtures ----------

const CONTENT: Content[] = [
  { id: "spring_hero", kind: "banner", headline: "Spring is here", body: "New arrivals for you" },
  { id: "default_hero", kind: "banner", headline: "Welcome" },
  { id: "top_lamps", kind: "product_set", strategy: "top_in_category", size: 4, category: "lamps" },
  { id: "free_ship", kind: "message", text: "Free shipping over 50" },
  { id: "promo10", kind: "promotion", offer: "10% off lamps", code: "LAMP10", discount: 10 },
  { id: "by_margin", kind: "sort", strategy: "margin_high_low" },
  { id: "new_badge", kind: "badge", label: "New", tag: "new" },
  { id: "cart_flow", kind: "email_flow", trigger: "cart_abandoned", delay_hours: 24, template: "cart-1" },
];

const PLAN = {
  stages: [],
  page_types: [],
  content: CONTENT.map((item) => ({ item, revision: 1 })),
  campaigns: [],
  entries: [{ item: { id: "restock_recs", segment: "returning", stage: "evaluation", placement: "product.recs", content: "top_lamps" }, revision: 1 }],
  constraints: {},
  segments: [],
  product_count: 2,
};

const PAGE: PreviewPage = {
  name: "home",
  stage: "discovery",
  placements: [
    { id: "home.hero", kind: "banner" },
    { id: "home.recs", kind: "product_set" },
    { id: "home.note", kind: "message" },
    { id: "home.promo", kind: "promotion" },
    { id: "home.sort", kind: "sort" },
    { id: "home.badge", kind: "badge" },
    { id: "home.email", kind: "email_flow" },
  ],
};

const blk = (placement: string, content: string | null, extra: Partial<Block> = {}): Block => ({
  placement,
  content,
  entry: null,
  segment: null,
  personalized: false,
  holdout: false,
  propensity: 1,
  products: [],
  fallback_reason: "no_candidate",
  ...extra,
});

/** An outcome from a newer engine, not (yet) in the generated `Outcome`: the UI still words it. */
const unknownOutcome = (o: { result: string } & Record<string, unknown>) => o as unknown as Outcome;

const TRACE: Trace = {
  shopper: "s-1",
  at: "2026-05-04T08:00:00Z",
  stage: "discovery",
  consent: true,
  notes: ["product lamp-9 is not in the catalog; treated as absent"],
  placements: [
    {
      placement: "home.hero",
      candidates: [
        { entry: "spring_hero_e", segment: "loyal", outcome: { result: "won" } },
        { entry: "winter_hero", segment: "loyal", outcome: { result: "schedule_closed", start: "2026-01-01T00:00:00", end: "2026-02-01T00:00:00", tz: "Europe/Paris", local: "2026-05-04T10:00:00" } },
        { entry: "vip_hero", segment: "vip", outcome: { result: "segment_mismatch", path: [0], condition: "lifetime_value > 1000", attribute: "lifetime_value", actual: "120" } },
        { entry: "late_hero", segment: "loyal", outcome: { result: "lost_on_rank", winner: "spring_hero_e" } },
        { entry: "draft_hero", segment: "loyal", outcome: { result: "not_active", status: "draft" } },
        { entry: "odd_hero", segment: "loyal", outcome: unknownOutcome({ result: "budget_exhausted", budget: 3, spent: 3 }) },
      ],
      winner: { entry: "spring_hero_e", page_rank: 0, dropped_by_page_cap: false, holdout: { bucket: 0.42, threshold: 0.1, control: false } },
    },
    {
      placement: "home.recs",
      candidates: [{ entry: "gated", segment: "skin", outcome: { result: "no_consent", attributes: ["skin_type"] } }],
      products: [{ content: "top_lamps", strategy: "top_in_category", counts: { candidates: 5, in_stock: 4, margin: 3, price_jump: 3, seasonal: 3, not_purchased: 3, not_on_page: 2 }, size: 4, min_size: 1, chosen: ["lamp-1", "lamp-2"] }],
    },
  ],
};

const DECISION: Decision = {
  bundle_digest: null,
  version: null,
  page: "home",
  blocks: [
    blk("home.hero", "spring_hero", { entry: "spring_hero_e", segment: "loyal", personalized: true, fallback_reason: undefined, propensity: 0.9 }),
    blk("home.recs", "top_lamps", { products: ["lamp-1", "lamp-2"], fallback_reason: "dropped_by_page_cap" }),
    blk("home.note", "free_ship"),
    blk("home.promo", "promo10", { entry: "promo_e", segment: "loyal", holdout: true, fallback_reason: "holdout" }),
    blk("home.sort", "by_margin"),
    blk("home.badge", "new_badge"),
    blk("home.email", null, { fallback_reason: "no_default" }),
  ],
  trace: TRACE,
};

const FACTS = new Map<string, Product>([
  ["lamp-1", { id: "lamp-1", title: "Arc lamp", price: 100, margin: 0.5, stock: 4 }],
  ["lamp-2", { id: "lamp-2", title: "Desk lamp", price: 60, cost: 45, stock: 0 }],
]);

const CONTEXT: PreviewContext = {
  pages: [PAGE, { name: "product", stage: "evaluation", placements: [{ id: "product.recs", kind: "product_set" }] }],
  personas: [{ name: "loyal_buyer", description: "Returning, high value", shopper: { customer_type: "returning", lifetime_value: 900 } }],
  boundaries: ["2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2099-01-01T00:00:00Z"],
  sample_ids: ["s-1", "s-2"],
  products: [{ id: "lamp-1", title: "Arc lamp", category: "lamps" }],
  digest: "sha256:abc123",
};

function report(extra: Partial<SimReport> = {}): SimReport {
  return {
    times: ["2026-05-04T08:00:00Z"],
    shoppers: 1200,
    page_views: 2400,
    pages: [
      { page: "home", views: 1200, blocks_histogram: [700, 500], placements: [{ placement: "home.hero", personalized: 500, holdout: 20, fallbacks: { no_candidate: 680 } }] },
      { page: "product", views: 1200, blocks_histogram: [1000, 150, 50], placements: [{ placement: "product.recs", personalized: 250, holdout: 0, fallbacks: { too_few_products: 950 } }] },
    ],
    entries: [
      { entry: "spring_hero_e", segment: "loyal", views: 500, shoppers: 500, holdout: 20 },
      { entry: "restock_recs", segment: "returning", views: 250, shoppers: 240, holdout: 0 },
    ],
    segments: [
      { segment: "loyal", matched: 520, saw_entry: 500 },
      { segment: "returning", matched: 800, saw_entry: 240 },
    ],
    fallbacks: { no_candidate: 680, too_few_products: 950 },
    too_few_products: { stock: 900, margin: 50 },
    breakdowns: {
      traffic_source: { search: { views: 1500, personalized: 400, fallbacks: { no_candidate: 300 } }, direct: { views: 900, personalized: 350, fallbacks: {} } },
      customer_type: { returning: { views: 2000, personalized: 700, fallbacks: {} } },
      device: {},
      category: {},
    },
    overlap: { segments: ["loyal", "returning"], counts: [[520, 480], [480, 800]] },
    drilldown: {
      "entry:spring_hero_e": ["s-1", "s-2"],
      "segment:loyal": ["s-1"],
      "fallback:no_candidate": ["s-3"],
      "page:product:blocks:2": ["s-7"],
      "overlap:loyal:returning": ["s-1"],
      "shortfall:stock": ["s-9"],
    },
    traces: [],
    elapsed_ms: 3500,
    ...extra,
  };
}

// ---------- pure helpers ----------

describe("words", () => {
  it("formats durations and ETAs for people", () => {
    expect(formatDuration(400)).toBe("<1 s");
    expect(formatDuration(12_300)).toBe("12 s");
    expect(formatDuration(65_000)).toBe("1 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
    expect(formatDuration(undefined)).toBe("—");
  });

  it("turns a drill-down key into a test id", () => {
    expect(drillTestId("entry:spring_hero")).toBe("drill-entry-spring_hero");
    expect(drillTestId("page:home:blocks:2")).toBe("drill-page-home-blocks-2");
    expect(drillTestId("overlap:a:b")).toBe("drill-overlap-a-b");
  });

  it("describes outcomes in words and lists unknown fields as key: value", () => {
    expect(describeOutcome({ result: "segment_mismatch", path: [0], condition: "x > 1", attribute: "x", actual: "0" }, "seg").sentence).toBe(
      "segment seg does not match: x > 1 is false; x is 0",
    );
    const odd = describeOutcome(unknownOutcome({ result: "budget_exhausted", budget: 3 }), "seg");
    expect(odd.sentence).toBe("budget exhausted");
    expect(odd.extra).toEqual([["budget", "3"]]);
  });

  it("places now among the boundaries", () => {
    expect(timeStops(["2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z"], new Date("2025-01-01T00:00:00Z"))).toEqual(["2020-01-01T00:00:00Z", null, "2030-01-01T00:00:00Z"]);
    expect(timeStops([], new Date())).toEqual([null]);
  });
});

// ---------- preview ----------

describe("PageMock", () => {
  it("renders every block kind in page order with personalized and default badges", () => {
    const content = new Map(CONTENT.map((c) => [c.id, c]));
    renderWithQuery(<PageMock page={PAGE} decision={DECISION} content={content} facts={FACTS} titles={new Map()} />);
    const mock = screen.getByTestId("preview-page-mock");
    const ids = Array.from(mock.querySelectorAll("[data-testid^='preview-block-']"))
      .map((e) => e.getAttribute("data-testid"))
      .filter((t) => t !== "preview-block-badge");
    expect(ids).toEqual(PAGE.placements.map((p) => `preview-block-${p.id}`));

    const hero = screen.getByTestId("preview-block-home.hero");
    expect(hero).toHaveAttribute("data-content", "spring_hero");
    expect(hero).toHaveAttribute("data-personalized", "true");
    expect(within(hero).getByTestId("mock-banner")).toHaveTextContent("Spring is here");
    expect(within(hero).getByTestId("mock-banner")).toHaveTextContent("New arrivals for you");
    expect(within(hero).getByTestId("preview-block-badge")).toHaveTextContent("personalized by spring_hero_e (segment loyal)");

    const recs = screen.getByTestId("preview-block-home.recs");
    expect(recs).toHaveAttribute("data-personalized", "false");
    expect(within(recs).getByTestId("preview-block-badge")).toHaveTextContent("default (dropped by page cap)");
    const cards = within(recs).getAllByTestId("mock-product");
    expect(cards.map((c) => c.getAttribute("data-product"))).toEqual(["lamp-1", "lamp-2"]);
    expect(cards[0]).toHaveTextContent("Arc lamp");
    expect(cards[0]).toHaveTextContent("100.00");
    expect(within(cards[0]).getByTestId("mock-stock")).toHaveTextContent("stock 4");
    expect(within(cards[0]).getByTestId("mock-margin")).toHaveTextContent("margin 50%");
    expect(within(cards[1]).getByTestId("mock-margin")).toHaveTextContent("margin 25%"); // from cost
    expect(within(cards[1]).getByTestId("mock-stock")).toHaveClass("badge-bad");

    expect(within(screen.getByTestId("preview-block-home.note")).getByTestId("mock-message")).toHaveTextContent("Free shipping over 50");
    const promo = screen.getByTestId("preview-block-home.promo");
    expect(within(promo).getByTestId("mock-promotion")).toHaveTextContent("10% off lamps");
    expect(within(promo).getByTestId("mock-promotion")).toHaveTextContent("LAMP10");
    expect(within(promo).getByTestId("preview-block-badge")).toHaveTextContent("default (holdout: control group of promo_e)");
    expect(within(screen.getByTestId("preview-block-home.sort")).getByTestId("mock-sort")).toHaveTextContent("margin high low");
    expect(within(screen.getByTestId("preview-block-home.badge")).getByTestId("mock-badge")).toHaveTextContent("New");
    const email = screen.getByTestId("preview-block-home.email");
    expect(email).toHaveAttribute("data-content", "");
    expect(within(email).getByTestId("preview-block-badge")).toHaveTextContent("default (no default content)");
  });

  it("renders an email flow with its trigger and delay", () => {
    const content = new Map(CONTENT.map((c) => [c.id, c]));
    const d: Decision = { ...DECISION, blocks: [blk("home.email", "cart_flow")] };
    renderWithQuery(<PageMock page={PAGE} decision={d} content={content} facts={FACTS} titles={new Map()} />);
    expect(screen.getByTestId("mock-email-flow")).toHaveTextContent("cart_abandoned");
    expect(screen.getByTestId("mock-email-flow")).toHaveTextContent("1 day");
  });
});

describe("TraceView", () => {
  it("says why each candidate won or lost, in plain words", () => {
    renderWithQuery(<TraceView trace={TRACE} blocks={DECISION.blocks} />);
    const trace = screen.getByTestId("preview-trace");
    const byEntry = (e: string) => within(trace).getAllByTestId("trace-candidate").find((el) => el.getAttribute("data-entry") === e)!;
    expect(byEntry("spring_hero_e")).toHaveTextContent("won");
    expect(byEntry("winter_hero")).toHaveTextContent("the schedule is closed at this time: 2026-01-01T00:00:00 to 2026-02-01T00:00:00 (Europe/Paris); it is 2026-05-04T10:00:00 there");
    expect(byEntry("vip_hero")).toHaveTextContent("segment vip does not match: lifetime_value > 1000 is false; lifetime_value is 120");
    expect(byEntry("late_hero")).toHaveTextContent("matched, but spring_hero_e ranks higher and won");
    expect(byEntry("draft_hero")).toHaveTextContent("not active (status draft)");
    expect(byEntry("gated")).toHaveTextContent("has not consented to personalization (segment reads consent-gated skin_type)");
    // Unknown outcome: its result and the other fields as key: value.
    const odd = byEntry("odd_hero");
    expect(odd).toHaveAttribute("data-result", "budget_exhausted");
    expect(odd).toHaveTextContent("budget exhausted");
    expect(within(odd).getAllByTestId("trace-field").map((f) => f.textContent)).toEqual(["budget: 3", "spent: 3"]);
    // Known outcomes list no fields their sentence already says.
    expect(within(byEntry("vip_hero")).queryAllByTestId("trace-field")).toHaveLength(0);
    expect(within(trace).getByTestId("trace-winner")).toHaveTextContent("treated");
    expect(within(trace).getByTestId("trace-products")).toHaveTextContent("candidates 5 → in stock 4 → margin 3");
    expect(within(trace).getByTestId("trace-notes")).toHaveTextContent("lamp-9");
  });
});

describe("TimeControl", () => {
  it("steps through the boundaries and now with the slider", () => {
    const onChange = vi.fn();
    const boundaries = ["2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"];
    const now = new Date("2026-03-15T00:00:00Z");
    const { rerender } = renderWithQuery(<TimeControl value={null} boundaries={boundaries} onChange={onChange} now={now} />);
    const slider = screen.getByTestId("preview-time-slider");
    expect(slider).toHaveAttribute("max", "2");
    expect(slider).toHaveValue("1"); // now sits between the two boundaries
    fireEvent.change(slider, { target: { value: "0" } });
    expect(onChange).toHaveBeenLastCalledWith("2026-03-01T00:00:00Z");
    fireEvent.change(slider, { target: { value: "2" } });
    expect(onChange).toHaveBeenLastCalledWith("2026-04-01T00:00:00Z");
    rerender(<TimeControl value="2026-04-01T00:00:00Z" boundaries={boundaries} onChange={onChange} now={now} />);
    expect(screen.getByTestId("preview-time-slider")).toHaveValue("2");
    expect(screen.getByTestId("preview-time")).not.toHaveValue("");
    fireEvent.change(screen.getByTestId("preview-time-slider"), { target: { value: "1" } });
    expect(onChange).toHaveBeenLastCalledWith(null);
  });
});

describe("Preview tab", () => {
  it("loads the first sample shopper, re-decides on every edit and shows the digest", async () => {
    routes({
      preview_context: () => CONTEXT,
      attribute_list: () => [{ attribute: { name: "lifetime_value", type: "number" }, revision: 1 }],
      shopper_get: (a) => ({ id: a.id, values: { lifetime_value: 120 } }),
      preview_decide: () => ({ decision: DECISION, text: "home page for s-1\n  home.hero: spring_hero", digest: "sha256:abc123" }),
    });
    renderWithQuery(<SimulateScreen onOpen={() => {}} onSection={() => {}} />);
    await waitFor(() => expect(calls("shopper_get")).toEqual([{ id: "s-1" }]));
    await waitFor(() => expect(calls("preview_decide").length).toBeGreaterThan(0));
    expect(calls("preview_decide")[0]).toEqual({ shopper: { id: "s-1", lifetime_value: 120 }, page: "home", at: null, product: null });
    expect(await screen.findByTestId("preview-digest")).toHaveTextContent("evaluated rules sha256:abc123");
    expect(await screen.findByTestId("preview-block-home.hero")).toHaveAttribute("data-personalized", "true");

    fireEvent.change(screen.getByTestId("preview-attr-lifetime_value"), { target: { value: "1500" } });
    await waitFor(() => expect(calls("preview_decide").some((c) => (c.shopper as Record<string, unknown>).lifetime_value === 1500)).toBe(true));

    fireEvent.change(screen.getByTestId("preview-attr-consent"), { target: { value: "false" } });
    await waitFor(() => expect(calls("preview_decide").some((c) => (c.shopper as Record<string, unknown>).consent === false)).toBe(true));

    fireEvent.change(screen.getByTestId("preview-time-slider"), { target: { value: "0" } });
    await waitFor(() => expect(calls("preview_decide").some((c) => c.at === "2026-03-01T00:00:00Z")).toBe(true));

    fireEvent.change(screen.getByTestId("preview-page"), { target: { value: "product" } });
    fireEvent.change(await screen.findByTestId("preview-product"), { target: { value: "lamp-1" } });
    await waitFor(() => expect(calls("preview_decide").some((c) => c.page === "product" && c.product === "lamp-1")).toBe(true));

    fireEvent.click(screen.getByTestId("preview-view-text"));
    expect(screen.getByTestId("preview-text")).toHaveTextContent("home page for s-1");
  });

  it("loads a persona and saves the edited profile as a new one", async () => {
    routes({
      preview_context: () => CONTEXT,
      persona_list: () => CONTEXT.personas,
      shopper_get: (a) => ({ id: a.id, values: {} }),
      preview_decide: () => ({ decision: DECISION, text: "", digest: "sha256:abc123" }),
      persona_save: () => null,
    });
    renderWithQuery(<SimulateScreen onOpen={() => {}} onSection={() => {}} />);
    await screen.findByTestId("preview-page-mock");
    fireEvent.change(screen.getByTestId("preview-persona"), { target: { value: "loyal_buyer" } });
    await waitFor(() =>
      expect(calls("preview_decide").some((c) => (c.shopper as Record<string, unknown>).id === "persona:loyal_buyer")).toBe(true),
    );
    fireEvent.change(screen.getByTestId("preview-persona-name"), { target: { value: "big_spender" } });
    fireEvent.click(screen.getByTestId("preview-save-persona"));
    await waitFor(() => expect(calls("persona_save")).toHaveLength(1));
    expect(calls("persona_save")[0].persona).toEqual({
      name: "big_spender",
      description: "",
      shopper: { customer_type: "returning", lifetime_value: 900, id: "persona:loyal_buyer" },
    });
  });
});

// ---------- batch ----------

describe("Batch tab", () => {
  it("shows progress with an ETA, cancels, and says no results were saved", async () => {
    let reject: (e: unknown) => void = () => {};
    routes({
      preview_context: () => CONTEXT,
      simulation_last: () => null,
      simulation_run: () => new Promise((_, r) => (reject = r)),
      simulation_cancel: () => {
        reject({ kind: "cancelled", message: "the simulation was cancelled" });
        return null;
      },
    });
    renderWithQuery(<BatchPanel onOpenShopper={() => {}} />);
    expect(await screen.findByTestId("sim-empty")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("sim-run")).not.toBeDisabled());
    fireEvent.click(screen.getByTestId("sim-page-product"));
    fireEvent.click(screen.getByTestId("sim-run"));
    await waitFor(() => expect(calls("simulation_run")).toHaveLength(1));
    expect(calls("simulation_run")[0]).toEqual({ pages: ["home"], at: null, from: null, to: null, step: null });
    await waitFor(() => expect(handlers["simulation-progress"]).toBeDefined());
    act(() => handlers["simulation-progress"]({ payload: { done: 300, total: 1200, elapsed_ms: 20_000, eta_ms: 65_000 } }));
    const progress = screen.getByTestId("sim-progress");
    expect(progress).toHaveTextContent("300 of 1,200 shoppers");
    expect(progress).toHaveTextContent("25.0%");
    expect(screen.getByTestId("sim-eta")).toHaveTextContent("about 1 min 05 s left");
    fireEvent.click(screen.getByTestId("sim-cancel"));
    expect(await screen.findByTestId("sim-cancelled")).toHaveTextContent("Cancelled; no results saved");
    expect(calls("simulation_cancel")).toHaveLength(1);
    expect(screen.queryByTestId("sim-progress")).not.toBeInTheDocument();
    expect(screen.queryByTestId("sim-error")).not.toBeInTheDocument();
  });

  it("renders a progress bar without a total as indeterminate", () => {
    renderWithQuery(<ProgressBar progress={{ done: 50, elapsed_ms: 1500 }} />);
    expect(screen.getByTestId("sim-progress")).toHaveTextContent("50 shoppers · 2 s elapsed");
    expect(screen.queryByTestId("sim-eta")).not.toBeInTheDocument();
  });

  it("runs over a date range", async () => {
    routes({ preview_context: () => CONTEXT, simulation_last: () => null, simulation_run: () => report() });
    renderWithQuery(<BatchPanel onOpenShopper={() => {}} />);
    await waitFor(() => expect(screen.getByTestId("sim-run")).not.toBeDisabled());
    fireEvent.click(screen.getByTestId("sim-mode-range"));
    expect(screen.getByTestId("sim-run")).toBeDisabled();
    fireEvent.change(screen.getByTestId("sim-from"), { target: { value: "2026-05-01T00:00:00" } });
    fireEvent.change(screen.getByTestId("sim-to"), { target: { value: "2026-05-08T00:00:00" } });
    fireEvent.click(screen.getByTestId("sim-run"));
    await waitFor(() => expect(calls("simulation_run")).toHaveLength(1));
    const a = calls("simulation_run")[0];
    expect(a.pages).toBeNull();
    expect(a.at).toBeNull();
    expect(a.from).toBe(new Date("2026-05-01T00:00:00").toISOString().replace(".000Z", "Z"));
    expect(a.step).toBe("1d");
    expect(await screen.findByTestId("sim-results")).toBeInTheDocument();
    expect(screen.queryByTestId("sim-stale")).not.toBeInTheDocument();
  });

  it("warns when the last results were computed on other rules", async () => {
    routes({ preview_context: () => CONTEXT, simulation_last: () => ({ report: report(), digest: "sha256:old", finished_at: "2026-05-01T10:00:00Z" }) });
    renderWithQuery(<BatchPanel onOpenShopper={() => {}} />);
    expect(await screen.findByTestId("sim-stale")).toHaveTextContent("results are from an older version of the rules — run again");
    expect(screen.getByTestId("sim-results")).toBeInTheDocument();
  });

  it("shows no stale warning for results of the current rules", async () => {
    routes({ preview_context: () => CONTEXT, simulation_last: () => ({ report: report(), digest: "sha256:abc123", finished_at: "2026-05-01T10:00:00Z" }) });
    renderWithQuery(<BatchPanel onOpenShopper={() => {}} />);
    expect(await screen.findByTestId("sim-results")).toBeInTheDocument();
    await waitFor(() => expect(calls("preview_context")).toHaveLength(1));
    expect(screen.queryByTestId("sim-stale")).not.toBeInTheDocument();
  });

  it("makes numbers with a drill-down key clickable and lists the shoppers behind them", async () => {
    const onOpenShopper = vi.fn();
    routes({
      preview_context: () => CONTEXT,
      simulation_last: () => ({ report: report(), digest: "sha256:abc123", finished_at: "2026-05-01T10:00:00Z" }),
      simulation_drilldown: (a) => (a.key === "entry:spring_hero_e" ? [{ id: "s-1", values: { device: "mobile" } }, { id: "s-2", values: {} }] : []),
    });
    renderWithQuery(<BatchPanel onOpenShopper={onOpenShopper} />);
    await screen.findByTestId("sim-results");
    for (const key of ["entry:spring_hero_e", "segment:loyal", "fallback:no_candidate", "page:product:blocks:2", "shortfall:stock"]) {
      const el = screen.getAllByTestId(drillTestId(key))[0];
      expect(el).toHaveAttribute("data-drill", key);
      expect(el.tagName).toBe("BUTTON");
    }
    // Overlap cells find their key both ways round.
    const cells = screen.getAllByTestId("drill-overlap-loyal-returning");
    expect(cells).toHaveLength(2);
    expect(cells[0]).toHaveAttribute("data-drill", "overlap:loyal:returning");
    // Numbers without shoppers behind them are plain text.
    expect(screen.queryByTestId("drill-entry-restock_recs")).not.toBeInTheDocument();
    expect(screen.getByTestId("chart-entries")).toBeInTheDocument();
    expect(screen.getByTestId("chart-blocks")).toBeInTheDocument();
    expect(screen.getByTestId("chart-fallbacks")).toBeInTheDocument();
    // The chart library loads on demand and draws SVG bars.
    await waitFor(() => expect(screen.getByTestId("chart-blocks").querySelector("svg")).not.toBeNull());

    fireEvent.click(screen.getByTestId("drill-entry-spring_hero_e"));
    const drawer = await screen.findByTestId("drilldown");
    expect(drawer).toHaveAttribute("data-drill", "entry:spring_hero_e");
    const rows = await within(drawer).findAllByTestId("drill-shopper");
    expect(rows.map((r) => r.getAttribute("data-shopper"))).toEqual(["s-1", "s-2"]);
    expect(rows[0]).toHaveTextContent("device: mobile");
    fireEvent.click(within(rows[1]).getByTestId("drill-shopper-open"));
    expect(onOpenShopper).toHaveBeenCalledWith("s-2", "entry:spring_hero_e", "2026-05-04T08:00:00Z");
  });

  it("switches the breakdown and exports to a typed path", async () => {
    routes({
      preview_context: () => CONTEXT,
      simulation_last: () => ({ report: report(), digest: "sha256:abc123", finished_at: "2026-05-01T10:00:00Z" }),
      simulation_export: () => null,
    });
    renderWithQuery(<BatchPanel onOpenShopper={() => {}} />);
    const bd = await screen.findByTestId("sim-breakdown");
    expect(within(bd).getAllByTestId("sim-breakdown-row").map((r) => r.firstChild?.textContent)).toEqual(["search", "direct"]);
    fireEvent.change(within(bd).getByTestId("sim-breakdown-dim"), { target: { value: "device" } });
    expect(within(bd).getByTestId("sim-breakdown-empty")).toBeInTheDocument();
    fireEvent.change(screen.getByTestId("sim-export-path"), { target: { value: "/tmp/sim.csv" } });
    fireEvent.click(screen.getByTestId("sim-export-csv"));
    expect(await screen.findByTestId("sim-export-done")).toHaveTextContent("/tmp/sim.csv");
    expect(calls("simulation_export")).toEqual([{ format: "csv", path: "/tmp/sim.csv" }]);
    fireEvent.change(screen.getByTestId("sim-export-path"), { target: { value: "" } });
    fireEvent.click(screen.getByTestId("sim-export-html"));
    await waitFor(() => expect(calls("simulation_export")).toHaveLength(2));
    expect(calls("simulation_export")[1]).toEqual({ format: "html", path: "/chosen/report.html" });
  });

  it("opens a drill-down shopper in the preview tab on the page in question", async () => {
    routes({
      preview_context: () => CONTEXT,
      simulation_last: () => ({ report: report(), digest: "sha256:abc123", finished_at: "2026-05-01T10:00:00Z" }),
      simulation_drilldown: () => [{ id: "s-7", values: {} }],
      shopper_get: (a) => ({ id: a.id, values: { lifetime_value: 5 } }),
      preview_decide: () => ({ decision: DECISION, text: "", digest: "sha256:abc123" }),
    });
    renderWithQuery(<SimulateScreen onOpen={() => {}} onSection={() => {}} />);
    fireEvent.click(screen.getByTestId("sim-tab-batch"));
    fireEvent.click(await screen.findByTestId("drill-page-product-blocks-2"));
    fireEvent.click(await screen.findByTestId("drill-shopper-open"));
    expect(screen.getByTestId("sim-tab-preview")).toHaveAttribute("aria-selected", "true");
    await waitFor(() => expect(calls("shopper_get").some((c) => c.id === "s-7")).toBe(true));
    await waitFor(() =>
      expect(calls("preview_decide").some((c) => (c.shopper as Record<string, unknown>).id === "s-7" && c.page === "product" && c.at === "2026-05-04T08:00:00Z")).toBe(true),
    );
  });
});

// ---------- impact ----------

describe("Impact tab", () => {
  const IMPACT: ImpactReport = {
    draft_digest: "sha256:draft",
    base_digest: "sha256:base",
    shoppers: 1000,
    page_views: 2000,
    changed_views: 300,
    changed_shoppers: 250,
    elapsed_ms: 900,
    placements: [
      {
        page: "home",
        placement: "home.hero",
        views: 1000,
        changed: 300,
        by_segment: { loyal: 200, "(default)": 100 },
        examples: [
          {
            shopper: "s-1",
            before: { content: "default_hero", personalized: false, products: [], fallback_reason: "no_candidate" },
            after: { content: "spring_hero", entry: "spring_hero_e", segment: "loyal", personalized: true, products: [] },
          },
        ],
      },
      { page: "home", placement: "home.recs", views: 1000, changed: 0, by_segment: {}, examples: [] },
    ],
  };

  it("compares the draft with the published bundle per placement, with examples", async () => {
    routes({ impact_run: () => IMPACT, environment_list: () => [{ environment: { name: "production", urls: [], require_approval: false }, token_available: true, token_source: null }] });
    renderWithQuery(<ImpactPanel />);
    const env = await screen.findByRole("option", { name: "production" });
    fireEvent.change(screen.getByTestId("impact-env"), { target: { value: (env as HTMLOptionElement).value } });
    fireEvent.click(screen.getByTestId("impact-run"));
    const rows = await screen.findAllByTestId("impact-row");
    expect(calls("impact_run")).toEqual([{ environment: "production" }]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveAttribute("data-placement", "home.hero");
    expect(rows[0]).toHaveTextContent("300");
    expect(rows[0]).toHaveTextContent("30.0%");
    expect(within(rows[0]).getByTestId("impact-by-segment")).toHaveTextContent("loyal: 200");
    expect(screen.getByTestId("impact-changed-shoppers")).toHaveTextContent("250");
    fireEvent.click(within(rows[0]).getByTestId("impact-examples-toggle"));
    const ex = screen.getByTestId("impact-example");
    expect(ex).toHaveTextContent("default_hero");
    expect(ex).toHaveTextContent("spring_hero");
    expect(ex).toHaveTextContent("spring_hero_e · loyal");
  });

  it("says so when nothing is published", async () => {
    routes({ impact_run: () => Promise.reject({ kind: "not_found", message: "nothing has been published yet" }) });
    renderWithQuery(<ImpactPanel />);
    fireEvent.change(screen.getByTestId("impact-env"), { target: { value: "staging" } });
    fireEvent.click(screen.getByTestId("impact-run"));
    expect(await screen.findByTestId("impact-error")).toHaveTextContent("nothing has been published yet");
    expect(calls("impact_run")).toEqual([{ environment: "staging" }]);
  });
});

// ---------- problems ----------

describe("Problems tab", () => {
  it("maps finding items to where they are edited", () => {
    expect(linkForItem("segment:returning")).toEqual({ kind: "item", target: { kind: "segment", key: "returning" } });
    expect(linkForItem("entry:a:b")).toEqual({ kind: "item", target: { kind: "entry", key: "a:b" } });
    expect(linkForItem("catalog")).toEqual({ kind: "section", section: "catalog" });
    expect(linkForItem("product:sku-1")).toEqual({ kind: "section", section: "catalog" });
    expect(linkForItem("mystery:x")).toBeNull();
  });

  it("groups findings by severity and opens each item where it is edited", async () => {
    routes({
      lint: () => [
        { severity: "error", rule: "conflicting_entries", item: "entry:hero_a", message: "hero_a and hero_b tie" },
        { severity: "warning", rule: "tiny_segment", item: "segment:vip", message: "matches 0.2%" },
        { severity: "warning", rule: "past_review_by", item: "content:spring_hero", message: "review was due" },
        { severity: "warning", rule: "catalog_hygiene", item: "catalog", message: "3 products without price" },
      ],
    });
    const onOpen = vi.fn();
    const onSection = vi.fn();
    renderWithQuery(<ProblemsPanel onOpen={onOpen} onSection={onSection} />);
    const errors = await screen.findByTestId("problems-error");
    expect(within(errors).getAllByTestId("problem")).toHaveLength(1);
    const warnings = screen.getByTestId("problems-warning");
    expect(within(warnings).getAllByTestId("problem").map((r) => r.getAttribute("data-rule"))).toEqual(["tiny_segment", "past_review_by", "catalog_hygiene"]);
    fireEvent.click(within(errors).getByTestId("problem-open"));
    expect(onOpen).toHaveBeenLastCalledWith({ kind: "entry", key: "hero_a" });
    const [seg, content, catalog] = within(warnings).getAllByTestId("problem-open");
    fireEvent.click(seg);
    expect(onOpen).toHaveBeenLastCalledWith({ kind: "segment", key: "vip" });
    fireEvent.click(content);
    expect(onOpen).toHaveBeenLastCalledWith({ kind: "content", key: "spring_hero" });
    fireEvent.click(catalog);
    expect(onSection).toHaveBeenCalledWith("catalog");
  });

  it("offers a finding's example shopper for preview and opens it on the entry's page", async () => {
    const witness = { customer_type: "returning", device: "mobile", viewed_categories: ["running"] };
    routes({
      lint: () => [
        {
          severity: "error",
          rule: "conflicting_entries",
          item: "entry:restock_recs",
          message: 'ties with entry `other` on product.recs and a shopper can match both `returning` and `mobile`, e.g. customer_type = "returning", device = "mobile", viewed_categories = ["running"]; only the id order picks the winner',
          witness,
        },
        { severity: "warning", rule: "tiny_segment", item: "segment:vip", message: "matches 0.2%" },
      ],
      preview_context: () => CONTEXT,
      shopper_get: (a) => ({ id: a.id, values: { lifetime_value: 5 } }),
      preview_decide: () => ({ decision: DECISION, text: "", digest: "sha256:abc123" }),
    });
    renderWithQuery(<SimulateScreen onOpen={() => {}} onSection={() => {}} initialTab="problems" />);
    const errors = await screen.findByTestId("problems-error");
    // The hidden preview has loaded its first sample shopper meanwhile.
    await waitFor(() => expect(calls("shopper_get")).toEqual([{ id: "s-1" }]));
    expect(within(errors).getByTestId("problem")).toHaveTextContent('e.g. customer_type = "returning", device = "mobile", viewed_categories = ["running"]');
    // Only findings with an example shopper offer one.
    expect(screen.getAllByTestId("problem-preview")).toHaveLength(1);
    fireEvent.click(within(errors).getByTestId("problem-preview"));
    expect(screen.getByTestId("sim-tab-preview")).toHaveAttribute("aria-selected", "true");
    await waitFor(() =>
      expect(calls("preview_decide").some((c) => JSON.stringify(c.shopper) === JSON.stringify({ ...witness, id: "example-shopper" }) && c.page === "product")).toBe(true),
    );
    expect(screen.getByTestId("preview-attr-id")).toHaveValue("example-shopper");
    expect(screen.getByTestId("preview-shopper")).toHaveValue("");
    const decided = calls("preview_decide");
    expect(decided[decided.length - 1]?.shopper).toEqual({ ...witness, id: "example-shopper" });
  });

  it("shows no preview button where nothing can open the preview", async () => {
    routes({ lint: () => [{ severity: "error", rule: "conflicting_entries", item: "entry:a", message: "ties", witness: { device: "mobile" } }] });
    renderWithQuery(<ProblemsPanel onOpen={() => {}} onSection={() => {}} />);
    await screen.findByTestId("problems-error");
    expect(screen.queryByTestId("problem-preview")).toBeNull();
  });

  it("has an empty state", async () => {
    routes({ lint: () => [] });
    renderWithQuery(<ProblemsPanel onOpen={() => {}} onSection={() => {}} />);
    expect(await screen.findByTestId("problems-empty")).toBeInTheDocument();
  });
});
