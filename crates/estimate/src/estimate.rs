//! The estimate of a draft plan from logged events (`docs/estimation.md`).
//!
//! For every event the engine decides the draft for the same shopper, page
//! and instant; the draft's block for the event's placement gives the
//! target policy's distribution over content: one content with probability
//! 1, or — when the block comes from an entry with a holdout or variants and
//! [`EstimateOptions::arms`] knows it — the default with probability `h` and
//! each variant with `(1 − h) × w`. The importance weight of an event is
//! `π_draft(logged content | shopper) / logged propensity`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use tailor_engine::plan::{Context, Decision, PageRef, PageRequest, Plan, decide};
use tailor_engine::shopper_from_json;
use tailor_model::spec::Snapshot;

use crate::event::Event;
use crate::stats::{Linear, bootstrap, ess};

/// Prior weight (in events) of the placement's mean reward in the DR
/// outcome model: `q̂(placement, content) = (Σ r + K·m) / (n + K)`.
pub const PRIOR_EVENTS: f64 = 10.0;

/// Below any of these, an estimate is `insufficient_data` (documented in
/// `docs/estimation.md`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Thresholds {
    /// Events whose logged content the draft would also show (π_draft > 0).
    #[ts(type = "number")]
    pub min_matched: u64,
    /// Matched events with a positive reward (a click, a sale…).
    #[ts(type = "number")]
    pub min_positive: u64,
    /// Effective sample size of the importance weights.
    pub min_ess: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { min_matched: 30, min_positive: 5, min_ess: 20.0 }
    }
}

/// Percentile bootstrap settings (instead of the normal approximation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bootstrap {
    pub resamples: usize,
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Self { resamples: 500, seed: 1 }
    }
}

/// How the 95% intervals were computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CiMethod {
    /// `value ± 1.96 × standard error` from per-event terms (SNIPS: delta
    /// method).
    Normal,
    /// 2.5% and 97.5% percentiles of a seeded bootstrap over events.
    BootstrapPercentile,
}

/// How a plan entry randomizes: holdout fraction and variants.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryArm {
    /// Holdout as a fraction, 0–1.
    pub holdout: f64,
    /// (content id, weight), weights summing to 1.
    pub variants: Vec<(String, f64)>,
}

/// Holdouts and variants of the plan's entries, by entry id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryArms(pub HashMap<String, EntryArm>);

impl EntryArms {
    /// Read from the snapshot the plan was compiled from.
    pub fn from_snapshot(snapshot: &Snapshot) -> Self {
        Self(
            snapshot
                .plan
                .iter()
                .map(|e| {
                    let variants = e.variants().into_iter().map(|(c, w)| (c.to_owned(), w)).collect();
                    (e.id.clone(), EntryArm { holdout: e.holdout / 100.0, variants })
                })
                .collect(),
        )
    }
}

/// Options of [`estimate`].
#[derive(Clone, Debug, Default)]
pub struct EstimateOptions {
    /// Decide the draft at this instant for every event (else each event's time).
    pub at: Option<Timestamp>,
    /// Instant for events without a time (else such an event is an error).
    pub fallback_at: Option<Timestamp>,
    /// Holdouts and variants of the entries ([`EntryArms::from_snapshot`]).
    /// An entry missing here is treated as the deterministic choice the
    /// engine makes for that shopper id (still unbiased, less precise), and
    /// its treatment-versus-control comparison is not available.
    pub arms: EntryArms,
    /// Percentile bootstrap intervals instead of normal ones.
    pub bootstrap: Option<Bootstrap>,
    pub thresholds: Thresholds,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    InsufficientData,
}

/// A value with its 95% interval, or "not enough data" with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Estimate {
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ci_low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ci_high: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub std_error: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

impl Estimate {
    fn ok(l: &Linear, ci: (f64, f64)) -> Self {
        Self {
            status: Status::Ok,
            value: Some(l.value),
            ci_low: Some(ci.0),
            ci_high: Some(ci.1),
            std_error: Some(l.std_error()),
            reason: None,
        }
    }

