//! Behaviour of the workspace file: opening, the change log, revisions,
//! imports and the spec file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tailor_model::spec::Spec;
use tailor_model::{AttrType, Attribute, Segment, SegmentName};

use crate::types::{EntityKind, ErrorKind, ImportOptions, TxnKind, TxnState};
use crate::{StoreError, Workspace};

fn tmp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.tailor");
    (dir, path)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn segment(ws: &Workspace, name: &str, when: &str) -> Segment {
    Segment {
        name: SegmentName(name.into()),
        condition: ws.parse_condition(when).unwrap(),
        owner: Some("merch".into()),
        description: None,
        review_by: None,
        doc: Default::default(),
    }
}

const SHOPPERS: &str = "\
customer,visitor,spend,member,first_seen,tags
c1,returning,120.5,TRUE,2026-01-03,running|trail
c2,new,0,FALSE,2026-02-10,
c3,returning,35,TRUE,2025-12-24,yoga
";

#[test]
fn created_workspace_reopens_with_its_name_and_id() {
    let (_d, path) = tmp();
    let id = Workspace::create(&path).unwrap().workspace_id().unwrap();
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.name().unwrap(), "ws");
    assert_eq!(ws.workspace_id().unwrap(), id);
    assert_eq!(ws.integrity_check().unwrap(), "ok");
}

#[test]
fn create_refuses_to_overwrite() {
    let (_d, path) = tmp();
    Workspace::create(&path).unwrap();
    assert!(matches!(Workspace::create(&path), Err(StoreError::FileExists { .. })));
}

#[test]
fn non_tailor_files_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text = write(dir.path(), "notes.tailor", "hello, not a database\n");
    let other = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    }
    let empty = write(dir.path(), "empty.tailor", "");
    for p in [&text, &other, &empty] {
        let before = std::fs::read(p).unwrap();
        let err = Workspace::open(p).err().expect("must be refused");
        assert_eq!(err.kind(), ErrorKind::NotAWorkspace, "{err}");
        assert!(err.to_string().contains("is not a Tailor workspace"), "{err}");
        assert_eq!(std::fs::read(p).unwrap(), before, "{} was modified", p.display());
        assert!(!Path::new(&format!("{}-wal", p.display())).exists());
    }
}

#[test]
fn newer_schema_is_refused_and_left_untouched() {
    let (_d, path) = tmp();
    drop(Workspace::create(&path).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        c.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0)).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Workspace::open(&path).err().expect("must be refused");
    assert_eq!(err.kind(), ErrorKind::TooNew);
    assert!(err.to_string().contains("newer version of Tailor"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn stale_revision_write_is_refused() {
    let (_d, path) = tmp();
    let mut a = Workspace::create(&path).unwrap();
    let mut b = Workspace::open(&path).unwrap();
    let row = a.save_attribute(&Attribute::new("spend", AttrType::Number), None).unwrap();
    // Both windows start from revision 1; the first write wins.
    let mut edited = row.attribute.clone();
    edited.sensitive = true;
    let saved = b.save_attribute(&edited, Some(row.revision)).unwrap();
    assert_eq!(saved.revision, 2);
    let mut other = row.attribute.clone();
    other.source = Some("crm".into());
    let err = a.save_attribute(&other, Some(row.revision)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("changed elsewhere"), "{err}");
    // Nothing was overwritten.
    assert!(a.attribute("spend").unwrap().attribute.sensitive);
    assert_eq!(a.attribute("spend").unwrap().attribute.source, None);
}

#[test]
fn creating_an_existing_name_is_refused() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let a = Attribute::new("spend", AttrType::Number);
    ws.save_attribute(&a, None).unwrap();
    assert_eq!(ws.save_attribute(&a, None).unwrap_err().kind(), ErrorKind::AlreadyExists);
}

#[test]
fn undo_and_redo_walk_the_edit_stack() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    ws.save_attribute(&Attribute::new("spend", AttrType::Number), None).unwrap();
    let s = segment(&ws, "big", "spend > 100");
    ws.save_segment(&s, None).unwrap();
    assert_eq!(ws.undo_label().unwrap().as_deref(), Some("Add segment big"));

    assert_eq!(ws.undo().unwrap().as_deref(), Some("Add segment big"));
    assert!(ws.segments().unwrap().is_empty());
    assert_eq!(ws.redo_label().unwrap().as_deref(), Some("Add segment big"));
    assert_eq!(ws.undo().unwrap().as_deref(), Some("Add attribute spend"));
    assert!(ws.attributes().unwrap().is_empty());

    assert_eq!(ws.redo().unwrap().as_deref(), Some("Add attribute spend"));
    assert_eq!(ws.redo().unwrap().as_deref(), Some("Add segment big"));
    assert_eq!(ws.segments().unwrap()[0].segment, s);
    assert_eq!(ws.redo().unwrap(), None);

    let h = ws.history(10, 10, None).unwrap();
    assert_eq!(h[0].kind, TxnKind::Redo);
    assert_eq!(h[0].summary, "Redo: Add segment big");
}

