use serde_json::json;

use super::*;

fn side(items: &[(&str, Value)]) -> Vec<(String, Value)> {
    items.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn keys(m: &SectionMerge) -> Vec<&str> {
    m.result.iter().map(|(k, _)| k.as_str()).collect()
}

fn refs(r: &[EntityRef]) -> Vec<&str> {
    r.iter().map(|e| e.key.as_str()).collect()
}

#[test]
fn adds_on_both_sides_and_deletes_on_one_merge_by_themselves() {
    let base = side(&[("a", json!({"id": "a"})), ("b", json!({"id": "b"}))]);
    let theirs = side(&[("a", json!({"id": "a"})), ("b", json!({"id": "b"})), ("t", json!({"id": "t"}))]);
    let mine = side(&[("b", json!({"id": "b"})), ("m", json!({"id": "m"}))]);
    let m = merge_section("plan", &base, &theirs, &mine);
    assert_eq!(keys(&m), ["b", "m", "t"]);
    assert!(m.summary.conflicts.is_empty());
    assert_eq!(refs(&m.summary.incoming), ["t"]);
    assert_eq!(refs(&m.summary.merged), ["t"]);
    assert_eq!(m.writes, [Write { section: "plan".into(), key: "t".into(), after: Some(json!({"id": "t"})) }]);
}

#[test]
fn edits_to_different_fields_of_one_entity_merge_field_by_field() {
    let base = side(&[("e", json!({"id": "e", "priority": 1, "weight": 1}))]);
    let theirs = side(&[("e", json!({"id": "e", "priority": 5, "weight": 1}))]);
    let mine = side(&[("e", json!({"id": "e", "priority": 1, "weight": 3, "note": "x"}))]);
    let m = merge_section("plan", &base, &theirs, &mine);
    assert_eq!(m.result, side(&[("e", json!({"id": "e", "priority": 5, "weight": 3, "note": "x"}))]));
    assert!(m.summary.conflicts.is_empty());
    assert_eq!(refs(&m.summary.merged), ["e"]);
    assert_eq!(m.writes.len(), 1);
}

#[test]
fn the_same_field_changed_to_different_values_is_a_conflict_that_keeps_mine() {
    let base = side(&[("e", json!({"id": "e", "priority": 1, "weight": 1}))]);
    let theirs = side(&[("e", json!({"id": "e", "priority": 5, "weight": 2}))]);
    let mine = side(&[("e", json!({"id": "e", "priority": 9, "weight": 1}))]);
    let m = merge_section("plan", &base, &theirs, &mine);
    // The other field still merges; the clashing one keeps mine.
    assert_eq!(m.result, side(&[("e", json!({"id": "e", "priority": 9, "weight": 2}))]));
    let c = &m.summary.conflicts[..];
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].id(), "plan/e#priority");
    assert_eq!((c[0].base.clone(), c[0].theirs.clone(), c[0].mine.clone()), (Some(json!(1)), Some(json!(5)), Some(json!(9))));
    assert!(m.summary.merged.is_empty(), "an entity with a conflict did not merge by itself");
    assert_eq!(c[0].to_string(), "plan entry \"e\", field priority: base 1, theirs 5, mine 9");
}

#[test]
fn an_edit_against_a_delete_is_a_conflict_either_way_round() {
    let base = side(&[("s", json!({"name": "s", "when": "a"}))]);
    let edited = side(&[("s", json!({"name": "s", "when": "b"}))]);
    let m = merge_section("segments", &base, &[], &edited);
    assert_eq!(m.result, edited, "mine (the edit) is kept");
    assert_eq!(m.summary.conflicts.len(), 1);
    assert_eq!(m.summary.conflicts[0].id(), "segments/s");
    assert!(m.summary.conflicts[0].to_string().contains("deleted there, edited here"));
    assert!(m.writes.is_empty());

    let m = merge_section("segments", &base, &edited, &[]);
    assert!(m.result.is_empty(), "mine (the delete) is kept");
    assert_eq!(m.summary.conflicts[0].theirs, Some(json!({"name": "s", "when": "b"})));
    assert!(m.summary.conflicts[0].to_string().contains("edited there, deleted here"));
}

#[test]
fn an_entity_added_on_both_sides_merges_per_field_against_nothing() {
    let theirs = side(&[("n", json!({"name": "n", "rank": 1, "tz": "UTC"}))]);
    let mine = side(&[("n", json!({"name": "n", "rank": 2, "tz": "UTC"}))]);
    let m = merge_section("campaigns", &[], &theirs, &mine);
    assert_eq!(m.summary.conflicts.len(), 1);
    assert_eq!(m.summary.conflicts[0].id(), "campaigns/n#rank");
    assert_eq!(m.summary.conflicts[0].base, None);
}

#[test]
fn a_reorder_on_one_side_is_kept_and_the_other_sides_adds_follow_their_neighbour() {
    let base = side(&[("a", json!(1)), ("b", json!(2)), ("c", json!(3))]);
    let theirs = side(&[("c", json!(3)), ("a", json!(1)), ("b", json!(2))]);
    let mine = side(&[("a", json!(1)), ("x", json!(0)), ("b", json!(2)), ("c", json!(3))]);
    assert_eq!(keys(&merge_section("stages", &base, &theirs, &mine)), ["c", "a", "x", "b"]);
    assert_eq!(keys(&merge_section("stages", &base, &mine, &theirs)), ["c", "a", "x", "b"]);
}

#[test]
fn with_field_sets_and_removes() {
    let e = json!({"id": "e", "priority": 1});
    assert_eq!(with_field(&e, "priority", Some(&json!(4))), json!({"id": "e", "priority": 4}));
    assert_eq!(with_field(&e, "priority", None), json!({"id": "e"}));
    assert_eq!(with_field(&json!(3), "priority", None), json!(3));
}

#[test]
fn snapshots_merge_section_by_section_with_the_constraints_as_one_entity() {
    let spec = |yaml: &str| -> Snapshot {
        let spec: tailor_model::spec::Spec = serde_yaml_ng_free(yaml);
        spec.into_snapshot().unwrap()
    };
    let base = spec(r#"{"stages": [{"name": "browse"}], "constraints": {"margin_floor": 0.1}}"#);
    let theirs = spec(r#"{"stages": [{"name": "browse"}, {"name": "buy"}], "constraints": {"margin_floor": 0.2}}"#);
    let mine = spec(r#"{"stages": [{"name": "browse", "description": "d"}], "constraints": {"margin_floor": 0.1, "min_stock": 3}}"#);
    let m = merge(&base, &theirs, &mine).unwrap();
    assert!(m.summary.conflicts.is_empty(), "{:?}", m.summary.conflicts);
    assert_eq!(m.result.stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["browse", "buy"]);
    assert_eq!(m.result.stages[0].description.as_deref(), Some("d"));
    assert_eq!((m.result.constraints.margin_floor, m.result.constraints.min_stock), (Some(0.2), Some(3)));
    let written: Vec<String> = m.writes.iter().map(|w| format!("{}/{}", w.section, w.key)).collect();
    assert_eq!(written, ["stages/buy", "constraints/constraints"]);
}

/// The spec from JSON (a YAML subset), without a YAML dependency here.
fn serde_yaml_ng_free(json: &str) -> tailor_model::spec::Spec {
    serde_json::from_str(json).unwrap()
}

#[test]
fn duplicate_keys_are_refused() {
    let snap = serde_json::json!({"stages": [{"name": "a"}, {"name": "a"}]});
    assert!(matches!(keyed(&snap, "stages", "name"), Err(MergeError::DuplicateKey { .. })));
}
