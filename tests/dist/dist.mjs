// What the dist tests share: the artifacts of `make dist` and small helpers.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { root } from "../e2e/driver.mjs";

export { root };
export const distDir = path.join(root, "target/dist");
export const cli = path.join(root, "target/debug/tailor");
export const tauriCli = path.join(root, "ui/node_modules/.bin/tauri");

const version = JSON.parse(readFileSync(path.join(distDir, "latest.json"), "utf8")).version;
export const manifest = { version };

function one(suffix) {
  const found = readdirSync(distDir).filter((f) => f.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one *${suffix} in ${distDir}, found ${found.join(", ") || "none"}`);
  return path.join(distDir, found[0]);
}

export const artifacts = {
  deb: one(".deb"),
  rpm: one(".rpm"),
  appimage: one(".AppImage"),
  latest: path.join(distDir, "latest.json"),
};

/** Runs a command and returns its stdout; throws with stderr when it fails. */
export function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
}

/** The environment of one app session: its own data, config and cache. */
export function isolated(tmp, extra = {}) {
  return {
    XDG_DATA_HOME: path.join(tmp, "data"),
    XDG_CONFIG_HOME: path.join(tmp, "config"),
    XDG_CACHE_HOME: path.join(tmp, "cache"),
    TAILOR_AUTHOR: "dist-test",
    ...extra,
  };
}
