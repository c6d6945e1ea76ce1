// Issue #15: a keystroke in the segment editor, end to end through the real
// WebView, on a large workspace. Opens WORKSPACE in the app through
// tauri-driver, opens the segment `high_value_customers`
// (`lifetime_value >= 300` in the apparel example) as text, and types N
// keystrokes into the condition. Each one is timed inside the page, from the
// textarea's input event (performance.now() in a capture listener) to the
// moment the reach panel shows the new, settled reach (a MutationObserver),
// and to the end of the next frame (requestAnimationFrame, then a task: the
// frame with the number has been painted). WebDriver round trips are outside
// the interval: the key is sent, then the page is asked for the figures.
//
// The IPC calls are timed by wrapping window.fetch, which Tauri's IPC uses
// (ipc://localhost/<command>), so each keystroke is split into: wait before
// condition_parse is sent (the parse debounce and React), condition_parse's
// round trip, wait before reach is sent (the reach debounce and React),
// reach's round trip (IPC + Rust), and rendering the answer.
//
//   node benches/keystroke_e2e.mjs WORKSPACE [--n 20] [--warmup 2]
//        [--pattern fresh|alternate] [--app target/release/tailor-app]
//
// --pattern fresh (default): each keystroke replaces one of the last two
//   digits of 300, walking 300, 301 … 309, 319, 318 … so every text and every
//   condition is new: nothing can come from react-query's cache.
// --pattern alternate: type "0" at the end (>= 3000), then delete it, and so
//   on; after the first pair both answers are cached, so this mostly measures
//   the UI's own delay.
//
// Needs a display (benches/keystroke_e2e.sh starts Xvfb) and tauri-driver.
import path from "node:path";
import { $t, click, root } from "../tests/e2e/driver.mjs";
import { withBenchApp } from "./app_session.mjs";

function parseArgs(argv) {
  const o = { n: 20, warmup: 2, pattern: "fresh", app: path.join(root, "target/release/tailor-app"), workspace: null, segment: "high_value_customers" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--n") o.n = Number(argv[++i]);
    else if (a === "--warmup") o.warmup = Number(argv[++i]);
    else if (a === "--pattern") o.pattern = argv[++i];
    else if (a === "--app") o.app = path.resolve(argv[++i]);
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else o.workspace = path.resolve(a);
  }
  if (!o.workspace) throw new Error("usage: node benches/keystroke_e2e.mjs WORKSPACE [--n 20] [--warmup 2] [--pattern fresh|alternate] [--app PATH]");
  if (!["fresh", "alternate"].includes(o.pattern)) throw new Error(`--pattern is fresh or alternate, not ${o.pattern}`);
  return o;
}

const START_TEXT = "lifetime_value >= 300";

/**
 * The keystrokes, each as [selection start, selection end, key]: the key
 * replaces the selection (or is inserted at the caret when start = end).
 */
function keystrokes(pattern, count) {
  const out = [];
  const L = START_TEXT.length;
  if (pattern === "alternate") {
    for (let i = 0; i < count; i++) out.push(i % 2 === 0 ? [L, L, "0"] : [L, L, "\uE003"]); // "\uE003" is Backspace
    return out;
  }
  // A snake over the last two digits: the ones digit runs up, then the tens
  // digit steps, then the ones digit runs down, … (at most 99 new values).
  let tens = 0;
  let ones = 0;
  let up = true;
  while (out.length < count) {
    if ((up && ones < 9) || (!up && ones > 0)) {
      ones += up ? 1 : -1;
      out.push([L - 1, L, String(ones)]);
    } else {
      tens += 1;
      if (tens > 9) throw new Error("at most 99 fresh keystrokes");
      up = !up;
      out.push([L - 2, L - 1, String(tens)]);
    }
  }
  return out;
}

// ---------- in the page ----------

