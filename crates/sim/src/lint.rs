//! Lint: problems a reviewer would flag before rules ship (DESIGN §8).
//! [`lint_workspace`] runs every rule; [`lint_segments`] only the segment
//! rules. Rule ids, severities and meanings are listed in docs/simulation.md.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tailor_engine::{Bitmap, ColumnarTable, CompiledCondition, ShopperTable};
use tailor_model::condition::typecheck;
use tailor_model::{Schema, Segment};
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, naming the rule, the item and what is wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    pub severity: Severity,
    /// Stable rule id, e.g. `tiny_segment`.
    pub rule: String,
    /// The item, as `kind:name` (e.g. `segment:returning_buyers`).
    pub item: String,
    pub message: String,
    /// A shopper the finding is about, as a JSON object of attribute values
    /// (as in a decision request; missing attributes are null): for
    /// `conflicting_entries`, one who matches both segments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "Record<string, unknown>")]
    pub witness: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Finding {
    pub fn new(severity: Severity, rule: &str, item: String, message: String) -> Self {
        Self { severity, rule: rule.into(), item, message, witness: None }
    }
}

/// Thresholds, with the defaults the CLI and app use.
#[derive(Clone, Debug)]
pub struct LintOptions {
    /// Segments below this share of sample shoppers are "tiny".
    pub tiny_share: f64,
    /// Segments with fewer matching sample shoppers are "tiny" too.
    pub tiny_count: u64,
    /// Two segments whose Jaccard overlap (both / either) reaches this are
    /// near-duplicates.
    pub near_duplicate: f64,
    /// Catalog products not updated for this many days are stale.
    pub stale_days: u32,
}

impl Default for LintOptions {
    fn default() -> Self {
        Self { tiny_share: 0.01, tiny_count: 0, near_duplicate: 0.9, stale_days: 90 }
    }
}

/// Lints segments against the schema and the sample shoppers. Findings are
/// sorted errors first, then by item.
pub fn lint_segments(
    segments: &[Segment],
    schema: &Schema,
    shoppers: &ShopperTable,
    today: Date,
    options: &LintOptions,
) -> Vec<Finding> {
    let columns = ColumnarTable::new(schema, shoppers);
    let (mut out, _) = segment_rules(segments, schema, &columns, today, options);
    sort(&mut out);
    out
}

/// The segment rules, unsorted, with the sample shoppers as columns; also
/// which shoppers each segment that compiles matches, by name.
fn segment_rules<'s>(
    segments: &'s [Segment],
    schema: &Schema,
    columns: &ColumnarTable,
    today: Date,
    options: &LintOptions,
) -> (Vec<Finding>, BTreeMap<&'s str, Bitmap>) {
    let mut out = Vec::new();
    // Every segment that compiles, evaluated together (shared tests once).
    let compiled: Vec<Option<CompiledCondition>> =
        segments.iter().map(|s| CompiledCondition::compile(&s.condition, schema).ok()).collect();
    let evaluators: Vec<_> = compiled.iter().flatten().map(|c| c.on(today)).collect();
    let mut bitmaps = columns.evaluate_all(&evaluators).into_iter();
    let mut matches = BTreeMap::new();
    for (s, compiled) in segments.iter().zip(&compiled) {
        let bits = compiled.as_ref().and_then(|_| bitmaps.next());
        let item = format!("segment:{}", s.name);
        let mut push =
            |severity, rule: &str, message: String| out.push(Finding::new(severity, rule, item.clone(), message));
        if s.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
            push(Severity::Warning, "missing_owner", "no owner: nobody is answerable for this segment".into());
        }
        if let Some(d) = s.review_by {
            if d < today {
                push(Severity::Warning, "past_review_by", format!("review-by date {d} has passed"));
            }
        }
        let errors = typecheck(&s.condition, schema);
        if !errors.is_empty() {
            let msg = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ");
            push(Severity::Error, "invalid_condition", msg);
            continue;
        }
        let Some(bits) = bits else {
            continue;
        };
        let (matched, total) = (bits.count(), columns.len() as u64);
        matches.insert(s.name.as_str(), bits);
        if total == 0 {
            continue;
        }
        let share = matched as f64 / total as f64;
        if matched == 0 {
            push(Severity::Warning, "matches_nobody", format!("matches none of the {total} sample shoppers"));
        } else if matched == total {
            push(
                Severity::Warning,
                "matches_everybody",
                format!("matches all {total} sample shoppers: is a condition missing?"),
            );
        } else if share < options.tiny_share || matched < options.tiny_count {
            push(
                Severity::Warning,
                "tiny_segment",
                format!(
                    "matches {} of {} sample shoppers ({:.2}%), under {:.0}%{}",
                    matched,
                    total,
                    share * 100.0,
                    options.tiny_share * 100.0,
                    if options.tiny_count > 0 { format!(" or {} shoppers", options.tiny_count) } else { String::new() }
                ),
            );
        }
    }
    (out, matches)
}

fn sort(out: &mut [Finding]) {
    out.sort_by(|a, b| a.severity.cmp(&b.severity).then_with(|| a.item.cmp(&b.item)).then_with(|| a.rule.cmp(&b.rule)));
}

pub mod solver;
mod workspace;
pub use workspace::{lint_workspace, lint_workspace_with};
