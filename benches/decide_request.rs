//! What the decision service does per `/v1/decide` request, step by step,
//! on the apparel example: parse the JSON body, decide the page, write the
//! JSON answer. Sets the load test's figures (docs/PERFORMANCE.md) apart:
//! everything here is the service's own work; the rest is HTTP and TCP.
//!
//! Run: `cargo bench -p tailor-benches --bench decide_request`

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use jiff::Timestamp;
use tailor_engine::plan::{DecisionRequest, Plan, decide_body, decide_json};
use tailor_store::Workspace;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Fixture {
    plan: Plan,
    /// Request bodies of sample shoppers on the home page, as storefronts send them.
    bodies: Vec<Vec<u8>>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::create(dir.path().join("apparel.tailor")).unwrap();
    tailor_store::load_example(&mut ws, "apparel").unwrap();
    let plan = Plan::compile(&ws.snapshot().unwrap()).unwrap();
    let bodies = ws
        .shopper_page(0, 200)
        .unwrap()
        .rows
        .into_iter()
        .map(|row| {
            let mut shopper = row.values;
            shopper.insert("id".into(), row.id.into());
            serde_json::to_vec(&serde_json::json!({"shopper": shopper, "page": "home"})).unwrap()
        })
        .collect();
    Fixture { plan, bodies }
});

fn main() {
    divan::main();
}

fn each(bencher: Bencher, f: impl Fn(&[u8]) -> usize + Sync) {
    let fx = &*FIXTURE;
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) % fx.bodies.len();
        black_box(f(&fx.bodies[i]))
    });
}

#[divan::bench(sample_count = 2000, sample_size = 20)]
fn parse_body(bencher: Bencher) {
    each(bencher, |body| serde_json::from_slice::<DecisionRequest>(body).unwrap().shopper.len());
}

#[divan::bench(sample_count = 2000, sample_size = 20)]
fn parse_and_decide(bencher: Bencher) {
    let now = Timestamp::now();
    each(bencher, |body| {
        let req: DecisionRequest = serde_json::from_slice(body).unwrap();
        decide_json(&FIXTURE.plan, &req, now).unwrap().blocks.len()
    });
}

#[divan::bench(sample_count = 2000, sample_size = 20)]
fn parse_decide_and_answer(bencher: Bencher) {
    let now = Timestamp::now();
    each(bencher, |body| {
        let req: DecisionRequest = serde_json::from_slice(body).unwrap();
        let decision = decide_json(&FIXTURE.plan, &req, now).unwrap();
        serde_json::to_vec(&decision).unwrap().len()
    });
}

/// What the service runs: the body read straight into the shopper's slots.
#[divan::bench(sample_count = 2000, sample_size = 20)]
fn body_decide_and_answer(bencher: Bencher) {
    let now = Timestamp::now();
    each(bencher, |body| {
        let made = decide_body(&FIXTURE.plan, body, now).unwrap();
        serde_json::to_vec(&made.decision).unwrap().len()
    });
}
