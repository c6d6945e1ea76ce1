//! One whole page for one shopper (DESIGN §5). Pure: the same plan, shopper
//! and request always give the same decision.

use jiff::Timestamp;
use jiff::tz::Offset;
use serde_json::Value as Json;
use tailor_model::condition::{Condition, print};
use tailor_model::plan::EntryStatus;

use super::decision::{Block, Decision, FallbackReason};
use super::error::DecideError;
use super::products::ProductCtx;
use super::request::{DecisionRequest, PageRef, PageRequest};
use super::trace::{CandidateTrace, HoldoutTrace, Outcome, PlacementTrace, ProductTrace, Trace, VariantTrace, WinnerTrace};
use super::{EntryC, Plan};
use crate::bucket::bucket;
use crate::shopper::{Shopper, shopper_from_json};
use crate::value::Value;

/// Decides a page for a JSON request: converts the shopper with the plan's
/// schema, and uses `now` when the request has no `at`.
pub fn decide_json(plan: &Plan, req: &DecisionRequest, now: Timestamp) -> Result<Decision, DecideError> {
    let id = match req.shopper.get("id") {
        Some(Json::String(s)) if !s.is_empty() => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        _ => return Err(DecideError::MissingShopperId),
    };
    let shopper = shopper_from_json(&id, &req.shopper, plan.schema())?;
    let page = PageRequest {
        page: PageRef::Name(req.page.clone()),
        at: req.at.unwrap_or(now),
        context: req.context.clone(),
        explain: req.explain,
    };
    decide(plan, &shopper, &page)
}

/// [`decide_json`] at the current time (the only impure entry point).
pub fn decide_json_now(plan: &Plan, req: &DecisionRequest) -> Result<Decision, DecideError> {
    decide_json(plan, req, Timestamp::now())
}

/// The first check an entry fails (cheap form; the trace expands it).
#[derive(Clone, Copy, PartialEq)]
enum Check {
    NotActive,
    WrongStage,
    CampaignClosed,
    ScheduleClosed,
    NoConsent,
    Segment,
    Pass,
}

/// A placement's winner, before the page cap.
#[derive(Clone, Copy)]
struct Winner {
    entry: u32,
    rank_pos: u32,
}

