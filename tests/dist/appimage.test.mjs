// The AppImage `make dist` built, run the way a user without FUSE runs it
// (extract and run), driven through WebDriver far enough to create the
// apparel example workspace and look at its segments and shoppers.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, failureShot, openApp, startDriver } from "../e2e/driver.mjs";
import { artifacts, isolated } from "./dist.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-dist-appimage-"));
const driver = await startDriver(isolated(tmp, { APPIMAGE_EXTRACT_AND_RUN: "1" }));
after(() => {
  driver.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("the AppImage starts and opens the apparel example", async () => {
  const browser = await openApp(driver, [], artifacts.appimage);
  try {
    await $t(browser, "welcome").waitForDisplayed({ timeout: 120000 });
    await $t(browser, "welcome-path").setValue(path.join(tmp, "apparel.tailor"));
    const create = $t(browser, "example-create-apparel");
    await create.waitForClickable({ timeout: 30000 });
    await create.click();
    const name = $t(browser, "workspace-name");
    await name.waitForDisplayed({ timeout: 120000 });
    assert.match(await name.getText(), /apparel/);
    // The example's shoppers came with it.
    await $t(browser, "nav-shoppers").click();
    const total = $t(browser, "shopper-total");
    await total.waitForDisplayed({ timeout: 60000 });
    await browser.waitUntil(async () => /12,?000/.test(await total.getText()), {
      timeout: 60000,
      timeoutMsg: `shopper total: ${await total.getText()}`,
    });
  } catch (e) {
    await failureShot(browser, "dist-appimage");
    throw e;
  } finally {
    await browser.deleteSession();
  }
});
