//! Plans: a workspace snapshot compiled for fast, explainable decisions
//! (DESIGN §5), and the decision itself.
//!
//! [`Plan::compile`] validates every cross-reference once and turns names into
//! indices, conditions into slot form, schedules into UTC instants and the
//! catalog into indexes; [`decide`] then assembles a whole page for one
//! shopper without lookups by name. The exact rules are in
//! `docs/decision-semantics.md`.

mod body;
mod compile;
mod decide;
mod decision;
mod error;
mod products;
mod render;
mod request;
mod trace;

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use tailor_model::Schema;
use tailor_model::condition::Condition;
use tailor_model::plan::{Content, EntryStatus, PlacementKind, Product, ProductStrategy};

use crate::condition::CompiledCondition;

pub use body::{
    BodyDecision, BodyError, CONTEXT_KEYS, ContextError, ShopperTextError, decide_body, decide_context_body, shopper_from_json_text,
    shopper_from_json_text_with_id,
};
pub use decide::{BlockOutcome, PageOutcome, Shortfall, decide, decide_into, decide_json, decide_json_now};
pub use decision::{Block, Decision, FallbackReason};
pub use error::{DecideError, PlanError};
pub use request::{Context, DecisionRequest, PageRef, PageRequest};
pub use trace::{
    CandidateTrace, FilterCounts, HoldoutTrace, Outcome, PlacementTrace, ProductTrace, Trace, VariantTrace,
    WinnerTrace,
};

pub(crate) fn next_plan_uid() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A compiled workspace: immutable, `Send + Sync`; share it behind an `Arc`.
#[derive(Debug)]
pub struct Plan {
    /// Digest of the bundle this plan came from (set by the bundle crate);
    /// echoed in every decision.
    pub digest: Option<String>,
    /// Bundle version, echoed in every decision.
    pub version: Option<u64>,
    /// Unique per compiled plan in this process: what [`PageOutcome`]'s
    /// per-instant cache is keyed by.
    pub(crate) uid: u64,
    pub(crate) schema: Schema,
    /// Slot of the boolean `consent` attribute (added to the schema when the
    /// workspace does not declare it).
    pub(crate) consent_slot: usize,
    pub(crate) consent_by_default: bool,
    pub(crate) stages: Vec<String>,
    pub(crate) segments: Vec<SegmentC>,
    pub(crate) pages: Vec<PageC>,
    pub(crate) page_index: HashMap<String, u32>,
    pub(crate) placements: Vec<PlacementC>,
    pub(crate) contents: Vec<ContentC>,
    pub(crate) content_index: HashMap<String, u32>,
    pub(crate) campaigns: Vec<CampaignC>,
    pub(crate) entries: Vec<EntryC>,
    pub(crate) catalog: Catalog,
    pub(crate) constraints: ConstraintsC,
}

/// A page type as a renderer sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct PageInfo<'a> {
    pub name: &'a str,
    pub stage: &'a str,
    pub max_blocks: u32,
    pub placements: Vec<PlacementInfo<'a>>,
}

/// A placement as a renderer sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacementInfo<'a> {
    /// `page.placement`, e.g. `home.hero`.
    pub id: &'a str,
    pub name: &'a str,
    pub kind: PlacementKind,
    /// Id of the default content.
    pub default: Option<&'a str>,
}

impl Plan {
    /// The attribute schema shoppers must be converted with
    /// ([`crate::shopper_from_json`]); includes `consent`.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// A content library item by id.
    pub fn content(&self, id: &str) -> Option<&Content> {
        self.content_index.get(id).map(|&i| &self.contents[i as usize].content)
    }

    /// The content library, in workspace order.
    pub fn contents(&self) -> impl Iterator<Item = &Content> {
        self.contents.iter().map(|c| &c.content)
    }

