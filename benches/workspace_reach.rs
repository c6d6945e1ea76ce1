//! Live reach in a workspace of 1,000,000 apparel shoppers (issue #15): what
//! one keystroke in the segment editor costs in the store, the way the app's
//! two IPC commands run it (parse the text against the schema, then reach:
//! compile, columnar evaluation over the cached columns, example shoppers
//! read back), and the first reach after opening the file (rows loaded and
//! the columns built). The Tauri IPC round trip itself is not included.
//!
//! Run: `cargo bench -p tailor-benches --bench workspace_reach`

use std::path::PathBuf;
use std::sync::LazyLock;

use divan::{Bencher, black_box};
use tailor_store::types::ImportOptions;
use tailor_store::Workspace;

const SHOPPERS: u64 = 1_000_000;

/// A four-clause condition as typed in the editor.
const CONDITION: &str = r#"customer_type = "returning" and orders >= 2
  and (loyalty_tier in ["gold", "silver"] or device = "mobile")
  and last_order within_last 180 days"#;

fn main() {
    divan::main();
}

/// The apparel example with its 12,000 shoppers replaced and extended to a
/// million from its own generator spec (seed 5), imported once.
static WORKSPACE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.tailor");
    let mut ws = Workspace::create(&path).unwrap();
    tailor_store::load_example(&mut ws, "apparel").unwrap();
    let yaml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/apparel/shoppers.yaml")).unwrap();
    let doc: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    let spec: tailor_sim::generator::GeneratorSpec = serde_json::from_value(doc["spec"].clone()).unwrap();
    let jsonl = dir.path().join("shoppers.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&jsonl).unwrap());
    for shopper in tailor_sim::generator::generate(&spec, SHOPPERS, 5) {
        use std::io::Write;
        serde_json::to_writer(&mut out, &shopper).unwrap();
        out.write_all(b"\n").unwrap();
    }
    drop(out);
    ws.import_shoppers(&jsonl, &ImportOptions { id_column: Some("id".into()) }, false).unwrap();
    assert_eq!(ws.info().unwrap().shopper_count, SHOPPERS);
    (dir, path)
});

/// One keystroke with the workspace open and its columns cached.
#[divan::bench(sample_count = 30)]
fn keystroke(bencher: Bencher) {
    let mut ws = Workspace::open(&WORKSPACE.1).unwrap();
    ws.reach(&ws.parse_condition(CONDITION).unwrap(), 5).unwrap(); // builds the cache
    bencher.bench_local(|| {
        let condition = ws.parse_condition(black_box(CONDITION)).unwrap();
        black_box(ws.reach(&condition, 5).unwrap().matched)
    });
}

/// The first reach after opening: every shopper read and the columns built.
#[divan::bench(sample_count = 3)]
fn first_after_open(bencher: Bencher) {
    let _ = &*WORKSPACE;
    bencher.bench_local(|| {
        let mut ws = Workspace::open(&WORKSPACE.1).unwrap();
        let condition = ws.parse_condition(CONDITION).unwrap();
        black_box(ws.reach(&condition, 5).unwrap().matched)
    });
}
