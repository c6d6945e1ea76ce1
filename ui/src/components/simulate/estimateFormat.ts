// Number formatting for Simulate → Estimates. The figures must read exactly
// as `tailor estimate WS` prints them (crates/cli/src/estimate_cmd.rs `fmt`):
// rates as `{:.3}` of value × 100 followed by `%`, other rewards as `{:.3}`,
// effective sample size as `{:.1}`, and "not enough data: …" instead of a
// number. Rust's fixed-precision formatting is exact and rounds ties to
// even, and prints the sign of −0; `Number.toFixed` rounds ties up and drops
// −0's sign, so `rustFixed` re-implements Rust's rule on the exact binary
// value of the double.
import type { Estimate } from "../../bindings/Estimate";

/** `format!("{:.digits$}", x)` as Rust prints it (exact value, ties to even). */
export function rustFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  // |x| = mantissa × 2^exponent exactly; scaled = |x| × 10^digits.
  const pow10 = 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = mantissa * pow10 * (1n << BigInt(exponent));
  } else {
    const num = mantissa * pow10;
    const den = 1n << BigInt(-exponent);
    q = num / den;
    const twiceRest = (num % den) * 2n;
    if (twiceRest > den || (twiceRest === den && q % 2n === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, "0");
    s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  }
  return (negative ? "-" : "") + s;
}

/** A finite, non-negative double as mantissa × 2^exponent (both exact). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 }; // subnormal (or zero)
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** Like the CLI: a report's figures are rates (shown in percent) when the logged value is within [0, 1] or absent. */
export function isRateReport(r: { logged: Estimate }): boolean {
  const v = r.logged.value;
  return v === undefined || v === null || (v >= 0 && v <= 1);
}

/** One number as the CLI prints it: `5.225%` for a rate, `41.250` otherwise. */
export function formatNumber(v: number | undefined | null, pct: boolean): string {
  const x = v ?? Number.NaN;
  return pct ? `${rustFixed(x * 100, 3)}%` : rustFixed(x, 3);
}

/** The 95% interval: `[3.925%, 6.525%]`. */
export function formatInterval(e: Estimate, pct: boolean): string {
  return `[${formatNumber(e.ci_low, pct)}, ${formatNumber(e.ci_high, pct)}]`;
}

export function isOk(e: Estimate | undefined | null): e is Estimate & { value: number } {
  return !!e && e.status === "ok" && typeof e.value === "number";
}

/** Why there is no number; never a 0%. */
export function reasonText(e: Estimate): string {
  return e.reason?.trim() || "not enough data";
}

/** The CLI's one-line form: `5.225%  [3.925%, 6.525%]`, or the reason. */
export function formatEstimate(e: Estimate, pct: boolean): string {
  return isOk(e) ? `${formatNumber(e.value, pct)}  ${formatInterval(e, pct)}` : reasonText(e);
}

/** Effective sample size, one decimal like the CLI. */
export function formatEss(ess: number): string {
  return rustFixed(ess, 1);
}

/** Holdout fraction as a percentage: 0.1 → `10%`, 0.125 → `12.5%`. */
export function formatHoldout(h: number): string {
  return `${Number((h * 100).toFixed(1))}%`;
}

/** Confidence level: 0.95 → `95%`. */
export function formatConfidence(c: number): string {
  return `${Number((c * 100).toFixed(1))}%`;
}

/**
 * A shared horizontal scale for the interval bars of one table: from the
 * lowest interval end (or 0) to the highest, so bars in one table compare.
 */
export interface BarScale {
  lo: number;
  hi: number;
}

export function barScale(estimates: (Estimate | undefined | null)[]): BarScale | null {
  const ends: number[] = [];
  for (const e of estimates) {
    if (!isOk(e)) continue;
    ends.push(e.value);
    if (typeof e.ci_low === "number" && Number.isFinite(e.ci_low)) ends.push(e.ci_low);
    if (typeof e.ci_high === "number" && Number.isFinite(e.ci_high)) ends.push(e.ci_high);
  }
  if (ends.length === 0) return null;
  const lo = Math.min(0, ...ends);
  let hi = Math.max(0, ...ends);
  if (hi <= lo) hi = lo + 1;
  const pad = (hi - lo) * 0.04;
  return { lo: lo < 0 ? lo - pad : lo, hi: hi + pad };
}

/** Position of `v` on the scale, in percent of the bar's width (clamped). */
export function barPosition(scale: BarScale, v: number): number {
  const p = ((v - scale.lo) / (scale.hi - scale.lo)) * 100;
  return Math.min(100, Math.max(0, p));
}

export const CI_METHOD_WORDS: Record<string, string> = {
  normal: "normal approximation",
  bootstrap_percentile: "percentile bootstrap",
};

/**
 * The reward used when none is chosen, by the CLI's rule
 * (`tailor_estimate::choose_reward`): the only one, else `click` when the
 * events carry it; null when the user has to choose.
 */
export function defaultReward(rewards: string[]): string | null {
  const unique = [...new Set(rewards)];
  if (unique.length === 1) return unique[0];
  if (unique.includes("click")) return "click";
  return null;
}

/** An RFC 3339 instant with a date, a time and an offset (`Z` or `±hh:mm`). */
export function looksLikeRfc3339(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.test(s.trim());
}