/// Decides every placement of a page for one shopper at `req.at`.
pub fn decide(plan: &Plan, shopper: &Shopper, req: &PageRequest) -> Result<Decision, DecideError> {
    let page_i = match &req.page {
        PageRef::Index(i) if *i < plan.pages.len() => *i,
        PageRef::Name(name) if plan.page_index.contains_key(name) => plan.page_index[name] as usize,
        other => {
            let page = match other {
                PageRef::Name(n) => n.clone(),
                PageRef::Index(i) => format!("#{i}"),
            };
            let known = plan.pages.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
            return Err(DecideError::UnknownPage { page, known });
        }
    };
    let page = &plan.pages[page_i];
    let stage = match &req.context.stage {
        None => page.stage,
        Some(name) => match plan.stages.iter().position(|s| s == name) {
            Some(i) => i as u32,
            None => return Err(DecideError::UnknownStage { stage: name.clone(), known: plan.stages.join(", ") }),
        },
    };
    let consent = match shopper.value(plan.consent_slot) {
        Value::Bool(b) => *b,
        Value::Null => plan.consent_by_default,
        other => {
            let attribute = "consent".to_owned();
            return Err(DecideError::ShopperValue { attribute, message: format!("expected true or false, found {other}") });
        }
    };
    let at = req.at;
    // Conditions are evaluated on the UTC calendar date of `at`.
    let today = Offset::UTC.to_datetime(at).date();
    let explain = req.explain;
    let mut notes = Vec::new();
    let current = req.context.product.as_deref().and_then(|id| {
        let found = plan.catalog.index.get(id).copied();
        if found.is_none() && explain {
            notes.push(format!("product \"{id}\" in the context is not in the catalog; treated as absent"));
        }
        found
    });

    let checker = Checker { plan, shopper, stage, consent, at, today };

    // Steps 3–4: each placement's winner, in page order.
    let mut winners: Vec<Option<Winner>> = Vec::with_capacity(page.placements.len());
    let mut traces: Vec<PlacementTrace> = Vec::new();
    for &pl in &page.placements {
        let placement = &plan.placements[pl as usize];
        let mut winner: Option<Winner> = None;
        let mut candidates = Vec::new();
        for &ei in &placement.entries {
            let e = &plan.entries[ei as usize];
            if !explain {
                if checker.check(e) == Check::Pass {
                    winner = Some(Winner { entry: ei, rank_pos: e.rank_pos });
                    break;
                }
                continue;
            }
            let outcome = match (checker.outcome(e), winner) {
                (Outcome::Won, Some(w)) => Outcome::LostOnRank { winner: plan.entries[w.entry as usize].id.clone() },
                (Outcome::Won, None) => {
                    winner = Some(Winner { entry: ei, rank_pos: e.rank_pos });
                    Outcome::Won
                }
                (other, _) => other,
            };
            let segment = plan.segments[e.segment as usize].name.clone();
            candidates.push(CandidateTrace { entry: e.id.clone(), segment, outcome });
        }
        winners.push(winner);
        if explain {
            traces.push(PlacementTrace { placement: placement.id.clone(), candidates, winner: None, products: Vec::new() });
        }
    }

    // Step 7 (applied before holdout, so control and treatment pages differ
    // only in the held-out block): keep the first `max_blocks` winners in
    // global rank order.
    let cap = page.max_blocks as usize;
    let page_rank = |w: &Winner| winners.iter().flatten().filter(|o| o.rank_pos < w.rank_pos).count();

    let ctx = ProductCtx {
        plan,
        shopper,
        current,
        today,
        closed_seasonal: closed_seasonal(plan, at),
    };
    let mut shown: Vec<u32> = Vec::new();
    let mut chosen: Vec<u32> = Vec::new();
    let mut blocks = Vec::with_capacity(page.placements.len());
    for (j, &pl) in page.placements.iter().enumerate() {
        let placement = &plan.placements[pl as usize];
        let mut block = Block {
            placement: placement.id.clone(),
            content: None,
            entry: None,
            segment: None,
            variant: None,
            personalized: false,
            holdout: false,
            propensity: 1.0,
            products: Vec::new(),
            fallback_reason: None,
        };
        // The content to show, if personalized.
        let mut personal: Option<u32> = None;
        let mut reason = if consent { FallbackReason::NoCandidate } else { FallbackReason::NoConsent };
        if let Some(w) = winners[j] {
            let e = &plan.entries[w.entry as usize];
            let rank = page_rank(&w);
            let dropped = rank >= cap;
            let mut wt = WinnerTrace {
                entry: e.id.clone(),
                page_rank: rank as u32,
                dropped_by_page_cap: dropped,
                holdout: None,
                variant: None,
            };
            if dropped {
                reason = FallbackReason::DroppedByPageCap;
            } else {
                let b = if e.holdout > 0.0 || e.variants.len() > 1 { bucket(&e.id, &shopper.id) } else { 0.0 };
                let control = b < e.holdout;
                if e.holdout > 0.0 {
                    wt.holdout = Some(HoldoutTrace { bucket: b, threshold: e.holdout, control });
                }
                block.entry = Some(e.id.clone());
                block.segment = Some(plan.segments[e.segment as usize].name.clone());
                if control {
                    block.holdout = true;
                    block.propensity = e.holdout;
                    reason = FallbackReason::Holdout;
                } else {
                    // Rescale the bucket into the non-holdout range [h, 1).
                    let position = if e.holdout < 1.0 { (b - e.holdout) / (1.0 - e.holdout) } else { 0.0 };
                    let (vi, v) = pick_variant(e, position);
                    personal = Some(v.content);
                    block.personalized = true;
                    block.propensity = (1.0 - e.holdout) * v.weight;
                    if e.ab {
                        block.variant = Some(vi as u32);
                        let content = plan.contents[v.content as usize].content.id.clone();
                        wt.variant = Some(VariantTrace { index: vi as u32, content, position });
                    }
                }
            }
            if explain {
                traces[j].winner = Some(wt);
            }
        }

        // Step 6: product sets, in page order.
        if let Some(ci) = personal {
            chosen.clear();
            if let Some(set) = &plan.contents[ci as usize].products {
                let counts = ctx.resolve(set, &shown, explain, &mut chosen);
                if explain {
                    traces[j].products.push(product_trace(plan, ci, set, counts, &chosen));
                }
                if chosen.len() < set.min_size {
                    personal = None;
                    reason = FallbackReason::TooFewProducts;
                    block.personalized = false;
                    block.entry = None;
                    block.segment = None;
                    block.variant = None;
                    block.propensity = 1.0;
                }
            }
            if personal.is_some() {
                block.content = Some(plan.contents[ci as usize].content.id.clone());
            }
        }
        if personal.is_none() {
            match placement.default {
                Some(di) => {
                    block.content = Some(plan.contents[di as usize].content.id.clone());
                    block.fallback_reason = Some(reason);
                    chosen.clear();
                    if let Some(set) = &plan.contents[di as usize].products {
                        let counts = ctx.resolve(set, &shown, explain, &mut chosen);
                        if explain {
                            traces[j].products.push(product_trace(plan, di, set, counts, &chosen));
                        }
                    }
                }
                None => {
                    chosen.clear();
                    block.fallback_reason = Some(FallbackReason::NoDefault);
                }
            }
        }
        block.products = chosen.iter().map(|&i| plan.catalog.products[i as usize].id.clone()).collect();
        shown.extend_from_slice(&chosen);
        blocks.push(block);
    }

    let trace = explain.then(|| Trace {
        shopper: shopper.id.clone(),
        at,
        stage: plan.stages[stage as usize].clone(),
        consent,
        notes,
        placements: traces,
    });
    Ok(Decision {
        bundle_digest: plan.digest.clone(),
        version: plan.version,
        page: page.name.clone(),
        blocks,
        trace,
    })
}

