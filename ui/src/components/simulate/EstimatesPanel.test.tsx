import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Estimate } from "../../bindings/Estimate";
import type { EstimateReport } from "../../bindings/EstimateReport";
import type { EventSet } from "../../bindings/EventSet";
import type { PolicySummary } from "../../bindings/PolicySummary";
import { SimulateScreen } from "../../screens/SimulateScreen";
import { renderWithQuery } from "../../test/utils";
import { EstimatesPanel } from "./EstimatesPanel";
import { barPosition, barScale, defaultReward, formatEss, formatEstimate, formatNumber, isRateReport, looksLikeRfc3339, rustFixed } from "./estimateFormat";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));
const open = vi.fn(async (): Promise<string | null> => null);
vi.mock("@tauri-apps/plugin-dialog", () => ({ save: vi.fn(async () => null), open: () => open() }));

type Route = (args: Record<string, unknown>) => unknown;

function routes(extra: Record<string, Route>) {
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
    if (cmd in extra) return extra[cmd](args);
    if (cmd === "preview_context") return { pages: [], personas: [], boundaries: [], sample_ids: [], products: [], digest: "d1" };
    if (cmd === "plan_data") return { entries: [], placements: [], contents: [], segments: [], campaigns: [] };
    if (cmd === "persona_list" || cmd === "attribute_list" || cmd === "environment_list") return [];
    throw { kind: "internal", message: `unexpected ${cmd}` };
  });
}

const calls = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1] as Record<string, unknown>);

beforeEach(() => {
  invoke.mockReset();
  open.mockReset();
  open.mockResolvedValue(null);
});

// ---------- fixtures: figures of `tailor estimate` on the apparel example ----------

const ok = (value: number, ci_low: number, ci_high: number): Estimate => ({ status: "ok", value, ci_low, ci_high, std_error: 0.01 });
const no = (reason: string): Estimate => ({ status: "insufficient_data", reason });

const SOCIAL = "not enough data: only 26 events where the logged content is one the draft would show (minimum 30); only 0 of them with a positive `click` (minimum 5)";
const FOUR = "not enough data: only 4 of them with a positive `click` (minimum 5)";

const OVERALL: PolicySummary = {
  events: 4000,
  matched: 1482,
  matched_positive: 73,
  ess: 1116.0654673324239,
  logged: ok(0.0445, 0.038109015854941454, 0.05089098414505854),
  ips: ok(0.051274999999999994, 0.038272689047070096, 0.06427731095292989),
  snips: ok(0.05224745577052897, 0.0392498553897171, 0.06524505615134084),
  dr: ok(0.05228220111100386, 0.03953737224052548, 0.06502702998148224),
  difference: {
    ips: ok(0.006774999999999996, -0.003985038879275454, 0.017535038879275447),
    snips: ok(0.007747455770528974, -0.0029599475708800543, 0.018454859111938005),
    dr: ok(0.007782201111003861, -0.0027042888473348195, 0.018268691069342542),
  },
};

