//! The whole-workspace rules: plan entries, content, schedules, product
//! sets and the catalog, judged against the sample shoppers where the rule
//! is about who matches.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use tailor_engine::plan::Plan;
use tailor_engine::{ColumnarTable, CompiledCondition, ShopperTable, Value};
use tailor_model::condition::{CmpOp, Condition, Literal};
use tailor_model::plan::{ContentBody, EntryStatus, PlanEntry};
use tailor_model::spec::Snapshot;
use tailor_model::{AttributeName, SegmentName};

use super::solver::{Verdict, Witness, satisfy};
use super::{Finding, LintOptions, Severity, segment_rules, sort};

/// The attribute the engine reads a shopper's consent from.
const CONSENT: &str = "consent";

/// Which sample shoppers match, one bit each.
#[derive(Clone, Debug, PartialEq)]
struct Bits(Vec<u64>);

impl Bits {
    fn count(&self) -> u64 {
        self.0.iter().map(|w| u64::from(w.count_ones())).sum()
    }
    fn and_count(&self, o: &Bits) -> u64 {
        self.0.iter().zip(&o.0).map(|(a, b)| u64::from((a & b).count_ones())).sum()
    }
    fn or_with(&mut self, o: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            *a |= b;
        }
    }
    fn subset_of(&self, o: &Bits) -> bool {
        self.0.iter().zip(&o.0).all(|(a, b)| a & !b == 0)
    }
}

fn finding(severity: Severity, rule: &str, item: String, message: String) -> Finding {
    Finding::new(severity, rule, item, message)
}