    fn insufficient(reason: impl Into<String>) -> Self {
        Self { status: Status::InsufficientData, value: None, ci_low: None, ci_high: None, std_error: None, reason: Some(reason.into()) }
    }

    pub fn is_ok(&self) -> bool {
        self.status == Status::Ok
    }
}

/// `draft − logged` for each estimator, on the same events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Differences {
    pub ips: Estimate,
    pub snips: Estimate,
    pub dr: Estimate,
}

/// The draft against the logged policy on a set of events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PolicySummary {
    /// Events in the set.
    #[ts(type = "number")]
    pub events: u64,
    /// Events whose logged content the draft would also show.
    #[ts(type = "number")]
    pub matched: u64,
    /// Matched events with a positive reward.
    #[ts(type = "number")]
    pub matched_positive: u64,
    /// Effective sample size of the importance weights.
    pub ess: f64,
    /// What the logging policy achieved: the mean reward.
    pub logged: Estimate,
    pub ips: Estimate,
    pub snips: Estimate,
    pub dr: Estimate,
    /// Draft − logged.
    pub difference: Differences,
}

/// One side of a treatment-versus-control comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Arm {
    /// Content ids this arm shows.
    pub content: Vec<String>,
    #[ts(type = "number")]
    pub matched: u64,
    #[ts(type = "number")]
    pub matched_positive: u64,
    pub ess: f64,
    pub ips: Estimate,
    pub snips: Estimate,
    pub dr: Estimate,
}

/// Treatment − control.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Lift {
    pub ips: Estimate,
    pub snips: Estimate,
    pub dr: Estimate,
}

/// One plan entry: the events where the draft's block for the placement
/// comes from this entry (its audience), the draft on them, and the
/// entry's treatment against its control (the placement's default).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EntryEstimate {
    pub entry: String,
    pub placement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub segment: Option<String>,
    /// Holdout fraction (0–1), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub holdout: Option<f64>,
    #[serde(flatten)]
    pub draft: PolicySummary,
    /// Everyone in the audience shown the entry's content (variants by weight).
    pub treatment: Arm,
    /// Everyone in the audience shown the placement's default.
    pub control: Arm,
    pub lift: Lift,
}

/// The whole answer of [`estimate`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EstimateReport {
    pub reward: String,
    pub ci_method: CiMethod,
    pub confidence: f64,
    pub thresholds: Thresholds,
    /// The DR outcome model, in words.
    pub outcome_model: String,
    #[serde(flatten)]
    pub overall: PolicySummary,
    /// By placement.
    pub placements: BTreeMap<String, PolicySummary>,
    /// By plan entry, in id order.
    pub entries: Vec<EntryEstimate>,
    /// By traffic source, customer type, device and category, where the
    /// events' shoppers carry them; missing values under `(unknown)`.
    pub breakdowns: BTreeMap<String, BTreeMap<String, PolicySummary>>,
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    #[error("there are no events to estimate from")]
    NoEvents,
    #[error("the events carry no outcome to estimate")]
    NoReward,
    #[error("the events carry several outcomes ({0}): choose one")]
    ChooseReward(String),
    #[error("{0}")]
    Request(String),
    #[error("event {index} (id \"{id}\"): {message}")]
    Event { index: usize, id: String, message: String },
}

/// A distribution over content ids (None = nothing shown).
type Dist = Vec<(Option<String>, f64)>;

fn add(dist: &mut Dist, content: Option<&str>, p: f64) {
    if p <= 0.0 {
        return;
    }
    match dist.iter_mut().find(|(c, _)| c.as_deref() == content) {
        Some((_, q)) => *q += p,
        None => dist.push((content.map(str::to_owned), p)),
    }
}

fn prob(dist: &Dist, action: &str) -> f64 {
    dist.iter().filter(|(c, _)| c.as_deref() == Some(action)).map(|(_, p)| p).sum()
}

