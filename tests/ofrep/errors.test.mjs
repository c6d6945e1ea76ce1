// Every OFREP error over real HTTP against a real `tailor serve`: the request
// that should produce it, the protocol's status and body, and the code the
// official Node provider surfaces (`details.errorCode`). Then the optional
// decision token: 401 without it, and the provider sending it through its
// `headers` / `headersFactory` options.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode, OpenFeature } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { active, setup } from "./lib/tailor.mjs";

const DECIDE_TOKEN = "ofrep-decide-token";
const SHOPPER = { targetingKey: "s-err-1", customer_type: "returning", consent: true, orders: 3 };

let t;
let open; // a service without a decision token
let guarded; // a service with TAILOR_DECIDE_TOKEN

before(async () => {
  t = setup();
  open = await t.serve("open");
  guarded = await t.serve("guarded", { extraEnv: { TAILOR_DECIDE_TOKEN: DECIDE_TOKEN } });
  OpenFeature.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
});

after(async () => {
  await OpenFeature.close();
  await t?.cleanup();
});

let domains = 0;
/** An OpenFeature client on its own domain, with an OFREP provider. */
async function clientFor(options) {
  const domain = `errors-${++domains}`;
  await OpenFeature.setProviderAndWait(domain, new OFREPProvider(options));
  return OpenFeature.getClient(domain);
}

/** A raw OFREP POST; `body` is sent as is when it is a string. */
async function post(url, path, body, headers = {}) {
  const r = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : null };
}

test("GENERAL: no bundle is active yet", async () => {
  const raw = await post(open.url, "/ofrep/v1/evaluate/flags/home.hero", { context: SHOPPER });
  assert.equal(raw.status, 500, "the protocol's status of GENERAL");
  assert.equal(raw.body.errorCode, "GENERAL");
  assert.equal(raw.body.key, "home.hero");
  assert.match(raw.body.errorDetails, /no bundle/i, "a sentence for people");

  const bulk = await post(open.url, "/ofrep/v1/evaluate/flags", { context: { ...SHOPPER, page: "home" } });
  assert.equal(bulk.status, 500);
  assert.equal(bulk.body.errorCode, "GENERAL");
  assert.match(bulk.body.errorDetails, /no bundle/i);

  const client = await clientFor({ baseUrl: open.url });
  const d = await client.getObjectDetails("home.hero", { fallback: true }, SHOPPER);
  assert.equal(d.errorCode, ErrorCode.GENERAL);
  assert.deepEqual(d.value, { fallback: true }, "the provider falls back to the code default");
  assert.equal(d.reason, "ERROR");
  // The providers parse error bodies on 400, 404 and 500 only (the spec's
  // statuses): the service's sentence reaches the application.
  assert.match(d.errorMessage, /no bundle/i);
});

test("the example is published to both services", async () => {
  t.publish(open.url);
  t.publish(guarded.url);
  // Each publish is a new version of the workspace; both are active.
  assert.ok((await active(open.url)).version < (await active(guarded.url)).version);
});

test("GENERAL: several environments are active and the request names none (400)", async () => {
  t.tailor("keys", "export", "ofrep", "--env", "staging", "-o", t.trust);
  const multi = await t.serve("multi");
  t.publish(multi.url);
  t.publish(multi.url, { env: "staging" });
  const raw = await post(multi.url, "/ofrep/v1/evaluate/flags/home.hero", { context: SHOPPER });
  assert.equal(raw.status, 400, JSON.stringify(raw.body));
  assert.equal(raw.body.errorCode, "GENERAL");
  assert.match(raw.body.errorDetails, /environment/);
  const client = await clientFor({ baseUrl: multi.url });
  const d = await client.getObjectDetails("home.hero", {}, SHOPPER);
  assert.equal(d.errorCode, ErrorCode.GENERAL);
  assert.equal(d.errorMessage, raw.body.errorDetails, "on a 400 the service's sentence reaches the application");
  // Naming one, in the URL or in the context, decides.
  const named = await clientFor({ baseUrl: `${multi.url}`, fetchImplementation: (req) => fetch(`${req.url}?env=staging`, req) });
  assert.equal((await named.getObjectDetails("home.hero", {}, SHOPPER)).errorCode, undefined);
  const inContext = await client.getObjectDetails("home.hero", {}, { ...SHOPPER, environment: "staging" });
  assert.equal(inContext.errorCode, undefined, inContext.errorMessage);
  assert.equal(inContext.flagMetadata.version, (await active(multi.url, "staging")).version);
  await multi.stop();
});