#[test]
fn a_new_edit_discards_the_redo_stack() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    ws.save_attribute(&Attribute::new("a", AttrType::Number), None).unwrap();
    ws.undo().unwrap();
    ws.save_attribute(&Attribute::new("b", AttrType::Number), None).unwrap();
    assert_eq!(ws.redo_label().unwrap(), None);
    assert_eq!(ws.redo().unwrap(), None);
    let h = ws.history(10, 10, None).unwrap();
    let discarded = h.iter().find(|e| e.summary == "Add attribute a").unwrap();
    assert_eq!(discarded.state, Some(TxnState::Discarded));
}

#[test]
fn undo_survives_reopening_the_file() {
    let (_d, path) = tmp();
    {
        let mut ws = Workspace::create(&path).unwrap();
        ws.save_attribute(&Attribute::new("a", AttrType::Number), None).unwrap();
    }
    let mut ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.undo().unwrap().as_deref(), Some("Add attribute a"));
    assert!(ws.attributes().unwrap().is_empty());
}

#[test]
fn per_item_history_lists_only_that_item() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let row = ws.save_attribute(&Attribute::new("a", AttrType::Number), None).unwrap();
    ws.save_attribute(&Attribute::new("b", AttrType::Number), None).unwrap();
    let mut a = row.attribute.clone();
    a.sensitive = true;
    ws.save_attribute(&a, Some(row.revision)).unwrap();
    let h = ws.history(10, 10, Some((EntityKind::Attribute, "a"))).unwrap();
    let summaries: Vec<_> = h.iter().map(|e| e.summary.as_str()).collect();
    assert_eq!(summaries, ["Edit attribute a", "Add attribute a"]);
    let change = &h[0].changes[0];
    assert_eq!(change.before.as_ref().unwrap()["sensitive"], serde_json::Value::Null);
    assert_eq!(change.after.as_ref().unwrap()["sensitive"], true);
}

#[test]
fn import_infers_types_and_creates_attributes() {
    let (d, path) = tmp();
    let csv = write(d.path(), "s.csv", SHOPPERS);
    let mut ws = Workspace::create(&path).unwrap();
    let opts = ImportOptions { id_column: Some("customer".into()) };
    let r = ws.import_shoppers(&csv, &opts, false).unwrap();
    assert_eq!(r.rows, 3);
    let types: Vec<_> = r.columns.iter().map(|c| (c.attribute.as_str(), c.ty)).collect();
    assert_eq!(
        types,
        [
            ("visitor", AttrType::String),
            ("spend", AttrType::Number),
            ("member", AttrType::Bool),
            ("first_seen", AttrType::Date),
            ("tags", AttrType::String),
        ]
    );
    let c1 = ws.shopper("c1").unwrap();
    assert_eq!(c1.values["spend"], 120.5);
    assert_eq!(c1.values["member"], true);
    // An empty cell is a missing value, not an empty string.
    assert!(!ws.shopper("c2").unwrap().values.contains_key("tags"));
    let cond = ws.parse_condition("member = true and first_seen after \"2026-01-01\"").unwrap();
    assert_eq!(ws.reach(&cond, 5).unwrap().matched, 1);
}

