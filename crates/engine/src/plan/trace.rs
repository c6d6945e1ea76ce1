//! Why and why not (DESIGN §1.3): every candidate with its first failing
//! reason, and what happened to the winner.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};
use tailor_model::plan::{EntryStatus, ProductStrategy};
use ts_rs::TS;

/// The explanation of one decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Trace {
    pub shopper: String,
    #[ts(type = "string")]
    pub at: Timestamp,
    /// Journey stage used (the request's, else the page type's).
    pub stage: String,
    /// Whether the shopper has personalization consent.
    pub consent: bool,
    /// Things worth knowing that are not errors (e.g. an unknown product in
    /// the context, treated as absent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub placements: Vec<PlacementTrace>,
}

/// One placement: every entry targeting it, and what the winner became.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlacementTrace {
    pub placement: String,
    /// In rank order.
    pub candidates: Vec<CandidateTrace>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub winner: Option<WinnerTrace>,
    /// Product sets resolved for this placement: the winner's, then the
    /// default's when it fell back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<ProductTrace>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CandidateTrace {
    pub entry: String,
    pub segment: String,
    pub outcome: Outcome,
}

/// The first check an entry failed, in check order, or `won`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    NotActive {
        status: EntryStatus,
    },
    WrongStage {
        entry_stage: String,
        stage: String,
    },
    CampaignClosed {
        campaign: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional, type = "string")]
        start: Option<Date>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional, type = "string")]
        end: Option<Date>,
        tz: String,
        /// `at` on the campaign's wall clock.
        #[ts(type = "string")]
        local: DateTime,
    },
    ScheduleClosed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional, type = "string")]
        start: Option<DateTime>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional, type = "string")]
        end: Option<DateTime>,
        tz: String,
        /// `at` on the schedule's wall clock.
        #[ts(type = "string")]
        local: DateTime,
    },
    NoConsent {
        /// Consent-gated attributes the segment reads.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attributes: Vec<String>,
    },
    SegmentMismatch {
        /// Child indices from the condition's root to the failing node.
        path: Vec<usize>,
        /// The failing node in the condition syntax.
        condition: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        attribute: Option<String>,
        /// The shopper's value (`null` when missing).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        actual: Option<String>,
    },
    LostOnRank {
        winner: String,
    },
    Won,
}

/// What happened to the winning entry after it won its placement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WinnerTrace {
    pub entry: String,
    /// Position in the page's rank order among this page's winners (0 = first).
    pub page_rank: u32,
    pub dropped_by_page_cap: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub holdout: Option<HoldoutTrace>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variant: Option<VariantTrace>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HoldoutTrace {
    pub bucket: f64,
    /// h/100: buckets below it are control.
    pub threshold: f64,
    pub control: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VariantTrace {
    pub index: u32,
    pub content: String,
    /// The bucket rescaled to the non-holdout range, in [0, 1).
    pub position: f64,
}

/// One product set resolution with the count left after each filter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductTrace {
    pub content: String,
    pub strategy: ProductStrategy,
    pub counts: FilterCounts,
    pub size: u32,
    pub min_size: u32,
    pub chosen: Vec<String>,
}

/// Products left after each filter, in filter order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FilterCounts {
    pub candidates: u32,
    pub in_stock: u32,
    pub margin: u32,
    pub price_jump: u32,
    pub seasonal: u32,
    pub not_purchased: u32,
    pub not_on_page: u32,
}