/// The DR outcome model: mean reward per (placement, content), shrunk
/// toward the placement's mean with [`PRIOR_EVENTS`].
struct OutcomeModel {
    cells: HashMap<(String, String), (f64, f64)>,
    placements: HashMap<String, f64>,
}

impl OutcomeModel {
    fn fit(events: &[Event], r: &[f64]) -> Self {
        let mut cells: HashMap<(String, String), (f64, f64)> = HashMap::new();
        let mut pl: HashMap<String, (f64, f64)> = HashMap::new();
        for (e, r) in events.iter().zip(r) {
            let c = cells.entry((e.placement.clone(), e.action.clone())).or_default();
            c.0 += r;
            c.1 += 1.0;
            let p = pl.entry(e.placement.clone()).or_default();
            p.0 += r;
            p.1 += 1.0;
        }
        Self { cells, placements: pl.into_iter().map(|(k, (s, n))| (k, s / n)).collect() }
    }

    fn q(&self, placement: &str, content: Option<&str>) -> f64 {
        let m = self.placements.get(placement).copied().unwrap_or(0.0);
        match content.and_then(|c| self.cells.get(&(placement.to_owned(), c.to_owned()))) {
            Some((s, n)) => (s + PRIOR_EVENTS * m) / (n + PRIOR_EVENTS),
            None => m,
        }
    }

    fn expected(&self, placement: &str, dist: &Dist) -> f64 {
        dist.iter().map(|(c, p)| p * self.q(placement, c.as_deref())).sum()
    }
}

/// A target policy evaluated on events: weight and model prediction per event.
#[derive(Clone, Default)]
struct TargetCols {
    w: Vec<f64>,
    qt: Vec<f64>,
}

/// What every summary needs, per event.
struct Cols {
    r: Vec<f64>,
    ql: Vec<f64>,
}

const BREAKDOWNS: [(&str, &[&str]); 4] = [
    ("traffic_source", &["traffic_source", "source", "utm_source"]),
    ("customer_type", &["customer_type", "visitor_type", "VisitorType"]),
    ("device", &["device", "device_type"]),
    ("category", &["category", "product_category"]),
];

