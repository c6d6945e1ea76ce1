//! Batch simulation (DESIGN §8): the engine's [`decide`] over every sample
//! shopper × page type × instant, in parallel, aggregated into a
//! [`SimReport`]. The report is exactly what calling `decide` once per
//! shopper, page and instant in a plain loop gives (tested below); only the
//! work is spread over threads.
//!
//! Semantics of every figure are in `docs/simulation.md`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{Span, Timestamp};
use serde::{Deserialize, Serialize};
use tailor_engine::plan::{Context, Decision, FallbackReason, PageOutcome, PageRef, PageRequest, Plan, decide, decide_into};
use tailor_engine::{Bitmap, ColumnarTable, CompiledCondition, Shopper, Value};
use tailor_model::Segment;
use tailor_model::spec::Snapshot;
use ts_rs::TS;

use crate::input::{ShopperStream, with_breakdown_fields};
pub use crate::run::{Progress, SimError};
use crate::run::run_chunks;

/// Attributes the breakdowns read (with fallbacks: see [`Dimension`]).
pub const BREAKDOWN_FIELDS: [&str; 3] = ["traffic_source", "customer_type", "device"];

/// Every fallback reason, in report order.
pub const REASONS: [FallbackReason; 6] = [
    FallbackReason::NoCandidate,
    FallbackReason::NoConsent,
    FallbackReason::Holdout,
    FallbackReason::DroppedByPageCap,
    FallbackReason::TooFewProducts,
    FallbackReason::NoDefault,
];

/// Why a product set came up short: the first filter after which fewer than
/// `min_size` products were left (from the decision's trace).
pub const SHORTFALL_CAUSES: [&str; 7] =
    ["no_candidates", "stock", "margin", "price_jump", "seasonal", "already_purchased", "already_on_page"];

fn reason_index(r: FallbackReason) -> usize {
    REASONS.iter().position(|x| *x == r).unwrap_or(0)
}

/// The product a page is decided with (the visit's current product).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind", content = "product")]
#[ts(export)]
pub enum ProductContext {
    /// No current product.
    None,
    /// Always this product.
    Product(String),
    /// The best seller of each catalog category in turn: the shopper at
    /// input position i gets category i mod (number of categories), in
    /// category name order.
    TopOfEachCategory,
}

/// What to simulate.
#[derive(Clone, Debug)]
pub struct SimOptions {
    /// Page types to decide (all, in workspace order, when `None`).
    pub pages: Option<Vec<String>>,
    /// Instants each page is decided at (at least one; see [`times_between`]).
    pub times: Vec<Timestamp>,
    /// Per page type, the current product; pages not listed get none.
    pub contexts: BTreeMap<String, ProductContext>,
    /// (category, its best-selling product id), in category order: the
    /// rotation [`ProductContext::TopOfEachCategory`] uses.
    pub category_tops: Vec<(String, String)>,
    /// Segments whose matches are counted (reach, overlap); usually all the
    /// workspace's.
    pub segments: Vec<Segment>,
    /// (entry id, segment) of every plan entry, so entries that never win are
    /// listed with zeros.
    pub entries: Vec<(String, String)>,
    /// Worker threads (all cores when `None`).
    pub threads: Option<usize>,
    /// Example shopper ids kept per drill-down cell.
    pub drilldown_limit: usize,
    /// Decisions traced in full (the first shoppers, one page each).
    pub trace_samples: usize,
}

impl SimOptions {
    /// Defaults for a workspace: every page, one instant, product pages
    /// (page names containing `product` or `pdp`) decided with the best
    /// seller of each category in turn.
    pub fn for_snapshot(snapshot: &Snapshot, at: Timestamp) -> Self {
        let contexts = snapshot
            .page_types
            .iter()
            .filter(|p| {
                let n = p.name.to_ascii_lowercase();
                n.contains("product") || n.contains("pdp")
            })
            .map(|p| (p.name.clone(), ProductContext::TopOfEachCategory))
            .collect();
        Self {
            pages: None,
            times: vec![at],
            contexts,
            category_tops: category_tops(snapshot),
            segments: snapshot.segments.clone(),
            entries: snapshot.plan.iter().map(|e| (e.id.clone(), e.segment.0.clone())).collect(),
            threads: None,
            drilldown_limit: 20,
            trace_samples: 5,
        }
    }

    /// The current product of the shopper at input position `index` on `page`.
    pub fn context_for(&self, page: &str, index: u64) -> Option<&str> {
        self.product_in(self.contexts.get(page)?, index)
    }

    /// The current product `context` gives the shopper at input position `index`.
    fn product_in<'a>(&'a self, context: &'a ProductContext, index: u64) -> Option<&'a str> {
        match context {
            ProductContext::None => None,
            ProductContext::Product(p) => Some(p),
            ProductContext::TopOfEachCategory if self.category_tops.is_empty() => None,
            ProductContext::TopOfEachCategory => {
                Some(&self.category_tops[(index % self.category_tops.len() as u64) as usize].1)
            }
        }
    }
}

