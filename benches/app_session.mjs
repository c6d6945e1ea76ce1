// The real app for a bench script: a private data, config and cache
// directory, tauri-driver, the app opened on WORKSPACE; `body(browser, t0)`
// runs with t0 the launch time (Date.now()). Exits 1 when body throws, and
// always cleans up.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openApp, startDriver } from "../tests/e2e/driver.mjs";

export async function withBenchApp(prefix, workspace, app, body) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  const env = {
    XDG_DATA_HOME: path.join(tmp, "data"),
    XDG_CONFIG_HOME: path.join(tmp, "config"),
    XDG_CACHE_HOME: path.join(tmp, "cache"),
    TAILOR_AUTHOR: "bench",
  };
  const driver = await startDriver(env);
  let browser = null;
  let failed = false;
  try {
    const t0 = Date.now();
    browser = await openApp(driver, [workspace], app);
    await body(browser, t0);
  } catch (e) {
    failed = true;
    console.error(e);
  } finally {
    if (browser) await browser.deleteSession().catch(() => {});
    driver.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}
