//! The workspace spec file (DESIGN §11): everything a user authors, as one
//! reviewable YAML document. Field names are part of the contract.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::attribute::Attribute;

/// The parts of the spec that exist so far: attributes and segments.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    #[serde(default)]
    pub segments: Vec<SegmentSpec>,
}

/// A segment with its condition in text form (`when`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentSpec {
    pub name: String,
    #[serde(default)]
    pub when: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