/// Each category's best seller (rank ascending, unranked last, then stock
/// descending, then id — the engine's best-seller order), by category name.
pub fn category_tops(snapshot: &Snapshot) -> Vec<(String, String)> {
    let mut best: BTreeMap<&str, &tailor_model::plan::Product> = BTreeMap::new();
    let key = |p: &tailor_model::plan::Product| (p.rank.unwrap_or(u32::MAX), std::cmp::Reverse(p.stock.unwrap_or(i64::MIN)), p.id.clone());
    for p in &snapshot.catalog {
        let Some(c) = p.category.as_deref() else { continue };
        match best.get(c) {
            Some(b) if key(b) <= key(p) => {}
            _ => {
                best.insert(c, p);
            }
        }
    }
    best.into_iter().map(|(c, p)| (c.to_owned(), p.id.clone())).collect()
}

/// Instants from `start` to `end` inclusive, every `step` (a date range for
/// schedules, e.g. `Span::new().days(1)`). Empty when `step` is not positive.
pub fn times_between(start: Timestamp, end: Timestamp, step: Span) -> Vec<Timestamp> {
    let mut out = Vec::new();
    let mut t = start;
    while t <= end {
        out.push(t);
        // Calendar units (days) are added on the UTC calendar.
        match t.to_zoned_datetime(jiff::tz::TimeZone::UTC).checked_add(step) {
            Ok(next) if next.timestamp() > t => t = next.timestamp(),
            _ => break,
        }
        if out.len() > 100_000 {
            break;
        }
    }
    out
}

// ---------------------------------------------------------------- report

/// Counts per fallback reason (`no_candidate`, `holdout`, …); zeros omitted.
pub type ReasonCounts = BTreeMap<String, u64>;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlacementStats {
    pub placement: String,
    /// Views where the placement showed personalized content.
    #[ts(type = "number")]
    pub personalized: u64,
    /// Views where the winner held the shopper out (control).
    #[ts(type = "number")]
    pub holdout: u64,
    #[ts(type = "Record<string, number>")]
    pub fallbacks: ReasonCounts,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PageStats {
    pub page: String,
    #[ts(type = "number")]
    pub views: u64,
    /// `blocks_histogram[n]`: views with exactly n personalized blocks.
    #[ts(type = "Array<number>")]
    pub blocks_histogram: Vec<u64>,
    pub placements: Vec<PlacementStats>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EntryStats {
    pub entry: String,
    pub segment: String,
    /// Page views where it won and was shown (personalized).
    #[ts(type = "number")]
    pub views: u64,
    /// Shoppers who were shown it at least once.
    #[ts(type = "number")]
    pub shoppers: u64,
    /// Page views where it won but the shopper was held out.
    #[ts(type = "number")]
    pub holdout: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentStats {
    pub segment: String,
    /// Shoppers whose condition is true (consent aside) on any simulated day.
    #[ts(type = "number")]
    pub matched: u64,
    /// Shoppers shown at least one of the segment's entries.
    #[ts(type = "number")]
    pub saw_entry: u64,
}

/// One breakdown cell: page views with this value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BreakdownCell {
    #[ts(type = "number")]
    pub views: u64,
    /// Personalized blocks over those views.
    #[ts(type = "number")]
    pub personalized: u64,
    #[ts(type = "Record<string, number>")]
    pub fallbacks: ReasonCounts,
}

/// Page views broken down by a shopper or visit attribute; missing values
/// are counted under `(unknown)`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Breakdowns {
    pub traffic_source: BTreeMap<String, BreakdownCell>,
    /// `new`, `returning` or `other`.
    pub customer_type: BTreeMap<String, BreakdownCell>,
    pub device: BTreeMap<String, BreakdownCell>,
    /// Category of the current product; product pages only.
    pub category: BTreeMap<String, BreakdownCell>,
}

/// Segment × segment: shoppers matching both (the diagonal: each one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Overlap {
    pub segments: Vec<String>,
    #[ts(type = "Array<Array<number>>")]
    pub counts: Vec<Vec<u64>>,
}

/// The result of a simulation, computed on one compiled bundle.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SimReport {
    /// Digest of the bundle the plan came from (`None` for a draft).
    #[ts(optional)]
    pub bundle_digest: Option<String>,
    #[ts(optional, type = "number")]
    pub version: Option<u64>,
    #[ts(type = "Array<string>")]
    pub times: Vec<Timestamp>,
    #[ts(type = "number")]
    pub shoppers: u64,
    #[ts(type = "number")]
    pub page_views: u64,
    pub pages: Vec<PageStats>,
    pub entries: Vec<EntryStats>,
    pub segments: Vec<SegmentStats>,
    /// Over every block of every view.
    #[ts(type = "Record<string, number>")]
    pub fallbacks: ReasonCounts,
    /// `too_few_products` fallbacks by the filter that emptied the set
    /// (see [`SHORTFALL_CAUSES`]).
    #[ts(type = "Record<string, number>")]
    pub too_few_products: ReasonCounts,
    pub breakdowns: Breakdowns,
    pub overlap: Overlap,
    /// Metric key → the first shoppers (input order) behind it: `entry:ID`,
    /// `segment:NAME` (matched), `fallback:REASON`, `shortfall:CAUSE`,
    /// `page:P:blocks:N`, `overlap:A:B`.
    pub drilldown: BTreeMap<String, Vec<String>>,
    /// A few decisions with their full trace (the engine's JSON).
    #[ts(type = "Array<unknown>")]
    pub traces: Vec<serde_json::Value>,
    /// Wall-clock time of the run.
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

