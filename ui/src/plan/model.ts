// Pure helpers over the content plan: rank order, filtering, labels and the
// review list. Screens stay thin; these are unit-tested.
import type { Campaign } from "../bindings/Campaign";
import type { Content } from "../bindings/Content";
import type { Finding } from "../bindings/Finding";
import type { PageType } from "../bindings/PageType";
import type { PlacementKind } from "../bindings/PlacementKind";
import type { PlanEntry } from "../bindings/PlanEntry";
import type { Schedule } from "../bindings/Schedule";
import type { Variant } from "../bindings/Variant";
import { todayIso } from "../format";
import type { PlanData } from "../bindings/PlanData";

export const PLACEMENT_KINDS: readonly PlacementKind[] = ["banner", "product_set", "message", "promotion", "sort", "badge", "email_flow"];
export const KIND_LABELS: Record<PlacementKind, string> = {
  banner: "Banner",
  product_set: "Product set",
  message: "Message",
  promotion: "Promotion",
  sort: "Sort",
  badge: "Badge",
  email_flow: "Email flow",
};

export const statusOf = (e: PlanEntry) => e.status ?? "active";

/** The content ids an entry shows (one, or each variant's). */
export function entryContentIds(e: PlanEntry): string[] {
  return "variants" in e ? e.variants.map((v) => v.content) : [e.content];
}

export function formatWeight(w: number): string {
  const pct = Math.round(w * 1000) / 10;
  return Number.isInteger(pct) ? `${pct}%` : `${pct.toFixed(1)}%`;
}

/** "A/B: hero_a 50% / hero_b 50%" (A/B/C… for more variants). */
export function variantsLabel(variants: Variant[]): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".slice(0, Math.max(2, Math.min(26, variants.length))).split("").join("/");
  return `${letters}: ${variants.map((v) => `${v.content} ${formatWeight(v.weight)}`).join(" / ")}`;
}

export function entryContentLabel(e: PlanEntry): string {
  return "variants" in e ? variantsLabel(e.variants) : e.content;
}

export function scheduleLabel(s: Schedule | undefined): string | null {
  if (!s || (!s.start && !s.end)) return null;
  const f = (t: string | undefined) => (t ? t.replace("T", " ") : "…");
  return `${f(s.start)} → ${f(s.end)} (${s.tz})`;
}

/** The engine's rank order (DESIGN §5 step 4): campaign rank ascending with
 * entries outside any campaign last, then priority descending, then id. */
