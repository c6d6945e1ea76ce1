// The official OpenFeature web SDK and OFREP web provider in a real browser
// (WebKitGTK's MiniBrowser, driven by WebKitWebDriver under Xvfb): a page
// served from another loopback origin (CORS) renders the apparel home page's
// hero for a shopper from `tailor serve`, polls the bulk endpoint with its
// ETag and gets 304s while nothing changes (the page does not re-render),
// then re-renders once a new bundle is published.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { remote } from "webdriverio";
import YAML from "yaml";
import { active, freePort, metric, setup, waitFor } from "./lib/tailor.mjs";
import { exampleSpec } from "./lib/shoppers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const POLL_MS = 300;
// A returning womenswear shopper with consent, on a phone.
const SHOPPER = "web-shopper-1";
const ATTRIBUTES = {
  customer_type: "returning",
  device: "mobile",
  traffic_source: "direct",
  consent: true,
  orders: 2,
  lifetime_value: 140,
  loyalty_tier: "none",
  gender_interest: "women",
  recently_viewed: ["AP-1070", "AP-1073"],
};

let t;
let service;
let site; // the static server of the page
let driver; // WebKitWebDriver
let browser;

before(async () => {
  assert.ok(existsSync(MINIBROWSER), `${MINIBROWSER} is missing: bash scripts/install-deps (libwebkit2gtk-4.1)`);
  t = setup();
  // The page: bundled with esbuild, served from its own origin.
  const pageDir = path.join(t.dir, "page");
  mkdirSync(pageDir);
  await esbuild.build({
    entryPoints: [path.join(here, "page/main.js")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    outfile: path.join(pageDir, "bundle.js"),
    logLevel: "warning",
  });
  copyFileSync(path.join(here, "page/index.html"), path.join(pageDir, "index.html"));
  site = http.createServer((req, res) => {
    const name = new URL(req.url, "http://x").pathname.replace(/^\/+/, "") || "index.html";
    const type = name.endsWith(".js") ? "text/javascript" : "text/html";
    try {
      const body = readFileSync(path.join(pageDir, path.basename(name)));
      res.writeHead(200, { "content-type": `${type}; charset=utf-8` }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => site.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${site.address().port}`;

  service = await t.serve("svc", { extra: ["--allow-origin", origin] });
  t.publish(service.url);

  const port = await freePort();
  driver = spawn("WebKitWebDriver", [`--port=${port}`, "--host=127.0.0.1"], {
    stdio: ["ignore", "ignore", "inherit"],
    detached: true, // its own process group: stopping it stops MiniBrowser too
  });
  browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    connectionRetryTimeout: 60000,
    capabilities: { "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } },
  });
  const q = new URLSearchParams({ service: service.url, shopper: SHOPPER, poll: String(POLL_MS), ctx: JSON.stringify(ATTRIBUTES) });
  await browser.url(`${origin}/index.html?${q}`);
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  if (driver) {
    try {
      process.kill(-driver.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  site?.close();
  await t?.cleanup();
});

const seen = () => browser.execute(() => window.__ofrep);
const hero = async () => {
  const el = await browser.$('[id="home.hero"]');
  return { content: await el.getAttribute("data-content"), headline: await el.$("h1").getText() };
};

/** What `tailor explain` shows on the home page for the shopper. */
function explainHome() {
  const out = t.tailor(
    "explain", t.ws, "--shopper-json", JSON.stringify({ id: SHOPPER, ...ATTRIBUTES }), "--page", "home", "--format", "json",
  );
  return JSON.parse(out);
}

test("the page renders the shopper's hero, then only 304s while nothing changes", async () => {
  const expected = explainHome().blocks.find((b) => b.placement === "home.hero").content;
  const content = exampleSpec("apparel").content.find((c) => c.id === expected);
  await waitFor(async () => (await hero()).content === expected, {
    timeout: 30000,
    message: `the hero should show ${expected}: ${JSON.stringify(await seen().catch(() => null))}`,
  });
  assert.equal((await hero()).headline, content.headline);
  const before304 = await metric(service.url, 'tailor_ofrep_requests_total{endpoint="bulk",outcome="not_modified"}');

  // Several polls later: every one was a 304 and nothing re-rendered.
  const count304 = async () => (await seen()).statuses.filter((x) => x === 304).length;
  const pageBefore = await count304();
  await waitFor(async () => (await count304()) >= pageBefore + 3, {
    timeout: 15000,
    message: `no 304 from the service: ${JSON.stringify(await seen())}`,
  });
  const s = await seen();
  assert.deepEqual(s.errors, []);
  assert.equal(s.statuses[0], 200, "the first bulk evaluation is a 200");
  assert.ok(s.statuses.slice(1).every((x) => x === 304), `only 304s afterwards: ${s.statuses}`);
  assert.equal(s.renders, 1, "no re-render while nothing changed");
  // The service counted them too (a series appears with its first count).
  const after304 = await metric(service.url, 'tailor_ofrep_requests_total{endpoint="bulk",outcome="not_modified"}');
  assert.ok(after304 >= (before304 ?? 0) + 3, `the service answered the 304s: ${before304} → ${after304}`);
});

test("a new bundle is published: the next poll gets a 200 and the page re-renders", async () => {
  const { content: id } = await hero();
  const polled = (await seen()).statuses.length; // the 200 comes after these
  const spec = exampleSpec("apparel");
  const changed = { ...spec.content.find((c) => c.id === id), headline: "Knitwear week: 20% off every jumper" };
  const patch = path.join(t.dir, "hero-headline.yaml");
  writeFileSync(patch, YAML.stringify({ content: [changed] }));
  t.tailor("apply", t.ws, patch);
  const versionBefore = (await active(service.url)).version;
  t.publish(service.url);
  assert.equal((await active(service.url)).version, versionBefore + 1);

  await waitFor(async () => (await hero()).headline === changed.headline, {
    timeout: 15000,
    message: `the page did not re-render: ${JSON.stringify(await seen())}`,
  });
  const s = await seen();
  assert.equal(s.renders, 2, "re-rendered once, on the change");
  assert.ok(s.statuses.slice(polled).includes(200), "the change came as a 200 after the 304s");
  assert.equal((await hero()).content, id, "same content, new fields");
  assert.deepEqual(s.errors, []);
});
