// Deterministic shoppers for the apparel example, generated from its
// attribute schema (examples/apparel/workspace.yaml) with list items drawn
// from its generator spec (shoppers.yaml): every type, values that make the
// segments match and miss, nulls, missing attributes and dates given either
// as `YYYY-MM-DD` strings or as JavaScript Dates (which an OpenFeature
// context carries and JSON turns into RFC 3339 timestamps).
import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { root } from "./tailor.mjs";

const exampleDir = (name) => path.join(root, "examples", name);

/** The example's parsed workspace spec (attributes, page types, content…). */
export function exampleSpec(name = "apparel") {
  return YAML.parse(readFileSync(path.join(exampleDir(name), "workspace.yaml"), "utf8"));
}

/** Product ids of the example's catalog, in file order. */
export function catalogIds(name = "apparel") {
  return readFileSync(path.join(exampleDir(name), "catalog.csv"), "utf8")
    .split("\n")
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.split(",")[0]);
}

/** mulberry32: a small seeded PRNG, so every run sees the same shoppers. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` shoppers `{id, ...attributes}` for the example `name`. About 7% of
 * attributes are missing and 7% null; a third of the dates are Date objects.
 */
export function generateShoppers(n, { seed = 19, name = "apparel" } = {}) {
  const rand = prng(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const { attributes } = exampleSpec(name);
  const genSpec = YAML.parse(readFileSync(path.join(exampleDir(name), "shoppers.yaml"), "utf8")).spec;
  const listPools = Object.fromEntries(
    genSpec.attributes.filter((a) => a.string_list).map((a) => [a.name, Object.keys(a.string_list.items)]),
  );
  const products = catalogIds(name);
  const day0 = Date.UTC(2025, 8, 1);
  const days = 460; // 2025-09-01 … 2026-12-04
  const value = (attr) => {
    switch (attr.type) {
      case "enum":
        return pick(attr.values);
      case "bool":
        return rand() < 0.8;
      case "number":
        return rand() < 0.5 ? Math.floor(rand() * 12) : Math.round(rand() * 150000) / 100;
      case "date": {
        const d = new Date(day0 + Math.floor(rand() * days) * 86400000);
        return rand() < 0.33 ? d : d.toISOString().slice(0, 10);
      }
      case "string_list": {
        const items = listPools[attr.name] ?? products;
        return Array.from({ length: Math.floor(rand() * 5) }, () => pick(items));
      }
      default:
        return pick(["a", "b", "c"]);
    }
  };
  const shoppers = [];
  for (let i = 1; i <= n; i++) {
    const shopper = { id: `of-${String(i).padStart(5, "0")}` };
    for (const attr of attributes) {
      const r = rand();
      if (r < 0.07) continue;
      shopper[attr.name] = r < 0.14 ? null : value(attr);
    }
    shoppers.push(shopper);
  }
  return shoppers;
}

/** The OpenFeature evaluation context of a shopper (`targetingKey` = id). */
export function contextOf(shopper, extra = {}) {
  const { id, ...attributes } = shopper;
  return { targetingKey: id, ...attributes, ...extra };
}

/** JSON Lines of the shoppers, as `tailor explain --shoppers-file` reads them. */
export function jsonLines(shoppers) {
  return shoppers.map((s) => JSON.stringify(s)).join("\n") + "\n";
}