export function rankOrder(entries: PlanEntry[], campaigns: Campaign[]): PlanEntry[] {
  const rank = new Map(campaigns.map((c) => [c.name, c.rank]));
  const key = (e: PlanEntry) => (e.campaign !== undefined && rank.has(e.campaign) ? (rank.get(e.campaign) as number) : Number.POSITIVE_INFINITY);
  return [...entries].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    const pa = a.priority ?? 0;
    const pb = b.priority ?? 0;
    if (pa !== pb) return pb - pa;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

export type PlacementOption = { id: string; page: string; name: string; kind: PlacementKind };

export function allPlacements(pageTypes: PageType[]): PlacementOption[] {
  return pageTypes.flatMap((p) => p.placements.map((pl) => ({ id: `${p.name}.${pl.name}`, page: p.name, name: pl.name, kind: pl.kind })));
}

/** Placements an entry for `stage` can target: those of page types of that stage. */
export function placementsForStage(pageTypes: PageType[], stage: string): PlacementOption[] {
  return allPlacements(pageTypes.filter((p) => p.stage === stage));
}

export function placementKind(pageTypes: PageType[], placementId: string): PlacementKind | undefined {
  return allPlacements(pageTypes).find((p) => p.id === placementId)?.kind;
}

/** Content items a placement of `kind` can show. */
export function contentForKind(content: Content[], kind: PlacementKind | undefined): Content[] {
  return kind ? content.filter((c) => c.kind === kind) : [];
}

/** `ids` with `id` moved by `delta` places (clamped); unchanged if absent. */
export function moveId(ids: string[], id: string, delta: number): string[] {
  const from = ids.indexOf(id);
  if (from < 0) return ids;
  const to = Math.max(0, Math.min(ids.length - 1, from + delta));
  if (to === from) return ids;
  const out = [...ids];
  out.splice(from, 1);
  out.splice(to, 0, id);
  return out;
}

/** `ids` with `id` moved to where `targetId` is (drag and drop). */
export function moveBefore(ids: string[], id: string, targetId: string): string[] {
  const from = ids.indexOf(id);
  const to = ids.indexOf(targetId);
  if (from < 0 || to < 0 || from === to) return ids;
  return moveId(ids, id, to - from);
}

/** Entries of one cell grouped by placement (page order), each in rank order. */
export function cellGroups(entries: PlanEntry[], campaigns: Campaign[], pageTypes: PageType[]): { placement: string; entries: PlanEntry[] }[] {
  const order = allPlacements(pageTypes).map((p) => p.id);
  const by = new Map<string, PlanEntry[]>();
  for (const e of entries) by.set(e.placement, [...(by.get(e.placement) ?? []), e]);
  const pos = (p: string) => {
    const i = order.indexOf(p);
    return i < 0 ? order.length : i;
  };
  return [...by.keys()]
    .sort((a, b) => pos(a) - pos(b) || (a < b ? -1 : 1))
    .map((placement) => ({ placement, entries: rankOrder(by.get(placement) ?? [], campaigns) }));
}

export type PlanFilters = { owner: string; campaign: string; status: string; placement: string; goal: string };
export const NO_FILTERS: PlanFilters = { owner: "", campaign: "", status: "", placement: "", goal: "" };

/** "" = any; "(none)" matches entries without the field. */
export function matchesFilters(e: PlanEntry, f: PlanFilters): boolean {
  const eq = (want: string, have: string | undefined) => !want || (want === "(none)" ? !have : have === want);
  return eq(f.owner, e.owner) && eq(f.campaign, e.campaign) && (!f.status || statusOf(e) === f.status) && eq(f.placement, e.placement) && eq(f.goal, e.goal);
}

/** Lint findings by item (`entry:ID`, `segment:NAME`, …). */
export function findingsByItem(findings: Finding[] | undefined): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>();
  for (const f of findings ?? []) m.set(f.item, [...(m.get(f.item) ?? []), f]);
  return m;
}

export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d + days));
  return dt.toISOString().slice(0, 10);
}

export type ReviewItem = {
  kind: "segment" | "entry" | "content";
  key: string;
  reviewBy: string;
  owner?: string;
  past: boolean;
  daysLeft: number;
};

/** Items with a review-by date on or before today + `horizonDays`, soonest first. */
export function dueForReview(data: Pick<PlanData, "segments" | "entries" | "content">, today: string = todayIso(), horizonDays = 14): ReviewItem[] {
  const limit = addDays(today, horizonDays);
  const out: ReviewItem[] = [];
  const add = (kind: ReviewItem["kind"], key: string, reviewBy: string | undefined, owner: string | undefined) => {
    if (!reviewBy) return;
    const day = reviewBy.slice(0, 10);
    if (day > limit) return;
    const daysLeft = Math.round((Date.parse(day + "T00:00:00Z") - Date.parse(today + "T00:00:00Z")) / 86_400_000);
    out.push({ kind, key, reviewBy: day, owner, past: day < today, daysLeft });
  };
  for (const s of data.segments) add("segment", s.segment.name, s.segment.review_by, s.segment.owner);
  for (const e of data.entries) add("entry", e.item.id, e.item.review_by, e.item.owner);
  for (const c of data.content) add("content", c.item.id, c.item.review_by, c.item.owner);
  const kindOrder = { segment: 0, entry: 1, content: 2 };
  return out.sort((a, b) => (a.reviewBy < b.reviewBy ? -1 : a.reviewBy > b.reviewBy ? 1 : kindOrder[a.kind] - kindOrder[b.kind] || (a.key < b.key ? -1 : 1)));
}
