// Opening a .tailor file while Tailor runs opens it in the running app: the
// second start hands its path over D-Bus (the official single-instance
// plugin) and exits; the first window switches workspace.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, appBinary, failureShot, openApp, startDriver } from "../e2e/driver.mjs";
import { cli, isolated, run } from "./dist.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-dist-single-"));
const env = isolated(tmp);
const driver = await startDriver(env);
after(() => {
  driver.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("a second start with a file opens it in the running window and exits", async () => {
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, "run under dbus-run-session (tests/dist/run.sh)");
  const first = path.join(tmp, "spring-plan.tailor");
  const second = path.join(tmp, "autumn-plan.tailor");
  run(cli, ["init", first]);
  run(cli, ["init", second]);
  const browser = await openApp(driver, [first]);
  try {
    const name = $t(browser, "workspace-name");
    await name.waitForDisplayed({ timeout: 60000 });
    assert.match(await name.getText(), /spring-plan/);

    // What a file manager does on a double-click: start the app with the path
    // (relative here, resolved against the second start's directory).
    const started = Date.now();
    const code = await new Promise((resolve, reject) => {
      const p = spawn(appBinary, [path.basename(second)], { cwd: tmp, env: { ...process.env, ...env }, stdio: "inherit" });
      const timer = setTimeout(() => {
        p.kill("SIGKILL");
        reject(new Error("the second instance did not exit: it opened a window of its own"));
      }, 60000);
      p.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, "the second start exits cleanly");
    await browser.waitUntil(async () => /autumn-plan/.test(await name.getText()), {
      timeout: 30000,
      timeoutMsg: `the running window still shows ${await name.getText()}`,
    });
    console.log(`handoff took ${Date.now() - started} ms`);
  } catch (e) {
    await failureShot(browser, "dist-single-instance");
    throw e;
  } finally {
    await browser.deleteSession();
  }
});
