// The content form's state and its conversion to and from a Content item.
import type { Content } from "../bindings/Content";
import type { Doc } from "../bindings/Doc";
import type { PlacementKind } from "../bindings/PlacementKind";
import type { ProductStrategy } from "../bindings/ProductStrategy";
import type { SortStrategy } from "../bindings/SortStrategy";
import { cleanDoc } from "../components/DocPane";
import { splitList } from "../hooks";

export const PRODUCT_STRATEGIES: readonly ProductStrategy[] = [
  "top_in_category",
  "recently_viewed",
  "coordinated",
  "compatible",
  "replenishment",
  "restock_saved",
  "upsell",
];
export const SORT_STRATEGIES: readonly SortStrategy[] = ["bestsellers", "price_low_high", "price_high_low", "newest", "margin_high_low", "stock_high_low"];

export type ContentDraft = {
  kind: PlacementKind;
  id: string;
  owner: string;
  reviewBy: string;
  tags: string;
  doc: Doc;
  /** Kind-specific fields as typed (strings; lists comma-separated). */
  f: Record<string, string>;
  excludePurchased: boolean;
};

export function defaultFields(kind: PlacementKind): Record<string, string> {
  switch (kind) {
    case "product_set":
      return { strategy: "top_in_category", size: "8" };
    case "sort":
      return { strategy: "bestsellers" };
    case "email_flow":
      return { delay_hours: "24" };
    default:
      return {};
  }
}

export function emptyDraft(kind: PlacementKind = "banner"): ContentDraft {
  return { kind, id: "", owner: "", reviewBy: "", tags: "", doc: {}, f: defaultFields(kind), excludePurchased: false };
}

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

export function draftFromContent(c: Content): ContentDraft {
  const f: Record<string, string> = {};
  let excludePurchased = false;
  switch (c.kind) {
    case "banner":
      Object.assign(f, { headline: c.headline, body: str(c.body), image_url: str(c.image_url), link: str(c.link) });
      break;
    case "message":
      f.text = c.text;
      break;
    case "promotion":
      Object.assign(f, { offer: c.offer, code: str(c.code), discount: str(c.discount) });
      break;
    case "product_set":
      Object.assign(f, {
        strategy: c.strategy,
        size: str(c.size),
        min_size: str(c.min_size),
        category: str(c.category),
        match_on: (c.match_on ?? []).join(", "),
        compatible: (c.compatible ?? []).join(", "),
        source: str(c.source),
      });
      excludePurchased = !!c.exclude_purchased;
      break;
    case "sort":
      f.strategy = c.strategy;
      break;
    case "badge":
      Object.assign(f, { label: c.label, tag: str(c.tag) });
      break;
    case "email_flow":
      Object.assign(f, { trigger: c.trigger, delay_hours: str(c.delay_hours), template: c.template });
      break;
  }
  return {
    kind: c.kind,
    id: c.id,
    owner: c.owner ?? "",
    reviewBy: c.review_by ?? "",
    tags: (c.tags ?? []).join(", "),
    doc: c.doc ?? {},
    f,
    excludePurchased,
  };
}

function opt<K extends string>(k: K, v: string | undefined): { [P in K]?: string } {
  const t = v?.trim();
  return (t ? { [k]: t } : {}) as { [P in K]?: string };
}
function optNum<K extends string>(k: K, v: string | undefined): { [P in K]?: number } {
  const t = v?.trim();
  return (t && Number.isFinite(Number(t)) ? { [k]: Number(t) } : {}) as { [P in K]?: number };
}

/** The item the draft describes, and the first thing missing (null when complete). */
export function buildContent(d: ContentDraft): { content: Content; missing: string | null } {
  const f = d.f;
  const tags = splitList(d.tags);
  const doc = cleanDoc(d.doc);
  const common = {
    id: d.id.trim(),
    ...opt("owner", d.owner),
    ...opt("review_by", d.reviewBy),
    ...(tags.length ? { tags } : {}),
    ...(doc ? { doc } : {}),
  };
  const req = (label: string, v: string | undefined) => (v?.trim() ? null : `Fill in ${label}.`);
  const t = (k: string) => (f[k] ?? "").trim();
  let content: Content;
  let missing: string | null = common.id ? null : "Give the content an id.";
  switch (d.kind) {
    case "banner":
      content = { ...common, kind: "banner", headline: t("headline"), ...opt("body", f.body), ...opt("image_url", f.image_url), ...opt("link", f.link) };
      missing ??= req("the headline", f.headline);
      break;
    case "message":
      content = { ...common, kind: "message", text: t("text") };
      missing ??= req("the text", f.text);
      break;
    case "promotion":
      content = { ...common, kind: "promotion", offer: t("offer"), ...opt("code", f.code), ...optNum("discount", f.discount) };
      missing ??= req("the offer", f.offer);
      break;
    case "product_set": {
      const matchOn = splitList(f.match_on ?? "");
      const compatible = splitList(f.compatible ?? "");
      content = {
        ...common,
        kind: "product_set",
        strategy: (t("strategy") || "top_in_category") as ProductStrategy,
        size: Number(t("size")) || 0,
        ...optNum("min_size", f.min_size),
        ...opt("category", f.category),
        ...(matchOn.length ? { match_on: matchOn } : {}),
        ...(compatible.length ? { compatible } : {}),
        ...opt("source", f.source),
        ...(d.excludePurchased ? { exclude_purchased: true } : {}),
      };
      missing ??= Number(t("size")) > 0 ? null : "Set how many products to show (size ≥ 1).";
      break;
    }
    case "sort":
      content = { ...common, kind: "sort", strategy: (t("strategy") || "bestsellers") as SortStrategy };
      break;
    case "badge":
      content = { ...common, kind: "badge", label: t("label"), ...opt("tag", f.tag) };
      missing ??= req("the label", f.label);
      break;
    case "email_flow":
      content = { ...common, kind: "email_flow", trigger: t("trigger"), delay_hours: Number(t("delay_hours")) || 0, template: t("template") };
      missing ??= req("the trigger", f.trigger) ?? req("the template", f.template);
      break;
  }
  return { content, missing };
}

/** Catalog sort column and direction a sort strategy corresponds to. */
export function sortStrategyColumn(s: SortStrategy): { sort: string; descending: boolean } {
  switch (s) {
    case "bestsellers":
      return { sort: "rank", descending: false };
    case "price_low_high":
      return { sort: "price", descending: false };
    case "price_high_low":
      return { sort: "price", descending: true };
    case "newest":
      return { sort: "updated", descending: true };
    case "margin_high_low":
      return { sort: "margin", descending: true };
    case "stock_high_low":
      return { sort: "stock", descending: true };
  }
}
