// The official OpenFeature Node SDK with the official OFREP provider against
// a real `tailor serve` with the apparel example published: for 1,000
// generated shoppers and every placement of the home, category and product
// pages, the provider's answer is exactly the decision `tailor explain`
// makes for the same shopper, page and instant (variant = content id, value
// = the content object, reason and metadata from the same block), and the
// bulk endpoint answers the same whole page with a stable ETag.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { OpenFeature } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { active, pool, setup } from "./lib/tailor.mjs";
import { catalogIds, contextOf, exampleSpec, generateShoppers, jsonLines } from "./lib/shoppers.mjs";

const INSTANT = "2026-12-01T12:00:00Z";
const N = 1000;
const spec = exampleSpec("apparel");
const shoppers = generateShoppers(N);
// A product page needs the product being viewed: a knitwear product in stock.
const PRODUCT = catalogIds("apparel").find((id) => id === "AP-1280") ?? catalogIds("apparel")[0];
const PAGES = [
  { page: "home", reserved: {} },
  { page: "category", reserved: {} },
  { page: "product", reserved: { product: PRODUCT } },
];
const contentById = new Map(spec.content.map((c) => [c.id, c]));
// Content keys that describe the content (who owns it, its review date, its
// tags and experiment notes) rather than what the storefront shows.
const NOT_FIELDS = new Set(["id", "kind", "owner", "review_by", "tags", "doc"]);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let t;
let service;
let bundle;
let client;
const explained = {}; // page -> Map(shopper id -> decision)

before(async () => {
  t = setup();
  service = await t.serve();
  t.publish(service.url);
  bundle = await active(service.url);
  OpenFeature.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
  await OpenFeature.setProviderAndWait("decisions", new OFREPProvider({ baseUrl: service.url }));
  client = OpenFeature.getClient("decisions");

  const file = path.join(t.dir, "shoppers.jsonl");
  writeFileSync(file, jsonLines(shoppers));
  for (const { page, reserved } of PAGES) {
    const args = ["explain", t.ws, "--shoppers-file", file, "--page", page, "--at", INSTANT, "--format", "json"];
    if (reserved.product) args.push("--product", reserved.product);
    const lines = (await t.tailorAsync(...args)).split("\n").filter((l) => l.trim());
    assert.equal(lines.length, N, `tailor explain --shoppers-file printed one decision per shopper (${page})`);
    const decisions = lines.map((l) => JSON.parse(l));
    decisions.forEach((d, i) => assert.equal(d.shopper, shoppers[i].id, "explain keeps the file order"));
    explained[page] = new Map(decisions.map((d) => [d.shopper, d]));
  }
});

after(async () => {
  await OpenFeature.close();
  await t?.cleanup();
});

const placementsOf = (page) => spec.page_types.find((p) => p.name === page).placements.map((p) => `${page}.${p.name}`);

/** The OFREP reason the contract gives a decided block. */
function reasonOf(block) {
  if (block.holdout || block.variant != null) return "SPLIT";
  if (block.personalized) return "TARGETING_MATCH";
  return "DEFAULT";
}

/** Asserts that an OFREP evaluation (value/variant/reason/metadata) is `block`. */
function assertSameBlock(got, block, { page, shopper }) {
  const where = `${shopper} ${block.placement}`;
  assert.equal(got.variant ?? null, block.content, `${where}: variant is the content explain shows`);
  assert.equal(got.reason, reasonOf(block), `${where}: reason`);
  const value = got.value;
  assert.equal(value.id, block.content, `${where}: value.id`);
  assert.deepEqual(value.products, block.products, `${where}: value.products`);
  if (block.content == null) {
    assert.equal(value.kind, null, `${where}: no content, no kind`);
    assert.deepEqual(value.fields, {}, `${where}: no content, no fields`);
  } else {
    const content = contentById.get(block.content);
    assert.equal(value.kind, content.kind, `${where}: value.kind`);
    const expected = Object.fromEntries(Object.entries(content).filter(([k]) => !NOT_FIELDS.has(k)));
    assert.deepEqual(value.fields, expected, `${where}: value.fields are the content's fields`);
  }
  const m = got.metadata;
  assert.equal(m.page, page, `${where}: metadata.page`);
  assert.equal(m.placement, block.placement, `${where}: metadata.placement`);
  assert.equal(m.propensity, block.propensity, `${where}: metadata.propensity`);
  assert.equal(m.holdout, block.holdout, `${where}: metadata.holdout`);
  assert.equal(m.personalized, block.personalized, `${where}: metadata.personalized`);
  assert.equal(m.entry, block.entry ?? undefined, `${where}: metadata.entry`);
  assert.equal(m.segment, block.segment ?? undefined, `${where}: metadata.segment`);
  assert.equal(m.variant_index, block.variant ?? undefined, `${where}: metadata.variant_index`);
  assert.equal(m.fallback_reason, block.fallback_reason ?? undefined, `${where}: metadata.fallback_reason`);
  assert.equal(m.bundle_digest, bundle.digest, `${where}: metadata.bundle_digest`);
  assert.equal(m.version, bundle.version, `${where}: metadata.version`);
  assert.match(m.decision_id, UUID_V7, `${where}: metadata.decision_id is a UUIDv7`);
  assert.equal(typeof m.decided_at, "string", `${where}: metadata.decided_at`);
}