/// A shopper who matches both conditions and can be personalized (has
/// consent, or none recorded when consent is on by default), proved by the
/// [solver](super::solver) and checked by the engine; `None` when there is
/// none or the solver cannot tell. Consent is left out of the witness when
/// it may stay missing.
fn witness_of_both(
    a: &Condition,
    b: &Condition,
    plan: &Plan,
    consent_by_default: bool,
    today: Date,
) -> Option<Witness> {
    let schema = plan.schema();
    let mut both = vec![a.clone(), b.clone()];
    if schema.get(CONSENT).is_some() {
        let consent = AttributeName::from(CONSENT);
        both.push(if consent_by_default {
            Condition::Not(Box::new(Condition::Compare { attr: consent, op: CmpOp::Eq, value: Literal::Bool(false) }))
        } else {
            Condition::Compare { attr: consent, op: CmpOp::Eq, value: Literal::Bool(true) }
        });
    }
    let both = Condition::And(both);
    let Verdict::Satisfiable(mut witness) = satisfy(&both, schema, today) else { return None };
    // A solver bug must not become a false report: the engine has the last word.
    let shopper = witness.shopper("witness", schema);
    let matches = CompiledCondition::compile(&both, schema).is_ok_and(|c| c.matches(&shopper, today));
    debug_assert!(matches, "the solver's witness {witness} does not match {both:?}");
    witness.values.retain(|(name, v)| !(name.as_str() == CONSENT && *v == Value::Null));
    matches.then_some(witness)
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Every lint rule over a workspace (see docs/simulation.md for the list).
/// `plan` is the snapshot compiled; `shoppers` are typed with its schema.
/// Sorted errors first, then by item and rule.
pub fn lint_workspace(
    snapshot: &Snapshot,
    plan: &Plan,
    shoppers: &ShopperTable,
    today: Date,
    options: &LintOptions,
) -> Vec<Finding> {
    lint_workspace_with(snapshot, plan, &ColumnarTable::new(plan.schema(), shoppers), today, options)
}

/// [`lint_workspace`] with the sample shoppers already in columns (built
/// with the plan's schema), as the store caches them.
pub fn lint_workspace_with(
    snapshot: &Snapshot,
    plan: &Plan,
    columns: &ColumnarTable,
    today: Date,
    options: &LintOptions,
) -> Vec<Finding> {
    let schema = plan.schema();
    // Match bitsets of every segment that compiles.
    let (mut out, bitmaps) = segment_rules(&snapshot.segments, schema, columns, today, options);
    let matches: BTreeMap<&str, Bits> = bitmaps.into_iter().map(|(name, b)| (name, Bits(b.into_words()))).collect();
    let words = columns.len().div_ceil(64);
    let have_shoppers = !columns.is_empty();

    // near_duplicate_segments
    if have_shoppers {
        let names: Vec<&str> = matches.keys().copied().collect();
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                let (ba, bb) = (&matches[a], &matches[b]);
                let (ca, cb) = (ba.count(), bb.count());
                if ca == 0 || cb == 0 {
                    continue;
                }
                let both = ba.and_count(bb);
                let jaccard = both as f64 / (ca + cb - both) as f64;
                if jaccard >= options.near_duplicate {
                    out.push(finding(
                        Severity::Warning,
                        "near_duplicate_segments",
                        format!("segment:{a}"),
                        format!(
                            "matches nearly the same shoppers as `{b}`: {both} match both, {} either (overlap {:.0}%, threshold {:.0}%)",
                            ca + cb - both,
                            jaccard * 100.0,
                            options.near_duplicate * 100.0
                        ),
                    ));
                }
            }
        }
    }

    // Entries: rank order as the engine uses it.
    // The condition of a segment that compiles.
    let condition = |name: &SegmentName| {
        let compiles = matches.contains_key(name.as_str());
        snapshot.segments.iter().find(|s| compiles && s.name == *name).map(|s| &s.condition)
    };
    let campaign = |e: &PlanEntry| e.campaign.as_ref().and_then(|c| snapshot.campaigns.iter().find(|x| &x.name == c));
    let rank = |e: &PlanEntry| (campaign(e).map_or(u32::MAX, |c| c.rank), -e.priority, e.id.clone());
    let always_open =
        |e: &PlanEntry| e.schedule.is_none() && campaign(e).is_none_or(|c| c.start.is_none() && c.end.is_none());
    let active: Vec<&PlanEntry> = snapshot.plan.iter().filter(|e| e.status == EntryStatus::Active).collect();
    let mut groups: BTreeMap<(&str, &str), Vec<&PlanEntry>> = BTreeMap::new();
    for e in &active {
        groups.entry((e.placement.as_str(), e.stage.as_str())).or_default().push(e);
    }
    for group in groups.values_mut() {
        group.sort_by_key(|e| rank(e));
        for (k, e) in group.iter().enumerate() {
            let item = format!("entry:{}", e.id);
            // conflicting_entries: tied on campaign rank and priority, overlapping segments.
            for o in &group[k + 1..] {
                let (re, ro) = (rank(e), rank(o));
                if (re.0, re.1) != (ro.0, ro.1) {
                    continue;
                }
                // Sample shoppers in both segments, when there are samples.
                let in_both = match (matches.get(e.segment.as_str()), matches.get(o.segment.as_str())) {
                    (Some(a), Some(b)) if have_shoppers => Some(a.and_count(b)),
                    _ => None,
                };
                let same = e.segment == o.segment;
                let witness = match (condition(&e.segment), condition(&o.segment)) {
                    (Some(a), Some(b)) => witness_of_both(a, b, plan, snapshot.constraints.consent_by_default, today),
                    _ => None,
                };
                let why = if same {
                    format!("both target segment `{}`", e.segment)
                } else {
                    let (a, b) = (&e.segment, &o.segment);
                    match (in_both, &witness) {
                        (Some(n), _) if n > 0 => format!("{n} sample shoppers match both `{a}` and `{b}`"),
                        (None, Some(_)) => format!("a shopper can match both `{a}` and `{b}`"),
                        (Some(_), Some(_)) => format!(
                            "a shopper can match both `{a}` and `{b}` (none of the {} sample shoppers does)",
                            columns.len()
                        ),
                        _ => continue,
                    }
                };
                let example = witness.as_ref().map_or(String::new(), |w| format!(", e.g. {w}"));
                out.push(Finding {
                    witness: witness.map(|w| w.to_json()),
                    ..finding(
                        Severity::Error,
                        "conflicting_entries",
                        item.clone(),
                        format!(
                            "ties with entry `{}` on {} (same campaign rank and priority) and {why}{example}; only the id order picks the winner — give one a higher priority",
                            o.id, e.placement
                        ),
                    )
                });
            }
            // shadowed_entry: higher-ranked, always-open entries cover all its matchers.
            if e.holdout >= 100.0 {
                out.push(finding(
                    Severity::Warning,
                    "shadowed_entry",
                    item.clone(),
                    "holdout is 100%: every matching shopper is kept on the default".into(),
                ));
            }
            let Some(mine) = matches.get(e.segment.as_str()) else { continue };
            if !have_shoppers || mine.count() == 0 {
                continue;
            }
            let mut cover = Bits(vec![0; words]);
            let mut by: Vec<&str> = Vec::new();
            for h in &group[..k] {
                if always_open(h) {
                    if let Some(b) = matches.get(h.segment.as_str()) {
                        if b.and_count(mine) > 0 {
                            by.push(&h.id);
                        }
                        cover.or_with(b);
                    }
                }
            }
            if mine.subset_of(&cover) {
                out.push(finding(
                    Severity::Warning,
                    "shadowed_entry",
                    item.clone(),
                    format!(
                        "never wins for any sample shopper: all {} shoppers of `{}` are taken by higher-ranked {}",
                        mine.count(),
                        e.segment,
                        list(&by)
                    ),
                ));
            }
        }
    }

    // Governance: owner and review-by on entries and content.
    let governance = |out: &mut Vec<Finding>, item: String, owner: Option<&str>, review_by: Option<Date>| {
        if owner.is_none_or(|o| o.trim().is_empty()) {
            out.push(finding(
                Severity::Warning,
                "missing_owner",
                item.clone(),
                "no owner: nobody is answerable for this item".into(),
            ));
        }
        if let Some(d) = review_by.filter(|d| *d < today) {
            out.push(finding(Severity::Warning, "past_review_by", item, format!("review-by date {d} has passed")));
        }
    };
    for e in &snapshot.plan {
        governance(&mut out, format!("entry:{}", e.id), e.owner.as_deref(), e.review_by);
    }
    for c in &snapshot.content {
        governance(&mut out, format!("content:{}", c.id), c.owner.as_deref(), c.review_by);
    }

    // sensitive_without_consent, per segment used by an active entry.
    let used: BTreeSet<&str> = active.iter().map(|e| e.segment.as_str()).collect();
    for s in snapshot.segments.iter().filter(|s| used.contains(s.name.as_str())) {
        let attrs: BTreeSet<&str> = s.condition.attributes().into_iter().map(|a| a.as_str()).collect();
        let item = format!("segment:{}", s.name);
        let ungated: Vec<&str> = attrs
            .iter()
            .copied()
            .filter(|a| schema.get(a).is_some_and(|x| x.sensitive && !x.requires_consent))
            .collect();
        if !ungated.is_empty() {
            out.push(finding(
                Severity::Warning,
                "sensitive_without_consent",
                item.clone(),
                format!("reads sensitive attribute {} that is not consent-gated (requires_consent): shoppers who declined personalization would still be targeted by it", list(&ungated)),
            ));
        }
        let gated: Vec<&str> =
            attrs.iter().copied().filter(|a| schema.get(a).is_some_and(|x| x.requires_consent)).collect();
        if !gated.is_empty() && snapshot.constraints.consent_by_default {
            out.push(finding(
                Severity::Warning,
                "sensitive_without_consent",
                item,
                format!("reads consent-gated {} but consent_by_default is on: shoppers with no recorded consent count as consenting", list(&gated)),
            ));
        }
    }

    // schedule_never_opens
    for e in &snapshot.plan {
        if e.status == EntryStatus::Paused {
            continue;
        }
        let item = format!("entry:{}", e.id);
        let mut push =
            |severity, message: String| out.push(finding(severity, "schedule_never_opens", item.clone(), message));
        if let Some(s) = &e.schedule {
            match (s.start, s.end) {
                (Some(a), Some(b)) if b <= a => {
                    push(Severity::Error, format!("schedule ends ({b}) before it starts ({a})"))
                }
                (_, Some(b)) if b.date() < today => {
                    push(Severity::Warning, format!("schedule ended on {} ({})", b.date(), s.tz))
                }
                _ => {}
            }
        }
        if let Some(c) = campaign(e) {
            match (c.start, c.end) {
                (Some(a), Some(b)) if b < a => {
                    push(Severity::Error, format!("campaign `{}` ends ({b}) before it starts ({a})", c.name))
                }
                (_, Some(b)) if b < today => push(Severity::Warning, format!("campaign `{}` ended on {b}", c.name)),
                _ => {}
            }
            if let Some(s) = &e.schedule {
                let before = matches!((s.end, c.start), (Some(end), Some(cs)) if end.date() < cs);
                let after = matches!((s.start, c.end), (Some(start), Some(ce)) if start.date() > ce);
                if before || after {
                    push(Severity::Warning, format!("schedule lies outside campaign `{}`'s window", c.name));
                }
            }
        } else if let Some(name) = &e.campaign {
            push(Severity::Error, format!("campaign `{name}` does not exist"));
        }
    }

    // unsatisfiable_product_set: product sets in use that the catalog cannot fill.
    let mut used_content: BTreeSet<&str> = BTreeSet::new();
    for e in &active {
        for (c, _) in e.variants() {
            used_content.insert(c);
        }
    }
    for p in &snapshot.page_types {
        for pl in &p.placements {
            if let Some(d) = &pl.default {
                used_content.insert(d);
            }
        }
    }
    let k = &snapshot.constraints;
    for c in snapshot.content.iter().filter(|c| used_content.contains(c.id.as_str())) {
        let ContentBody::ProductSet(set) = &c.body else { continue };
        let in_category =
            |p: &&tailor_model::plan::Product| set.category.as_ref().is_none_or(|cat| p.category.as_ref() == Some(cat));
        let pool = snapshot.catalog.iter().filter(in_category).count();
        let pass = snapshot
            .catalog
            .iter()
            .filter(in_category)
            .filter(|p| k.min_stock.is_none_or(|m| p.stock.is_some_and(|s| s >= m)))
            .filter(|p| k.margin_floor.is_none_or(|f| p.effective_margin().is_some_and(|m| m >= f)))
            .count();
        if (pass as u32) < set.min_size {
            let scope = set.category.as_ref().map_or("in the catalog".to_owned(), |c| format!("in category `{c}`"));
            let mut filters = Vec::new();
            if let Some(m) = k.min_stock {
                filters.push(format!("stock ≥ {m}"));
            }
            if let Some(f) = k.margin_floor {
                filters.push(format!("margin ≥ {:.0}%", f * 100.0));
            }
            let filters = if filters.is_empty() { String::new() } else { format!(" pass {}", filters.join(" and ")) };
            out.push(finding(
                Severity::Warning,
                "unsatisfiable_product_set",
                format!("content:{}", c.id),
                format!(
                    "no shopper can get this set: {pass} of {pool} products {scope}{filters}, fewer than min_size {}",
                    set.min_size
                ),
            ));
        }
    }

    // catalog_hygiene
    if !snapshot.catalog.is_empty() {
        let report = crate::hygiene::hygiene(&snapshot.catalog, today, options.stale_days);
        for check in report.checks.iter().filter(|c| c.count > 0) {
            let shown: Vec<&str> = check.products.iter().take(5).map(String::as_str).collect();
            out.push(finding(
                Severity::Warning,
                "catalog_hygiene",
                "catalog".into(),
                format!(
                    "{} ({}): {} of {} products, e.g. {}",
                    check.label,
                    check.rule,
                    check.count,
                    report.products,
                    shown.join(", ")
                ),
            ));
        }
    }

    sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::lint_segments;
    use crate::testkit;

    const TODAY: Date = Date::constant(2026, 11, 25);

    fn lint(snapshot: &Snapshot) -> Vec<Finding> {
        let plan = testkit::plan(snapshot);
        let table: ShopperTable = testkit::shoppers(&plan, 1_000).into_iter().collect();
        lint_workspace(snapshot, &plan, &table, TODAY, &LintOptions::default())
    }

    fn has(f: &[Finding], rule: &str, item: &str) -> bool {
        f.iter().any(|x| x.rule == rule && x.item == item)
    }

    #[test]
    fn the_fixture_has_only_the_expected_findings() {
        let f = lint(&testkit::snapshot());
        let rules: BTreeSet<&str> = f.iter().map(|x| x.rule.as_str()).collect();
        assert!(!rules.contains("conflicting_entries"), "{f:#?}");
        assert!(has(&f, "missing_owner", "entry:loyal_hero"));
        assert!(has(&f, "missing_owner", "segment:sensitive_skin"));
        assert!(has(&f, "catalog_hygiene", "catalog"));
        assert!(f.windows(2).all(|w| w[0].severity <= w[1].severity));
    }

    #[test]
    fn tied_overlapping_entries_conflict() {
        let mut s = testkit::snapshot();
        let mut twin = s.plan.iter().find(|e| e.id == "vip_note").unwrap().clone();
        twin.id = "vip_note_2".into();
        twin.segment = tailor_model::SegmentName("returning".into());
        s.plan.push(twin);
        let f = lint(&s);
        let c = f.iter().find(|x| x.rule == "conflicting_entries").expect("a conflict");
        assert_eq!(c.severity, Severity::Error);
        assert_eq!(c.item, "entry:vip_note");
        assert!(c.message.contains("vip_note_2"), "{}", c.message);
    }

    /// `vip_note` (on `big_spenders`) gets a twin, tied with it, on `segment`.
    fn with_twin(segment: &str, extra: Option<(&str, &str)>) -> Snapshot {
        let mut s = testkit::snapshot();
        if let Some((name, when)) = extra {
            let mut seg = s.segments[0].clone();
            seg.name = tailor_model::SegmentName(name.into());
            seg.condition = tailor_model::condition::parse(when).unwrap();
            s.segments.push(seg);
        }
        let mut twin = s.plan.iter().find(|e| e.id == "vip_note").unwrap().clone();
        twin.id = "vip_note_2".into();
        twin.segment = tailor_model::SegmentName(segment.into());
        s.plan.push(twin);
        s
    }

    fn lint_without_samples(snapshot: &Snapshot) -> Vec<Finding> {
        let plan = testkit::plan(snapshot);
        lint_workspace(snapshot, &plan, &ShopperTable::default(), TODAY, &LintOptions::default())
    }

    #[test]
    fn a_tie_is_proved_without_sample_shoppers() {
        let f = lint_without_samples(&with_twin("returning", None));
        let c = f.iter().find(|x| x.rule == "conflicting_entries").expect("a conflict");
        assert_eq!(c.item, "entry:vip_note");
        assert!(
            c.message.contains(r#"a shopper can match both `big_spenders` and `returning`, e.g. lifetime_value = 201, customer_type = "returning";"#),
            "{}",
            c.message
        );
        // Consent is on by default: a shopper without a recorded one counts.
        let witness = serde_json::Value::Object(c.witness.clone().unwrap());
        assert_eq!(witness, serde_json::json!({"lifetime_value": 201, "customer_type": "returning"}));
    }

    #[test]
    fn the_witness_has_consent_when_it_is_off_by_default() {
        let mut s = with_twin("returning", None);
        s.constraints.consent_by_default = false;
        let f = lint_without_samples(&s);
        let c = f.iter().find(|x| x.rule == "conflicting_entries").expect("a conflict");
        assert_eq!(c.witness.as_ref().unwrap().get("consent"), Some(&serde_json::Value::Bool(true)), "{}", c.message);
        assert!(c.message.contains("consent = true"), "{}", c.message);
    }

    #[test]
    fn a_tie_no_sample_shopper_reaches_is_still_reported() {
        let s = with_twin("whales", Some(("whales", "lifetime_value > 100000000 and device = \"tablet\"")));
        let f = lint(&s);
        let c = f.iter().find(|x| x.rule == "conflicting_entries").expect("a conflict");
        assert!(
            c.message.contains(
                "(none of the 1000 sample shoppers does), e.g. lifetime_value = 100000001, device = \"tablet\""
            ),
            "{}",
            c.message
        );
    }

    #[test]
    fn ties_between_disjoint_segments_are_not_conflicts() {
        let mut s = with_twin("newcomers", Some(("newcomers", r#"customer_type = "new""#)));
        s.plan.iter_mut().find(|e| e.id == "vip_note").unwrap().segment = tailor_model::SegmentName("returning".into());
        assert!(!lint(&s).iter().any(|x| x.rule == "conflicting_entries"));
        assert!(!lint_without_samples(&s).iter().any(|x| x.rule == "conflicting_entries"));
        // Other findings carry no witness.
        assert!(lint(&s).iter().all(|x| x.witness.is_none()));
    }

    #[test]
    fn an_entry_behind_a_broader_one_is_shadowed() {
        let mut s = testkit::snapshot();
        // mobile_hero (priority 1) sits behind loyal_hero (priority 5, returning);
        // make it target returning mobile shoppers only: always covered.
        let e = s.plan.iter_mut().find(|e| e.id == "mobile_hero").unwrap();
        e.segment = tailor_model::SegmentName("returning_mobile".into());
        let f = lint(&s);
        let x = f.iter().find(|x| x.rule == "shadowed_entry").expect("shadowed");
        assert_eq!(x.item, "entry:mobile_hero");
        assert!(x.message.contains("`loyal_hero`"), "{}", x.message);
    }

    #[test]
    fn near_duplicates_sensitive_use_schedules_and_product_sets_are_flagged() {
        let mut s = testkit::snapshot();
        let mut dup = s.segments.iter().find(|x| x.name.0 == "returning").unwrap().clone();
        dup.name = tailor_model::SegmentName("returning_again".into());
        s.segments.push(dup);
        let skin = s.plan.iter_mut().find(|e| e.id == "skin_cart").unwrap();
        skin.status = EntryStatus::Active;
        skin.priority = 9;
        let e = s.plan.iter_mut().find(|e| e.id == "runner_recs").unwrap();
        e.schedule = Some(tailor_model::plan::Schedule {
            start: Some("2026-01-10T00:00".parse().unwrap()),
            end: Some("2026-02-01T00:00".parse().unwrap()),
            tz: "UTC".into(),
        });
        s.constraints.min_stock = Some(40);
        let f = lint(&s);
        assert!(has(&f, "near_duplicate_segments", "segment:returning"), "{f:#?}");
        assert!(has(&f, "sensitive_without_consent", "segment:sensitive_skin"));
        let sched = f.iter().find(|x| x.rule == "schedule_never_opens").unwrap();
        assert_eq!((sched.severity, sched.item.as_str()), (Severity::Warning, "entry:runner_recs"));
        assert!(sched.message.contains("ended on 2026-02-01"), "{}", sched.message);
        assert!(has(&f, "unsatisfiable_product_set", "content:running_set"));
    }

    #[test]
    fn lint_segments_still_reports_segment_rules_alone() {
        let s = testkit::snapshot();
        let plan = testkit::plan(&s);
        let table: ShopperTable = testkit::shoppers(&plan, 500).into_iter().collect();
        let f = lint_segments(&s.segments, plan.schema(), &table, TODAY, &LintOptions::default());
        assert!(f.iter().all(|x| x.item.starts_with("segment:")));
        assert!(has(&f, "missing_owner", "segment:sensitive_skin"));
    }
}