#[test]
fn a_bad_row_aborts_the_import_and_names_row_and_column() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    ws.save_attribute(&Attribute::new("spend", AttrType::Number), None).unwrap();
    let bad = write(d.path(), "bad.csv", "id,spend,visitor\na,10,x\nb,12,y\nc,lots,z\n");
    let err = ws
        .import_shoppers(&bad, &ImportOptions { id_column: Some("id".into()) }, false)
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("bad.csv: row 3 (line 4), column spend"), "{msg}");
    assert!(msg.contains("expected a number, found \"lots\""), "{msg}");
    assert_eq!(ws.info().unwrap().shopper_count, 0);
    assert_eq!(ws.attributes().unwrap().len(), 1, "no attribute was created");
}

#[test]
fn ragged_csv_and_duplicate_ids_are_row_errors() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let ragged = write(d.path(), "r.csv", "a,b\n1,2\n3\n");
    let msg = ws.import_shoppers(&ragged, &ImportOptions::default(), false).unwrap_err().to_string();
    assert!(msg.contains("row 2 (line 3)") && msg.contains("expected 2 fields, found 1"), "{msg}");
    let dup = write(d.path(), "d.csv", "id,a\nx,1\ny,2\nx,3\n");
    let msg = ws
        .import_shoppers(&dup, &ImportOptions { id_column: Some("id".into()) }, false)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("row 3 (line 4), column id") && msg.contains("appears twice"), "{msg}");
    assert_eq!(ws.info().unwrap().shopper_count, 0);
}

#[test]
fn an_import_reports_progress_by_chunk_and_a_cancelled_one_stores_nothing() {
    use std::cell::RefCell;
    use std::sync::atomic::{AtomicBool, Ordering};

    let (d, path) = tmp();
    let rows = 5_000;
    let csv: String = std::iter::once("id,spend\n".to_string()).chain((0..rows).map(|i| format!("s{i},{i}\n"))).collect();
    let file = write(d.path(), "many.csv", &csv);
    let mut ws = Workspace::create(&path).unwrap();
    let opts = ImportOptions { id_column: Some("id".into()) };

    // Cancel as soon as the first chunk is written.
    let seen = RefCell::new(Vec::new());
    let cancel = AtomicBool::new(false);
    let progress = |done: u64, total: u64| {
        seen.borrow_mut().push((done, total));
        cancel.store(true, Ordering::Relaxed);
    };
    let control = crate::ImportControl { progress: &progress, cancel: &cancel };
    let err = ws.import_shoppers_with(&file, &opts, false, Some(&control)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert_eq!(err.to_string(), "The import was cancelled; nothing was stored");
    assert_eq!(seen.borrow().len(), 1, "it stopped after the chunk that saw the flag");
    let info = ws.info().unwrap();
    assert_eq!((info.shopper_count, info.attribute_count), (0, 0), "rolled back: no shopper, no attribute");
    assert_eq!(info.undo.as_deref(), Some("Create workspace"), "and no undo entry");

    // Not cancelled: progress climbs to the file's row count.
    seen.borrow_mut().clear();
    let never = AtomicBool::new(false);
    let record = |done: u64, total: u64| seen.borrow_mut().push((done, total));
    let control = crate::ImportControl { progress: &record, cancel: &never };
    ws.import_shoppers_with(&file, &opts, false, Some(&control)).unwrap();
    let seen = seen.into_inner();
    assert!(seen.len() >= 2, "one report per chunk: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
    assert_eq!(*seen.last().unwrap(), (rows, rows));
    assert_eq!(ws.info().unwrap().shopper_count, rows);
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let (d, path) = tmp();
    let csv = write(d.path(), "s.csv", SHOPPERS);
    let mut ws = Workspace::create(&path).unwrap();
    let r = ws.import_shoppers(&csv, &ImportOptions::default(), true).unwrap();
    assert!(r.dry_run);
    assert_eq!(r.rows, 3);
    assert_eq!(r.sample[0].id, "1", "row numbers are the ids without --id-column");
    let info = ws.info().unwrap();
    assert_eq!((info.shopper_count, info.attribute_count), (0, 0));
    assert_eq!(info.undo.as_deref(), Some("Create workspace"));
}

#[test]
fn import_maps_onto_existing_attributes() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let mut visitor = Attribute::new("visitor", AttrType::Enum);
    visitor.values = vec!["new".into(), "returning".into()];
    ws.save_attribute(&visitor, None).unwrap();
    let csv = write(d.path(), "s.csv", SHOPPERS);
    let r = ws.import_shoppers(&csv, &ImportOptions { id_column: Some("customer".into()) }, false).unwrap();
    let col = r.columns.iter().find(|c| c.attribute == "visitor").unwrap();
    assert!(col.existing);
    assert_eq!(col.ty, AttrType::Enum);
    let bad = write(d.path(), "bad.csv", "visitor\nnew\nvip\n");
    let msg = ws.import_shoppers(&bad, &ImportOptions::default(), false).unwrap_err().to_string();
    assert!(msg.contains("column visitor") && msg.contains("\"vip\" is not one of the values"), "{msg}");
}

#[test]
fn jsonl_import_reads_typed_values_and_ids() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let f = write(
        d.path(),
        "s.jsonl",
        "{\"id\":\"s-1\",\"cart_value\":92.5,\"device\":\"mobile\",\"viewed\":[\"running\"],\"consent\":true}\n\
         \n{\"id\":\"s-2\",\"cart_value\":null,\"device\":\"desktop\",\"viewed\":[]}\n",
    );
    let r = ws.import_shoppers(&f, &ImportOptions::default(), false).unwrap();
    assert_eq!(r.rows, 2);
    let ty = |n: &str| r.columns.iter().find(|c| c.attribute == n).unwrap().ty;
    assert_eq!(ty("cart_value"), AttrType::Number);
    assert_eq!(ty("viewed"), AttrType::StringList);
    assert_eq!(ty("consent"), AttrType::Bool);
    let cond = ws.parse_condition("\"running\" in viewed and cart_value > 90").unwrap();
    let reach = ws.reach(&cond, 5).unwrap();
    assert_eq!((reach.matched, reach.examples[0].id.as_str()), (1, "s-1"));

    let bad = write(d.path(), "bad.jsonl", "{\"id\":\"s-3\"}\n{\"id\": \n");
    let msg = ws.import_shoppers(&bad, &ImportOptions::default(), false).unwrap_err().to_string();
    assert!(msg.contains("row 2 (line 2)") && msg.contains("not a JSON object"), "{msg}");
}