// ---------------------------------------------------------------- setup

/// Where a breakdown value comes from: an attribute slot, else a fallback
/// slot whose raw value is mapped (UCI codes, visitor types).
#[derive(Clone, Copy, Debug)]
struct Dimension {
    slot: Option<usize>,
    fallback: Option<(usize, fn(&str) -> &'static str)>,
}

const UNKNOWN: &str = "(unknown)";

fn text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(Cow::Borrowed(s)),
        other => Some(Cow::Owned(other.to_string())),
    }
}

impl Dimension {
    fn value<'s>(&self, s: &'s Shopper) -> Cow<'s, str> {
        if let Some(t) = self.slot.and_then(|i| text(s.value(i))) {
            return t;
        }
        if let Some((i, map)) = self.fallback {
            if let Some(t) = text(s.value(i)) {
                return Cow::Borrowed(map(&t));
            }
        }
        Cow::Borrowed(UNKNOWN)
    }
}

struct PageSetup {
    name: String,
    placements: Vec<String>,
    /// The page's requests, one per current product in the context's
    /// rotation (the shopper at input position i gets `views[i % len]`).
    views: Vec<View>,
}

/// The position in a page's views of the shopper at input position `index`.
fn view_of(views: &[View], index: u64) -> usize {
    (index % views.len() as u64) as usize
}

/// A page request prepared for a current product.
#[derive(Clone, Debug)]
struct View {
    req: PageRequest,
    /// The category the breakdown counts the view under.
    category: Option<String>,
    /// That category's cell in the accumulator holding this copy, once looked up.
    cell: Option<usize>,
}

pub(crate) struct Setup<'p> {
    plan: &'p Plan,
    opts: &'p SimOptions,
    pages: Vec<PageSetup>,
    dates: Vec<Date>,
    segments: Vec<CompiledCondition>,
    segment_names: Vec<String>,
    overlap: bool,
    dims: [Dimension; 3],
    limit: usize,
    /// Per instant of `opts.times`, its date's position in `dates`.
    time_day: Vec<usize>,
    /// Per counted segment, the plan segment with the same name and
    /// condition (evaluated once for both).
    twin: Vec<Option<usize>>,
    /// Per plan entry, its segment's position in `saw_names`.
    entry_saw: Vec<usize>,
    /// Segments of the plan's entries, for "saw an entry" counts.
    saw_names: Vec<String>,
    /// The plan schema's attributes that the plan's and the counted
    /// segments test: the only columns a chunk's table needs.
    read: Vec<bool>,
}

fn slot_of(schema: &tailor_model::Schema, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| schema.slot(n))
}

