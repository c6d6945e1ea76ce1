//! `tailor apply` / `tailor export`: the spec file against the workspace.

use serde::Serialize;
use tailor_model::condition;
use tailor_model::plan::Constraints;
use tailor_model::spec::{SegmentSpec, Spec};
use tailor_model::{Schema, Segment, SegmentName};

use crate::entities::{validate_attribute, validate_segment};
use crate::error::{Result, StoreError};
use crate::log::{Expect, Tx};
use crate::plan::{Entity, check_snapshot};
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
    /// with `prune`, deletes what the spec does not mention. The result must
    /// compile into a plan, else nothing is written. Applying the same spec
    /// twice changes nothing.
    pub fn apply_spec(&mut self, spec: &Spec, prune: bool) -> Result<ApplyReport> {
        for a in &spec.attributes {
            validate_attribute(a)?;
        }
        // Segments are checked against the attributes as they will be after
        // the apply: the spec's, plus (without prune) the ones already there.
        let mut attrs = spec.attributes.clone();
        if !prune {
            for a in self.items::<tailor_model::Attribute>()? {
                if !attrs.iter().any(|x| x.name == a.name) {
                    attrs.push(a);
                }
            }
        }
        let schema = Schema::new(attrs);
        let segments = spec
            .segments
            .iter()
            .map(|s| segment_from_spec(s, &schema))
            .collect::<Result<Vec<_>>>()?;
        let mut report = ApplyReport::default();
        let existing = Existing::load(self)?;
        self.transact("Apply spec", |tx| {
            sync(tx, &existing.attributes, &spec.attributes, prune, &mut report)?;
            sync(tx, &existing.segments, &segments, prune, &mut report)?;
            sync(tx, &existing.stages, &spec.stages, prune, &mut report)?;
            sync(tx, &existing.content, &spec.content, prune, &mut report)?;
            sync(tx, &existing.page_types, &spec.page_types, prune, &mut report)?;
            sync(tx, &existing.campaigns, &spec.campaigns, prune, &mut report)?;
            sync(tx, &existing.plan, &spec.plan, prune, &mut report)?;
            sync(tx, &existing.catalog, &spec.catalog, prune, &mut report)?;
            let constraints = match (&spec.constraints, prune) {
                (Some(c), _) => Some(c.clone()),
                (None, true) => Some(Constraints::default()),
                (None, false) => None,
            };
            if let Some(c) = constraints {
                if c == existing.constraints {
                    report.unchanged += 1;
                } else {
                    tx.put_setting("constraints", &serde_json::to_value(&c)?)?;
                    report.updated.push("constraints".into());
                }
            }
            check_snapshot(&tx.snapshot()?)
        })?;
        Ok(report)
    }

    /// The workspace as a spec; `export` then `apply` is a fixed point.
    pub fn export_spec(&self) -> Result<Spec> {
        let constraints = self.constraints()?;
        Ok(Spec {
            attributes: self.items()?,
            segments: self
                .items::<Segment>()?
                .into_iter()
                .map(|s| SegmentSpec {
                    when: condition::print(&s.condition),
                    name: s.name.0,
                    owner: s.owner,
                    review_by: s.review_by,
                    description: s.description,
                    doc: s.doc,
                })
                .collect(),
            stages: self.items()?,
            page_types: self.items()?,
            content: self.items()?,
            campaigns: self.items()?,
            plan: self.items()?,
            constraints: (!constraints.is_default()).then_some(constraints),
            catalog: self.items()?,
        })
    }
}

/// The workspace's entities before an apply.
struct Existing {
    attributes: Vec<tailor_model::Attribute>,
    segments: Vec<Segment>,
    stages: Vec<tailor_model::plan::Stage>,
    page_types: Vec<tailor_model::plan::PageType>,
    content: Vec<tailor_model::plan::Content>,
    campaigns: Vec<tailor_model::plan::Campaign>,
    plan: Vec<tailor_model::plan::PlanEntry>,
    catalog: Vec<tailor_model::plan::Product>,
    constraints: Constraints,
}

impl Existing {
    fn load(ws: &Workspace) -> Result<Self> {
        Ok(Self {
            attributes: ws.items()?,
            segments: ws.items()?,
            stages: ws.items()?,
            page_types: ws.items()?,
            content: ws.items()?,
            campaigns: ws.items()?,
            plan: ws.items()?,
            catalog: ws.items()?,
            constraints: ws.constraints()?,
        })
    }
}

/// Makes the stored entities of one kind match `desired`.
fn sync<T: Entity>(
    tx: &mut Tx<'_>,
    existing: &[T],
    desired: &[T],
    prune: bool,
    report: &mut ApplyReport,
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for item in desired {
        if !seen.insert(item.key()) {
            return Err(StoreError::AlreadyExists {
                kind: T::KIND,
                key: item.key().into(),
            });
        }
        let label = format!("{} {}", T::KIND, item.key());
        match existing.iter().find(|e| e.key() == item.key()) {
            Some(e) if e == item => report.unchanged += 1,
            found => {
                tx.put_json(T::KIND, item.key(), Expect::Any, item)?;
                if found.is_some() {
                    report.updated.push(label);
                } else {
                    report.created.push(label);
                }
            }
        }
    }
    if prune {
        for e in existing {
            if !seen.contains(e.key()) {
                tx.put(T::KIND, e.key(), Expect::Any, None)?;
                report.deleted.push(format!("{} {}", T::KIND, e.key()));
            }
        }
    }
    Ok(())
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
        doc: s.doc.clone(),
    };
    validate_segment(&segment, schema)?;
    Ok(segment)
}