#[test]
fn malformed_condition_reports_its_position() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    ws.save_attribute(&Attribute::new("spend", AttrType::Number), None).unwrap();
    let err = ws.parse_condition("spend > ").unwrap_err();
    let report = err.report();
    let pos = report.position.expect("a position");
    assert_eq!((pos.line, pos.column), (1, 9));
    let err = ws.parse_condition("spend > 10 and\n  spnd < 5").unwrap_err();
    let pos = err.report().position.unwrap();
    assert_eq!((pos.line, pos.column), (2, 3));
    assert!(err.to_string().contains("spnd"), "{err}");
}

#[test]
fn attribute_used_by_a_segment_cannot_be_deleted() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let row = ws.save_attribute(&Attribute::new("spend", AttrType::Number), None).unwrap();
    let s = segment(&ws, "big", "spend > 100");
    ws.save_segment(&s, None).unwrap();
    let msg = ws.delete_attribute("spend", row.revision).unwrap_err().to_string();
    assert!(msg.contains("used by segment(s) big"), "{msg}");
}

#[test]
fn changing_a_type_that_data_does_not_fit_is_refused() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    ws.import_shoppers(&write(d.path(), "s.csv", SHOPPERS), &ImportOptions::default(), false).unwrap();
    let row = ws.attribute("visitor").unwrap();
    let mut a = row.attribute.clone();
    a.ty = AttrType::Number;
    let msg = ws.save_attribute(&a, Some(row.revision)).unwrap_err().to_string();
    assert!(msg.contains("is not a number"), "{msg}");
}

const SPEC: &str = r#"
attributes:
  - {name: visitor_type, type: enum, values: [new, returning, other]}
  - {name: cart_value, type: number}
  - {name: viewed_categories, type: string_list}
  - {name: skin_concern, type: string, sensitive: true, requires_consent: true}