test("FLAG_NOT_FOUND: an unknown placement or page (404)", async () => {
  const client = await clientFor({ baseUrl: open.url });
  for (const key of ["home.nope", "nope.hero", "hero", "home.hero.extra"]) {
    const raw = await post(open.url, `/ofrep/v1/evaluate/flags/${key}`, { context: SHOPPER });
    assert.equal(raw.status, 404, `${key}: ${JSON.stringify(raw.body)}`);
    assert.equal(raw.body.errorCode, "FLAG_NOT_FOUND");
    assert.equal(raw.body.key, key);
    assert.equal(typeof raw.body.errorDetails, "string");
    const d = await client.getObjectDetails(key, {}, SHOPPER);
    assert.equal(d.errorCode, ErrorCode.FLAG_NOT_FOUND, key);
    assert.equal(d.errorMessage, raw.body.errorDetails, "the provider passes the service's details on");
  }
});

test("PARSE_ERROR: a body that is not JSON or not {context: {...}} (400)", async () => {
  for (const body of ["not json", '{"context":', "[]", '{"context": 5}', '{"context": [1, 2]}']) {
    const raw = await post(open.url, "/ofrep/v1/evaluate/flags/home.hero", body);
    assert.equal(raw.status, 400, `${body}: ${JSON.stringify(raw.body)}`);
    assert.equal(raw.body.errorCode, "PARSE_ERROR", body);
    assert.equal(raw.body.key, "home.hero");
    const bulk = await post(open.url, "/ofrep/v1/evaluate/flags", body);
    assert.equal(bulk.status, 400, `bulk ${body}`);
    assert.equal(bulk.body.errorCode, "PARSE_ERROR", `bulk ${body}`);
  }
  // The SDK always sends JSON; a fetch that cuts the body short shows the
  // provider surfacing the service's PARSE_ERROR as that code.
  const truncating = (req) => fetch(req.url, { method: "POST", headers: req.headers, body: '{"context": {"targetingKey"' });
  const client = await clientFor({ baseUrl: open.url, fetchImplementation: truncating });
  const d = await client.getObjectDetails("home.hero", {}, SHOPPER);
  assert.equal(d.errorCode, ErrorCode.PARSE_ERROR);
});

test("TARGETING_KEY_MISSING: a context without targetingKey (400)", async () => {
  const { targetingKey, ...attributes } = SHOPPER;
  assert.ok(targetingKey);
  const raw = await post(open.url, "/ofrep/v1/evaluate/flags/home.hero", { context: attributes });
  assert.equal(raw.status, 400);
  assert.equal(raw.body.errorCode, "TARGETING_KEY_MISSING");
  const bulk = await post(open.url, "/ofrep/v1/evaluate/flags", { context: { ...attributes, page: "home" } });
  assert.equal(bulk.status, 400);
  assert.equal(bulk.body.errorCode, "TARGETING_KEY_MISSING");

  const client = await clientFor({ baseUrl: open.url });
  for (const context of [attributes, { ...attributes, targetingKey: "" }]) {
    const d = await client.getObjectDetails("home.hero", {}, context);
    assert.equal(d.errorCode, ErrorCode.TARGETING_KEY_MISSING, JSON.stringify(context));
  }
});

