// Starts the real Tailor app under tauri-driver and connects WebdriverIO.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";
import { freePort, portOpen } from "./net.mjs";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const appBinary = path.join(root, "target/debug/tailor-app");

/** tauri-driver with an isolated environment (data dir for the recent list). */
export async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  // Its own process group, so stopping it also stops WebKitWebDriver and the
  // app even when a test failed half-way.
  const proc = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () => {
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {
      // already gone
    }
    proc.unref();
  };
  return { port, stop };
}

/** One app session; `args` go to the app's command line; `application` is the debug build unless given (an AppImage, say). */
export async function openApp(driver, args = [], application = appBinary) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: driver.port,
    logLevel: "warn",
    connectionRetryTimeout: 120000,
    capabilities: { "tauri:options": { application, args } },
  });
  return browser;
}

/**
 * Attribute values of every element matching `selector`, read one at a time:
 * tauri-driver does not take concurrent requests on one session.
 */
export async function attributes(browser, selector, name) {
  const out = [];
  for (const el of await browser.$$(selector)) out.push(await el.getAttribute(name));
  return out;
}

/** `$t(browser, id)`: the element with data-testid=id. */
export const $t = (browser, id) => browser.$(`[data-testid="${id}"]`);

/** A screenshot in tests/e2e/artifacts/ when a test fails, for the report. */
export async function failureShot(browser, name) {
  try {
    const dir = path.join(root, "tests/e2e/artifacts");
    (await import("node:fs")).mkdirSync(dir, { recursive: true });
    await browser.saveScreenshot(path.join(dir, `${name}.png`));
    console.error(`screenshot of the failure: tests/e2e/artifacts/${name}.png`);
  } catch {
    // the session may be gone
  }
}

/** Clicks the element with data-testid=id once it is clickable. */
export async function click(browser, id, timeout = 30000) {
  const el = $t(browser, id);
  await el.waitForClickable({ timeout });
  await el.click();
}

/** Selects `value` in the <select> with data-testid=id once it is shown. */
export async function choose(browser, id, value, timeout = 30000) {
  const el = $t(browser, id);
  await el.waitForDisplayed({ timeout });
  await el.selectByAttribute("value", value);
}

/**
 * A real decision service (`tailor serve`) on a free loopback port, trusting
 * `trust`, with its data in `dataDir`. Resolves once it listens.
 */
export async function startService(cli, { dataDir, trust, env }) {
  const port = await freePort();
  const proc = spawn(cli, ["serve", "--data-dir", dataDir, "--trust", trust, "--listen", `127.0.0.1:${port}`], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve) => proc.stdout.once("data", resolve));
  return { url: `http://127.0.0.1:${port}`, stop: () => proc.kill("SIGKILL") };
}
