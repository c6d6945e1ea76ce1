// The installers' metadata, read with the platform's own tools: dpkg-deb for
// the .deb, update-mime-database for the MIME registration,
// desktop-file-validate for the desktop entry, the AppImage's own runtime.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { artifacts, manifest, run } from "./dist.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tailor-dist-pkg-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const MIME = "application/x-tailor-workspace";

test(".deb control file: name, version, dependencies, description", () => {
  const field = (f) => run("dpkg-deb", ["-f", artifacts.deb, f]).trim();
  assert.equal(field("Package"), "tailor");
  assert.equal(field("Version"), manifest.version);
  assert.equal(field("Architecture"), "amd64");
  assert.match(field("Depends"), /libwebkit2gtk-4\.1-0/);
  assert.match(field("Depends"), /libgtk-3-0/);
  assert.equal(field("Section"), "utils");
  assert.match(field("Description"), /^Author, simulate and publish storefront personalization rules/);
  assert.ok(field("Maintainer").length > 0, "a maintainer (the publisher)");
});

test(".deb desktop entry opens .tailor files, and the MIME type is registered", () => {
  const root = path.join(tmp, "deb");
  run("dpkg-deb", ["-x", artifacts.deb, root]);
  assert.ok(existsSync(path.join(root, "usr/bin/tailor-app")), "the app binary");
  for (const size of ["32x32", "64x64", "128x128", "256x256@2"]) {
    assert.ok(existsSync(path.join(root, `usr/share/icons/hicolor/${size}/apps/tailor-app.png`)), `icon ${size}`);
  }
  const desktop = path.join(root, "usr/share/applications/Tailor.desktop");
  const entry = Object.fromEntries(
    readFileSync(desktop, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  assert.equal(entry.Name, "Tailor");
  assert.equal(entry.Icon, "tailor-app");
  assert.match(entry.Exec, /^tailor-app %[fFuU]$/, "Exec passes the opened file");
  assert.ok(entry.MimeType.split(";").includes(MIME), `MimeType=${entry.MimeType}`);
  run("desktop-file-validate", [desktop]);

  // Register the package's MIME file the way the system does, in a private
  // database, and ask it what *.tailor is.
  const mime = path.join(tmp, "mime");
  mkdirSync(path.join(mime, "packages"), { recursive: true });
  cpSync(path.join(root, "usr/share/mime/packages/tailor.xml"), path.join(mime, "packages/tailor.xml"));
  run("update-mime-database", [mime]);
  const globs = readFileSync(path.join(mime, "globs2"), "utf8");
  assert.match(globs, new RegExp(`^\\d+:${MIME.replace(/[/.+-]/g, "\\$&")}:\\*\\.tailor$`, "m"));
});

test("the AppImage is an AppImage of the same app, marked for the updater", () => {
  const bytes = readFileSync(artifacts.appimage);
  assert.equal(bytes.subarray(0, 4).toString("latin1"), "\x7fELF");
  assert.equal(bytes.subarray(8, 11).toString("latin1"), "AI\x02", "AppImage type 2 magic");
  const out = path.join(tmp, "appimage");
  mkdirSync(out);
  run(artifacts.appimage, ["--appimage-extract"], { cwd: out });
  const dir = path.join(out, "squashfs-root");
  assert.equal(readlinkSync(path.join(dir, "AppRun")), "usr/bin/tailor-app");
  assert.match(readFileSync(path.join(dir, "tailor-app.desktop"), "utf8"), new RegExp(`MimeType=.*${MIME}`));
  assert.ok(existsSync(path.join(dir, ".DirIcon")));
  const binary = readFileSync(path.join(dir, "usr/bin/tailor-app")).toString("latin1");
  assert.ok(binary.includes("__TAURI_BUNDLE_TYPE_VAR_APP"), "the updater installs it as an AppImage");
  assert.ok(!binary.includes("__TAURI_BUNDLE_TYPE_VAR_DEB"));
});

test("the .rpm is an RPM package", () => {
  const lead = readFileSync(artifacts.rpm).subarray(0, 4);
  assert.deepEqual([...lead], [0xed, 0xab, 0xee, 0xdb]);
});

test("latest.json announces every installer with its own signature", () => {
  const latest = JSON.parse(readFileSync(artifacts.latest, "utf8"));
  assert.equal(latest.version, manifest.version);
  assert.ok(!Number.isNaN(Date.parse(latest.pub_date)));
  for (const [key, file] of [
    ["linux-x86_64-appimage", artifacts.appimage],
    ["linux-x86_64", artifacts.appimage],
    ["linux-x86_64-deb", artifacts.deb],
    ["linux-x86_64-rpm", artifacts.rpm],
  ]) {
    const p = latest.platforms[key];
    assert.ok(p, `${key} is announced`);
    assert.equal(p.signature, readFileSync(`${file}.sig`, "utf8").trim(), `${key} carries ${path.basename(file)}.sig`);
    assert.ok(p.url.endsWith(`/${path.basename(file)}`), p.url);
  }
});
