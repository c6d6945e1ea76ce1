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
use crate::bucket::bucket_seeded;
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
#[derive(Clone, Copy, Debug)]
struct Winner {
    entry: u32,
    rank_pos: u32,
}

/// One placement's outcome by index into the compiled plan: what
/// [`decide`] reports as a [`Block`], without the strings.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockOutcome {
    /// Position of the content shown in [`Plan::contents`] order.
    pub content: Option<u32>,
    /// The winning entry (when personalized or held out), in the plan's order.
    pub entry: Option<u32>,
    pub variant: Option<u32>,
    pub personalized: bool,
    pub holdout: bool,
    pub propensity: f64,
    /// This block's range of [`PageOutcome::products`].
    pub products: std::ops::Range<u32>,
    pub fallback_reason: Option<FallbackReason>,
    /// With [`FallbackReason::TooFewProducts`]: the winning content's
    /// product set, which came up short (what the trace shows as its first
    /// product set).
    pub shortfall: Option<Shortfall>,
}

/// A product set with fewer than `min_size` products after the filters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shortfall {
    /// Products left after each filter (complete: a short set never stops early).
    pub counts: super::trace::FilterCounts,
    pub min_size: u32,
}

/// A whole page decided by index, for callers that decide millions of pages
/// and read counts (batch simulation): reused from page to page, it
/// allocates nothing once warm. [`decide`] is [`decide_into`] plus the ids.
#[derive(Clone, Debug, Default)]
pub struct PageOutcome {
    /// Position of the page type ([`Plan::page_index`]).
    pub page: usize,
    /// One block per placement, in page order.
    pub blocks: Vec<BlockOutcome>,
    /// The products of every block, by catalog position.
    pub products: Vec<u32>,
    /// What the last instant decided at means for the plan (its UTC date and
    /// the closed seasonal windows), keyed by plan and instant: a batch
    /// decides millions of pages at one instant.
    instant: Option<(u64, Timestamp, jiff::civil::Date, u64)>,
    /// Pages decided before for this plan (see [`decide_into`]).
    memo: Memo,
    /// Working lists, reused from page to page.
    scratch: Scratch,
}

#[derive(Clone, Debug, Default)]
struct Scratch {
    winners: Vec<Option<Winner>>,
    picks: Vec<Pick>,
    chosen: Vec<u32>,
}

/// Earlier batch decisions of pages that read no shopper list, by what
/// such a page depends on: page, current product, instant, consent, and
/// each placement's winner with its holdout or variant. Bounded: cleared
/// when full.
#[derive(Clone, Debug, Default)]
struct Memo {
    plan: u64,
    pages: super::FastMap<MemoKey, (Vec<BlockOutcome>, Vec<u32>)>,
    hits: u64,
}

/// Pages kept in a [`Memo`] before it starts again.
const MEMO_PAGES: usize = 1 << 14;

/// Placements a remembered page may have (a key is kept inline, not boxed:
/// looking it up is a large share of a remembered page's cost).
const MEMO_PLACEMENTS: usize = 9;

/// A [`Memo`] key: page and current product, consent and the instant's
/// nanoseconds, the instant's seconds, then one word per placement; unused
/// words are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct MemoKey {
    len: usize,
    words: [u64; 3 + MEMO_PLACEMENTS],
}

impl std::hash::Hash for MemoKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.words[..self.len].iter().for_each(|w| state.write_u64(*w));
    }
}

/// What a placement's winner comes to after the page cap, holdout and A/B
/// split (steps 5 and 7).
#[derive(Clone, Copy, Debug)]
enum Pick {
    NoWinner,
    Dropped,
    /// Held out: the entry.
    Control(u32),
    /// Shown: the entry, its variant's position and content, and the propensity.
    Shown { entry: u32, variant: u32, content: u32, propensity: f64 },
}

impl Pick {
    /// Its word of a [`MemoKey`]: the entry (plus one) and what it came to.
    fn key(self) -> u64 {
        let (entry, outcome) = match self {
            Pick::NoWinner => (0, 0),
            Pick::Dropped => (0, 1),
            Pick::Control(e) => (e + 1, 0),
            Pick::Shown { entry, variant, .. } => (entry + 1, variant + 1),
        };
        u64::from(entry) | u64::from(outcome) << 32
    }
}

impl PageOutcome {
    /// Pages [`decide_into`] answered from its memory of earlier pages (for
    /// tests and benchmarks).
    pub fn memo_hits(&self) -> u64 {
        self.memo.hits
    }
}

/// The explanation parts [`decide_into`] gathers when the request asks.
struct Explained {
    stage: u32,
    consent: bool,
    notes: Vec<String>,
    placements: Vec<PlacementTrace>,
}