/// The variant whose cumulative weight range contains `position`.
fn pick_variant(e: &EntryC, position: f64) -> (usize, super::VariantC) {
    let i = e.variants.iter().position(|v| position < v.upper).unwrap_or(e.variants.len().saturating_sub(1));
    (i, e.variants[i])
}

/// Bit i set when seasonal window i does not contain `at` (month-day in the window's zone).
fn closed_seasonal(plan: &Plan, at: Timestamp) -> u64 {
    let mut closed = 0;
    for (bit, w) in plan.constraints.seasonal.iter().enumerate() {
        let local = w.tz.to_datetime(at);
        if !w.contains((local.month(), local.day())) {
            closed |= 1 << bit;
        }
    }
    closed
}

fn product_trace(
    plan: &Plan,
    content: u32,
    set: &super::ProductSetC,
    counts: super::trace::FilterCounts,
    chosen: &[u32],
) -> ProductTrace {
    ProductTrace {
        content: plan.contents[content as usize].content.id.clone(),
        strategy: set.strategy,
        counts,
        size: set.size as u32,
        min_size: set.min_size as u32,
        chosen: chosen.iter().map(|&i| plan.catalog.products[i as usize].id.clone()).collect(),
    }
}

/// Runs the per-entry checks of step 3 in the documented order.
struct Checker<'a> {
    plan: &'a Plan,
    shopper: &'a Shopper,
    stage: u32,
    consent: bool,
    at: Timestamp,
    today: jiff::civil::Date,
}

impl Checker<'_> {
    /// Everything but the segment, which is evaluated last (the costly check).
    fn check_gates(&self, e: &EntryC) -> Check {
        if e.status != EntryStatus::Active {
            return Check::NotActive;
        }
        if e.stage != self.stage {
            return Check::WrongStage;
        }
        if let Some(c) = e.campaign {
            if !self.plan.campaigns[c as usize].window.contains(self.at) {
                return Check::CampaignClosed;
            }
        }
        if e.schedule.as_ref().is_some_and(|s| !s.window.contains(self.at)) {
            return Check::ScheduleClosed;
        }
        if !self.consent {
            return Check::NoConsent;
        }
        Check::Segment
    }

    fn check(&self, e: &EntryC) -> Check {
        match self.check_gates(e) {
            Check::Segment => {
                let segment = &self.plan.segments[e.segment as usize];
                if segment.compiled.matches(self.shopper, self.today) { Check::Pass } else { Check::Segment }
            }
            other => other,
        }
    }

    /// The first failing check with the details a trace shows.
    fn outcome(&self, e: &EntryC) -> Outcome {
        let plan = self.plan;
        match self.check_gates(e) {
            Check::NotActive => Outcome::NotActive { status: e.status },
            Check::WrongStage => Outcome::WrongStage {
                entry_stage: plan.stages[e.stage as usize].clone(),
                stage: plan.stages[self.stage as usize].clone(),
            },
            Check::CampaignClosed => {
                let c = &plan.campaigns[e.campaign.unwrap_or(0) as usize];
                Outcome::CampaignClosed {
                    campaign: c.name.clone(),
                    start: c.start,
                    end: c.end,
                    tz: c.tz_name.clone(),
                    local: c.tz.to_datetime(self.at),
                }
            }
            Check::ScheduleClosed => match &e.schedule {
                Some(s) => Outcome::ScheduleClosed {
                    start: s.start,
                    end: s.end,
                    tz: s.tz_name.clone(),
                    local: s.tz.to_datetime(self.at),
                },
                None => Outcome::Won,
            },
            Check::NoConsent => {
                Outcome::NoConsent { attributes: plan.segments[e.segment as usize].consent_attrs.clone() }
            }
            Check::Segment | Check::Pass => {
                let segment = &plan.segments[e.segment as usize];
                match segment.compiled.explain_failure(self.shopper, self.today) {
                    None => Outcome::Won,
                    Some(f) => Outcome::SegmentMismatch {
                        condition: print(node_at(&segment.condition, &f.path)),
                        path: f.path,
                        attribute: f.attribute.map(|a| a.0),
                        actual: f.actual,
                    },
                }
            }
        }
    }
}

/// The node a failure path points at (`and`/`or` children by index).
fn node_at<'c>(c: &'c Condition, path: &[usize]) -> &'c Condition {
    match (c, path.split_first()) {
        (Condition::And(cs) | Condition::Or(cs), Some((i, rest))) => cs.get(*i).map_or(c, |n| node_at(n, rest)),
        _ => c,
    }
}