const REPORT: EstimateReport = {
  reward: "click",
  ci_method: "normal",
  confidence: 0.95,
  thresholds: { min_matched: 30, min_positive: 5, min_ess: 20 },
  outcome_model: "mean `click` per (placement, content) over all logged events, shrunk toward the placement's mean with a prior weight of 10 events",
  notes: [],
  ...OVERALL,
  placements: {},
  entries: [
    {
      entry: "home_hero_gifting",
      placement: "home.hero",
      segment: "returning_customers",
      holdout: 0.1,
      events: 984,
      matched: 592,
      matched_positive: 25,
      ess: 470.01658701152655,
      logged: ok(0.037601626016260166, 0.025709703106203106, 0.04949354892631723),
      ips: ok(0.048272357723577235, 0.028323274155247876, 0.06822144129190659),
      snips: ok(0.048981696313482856, 0.029039442049124814, 0.0689239505778409),
      dr: ok(0.04861392222458691, 0.02896564254260474, 0.06826220190656908),
      difference: {
        ips: ok(0.010670731707317069, -0.002606464180768705, 0.023947927595402842),
        snips: ok(0.01138007029722269, -0.0018499170168115881, 0.024610057611256966),
        dr: ok(0.011012296208326743, -0.0019736460912037155, 0.0239982385078572),
      },
      treatment: {
        content: ["hero_gift_guide", "hero_gift_cashmere"],
        matched: 385,
        matched_positive: 20,
        ess: 385,
        ips: ok(0.0508130081300813, 0.02875990252701787, 0.07286611373314472),
        snips: ok(0.05194805194805195, 0.029769192070825175, 0.07412691182527872),
        dr: ok(0.0513795457120429, 0.0296874274090181, 0.0730716640150677),
      },
      control: {
        content: ["hero_winter_edit"],
        matched: 207,
        matched_positive: 5,
        ess: 207,
        ips: ok(0.02540650406504065, 0.0031824857613545893, 0.04763052236872671),
        snips: ok(0.024154589371980676, 0.0032291758079165678, 0.045080002936044784),
        dr: ok(0.023723310837477526, 0.0016878361681813593, 0.04575878550677369),
      },
      lift: {
        ips: ok(0.02540650406504065, -0.006063108050979184, 0.05687611618106048),
        snips: ok(0.027793462576071275, -0.0026987455807805302, 0.05828567073292308),
        dr: ok(0.027656234874565377, -0.0032548413053255926, 0.058567311054456346),
      },
    },
    {
      entry: "home_hero_social",
      placement: "home.hero",
      segment: "social_arrivals",
      holdout: 0,
      events: 147,
      matched: 26,
      matched_positive: 0,
      ess: 26,
      logged: ok(0.034013605442176874, 0.004611156618277608, 0.06341605426607613),
      ips: no(SOCIAL),
      snips: no(SOCIAL),
      dr: no(SOCIAL),
      difference: { ips: no(`draft: ${SOCIAL}`), snips: no(`draft: ${SOCIAL}`), dr: no(`draft: ${SOCIAL}`) },
      treatment: { content: ["hero_as_seen_on_social"], matched: 26, matched_positive: 0, ess: 26, ips: no(SOCIAL), snips: no(SOCIAL), dr: no(SOCIAL) },
      control: { content: ["hero_winter_edit"], matched: 25, matched_positive: 0, ess: 25, ips: no(SOCIAL), snips: no(SOCIAL), dr: no(SOCIAL) },
      lift: { ips: no(`treatment: ${SOCIAL}`), snips: no(`treatment: ${SOCIAL}`), dr: no(`treatment: ${SOCIAL}`) },
    },
  ],
  breakdowns: {
    traffic_source: {
      affiliate: {
        events: 190,
        matched: 75,
        matched_positive: 4,
        ess: 57.05973300714626,
        logged: ok(0.05263157894736842, 0.020796946461096873, 0.08446621143363997),
        ips: no(FOUR),
        snips: no(FOUR),
        dr: no(FOUR),
        difference: { ips: no(`draft: ${FOUR}`), snips: no(`draft: ${FOUR}`), dr: no(`draft: ${FOUR}`) },
      },
      direct: {
        events: 866,
        matched: 330,
        matched_positive: 20,
        ess: 246.37270689328489,
        logged: ok(0.04387990762124711, 0.030230018865324226, 0.05752979637717),
        ips: ok(0.05571593533487298, 0.027489464835719304, 0.08394240583402665),
        snips: ok(0.055680572384744095, 0.027972421623649824, 0.08338872314583837),
        dr: ok(0.056069656516049934, 0.028403829541088856, 0.08373548349101101),
        difference: {
          ips: ok(0.011836027713625866, -0.010744931668546513, 0.03441698709579824),
          snips: ok(0.011800664763496983, -0.010268410562581931, 0.0338697400895759),
          dr: ok(0.012189748894802822, -0.009822644948785892, 0.03420214273839153),
        },
      },
    },
  },
};

const SET: EventSet = {
  id: 1,
  name: "Home page randomized test (example)",
  source: "examples/apparel/events.jsonl",
  imported_at: "2026-11-25T10:04:00Z",
  count: 4000,
  rewards: ["click"],
};

async function runEstimate() {
  fireEvent.click(await screen.findByTestId("estimates-run"));
  return screen.findByTestId("estimates-overall");
}

// ---------- formatting ----------

