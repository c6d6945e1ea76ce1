// The foundation flow of the real app, driven through WebDriver: create a
// workspace, import real shoppers, add an attribute, build a segment
// visually, watch its reach, switch to text and back, save, undo, restart.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, failureShot, openApp, root, startDriver } from "./driver.mjs";

const data = path.resolve(root, "tests/data/online_shoppers_intention.csv");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-e2e-"));
const wsPath = path.join(tmp, "merch.tailor");
const env = {
  XDG_DATA_HOME: path.join(tmp, "data"),
  XDG_CONFIG_HOME: path.join(tmp, "config"),
  XDG_CACHE_HOME: path.join(tmp, "cache"),
  TAILOR_AUTHOR: "e2e",
};

// Expected figures, counted straight from the file.
const rows = readFileSync(data, "utf8").trim().split("\n");
const header = rows[0].split(",");
const col = (n) => header.indexOf(n);
const cells = rows.slice(1).map((l) => l.split(","));
const returning = cells.filter((c) => c[col("VisitorType")] === "Returning_Visitor");
const returningBuyers = returning.filter((c) => c[col("Revenue")] === "TRUE");

const driver = await startDriver(env);
after(() => {
  driver.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function waitText(browser, id, predicate, timeout = 30000) {
  const el = $t(browser, id);
  await el.waitForExist({ timeout });
  let last = "";
  await browser.waitUntil(
    async () => {
      last = await el.getText();
      return predicate(last);
    },
    { timeout, timeoutMsg: `${id}: text was ${JSON.stringify(last)}` },
  );
  return last;
}

async function reachIs(browser, n) {
  const el = $t(browser, "reach-matched");
  await el.waitForExist({ timeout: 30000 });
  await browser.waitUntil(async () => (await el.getAttribute("data-value")) === String(n), {
    timeout: 30000,
    timeoutMsg: `reach never became ${n} (was ${await el.getAttribute("data-value")})`,
  });
}

test("create, import, segment with live reach, text mode, undo, restart", async () => {
  let browser = await openApp(driver);
  try {
    // Create a workspace from the welcome screen.
    await $t(browser, "welcome").waitForDisplayed({ timeout: 60000 });
    await $t(browser, "welcome-path").setValue(wsPath);
    await $t(browser, "welcome-create").click();
    await waitText(browser, "workspace-name", (t) => t.includes("merch"));

    // Import the real UCI sessions, previewing inferred types first.
    await $t(browser, "nav-shoppers").click();
    await $t(browser, "import-open").click();
    await $t(browser, "import-path").setValue(data);
    await $t(browser, "import-preview").click();
    await waitText(browser, "import-rows", (t) => t === String(cells.length));
    assert.match(await $t(browser, "import-column-Revenue").getText(), /bool/);
    assert.match(await $t(browser, "import-column-PageValues").getText(), /number/);
    await $t(browser, "import-commit").click();
    await $t(browser, "import-done").waitForDisplayed({ timeout: 120000 });
    await $t(browser, "import-close").click();
    await waitText(browser, "shopper-total", (t) => t.replace(/[^0-9]/g, "").includes(String(cells.length)));

    // Add an attribute.
    await $t(browser, "nav-attributes").click();
    await $t(browser, "attr-add").click();
    await $t(browser, "attr-name").setValue("loyalty_tier");
    await $t(browser, "attr-type").selectByAttribute("value", "enum");
    await $t(browser, "attr-values").setValue("gold, silver");
    await $t(browser, "attr-save").click();
    await $t(browser, "attr-row-loyalty_tier").waitForDisplayed({ timeout: 20000 });

    // Build a segment in the visual builder and watch its reach.
    await $t(browser, "nav-segments").click();
    await $t(browser, "segment-new").click();
    await $t(browser, "segment-name").setValue("returning_buyers");
    await $t(browser, "segment-owner").setValue("lifecycle");
    await $t(browser, "builder-add-condition").click();
    await $t(browser, "cond-attr").selectByAttribute("value", "VisitorType");
    await $t(browser, "cond-op").selectByAttribute("value", "=");
    await $t(browser, "cond-value").setValue("Returning_Visitor");
    await reachIs(browser, returning.length);

    // Edit as text, then back to the builder.
    await $t(browser, "mode-text").click();
    const text = $t(browser, "condition-text");
    await browser.waitUntil(async () => (await text.getValue()) === 'VisitorType = "Returning_Visitor"', {
      timeout: 20000,
      timeoutMsg: "text mode did not show the printed condition",
    });
    await text.setValue('VisitorType = "Returning_Visitor" and Revenue = true');
    await reachIs(browser, returningBuyers.length);
    await $t(browser, "mode-visual").click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="cond-row"]').length) === 2, {
      timeout: 20000,
      timeoutMsg: "the builder did not show both conditions",
    });
    await $t(browser, "segment-save").click();
    await waitText(browser, "segment-save-state", (t) => /saved/i.test(t) && !/unsaved/i.test(t));
    await $t(browser, "segment-back").click();
    await $t(browser, "segment-row-returning_buyers").waitForDisplayed({ timeout: 20000 });

    // Undo the last change with Ctrl+Z (focus outside any text field).
    await $t(browser, "workspace-name").click();
    await browser.keys(["Control", "z"]);
    await $t(browser, "segment-row-returning_buyers").waitForExist({ reverse: true, timeout: 20000 });
  } catch (e) {
    await failureShot(browser, "app-1");
    throw e;
  } finally {
    await browser.deleteSession();
  }

  // Restart: the app reopens the workspace as it was left.
  browser = await openApp(driver);
  try {
    await waitText(browser, "workspace-name", (t) => t.includes("merch"), 60000);
    await $t(browser, "nav-segments").click();
    await $t(browser, "segments-empty").waitForDisplayed({ timeout: 20000 });
    await $t(browser, "nav-attributes").click();
    await $t(browser, "attr-row-loyalty_tier").waitForDisplayed({ timeout: 20000 });
    await $t(browser, "nav-shoppers").click();
    await waitText(browser, "shopper-total", (t) => t.replace(/[^0-9]/g, "").includes(String(cells.length)));
    // The undone segment can be redone after the restart: undo state lives in the file.
    await $t(browser, "redo").click();
    await $t(browser, "nav-segments").click();
    await $t(browser, "segment-row-returning_buyers").waitForDisplayed({ timeout: 20000 });
  } catch (e) {
    await failureShot(browser, "app-2");
    throw e;
  } finally {
    await browser.deleteSession();
  }
});
