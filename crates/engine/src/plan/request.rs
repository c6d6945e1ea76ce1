//! What a caller asks for: one page for one shopper at one instant.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The JSON request of `/v1/decide` and `tailor explain` (DESIGN §7).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// A flat object with `"id"` and attribute values.
    pub shopper: serde_json::Map<String, serde_json::Value>,
    /// Page type name.
    pub page: String,
    /// When the page is shown; absent means "now" (see [`super::decide_json`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
    #[serde(default)]
    pub context: Context,
    #[serde(default)]
    pub explain: bool,
}

/// What the storefront knows about the visit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The product being viewed: anchor of coordinated, compatible and
    /// upsell sets and of the max price jump.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Product ids in the cart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cart: Vec<String>,
    /// Overrides the page type's journey stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_source: Option<String>,
}

/// A page type by name, or by its position ([`super::Plan::page_index`]) on hot paths.
#[derive(Clone, Debug, PartialEq)]
pub enum PageRef {
    Name(String),
    Index(usize),
}

/// The typed request [`super::decide`] takes: `at` is explicit so that a
/// decision is a pure function of its inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRequest {
    pub page: PageRef,
    pub at: Timestamp,
    pub context: Context,
    pub explain: bool,
}
