// Simulate → Estimates in the real app: the apparel example's logged event
// set is listed, the estimate runs, and every figure on screen equals what
// `tailor estimate WS` prints for the same workspace (the app and the CLI
// go through one function). Then Method and assumptions, and a JSON Lines
// import and a confirmed delete through the app.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, attributes, failureShot, openApp, root, startDriver } from "./driver.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-e2e-est-"));
const cli = path.join(root, "target/debug/tailor");
const ws = path.join(tmp, "apparel.tailor");
const env = {
  XDG_DATA_HOME: path.join(tmp, "data"),
  TAILOR_KEY_DIR: path.join(tmp, "keys"),
  TAILOR_AUTHOR: "e2e",
};
const tailor = (...args) => execFileSync(cli, args, { env: { ...process.env, ...env }, encoding: "utf8" });

// The example workspace carries the event set "Home page randomized test (example)".
tailor("init", ws, "--example", "apparel");
const report = JSON.parse(tailor("estimate", ws, "--format", "json"));
const cliText = tailor("estimate", ws);

// A small JSON Lines file to import through the app.
const small = path.join(tmp, "small.jsonl");
const lines = readFileSync(path.join(root, "examples/apparel/events.jsonl"), "utf8").split("\n").filter(Boolean).slice(0, 40);
writeFileSync(small, lines.join("\n") + "\n");

const driver = await startDriver(env);
after(() => {
  driver.stop();
  rmSync(tmp, { recursive: true, force: true });
});

// The CLI's rule for a rate: {:.3} of value × 100, then `%`.
const pct = (v) => `${(v * 100).toFixed(3)}%`;
const interval = (e) => `[${pct(e.ci_low)}, ${pct(e.ci_high)}]`;

async function click(browser, id) {
  const el = $t(browser, id);
  await el.waitForClickable({ timeout: 30000 });
  await el.click();
}

/** The text of the first element matching a CSS selector, once it exists. */
async function text(browser, selector) {
  const el = browser.$(selector);
  await el.waitForExist({ timeout: 30000, timeoutMsg: `${selector} never appeared` });
  return (await el.getText()).trim();
}

const tid = (id) => `[data-testid="${id}"]`;

/** Value and interval (or the reason) of one estimator row inside a container. */
async function row(browser, container, estimator) {
  const r = `${container} ${tid(`estimate-row-${estimator}`)}`;
  const el = browser.$(r);
  await el.waitForExist({ timeout: 30000, timeoutMsg: `${r} never appeared` });
  if ((await el.getAttribute("data-status")) !== "ok") return { reason: await text(browser, `${r} ${tid("estimate-reason")}`) };
  return { value: await text(browser, `${r} ${tid("estimate-value")}`), interval: await text(browser, `${r} ${tid("estimate-interval")}`) };
}

const expected = (e) => (e.status === "ok" ? { value: pct(e.value), interval: interval(e) } : { reason: e.reason });

