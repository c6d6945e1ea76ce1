// Several authors, one production, in the real app: a second workspace
// publishes behind the app's back; the app's Publish shows where it stands,
// pulls, resolves the one conflict in the merge view, simulates the merged
// rules against the active bundle, and publishes; the service reports the
// new version with the chosen value.
//
// Screenshots of the standing and the merge view are saved to
// $TAILOR_SHOT_DIR (docs/img when regenerating the docs), else
// tests/e2e/artifacts.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, choose, click, failureShot, openApp, root, startDriver, startService } from "./driver.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-e2e-collab-"));
const cli = path.join(root, "target/debug/tailor");
const mine = path.join(tmp, "mine.tailor");
const theirs = path.join(tmp, "theirs.tailor");
const env = {
  XDG_DATA_HOME: path.join(tmp, "data"),
  TAILOR_KEY_DIR: path.join(tmp, "keys"),
  TAILOR_PUBLISH_TOKEN: "e2e-token",
  TAILOR_AUTHOR: "e2e",
};
const tailor = (...args) => execFileSync(cli, args, { env: { ...process.env, ...env }, encoding: "utf8" });
const shotDir = process.env.TAILOR_SHOT_DIR ? path.resolve(process.env.TAILOR_SHOT_DIR) : path.join(root, "tests/e2e/artifacts");
mkdirSync(shotDir, { recursive: true });

/** Applies a spec setting plan entry restock_hero's priority. */
function setPriority(ws, priority) {
  const spec = readFileSync(path.join(root, "tests/fixtures/full-spec.yaml"), "utf8");
  // The entry's block in the fixture, with its priority replaced.
  const block = spec.slice(spec.indexOf("  - id: restock_hero"), spec.indexOf("  - id: runner_recs"));
  const file = path.join(tmp, `priority-${priority}.yaml`);
  writeFileSync(file, "plan:\n" + block.replace(/priority: \d+/, `priority: ${priority}`));
  tailor("apply", ws, file);
}

// The app's workspace, with sample shoppers for the simulation.
tailor("init", mine);
tailor("apply", mine, path.join(root, "tests/fixtures/full-spec.yaml"));
tailor("generate", "shoppers", "-n", "1000", "--seed", "5", "-o", path.join(tmp, "shoppers.jsonl"));
tailor("import", "shoppers", mine, path.join(tmp, "shoppers.jsonl"), "--id-column", "id");
tailor("keys", "generate", "e2e");
tailor("keys", "export", "e2e", "--env", "production", "-o", path.join(tmp, "trust.json"));

const service = await startService(cli, { dataDir: path.join(tmp, "svc"), trust: path.join(tmp, "trust.json"), env });
const serviceUrl = service.url;
const publish = (ws) => tailor("publish", ws, "--env", "production", "--to", serviceUrl, "--key", "e2e", "--accept-warnings", "--format", "json");

// v1 from the app's workspace; a colleague starts from a copy of it, changes
// restock_hero's priority to 20 and publishes v2. Meanwhile the app's
// workspace changed the same field to 30.
publish(mine);
copyFileSync(mine, theirs);
setPriority(theirs, 20);
publish(theirs);
setPriority(mine, 30);

const driver = await startDriver(env);
after(() => {
  driver.stop();
  service.stop();
  rmSync(tmp, { recursive: true, force: true });
});


async function activeEnvelope() {
  const r = await fetch(`${serviceUrl}/v1/bundles/production/envelope`);
  assert.equal(r.status, 200);
  const envelope = await r.json();
  return JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
}

test("behind, pull, resolve a conflict in the merge view, simulate, publish", async () => {
  const browser = await openApp(driver, [mine]);
  try {
    await click(browser, "nav-publish");
    await click(browser, "env-add");
    await $t(browser, "env-name").setValue("production");
    await $t(browser, "env-urls").setValue(serviceUrl);
    await click(browser, "env-save");
    await $t(browser, "env-row-production").waitForDisplayed({ timeout: 20000 });
    await choose(browser, "key-select", "e2e");
    await choose(browser, "publish-env", "production");
    await click(browser, "publish-review");

    // Behind (and diverged: both changed since v1): who, which version, and Pull instead of Publish.
    const standing = $t(browser, "publish-standing");
    await standing.waitForDisplayed({ timeout: 30000 });
    assert.equal(await standing.getAttribute("data-state"), "diverged");
    const said = await standing.getText();
    assert.match(said, /Behind production/);
    assert.match(said, /e2e published version 2/);
    assert.ok(!(await $t(browser, "publish-run").isEnabled()), "publish is blocked while behind");
    await standing.scrollIntoView();
    await browser.pause(500);
    await browser.saveScreenshot(path.join(shotDir, "publish-standing.png"));

    // Pull: the merge view lists the conflict, base / theirs / mine.
    await click(browser, "publish-pull");
    const card = $t(browser, "merge-conflict");
    await card.waitForDisplayed({ timeout: 30000 });
    assert.equal(await card.getAttribute("data-id"), "plan/restock_hero#priority");
    const sides = await card.$$(".conflict-side pre");
    const values = [];
    for (const s of sides) values.push(await s.getText());
    assert.deepEqual(values, ["10", "20", "30"]);
    await $t(browser, "merge-view").scrollIntoView();
    await browser.pause(500);
    await browser.saveScreenshot(path.join(shotDir, "merge-view.png"));
    // Publishing stays blocked until it is resolved.
    assert.ok(!(await $t(browser, "publish-run").isEnabled()));

    // Take theirs; then simulate the merged rules against the active bundle.
    await card.$('[data-testid="merge-theirs"]').click();
    await $t(browser, "merge-resolved").waitForDisplayed({ timeout: 30000 });
    await click(browser, "merge-simulate");
    await $t(browser, "impact-env").waitForDisplayed({ timeout: 20000 });
    await $t(browser, "impact-env").selectByAttribute("value", "production");
    await click(browser, "impact-run");
    await $t(browser, "impact-results").waitForDisplayed({ timeout: 120000 });
    // Taking theirs left the merged rules equal to v2: nobody sees a change.
    assert.equal(await $t(browser, "impact-changed-shoppers").$(".sim-stat-value").getText(), "0");

    // Publish: the review is up to date now.
    await click(browser, "merge-publish");
    await browser.waitUntil(async () => (await $t(browser, "publish-standing").getAttribute("data-state")) === "up_to_date", {
      timeout: 30000,
      timeoutMsg: "the review never showed up to date after the merge",
    });
    const ack = $t(browser, "publish-ack-warnings");
    if ((await ack.isExisting()) && !(await ack.isSelected())) await ack.click();
    await click(browser, "publish-run");
    await click(browser, "confirm-ok");
    const result = $t(browser, "publish-result");
    await browser.waitUntil(async () => (await result.isExisting()) && (await result.getAttribute("data-version")) === "3", {
      timeout: 60000,
      timeoutMsg: "no result for version 3",
    });
    const payload = await activeEnvelope();
    assert.equal(payload.version, 3);
    assert.equal(payload.rules.plan.find((e) => e.id === "restock_hero").priority, 20);

    // History: v2 came in by a pull with a merge.
    await click(browser, "nav-history");
    await $t(browser, "published-list").waitForDisplayed({ timeout: 20000 });
    const pulled = browser.$('[data-testid="published-row"][data-version="2"] [data-testid="published-kind"]');
    assert.equal(await pulled.getAttribute("data-kind"), "pull");
  } catch (e) {
    await failureShot(browser, "collab");
    throw e;
  } finally {
    await browser.deleteSession();
  }
});
