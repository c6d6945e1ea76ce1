//! Shared fixtures for this crate's tests.

use jiff::Timestamp;
use tailor_engine::plan::Plan;
use tailor_engine::{Shopper, shopper_from_json};
use tailor_model::spec::{Snapshot, Spec};
use tailor_model::Segment;

pub const AT: &str = "2026-11-25T10:00:00Z";

pub fn at() -> Timestamp {
    AT.parse().unwrap()
}

pub fn snapshot() -> Snapshot {
    let spec: Spec = serde_norway::from_str(include_str!("testdata/workspace.yaml")).unwrap();
    snapshot_of(spec)
}

pub fn snapshot_of(spec: Spec) -> Snapshot {
    Snapshot {
        attributes: spec.attributes,
        segments: spec
            .segments
            .iter()
            .map(|s| {
                // Through serde, so fields added to `Segment` later default.
                let condition = tailor_model::condition::parse(&s.when).unwrap();
                serde_json::from_value::<Segment>(serde_json::json!({
                    "name": s.name, "condition": condition, "owner": s.owner,
                    "description": s.description, "review_by": s.review_by,
                }))
                .unwrap()
            })
            .collect(),
        stages: spec.stages,
        page_types: spec.page_types,
        content: spec.content,
        campaigns: spec.campaigns,
        plan: spec.plan,
        constraints: spec.constraints.unwrap_or_default(),
        catalog: spec.catalog,
    }
}

pub fn plan(s: &Snapshot) -> Plan {
    Plan::compile(s).unwrap()
}

/// `n` generated shoppers typed for `plan`, some with a sensitive attribute.
pub fn shoppers(plan: &Plan, n: u64) -> Vec<Shopper> {
    let spec = crate::generator::default_spec();
    crate::generator::generate(&spec, n, 42)
        .enumerate()
        .map(|(i, mut m)| {
            if i % 7 == 0 {
                m.insert("skin_concern".into(), "sensitive".into());
            }
            let id = m["id"].as_str().unwrap().to_owned();
            shopper_from_json(&id, &m, plan.schema()).unwrap()
        })
        .collect()
}
