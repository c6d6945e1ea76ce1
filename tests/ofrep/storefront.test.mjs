// examples/storefront against a real `tailor serve` with the apparel example
// published: a shopper's home page is rendered from OFREP answers, a click
// on a block is posted to /v1/outcomes with that block's decision_id, and
// the outcome lands in the service's outcomes log, joinable to the logged
// decision.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { root, setup, waitFor } from "./lib/tailor.mjs";

const storefrontDir = path.join(root, "examples/storefront");

const DECIDE_TOKEN = "storefront-decide-token";

let t;
let service; // open
let guarded; // with TAILOR_DECIDE_TOKEN
const storefronts = [];

/** examples/storefront against `tailorUrl`; resolves to its URL once it listens. */
async function startStorefront(tailorUrl, extraEnv = {}) {
  const proc = spawn(process.execPath, ["server.mjs"], {
    cwd: storefrontDir,
    env: { ...process.env, TAILOR_URL: tailorUrl, PORT: "0", ...extraEnv },
    stdio: ["ignore", "pipe", "inherit"],
  });
  storefronts.push(proc);
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (c) => {
      out += c;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    proc.once("exit", (code) => reject(new Error(`the storefront exited (${code}): ${out}`)));
  });
}

before(async () => {
  t = setup();
  service = await t.serve();
  t.publish(service.url);
  guarded = await t.serve("guarded", { extraEnv: { TAILOR_DECIDE_TOKEN: DECIDE_TOKEN } });
  t.publish(guarded.url);
});

after(async () => {
  for (const p of storefronts) p.kill("SIGTERM");
  await t?.cleanup();
});

/** The blocks of a rendered page: placement, content, decision_id. */
function blocks(html) {
  return [...html.matchAll(/<section[^>]*data-placement="([^"]+)" data-content="([^"]+)"[\s\S]*?name="decision_id" value="([^"]+)"/g)].map(
    ([, placement, content, decision_id]) => ({ placement, content, decision_id }),
  );
}

test("a shopper's home page, a click, and the outcome in the outcomes log", async () => {
  const shopUrl = await startStorefront(service.url);
  const page = await fetch(`${shopUrl}/?shopper=ana`);
  assert.equal(page.status, 200);
  const html = await page.text();
  const shown = blocks(html);
  assert.ok(shown.length >= 2, `the home page shows its blocks: ${html}`);
  assert.deepEqual(
    shown.map((b) => b.placement),
    ["home.hero", "home.recs", "home.promo"].filter((p) => shown.some((b) => b.placement === p)),
    "in page order",
  );
  // Each block is what the service logged for that decision.
  const logged = await waitFor(
    () => {
      const lines = service.logLines("decisions");
      return shown.every((b) => lines.some((l) => l.decision_id === b.decision_id)) && lines;
    },
    { message: "the decisions were not logged" },
  );
  for (const b of shown) {
    const line = logged.find((l) => l.decision_id === b.decision_id);
    assert.equal(line.placement, b.placement);
    assert.equal(line.content, b.content);
    assert.equal(line.shopper, "ana");
  }

  // Click the hero: the storefront posts the outcome and sends the shopper back.
  const hero = shown.find((b) => b.placement === "home.hero");
  assert.ok(hero, "the hero is shown");
  const form = new URLSearchParams({ shopper: "ana", placement: hero.placement, decision_id: hero.decision_id });
  const clicked = await fetch(`${shopUrl}/click`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
    redirect: "manual",
  });
  assert.equal(clicked.status, 303, await clicked.clone().text());
  const back = await fetch(new URL(clicked.headers.get("location"), shopUrl));
  assert.match(await back.text(), /Click on home\.hero recorded/);

  const outcome = await waitFor(() => service.logLines("outcomes").find((o) => o.decision_id === hero.decision_id), {
    message: "the click did not reach the outcomes log",
  });
  assert.equal(outcome.placement, "home.hero");
  assert.equal(outcome.shopper, "ana");
  assert.equal(outcome.click, 1);
  assert.ok(!Number.isNaN(Date.parse(outcome.time)), "the service stamps the time it received the outcome");
  assert.equal(service.logLines("outcomes").length, 1, "one click, one outcome");
});

test("with a decision token the storefront sends it for decisions and outcomes", async () => {
  // Without the token nothing is decided: the blocks are left out.
  const anonymous = await startStorefront(guarded.url);
  const refused = await (await fetch(`${anonymous}/?shopper=ben`)).text();
  assert.deepEqual(blocks(refused), []);
  assert.match(refused, /home\.hero: GENERAL/);
  const raw = await fetch(`${guarded.url}/v1/outcomes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ decision_id: "x", click: 1 }]),
  });
  assert.equal(raw.status, 401, "outcomes need the token too");

  const shopUrl = await startStorefront(guarded.url, { TAILOR_DECIDE_TOKEN: DECIDE_TOKEN });
  const shown = blocks(await (await fetch(`${shopUrl}/?shopper=ben`)).text());
  assert.ok(shown.length >= 2, "decided with the token");
  const recs = shown.find((b) => b.placement === "home.recs") ?? shown[0];
  const clicked = await fetch(`${shopUrl}/click`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ shopper: "ben", placement: recs.placement, decision_id: recs.decision_id }),
    redirect: "manual",
  });
  assert.equal(clicked.status, 303, await clicked.clone().text());
  const lines = await waitFor(() => guarded.logLines("outcomes").length && guarded.logLines("outcomes"), {
    message: "the click did not reach the outcomes log",
  });
  assert.deepEqual(
    lines.map((o) => [o.decision_id, o.placement, o.shopper, o.click]),
    [[recs.decision_id, recs.placement, "ben", 1]],
    "exactly the one accepted outcome (the refused one wrote nothing)",
  );
});