segments:
  - name: returning_big_carts
    when: visitor_type = "returning" and (cart_value > 80 or "running" in viewed_categories)
    owner: merchandising
    review_by: 2027-03-01
    description: Repeat buyers with big carts.
  - name: everyone
    when: ""
"#;

#[test]
fn apply_then_export_is_a_fixed_point_and_idempotent() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let spec: Spec = serde_norway::from_str(SPEC).unwrap();
    let r = ws.apply_spec(&spec, false).unwrap();
    assert_eq!(r.created.len(), 6);
    let again = ws.apply_spec(&spec, false).unwrap();
    assert!(again.created.is_empty() && again.updated.is_empty());
    assert_eq!(again.unchanged, 6);
    let exported = ws.export_spec().unwrap();
    let yaml = serde_norway::to_string(&exported).unwrap();
    let reparsed: Spec = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(reparsed, exported);
    let (_d2, path2) = tmp();
    let mut ws2 = Workspace::create(&path2).unwrap();
    ws2.apply_spec(&reparsed, false).unwrap();
    assert_eq!(ws2.export_spec().unwrap(), exported);
}

#[test]
fn invalid_spec_names_entity_and_field() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let spec: Spec = serde_norway::from_str(
        "attributes: [{name: cart_value, type: number}]\nsegments: [{name: s1, when: 'cart_value > \"a\"'}]",
    )
    .unwrap();
    let msg = ws.apply_spec(&spec, false).unwrap_err().to_string();
    assert!(msg.starts_with("segment \"s1\": condition:"), "{msg}");
    let spec: Spec = serde_norway::from_str("attributes: [{name: color, type: enum}]").unwrap();
    let msg = ws.apply_spec(&spec, false).unwrap_err().to_string();
    assert_eq!(msg, "attribute \"color\": values: an enum attribute needs at least one value");
    assert_eq!(ws.info().unwrap().attribute_count, 0);
}

#[test]
fn prune_removes_what_the_spec_omits() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let spec: Spec = serde_norway::from_str(SPEC).unwrap();
    ws.apply_spec(&spec, false).unwrap();
    let mut smaller = spec.clone();
    smaller.segments.truncate(1);
    let r = ws.apply_spec(&smaller, true).unwrap();
    // The spec names no stages, so pruning removes the default ones too.
    assert!(r.deleted.contains(&"segment everyone".to_string()), "{:?}", r.deleted);
    assert!(r.deleted.contains(&"stage discovery".to_string()), "{:?}", r.deleted);
    assert!(!r.deleted.iter().any(|d| d.starts_with("attribute")), "{:?}", r.deleted);
    assert_eq!(ws.segments().unwrap().len(), 1);
}

const CATALOG: &str = "\
SKU,Name,category,Variant Price,cost,stock,collection,tags,material
sku-1,Trail runner,shoes,$120.00,60,12,trail,running|outdoor,mesh
sku-2,Day cream,skincare,32,8,200,,,
";

fn mapping(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn catalog_import_maps_columns_and_keeps_the_rest_as_attributes() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let csv = write(d.path(), "catalog.csv", CATALOG);
    let m = mapping(&[("id", "SKU"), ("title", "Name"), ("price", "Variant Price")]);
    let r = ws.import_catalog(&csv, &m, false).unwrap();
    assert_eq!((r.rows, r.created, r.updated), (2, 2, 0));
    let p = ws.get::<tailor_model::plan::Product>("sku-1").unwrap().item;
    assert_eq!(p.price, Some(120.0));
    assert_eq!(p.tags, ["running", "outdoor"]);
    assert_eq!(p.attributes["material"], "mesh");
    assert_eq!(p.effective_margin(), Some(0.5));
    // Re-importing updates in place.
    let r = ws.import_catalog(&csv, &m, false).unwrap();
    assert_eq!((r.created, r.updated), (0, 2));
}