fn dimension(ev: &Event, dim: &str, keys: &[&str]) -> Option<String> {
    let v = keys.iter().find_map(|k| ev.shopper.get(*k).filter(|v| !v.is_null()))?;
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if dim == "customer_type" {
        let l = s.trim().to_ascii_lowercase();
        return Some(if l.starts_with("returning") { "returning" } else if l.starts_with("new") { "new" } else { "other" }.into());
    }
    Some(s)
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// Estimates the value of `plan` for reward `reward` from `events` logged
/// under another policy. Pure: the same inputs give the same report.
pub fn estimate(plan: &Plan, events: &[Event], reward: &str, opts: &EstimateOptions) -> Result<EstimateReport, EstimateError> {
    if events.is_empty() {
        return Err(EstimateError::NoEvents);
    }
    let err = |i: usize, e: &Event, message: String| EstimateError::Event { index: i + 1, id: e.id.clone(), message };
    let mut r = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        match e.rewards.get(reward) {
            Some(v) if v.is_finite() => r.push(*v),
            Some(v) => return Err(err(i, e, format!("reward `{reward}` is {v}"))),
            None => {
                let has: Vec<&str> = e.rewards.keys().map(String::as_str).collect();
                return Err(err(i, e, format!("has no reward `{reward}` (it has: {})", if has.is_empty() { "none".into() } else { has.join(", ") })));
            }
        }
        crate::event::check_propensity(e.propensity).map_err(|m| err(i, e, m))?;
    }
    let model = OutcomeModel::fit(events, &r);
    let defaults: HashMap<String, Option<String>> = plan
        .page_types()
        .flat_map(|p| p.placements.into_iter().map(|pl| (pl.id.to_owned(), pl.default.map(str::to_owned))))
        .collect();

    let n = events.len();
    let mut draft = TargetCols::default();
    let ql: Vec<f64> = events.iter().map(|e| model.q(&e.placement, Some(&e.action))).collect();
    let mut entry_list: Vec<(String, String, Option<String>)> = Vec::new();
    let mut entry_index: HashMap<(String, String), usize> = HashMap::new();
    let mut treat: Vec<TargetCols> = Vec::new();
    let mut ctrl: Vec<TargetCols> = Vec::new();
    let mut entry_events: Vec<Vec<usize>> = Vec::new();
    let mut unknown_arms: BTreeSet<String> = BTreeSet::new();
    let mut without_time = 0u64;
    let mut last: Option<(String, String, Timestamp, Decision)> = None;

    for (i, e) in events.iter().enumerate() {
        let at = match opts.at.or(e.time) {
            Some(t) => t,
            None => match opts.fallback_at {
                Some(t) => {
                    without_time += 1;
                    t
                }
                None => return Err(err(i, e, "has no time; give a fixed instant to decide the draft at (--at)".into())),
            },
        };
        let sid = e.shopper_id();
        let cached = matches!(&last, Some((s, p, t, _)) if *s == sid && *p == e.page && *t == at);
        if !cached {
            let shopper = shopper_from_json(&sid, &e.shopper, plan.schema()).map_err(|x| err(i, e, format!("shopper: {x}")))?;
            let req = PageRequest { page: PageRef::Name(e.page.clone()), at, context: Context::default(), explain: false };
            let d = decide(plan, &shopper, &req).map_err(|x| err(i, e, x.to_string()))?;
            last = Some((sid, e.page.clone(), at, d));
        }
        let decision = &last.as_ref().expect("decided above").3;
        let Some(block) = decision.blocks.iter().find(|b| b.placement == e.placement) else {
            let known: Vec<&str> = decision.blocks.iter().map(|b| b.placement.as_str()).collect();
            return Err(err(i, e, format!("placement \"{}\" is not on page \"{}\" (placements: {})", e.placement, e.page, known.join(", "))));
        };
        let default = defaults.get(&e.placement).cloned().flatten();
        let arm = block.entry.as_ref().and_then(|id| opts.arms.0.get(id));
        let mut dist: Dist = Vec::new();
        match arm {
            Some(a) => {
                add(&mut dist, default.as_deref(), a.holdout);
                for (c, w) in &a.variants {
                    add(&mut dist, Some(c), (1.0 - a.holdout) * w);
                }
            }
            None => {
                if let Some(id) = &block.entry {
                    unknown_arms.insert(id.clone());
                }
                add(&mut dist, block.content.as_deref(), 1.0);
            }
        }
        draft.w.push(prob(&dist, &e.action) / e.propensity);
        draft.qt.push(model.expected(&e.placement, &dist));

        if let Some(id) = &block.entry {
            let key = (id.clone(), e.placement.clone());
            let k = *entry_index.entry(key).or_insert_with(|| {
                entry_list.push((id.clone(), e.placement.clone(), block.segment.clone()));
                treat.push(TargetCols::default());
                ctrl.push(TargetCols::default());
                entry_events.push(Vec::new());
                entry_list.len() - 1
            });
            entry_events[k].push(i);
            let mut t: Dist = Vec::new();
            match arm {
                Some(a) => a.variants.iter().for_each(|(c, w)| add(&mut t, Some(c), *w)),
                None => add(&mut t, if block.holdout { None } else { block.content.as_deref() }, 1.0),
            }
            let mut c: Dist = Vec::new();
            add(&mut c, default.as_deref(), 1.0);
            treat[k].w.push(prob(&t, &e.action) / e.propensity);
            treat[k].qt.push(model.expected(&e.placement, &t));
            ctrl[k].w.push(prob(&c, &e.action) / e.propensity);
            ctrl[k].qt.push(model.expected(&e.placement, &c));
        }
    }

    let cols = Cols { r, ql };
    let th = opts.thresholds;
    let all: Vec<usize> = (0..n).collect();
    let overall = summarize(&cols, &draft, &all, reward, &th, opts.bootstrap, "overall");

    let mut by_placement: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        by_placement.entry(e.placement.clone()).or_default().push(i);
    }
    let placements = by_placement
        .iter()
        .map(|(p, idx)| (p.clone(), summarize(&cols, &draft, idx, reward, &th, opts.bootstrap, p)))
        .collect();

    let mut breakdowns = BTreeMap::new();
    for (dim, keys) in BREAKDOWNS {
        let values: Vec<Option<String>> = events.iter().map(|e| dimension(e, dim, keys)).collect();
        if values.iter().all(Option::is_none) {
            continue;
        }
        let mut cells: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, v) in values.into_iter().enumerate() {
            cells.entry(v.unwrap_or_else(|| "(unknown)".into())).or_default().push(i);
        }
        let cells = cells
            .into_iter()
            .map(|(v, idx)| {
                let s = summarize(&cols, &draft, &idx, reward, &th, opts.bootstrap, &format!("{dim}:{v}"));
                (v, s)
            })
            .collect();
        breakdowns.insert(dim.to_owned(), cells);
    }

    let mut order: Vec<usize> = (0..entry_list.len()).collect();
    order.sort_by(|&a, &b| (&entry_list[a].0, &entry_list[a].1).cmp(&(&entry_list[b].0, &entry_list[b].1)));
    let entries = order
        .into_iter()
        .map(|k| {
            let (id, placement, segment) = &entry_list[k];
            let idx = &entry_events[k];
            let label = format!("entry:{id}");
            let draft_s = summarize(&cols, &draft, idx, reward, &th, opts.bootstrap, &label);
            let arm = opts.arms.0.get(id);
            let default = defaults.get(placement).cloned().flatten();
            let sub = |v: &[f64]| idx.iter().map(|&i| v[i]).collect::<Vec<f64>>();
            let (r, ql) = (sub(&cols.r), sub(&cols.ql));
            let (treatment, control, lift) = compare(
                &r,
                &ql,
                &treat[k],
                &ctrl[k],
                arm.map(|a| a.variants.iter().map(|(c, _)| c.clone()).collect()),
                default,
                reward,
                &th,
                opts.bootstrap,
                &label,
            );
            EntryEstimate {
                entry: id.clone(),
                placement: placement.clone(),
                segment: segment.clone(),
                holdout: arm.map(|a| a.holdout),
                draft: draft_s,
                treatment,
                control,
                lift,
            }
        })
        .collect();

    let mut notes = Vec::new();
    if opts.at.is_some() {
        notes.push("the draft was decided at one fixed instant for every event".to_owned());
    }
    if without_time > 0 {
        notes.push(format!("{without_time} events had no time; the draft was decided at the fallback instant for them"));
    }
    if !unknown_arms.is_empty() {
        notes.push(format!(
            "holdout and variants unknown for entries {}: the draft is taken as the engine's choice for each shopper id",
            unknown_arms.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(EstimateReport {
        reward: reward.to_owned(),
        ci_method: if opts.bootstrap.is_some() { CiMethod::BootstrapPercentile } else { CiMethod::Normal },
        confidence: 0.95,
        thresholds: th,
        outcome_model: format!(
            "mean `{reward}` per (placement, content) over all logged events, shrunk toward the placement's mean with a prior weight of {PRIOR_EVENTS} events"
        ),
        overall,
        placements,
        entries,
        breakdowns,
        notes,
    })
}

/// Why the support of a target policy is too small, if it is.
fn support(matched: u64, positive: u64, ess: f64, reward: &str, th: &Thresholds) -> Option<String> {
    let mut why = Vec::new();
    if matched < th.min_matched {
        why.push(format!("only {matched} events where the logged content is one the draft would show (minimum {})", th.min_matched));
    }
    if positive < th.min_positive {
        why.push(format!("only {positive} of them with a positive `{reward}` (minimum {})", th.min_positive));
    }
    if ess < th.min_ess {
        why.push(format!("effective sample size {ess:.1} (minimum {})", th.min_ess));
    }
    (!why.is_empty()).then(|| format!("not enough data: {}", why.join("; ")))
}

struct Support {
    matched: u64,
    positive: u64,
    ess: f64,
}

fn support_of(w: &[f64], r: &[f64]) -> Support {
    Support {
        matched: w.iter().filter(|w| **w > 0.0).count() as u64,
        positive: w.iter().zip(r).filter(|(w, r)| **w > 0.0 && **r > 0.0).count() as u64,
        ess: ess(w),
    }
}

/// The three estimators of one target on a subset, with influence terms.
fn estimators(r: &[f64], ql: &[f64], w: &[f64], qt: &[f64]) -> [Linear; 3] {
    let ips: Vec<f64> = w.iter().zip(r).map(|(w, r)| w * r).collect();
    let dr: Vec<f64> = (0..r.len()).map(|i| qt[i] + w[i] * (r[i] - ql[i])).collect();
    [Linear::mean(&ips), Linear::snips(w, r), Linear::mean(&dr)]
}

/// Point values (IPS, SNIPS, DR) on a bootstrap resample.
fn points(r: &[f64], ql: &[f64], w: &[f64], qt: &[f64], idx: &[usize]) -> [f64; 3] {
    let (mut swr, mut sw, mut sdr) = (0.0, 0.0, 0.0);
    for &i in idx {
        swr += w[i] * r[i];
        sw += w[i];
        sdr += qt[i] + w[i] * (r[i] - ql[i]);
    }
    let n = idx.len() as f64;
    [swr / n, if sw > 0.0 { swr / sw } else { f64::NAN }, sdr / n]
}

#[allow(clippy::too_many_arguments)]
fn summarize(cols: &Cols, draft: &TargetCols, idx: &[usize], reward: &str, th: &Thresholds, boot: Option<Bootstrap>, label: &str) -> PolicySummary {
    let sub = |v: &[f64]| idx.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let (r, ql, w, qt) = (sub(&cols.r), sub(&cols.ql), sub(&draft.w), sub(&draft.qt));
    let sup = support_of(&w, &r);
    let logged = Linear::mean(&r);
    let est = estimators(&r, &ql, &w, &qt);
    let diffs: Vec<Linear> = est.iter().map(|e| e.minus(&logged)).collect();
    // Intervals: normal, or bootstrap percentiles of [logged, ips, snips, dr, 3 differences].
    let cis: Vec<(f64, f64)> = match boot {
        None => std::iter::once(&logged).chain(&est).chain(&diffs).map(Linear::normal_ci).collect(),
        Some(b) => bootstrap::<7>(r.len(), b.resamples, b.seed ^ fnv(label), |s| {
            let lg = s.iter().map(|&i| r[i]).sum::<f64>() / s.len() as f64;
            let [a, b2, c] = points(&r, &ql, &w, &qt, s);
            [lg, a, b2, c, a - lg, b2 - lg, c - lg]
        })
        .to_vec(),
    };
    let n = r.len() as u64;
    let positives = r.iter().filter(|r| **r > 0.0).count() as u64;
    let logged_gate = {
        let mut why = Vec::new();
        if n < th.min_matched {
            why.push(format!("only {n} events (minimum {})", th.min_matched));
        }
        if positives < th.min_positive {
            why.push(format!("only {positives} with a positive `{reward}` (minimum {})", th.min_positive));
        }
        (!why.is_empty()).then(|| format!("not enough data: {}", why.join("; ")))
    };
    let draft_gate = support(sup.matched, sup.positive, sup.ess, reward, th);
    let gate = |g: &Option<String>, l: &Linear, ci: (f64, f64)| match g {
        Some(why) => Estimate::insufficient(why.clone()),
        None => Estimate::ok(l, ci),
    };
    let diff_gate = match (&draft_gate, &logged_gate) {
        (Some(d), _) => Some(format!("draft: {d}")),
        (None, Some(l)) => Some(format!("logged: {l}")),
        _ => None,
    };
    PolicySummary {
        events: n,
        matched: sup.matched,
        matched_positive: sup.positive,
        ess: sup.ess,
        logged: gate(&logged_gate, &logged, cis[0]),
        ips: gate(&draft_gate, &est[0], cis[1]),
        snips: gate(&draft_gate, &est[1], cis[2]),
        dr: gate(&draft_gate, &est[2], cis[3]),
        difference: Differences {
            ips: gate(&diff_gate, &diffs[0], cis[4]),
            snips: gate(&diff_gate, &diffs[1], cis[5]),
            dr: gate(&diff_gate, &diffs[2], cis[6]),
        },
    }
}

/// Treatment (the entry's content) against control (the default) on the
/// entry's audience.
#[allow(clippy::too_many_arguments)]
fn compare(
    r: &[f64],
    ql: &[f64],
    t: &TargetCols,
    c: &TargetCols,
    treatment_content: Option<Vec<String>>,
    default: Option<String>,
    reward: &str,
    th: &Thresholds,
    boot: Option<Bootstrap>,
    label: &str,
) -> (Arm, Arm, Lift) {
    let st = support_of(&t.w, r);
    let sc = support_of(&c.w, r);
    let et = estimators(r, ql, &t.w, &t.qt);
    let ec = estimators(r, ql, &c.w, &c.qt);
    let lifts: Vec<Linear> = et.iter().zip(&ec).map(|(a, b)| a.minus(b)).collect();
    let cis: Vec<(f64, f64)> = match boot {
        None => et.iter().chain(&ec).chain(&lifts).map(Linear::normal_ci).collect(),
        Some(b) => bootstrap::<9>(r.len(), b.resamples, b.seed ^ fnv(label) ^ 0x5eed, |s| {
            let a = points(r, ql, &t.w, &t.qt, s);
            let z = points(r, ql, &c.w, &c.qt, s);
            [a[0], a[1], a[2], z[0], z[1], z[2], a[0] - z[0], a[1] - z[1], a[2] - z[2]]
        })
        .to_vec(),
    };
    let unknown = treatment_content.is_none();
    let t_gate = if unknown {
        Some("the entry's variants and holdout are unknown (estimate with the workspace's snapshot)".to_owned())
    } else {
        support(st.matched, st.positive, st.ess, reward, th)
    };
    let c_gate = match &default {
        None => Some("the placement has no default content to compare with".to_owned()),
        Some(d) if sc.matched == 0 => Some(format!("no control events: no logged event in this audience showed the default \"{d}\"")),
        Some(_) => support(sc.matched, sc.positive, sc.ess, reward, th),
    };
    let gate = |g: &Option<String>, l: &Linear, ci: (f64, f64)| match g {
        Some(why) => Estimate::insufficient(why.clone()),
        None => Estimate::ok(l, ci),
    };
    let arm = |content: Vec<String>, s: &Support, e: &[Linear; 3], g: &Option<String>, off: usize| Arm {
        content,
        matched: s.matched,
        matched_positive: s.positive,
        ess: s.ess,
        ips: gate(g, &e[0], cis[off]),
        snips: gate(g, &e[1], cis[off + 1]),
        dr: gate(g, &e[2], cis[off + 2]),
    };
    let lift_gate = match (&t_gate, &c_gate) {
        (Some(x), _) => Some(format!("treatment: {x}")),
        (None, Some(x)) => Some(format!("control: {x}")),
        _ => None,
    };
    (
        arm(treatment_content.unwrap_or_default(), &st, &et, &t_gate, 0),
        arm(default.into_iter().collect(), &sc, &ec, &c_gate, 3),
        Lift { ips: gate(&lift_gate, &lifts[0], cis[6]), snips: gate(&lift_gate, &lifts[1], cis[7]), dr: gate(&lift_gate, &lifts[2], cis[8]) },
    )
}
