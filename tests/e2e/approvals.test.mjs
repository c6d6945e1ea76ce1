// The two-person rule in the real app: production's trust file needs two
// signatures and forbids authors approving their own bundles. Ana (her key,
// her workspace) requests approval from the Publish screen; production keeps
// serving version 1. Then a second app session as Bo (another
// TAILOR_KEY_DIR and key, his own workspace started from production, with
// sample shoppers) lists what waits, opens the pending bundle, reviews the
// diff and the simulation on his shoppers, and approves: the service reports
// version 2 with Bo's approval.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, choose, click, failureShot, openApp, root, startDriver, startService } from "./driver.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-e2e-approvals-"));
const cli = path.join(root, "target/debug/tailor");
const trust = path.join(tmp, "trust.json");
const anaWs = path.join(tmp, "ana.tailor");
const boWs = path.join(tmp, "bo.tailor");
const person = (name) => ({
  XDG_DATA_HOME: path.join(tmp, `data-${name}`),
  TAILOR_KEY_DIR: path.join(tmp, `keys-${name}`),
  TAILOR_PUBLISH_TOKEN: "e2e-token",
  TAILOR_AUTHOR: name,
});
const ana = person("ana");
const bo = person("bo");
const tailor = (who, ...args) => execFileSync(cli, args, { env: { ...process.env, ...who }, encoding: "utf8" });

// Keys and the trust file: both trusted for production, two signatures, the
// author may not approve.
tailor(ana, "keys", "generate", "ana");
tailor(bo, "keys", "generate", "bo");
tailor(ana, "keys", "export", "ana", "--env", "production", "-o", trust);
tailor(bo, "keys", "export", "bo", "--env", "production", "-o", trust);
const t = JSON.parse(readFileSync(trust, "utf8"));
t.environments.production.threshold = 2;
t.environments.production.distinct_from_author = true;
writeFileSync(trust, JSON.stringify(t));

const service = await startService(cli, { dataDir: path.join(tmp, "svc"), trust, env: ana });
const url = service.url;

// Version 1 through the CLI: Ana submits, Bo approves; Ana pulls it as her base.
tailor(ana, "init", anaWs);
tailor(ana, "apply", anaWs, path.join(root, "tests/fixtures/full-spec.yaml"));
const first = JSON.parse(tailor(ana, "publish", anaWs, "--env", "production", "--to", url, "--key", "ana", "--accept-warnings", "--format", "json"));
assert.equal(first.pending.status, "pending");
tailor(bo, "approve", url, "--env", "production", "--digest", first.digest, "--key", "bo", "--trust", trust);
tailor(ana, "pull", anaWs, "--env", "production", "--from", url, "--trust", trust);
// Ana's next change, to be published from the app.
tailor(ana, "segment", "add", anaWs, "--name", "e2e_review", "--when", 'device = "tablet"');

// Bo's own workspace: production's rules and 300 sample shoppers.
tailor(bo, "init", boWs, "--from", url, "--env", "production", "--trust", trust);
tailor(bo, "generate", "shoppers", "-n", "300", "--seed", "9", "-o", path.join(tmp, "shoppers.jsonl"));
tailor(bo, "import", "shoppers", boWs, path.join(tmp, "shoppers.jsonl"), "--id-column", "id");

after(() => {
  service.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function active() {
  const r = await fetch(`${url}/v1/bundles/production/active`);
  assert.equal(r.status, 200);
  return r.json();
}

test("the author requests approval; a second session reviews and approves; production serves the new version", async () => {
  // Ana's session.
  let driver = await startDriver(ana);
  let browser = await openApp(driver, [anaWs]);
  let digest;
  try {
    await click(browser, "nav-publish");
    await click(browser, "env-add");
    await $t(browser, "env-name").setValue("production");
    await $t(browser, "env-urls").setValue(url);
    await $t(browser, "env-trust").setValue(trust);
    await click(browser, "env-save");
    await $t(browser, "env-row-production").waitForDisplayed({ timeout: 20000 });
    await choose(browser, "key-select", "ana");
    await choose(browser, "publish-env", "production");
    await click(browser, "publish-review");
    const run = $t(browser, "publish-run");
    await run.waitForDisplayed({ timeout: 30000 });
    assert.match(await run.getText(), /Request approval for version 2/);
    const ack = $t(browser, "publish-ack-warnings");
    if ((await ack.isExisting()) && !(await ack.isSelected())) await ack.click();
    await click(browser, "publish-run");
    const pending = $t(browser, "publish-pending");
    await pending.waitForDisplayed({ timeout: 60000 });
    assert.match(await pending.getText(), /waiting for approval on production \(1 of 2 signatures\)/);
    digest = await pending.getAttribute("data-digest");
    assert.equal((await active()).version, 1, "production keeps serving version 1");
  } catch (e) {
    await failureShot(browser, "approvals-author");
    throw e;
  } finally {
    await browser.deleteSession().catch(() => {});
    driver.stop();
  }

  // Bo's session: his key, his workspace.
  driver = await startDriver(bo);
  browser = await openApp(driver, [boWs]);
  try {
    await click(browser, "nav-publish");
    await choose(browser, "key-select", "bo");
    await choose(browser, "approvals-env", "production");
    await click(browser, "approvals-list");
    const row = $t(browser, "approvals-row");
    await row.waitForDisplayed({ timeout: 30000 });
    assert.equal(await row.getAttribute("data-digest"), digest);
    await row.$('[data-testid="approvals-row-open"]').click();
    const review = $t(browser, "approvals-review");
    await review.waitForDisplayed({ timeout: 120000 });
    assert.match(await $t(browser, "approvals-review-status").getText(), /1 of 2 signatures \(submitted by ana\)/);
    assert.match(await $t(browser, "approvals-diff").getText(), /e2e_review/);
    const impact = $t(browser, "approvals-impact");
    assert.equal(await impact.getAttribute("data-shoppers"), "300");
    const ack = $t(browser, "publish-ack-warnings");
    if ((await ack.isExisting()) && !(await ack.isSelected())) await ack.click();
    await $t(browser, "approvals-note").setValue("reviewed in the app");
    await click(browser, "approvals-approve");
    await click(browser, "confirm-ok");
    const result = $t(browser, "approvals-result");
    await result.waitForDisplayed({ timeout: 60000 });
    assert.equal(await result.getAttribute("data-status"), "activated");
    assert.equal(await result.getAttribute("data-version"), "2");
  } catch (e) {
    await failureShot(browser, "approvals-approver");
    throw e;
  } finally {
    await browser.deleteSession().catch(() => {});
    driver.stop();
  }

  const now = await active();
  assert.equal(now.version, 2);
  assert.equal(now.digest, digest);
  assert.equal(now.approvals[0].key_name, "bo");
  assert.equal(now.approvals[0].approver, "bo");
  assert.equal(now.approvals[0].note, "reviewed in the app");
});
