//! The content plan and what it refers to (DESIGN §2, §11): journey stages,
//! page types with placements, the content library, plan entries, campaigns,
//! business constraints and the catalog.
//!
//! Field names are the spec file's; every type round-trips through serde.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::segment::SegmentName;

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_true(b: &bool) -> bool {
    *b
}
fn yes() -> bool {
    true
}
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}
fn is_zero_i(x: &i64) -> bool {
    *x == 0
}

/// The five default journey stages, in order.
pub const DEFAULT_STAGES: [&str; 5] = ["discovery", "evaluation", "cart", "checkout", "post_purchase"];

/// A journey stage (`discovery`, `evaluation`, …; editable).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Stage {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
}

/// What a placement shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PlacementKind {
    Banner,
    ProductSet,
    Message,
    Promotion,
    Sort,
    Badge,
    EmailFlow,
}

/// A slot on a page type. Its full id is `page.placement` (e.g. `home.hero`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Placement {
    pub name: String,
    pub kind: PlacementKind,
    /// Non-personalized content shown when no entry wins (or without consent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub default: Option<String>,
}

/// A page type with its ordered placements and its cap on personalized blocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PageType {
    pub name: String,
    pub stage: String,
    /// At most this many personalized blocks per page view.
    pub max_blocks: u32,
    pub placements: Vec<Placement>,
}

/// Governance notes kept with an item: the team's experiment log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Doc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub hypothesis: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub result: Option<String>,
}

impl Doc {
    pub fn is_empty(&self) -> bool {
        self == &Doc::default()
    }
}

/// A content library item. `kind` and the kind's own fields sit flat beside
/// the common ones, as in the spec file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Content {
    pub id: String,
    #[serde(flatten)]
    pub body: ContentBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub review_by: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Doc::is_empty")]
    pub doc: Doc,
}

/// The typed fields of each content kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ContentBody {
    Banner {
        headline: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        body: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        image_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        link: Option<String>,
    },
    Message {
        text: String,
    },
    Promotion {
        offer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        code: Option<String>,
        /// Percent off, 0–100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        discount: Option<f64>,
    },
    ProductSet(ProductSet),
    Sort {
        strategy: SortStrategy,
    },
    Badge {
        label: String,
        /// Products the badge applies to: those carrying this tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        tag: Option<String>,
    },
    EmailFlow {
        trigger: String,
        #[serde(default)]
        delay_hours: u32,
        template: String,
    },
}

impl ContentBody {
    pub fn kind(&self) -> PlacementKind {
        match self {
            ContentBody::Banner { .. } => PlacementKind::Banner,
            ContentBody::Message { .. } => PlacementKind::Message,
            ContentBody::Promotion { .. } => PlacementKind::Promotion,
            ContentBody::ProductSet(_) => PlacementKind::ProductSet,
            ContentBody::Sort { .. } => PlacementKind::Sort,
            ContentBody::Badge { .. } => PlacementKind::Badge,
            ContentBody::EmailFlow { .. } => PlacementKind::EmailFlow,
        }
    }
}

/// A product set: where candidates come from, how they are filtered, how
/// many to show (DESIGN §5 step 6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductSet {
    pub strategy: ProductStrategy,
    /// How many products to show; fewer than `min_size` after filters falls
    /// back to the placement's default.
    pub size: u32,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub min_size: u32,
    /// Only products of this category (top_in_category: the category; else a filter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub category: Option<String>,
    /// coordinated: product attributes that must equal the current product's
    /// (e.g. `collection`, `material`, `colour`); any one matching is enough.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_on: Vec<String>,
    /// compatible: tag rules `"tag_on_current -> tag_on_candidate"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compatible: Vec<String>,
    /// Shopper attribute (string_list of product ids, optionally `id@YYYY-MM-DD`)
    /// the strategy reads: recently viewed, saved or purchased items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub source: Option<String>,
    /// Leave out products the shopper already bought (`purchased` attribute).
    #[serde(default, skip_serializing_if = "is_false")]
    pub exclude_purchased: bool,
}