#[test]
fn catalog_import_with_a_bad_row_imports_nothing() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let bad = write(d.path(), "bad.csv", "id,title,price,stock\na,A,10,5\nb,B,ten,5\n");
    let msg = ws.import_catalog(&bad, &mapping(&[]), false).unwrap_err().to_string();
    assert!(msg.contains("bad.csv: row 2 (line 3), column price: expected a price, found \"ten\""), "{msg}");
    assert!(ws.items::<tailor_model::plan::Product>().unwrap().is_empty());
    let no_title = write(d.path(), "nt.csv", "id,name\na,A\n");
    let msg = ws.import_catalog(&no_title, &mapping(&[]), false).unwrap_err().to_string();
    assert!(msg.contains("no column for the product title"), "{msg}");
    let dup = write(d.path(), "dup.csv", "id,title\na,A\na,B\n");
    let msg = ws.import_catalog(&dup, &mapping(&[]), false).unwrap_err().to_string();
    assert!(msg.contains("row 2 (line 3), column id") && msg.contains("appears twice"), "{msg}");
}

#[test]
fn saving_a_plan_entry_with_a_dangling_reference_is_refused() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let entry: tailor_model::plan::PlanEntry = serde_json::from_value(serde_json::json!({
        "id": "e1", "segment": "nobody", "stage": "discovery", "placement": "home.hero", "content": "x"
    }))
    .unwrap();
    let msg = ws.save(&entry, None).unwrap_err().to_string();
    assert!(msg.contains("plan entry \"e1\""), "{msg}");
    assert!(ws.items::<tailor_model::plan::PlanEntry>().unwrap().is_empty());
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

#[test]
fn shopify_export_becomes_one_product_per_variant() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let r = ws
        .import_catalog_as(&fixture("shopify_products.csv"), crate::CatalogFormat::Shopify, &mapping(&[]), false)
        .unwrap();
    assert_eq!(r.created, 3, "two shirt sizes and one scarf; the image-only row is no product");
    let m = ws.get::<tailor_model::plan::Product>("LS-M").unwrap().item;
    assert_eq!(m.title, "Linen shirt — M");
    assert_eq!((m.price, m.cost, m.stock), (Some(59.0), Some(24.0), Some(3)));
    assert_eq!(m.tags, ["summer", "linen"]);
    assert_eq!(m.category.as_deref(), Some("Shirts"));
    assert_eq!(m.collection.as_deref(), Some("linen-shirt"));
    assert_eq!(m.attributes["size"], "M");
    let scarf = ws.get::<tailor_model::plan::Product>("WS-1").unwrap().item;
    assert_eq!(scarf.title, "Wool scarf", "Shopify's 'Default Title' option is not a variant name");
}

#[test]
fn merchant_center_feeds_import_from_tsv_and_xml() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let r = ws
        .import_catalog_as(&fixture("gmc_feed.tsv"), crate::CatalogFormat::GmcTsv, &mapping(&[]), false)
        .unwrap();
    assert_eq!(r.rows, 2);
    let mug = ws.get::<tailor_model::plan::Product>("mug-1").unwrap().item;
    assert_eq!((mug.price, mug.stock), (Some(18.0), None));
    assert_eq!(mug.category.as_deref(), Some("Mugs"));
    assert_eq!(mug.attributes["colour"], "sand");
    assert_eq!(mug.tags, ["bestseller"]);
    assert_eq!(ws.get::<tailor_model::plan::Product>("mug-2").unwrap().item.stock, Some(0));

    let r = ws
        .import_catalog_as(&fixture("gmc_feed.xml"), crate::CatalogFormat::GmcXml, &mapping(&[]), false)
        .unwrap();
    assert_eq!(r.rows, 2);
    let rug = ws.get::<tailor_model::plan::Product>("rug-1").unwrap().item;
    assert_eq!(rug.title, "Jute rug & pad");
    assert_eq!(rug.category.as_deref(), Some("Rugs"));
    assert_eq!(rug.stock, Some(0));
    let lamp = ws.get::<tailor_model::plan::Product>("lamp-1").unwrap().item;
    assert_eq!(lamp.category.as_deref(), Some("Lamps"));
    assert_eq!(lamp.attributes["material"], "brass");
}