test("estimates of the draft equal tailor estimate, with method and event sets", async () => {
  const browser = await openApp(driver, [ws]);
  try {
    await click(browser, "nav-simulate");
    await click(browser, "sim-tab-estimates");
    await $t(browser, "estimates-title").waitForDisplayed({ timeout: 30000 });
    assert.match(await $t(browser, "estimates-title").getText(), /not a forecast/);

    // The example's event set is listed.
    const set = browser.$('[data-name="Home page randomized test (example)"]');
    await set.waitForDisplayed({ timeout: 30000 });
    assert.equal(await text(browser, `[data-name="Home page randomized test (example)"] ${tid("event-set-count")}`), String(report.events));

    // Run and wait for the result.
    await click(browser, "estimates-run");
    await browser.waitUntil(async () => (await $t(browser, "estimates-results").isExisting()) && (await $t(browser, "estimates-results").getAttribute("data-run")) === "1", {
      timeout: 120000,
      timeoutMsg: "no estimate result",
    });

    // Overall: the same figures as the CLI.
    const overall = tid("estimates-overall");
    assert.equal(await text(browser, `${overall} ${tid("estimates-events")}`), String(report.events));
    assert.equal(await text(browser, `${overall} ${tid("estimates-matched")}`), String(report.matched));
    assert.equal(await text(browser, `${overall} ${tid("estimates-matched-positive")}`), String(report.matched_positive));
    assert.equal(await text(browser, `${overall} ${tid("estimates-ess")}`), report.ess.toFixed(1));
    assert.ok(cliText.includes(`events ${report.events}  matched ${report.matched} (${report.matched_positive} with a positive outcome)  effective sample size ${report.ess.toFixed(1)}`));
    for (const [k, label] of [["logged", "logged"], ["ips", "IPS"], ["snips", "SNIPS"], ["dr", "DR"]]) {
      const shown = await row(browser, overall, k);
      assert.deepEqual(shown, expected(report[k]), `overall ${label}`);
      // …and the CLI's own text line reads the same.
      if (shown.value) assert.ok(cliText.includes(`\n  ${label.padEnd(7)} ${shown.value}  ${shown.interval}\n`), `the CLI prints ${label} ${shown.value} ${shown.interval}`);
      if (k !== "logged") {
        const d = report.difference[k];
        assert.equal(d.status, "ok");
        const r = `${overall} ${tid(`estimate-row-${k}`)}`;
        assert.equal(await text(browser, `${r} ${tid("estimate-diff-value")}`), pct(d.value), `draft − logged ${label}`);
        assert.equal(await text(browser, `${r} ${tid("estimate-diff-interval")}`), interval(d), `draft − logged ${label} interval`);
      }
    }

    // Entries: gifting has numbers, social does not.
    const gifting = report.entries.find((e) => e.entry === "home_hero_gifting");
    const social = report.entries.find((e) => e.entry === "home_hero_social");
    assert.ok(gifting && social, "the example's entries are in the CLI report");
    const g = tid("estimate-entry-home_hero_gifting");
    for (const k of ["logged", "ips", "snips", "dr"]) {
      assert.deepEqual(await row(browser, g, k), expected(gifting[k]), `home_hero_gifting ${k}`);
    }
    assert.equal(gifting.snips.status, "ok");
    assert.equal(await text(browser, `${g} ${tid("entry-treatment")} ${tid("estimate-value")}`), pct(gifting.treatment.snips.value));
    assert.equal(await text(browser, `${g} ${tid("entry-control")} ${tid("estimate-interval")}`), interval(gifting.control.snips));
    assert.equal(await text(browser, `${g} ${tid("entry-lift")} ${tid("estimate-value")}`), pct(gifting.lift.snips.value));
    const support = await text(browser, `${g} ${tid("entry-support")}`);
    assert.ok(support.includes(`matched ${gifting.matched} (${gifting.matched_positive} with a positive outcome)`), support);

    const s = tid("estimate-entry-home_hero_social");
    assert.equal(social.snips.status, "insufficient_data");
    const socialSnips = await row(browser, s, "snips");
    assert.deepEqual(socialSnips, { reason: social.snips.reason });
    assert.match(socialSnips.reason, /^not enough data/);
    assert.equal(await browser.$(`${s} ${tid("estimate-row-snips")} ${tid("estimate-value")}`).isExisting(), false, "no number for an insufficient estimate");

    // A breakdown row with a number and one without.
    for (const [v, cell] of Object.entries(report.breakdowns.traffic_source ?? {})) {
      const r = `${tid("estimates-breakdown-traffic_source")} [data-value="${v}"]`;
      if (cell.snips.status === "ok") assert.equal(await text(browser, `${r} ${tid("estimate-value")}`), pct(cell.snips.value), `traffic_source ${v}`);
      else assert.equal(await text(browser, `${r} ${tid("estimate-reason")}`), cell.snips.reason, `traffic_source ${v}`);
    }

    // Method and assumptions, one click away.
    await click(browser, "estimates-method-toggle");
    await $t(browser, "estimates-thresholds").waitForDisplayed({ timeout: 10000 });
    assert.equal(await $t(browser, "threshold-min-matched").getText(), String(report.thresholds.min_matched));
    assert.equal(await $t(browser, "threshold-min-positive").getText(), String(report.thresholds.min_positive));
    assert.equal(await $t(browser, "threshold-min-ess").getText(), String(report.thresholds.min_ess));
    assert.match(await $t(browser, "estimates-ci-method").getText(), /95% intervals, normal approximation/);
    assert.equal(await $t(browser, "estimates-outcome-model").getText(), report.outcome_model);
    await click(browser, "estimates-method-toggle");

    // Import a small JSON Lines file through the app: it is listed, and the estimate is marked out of date.
    await $t(browser, "events-import-path").setValue(small);
    await $t(browser, "events-import-name").setValue("e2e sample");
    await click(browser, "events-import-submit");
    await $t(browser, "events-import-done").waitForDisplayed({ timeout: 30000 });
    const imported = browser.$('[data-name="e2e sample"]');
    await imported.waitForDisplayed({ timeout: 30000 });
    assert.equal(await text(browser, `[data-name="e2e sample"] ${tid("event-set-count")}`), String(lines.length));
    await $t(browser, "estimates-stale").waitForDisplayed({ timeout: 10000 });
    const ids = await attributes(browser, "[data-name]", "data-testid");
    assert.equal(ids.length, 2, `two event sets: ${ids.join(", ")}`);

    // Delete it, after confirmation.
    const id = (await imported.getAttribute("data-testid")).replace("event-set-", "");
    await click(browser, `event-set-delete-${id}`);
    await click(browser, "confirm-ok");
    await imported.waitForExist({ reverse: true, timeout: 30000 });

    // Run again with Enter in the form: a new result with the same figures.
    await $t(browser, "estimates-at").click();
    await browser.keys("Enter");
    await browser.waitUntil(async () => (await $t(browser, "estimates-results").getAttribute("data-run")) === "2", {
      timeout: 120000,
      timeoutMsg: "Enter did not run the estimate again",
    });
    assert.deepEqual(await row(browser, overall, "snips"), expected(report.snips));
    assert.equal(await $t(browser, "estimates-stale").isExisting(), false);
  } catch (e) {
    await failureShot(browser, "estimates");
    throw e;
  } finally {
    await browser.deleteSession();
  }
});