    /// A catalog product by id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.catalog.index.get(id).map(|&i| &self.catalog.products[i as usize])
    }

    /// Position of a page type, for [`PageRef::Index`].
    pub fn page_index(&self, name: &str) -> Option<usize> {
        self.page_index.get(name).map(|&i| i as usize)
    }

    /// Page types in workspace order, with their placements in page order.
    pub fn page_types(&self) -> impl Iterator<Item = PageInfo<'_>> {
        self.pages.iter().map(|page| PageInfo {
            name: &page.name,
            stage: &self.stages[page.stage as usize],
            max_blocks: page.max_blocks,
            placements: page
                .placements
                .iter()
                .map(|&p| {
                    let p = &self.placements[p as usize];
                    PlacementInfo {
                        id: &p.id,
                        name: &p.name,
                        kind: p.kind,
                        default: p.default.map(|c| self.contents[c as usize].content.id.as_str()),
                    }
                })
                .collect(),
        })
    }

    /// Journey stage names.
    pub fn stages(&self) -> impl Iterator<Item = &str> {
        self.stages.iter().map(String::as_str)
    }

    /// The compiled conditions of the plan's segments, in the order
    /// [`decide_into`]'s known segment matches use, with their names.
    pub fn segment_conditions(&self) -> impl ExactSizeIterator<Item = (&str, &Condition, &CompiledCondition)> {
        self.segments.iter().map(|s| (s.name.as_str(), &s.condition, &s.compiled))
    }

    /// The content at position `content` ([`BlockOutcome::content`]).
    pub fn content_at(&self, content: u32) -> &Content {
        &self.contents[content as usize].content
    }

    /// The catalog product at position `product` ([`PageOutcome::products`]).
    pub fn product_at(&self, product: u32) -> &Product {
        &self.catalog.products[product as usize]
    }

    /// Number of plan entries ([`BlockOutcome::entry`] is below it).
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// The id of the entry at position `entry` ([`BlockOutcome::entry`]).
    pub fn entry_id(&self, entry: u32) -> &str {
        &self.entries[entry as usize].id
    }

    /// The segment name of the entry at position `entry`.
    pub fn entry_segment(&self, entry: u32) -> &str {
        &self.segments[self.entries[entry as usize].segment as usize].name
    }
}

#[derive(Debug)]
pub(crate) struct SegmentC {
    pub name: String,
    /// The AST, to print the failing leaf in explanations.
    pub condition: Condition,
    pub compiled: CompiledCondition,
    /// `requires_consent` attributes the condition reads.
    pub consent_attrs: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct PageC {
    pub name: String,
    pub stage: u32,
    pub max_blocks: u32,
    pub placements: Vec<u32>,
}

#[derive(Debug)]
pub(crate) struct PlacementC {
    pub id: String,
    pub name: String,
    pub kind: PlacementKind,
    pub default: Option<u32>,
    /// Every entry targeting the placement, in rank order.
    pub entries: Vec<u32>,
}

#[derive(Debug)]
pub(crate) struct ContentC {
    pub content: Content,
    pub products: Option<ProductSetC>,
}

/// A product set with its names resolved.
#[derive(Debug)]
pub(crate) struct ProductSetC {
    pub strategy: ProductStrategy,
    pub size: usize,
    pub min_size: usize,
    pub category: Option<String>,
    pub match_on: Vec<String>,
    /// `a -> b` rules.
    pub compatible: Vec<(String, String)>,
    /// Slot of the string_list the strategy reads (None: the shopper has none).
    pub source_slot: Option<usize>,
    /// Slot of `purchased_items` when `exclude_purchased`.
    pub purchased_slot: Option<usize>,
}

impl ProductSetC {
    /// Whether the set reads one of the shopper's lists (recently viewed,
    /// saved, purchased): the only way a shopper's data reaches product sets.
    pub fn reads_lists(&self) -> bool {
        self.source_slot.is_some() || self.purchased_slot.is_some()
    }
}

/// A half-open window of instants: `start <= at < end`; either end open.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Window {
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
}

impl Window {
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start.is_none_or(|s| s <= at) && self.end.is_none_or(|e| at < e)
    }
}

