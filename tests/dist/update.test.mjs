// Signed updates with real parts: the AppImage `make dist` built (version N,
// trusting the test key) runs under Xvfb and checks a latest.json served by
// nginx over TLS (a test CA the app is told to trust through SSL_CERT_FILE).
// The update announced is version N+1: the same AppImage bytes, signed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { $t, failureShot, openApp, startDriver } from "../e2e/driver.mjs";
import { freePort, portOpen } from "../e2e/net.mjs";
import { artifacts, isolated, manifest, root, run, tauriCli } from "./dist.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-dist-update-"));
const www = path.join(tmp, "www");
const next = manifest.version.replace(/(\d+)$/, (n) => String(Number(n) + 1));
const payload = `Tailor_${next}_amd64.AppImage`;
let nginx;
let base;
let ca;

function sh(cmd, args) {
  return run(cmd, args, { cwd: tmp });
}

/** A CA and a certificate for 127.0.0.1 signed by it. */
function certificates() {
  const ext = path.join(tmp, "server.ext");
  writeFileSync(ext, "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
  sh("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Tailor update test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  sh("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  sh("openssl", ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", ext]);
  return path.join(tmp, "ca.pem");
}

function latest(signature) {
  const entry = { signature, url: `${base}/${payload}` };
  return JSON.stringify({
    version: next,
    notes: `Tailor ${next}\n\n- Simulation runs a third faster.\n- Lint explains overlaps with an example shopper.`,
    pub_date: "2026-12-06T12:00:00Z",
    platforms: { "linux-x86_64-appimage": entry, "linux-x86_64": entry },
  });
}

/** Lines of nginx's access log that asked for `file`. */
function requests(file) {
  return readFileSync(path.join(tmp, "access.log"), "utf8").split("\n").filter((l) => l.includes(` /${file} `));
}

before(async () => {
  // nginx's workers run as nobody: they must be able to read what they serve.
  chmodSync(tmp, 0o755);
  mkdirSync(www);
  ca = certificates();
  const port = await freePort();
  base = `https://127.0.0.1:${port}`;
  copyFileSync(artifacts.appimage, path.join(www, payload));
  // Good: the release's own signature. Bad: a valid signature by another key.
  writeFileSync(path.join(www, "good.json"), latest(readFileSync(`${artifacts.appimage}.sig`, "utf8").trim()));
  const otherKey = path.join(tmp, "other.key");
  run(tauriCli, ["signer", "generate", "--ci", "-p", "", "-w", otherKey]);
  const forged = path.join(tmp, payload);
  copyFileSync(artifacts.appimage, forged);
  run(tauriCli, ["signer", "sign", "-f", otherKey, "-p", "", forged]);
  writeFileSync(path.join(www, "bad.json"), latest(readFileSync(`${forged}.sig`, "utf8").trim()));

  const conf = path.join(tmp, "nginx.conf");
  writeFileSync(
    conf,
    `daemon off;
pid ${tmp}/nginx.pid;
error_log ${tmp}/error.log;
events {}
http {
  access_log ${tmp}/access.log;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  types { application/json json; application/octet-stream AppImage; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${tmp}/server.pem;
    ssl_certificate_key ${tmp}/server.key;
    root ${www};
  }
}
`,
  );
  nginx = spawn("nginx", ["-c", conf, "-p", tmp], { stdio: ["ignore", "inherit", "inherit"] });
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 100));
  // The server really is TLS with this CA (curl, not the app, as a sanity check).
  run("curl", ["-sSf", "--cacert", ca, `${base}/good.json`]);
});

after(() => {
  nginx?.kill("SIGQUIT");
  rmSync(tmp, { recursive: true, force: true });
});

/** One session of the AppImage with its own home and these settings. */
async function session(name, extra, body, application = artifacts.appimage) {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  const driver = await startDriver(isolated(dir, { APPIMAGE_EXTRACT_AND_RUN: "1", SSL_CERT_FILE: ca, ...extra }));
  const browser = await openApp(driver, [], application);
  try {
    await $t(browser, "welcome").waitForDisplayed({ timeout: 120000 });
    await body(browser);
  } catch (e) {
    await failureShot(browser, `dist-update-${name}`);
    throw e;
  } finally {
    await browser.deleteSession().catch(() => {});
    driver.stop();
  }
}

test("a signed update is offered, downloaded with progress and verified", async () => {
  await session("good", { TAILOR_UPDATE_URL: `${base}/good.json` }, async (browser) => {
    const offer = $t(browser, "update-available");
    await offer.waitForDisplayed({ timeout: 60000 });
    assert.match(await offer.getText(), new RegExp(`Tailor ${next.replace(/\./g, "\\.")} is available`));
    assert.match(await $t(browser, "update-notes").getText(), /Simulation runs a third faster/);
    // For docs/img/update-prompt.png (copied by hand when the prompt changes).
    mkdirSync(path.join(root, "target/dist-shots"), { recursive: true });
    await browser.saveScreenshot(path.join(root, "target/dist-shots/update-prompt.png"));
    await $t(browser, "update-download").click();
    const verified = $t(browser, "update-verified");
    await verified.waitForDisplayed({ timeout: 120000 });
    // Progress events reached the page, up to the whole file.
    const size = statSync(path.join(www, payload)).size;
    assert.equal(Number(await verified.getAttribute("data-downloaded")), size);
    assert.ok(await $t(browser, "update-restart").isDisplayed(), "offers to restart");
    const got = requests(payload);
    assert.equal(got.length, 1, got.join("\n"));
    assert.match(got[0], new RegExp(`" 200 ${size} `));
  });
});

test("Restart now installs the verified update in place of the running AppImage", async () => {
  // Version N installed in a folder of the user's; N+1 is other bytes (the
  // release with a trailer), signed with the release (test) key.
  const installed = path.join(tmp, "installed", "Tailor.AppImage");
  mkdirSync(path.dirname(installed));
  copyFileSync(artifacts.appimage, installed);
  const nextBytes = Buffer.concat([readFileSync(artifacts.appimage), Buffer.from(`\n# Tailor ${next}\n`)]);
  const nextName = `Tailor_${next}_amd64.next.AppImage`;
  writeFileSync(path.join(www, nextName), nextBytes);
  run(tauriCli, ["signer", "sign", "-f", path.join(root, "tests/dist/updater-test.key"), "-p", "", path.join(www, nextName)]);
  const entry = { signature: readFileSync(path.join(www, `${nextName}.sig`), "utf8").trim(), url: `${base}/${nextName}` };
  writeFileSync(path.join(www, "install.json"), JSON.stringify({ version: next, pub_date: "2026-12-06T12:00:00Z", platforms: { "linux-x86_64-appimage": entry } }));
  await session(
    "install",
    { TAILOR_UPDATE_URL: `${base}/install.json` },
    async (browser) => {
      await $t(browser, "update-download").waitForClickable({ timeout: 60000 });
      await $t(browser, "update-download").click();
      await $t(browser, "update-restart").waitForClickable({ timeout: 120000 });
      // Until now the installed file is untouched.
      assert.ok(readFileSync(installed).equals(readFileSync(artifacts.appimage)));
      await $t(browser, "update-restart").click().catch(() => {
        /* the app restarts under the session */
      });
      const deadline = Date.now() + 30000;
      while (Date.now() < deadline && !readFileSync(installed).equals(nextBytes)) await new Promise((r) => setTimeout(r, 250));
      assert.ok(readFileSync(installed).equals(nextBytes), "the AppImage on disk is the new version");
      assert.ok(statSync(installed).mode & 0o100, "and still executable");
    },
    installed,
  );
});

test("an update signed with another key is refused, and the app keeps running", async () => {
  await session("bad", { TAILOR_UPDATE_URL: `${base}/bad.json` }, async (browser) => {
    await $t(browser, "update-download").waitForClickable({ timeout: 60000 });
    const before = requests(payload).length;
    await $t(browser, "update-download").click();
    const error = $t(browser, "update-error");
    await error.waitForDisplayed({ timeout: 120000 });
    assert.match(await error.getText(), /signature does not match the key built into Tailor/);
    assert.match(await error.getText(), /Nothing was installed/);
    assert.equal(requests(payload).length, before + 1, "it was downloaded, then refused");
    assert.equal(await $t(browser, "update-verified").isExisting(), false);
    await $t(browser, "update-dismiss").click();
    // Still working: the welcome screen answers.
    await $t(browser, "welcome-path").setValue("/tmp/still-here.tailor");
    assert.equal(await $t(browser, "welcome-path").getValue(), "/tmp/still-here.tailor");
  });
});

test("with no network it says so once, then stays quiet", async () => {
  const closed = await freePort();
  await session("offline", { TAILOR_UPDATE_URL: `https://127.0.0.1:${closed}/latest.json` }, async (browser) => {
    const error = $t(browser, "update-error");
    await error.waitForDisplayed({ timeout: 60000 });
    assert.match(await error.getText(), /Could not reach the update server/);
    await $t(browser, "update-dismiss").click();
    // The page starts again (as after a crash boundary or reload): it checks
    // again, fails again, and says nothing this time.
    await browser.refresh();
    await $t(browser, "welcome").waitForDisplayed({ timeout: 60000 });
    await browser.pause(5000);
    assert.equal(await $t(browser, "update-center").isExisting(), false);
  });
});

test("a policy that turns checks off means no request at all", async () => {
  const policy = path.join(tmp, "policy.json");
  writeFileSync(policy, JSON.stringify({ update_check: false }));
  const before = requests("good.json").length;
  await session("policy", { TAILOR_UPDATE_URL: `${base}/good.json`, TAILOR_POLICY_FILE: policy }, async (browser) => {
    await browser.pause(5000);
    assert.equal(await $t(browser, "update-center").isExisting(), false);
  });
  assert.equal(requests("good.json").length, before, "the app never asked for latest.json");
});