test("INVALID_CONTEXT: an attribute of the wrong type or a reserved key of the wrong shape (400)", async () => {
  const client = await clientFor({ baseUrl: open.url });
  const cases = [
    { orders: "many" }, // number attribute
    { consent: "maybe" }, // bool attribute
    { last_order: "last tuesday" }, // date attribute
    { recently_viewed: [1, 2] }, // string_list attribute
    { cart: "AP-1001" }, // reserved: a list of product ids
    { instant: "yesterday" }, // reserved: RFC 3339
    { stage: "nowhere" }, // reserved: a journey stage of the workspace
  ];
  for (const extra of cases) {
    const context = { ...SHOPPER, ...extra };
    const raw = await post(open.url, "/ofrep/v1/evaluate/flags/home.hero", { context });
    assert.equal(raw.status, 400, `${JSON.stringify(extra)}: ${JSON.stringify(raw.body)}`);
    assert.equal(raw.body.errorCode, "INVALID_CONTEXT", JSON.stringify(extra));
    assert.ok(raw.body.errorDetails.length > 0);
    const d = await client.getObjectDetails("home.hero", {}, context);
    assert.equal(d.errorCode, ErrorCode.INVALID_CONTEXT, JSON.stringify(extra));
  }
  // Bulk: the context must name a page the bundle has (no FLAG_NOT_FOUND in bulk).
  for (const context of [SHOPPER, { ...SHOPPER, page: "nope" }, { ...SHOPPER, page: "home", orders: "many" }]) {
    const bulk = await post(open.url, "/ofrep/v1/evaluate/flags", { context });
    assert.equal(bulk.status, 400, JSON.stringify(context));
    assert.equal(bulk.body.errorCode, "INVALID_CONTEXT", JSON.stringify(context));
  }
  // Unknown context keys are not attributes: ignored, not refused.
  const d = await client.getObjectDetails("home.hero", {}, { ...SHOPPER, favourite_colour: "teal" });
  assert.equal(d.errorCode, undefined, d.errorMessage);
});

test("TAILOR_DECIDE_TOKEN: 401 without the bearer token; the provider sends it through its headers", async () => {
  const context = { context: SHOPPER };
  // No token: 401; a wrong one: 403 (as for uploads); both with errorDetails.
  const refusals = [
    [{}, 401],
    [{ authorization: DECIDE_TOKEN }, 401],
    [{ authorization: "Bearer wrong" }, 403],
  ];
  for (const [headers, status] of refusals) {
    const raw = await post(guarded.url, "/ofrep/v1/evaluate/flags/home.hero", context, headers);
    assert.equal(raw.status, status, JSON.stringify(headers));
    assert.equal(typeof raw.body.errorDetails, "string");
    const bulk = await post(guarded.url, "/ofrep/v1/evaluate/flags", { context: { ...SHOPPER, page: "home" } }, headers);
    assert.equal(bulk.status, status, `bulk ${JSON.stringify(headers)}`);
  }
  const ok = await post(guarded.url, "/ofrep/v1/evaluate/flags/home.hero", context, {
    authorization: `Bearer ${DECIDE_TOKEN}`,
  });
  assert.equal(ok.status, 200);

  const anonymous = await clientFor({ baseUrl: guarded.url });
  const refused = await anonymous.getObjectDetails("home.hero", {}, SHOPPER);
  assert.equal(refused.errorCode, ErrorCode.GENERAL, "the provider reports a 401 as a general error");

  const withHeaders = await clientFor({ baseUrl: guarded.url, headers: [["Authorization", `Bearer ${DECIDE_TOKEN}`]] });
  const withFactory = await clientFor({
    baseUrl: guarded.url,
    headersFactory: async () => ({ Authorization: `Bearer ${DECIDE_TOKEN}` }),
  });
  for (const client of [withHeaders, withFactory]) {
    const d = await client.getObjectDetails("home.hero", {}, SHOPPER);
    assert.equal(d.errorCode, undefined, d.errorMessage);
    assert.equal(d.variant, d.value.id);
    assert.ok(d.variant, "the hero always has content (a default at least)");
  }
  // The token guards decisions only: the open service answers without one.
  const openClient = await clientFor({ baseUrl: open.url });
  assert.equal((await openClient.getObjectDetails("home.hero", {}, SHOPPER)).errorCode, undefined);
});