describe("estimate formatting (the same as `tailor estimate`)", () => {
  it("prints rates in percent with three decimals, like the CLI's text output", () => {
    // The lines `tailor estimate WS` printed for the apparel example.
    expect(formatEstimate(OVERALL.logged, true)).toBe("4.450%  [3.811%, 5.089%]");
    expect(formatEstimate(OVERALL.ips, true)).toBe("5.127%  [3.827%, 6.428%]");
    expect(formatEstimate(OVERALL.snips, true)).toBe("5.225%  [3.925%, 6.525%]");
    expect(formatEstimate(OVERALL.dr, true)).toBe("5.228%  [3.954%, 6.503%]");
    expect(formatEstimate(OVERALL.difference.snips, true)).toBe("0.775%  [-0.296%, 1.845%]");
    expect(formatEss(OVERALL.ess)).toBe("1116.1");
    expect(formatNumber(0.0445, true)).toBe("4.450%");
  });

  it("rounds exact ties to even and keeps the sign of −0, as Rust's {:.3} does", () => {
    expect(rustFixed(6.0625, 3)).toBe("6.062");
    expect(rustFixed(0.0625, 3)).toBe("0.062");
    expect(rustFixed(0.1875, 3)).toBe("0.188");
    expect(rustFixed(0.25, 1)).toBe("0.2");
    expect(rustFixed(2.5, 0)).toBe("2");
    expect(rustFixed(-0.0625, 3)).toBe("-0.062");
    expect(rustFixed(-0, 3)).toBe("-0.000");
    expect(rustFixed(-1e-9, 3)).toBe("-0.000");
    expect(rustFixed(0.35, 1)).toBe("0.3"); // 0.35 is 0.34999… in binary
    expect(rustFixed(1116.05, 1)).toBe("1116.0");
    expect(rustFixed(123456.789, 3)).toBe("123456.789");
    expect(rustFixed(Number.NaN, 3)).toBe("NaN");
  });

  it("shows other rewards (revenue) without a percent sign", () => {
    const revenue = { logged: ok(41.25, 38.5, 44) };
    expect(isRateReport(revenue)).toBe(false);
    expect(formatEstimate(revenue.logged, false)).toBe("41.250  [38.500, 44.000]");
    expect(isRateReport({ logged: no("x") })).toBe(true);
  });

  it("gives the reason instead of a number when there is not enough data", () => {
    expect(formatEstimate(no(FOUR), true)).toBe(FOUR);
    expect(formatEstimate({ status: "insufficient_data" }, true)).toBe("not enough data");
  });

  it("chooses the default reward by the CLI's rule", () => {
    expect(defaultReward(["conversion"])).toBe("conversion");
    expect(defaultReward(["revenue", "click"])).toBe("click");
    expect(defaultReward(["revenue", "conversion"])).toBeNull();
    expect(defaultReward([])).toBeNull();
  });

  it("checks the fixed instant is RFC 3339 with an offset", () => {
    expect(looksLikeRfc3339("2026-12-01T08:00:00Z")).toBe(true);
    expect(looksLikeRfc3339("2026-12-01T08:00:00.5+01:00")).toBe(true);
    expect(looksLikeRfc3339("2026-12-01T08:00")).toBe(false);
    expect(looksLikeRfc3339("tomorrow")).toBe(false);
  });

  it("puts the bars of one table on one scale from 0", () => {
    const s = barScale([OVERALL.logged, OVERALL.snips, no("x")]);
    expect(s).not.toBeNull();
    expect(s!.lo).toBe(0);
    expect(barPosition(s!, 0.06524505615134084)).toBeLessThan(100);
    expect(barPosition(s!, 0)).toBe(0);
    expect(barScale([no("x")])).toBeNull();
  });
});

// ---------- the panel ----------

