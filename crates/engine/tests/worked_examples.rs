//! Runs the worked examples of docs/decision-semantics.md: each example's
//! ```yaml spec block is compiled, its ```json request decided, and the
//! result compared with its ```json decision block.

use jiff::Timestamp;
use tailor_engine::plan::{DecisionRequest, Plan, decide_json};
use tailor_model::spec::{Snapshot, Spec};

const DOC: &str = include_str!("../../../docs/decision-semantics.md");

/// The fenced blocks with the given info string, in document order.
fn blocks(info: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in DOC.lines() {
        match &mut current {
            None if line.trim() == format!("```{info}") => current = Some(String::new()),
            Some(text) if line.trim() == "```" => {
                out.push(std::mem::take(text));
                current = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    out
}

fn snapshot(yaml: &str) -> Snapshot {
    let spec: Spec = serde_norway::from_str(yaml).expect("spec YAML");
    spec.into_snapshot().expect("spec conditions parse")
}

#[test]
fn worked_examples_in_the_semantics_doc_hold() {
    let specs = blocks("yaml spec");
    let requests = blocks("json request");
    let decisions = blocks("json decision");
    assert!(specs.len() >= 4, "at least four worked examples");
    assert_eq!((specs.len(), requests.len()), (decisions.len(), decisions.len()), "spec, request, decision per example");
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    for (i, ((spec, request), expected)) in specs.iter().zip(&requests).zip(&decisions).enumerate() {
        let plan = Plan::compile(&snapshot(spec)).unwrap_or_else(|e| panic!("example {}: {e:?}", i + 1));
        let request: DecisionRequest = serde_json::from_str(request).expect("request JSON");
        let decision = decide_json(&plan, &request, now).unwrap();
        let actual = serde_json::to_value(&decision).unwrap();
        let expected: serde_json::Value = serde_json::from_str(expected).expect("decision JSON");
        assert_eq!(actual, expected, "example {}:\n{}", i + 1, serde_json::to_string_pretty(&actual).unwrap());
    }
}
