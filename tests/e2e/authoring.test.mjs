// Authoring in the real app through WebDriver: page types and placements,
// content of three kinds, plan entries in the matrix and their order, a
// constraint, a catalog import that fails on a bad row and then succeeds,
// and reverting an entry from its history.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, failureShot, attributes, openApp, startDriver } from "./driver.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-e2e-authoring-"));
const env = { XDG_DATA_HOME: path.join(tmp, "data"), TAILOR_AUTHOR: "e2e" };
const driver = await startDriver(env);
after(() => {
  driver.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const badCatalog = path.join(tmp, "bad-catalog.csv");
writeFileSync(badCatalog, "id,title,category,price,stock\nsku-1,Trail runner,shoes,120,12\nsku-2,Road runner,shoes,ninety,4\n");
const goodCatalog = path.join(tmp, "catalog.csv");
writeFileSync(
  goodCatalog,
  "id,title,category,price,cost,stock,collection\n" +
    Array.from({ length: 30 }, (_, i) => `sku-${i + 1},Shoe ${i + 1},shoes,${60 + i},${30 + i},${10 + i},trail`).join("\n") +
    "\n",
);

async function fill(browser, id, value) {
  const el = $t(browser, id);
  await el.waitForDisplayed({ timeout: 20000 });
  await el.setValue(value);
}

async function choose(browser, id, value) {
  const el = $t(browser, id);
  await el.waitForDisplayed({ timeout: 20000 });
  await el.selectByAttribute("value", value);
}

async function click(browser, id) {
  const el = $t(browser, id);
  await el.waitForClickable({ timeout: 20000 });
  await el.click();
}

test("author a page, content, entries, a constraint and a catalog; revert an entry", async () => {
  const browser = await openApp(driver);
  try {
    await $t(browser, "welcome").waitForDisplayed({ timeout: 60000 });
    await fill(browser, "welcome-path", path.join(tmp, "plan.tailor"));
    await click(browser, "welcome-create");
    await $t(browser, "nav-journey").waitForDisplayed({ timeout: 30000 });

    // A segment to target (through the existing segment editor, as text).
    await click(browser, "nav-attributes");
    await click(browser, "attr-add");
    await fill(browser, "attr-name", "visitor_type");
    await choose(browser, "attr-type", "enum");
    await fill(browser, "attr-values", "new, returning");
    await click(browser, "attr-save");
    await $t(browser, "attr-row-visitor_type").waitForDisplayed({ timeout: 20000 });
    for (const [name, when] of [
      ["returning", 'visitor_type = "returning"'],
      ["newcomers", 'visitor_type = "new"'],
    ]) {
      await click(browser, "nav-segments");
      await click(browser, "segment-new");
      await fill(browser, "segment-name", name);
      await fill(browser, "segment-owner", "merch");
      await click(browser, "mode-text");
      await fill(browser, "condition-text", when);
      await $t(browser, "condition-ok").waitForDisplayed({ timeout: 20000 });
      await click(browser, "segment-save");
      await browser.waitUntil(async () => /saved/i.test(await $t(browser, "segment-save-state").getText()), { timeout: 20000 });
      await click(browser, "segment-back");
    }

    // Content of three kinds (defaults first, so placements can point at them).
    await click(browser, "nav-content");
    const contents = [
      ["banner", "hero_generic", { "content-headline": "New season" }],
      ["banner", "hero_returning", { "content-headline": "Welcome back" }],
      ["message", "free_shipping", { "content-text": "Free shipping over 50 EUR" }],
      ["product_set", "bestsellers", { "content-size": "4" }],
    ];
    for (const [kind, id, fields] of contents) {
      await click(browser, "content-new");
      await choose(browser, "content-kind", kind);
      await fill(browser, "content-id", id);
      for (const [field, value] of Object.entries(fields)) await fill(browser, field, value);
      if (kind === "product_set") await choose(browser, "content-strategy", "top_in_category");
      await click(browser, "content-save");
      await browser.waitUntil(async () => (await $t(browser, "content-library").getText()).includes(id), {
        timeout: 20000,
        timeoutMsg: `content ${id} not listed`,
      });
    }

    // A page type with three placements.
    await click(browser, "nav-journey");
    await click(browser, "page-type-new");
    await fill(browser, "page-type-name", "home");
    await choose(browser, "page-type-stage", "discovery");
    await fill(browser, "page-type-max-blocks", "2");
    const placements = [
      ["hero", "banner", "hero_generic"],
      ["note", "message", "free_shipping"],
      ["recs", "product_set", "bestsellers"],
    ];
    for (let i = 0; i < placements.length; i++) {
      await click(browser, "placement-add");
      const [name, kind, def] = placements[i];
      const rows = await browser.$$('[data-testid="placement-name"]');
      await rows[i].setValue(name);
      await (await browser.$$('[data-testid="placement-kind"]'))[i].selectByAttribute("value", kind);
      await (await browser.$$('[data-testid="placement-default"]'))[i].selectByAttribute("value", def);
    }
    await click(browser, "page-type-save");
    await browser.waitUntil(async () => (await $t(browser, "page-wireframe").getText()).includes("hero"), { timeout: 20000 });

    // Two entries on home.hero in the matrix, then swap their order.
    await click(browser, "nav-content-plan");
    for (const [id, segment, content, priority] of [
      ["welcome_back", "returning", "hero_returning", "10"],
      ["first_visit", "newcomers", "hero_generic", "5"],
    ]) {
      await click(browser, "plan-add-entry");
      await fill(browser, "entry-id", id);
      await choose(browser, "entry-segment", segment);
      await choose(browser, "entry-stage", "discovery");
      await choose(browser, "entry-placement", "home.hero");
      await choose(browser, "entry-content", content);
      await $t(browser, "entry-priority").clearValue();
      await fill(browser, "entry-priority", priority);
      await fill(browser, "entry-owner", "merch");
      await click(browser, "entry-save");
      await $t(browser, `entry-card-${id}`).waitForDisplayed({ timeout: 20000 });
    }
    // "Who wins here": the placement view lists home.hero's entries in rank
    // order across segments; moving one up there changes the order.
    await click(browser, "plan-view-placement");
    await choose(browser, "placement-select", "home.hero");
    await $t(browser, "placement-list").waitForDisplayed({ timeout: 20000 });
    const order = async () => (await attributes(browser, '[data-testid="placement-entry"]', "data-entry")).join();
    assert.equal(await order(), "welcome_back,first_visit");
    await $t(browser, "entry-card-first_visit").$('[data-testid="entry-move-up"]').click();
    await browser.waitUntil(async () => (await order()) === "first_visit,welcome_back", {
      timeout: 20000,
      timeoutMsg: "reordering did not change the rank order",
    });
    await click(browser, "plan-view-matrix");

    // A constraint.
    await click(browser, "nav-constraints");
    await $t(browser, "constraint-min-stock").clearValue();
    await fill(browser, "constraint-min-stock", "3");
    await click(browser, "constraints-save");
    await browser.waitUntil(async () => !(await $t(browser, "constraints-save").isEnabled()), { timeout: 20000 });
    // It is in the workspace: still there after leaving the screen.
    await click(browser, "nav-catalog");
    await click(browser, "nav-constraints");
    await browser.waitUntil(async () => (await $t(browser, "constraint-min-stock").getValue()) === "3", {
      timeout: 20000,
      timeoutMsg: "the minimum stock was not saved",
    });

    // Catalog: a bad row imports nothing and says where; then a good file.
    await click(browser, "nav-catalog");
    await click(browser, "catalog-import-open");
    await fill(browser, "catalog-import-path", badCatalog);
    await choose(browser, "catalog-import-format", "csv");
    await click(browser, "catalog-import-preview");
    const err = $t(browser, "catalog-import-error");
    await err.waitForDisplayed({ timeout: 20000 });
    assert.match(await err.getText(), /row 2 \(line 3\), column price/);
    await $t(browser, "catalog-import-path").clearValue();
    await fill(browser, "catalog-import-path", goodCatalog);
    await click(browser, "catalog-import-preview");
    await click(browser, "catalog-import-commit");
    await $t(browser, "catalog-import-done").waitForDisplayed({ timeout: 30000 });
    await browser.waitUntil(async () => (await $t(browser, "catalog-total").getText()).includes("30"), { timeout: 20000 });

    // Edit an entry, then revert it from its history.
    await click(browser, "nav-content-plan");
    const openEntry = async (id) => {
      await $t(browser, `entry-card-${id}`).$('[data-testid="entry-content-label"]').click();
      await $t(browser, "entry-form").waitForDisplayed({ timeout: 20000 });
    };
    await openEntry("welcome_back");
    await $t(browser, "entry-owner").clearValue();
    await fill(browser, "entry-owner", "lifecycle");
    await click(browser, "entry-save");
    await browser.waitUntil(async () => /saved/i.test(await $t(browser, "entry-save-state").getText()) && !/unsaved/i.test(await $t(browser, "entry-save-state").getText()), { timeout: 20000 });
    await $t(browser, "item-history").waitForDisplayed({ timeout: 20000 });
    await browser.waitUntil(async () => (await browser.$$('[data-testid="item-history-row"]')).length >= 2, {
      timeout: 20000,
      timeoutMsg: "the entry's history should list its creation and the edit",
    });
    // Newest first: revert to the version right after creation (the last row).
    const rows = await browser.$$('[data-testid="item-history-row"]');
    await rows[rows.length - 1].$('[data-testid="item-revert"]').click();
    await click(browser, "entry-close");
    await openEntry("welcome_back");
    await browser.waitUntil(async () => (await $t(browser, "entry-owner").getValue()) === "merch", {
      timeout: 20000,
      timeoutMsg: "revert did not restore the original owner",
    });
  } catch (e) {
    await failureShot(browser, "authoring-1");
    throw e;
  } finally {
    await browser.deleteSession();
  }
});
