// Small display helpers shared by tables.

/** A shopper attribute value as a table cell shows it. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return v.map(formatValue).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function formatPercent(matched: number, total: number): string {
  if (total <= 0) return "0%";
  const pct = (matched / total) * 100;
  if (pct === 0 || pct === 100) return `${pct}%`;
  if (pct < 0.1) return "<0.1%";
  return `${pct.toFixed(1)}%`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Today as YYYY-MM-DD in local time. */
export function todayIso(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

export function isPastDate(date: string | undefined, now: Date = new Date()): boolean {
  return !!date && date.slice(0, 10) < todayIso(now);
}
