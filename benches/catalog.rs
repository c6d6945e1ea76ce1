//! The catalog screen over 50,000 products: what one page of the table costs
//! (server-side sort, filter and paging in SQLite), and the hygiene report.
//! Target: responsive (well under the ~100 ms a user notices) at 50,000.

use std::io::Write;
use std::sync::LazyLock;

use divan::{Bencher, black_box};
use tailor_store::Workspace;

fn main() {
    divan::main();
}

const PRODUCTS: usize = 50_000;

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("catalog.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    writeln!(f, "id,title,category,price,cost,stock,collection,tags,updated,colour").unwrap();
    let categories = ["shoes", "shirts", "knitwear", "outerwear", "accessories", "skincare", "lighting", "rugs"];
    for i in 0..PRODUCTS {
        let price = 10.0 + (i * 7919 % 50_000) as f64 / 100.0;
        writeln!(
            f,
            "sku-{i:06},Product {i} {},{},{price:.2},{:.2},{},col-{},tag{}|tag{},2026-{:02}-{:02},c{}",
            categories[i % 8],
            categories[i % 8],
            price * 0.5,
            (i * 31) % 200,
            i % 120,
            i % 13,
            i % 7,
            1 + i % 11,
            1 + i % 28,
            i % 9
        )
        .unwrap();
    }
    drop(f);
    let path = dir.path().join("ws.tailor");
    let mut ws = Workspace::create(&path).unwrap();
    ws.import_catalog(&csv, &Default::default(), false).unwrap();
    Fixture { _dir: dir, path }
});

fn ws() -> Workspace {
    Workspace::open(&FIXTURE.path).unwrap()
}

/// One page, sorted by price, deep in the table.
#[divan::bench]
fn page_sorted_by_price(bencher: Bencher) {
    let ws = std::cell::RefCell::new(ws());
    bencher.bench_local(|| ws.borrow_mut().catalog_page(black_box(25_000), 50, Some("price"), true, None).unwrap());
}

/// One page of a filtered, sorted view (what typing in the filter costs).
#[divan::bench]
fn page_filtered_and_sorted(bencher: Bencher) {
    let ws = std::cell::RefCell::new(ws());
    bencher.bench_local(|| ws.borrow_mut().catalog_page(0, 50, Some("margin"), false, black_box(Some("knit"))).unwrap());
}

/// The first page in id order (opening the screen).
#[divan::bench]
fn first_page(bencher: Bencher) {
    let ws = std::cell::RefCell::new(ws());
    bencher.bench_local(|| ws.borrow_mut().catalog_page(0, 50, None, false, None).unwrap());
}

/// Opening the screen on a freshly opened workspace: reading and parsing all
/// 50,000 products once (later pages reuse them until the workspace changes).
#[divan::bench(sample_count = 10)]
fn first_page_cold(bencher: Bencher) {
    bencher.bench_local(|| ws().catalog_page(0, 50, None, false, None).unwrap());
}

/// The hygiene report over all 50,000 products.
#[divan::bench(sample_count = 10)]
fn hygiene_report(bencher: Bencher) {
    let ws = ws();
    bencher.bench_local(|| ws.catalog_hygiene(black_box(90)).unwrap());
}
