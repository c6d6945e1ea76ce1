//! Segments: named conditions over attributes (DESIGN §2).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::condition::Condition;
use crate::plan::Doc;

/// A segment's unique name, e.g. `returning_buyers`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentName(pub String);

impl SegmentName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SegmentName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A segment as stored: the condition is kept in its canonical JSON AST form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Segment {
    pub name: SegmentName,
    pub condition: Condition,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub review_by: Option<Date>,
    /// The experiment log: purpose, hypothesis, notes, result.
    #[serde(default, skip_serializing_if = "Doc::is_empty")]
    pub doc: Doc,
}
