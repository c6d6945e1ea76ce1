//! `apply` of a spec covering every entity kind, then `export`, round-trips
//! exactly; invalid specs name entity and field and change nothing.

use std::path::Path;

use tailor_model::spec::Spec;
use tailor_store::Workspace;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)).unwrap()
}

fn new_ws() -> (tempfile::TempDir, Workspace) {
    let d = tempfile::tempdir().unwrap();
    let ws = Workspace::create(d.path().join("ws.tailor")).unwrap();
    (d, ws)
}

#[test]
fn full_spec_apply_export_round_trips_exactly() {
    let spec: Spec = serde_norway::from_str(&fixture("full-spec.yaml")).unwrap();
    let (_d, mut ws) = new_ws();
    ws.apply_spec(&spec, false).unwrap();
    let exported = ws.export_spec().unwrap();
    // Same content as the file (the file spells out every default stage).
    assert_eq!(exported, spec);

    // export -> apply into a fresh workspace -> export is a fixed point, as text too.
    let yaml = serde_norway::to_string(&exported).unwrap();
    let (_d2, mut ws2) = new_ws();
    ws2.apply_spec(&serde_norway::from_str(&yaml).unwrap(), true).unwrap();
    assert_eq!(serde_norway::to_string(&ws2.export_spec().unwrap()).unwrap(), yaml);

    // Applying again changes nothing and adds no undo step.
    let before = ws.undo_label().unwrap();
    let again = ws.apply_spec(&spec, false).unwrap();
    assert!(again.created.is_empty() && again.updated.is_empty() && again.deleted.is_empty());
    assert_eq!(ws.undo_label().unwrap(), before);
}

#[test]
fn invalid_references_name_entity_and_field_and_change_nothing() {
    let mut spec: Spec = serde_norway::from_str(&fixture("full-spec.yaml")).unwrap();
    spec.plan[0].placement = "home.heroo".into();
    spec.plan[1].content = tailor_model::plan::EntryContent::Single { content: "free_shipping".into() };
    let (_d, mut ws) = new_ws();
    let err = ws.apply_spec(&spec, false).unwrap_err().to_string();
    assert!(err.contains("plan entry \"restock_hero\": placement:"), "{err}");
    assert!(err.contains("home.heroo"), "{err}");
    // A message in a product_set placement is a kind mismatch on runner_recs.
    assert!(err.contains("plan entry \"runner_recs\": content:"), "{err}");
    assert_eq!(ws.export_spec().unwrap().plan.len(), 0, "nothing was applied");
}

#[test]
fn unknown_fields_in_a_spec_are_rejected_by_name() {
    let err = serde_norway::from_str::<Spec>("segments:\n  - name: a\n    wen: x = 1\n").unwrap_err();
    assert!(err.to_string().contains("unknown field `wen`"), "{err}");
}