#[derive(Debug)]
pub(crate) struct CampaignC {
    pub name: String,
    pub rank: u32,
    pub window: Window,
    pub start: Option<jiff::civil::Date>,
    pub end: Option<jiff::civil::Date>,
    pub tz: TimeZone,
    pub tz_name: String,
}

#[derive(Debug)]
pub(crate) struct ScheduleC {
    pub window: Window,
    pub start: Option<DateTime>,
    pub end: Option<DateTime>,
    pub tz: TimeZone,
    pub tz_name: String,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct VariantC {
    pub content: u32,
    pub weight: f64,
    /// Cumulative weight up to and including this variant.
    pub upper: f64,
}

#[derive(Debug)]
pub(crate) struct EntryC {
    pub id: String,
    pub segment: u32,
    pub stage: u32,
    pub placement: u32,
    pub status: EntryStatus,
    pub variants: Vec<VariantC>,
    /// An A/B/n entry (`variants:`), even with one variant.
    pub ab: bool,
    pub priority: i64,
    /// Holdout as a fraction, 0–1.
    pub holdout: f64,
    pub campaign: Option<u32>,
    pub schedule: Option<ScheduleC>,
    /// Position in the global rank order (campaign rank, priority, id).
    pub rank_pos: u32,
    /// The bucketing hash state after the entry id (see [`crate::bucket`]).
    pub seed: u32,
}

#[derive(Debug)]
pub(crate) struct SeasonalC {
    pub tag: String,
    /// (month, day), inclusive; `start > end` wraps over the new year.
    pub start: (i8, i8),
    pub end: (i8, i8),
    pub tz: TimeZone,
}

impl SeasonalC {
    pub fn contains(&self, month_day: (i8, i8)) -> bool {
        if self.start <= self.end {
            self.start <= month_day && month_day <= self.end
        } else {
            month_day >= self.start || month_day <= self.end
        }
    }
}

#[derive(Debug)]
pub(crate) struct ConstraintsC {
    pub margin_floor: Option<f64>,
    pub min_stock: Option<i64>,
    pub max_price_jump: Option<f64>,
    pub no_duplicate_products: bool,
    pub seasonal: Vec<SeasonalC>,
}

/// The catalog's maps: keyed by workspace ids, looked up on every decision
/// (foldhash, seeded per process, is several times faster than SipHash on
/// short keys).
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The catalog with the indexes product sets need.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    pub products: Vec<Product>,
    pub index: FastMap<String, u32>,
    /// Effective margin per product.
    pub margin: Vec<Option<f64>>,
    /// Position of each product in the best-seller order (rank asc, stock
    /// desc, id asc).
    pub order: Vec<u32>,
    /// Products per category, in best-seller order.
    pub by_category: FastMap<String, Vec<u32>>,
    /// Products per category, cheapest first (ties by id), for upsell.
    pub by_category_price: FastMap<String, Vec<u32>>,
    /// key ("collection" or an attribute name) -> value -> products, in best-seller order.
    pub by_value: FastMap<String, FastMap<String, Vec<u32>>>,
    /// tag -> products, in best-seller order.
    pub by_tag: FastMap<String, Vec<u32>>,
    /// Category name -> id, and each product's category id
    /// (`products::NO_CATEGORY` without one), so filters compare numbers.
    pub category_index: FastMap<String, u32>,
    pub category: Vec<u32>,
    /// Per product: how many of the stock and margin filters it passes
    /// (0, 1 or 2), under the plan's constraints.
    pub stock_margin: Vec<u8>,
    /// Per product: its price (kept apart from the products for the filters' loop).
    pub price: Vec<Option<f64>>,
    /// Per product: tagged `premium` or `bundle` (an upsell upgrade).
    pub upgrade_tagged: Vec<bool>,
    /// Per product: its `size` attribute as a comparable number, if any.
    pub size: Vec<Option<f64>>,
    /// Bit i set: the product carries seasonal window i's tag.
    pub seasonal_mask: Vec<u64>,
}

#[cfg(test)]
mod tests;
