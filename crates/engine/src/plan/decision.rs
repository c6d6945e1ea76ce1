//! The engine's answer (DESIGN §7): one JSON shape everywhere.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::trace::Trace;

/// The blocks to show on one page for one shopper, and optionally why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Decision {
    pub bundle_digest: Option<String>,
    #[ts(type = "number | null")]
    pub version: Option<u64>,
    pub page: String,
    /// One block per placement, in page order.
    pub blocks: Vec<Block>,
    /// Present only when the request asked for an explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub trace: Option<Trace>,
}

/// What one placement shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Block {
    /// `page.placement`, e.g. `home.hero`.
    pub placement: String,
    /// Content id; null when the placement has no default and nothing won.
    pub content: Option<String>,
    /// The winning plan entry: set when personalized or held out (control).
    pub entry: Option<String>,
    /// The winning entry's segment (same rule as `entry`).
    pub segment: Option<String>,
    /// Index of the variant shown, for A/B/n entries only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variant: Option<u32>,
    pub personalized: bool,
    pub holdout: bool,
    /// Probability that this shopper is shown this content by this rule, for
    /// offline estimation.
    pub propensity: f64,
    pub products: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fallback_reason: Option<FallbackReason>,
}

/// Why a placement shows its default content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum FallbackReason {
    /// No entry for the placement matched.
    NoCandidate,
    /// The shopper has not consented to personalization.
    NoConsent,
    /// The winner's holdout kept this shopper on the default (control).
    Holdout,
    /// The page already had its maximum number of personalized blocks.
    DroppedByPageCap,
    /// The winner's product set had fewer than `min_size` products.
    TooFewProducts,
    /// The placement has no default content (content is null).
    NoDefault,
}

impl FallbackReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FallbackReason::NoCandidate => "no_candidate",
            FallbackReason::NoConsent => "no_consent",
            FallbackReason::Holdout => "holdout",
            FallbackReason::DroppedByPageCap => "dropped_by_page_cap",
            FallbackReason::TooFewProducts => "too_few_products",
            FallbackReason::NoDefault => "no_default",
        }
    }
}
