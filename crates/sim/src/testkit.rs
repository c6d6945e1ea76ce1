//! Shared fixtures for this crate's tests.

use jiff::Timestamp;
use tailor_engine::plan::Plan;
use tailor_engine::{Shopper, shopper_from_json};
use tailor_model::spec::{Snapshot, Spec};

pub const AT: &str = "2026-11-25T10:00:00Z";

pub fn at() -> Timestamp {
    AT.parse().unwrap()
}

pub fn snapshot() -> Snapshot {
    let spec: Spec = serde_norway::from_str(include_str!("testdata/workspace.yaml")).unwrap();
    snapshot_of(spec)
}

pub fn snapshot_of(spec: Spec) -> Snapshot {
    spec.into_snapshot().expect("spec conditions parse")
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
