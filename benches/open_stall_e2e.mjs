// Issue #15: does the window freeze while the first reach after opening a
// large workspace builds the shopper columns? Opens WORKSPACE in the real app
// through tauri-driver (it starts on Segments, whose reaches start at once),
// then, while those reaches run, visits screens whose commands need the
// workspace (Attributes: attribute_list; Content Plan: plan_data and lint;
// Shoppers: shopper_page; back to Segments: segment_list), and waits until
// every segment shows its reach. Inside the page it records:
//   - the largest gap between requestAnimationFrame callbacks;
//   - a ping: `example_list` (a sync command, so it runs on the main thread
//     and touches nothing shared) sent every 50 ms, one at a time; its
//     longest round trip is the longest the main thread was unavailable;
//   - each IPC call's round trip (window.fetch wrapped, as in
//     benches/keystroke_e2e.mjs).
//
//   node benches/open_stall_e2e.mjs WORKSPACE [--app target/debug/tailor-app]
//        [--screens attributes,content-plan,shoppers,segments]
//
// Needs a display (xvfb-run -a node …) and tauri-driver; WORKSPACE as
// benches/keystroke_e2e.sh makes it.
import path from "node:path";
import { $t, click, root } from "../tests/e2e/driver.mjs";
import { withBenchApp } from "./app_session.mjs";

function parseArgs(argv) {
  const o = { app: path.join(root, "target/debug/tailor-app"), workspace: null, screens: ["attributes", "content-plan", "shoppers", "segments"] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--app") o.app = path.resolve(argv[++i]);
    else if (a === "--screens") o.screens = argv[++i].split(",");
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else o.workspace = path.resolve(a);
  }
  if (!o.workspace) throw new Error("usage: node benches/open_stall_e2e.mjs WORKSPACE [--app PATH] [--screens a,b,c]");
  return o;
}

// ---------- in the page ----------

function installProbe() {
  if (window.__stall) return;
  const s = { t0: performance.now(), ipc: [], gaps: [], last: null, pings: [], stop: false };
  window.__stall = s;
  const orig = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input.url;
    if (!url.startsWith("ipc://")) return orig(input, init);
    const rec = { cmd: decodeURIComponent(url.replace(/^ipc:\/\/localhost\//, "")), start: performance.now(), end: null };
    s.ipc.push(rec);
    return orig(input, init).then((r) => {
      rec.end = performance.now();
      return r;
    });
  };
  const tick = (now) => {
    if (s.last !== null) s.gaps.push([now - s.last, s.last - s.t0]);
    s.last = now;
    if (!s.stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const ping = async () => {
    while (!s.stop) {
      const start = performance.now();
      await window.__TAURI_INTERNALS__.invoke("example_list");
      s.pings.push([performance.now() - start, start - s.t0]);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  void ping();
}

function collect() {
  const s = window.__stall;
  s.stop = true;
  const top = (xs) => xs.slice().sort((a, b) => b[0] - a[0]).slice(0, 5);
  return {
    elapsed: performance.now() - s.t0,
    frames: s.gaps.length,
    topGaps: top(s.gaps),
    pings: s.pings.length,
    topPings: top(s.pings),
    ipc: s.ipc.filter((r) => r.cmd !== "example_list").map((r) => ({ cmd: r.cmd, at: r.start - s.t0, ms: r.end === null ? null : r.end - r.start })),
  };
}

// ---------- in node ----------

const o = parseArgs(process.argv.slice(2));
await withBenchApp("tailor-stall-", o.workspace, o.app, async (browser, t0) => {
  await $t(browser, "nav-segments").waitForExist({ timeout: 120000 });
  await browser.execute(installProbe);
  console.log(`workspace ${o.workspace}, app ${path.relative(process.cwd(), o.app) || o.app}: probe installed ${((Date.now() - t0) / 1000).toFixed(1)} s after launch`);
  for (const screen of o.screens) {
    const t = Date.now();
    await click(browser, `nav-${screen}`, 600000);
    console.log(`  clicked ${screen}: the click took ${Date.now() - t} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
  await browser.waitUntil(
    async () => {
      const rows = await browser.$$('[data-testid^="segment-row-"]');
      const shown = await browser.$$('[data-testid="segment-reach"]');
      return rows.length > 0 && shown.length === rows.length;
    },
    { timeout: 600000, interval: 250, timeoutMsg: "the reaches never all came" },
  );
  console.log(`every segment shows its reach ${((Date.now() - t0) / 1000).toFixed(1)} s after launch`);
  await new Promise((r) => setTimeout(r, 1000));
  const r = await browser.execute(collect);
  const fmt = (xs) => xs.map(([ms, at]) => `${ms.toFixed(0)} ms at ${(at / 1000).toFixed(1)} s`).join(", ");
  console.log(`over ${(r.elapsed / 1000).toFixed(1)} s: ${r.frames} frames, ${r.pings} pings`);
  console.log(`  longest frame gaps:       ${fmt(r.topGaps)}`);
  console.log(`  longest ping round trips: ${fmt(r.topPings)}`);
  const reaches = r.ipc.filter((x) => x.cmd === "reach" && x.ms !== null).map((x) => x.ms);
  console.log(`  reach calls seen: ${reaches.length}, longest ${Math.max(0, ...reaches).toFixed(0)} ms`);
  for (const x of r.ipc.filter((x) => x.cmd !== "reach")) {
    console.log(`  ${x.cmd.padEnd(20)} sent at ${(x.at / 1000).toFixed(2)} s, answered in ${x.ms === null ? "—" : x.ms.toFixed(0) + " ms"}`);
  }
});