/// Decides every placement of a page for one shopper at `req.at`.
pub fn decide(plan: &Plan, shopper: &Shopper, req: &PageRequest) -> Result<Decision, DecideError> {
    let mut out = PageOutcome::default();
    let explained = decide_parts(plan, shopper, req, req.explain, None, &mut out)?;
    let page = &plan.pages[out.page];
    let blocks = page
        .placements
        .iter()
        .zip(&out.blocks)
        .map(|(&pl, b)| Block {
            placement: plan.placements[pl as usize].id.clone(),
            content: b.content.map(|c| plan.content_at(c).id.clone()),
            entry: b.entry.map(|e| plan.entry_id(e).to_owned()),
            segment: b.entry.map(|e| plan.entry_segment(e).to_owned()),
            variant: b.variant,
            personalized: b.personalized,
            holdout: b.holdout,
            propensity: b.propensity,
            products: out.products[b.products.start as usize..b.products.end as usize]
                .iter()
                .map(|&i| plan.product_at(i).id.clone())
                .collect(),
            fallback_reason: b.fallback_reason,
        })
        .collect();
    let trace = explained.map(|x| Trace {
        shopper: shopper.id.clone(),
        at: req.at,
        stage: plan.stages[x.stage as usize].clone(),
        consent: x.consent,
        notes: x.notes,
        placements: x.placements,
    });
    Ok(Decision { bundle_digest: plan.digest.clone(), version: plan.version, page: page.name.clone(), blocks, trace })
}

/// [`decide`] into `out` by index, without the trace (`req.explain` is
/// ignored): the same blocks, contents, entries, products and reasons.
///
/// `segments`, when given, are the shopper's segment matches on the UTC date
/// of `req.at`, already known (bit `s` of word `s / 64` for the plan's
/// segment `s`, in [`Plan::segment_conditions`] order): batch simulation
/// evaluates them for a chunk of shoppers at once through the columnar
/// table, which agrees with the row engine (property-tested), so the
/// decision is the same. With them, a page whose product sets read no
/// shopper list is remembered in `out` and reused for the next shopper with
/// the same consent, winners, holdouts and variants (property-tested).
pub fn decide_into(
    plan: &Plan,
    shopper: &Shopper,
    req: &PageRequest,
    segments: Option<&[u64]>,
    out: &mut PageOutcome,
) -> Result<(), DecideError> {
    decide_parts(plan, shopper, req, false, segments, out).map(drop)
}