describe("Estimates panel", () => {
  it("labels the figures as estimates from logged data, not a forecast", async () => {
    routes({ event_sets: () => [SET] });
    renderWithQuery(<EstimatesPanel />);
    expect(screen.getByTestId("estimates-title")).toHaveTextContent("Estimates from logged data — not a forecast");
    const row = await screen.findByTestId("event-set-1");
    expect(row).toHaveTextContent("Home page randomized test (example)");
    expect(row).toHaveTextContent("4000");
    expect(row).toHaveTextContent("click");
    expect(row).toHaveTextContent("examples/apparel/events.jsonl");
    expect(screen.getByTestId("event-sets")).toHaveTextContent("tailor import events");
  });

  it("shows an empty state when the workspace has no events, and no Run button", async () => {
    routes({ event_sets: () => [] });
    renderWithQuery(<EstimatesPanel />);
    const empty = await screen.findByTestId("estimates-empty");
    expect(empty).toHaveTextContent("No logged events yet");
    expect(screen.queryByTestId("estimates-run")).toBeNull();
    expect(screen.getByTestId("events-import")).toBeEnabled();
  });

  it("runs the estimate and shows the CLI's figures for the draft and each entry", async () => {
    routes({ event_sets: () => [SET], estimate_run: () => REPORT });
    renderWithQuery(<EstimatesPanel />);
    const overall = await runEstimate();
    expect(calls("estimate_run")[0]).toEqual({ request: { seed: 1, reward: "click" }, set: null });

    expect(within(overall).getByTestId("estimates-events")).toHaveTextContent("4000");
    expect(within(overall).getByTestId("estimates-matched")).toHaveTextContent("1482");
    expect(within(overall).getByTestId("estimates-matched-positive")).toHaveTextContent("73");
    expect(within(overall).getByTestId("estimates-ess")).toHaveTextContent("1116.1");
    const snips = within(overall).getByTestId("estimate-row-snips");
    expect(within(snips).getByTestId("estimate-value")).toHaveTextContent(/^5\.225%$/);
    expect(within(snips).getByTestId("estimate-interval")).toHaveTextContent("[3.925%, 6.525%]");
    expect(within(snips).getByTestId("estimate-diff-value")).toHaveTextContent("0.775%");
    expect(within(snips).getByTestId("estimate-diff-interval")).toHaveTextContent("[-0.296%, 1.845%]");
    expect(within(within(overall).getByTestId("estimate-row-logged")).getByTestId("estimate-value")).toHaveTextContent("4.450%");
    expect(within(within(overall).getByTestId("estimate-row-ips")).getByTestId("estimate-value")).toHaveTextContent("5.127%");
    expect(within(within(overall).getByTestId("estimate-row-dr")).getByTestId("estimate-interval")).toHaveTextContent("[3.954%, 6.503%]");
    expect(within(snips).getByTestId("estimate-bar")).toBeInTheDocument();

    const gifting = screen.getByTestId("estimate-entry-home_hero_gifting");
    expect(gifting).toHaveTextContent("home.hero");
    expect(gifting).toHaveTextContent("segment returning_customers");
    expect(gifting).toHaveTextContent("holdout 10%");
    expect(within(gifting).getByTestId("entry-support")).toHaveTextContent("events 984 · matched 592 (25 with a positive outcome) · effective sample size 470.0");
    expect(within(within(gifting).getByTestId("estimate-row-snips")).getByTestId("estimate-value")).toHaveTextContent("4.898%");
    expect(within(within(gifting).getByTestId("entry-treatment")).getByTestId("estimate-value")).toHaveTextContent("5.195%");
    expect(within(within(gifting).getByTestId("entry-control")).getByTestId("estimate-interval")).toHaveTextContent("[0.323%, 4.508%]");
    expect(within(within(gifting).getByTestId("entry-lift")).getByTestId("estimate-value")).toHaveTextContent("2.779%");
    expect(within(gifting).getByTestId("entry-lift")).toHaveTextContent("interval includes 0");

    const direct = within(screen.getByTestId("estimates-breakdown-traffic_source"))
      .getAllByTestId("breakdown-row")
      .find((r) => r.dataset.value === "direct")!;
    expect(within(direct).getByTestId("estimate-value")).toHaveTextContent("5.568%");
    expect(within(direct).getByTestId("estimate-interval")).toHaveTextContent("[2.797%, 8.339%]");
  });

  it("shows the reason, never a number, where there is not enough data", async () => {
    routes({ event_sets: () => [SET], estimate_run: () => REPORT });
    renderWithQuery(<EstimatesPanel />);
    await runEstimate();
    const social = screen.getByTestId("estimate-entry-home_hero_social");
    for (const k of ["ips", "snips", "dr"]) {
      const row = within(social).getByTestId(`estimate-row-${k}`);
      expect(row).toHaveAttribute("data-status", "insufficient_data");
      expect(within(row).getByTestId("estimate-reason")).toHaveTextContent(SOCIAL);
      expect(within(row).queryByTestId("estimate-value")).toBeNull();
      expect(within(row).queryByTestId("estimate-bar")).toBeNull();
      expect(row.textContent).not.toMatch(/\d%/);
    }
    // The logged rate of the audience still has its number.
    expect(within(within(social).getByTestId("estimate-row-logged")).getByTestId("estimate-value")).toHaveTextContent("3.401%");
    expect(within(social).getByTestId("entry-lift")).toHaveTextContent(`treatment: ${SOCIAL}`);
    expect(within(social).getByTestId("entry-lift").textContent).not.toMatch(/\d%/);
    const affiliate = within(screen.getByTestId("estimates-breakdown-traffic_source"))
      .getAllByTestId("breakdown-row")
      .find((r) => r.dataset.value === "affiliate")!;
    expect(within(affiliate).getByTestId("estimate-reason")).toHaveTextContent(FOUR);
    expect(affiliate.textContent).not.toMatch(/%/);
  });

  it("opens Method and assumptions with the thresholds, interval method and outcome model", async () => {
    routes({ event_sets: () => [SET], estimate_run: () => REPORT });
    renderWithQuery(<EstimatesPanel />);
    const method = screen.getByTestId("estimates-method");
    expect(method).not.toHaveAttribute("open");
    fireEvent.click(screen.getByTestId("estimates-method-toggle"));
    await waitFor(() => expect(method).toHaveAttribute("open"));
    expect(method).toHaveTextContent("not a forecast");
    expect(method).toHaveTextContent("SNIPS");
    expect(method).toHaveTextContent("Run an estimate to see");
    await runEstimate();
    expect(screen.getByTestId("threshold-min-matched")).toHaveTextContent("30");
    expect(screen.getByTestId("threshold-min-positive")).toHaveTextContent("5");
    expect(screen.getByTestId("threshold-min-ess")).toHaveTextContent("20");
    expect(screen.getByTestId("estimates-ci-method")).toHaveTextContent("95% intervals, normal approximation");
    expect(screen.getByTestId("estimates-outcome-model")).toHaveTextContent("shrunk toward the placement's mean");
  });

  it("sends the chosen set, fixed instant and bootstrap settings, and runs on Enter", async () => {
    const second: EventSet = { ...SET, id: 2, name: "orders.jsonl", count: 300, rewards: ["conversion", "revenue"] };
    routes({ event_sets: () => [SET, second], estimate_run: () => ({ ...REPORT, ci_method: "bootstrap_percentile" }) });
    renderWithQuery(<EstimatesPanel />);
    await screen.findByTestId("event-set-2");
    fireEvent.change(screen.getByTestId("estimates-set"), { target: { value: "2" } });
    // Two outcomes, none is click: the user has to choose.
    expect(screen.getByTestId("estimates-run")).toBeDisabled();
    fireEvent.change(screen.getByTestId("estimates-reward"), { target: { value: "revenue" } });
    fireEvent.change(screen.getByTestId("estimates-at"), { target: { value: "2026-12-01T08:00" } });
    expect(screen.getByTestId("estimates-at-hint")).toHaveTextContent("RFC 3339");
    expect(screen.getByTestId("estimates-run")).toBeDisabled();
    fireEvent.change(screen.getByTestId("estimates-at"), { target: { value: "2026-12-01T08:00:00Z" } });
    fireEvent.click(screen.getByTestId("estimates-method-bootstrap"));
    fireEvent.change(screen.getByTestId("estimates-seed"), { target: { value: "7" } });
    fireEvent.submit(screen.getByTestId("estimates-form"));
    await screen.findByTestId("estimates-overall");
    expect(calls("estimate_run")[0]).toEqual({
      request: { seed: 7, reward: "revenue", at: "2026-12-01T08:00:00Z", bootstrap: 500 },
      set: 2,
    });
    expect(screen.getByTestId("estimates-results-title")).toHaveTextContent("percentile bootstrap");
  });

  it("shows the error's sentence in a banner", async () => {
    routes({
      event_sets: () => [SET],
      estimate_run: () => {
        throw { kind: "invalid", message: "no events in this workspace yet: import a JSON Lines file, or use `tailor import events`" };
      },
    });
    renderWithQuery(<EstimatesPanel />);
    fireEvent.click(await screen.findByTestId("estimates-run"));
    expect(await screen.findByTestId("estimates-error")).toHaveTextContent("no events in this workspace yet");
    expect(screen.queryByTestId("estimates-overall")).toBeNull();
  });

  it("imports a JSON Lines file from a typed path or the file dialog and refreshes the list", async () => {
    let sets: EventSet[] = [];
    const imported: EventSet = { ...SET, id: 2, name: "week 48", source: "/data/events.jsonl", count: 12 };
    routes({
      event_sets: () => sets,
      events_import: () => {
        sets = [imported];
        return imported;
      },
    });
    renderWithQuery(<EstimatesPanel />);
    await screen.findByTestId("estimates-empty");
    fireEvent.change(screen.getByTestId("events-import-path"), { target: { value: "/data/events.jsonl" } });
    fireEvent.change(screen.getByTestId("events-import-name"), { target: { value: "week 48" } });
    fireEvent.click(screen.getByTestId("events-import-submit"));
    expect(await screen.findByTestId("events-import-done")).toHaveTextContent("Imported 12 events as “week 48”");
    expect(calls("events_import")[0]).toEqual({ path: "/data/events.jsonl", name: "week 48" });
    await screen.findByTestId("event-set-2");

    open.mockResolvedValueOnce("/data/more.ndjson");
    fireEvent.click(screen.getByTestId("events-import"));
    await waitFor(() => expect(calls("events_import")).toHaveLength(2));
    expect(calls("events_import")[1]).toEqual({ path: "/data/more.ndjson", name: null });
  });

  it("explains a refused import (CSV) and imports nothing", async () => {
    routes({
      event_sets: () => [SET],
      events_import: () => {
        throw { kind: "invalid", message: "/data/a.csv: the app imports JSON Lines events (.jsonl); for a CSV export or a decision log use `tailor import events` with its mapping flags" };
      },
    });
    renderWithQuery(<EstimatesPanel />);
    await screen.findByTestId("event-set-1");
    fireEvent.change(screen.getByTestId("events-import-path"), { target: { value: "/data/a.csv" } });
    fireEvent.submit(screen.getByTestId("events-import-path").closest("form")!);
    const err = await screen.findByTestId("events-import-error");
    expect(err).toHaveTextContent("nothing was imported");
    expect(err).toHaveTextContent("tailor import events");
  });

  it("deletes an event set only after confirmation", async () => {
    let sets: EventSet[] = [SET];
    routes({
      event_sets: () => sets,
      event_set_delete: () => {
        sets = [];
        return null;
      },
    });
    renderWithQuery(<EstimatesPanel />);
    await screen.findByTestId("event-set-1");
    fireEvent.click(screen.getByTestId("event-set-delete-1"));
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent("Home page randomized test (example)");
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    expect(calls("event_set_delete")).toHaveLength(0);
    fireEvent.click(screen.getByTestId("event-set-delete-1"));
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(calls("event_set_delete")).toEqual([{ id: 1 }]));
    await screen.findByTestId("estimates-empty");
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
  });

  it("is a tab of Simulate, and its result survives switching tabs", async () => {
    routes({ event_sets: () => [SET], estimate_run: () => REPORT });
    renderWithQuery(<SimulateScreen onOpen={() => {}} onSection={() => {}} />);
    expect(calls("event_sets")).toHaveLength(0);
    fireEvent.click(screen.getByTestId("sim-tab-estimates"));
    expect(screen.getByTestId("sim-tab-estimates")).toHaveAttribute("aria-selected", "true");
    await runEstimate();
    fireEvent.click(screen.getByTestId("sim-tab-impact"));
    fireEvent.click(screen.getByTestId("sim-tab-estimates"));
    expect(screen.getByTestId("estimates-results")).toHaveAttribute("data-run", "1");
    expect(calls("estimate_run")).toHaveLength(1);
  });
});