#[test]
fn a_bad_feed_item_names_its_row_and_line() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let xml = write(
        d.path(),
        "bad.xml",
        "<rss><channel>\n<item><g:id>a</g:id><g:title>A</g:title><g:price>1 USD</g:price></item>\n<item><g:id>b</g:id><g:title>B</g:title><g:price>lots</g:price></item>\n</channel></rss>\n",
    );
    let msg = ws
        .import_catalog_as(&xml, crate::CatalogFormat::GmcXml, &mapping(&[]), false)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("row 2 (line 3), column price"), "{msg}");
    assert!(ws.items::<tailor_model::plan::Product>().unwrap().is_empty());
}

#[test]
fn catalog_page_sorts_filters_and_pages_in_sql() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let mut csv = String::from("id,title,category,price,stock\n");
    for i in 0..120 {
        csv += &format!("p{i:03},Item {i},{},{}.0,{}\n", if i % 2 == 0 { "shoes" } else { "bags" }, 200 - i, i);
    }
    ws.import_catalog(&write(d.path(), "c.csv", &csv), &mapping(&[]), false).unwrap();
    let page = ws.catalog_page(0, 10, Some("price"), false, Some("SHOES")).unwrap();
    assert_eq!((page.total, page.matched, page.rows.len()), (120, 60, 10));
    assert_eq!(page.rows[0].id, "p118", "cheapest shoe first");
    let page = ws.catalog_page(50, 50, Some("stock"), true, None).unwrap();
    assert_eq!(page.rows.len(), 50);
    assert_eq!(page.rows[0].stock, Some(69));
    assert!(ws.catalog_page(0, 10, Some("body; DROP TABLE products"), false, None).is_err());
}

#[test]
fn reorder_and_revert_are_single_undoable_edits() {
    let (_d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let spec: Spec = serde_norway::from_str(
        &std::fs::read_to_string(fixture("full-spec.yaml")).unwrap(),
    )
    .unwrap();
    ws.apply_spec(&spec, false).unwrap();
    ws.reorder_entries(&["runner_recs".into(), "restock_hero".into()]).unwrap();
    let get = |ws: &Workspace, id: &str| ws.get::<tailor_model::plan::PlanEntry>(id).unwrap().item.priority;
    assert_eq!((get(&ws, "runner_recs"), get(&ws, "restock_hero")), (20, 10));
    assert_eq!(ws.undo().unwrap().as_deref(), Some("Reorder plan entries"));
    assert_eq!((get(&ws, "runner_recs"), get(&ws, "restock_hero")), (5, 10));

    // Edit an entry twice, then revert it to the first edit.
    let mut e = ws.get::<tailor_model::plan::PlanEntry>("runner_recs").unwrap();
    e.item.priority = 7;
    let e = ws.save(&e.item, Some(e.revision)).unwrap();
    let mut e2 = e.item.clone();
    e2.priority = 8;
    ws.save(&e2, Some(e.revision)).unwrap();
    let hist = ws.history(10, 10, Some((EntityKind::Entry, "runner_recs"))).unwrap();
    let first_edit = hist.iter().find(|h| h.changes[0].after.as_ref().unwrap()["priority"] == 7).unwrap().txn;
    ws.revert(EntityKind::Entry, "runner_recs", first_edit).unwrap();
    assert_eq!(get(&ws, "runner_recs"), 7);
    assert!(ws.undo_label().unwrap().unwrap().starts_with("Revert plan entry runner_recs"));
}

#[test]
fn reach_through_the_columns_equals_the_row_engine_and_sees_new_shoppers() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let row = |i: usize| {
        let mut o = serde_json::json!({ "id": format!("s-{i:03}") });
        if !i.is_multiple_of(5) {
            o["cart"] = serde_json::json!(i % 17);
            o["device"] = serde_json::json!(["mobile", "desktop", "tablet"][i % 3]);
            o["member"] = serde_json::json!(i.is_multiple_of(2));
            o["viewed"] = serde_json::json!(["running", "hiking", "yoga"][..i % 4].to_vec());
            o["seen"] = serde_json::json!(format!("2026-01-{:02}", 1 + i % 28));
        }
        o.to_string() + "\n"
    };
    let f = write(d.path(), "s.jsonl", &(0..150).map(row).collect::<String>());
    ws.import_shoppers(&f, &ImportOptions::default(), false).unwrap();
    let conditions = [
        r#"device = "mobile" and cart > 5"#,
        r#"not device in ["tablet", "phone"] or "yoga" in viewed"#,
        r#"member = true and seen after "2026-01-10" and viewed is_not_empty"#,
        "cart is_null or viewed is_empty or member = true",
        r#"device != "nobody""#,
    ];
    let check = |ws: &mut Workspace| {
        let (schema, table) = ws.shopper_table().unwrap();
        let today = jiff::ZonedDateTime::now().date();
        conditions.map(|text| {
            let cond = ws.parse_condition(text).unwrap();
            let compiled = tailor_engine::CompiledCondition::compile(&cond, &schema).unwrap();
            let by_rows = tailor_engine::reach(&compiled, &table, today, 3);
            let r = ws.reach(&cond, 3).unwrap();
            let examples: Vec<String> = r.examples.iter().map(|e| e.id.clone()).collect();
            assert_eq!((r.matched, r.total, examples), (by_rows.matched, by_rows.total, by_rows.examples), "{text}");
            r.matched
        })
    };
    let before = check(&mut ws);
    assert!(before.iter().all(|m| *m > 0 && *m < 150), "{before:?}");
    // A new shopper who matches every condition is counted by the next reach.
    let more = write(
        d.path(),
        "more.jsonl",
        r#"{"id":"new","cart":9,"device":"mobile","member":true,"viewed":["yoga"],"seen":"2026-01-20"}"#,
    );
    ws.import_shoppers(&more, &ImportOptions::default(), false).unwrap();
    let after = check(&mut ws);
    assert_eq!(after, before.map(|m| m + 1));
}

