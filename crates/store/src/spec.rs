//! `tailor apply` / `tailor export`: the spec file against the workspace.

use serde::Serialize;
use tailor_model::condition;
use tailor_model::spec::{SegmentSpec, Spec};
use tailor_model::{Schema, Segment, SegmentName};

use crate::entities::{put_attribute, validate_segment};
use crate::error::{Result, StoreError};
use crate::log::Expect;
use crate::types::EntityKind;
use crate::workspace::Workspace;

/// What `apply` changed, by entity.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct ApplyReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub deleted: Vec<String>,
    pub unchanged: usize,
}

impl Workspace {
    /// Applies a spec in one transaction: creates and updates what differs;
    /// with `prune`, deletes what the spec does not mention. Applying the
    /// same spec twice changes nothing.
    pub fn apply_spec(&mut self, spec: &Spec, prune: bool) -> Result<ApplyReport> {
        let existing_attrs = self.attributes()?;
        // Segments are checked against the attributes as they will be after
        // the apply: the spec's, plus (without prune) the ones already there.
        let mut attrs = spec.attributes.clone();
        if !prune {
            for r in &existing_attrs {
                if !attrs.iter().any(|a| a.name == r.attribute.name) {
                    attrs.push(r.attribute.clone());
                }
            }
        }
        let schema = Schema::new(attrs);
        let segments = spec
            .segments
            .iter()
            .map(|s| segment_from_spec(s, &schema))
            .collect::<Result<Vec<_>>>()?;
        if let Some(dup) = first_duplicate(spec.attributes.iter().map(|a| a.name.as_str())) {
            return Err(StoreError::AlreadyExists { kind: EntityKind::Attribute, key: dup });
        }
        if let Some(dup) = first_duplicate(segments.iter().map(|s| s.name.as_str())) {
            return Err(StoreError::AlreadyExists { kind: EntityKind::Segment, key: dup });
        }
        let existing_segments = self.segments()?;
        let mut report = ApplyReport::default();
        self.transact("Apply spec", |tx| {
            for a in &spec.attributes {
                let key = format!("attribute {}", a.name);
                match existing_attrs.iter().find(|r| r.attribute.name == a.name) {
                    Some(r) if &r.attribute == a => report.unchanged += 1,
                    Some(_) => {
                        put_attribute(tx, a)?;
                        report.updated.push(key);
                    }
                    None => {
                        put_attribute(tx, a)?;
                        report.created.push(key);
                    }
                }
            }
            for s in &segments {
                let key = format!("segment {}", s.name);
                match existing_segments.iter().find(|r| r.segment.name == s.name) {
                    Some(r) if &r.segment == s => report.unchanged += 1,
                    found => {
                        tx.put_json(EntityKind::Segment, s.name.as_str(), Expect::Any, s)?;
                        if found.is_some() {
                            report.updated.push(key);
                        } else {
                            report.created.push(key);
                        }
                    }
                }
            }
            if prune {
                for r in &existing_segments {
                    if !segments.iter().any(|s| s.name == r.segment.name) {
                        tx.put(EntityKind::Segment, r.segment.name.as_str(), Expect::Any, None)?;
                        report.deleted.push(format!("segment {}", r.segment.name));
                    }
                }
                for r in &existing_attrs {
                    if !spec.attributes.iter().any(|a| a.name == r.attribute.name) {
                        tx.put(EntityKind::Attribute, r.attribute.name.as_str(), Expect::Any, None)?;
                        report.deleted.push(format!("attribute {}", r.attribute.name));
                    }
                }
            }
            Ok(())
        })?;
        Ok(report)
    }

    /// The workspace as a spec; `export` then `apply` is a fixed point.
    pub fn export_spec(&self) -> Result<Spec> {
        Ok(Spec {
            attributes: self.attributes()?.into_iter().map(|r| r.attribute).collect(),
            segments: self
                .segments()?
                .into_iter()
                .map(|r| SegmentSpec {
                    name: r.segment.name.0,
                    when: r.condition_text,
                    owner: r.segment.owner,
                    review_by: r.segment.review_by,
                    description: r.segment.description,
                })
                .collect(),
        })
    }
}

fn first_duplicate<'a>(names: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    names.into_iter().find(|n| !seen.insert(*n)).map(str::to_owned)
}

/// A spec segment with its `when` parsed and checked; errors name the
/// segment and the position in `when`.
pub fn segment_from_spec(s: &SegmentSpec, schema: &Schema) -> Result<Segment> {
    let condition = condition::parse_checked(&s.when, schema).map_err(|error| StoreError::Condition {
        kind: EntityKind::Segment,
        key: s.name.clone(),
        error,
    })?;
    let segment = Segment {
        name: SegmentName(s.name.clone()),
        condition,
        owner: s.owner.clone(),
        description: s.description.clone(),
        review_by: s.review_by,
    };
    validate_segment(&segment, schema)?;
    Ok(segment)
}
