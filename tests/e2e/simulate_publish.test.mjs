// Simulate and publish in the real app: preview a shopper, change an
// attribute and watch the page and trace change; run a batch simulation, see
// the charts, drill down to a shopper; publish to a real local decision
// service (diff, progress, confirmation) and roll back from History.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, attributes, choose, click, failureShot, openApp, root, startDriver, startService } from "./driver.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-e2e-sim-"));
const cli = path.join(root, "target/debug/tailor");
const ws = path.join(tmp, "shop.tailor");
const env = {
  XDG_DATA_HOME: path.join(tmp, "data"),
  TAILOR_KEY_DIR: path.join(tmp, "keys"),
  TAILOR_PUBLISH_TOKEN: "e2e-token",
  TAILOR_AUTHOR: "e2e",
};
const tailor = (...args) => execFileSync(cli, args, { env: { ...process.env, ...env }, encoding: "utf8" });

// A workspace with a content plan and generated sample shoppers, made with the CLI.
tailor("init", ws);
tailor("apply", ws, path.join(root, "tests/fixtures/full-spec.yaml"));
tailor("generate", "shoppers", "-n", "2000", "--seed", "3", "-o", path.join(tmp, "shoppers.jsonl"));
tailor("import", "shoppers", ws, path.join(tmp, "shoppers.jsonl"), "--id-column", "id");
tailor("keys", "generate", "e2e");
tailor("keys", "export", "e2e", "--env", "production", "-o", path.join(tmp, "trust.json"));

// A real decision service on loopback.
const service = await startService(cli, { dataDir: path.join(tmp, "svc"), trust: path.join(tmp, "trust.json"), env });
const serviceUrl = service.url;

const driver = await startDriver(env);
after(() => {
  driver.stop();
  service.stop();
  rmSync(tmp, { recursive: true, force: true });
});



async function active() {
  const r = await fetch(`${serviceUrl}/v1/bundles/production/active`);
  return r.status === 200 ? r.json() : null;
}

test("preview, batch simulation, publish and rollback", async () => {
  const browser = await openApp(driver, [ws]);
  try {
    await click(browser, "nav-simulate");
    await click(browser, "sim-tab-preview");

    // Preview one shopper on the home page, then make them a consenting
    // returning mobile visitor: the hero becomes the restock campaign.
    await $t(browser, "preview-shopper").waitForDisplayed({ timeout: 30000 });
    await choose(browser, "preview-page", "home");
    const hero = $t(browser, "preview-block-home.hero");
    await hero.waitForDisplayed({ timeout: 30000 });
    await browser.waitUntil(async () => (await hero.getAttribute("data-personalized")) === "false", {
      timeout: 20000,
      timeoutMsg: "the first shopper should see the default hero",
    });
    const digest = await $t(browser, "preview-digest").getText();
    assert.match(digest, /sha256:[0-9a-f]{64}/);
    const resultOf = async (entry) => {
      const all = await browser.$$(`[data-testid="trace-candidate"][data-entry="${entry}"]`);
      return all.length ? all[0].getAttribute("data-result") : null;
    };
    const before = await resultOf("restock_hero");
    await choose(browser, "preview-attr-consent", "true");
    await choose(browser, "preview-attr-visitor_type", "returning");
    await choose(browser, "preview-attr-device", "mobile");
    await browser.waitUntil(async () => (await hero.getAttribute("data-personalized")) === "true", {
      timeout: 20000,
      timeoutMsg: "changing the attributes did not personalize the hero",
    });
    assert.match(await hero.getAttribute("data-content"), /^hero_restock/);
    const afterResult = await resultOf("restock_hero");
    assert.notEqual(afterResult, before, "the trace changed with the page");

    // Batch simulation: charts, then a drill-down to a shopper.
    await click(browser, "sim-tab-batch");
    await click(browser, "sim-run");
    await $t(browser, "sim-results").waitForDisplayed({ timeout: 120000 });
    await $t(browser, "chart-entries").waitForDisplayed({ timeout: 20000 });
    await $t(browser, "chart-fallbacks").waitForDisplayed({ timeout: 20000 });
    const keys = await attributes(browser, "[data-drill]", "data-drill");
    const key = keys.find((k) => k.startsWith("segment:runners")) ?? keys.find((k) => k.startsWith("fallback:"));
    assert.ok(key, `a drill-down key among ${keys.slice(0, 10).join(", ")}`);
    await browser.$(`[data-drill="${key}"]`).click();
    await $t(browser, "drilldown").waitForDisplayed({ timeout: 20000 });
    await $t(browser, "drill-shopper").waitForDisplayed({ timeout: 20000 });

    // Publish to the local service: environment, key, review, run.
    await click(browser, "nav-publish");
    await click(browser, "env-add");
    await $t(browser, "env-name").setValue("production");
    await $t(browser, "env-urls").setValue(serviceUrl);
    await click(browser, "env-save");
    await $t(browser, "env-row-production").waitForDisplayed({ timeout: 20000 });
    await choose(browser, "key-select", "e2e");
    const publishOnce = async (version) => {
      await choose(browser, "publish-env", "production");
      await click(browser, "publish-review");
      await $t(browser, "publish-diff").waitForDisplayed({ timeout: 30000 });
      // The first review diffs against nothing: the whole plan is new; the
      // second lists only the added segment.
      // (The previous review stays on screen while the new one loads: wait for it.)
      const section = version === 1 ? "diff-section-plan" : "diff-section-segments";
      await $t(browser, section).waitForExist({ timeout: 30000, timeoutMsg: `the review never showed ${section}` });
      const ack = $t(browser, "publish-ack-warnings");
      if (await ack.isExisting()) {
        if (!(await ack.isSelected())) await ack.click();
      }
      await click(browser, "publish-run");
      const confirm = $t(browser, "confirm-ok");
      await confirm.waitForClickable({ timeout: 10000 });
      await confirm.click();
      await $t(browser, "publish-progress").waitForDisplayed({ timeout: 30000 });
      const result = $t(browser, "publish-result");
      await browser.waitUntil(
        async () => (await result.isExisting()) && (await result.getAttribute("data-version")) === String(version),
        { timeout: 60000, timeoutMsg: `no result for version ${version}` },
      );
      const a = await active();
      assert.equal(a.version, version, "the service reports the published version as active");
      assert.ok((await $t(browser, "publish-result-digest").getText()).includes(a.digest.slice(7, 19)));
    };
    await publishOnce(1);
    tailor("segment", "add", ws, "--name", "tablets", "--when", 'device = "tablet"', "--owner", "e2e");
    await publishOnce(2);

    // Roll back to version 1 from History: it goes live as version 3.
    await click(browser, "nav-history");
    await $t(browser, "published-list").waitForDisplayed({ timeout: 20000 });
    const row = browser.$('[data-testid="published-row"][data-version="1"]');
    await row.$('[data-testid="published-rollback"]').click();
    await click(browser, "confirm-ok");
    await $t(browser, "rollback-result").waitForDisplayed({ timeout: 60000 });
    const a = await active();
    assert.equal(a.version, 3);
  } catch (e) {
    await failureShot(browser, "simulate-publish");
    throw e;
  } finally {
    await browser.deleteSession();
  }
});