/// Decides into `out`, gathering the trace's parts when `explain`.
fn decide_parts(
    plan: &Plan,
    shopper: &Shopper,
    req: &PageRequest,
    explain: bool,
    known: Option<&[u64]>,
    out: &mut PageOutcome,
) -> Result<Option<Explained>, DecideError> {
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
    let (today, closed) = match out.instant {
        Some((uid, t, today, closed)) if uid == plan.uid && t == at => (today, closed),
        _ => {
            let (today, closed) = (Offset::UTC.to_datetime(at).date(), closed_seasonal(plan, at));
            out.instant = Some((plan.uid, at, today, closed));
            (today, closed)
        }
    };
    let mut notes = Vec::new();
    let current = req.context.product.as_deref().and_then(|id| {
        let found = plan.catalog.index.get(id).copied();
        if found.is_none() && explain {
            notes.push(format!("product \"{id}\" in the context is not in the catalog; treated as absent"));
        }
        found
    });

    let checker = Checker { plan, shopper, stage, consent, at, today, known };

    // Steps 3–4: each placement's winner, in page order.
    let Scratch { mut winners, mut picks, mut chosen } = std::mem::take(&mut out.scratch);
    winners.clear();
    picks.clear();
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
    // global rank order. Then step 5: holdout and variant.
    let cap = page.max_blocks as usize;
    let page_rank = |w: &Winner| winners.iter().flatten().filter(|o| o.rank_pos < w.rank_pos).count();
    for (j, winner) in winners.iter().enumerate() {
        let Some(w) = winner else {
            picks.push(Pick::NoWinner);
            continue;
        };
        let e = &plan.entries[w.entry as usize];
        let rank = page_rank(w);
        let dropped = rank >= cap;
        let mut wt = explain.then(|| WinnerTrace {
            entry: e.id.clone(),
            page_rank: rank as u32,
            dropped_by_page_cap: dropped,
            holdout: None,
            variant: None,
        });
        let pick = if dropped {
            Pick::Dropped
        } else {
            let b = if e.holdout > 0.0 || e.variants.len() > 1 { bucket_seeded(e.seed, &shopper.id) } else { 0.0 };
            let control = b < e.holdout;
            if let (true, Some(wt)) = (e.holdout > 0.0, wt.as_mut()) {
                wt.holdout = Some(HoldoutTrace { bucket: b, threshold: e.holdout, control });
            }
            if control {
                Pick::Control(w.entry)
            } else {
                // Rescale the bucket into the non-holdout range [h, 1).
                let position = if e.holdout < 1.0 { (b - e.holdout) / (1.0 - e.holdout) } else { 0.0 };
                let (vi, v) = pick_variant(e, position);
                if let (true, Some(wt)) = (e.ab, wt.as_mut()) {
                    let content = plan.contents[v.content as usize].content.id.clone();
                    wt.variant = Some(VariantTrace { index: vi as u32, content, position });
                }
                let propensity = (1.0 - e.holdout) * v.weight;
                Pick::Shown { entry: w.entry, variant: vi as u32, content: v.content, propensity }
            }
        };
        picks.push(pick);
        if let Some(wt) = wt {
            traces[j].winner = Some(wt);
        }
    }

    out.page = page_i;
    out.blocks.clear();
    out.products.clear();
    // Batch decisions: the page depends on the shopper only through the key
    // below and the lists its product sets read.
    let memo = known.is_some() && !explain && picks.len() <= MEMO_PLACEMENTS;
    let mut key = MemoKey { len: 3 + picks.len(), words: [0; 3 + MEMO_PLACEMENTS] };
    if memo {
        if out.memo.plan != plan.uid || out.memo.pages.len() >= MEMO_PAGES {
            out.memo.pages.clear();
            out.memo.plan = plan.uid;
        }
        key.words[0] = page_i as u64 | u64::from(current.map_or(0, |c| c + 1)) << 32;
        key.words[1] = u64::from(consent) | (at.subsec_nanosecond() as u64) << 1;
        key.words[2] = at.as_second() as u64;
        for (w, p) in key.words[3..].iter_mut().zip(&picks) {
            *w = p.key();
        }
        if let Some((blocks, products)) = out.memo.pages.get(&key) {
            out.blocks.clone_from(blocks);
            out.products.clone_from(products);
            out.memo.hits += 1;
            out.scratch = Scratch { winners, picks, chosen };
            return Ok(None);
        }
    }

    let ctx = ProductCtx {
        plan,
        shopper,
        current,
        today,
        closed_seasonal: closed,
    };
    // Whether a product set read a shopper list (the page is not memoized).
    let mut read_lists = false;
    for (j, (&pl, pick)) in page.placements.iter().zip(&picks).enumerate() {
        let placement = &plan.placements[pl as usize];
        let mut block = BlockOutcome {
            content: None,
            entry: None,
            variant: None,
            personalized: false,
            holdout: false,
            propensity: 1.0,
            products: 0..0,
            fallback_reason: None,
            shortfall: None,
        };
        // The content to show, if personalized.
        let mut personal: Option<u32> = None;
        let mut reason = if consent { FallbackReason::NoCandidate } else { FallbackReason::NoConsent };
        match *pick {
            Pick::NoWinner => {}
            Pick::Dropped => reason = FallbackReason::DroppedByPageCap,
            Pick::Control(entry) => {
                block.entry = Some(entry);
                block.holdout = true;
                block.propensity = plan.entries[entry as usize].holdout;
                reason = FallbackReason::Holdout;
            }
            Pick::Shown { entry, variant, content, propensity } => {
                block.entry = Some(entry);
                personal = Some(content);
                block.personalized = true;
                block.propensity = propensity;
                if plan.entries[entry as usize].ab {
                    block.variant = Some(variant);
                }
            }
        }

        // Step 6: product sets, in page order; products shown by earlier
        // blocks are `out.products`.
        if let Some(ci) = personal {
            chosen.clear();
            if let Some(set) = &plan.contents[ci as usize].products {
                read_lists |= set.reads_lists();
                let counts = ctx.resolve(set, &out.products, explain, &mut chosen);
                if explain {
                    traces[j].products.push(product_trace(plan, ci, set, counts, &chosen));
                }
                if chosen.len() < set.min_size {
                    personal = None;
                    reason = FallbackReason::TooFewProducts;
                    block.shortfall = Some(Shortfall { counts, min_size: set.min_size as u32 });
                    block.personalized = false;
                    block.entry = None;
                    block.variant = None;
                    block.propensity = 1.0;
                }
            }
            if personal.is_some() {
                block.content = Some(ci);
            }
        }
        if personal.is_none() {
            match placement.default {
                Some(di) => {
                    block.content = Some(di);
                    block.fallback_reason = Some(reason);
                    chosen.clear();
                    if let Some(set) = &plan.contents[di as usize].products {
                        read_lists |= set.reads_lists();
                        let counts = ctx.resolve(set, &out.products, explain, &mut chosen);
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
        let from = out.products.len() as u32;
        out.products.extend_from_slice(&chosen);
        block.products = from..out.products.len() as u32;
        out.blocks.push(block);
    }
    if memo && !read_lists {
        out.memo.pages.insert(key, (out.blocks.clone(), out.products.clone()));
    }
    out.scratch = Scratch { winners, picks, chosen };

    Ok(explain.then_some(Explained { stage, consent, notes, placements: traces }))
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
    /// Segment matches known beforehand (see [`decide_into`]).
    known: Option<&'a [u64]>,
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
                let s = e.segment as usize;
                let matched = match self.known {
                    Some(words) => words[s / 64] >> (s % 64) & 1 == 1,
                    None => self.plan.segments[s].compiled.matches(self.shopper, self.today),
                };
                if matched { Check::Pass } else { Check::Segment }
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