#[test]
fn the_shopper_columns_outlive_edits_that_do_not_touch_shoppers() {
    let (d, path) = tmp();
    let mut ws = Workspace::create(&path).unwrap();
    let f = write(d.path(), "s.csv", SHOPPERS);
    let by_customer = ImportOptions { id_column: Some("customer".into()), ..ImportOptions::default() };
    ws.import_shoppers(&f, &by_customer, false).unwrap();
    let columns = |ws: &mut Workspace| ws.shopper_columns().unwrap().2;
    let first = columns(&mut ws);
    assert!(Arc::ptr_eq(&first, &columns(&mut ws)), "cached between reads");

    // A segment edit (and its undo) leaves the shoppers' columns as they were.
    let s = segment(&ws, "members", "member = true");
    ws.save_segment(&s, None).unwrap();
    assert!(Arc::ptr_eq(&first, &columns(&mut ws)), "kept across a segment edit");
    assert_eq!(ws.reach(&s.condition, 3).unwrap().matched, 2);
    ws.undo().unwrap();
    assert!(Arc::ptr_eq(&first, &columns(&mut ws)), "kept across undoing it");

    // New shoppers are seen; so is undoing their import.
    let more = write(d.path(), "more.csv", "customer,visitor,spend,member,first_seen,tags\nc4,new,5,TRUE,2026-03-01,\n");
    ws.import_shoppers(&more, &by_customer, false).unwrap();
    let after_import = columns(&mut ws);
    assert!(!Arc::ptr_eq(&first, &after_import));
    assert_eq!(ws.reach(&s.condition, 3).unwrap().matched, 3);
    ws.undo().unwrap();
    assert_eq!(ws.reach(&s.condition, 3).unwrap().matched, 2);

    // An attribute change retypes the shoppers.
    let before_attr = columns(&mut ws);
    let mut a = ws.attribute("spend").unwrap();
    a.attribute.source = Some("the order system".into());
    ws.save_attribute(&a.attribute, Some(a.revision)).unwrap();
    assert!(!Arc::ptr_eq(&before_attr, &columns(&mut ws)), "rebuilt after an attribute edit");

    // A write by another connection is seen too.
    let kept = columns(&mut ws);
    let mut other = Workspace::open(&path).unwrap();
    other.import_shoppers(&more, &by_customer, false).unwrap();
    assert!(!Arc::ptr_eq(&kept, &columns(&mut ws)), "rebuilt after another process wrote");
    assert_eq!(ws.reach(&s.condition, 3).unwrap().matched, 3);
}
