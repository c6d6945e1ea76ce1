// Plain-words rendering of the engine's trace, fallbacks and durations.
import type { Block, Outcome } from "../../api/simulate";

/** "2 min 05 s", "12 s", "<1 s", "1 h 02 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return "<1 s";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, "0")} min`;
}

/** Test id of a drill-down number: `:` (and other awkward characters) become `-`. */
export function drillTestId(key: string): string {
  return "drill-" + key.replace(/[:\s]/g, "-");
}

/** `sha256:…` whether or not the digest already carries the prefix. */
export function formatDigest(digest: string | null | undefined): string {
  if (!digest) return "—";
  return digest.startsWith("sha256:") ? digest : `sha256:${digest}`;
}

export function humanize(id: string): string {
  return id.replace(/_/g, " ");
}

const FALLBACK_WORDS: Record<string, string> = {
  no_candidate: "no entry matched",
  no_consent: "no personalization consent",
  holdout: "held out (control)",
  dropped_by_page_cap: "dropped by page cap",
  too_few_products: "too few products",
  no_default: "no default content",
};

export function fallbackWords(reason: string | null | undefined): string {
  if (!reason) return "no reason given";
  return FALLBACK_WORDS[reason] ?? humanize(reason);
}

/** The badge beside a previewed block. */
export function blockBadge(b: Block): string {
  if (b.personalized) {
    const variant = b.variant !== undefined ? `, variant ${String.fromCharCode(65 + b.variant)}` : "";
    return `personalized by ${b.entry ?? "?"} (segment ${b.segment ?? "?"}${variant})`;
  }
  if (b.holdout && b.entry) return `default (holdout: control group of ${b.entry})`;
  return `default (${fallbackWords(b.fallback_reason)})`;
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** A campaign's or a schedule's closed window. */
type ClosedWindow = Extract<Outcome, { result: "campaign_closed" | "schedule_closed" }>;

function closedWindow(what: string, o: ClosedWindow): string {
  return `${what} is closed at this time: ${o.start ?? "…"} to ${o.end ?? "…"} (${o.tz}); it is ${o.local} there`;
}

/** Fields each known outcome's sentence already says; the rest are listed as "key: value". */
const SAID: Record<string, string[]> = {
  won: [],
  not_active: ["status"],
  wrong_stage: ["entry_stage", "stage"],
  campaign_closed: ["campaign", "start", "end", "tz", "local"],
  schedule_closed: ["start", "end", "tz", "local"],
  no_consent: ["attributes"],
  segment_mismatch: ["path", "condition", "attribute", "actual"],
  lost_on_rank: ["winner"],
};

/** One candidate's outcome in plain words, plus any field the sentence does not cover. */
export function describeOutcome(o: Outcome, segment: string): { sentence: string; extra: [string, string][] } {
  let sentence: string;
  switch (o.result) {
    case "won":
      sentence = "won: segment matched and it ranks first";
      break;
    case "not_active":
      sentence = `not active (status ${o.status})`;
      break;
    case "wrong_stage":
      sentence = `wrong journey stage: the entry is for ${o.entry_stage}, this page is ${o.stage}`;
      break;
    case "campaign_closed":
      sentence = closedWindow(`campaign ${o.campaign}`, o);
      break;
    case "schedule_closed":
      sentence = closedWindow("the schedule", o);
      break;
    case "no_consent": {
      const attrs = o.attributes && o.attributes.length ? ` (segment reads consent-gated ${o.attributes.join(", ")})` : "";
      sentence = `the shopper has not consented to personalization${attrs}`;
      break;
    }
    case "segment_mismatch": {
      const who = o.attribute !== undefined ? `; ${o.attribute} is ${o.actual ?? "missing"}` : "";
      sentence = `segment ${segment} does not match: ${o.condition} is false${who}`;
      break;
    }
    case "lost_on_rank":
      sentence = `matched, but ${o.winner} ranks higher and won`;
      break;
    default: {
      // A result this UI does not know yet (a newer engine): its name in words.
      const other: { result: string } = o;
      sentence = humanize(other.result);
    }
  }
  const said = SAID[o.result] ?? [];
  const extra: [string, string][] = Object.entries(o)
    .filter(([k]) => k !== "result" && !said.includes(k))
    .map(([k, v]) => [k, formatValue(v)]);
  return { sentence, extra };
}

/** `entry:x` → page of entry x is not known here; `page:P:blocks:N` → P. */
export function pageOfKey(key: string): string | null {
  const m = /^page:(.+):blocks:\d+$/.exec(key);
  return m ? m[1] : null;
}

/** The page of a `page.placement` id. */
export function pageOfPlacement(placement: string): string {
  const i = placement.indexOf(".");
  return i < 0 ? placement : placement.slice(0, i);
}

/** RFC 3339 instant → value of a datetime-local input (local wall clock, seconds kept). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** datetime-local value → RFC 3339 UTC instant; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.000Z$/, "Z");
}

/** Slider positions: every boundary plus "now" (null), in time order. */
export function timeStops(boundaries: string[], now: Date = new Date()): (string | null)[] {
  const stops: (string | null)[] = [];
  let placed = false;
  for (const b of boundaries) {
    const t = new Date(b).getTime();
    if (!placed && !Number.isNaN(t) && t > now.getTime()) {
      stops.push(null);
      placed = true;
    }
    stops.push(b);
  }
  if (!placed) stops.push(null);
  return stops;
}