for (const { page, reserved } of PAGES) {
  test(`${page} page: the Node provider's answer is tailor explain's, for ${N} shoppers and every placement`, async () => {
    const placements = placementsOf(page);
    const jobs = shoppers.flatMap((s) => placements.map((key) => ({ s, key })));
    const seen = { reasons: {}, contents: new Set(), empty: 0 };
    await pool(jobs, 8, async ({ s, key }) => {
      const d = await client.getObjectDetails(key, {}, contextOf(s, { instant: INSTANT, ...reserved }));
      assert.equal(d.errorCode, undefined, `${s.id} ${key}: ${d.errorCode} ${d.errorMessage}`);
      const block = explained[page].get(s.id).blocks.find((b) => b.placement === key);
      assert.ok(block, `explain has ${key}`);
      // The SDK maps OFREP metadata to flagMetadata (primitives only).
      assertSameBlock({ ...d, metadata: d.flagMetadata }, block, { page, shopper: s.id });
      seen.reasons[d.reason] = (seen.reasons[d.reason] ?? 0) + 1;
      if (d.variant) seen.contents.add(d.variant);
      else seen.empty++;
    });
    // The shoppers exercise the plan, not only its defaults.
    assert.ok(seen.reasons.TARGETING_MATCH > 0, `some personalized answers: ${JSON.stringify(seen.reasons)}`);
    assert.ok(seen.reasons.DEFAULT > 0, `some defaults: ${JSON.stringify(seen.reasons)}`);
    if (page === "home") assert.ok(seen.reasons.SPLIT > 0, `holdouts and A/B buckets on home: ${JSON.stringify(seen.reasons)}`);
    assert.ok(seen.contents.size >= placements.length + 2, `several contents: ${[...seen.contents]}`);
  });

  test(`${page} page: the bulk endpoint answers the whole page like explain, with an ETag that repeats`, async () => {
    await pool(shoppers.slice(0, 200), 8, async (s) => {
      const body = JSON.stringify({ context: contextOf(s, { page, instant: INSTANT, ...reserved }) });
      const headers = { "content-type": "application/json" };
      const r = await fetch(`${service.url}/ofrep/v1/evaluate/flags`, { method: "POST", headers, body });
      assert.equal(r.status, 200, await r.clone().text());
      const etag = r.headers.get("etag");
      assert.ok(etag, "bulk answers carry an ETag");
      const { flags } = await r.json();
      const decision = explained[page].get(s.id);
      assert.deepEqual(
        flags.map((f) => f.key),
        decision.blocks.map((b) => b.placement),
        "one flag per placement, in page order",
      );
      flags.forEach((f, i) => assertSameBlock(f, decision.blocks[i], { page, shopper: s.id }));
      assert.equal(new Set(flags.map((f) => f.metadata.decision_id)).size, 1, "one decision for the whole page");
      const again = await fetch(`${service.url}/ofrep/v1/evaluate/flags`, {
        method: "POST",
        headers: { ...headers, "if-none-match": etag },
        body,
      });
      assert.equal(again.status, 304, `${s.id}: same shopper, same rules, same ETag`);
      assert.equal(await again.text(), "");
    });
  });
}

test("every OFREP decision is in the decision log with its decision_id", async () => {
  const d = await client.getObjectDetails("home.hero", {}, contextOf(shoppers[0], { instant: INSTANT }));
  const id = d.flagMetadata.decision_id;
  let lines = [];
  for (let i = 0; i < 100 && !lines.length; i++) {
    await new Promise((r) => setTimeout(r, 50));
    lines = service.logLines("decisions").filter((l) => l.decision_id === id);
  }
  assert.equal(lines.length, 1, "a single-flag decision logs only the evaluated placement's block");
  assert.equal(lines[0].placement, "home.hero");
  assert.equal(lines[0].shopper, shoppers[0].id);
  assert.equal(lines[0].content, d.variant);
  assert.equal(lines[0].propensity, d.flagMetadata.propensity);
  assert.equal(lines[0].decided_at, d.flagMetadata.decided_at);
  assert.equal(lines[0].time, INSTANT, "the decision's instant is the context's");
});