impl<'p> Setup<'p> {
    pub(crate) fn new(plan: &'p Plan, opts: &'p SimOptions) -> Result<(Self, tailor_model::Schema), SimError> {
        if opts.times.is_empty() {
            return Err(SimError::Options("no instant to simulate at".into()));
        }
        let infos: Vec<_> = plan.page_types().collect();
        let names: Vec<String> = match &opts.pages {
            None => infos.iter().map(|p| p.name.to_owned()).collect(),
            Some(list) => list.clone(),
        };
        let mut pages = Vec::new();
        for name in names {
            let Some(index) = plan.page_index(&name) else {
                let known = infos.iter().map(|p| p.name).collect::<Vec<_>>().join(", ");
                return Err(SimError::UnknownPage { page: name, known });
            };
            let placements = infos[index].placements.iter().map(|p| p.id.to_owned()).collect();
            let context = opts.contexts.get(&name);
            let rotation = match context {
                Some(ProductContext::TopOfEachCategory) => opts.category_tops.len().max(1),
                _ => 1,
            };
            let views = (0..rotation as u64)
                .map(|i| {
                    let product = context.and_then(|c| opts.product_in(c, i));
                    let category = product
                        .map(|id| plan.product(id).and_then(|p| p.category.as_deref()).unwrap_or(UNKNOWN).to_owned());
                    let req = PageRequest {
                        page: PageRef::Index(index),
                        at: opts.times[0],
                        context: Context { product: product.map(str::to_owned), ..Context::default() },
                        explain: false,
                    };
                    View { req, category, cell: None }
                })
                .collect();
            pages.push(PageSetup { name, placements, views });
        }
        let mut dates: Vec<Date> = opts.times.iter().map(|t| Offset::UTC.to_datetime(*t).date()).collect();
        dates.sort();
        dates.dedup();
        let schema = with_breakdown_fields(plan.schema());
        let mut segments = Vec::new();
        let mut segment_names = Vec::new();
        let mut twin = Vec::new();
        for s in &opts.segments {
            // A segment that no longer compiles (schema changed) is left out;
            // lint reports it.
            if let Ok(c) = CompiledCondition::compile(&s.condition, plan.schema()) {
                segments.push(c);
                segment_names.push(s.name.0.clone());
                twin.push(plan.segment_conditions().position(|(name, cond, _)| name == s.name.0 && *cond == s.condition));
            }
        }
        let time_day = opts
            .times
            .iter()
            .map(|t| {
                let day = Offset::UTC.to_datetime(*t).date();
                dates.iter().position(|d| *d == day).unwrap_or(0)
            })
            .collect();
        let overlap = segments.len() <= 200;
        let dims = [
            Dimension {
                slot: schema.slot("traffic_source"),
                fallback: slot_of(&schema, &["TrafficType", "traffic_type"]).map(|i| (i, crate::uci::traffic_source as fn(&str) -> &'static str)),
            },
            Dimension {
                slot: schema.slot("customer_type"),
                fallback: slot_of(&schema, &["visitor_type", "VisitorType"]).map(|i| (i, crate::uci::customer_type as fn(&str) -> &'static str)),
            },
            Dimension {
                slot: schema.slot("device"),
                fallback: slot_of(&schema, &["OperatingSystems", "operating_system"]).map(|i| (i, crate::uci::device as fn(&str) -> &'static str)),
            },
        ];
        let mut saw_names: Vec<String> = Vec::new();
        let entry_saw = (0..plan.entry_count() as u32)
            .map(|e| {
                let name = plan.entry_segment(e);
                saw_names.iter().position(|n| n == name).unwrap_or_else(|| {
                    saw_names.push(name.to_owned());
                    saw_names.len() - 1
                })
            })
            .collect();
        let mut read = vec![false; plan.schema().len()];
        for c in plan.segment_conditions().map(|(_, _, c)| c).chain(&segments) {
            c.mark_slots(&mut read);
        }
        // The breakdowns' string attributes too: a chunk looks their cells
        // up once per distinct value (see `ChunkMatches::dims`).
        for slot in dims.iter().filter_map(|d| d.slot) {
            if let Some(r) = read.get_mut(slot) {
                *r = true;
            }
        }
        let setup = Setup {
            read,
            plan,
            opts,
            pages,
            dates,
            segments,
            segment_names,
            overlap,
            dims,
            limit: opts.drilldown_limit,
            time_day,
            twin,
            entry_saw,
            saw_names,
        };
        Ok((setup, schema))
    }

    /// The request of page `page` for the shopper at input position `index`
    /// (its view in the page's rotation), at `at`.
    pub(crate) fn request(&self, page: usize, at: Timestamp, index: u64, explain: bool) -> PageRequest {
        let views = &self.pages[page].views;
        let req = &views[view_of(views, index)].req;
        PageRequest { at, explain, ..req.clone() }
    }

    fn decide(&self, s: &Shopper, req: &PageRequest) -> Result<Decision, SimError> {
        decide(self.plan, s, req).map_err(|e| SimError::Decide { shopper: s.id.clone(), message: e.to_string() })
    }

    fn new_acc(&self) -> Acc {
        let n = self.segments.len();
        Acc {
            pages: self
                .pages
                .iter()
                .map(|p| PageAcc {
                    views: 0,
                    hist: vec![0; p.placements.len() + 1],
                    placements: vec![PlacementAcc::default(); p.placements.len()],
                    examples: vec![Vec::new(); p.placements.len() + 1],
                })
                .collect(),
            entries: vec![EntryAcc::default(); self.plan.entry_count()],
            seg_matched: vec![0; n],
            seg_examples: vec![Vec::new(); n],
            seg_saw: vec![0; self.saw_names.len()],
            overlap: if self.overlap { vec![0; n * n] } else { Vec::new() },
            overlap_examples: if self.overlap { vec![Vec::new(); n * n] } else { Vec::new() },
            ..Acc::default()
        }
    }

    /// Which shoppers of a chunk match each segment, evaluated over the whole
    /// chunk at once (columnar): the plan's segments per simulated day (what
    /// the decisions read), and the counted segments on any simulated day.
    fn segment_matches(&self, shoppers: &[&Shopper]) -> ChunkMatches {
        let columns = ColumnarTable::from_rows_reading(self.plan.schema(), shoppers, &self.read);
        let plan_days: Vec<Vec<Bitmap>> = self
            .dates
            .iter()
            .map(|day| {
                let evaluators: Vec<_> = self.plan.segment_conditions().map(|(_, _, c)| c.on(*day)).collect();
                columns.evaluate_all(&evaluators)
            })
            .collect();
        let mut any_day: Vec<Bitmap> = vec![Bitmap::zeros(shoppers.len()); self.segments.len()];
        for (d, day) in self.dates.iter().enumerate() {
            let evaluators: Vec<_> =
                self.segments.iter().zip(&self.twin).filter(|(_, t)| t.is_none()).map(|(c, _)| c.on(*day)).collect();
            let mut own = columns.evaluate_all(&evaluators).into_iter();
            for (all, twin) in any_day.iter_mut().zip(&self.twin) {
                match twin {
                    Some(j) => all.or_with(&plan_days[d][*j]),
                    None => all.or_with(&own.next().expect("one result per segment without a twin")),
                }
            }
        }
        let dims = std::array::from_fn(|k| {
            let (ids, dict) = columns.string_ids(self.dims[k].slot?)?;
            Some((ids, dict.into_iter().map(str::to_owned).collect()))
        });
        ChunkMatches { any_day, plan_days, dims }
    }

    /// Everything one shopper contributes; `segments` are the chunk's
    /// [segment matches](Self::segment_matches), the shopper its `k`th row.
    fn shopper(&self, acc: &mut Acc, index: u64, s: &Shopper, chunk: &ChunkMatches, k: usize) -> Result<(), SimError> {
        let segments = &chunk.any_day;
        let limit = self.limit;
        acc.shoppers += 1;
        // Segment matches (condition only) and their overlap.
        let mut matched: Vec<usize> = Vec::new();
        for (i, bits) in segments.iter().enumerate() {
            if bits.get(k) {
                matched.push(i);
                acc.seg_matched[i] += 1;
                push_example(&mut acc.seg_examples[i], &s.id, limit);
            }
        }
        if self.overlap {
            let n = self.segments.len();
            for (a, &i) in matched.iter().enumerate() {
                for &j in &matched[a + 1..] {
                    acc.overlap[i * n + j] += 1;
                    push_example(&mut acc.overlap_examples[i * n + j], &s.id, limit);
                }
            }
        }
        // Each breakdown's cell for this shopper, looked up once.
        let dims: [usize; 3] = std::array::from_fn(|d| {
            if let Some((ids, dict)) = &chunk.dims[d]
                && let Some(id) = ids[k]
            {
                let cells = &mut acc.dim_cells[d];
                cells.resize(dict.len(), None);
                return *cells[id as usize].get_or_insert_with(|| acc.breakdowns[d].index(&dict[id as usize]));
            }
            acc.breakdowns[d].index(&self.dims[d].value(s))
        });
        let mut seen_entries: Vec<u32> = Vec::new();
        let mut seen_segments: Vec<usize> = Vec::new();
        let mut seen_reasons = 0u32;
        let mut seen_causes = 0u32;
        // The worker's page outcome: its memory of pages (see `decide_into`)
        // outlives the chunk; the pool's threads end with the run.
        let mut out = PAGE.take();
        // The plan's segment matches per simulated day, as bit words.
        let words = self.plan.segment_conditions().len().div_ceil(64);
        let mut known = std::mem::take(&mut acc.known);
        known.clear();
        known.resize(words * self.dates.len(), 0);
        for (d, day) in chunk.plan_days.iter().enumerate() {
            for (j, bits) in day.iter().enumerate() {
                if bits.get(k) {
                    known[d * words + j / 64] |= 1 << (j % 64);
                }
            }
        }
        // This worker's copy of the pages' requests, whose instant is set per view.
        let mut views = std::mem::take(&mut acc.views);
        if views.is_empty() {
            views = self.pages.iter().map(|p| p.views.clone()).collect();
        }
        for (pi, rotation) in views.iter_mut().enumerate() {
            let mut seen_counts = 0u64;
            let r = view_of(rotation, index);
            let View { req, category, cell } = &mut rotation[r];
            for (t, &at) in self.opts.times.iter().enumerate() {
                req.at = at;
                let d = self.time_day[t];
                decide_into(self.plan, s, req, Some(&known[d * words..(d + 1) * words]), &mut out)
                    .map_err(|e| SimError::Decide { shopper: s.id.clone(), message: e.to_string() })?;
                acc.page_views += 1;
                let pacc = &mut acc.pages[pi];
                pacc.views += 1;
                let n = out.blocks.iter().filter(|b| b.personalized).count();
                pacc.hist[n] += 1;
                if n < 64 && seen_counts & (1 << n) == 0 {
                    seen_counts |= 1 << n;
                    push_example(&mut pacc.examples[n], &s.id, limit);
                }
                let mut reasons = [0u64; REASONS.len()];
                for (j, b) in out.blocks.iter().enumerate() {
                    let pl = &mut pacc.placements[j];
                    if b.personalized {
                        pl.personalized += 1;
                        if let Some(e) = b.entry {
                            acc.entries[e as usize].views += 1;
                            if !seen_entries.contains(&e) {
                                seen_entries.push(e);
                            }
                            let sg = self.entry_saw[e as usize];
                            if !seen_segments.contains(&sg) {
                                seen_segments.push(sg);
                            }
                        }
                    }
                    if b.holdout {
                        pl.holdout += 1;
                        if let Some(e) = b.entry {
                            acc.entries[e as usize].holdout += 1;
                        }
                    }
                    if let Some(r) = b.fallback_reason {
                        let ri = reason_index(r);
                        pl.fallbacks[ri] += 1;
                        reasons[ri] += 1;
                    }
                }
                for (ri, c) in reasons.iter().enumerate() {
                    acc.fallbacks[ri] += c;
                    if *c > 0 {
                        seen_reasons |= 1 << ri;
                    }
                }
                let cell_add = |cell: &mut CellAcc| {
                    cell.views += 1;
                    cell.personalized += n as u64;
                    for (ri, c) in reasons.iter().enumerate() {
                        cell.fallbacks[ri] += c;
                    }
                };
                for (k, &i) in dims.iter().enumerate() {
                    cell_add(&mut acc.breakdowns[k].cells[i]);
                }
                if let Some(c) = category {
                    let i = *cell.get_or_insert_with(|| acc.breakdowns[3].index(c));
                    cell_add(&mut acc.breakdowns[3].cells[i]);
                }
                // Which filter emptied each short set (the counts the trace would show).
                for short in out.blocks.iter().filter_map(|b| b.shortfall) {
                    let cause = shortfall_cause(&short.counts, short.min_size);
                    acc.causes[cause] += 1;
                    seen_causes |= 1 << cause;
                }
            }
        }
        PAGE.set(out);
        acc.known = known;
        acc.views = views;
        for &e in &seen_entries {
            let ea = &mut acc.entries[e as usize];
            ea.shoppers += 1;
            push_example(&mut ea.examples, &s.id, limit);
        }
        for sg in seen_segments {
            acc.seg_saw[sg] += 1;
        }
        for ri in 0..REASONS.len() {
            if seen_reasons & (1 << ri) != 0 {
                push_example(&mut acc.reason_examples[ri], &s.id, limit);
            }
        }
        for ci in 0..SHORTFALL_CAUSES.len() {
            if seen_causes & (1 << ci) != 0 {
                push_example(&mut acc.cause_examples[ci], &s.id, limit);
            }
        }
        if (index as usize) < self.opts.trace_samples && !self.pages.is_empty() {
            let pi = index as usize % self.pages.len();
            let d = self.decide(s, &self.request(pi, self.opts.times[0], index, true))?;
            acc.traces.push((index, serde_json::to_value(&d).unwrap_or_default()));
        }
        Ok(())
    }

    fn finish(&self, acc: Acc, elapsed_ms: u64) -> SimReport {
        let reasons = |counts: &[u64]| -> ReasonCounts {
            REASONS
                .iter()
                .zip(counts)
                .filter(|(_, c)| **c > 0)
                .map(|(r, c)| (r.as_str().to_owned(), *c))
                .collect()
        };
        let mut drilldown = BTreeMap::new();
        let pages = self
            .pages
            .iter()
            .zip(&acc.pages)
            .map(|(p, a)| {
                for (n, ex) in a.examples.iter().enumerate() {
                    if !ex.is_empty() {
                        drilldown.insert(format!("page:{}:blocks:{n}", p.name), ex.clone());
                    }
                }
                PageStats {
                    page: p.name.clone(),
                    views: a.views,
                    blocks_histogram: a.hist.clone(),
                    placements: p
                        .placements
                        .iter()
                        .zip(&a.placements)
                        .map(|(id, pl)| PlacementStats {
                            placement: id.clone(),
                            personalized: pl.personalized,
                            holdout: pl.holdout,
                            fallbacks: reasons(&pl.fallbacks),
                        })
                        .collect(),
                }
            })
            .collect();
        let mut entries: Vec<EntryStats> = Vec::new();
        let mut listed = std::collections::HashSet::new();
        let mut entry_stats = |id: &str, segment: &str, a: Option<&EntryAcc>| {
            if let Some(a) = a {
                if !a.examples.is_empty() {
                    drilldown.insert(format!("entry:{id}"), a.examples.clone());
                }
            }
            let a = a.cloned().unwrap_or_default();
            EntryStats { entry: id.to_owned(), segment: segment.to_owned(), views: a.views, shoppers: a.shoppers, holdout: a.holdout }
        };
        // Entries some shopper reached, by id.
        let reached: HashMap<&str, &EntryAcc> = acc
            .entries
            .iter()
            .enumerate()
            .filter(|(_, a)| a.views + a.holdout + a.shoppers > 0)
            .map(|(e, a)| (self.plan.entry_id(e as u32), a))
            .collect();
        for (id, segment) in &self.opts.entries {
            if listed.insert(id.clone()) {
                entries.push(entry_stats(id, segment, reached.get(id.as_str()).copied()));
            }
        }
        let mut rest: Vec<_> = reached.into_iter().filter(|(id, _)| !listed.contains(*id)).collect();
        rest.sort_by(|a, b| a.0.cmp(b.0));
        for (id, a) in rest {
            entries.push(entry_stats(id, "", Some(a)));
        }
        let n = self.segments.len();
        let segments = self
            .segment_names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if !acc.seg_examples[i].is_empty() {
                    drilldown.insert(format!("segment:{name}"), acc.seg_examples[i].clone());
                }
                let saw_entry = self.saw_names.iter().position(|n| n == name).map_or(0, |k| acc.seg_saw[k]);
                SegmentStats { segment: name.clone(), matched: acc.seg_matched[i], saw_entry }
            })
            .collect();
        let overlap = if self.overlap {
            let mut counts = vec![vec![0u64; n]; n];
            for i in 0..n {
                counts[i][i] = acc.seg_matched[i];
                for j in i + 1..n {
                    counts[i][j] = acc.overlap[i * n + j];
                    counts[j][i] = acc.overlap[i * n + j];
                    let ex = &acc.overlap_examples[i * n + j];
                    if !ex.is_empty() {
                        drilldown.insert(format!("overlap:{}:{}", self.segment_names[i], self.segment_names[j]), ex.clone());
                    }
                }
            }
            Overlap { segments: self.segment_names.clone(), counts }
        } else {
            Overlap::default()
        };
        for (ri, ex) in acc.reason_examples.iter().enumerate() {
            if !ex.is_empty() {
                drilldown.insert(format!("fallback:{}", REASONS[ri].as_str()), ex.clone());
            }
        }
        for (ci, ex) in acc.cause_examples.iter().enumerate() {
            if !ex.is_empty() {
                drilldown.insert(format!("shortfall:{}", SHORTFALL_CAUSES[ci]), ex.clone());
            }
        }
        let too_few_products = SHORTFALL_CAUSES
            .iter()
            .zip(acc.causes)
            .filter(|(_, c)| *c > 0)
            .map(|(k, c)| ((*k).to_owned(), c))
            .collect();
        let cells = |m: &Cells| -> BTreeMap<String, BreakdownCell> {
            m.index
                .iter()
                .map(|(k, &i)| {
                    let c = &m.cells[i];
                    (k.clone(), BreakdownCell { views: c.views, personalized: c.personalized, fallbacks: reasons(&c.fallbacks) })
                })
                .collect()
        };
        let [traffic, customer, device, category] = &acc.breakdowns;
        let mut traces = acc.traces;
        traces.sort_by_key(|(i, _)| *i);
        SimReport {
            bundle_digest: self.plan.digest.clone(),
            version: self.plan.version,
            times: self.opts.times.clone(),
            shoppers: acc.shoppers,
            page_views: acc.page_views,
            pages,
            entries,
            segments,
            fallbacks: reasons(&acc.fallbacks),
            too_few_products,
            breakdowns: Breakdowns {
                traffic_source: cells(traffic),
                customer_type: cells(customer),
                device: cells(device),
                category: cells(category),
            },
            overlap,
            drilldown,
            traces: traces.into_iter().map(|(_, t)| t).collect(),
            elapsed_ms,
        }
    }
}

fn shortfall_cause(c: &tailor_engine::plan::FilterCounts, min: u32) -> usize {
    let steps = [c.candidates, c.in_stock, c.margin, c.price_jump, c.seasonal, c.not_purchased, c.not_on_page];
    steps.iter().position(|n| *n < min).unwrap_or(0)
}

fn push_example(list: &mut Vec<String>, id: &str, limit: usize) {
    if list.len() < limit {
        list.push(id.to_owned());
    }
}

fn extend_examples(into: &mut Vec<String>, from: Vec<String>, limit: usize) {
    let room = limit.saturating_sub(into.len());
    into.extend(from.into_iter().take(room));
}

// ---------------------------------------------------------------- accumulators

#[derive(Clone, Debug, Default)]
struct PlacementAcc {
    personalized: u64,
    holdout: u64,
    fallbacks: [u64; REASONS.len()],
}

#[derive(Debug, Default)]
struct PageAcc {
    views: u64,
    hist: Vec<u64>,
    placements: Vec<PlacementAcc>,
    examples: Vec<Vec<String>>,
}

#[derive(Clone, Debug, Default)]
struct EntryAcc {
    views: u64,
    shoppers: u64,
    holdout: u64,
    examples: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct CellAcc {
    views: u64,
    personalized: u64,
    fallbacks: [u64; REASONS.len()],
}

/// One breakdown's cells by value, in first-seen order.
#[derive(Debug, Default)]
struct Cells {
    index: HashMap<String, usize, foldhash::fast::RandomState>,
    cells: Vec<CellAcc>,
}

impl Cells {
    /// Position of `k`'s cell, made on first sight.
    fn index(&mut self, k: &str) -> usize {
        if let Some(&i) = self.index.get(k) {
            return i;
        }
        self.cells.push(CellAcc::default());
        self.index.insert(k.to_owned(), self.cells.len() - 1);
        self.cells.len() - 1
    }
}

#[derive(Debug, Default)]
pub(crate) struct Acc {
    shoppers: u64,
    page_views: u64,
    pages: Vec<PageAcc>,
    /// By plan entry position.
    entries: Vec<EntryAcc>,
    seg_matched: Vec<u64>,
    seg_examples: Vec<Vec<String>>,
    /// By position in [`Setup::saw_names`].
    seg_saw: Vec<u64>,
    overlap: Vec<u64>,
    overlap_examples: Vec<Vec<String>>,
    fallbacks: [u64; REASONS.len()],
    reason_examples: [Vec<String>; REASONS.len()],
    causes: [u64; SHORTFALL_CAUSES.len()],
    cause_examples: [Vec<String>; SHORTFALL_CAUSES.len()],
    breakdowns: [Cells; 4],
    traces: Vec<(u64, serde_json::Value)>,
    /// The shopper's plan segment matches, reused from shopper to shopper.
    known: Vec<u64>,
    /// Per breakdown, the cell of each string of the chunk's dictionary
    /// (`ChunkMatches::dims`), once looked up (not merged).
    dim_cells: [Vec<Option<usize>>; 3],
    /// Per page, the requests of [`PageSetup::views`] (not merged).
    views: Vec<Vec<View>>,
}

thread_local! {
    /// The page being decided, reused from page to page on each worker.
    static PAGE: std::cell::Cell<PageOutcome> = std::cell::Cell::new(PageOutcome::default());
}

/// A chunk's segment matches (see [`Setup::segment_matches`]).
pub(crate) struct ChunkMatches {
    /// Per counted segment: matched on any simulated day.
    any_day: Vec<Bitmap>,
    /// Per simulated day, per plan segment.
    plan_days: Vec<Vec<Bitmap>>,
    /// Per breakdown whose attribute is a string column of the chunk: each
    /// row's string by its id in the chunk's dictionary (`None`: no string,
    /// the breakdown's own fallbacks apply), and the dictionary.
    dims: [Option<ChunkStrings>; 3],
}

/// A chunk's string column: each row's dictionary id, if it holds a string,
/// and the dictionary.
type ChunkStrings = (Vec<Option<u32>>, Vec<String>);

fn add<const N: usize>(a: &mut [u64; N], b: &[u64; N]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

impl Acc {
    /// Adds `b`, which covers shoppers after all of `self`'s.
    fn merge(&mut self, b: Acc, limit: usize) {
        self.shoppers += b.shoppers;
        self.page_views += b.page_views;
        for (p, q) in self.pages.iter_mut().zip(b.pages) {
            p.views += q.views;
            for (x, y) in p.hist.iter_mut().zip(&q.hist) {
                *x += y;
            }
            for (x, y) in p.placements.iter_mut().zip(&q.placements) {
                x.personalized += y.personalized;
                x.holdout += y.holdout;
                add(&mut x.fallbacks, &y.fallbacks);
            }
            for (x, y) in p.examples.iter_mut().zip(q.examples) {
                extend_examples(x, y, limit);
            }
        }
        for (a, e) in self.entries.iter_mut().zip(b.entries) {
            a.views += e.views;
            a.shoppers += e.shoppers;
            a.holdout += e.holdout;
            extend_examples(&mut a.examples, e.examples, limit);
        }
        for (x, y) in self.seg_matched.iter_mut().zip(&b.seg_matched) {
            *x += y;
        }
        for (x, y) in self.seg_examples.iter_mut().zip(b.seg_examples) {
            extend_examples(x, y, limit);
        }
        for (x, y) in self.seg_saw.iter_mut().zip(&b.seg_saw) {
            *x += y;
        }
        for (x, y) in self.overlap.iter_mut().zip(&b.overlap) {
            *x += y;
        }
        for (x, y) in self.overlap_examples.iter_mut().zip(b.overlap_examples) {
            extend_examples(x, y, limit);
        }
        add(&mut self.fallbacks, &b.fallbacks);
        for (x, y) in self.reason_examples.iter_mut().zip(b.reason_examples) {
            extend_examples(x, y, limit);
        }
        add(&mut self.causes, &b.causes);
        for (x, y) in self.cause_examples.iter_mut().zip(b.cause_examples) {
            extend_examples(x, y, limit);
        }
        for (x, y) in self.breakdowns.iter_mut().zip(b.breakdowns) {
            for (k, i) in y.index {
                let c = &y.cells[i];
                let ai = x.index(&k);
                let a = &mut x.cells[ai];
                a.views += c.views;
                a.personalized += c.personalized;
                add(&mut a.fallbacks, &c.fallbacks);
            }
        }
        self.traces.extend(b.traces);
    }
}

// ---------------------------------------------------------------- entry point

/// Simulates `plan` over every shopper of the stream. Progress is reported
/// after every batch; raising `cancel` stops the run within one chunk per
/// thread and returns [`SimError::Cancelled`] (no partial report).
pub fn simulate(
    plan: &Plan,
    shoppers: ShopperStream<'_>,
    opts: &SimOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<SimReport, SimError> {
    let started = Instant::now();
    let (setup, schema) = Setup::new(plan, opts)?;
    let acc = run_chunks(
        shoppers,
        &schema,
        opts.threads,
        progress,
        cancel,
        || setup.new_acc(),
        |shoppers| setup.segment_matches(shoppers),
        |acc, i, s, matches, k| setup.shopper(acc, i, s, matches, k),
        |a, b| a.merge(b, opts.drilldown_limit),
    )?;
    Ok(setup.finish(acc, started.elapsed().as_millis() as u64))
}

#[cfg(test)]
mod tests;
