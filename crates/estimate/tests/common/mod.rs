//! Fixtures shared by the integration tests.
#![allow(dead_code)]

use tailor_engine::plan::Plan;
use tailor_model::Segment;
use tailor_model::spec::{Snapshot, Spec};

/// A spec YAML as the snapshot `tailor apply` would store.
pub fn snapshot(yaml: &str) -> Snapshot {
    let spec: Spec = serde_norway::from_str(yaml).expect("spec YAML");
    Snapshot {
        attributes: spec.attributes,
        segments: spec
            .segments
            .iter()
            .map(|s| {
                let condition = tailor_model::condition::parse(&s.when).unwrap();
                serde_json::from_value::<Segment>(serde_json::json!({"name": s.name, "condition": condition})).unwrap()
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
    Plan::compile(s).expect("compiles")
}
