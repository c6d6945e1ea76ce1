// Regenerates the screenshots in docs/img from the real app on the apparel
// example (`make screenshots`):  node tests/e2e/screenshot.mjs OUT_DIR
// Needs DISPLAY (scripts/screenshot.sh starts Xvfb) and a built app and CLI.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, openApp, root, startDriver } from "./driver.mjs";

const [outDir] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: node screenshot.mjs OUT_DIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-shot-"));
const ws = path.join(tmp, "apparel.tailor");
execFileSync(path.join(root, "target/debug/tailor"), ["init", ws, "--example", "apparel"]);
const env = { XDG_DATA_HOME: path.join(tmp, "data"), TAILOR_KEY_DIR: path.join(tmp, "keys") };
const driver = await startDriver(env);
const shot = async (browser, name) => {
  await browser.pause(700); // let queries settle and charts draw
  await browser.saveScreenshot(path.join(outDir, `${name}.png`));
  console.log(`${name}.png`);
};
const click = async (browser, id) => {
  const el = $t(browser, id);
  await el.waitForClickable({ timeout: 60000 });
  await el.click();
};

try {
  // The welcome screen: no workspace open, nothing recent.
  let browser = await openApp(driver);
  await $t(browser, "welcome").waitForDisplayed({ timeout: 60000 });
  await shot(browser, "welcome");
  await browser.deleteSession();

  browser = await openApp(driver, [ws]);
  try {
    await click(browser, "nav-segments");
    await browser.$('[data-testid^="segment-row-"] td').click();
    await $t(browser, "reach-matched").waitForDisplayed({ timeout: 30000 });
    await shot(browser, "segment-editor");

    await click(browser, "nav-content-plan");
    await $t(browser, "plan-matrix").waitForDisplayed({ timeout: 30000 });
    await shot(browser, "plan-matrix");
    await click(browser, "plan-view-placement");
    await $t(browser, "placement-list").waitForDisplayed({ timeout: 30000 });
    await shot(browser, "placement-view");
    await click(browser, "plan-view-matrix");

    await click(browser, "nav-content");
    await browser.$('[data-testid^="content-row-"]').waitForDisplayed({ timeout: 30000 });
    await browser.$('[data-testid^="content-row-"] td').click();
    await $t(browser, "content-preview").waitForDisplayed({ timeout: 30000 });
    await shot(browser, "content-library");

    await click(browser, "nav-constraints");
    await $t(browser, "constraints").waitForDisplayed({ timeout: 30000 });
    await shot(browser, "constraints");

    await click(browser, "nav-catalog");
    await $t(browser, "catalog-hygiene").waitForDisplayed({ timeout: 30000 });
    await $t(browser, "catalog-hygiene").scrollIntoView();
    await shot(browser, "catalog-hygiene");

    await click(browser, "nav-simulate");
    await click(browser, "sim-tab-preview");
    await $t(browser, "preview-page-mock").waitForDisplayed({ timeout: 60000 });
    await shot(browser, "preview");
    await click(browser, "sim-tab-batch");
    await click(browser, "sim-run");
    await $t(browser, "sim-results").waitForDisplayed({ timeout: 180000 });
    await shot(browser, "simulation");
    await click(browser, "sim-tab-estimates");
    await click(browser, "estimates-run");
    await $t(browser, "estimates-overall").waitForDisplayed({ timeout: 120000 });
    await shot(browser, "estimates");
    await $t(browser, "estimate-entry-home_hero_gifting").scrollIntoView();
    await shot(browser, "estimates-entries");

    await click(browser, "nav-publish");
    await $t(browser, "publish-screen").waitForDisplayed({ timeout: 30000 });
    await shot(browser, "publish");

    await click(browser, "nav-history");
    await $t(browser, "history-table").waitForDisplayed({ timeout: 30000 });
    await shot(browser, "history");
  } finally {
    await browser.deleteSession();
  }
} finally {
  driver.stop();
  rmSync(tmp, { recursive: true, force: true });
}
