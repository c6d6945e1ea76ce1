// The real Tailor pieces the OFREP tests run against: the debug `tailor`
// binary, a workspace made from the apparel example, signing keys, a
// `tailor serve` on a free loopback port and publishing to it.
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export { freePort } from "../../e2e/net.mjs";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const cli = path.join(root, "target/debug/tailor");
export const PUBLISH_TOKEN = "ofrep-publish-token";

/**
 * A temp directory with its own key store, a signing key `ofrep` trusted for
 * production, and (with `example`) a workspace `shop.tailor` made from that
 * example. `cleanup()` removes everything.
 */
export function setup({ example = "apparel" } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tailor-ofrep-"));
  const env = {
    XDG_DATA_HOME: path.join(dir, "data"),
    TAILOR_KEY_DIR: path.join(dir, "keys"),
    TAILOR_PUBLISH_TOKEN: PUBLISH_TOKEN,
    TAILOR_AUTHOR: "ofrep-test",
  };
  const fullEnv = { ...process.env, ...env };
  delete fullEnv.TAILOR_DECIDE_TOKEN;
  const tailor = (...args) =>
    execFileSync(cli, args, { env: fullEnv, encoding: "utf8", maxBuffer: 512 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
  const tailorAsync = async (...args) =>
    (await promisify(execFile)(cli, args, { env: fullEnv, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 })).stdout;
  const ws = path.join(dir, "shop.tailor");
  const trust = path.join(dir, "trust.json");
  tailor("keys", "generate", "ofrep");
  tailor("keys", "export", "ofrep", "--env", "production", "-o", trust);
  if (example) tailor("init", ws, "--example", example);
  const services = [];

  /**
   * `tailor serve` with its data in `dir/<name>`, listening on a free
   * loopback port (`--listen 127.0.0.1:0`, address read from stdout).
   * `extra` are further arguments, `extraEnv` further environment.
   */
  async function serve(name = "svc", { extra = [], extraEnv = {} } = {}) {
    const dataDir = path.join(dir, name);
    const stderr = openSync(path.join(dir, `${name}.stderr.log`), "a");
    const proc = spawn(cli, ["serve", "--data-dir", dataDir, "--trust", trust, "--listen", "127.0.0.1:0", ...extra], {
      env: { ...fullEnv, ...extraEnv },
      stdio: ["ignore", "pipe", stderr],
    });
    const url = await new Promise((resolve, reject) => {
      let out = "";
      proc.stdout.on("data", (chunk) => {
        out += chunk;
        const m = out.match(/listening on (\S+)/);
        if (m) resolve(`http://${m[1]}`);
      });
      proc.once("exit", (code) =>
        reject(new Error(`tailor serve exited (${code}): ${readFileSync(path.join(dir, `${name}.stderr.log`), "utf8")}`)),
      );
    });
    const service = {
      url,
      dataDir,
      proc,
      /** Lines of the JSON Lines files `DATA_DIR/decisions/<prefix>-*.jsonl`, parsed. */
      logLines(prefix) {
        const logDir = path.join(dataDir, "decisions");
        let names = [];
        try {
          names = readdirSync(logDir).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith(".jsonl")).sort();
        } catch {
          return [];
        }
        return names.flatMap((f) =>
          readFileSync(path.join(logDir, f), "utf8")
            .split("\n")
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l)),
        );
      },
      /** SIGTERM (graceful: the logs are flushed), then wait for the exit. */
      async stop() {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 10000);
        await exited;
        clearTimeout(timer);
      },
    };
    services.push(service);
    return service;
  }

  /** Publishes the workspace to `url` (environment `env`); the parsed JSON answer. */
  function publish(url, { env = "production", extraEnv = {} } = {}) {
    const out = execFileSync(
      cli,
      ["publish", ws, "--env", env, "--to", url, "--key", "ofrep", "--accept-warnings", "--format", "json"],
      { env: { ...fullEnv, ...extraEnv }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    return JSON.parse(out);
  }

  async function cleanup() {
    await Promise.all(services.map((s) => s.stop()));
    if (!process.env.KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  }

  return { dir, env: fullEnv, ws, trust, tailor, tailorAsync, serve, publish, cleanup };
}

/** What is active for `env` on the service (GET /v1/bundles/{env}/active). */
export async function active(url, env = "production") {
  const r = await fetch(`${url}/v1/bundles/${env}/active`);
  assertOk(r.status === 200, `no active bundle on ${url}: ${r.status}`);
  return r.json();
}

/** A Prometheus sample of `/metrics` (`name{labels}`), or null when absent. */
export async function metric(url, series) {
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    if (i > 0 && sameSeries(line.slice(0, i), series)) return Number(line.slice(i + 1));
  }
  return null;
}

// `a{x="1",y="2"}` equals `a{y="2",x="1"}`.
function sameSeries(a, b) {
  const norm = (s) => {
    const m = s.match(/^([^{]+)(?:\{(.*)\})?$/);
    if (!m) return s;
    const labels = (m[2] || "").split(/,(?=\w+=)/).filter(Boolean).sort();
    return `${m[1]}{${labels.join(",")}}`;
  };
  return norm(a.trim()) === norm(b.trim());
}

function assertOk(cond, message) {
  if (!cond) throw new Error(message);
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in order. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Waits until `fn()` is truthy (polling), else throws `message`. */
export async function waitFor(fn, { timeout = 10000, interval = 50, message = "timed out" } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, interval));
  }
}