fn one() -> u32 {
    1
}
fn is_one(x: &u32) -> bool {
    *x == 1
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProductStrategy {
    /// Best sellers (catalog `rank`, then stock) in a category (the current
    /// product's when none is set).
    TopInCategory,
    /// The shopper's recently viewed products, newest first.
    RecentlyViewed,
    /// Products sharing collection / material / colour with the current product.
    Coordinated,
    /// Products whose tags the current product's tags call for.
    Compatible,
    /// Purchased products whose reorder interval has elapsed.
    Replenishment,
    /// Saved products that are back in stock.
    RestockSaved,
    /// A bigger size, premium version or bundle of the current product,
    /// within the max price jump.
    Upsell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortStrategy {
    Bestsellers,
    PriceLowHigh,
    PriceHighLow,
    Newest,
    MarginHighLow,
    StockHighLow,
}

/// A plan entry's content: one item, or an A/B/n test of weighted variants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum EntryContent {
    Single { content: String },
    Variants { variants: Vec<Variant> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Variant {
    pub content: String,
    pub weight: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EntryStatus {
    Draft,
    #[default]
    Active,
    Paused,
}

impl EntryStatus {
    fn is_active(&self) -> bool {
        *self == EntryStatus::Active
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Goal {
    Conversion,
    AddToCart,
    Aov,
    RepeatPurchase,
    ClickThrough,
}

/// A window of local wall-clock time in an IANA time zone; either end open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Schedule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub start: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub end: Option<DateTime>,
    /// IANA time zone, e.g. `Europe/Paris`.
    pub tz: String,
}

/// One row of the content plan: segment × stage × placement → content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanEntry {
    pub id: String,
    pub segment: SegmentName,
    pub stage: String,
    /// `page.placement`, e.g. `home.hero`.
    pub placement: String,
    #[serde(flatten)]
    pub content: EntryContent,
    /// A larger number wins within a campaign.
    #[serde(default, skip_serializing_if = "is_zero_i")]
    #[ts(type = "number")]
    pub priority: i64,
    /// Percent of matching shoppers kept on the default (control), 0–100.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub holdout: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub campaign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub schedule: Option<Schedule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub goal: Option<Goal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub review_by: Option<Date>,
    #[serde(default, skip_serializing_if = "EntryStatus::is_active")]
    pub status: EntryStatus,
    #[serde(default, skip_serializing_if = "Doc::is_empty")]
    pub doc: Doc,
}

impl PlanEntry {
    /// (content id, weight) of each variant; one variant of weight 1 for a single content.
    pub fn variants(&self) -> Vec<(&str, f64)> {
        match &self.content {
            EntryContent::Single { content } => vec![(content.as_str(), 1.0)],
            EntryContent::Variants { variants } => {
                variants.iter().map(|v| (v.content.as_str(), v.weight)).collect()
            }
        }
    }
}

/// A grouping of entries with a rank (1 = top) and an optional window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Campaign {
    pub name: String,
    pub rank: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub start: Option<Date>,
    /// Inclusive last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub end: Option<Date>,
    #[serde(default = "utc")]
    pub tz: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<String>,
}

fn utc() -> String {
    "UTC".into()
}

/// A seasonal window: products carrying `tag` are only shown between the
/// month-days `start` and `end` (inclusive; may wrap over the new year).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct SeasonalWindow {
    pub name: String,
    pub tag: String,
    /// `MM-DD`
    pub start: String,
    /// `MM-DD`
    pub end: String,
    #[serde(default = "utc")]
    pub tz: String,
}

/// Business rules applied at decision time (DESIGN §5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Constraints {
    /// Product sets never show products with a lower margin (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub margin_floor: Option<f64>,
    /// Product sets never show products with less stock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub min_stock: Option<i64>,
    /// Upsells at most this fraction above the anchor price (0.3 = +30%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_price_jump: Option<f64>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub no_duplicate_products: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seasonal: Vec<SeasonalWindow>,
    /// Whether a shopper with no `consent` value has consented.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub consent_by_default: bool,
}

impl Default for Constraints {
    fn default() -> Self {
        Self {
            margin_floor: None,
            min_stock: None,
            max_price_jump: None,
            no_duplicate_products: true,
            seasonal: Vec::new(),
            consent_by_default: true,
        }
    }
}

impl Constraints {
    pub fn is_default(&self) -> bool {
        self == &Constraints::default()
    }
}

/// A catalog product: the facts product sets are resolved against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Product {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cost: Option<f64>,
    /// Margin as a fraction of price; derived from cost when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub margin: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub stock: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub collection: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Free-form facts: size, colour, material, room, style, skin type…
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reorder_interval_days: Option<u32>,
    /// Best-seller rank (1 = best); used by top_in_category and sorts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rank: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub updated: Option<Date>,
}

impl Product {
    /// Margin as a fraction of price: given, or from cost.
    pub fn effective_margin(&self) -> Option<f64> {
        self.margin.or_else(|| match (self.price, self.cost) {
            (Some(p), Some(c)) if p > 0.0 => Some((p - c) / p),
            _ => None,
        })
    }
}