/** Installed once: the fetch wrapper that records IPC calls. */
function installProbe() {
  if (window.__ksProbe) return;
  window.__ksProbe = true;
  window.__ksIpc = [];
  const orig = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input.url;
    if (!url.startsWith("ipc://")) return orig(input, init);
    const rec = { cmd: decodeURIComponent(url.replace(/^ipc:\/\/localhost\//, "")), start: performance.now(), end: null };
    window.__ksIpc.push(rec);
    return orig(input, init).then((r) => {
      rec.end = performance.now();
      return r;
    });
  };
  document.addEventListener(
    "input",
    (e) => {
      const k = window.__ks;
      if (k && k.t0 === null && e.target && e.target.dataset && e.target.dataset.testid === "condition-text") {
        k.t0 = performance.now();
        k.text = e.target.value;
      }
    },
    true,
  );
}

/** Before each keystroke: remember the shown reach and watch the panel. */
function arm(selStart, selEnd) {
  const panel = document.querySelector('[data-testid="reach"]');
  const shown = () => {
    const m = panel.querySelector('[data-testid="reach-matched"]');
    return { busy: panel.getAttribute("aria-busy") === "true", value: m ? m.getAttribute("data-value") : null };
  };
  const before = shown();
  if (before.busy || before.value === null) return "the reach panel is not settled before the keystroke";
  const k = { t0: null, text: null, before: before.value, sawBusy: false, sawChange: false, done: null, frame: null, after: null, frames: [] };
  window.__ks = k;
  // Every animation frame from the keystroke to the frame after the answer.
  const tick = (now) => {
    if (k.t0 !== null) k.frames.push(now - k.t0);
    if (k.frame === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const obs = new MutationObserver(() => {
    if (k.t0 === null || k.done !== null) return;
    const s = shown();
    if (s.busy || s.value === null) k.sawBusy = true;
    if (s.value !== null && s.value !== k.before) k.sawChange = true;
    if ((k.sawBusy || k.sawChange) && !s.busy && s.value !== null) {
      k.done = performance.now();
      k.after = s.value;
      obs.disconnect();
      requestAnimationFrame(() => setTimeout(() => (k.frame = performance.now()), 0));
    }
  });
  obs.observe(panel, { subtree: true, childList: true, attributes: true, characterData: true });
  const ta = document.querySelector('[data-testid="condition-text"]');
  ta.focus();
  ta.setSelectionRange(selStart, selEnd);
  return null;
}

/** After the key: wait (in the page) for the answer, then hand back the figures. */
function collect(timeoutMs, done) {
  const t = performance.now();
  const poll = () => {
    const k = window.__ks;
    if (k.frame !== null || performance.now() - t > timeoutMs) {
      const ipc = window.__ksIpc.filter((r) => k.t0 !== null && r.start >= k.t0 && (k.done === null || r.start <= k.done));
      done({ ...k, ipc });
    } else setTimeout(poll, 5);
  };
  poll();
}

/** The median time between animation frames over 60 frames (the display's pace under Xvfb). */
function frameInterval(done) {
  const t = [];
  const step = (now) => {
    t.push(now);
    if (t.length < 61) requestAnimationFrame(step);
    else {
      const d = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
      done(d[30]);
    }
  };
  requestAnimationFrame(step);
}

// ---------- in node ----------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function summary(values) {
  const v = values.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  return { n: v.length, median: quantile(v, 0.5), p95: quantile(v, 0.95), min: v[0], max: v[v.length - 1] };
}

/** One keystroke's timeline, split at the IPC calls. */
function breakdown(k) {
  const parse = k.ipc.find((r) => r.cmd === "condition_parse");
  const reach = parse ? (k.ipc.find((r) => r.cmd === "reach" && r.start >= parse.end) ?? null) : null;
  const d = (a, b) => (a === null || a === undefined || b === null || b === undefined ? null : b - a);
  return {
    total: d(k.t0, k.done),
    frame: d(k.t0, k.frame),
    beforeParse: parse ? d(k.t0, parse.start) : null,
    parseIpc: parse ? d(parse.start, parse.end) : null,
    beforeReach: parse && reach ? d(parse.end, reach.start) : null,
    reachIpc: reach ? d(reach.start, reach.end) : null,
    render: reach ? d(reach.end, k.done) : null,
    ipcCalls: k.ipc.map((r) => r.cmd).join(","),
  };
}

const o = parseArgs(process.argv.slice(2));
await withBenchApp("tailor-ks-", o.workspace, o.app, async (browser, t0) => {
  await click(browser, "nav-segments", 120000);
  const row = $t(browser, `segment-row-${o.segment}`);
  await row.waitForExist({ timeout: 120000 });
  await row.scrollIntoView();
  await row.$("td").click();
  await $t(browser, "segment-editor").waitForDisplayed({ timeout: 30000 });
  await click(browser, "mode-text");
  const ta = $t(browser, "condition-text");
  await browser.waitUntil(async () => (await ta.getValue()) === START_TEXT, { timeout: 30000, timeoutMsg: `the text is not ${START_TEXT}` });
  // The first reach after opening builds the shopper columns (seconds on a million).
  await browser.waitUntil(
    async () => {
      const m = await $t(browser, "reach-matched");
      return (await m.isExisting()) && (await $t(browser, "reach").getAttribute("aria-busy")) === "false";
    },
    { timeout: 300000, interval: 200, timeoutMsg: "the first reach never came" },
  );
  console.log(`workspace ${o.workspace}: editor ready, first reach shown ${((Date.now() - t0) / 1000).toFixed(1)} s after launch`);
  await browser.execute(installProbe);
  await sleep(1000);
  console.log(`frames every ${(await browser.executeAsync(frameInterval)).toFixed(1)} ms (median of 60)`);

  const plan = keystrokes(o.pattern, o.warmup + o.n);
  const rows = [];
  for (let i = 0; i < plan.length; i++) {
    const [s, e, key] = plan[i];
    const err = await browser.execute(arm, s, e);
    if (err) throw new Error(`keystroke ${i}: ${err}`);
    await browser.keys(key);
    const k = await browser.executeAsync(collect, 10000);
    if (k.done === null) throw new Error(`keystroke ${i} (${JSON.stringify(k.text)}): no new reach within 10 s (${JSON.stringify(k)})`);
    const b = breakdown(k);
    const warm = i < o.warmup;
    if (!warm) rows.push(b);
    console.log(
      `${warm ? "warm-up" : String(rows.length).padStart(7)} ${JSON.stringify(k.text).padEnd(26)} reach ${k.before} -> ${String(k.after).padEnd(7)}` +
        ` total ${b.total.toFixed(1)} ms (frame ${b.frame?.toFixed(1)}) | before parse ${b.beforeParse?.toFixed(1)} parse ${b.parseIpc?.toFixed(1)}` +
        ` before reach ${b.beforeReach?.toFixed(1)} reach ${b.reachIpc?.toFixed(1)} render ${b.render?.toFixed(1)} | ${b.ipcCalls}` +
        ` | frames at ${k.frames.map((f) => f.toFixed(0)).join(" ")}`,
    );
    // Let every timer of the previous keystroke run out.
    await sleep(400);
  }

  const fmt = (s) => `median ${s.median?.toFixed(1)} ms, p95 ${s.p95?.toFixed(1)} ms (min ${s.min?.toFixed(1)}, max ${s.max?.toFixed(1)}, n ${s.n})`;
  console.log(`\n${o.pattern} keystrokes, N = ${rows.length}, app ${path.relative(process.cwd(), o.app) || o.app}`);
  console.log(`  input -> new reach in the DOM      ${fmt(summary(rows.map((r) => r.total)))}`);
  console.log(`  input -> next frame painted        ${fmt(summary(rows.map((r) => r.frame)))}`);
  console.log(`  input -> condition_parse sent      ${fmt(summary(rows.map((r) => r.beforeParse)))}`);
  console.log(`  condition_parse round trip         ${fmt(summary(rows.map((r) => r.parseIpc)))}`);
  console.log(`  parse answer -> reach sent         ${fmt(summary(rows.map((r) => r.beforeReach)))}`);
  console.log(`  reach round trip (IPC + Rust)      ${fmt(summary(rows.map((r) => r.reachIpc)))}`);
  console.log(`  reach answer -> number in the DOM  ${fmt(summary(rows.map((r) => r.render)))}`);
});
