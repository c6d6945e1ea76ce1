// Warnings shown on an entry card: lint findings about the entry, plus the
// checks the UI can make on its own (so they show even before lint runs).
import type { Finding } from "../bindings/Finding";
import type { PlanEntry } from "../bindings/PlanEntry";
import { isPastDate } from "../format";

export type EntryWarning = { rule: string; severity: "error" | "warning"; message: string };

export function entryWarnings(e: PlanEntry, findings: Finding[] = [], now: Date = new Date()): EntryWarning[] {
  const out: EntryWarning[] = findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message }));
  const has = (rule: string) => out.some((w) => w.rule === rule);
  if (!has("past_review_by") && isPastDate(e.review_by, now)) out.push({ rule: "past_review_by", severity: "warning", message: `Review-by date ${e.review_by} has passed.` });
  const s = e.schedule;
  if (!has("schedule_never_opens") && s?.start && s.end && s.end <= s.start)
    out.push({ rule: "schedule_never_opens", severity: "warning", message: `Schedule never opens: it ends (${s.end.replace("T", " ")}) before it starts.` });
  return out;
}
