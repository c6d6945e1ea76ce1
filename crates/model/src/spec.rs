//! The workspace spec file (DESIGN §11): everything a user authors, as one
//! reviewable YAML document. Field names are part of the contract.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::attribute::Attribute;
use crate::plan::{Campaign, Constraints, Content, Doc, PageType, PlanEntry, Product, Stage};
use crate::segment::Segment;

/// Everything a user authors. Sections left out of a file are empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<SegmentSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<Stage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page_types: Vec<PageType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<Content>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<Campaign>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<PlanEntry>,
    /// Absent means "leave the workspace's constraints as they are".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalog: Vec<Product>,
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
    #[serde(default, skip_serializing_if = "Doc::is_empty")]
    pub doc: Doc,
}

/// A workspace's rules as the engine compiles them: the spec with conditions
/// parsed (the canonical AST) and stages filled in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub attributes: Vec<Attribute>,
    pub segments: Vec<Segment>,
    pub stages: Vec<Stage>,
    pub page_types: Vec<PageType>,
    pub content: Vec<Content>,
    pub campaigns: Vec<Campaign>,
    pub plan: Vec<PlanEntry>,
    pub constraints: Constraints,
    pub catalog: Vec<Product>,
}

impl Spec {
    /// The spec as the engine compiles it: every segment's `when` parsed
    /// (syntax only — `Plan::compile` type-checks), absent constraints at
    /// their defaults. The error names the segment.
    pub fn into_snapshot(self) -> Result<Snapshot, (String, crate::condition::ParseError)> {
        let segments = self
            .segments
            .into_iter()
            .map(|s| {
                let condition = crate::condition::parse(&s.when).map_err(|e| (s.name.clone(), e))?;
                Ok(Segment {
                    name: crate::segment::SegmentName(s.name),
                    condition,
                    owner: s.owner,
                    description: s.description,
                    review_by: s.review_by,
                    doc: s.doc,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Snapshot {
            attributes: self.attributes,
            segments,
            stages: self.stages,
            page_types: self.page_types,
            content: self.content,
            campaigns: self.campaigns,
            plan: self.plan,
            constraints: self.constraints.unwrap_or_default(),
            catalog: self.catalog,
        })
    }
}
