// Takes screenshots of the real app for the docs:
//   node tests/e2e/screenshot.mjs WORKSPACE OUT_DIR
// Needs DISPLAY (scripts/screenshot.sh starts Xvfb) and a built app.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, openApp, startDriver } from "./driver.mjs";

const [workspace, outDir] = process.argv.slice(2);
if (!workspace || !outDir) {
  console.error("usage: node screenshot.mjs WORKSPACE OUT_DIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-shot-"));
const driver = await startDriver({ XDG_DATA_HOME: path.join(tmp, "data") });
const browser = await openApp(driver, [path.resolve(workspace)]);
try {
  await browser.setWindowSize(1280, 800).catch(() => {});
  await $t(browser, "nav-segments").waitForDisplayed({ timeout: 60000 });
  await $t(browser, "nav-segments").click();
  const row = browser.$('[data-testid^="segment-row-"]');
  await row.waitForDisplayed({ timeout: 20000 });
  await browser.pause(1500); // let every row's reach arrive
  await browser.saveScreenshot(path.join(outDir, "segments.png"));
  await $t(browser, "segment-row-returning_buyers").$("td").click();
  await $t(browser, "reach-matched").waitForDisplayed({ timeout: 20000 });
  await browser.pause(800);
  await browser.saveScreenshot(path.join(outDir, "screenshot.png"));
  await $t(browser, "mode-text").click();
  await browser.pause(500);
  await browser.saveScreenshot(path.join(outDir, "segment-text-mode.png"));
  console.log(`screenshots written to ${outDir}`);
} finally {
  await browser.deleteSession();
  driver.stop();
  rmSync(tmp, { recursive: true, force: true });
}
