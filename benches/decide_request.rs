//! What the decision service does per `/v1/decide` request, step by step,
//! on the apparel example: parse the JSON body, decide the page, write the
//! JSON answer. Sets the load test's figures (docs/PERFORMANCE.md) apart:
//! everything here is the service's own work; the rest is HTTP and TCP.
//!
//! Run: `cargo bench -p tailor-benches --bench decide_request`

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use jiff::Timestamp;
use tailor_engine::plan::{DecisionRequest, Plan, decide_body, decide_context_body, decide_json};
use tailor_store::Workspace;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Fixture {
    plan: Plan,
    /// Request bodies of sample shoppers on the home page, as storefronts send them.
    bodies: Vec<Vec<u8>>,
    /// The same shoppers as OFREP evaluation contexts (`targetingKey`, flat attributes).
    contexts: Vec<Vec<u8>>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::create(dir.path().join("apparel.tailor")).unwrap();
    tailor_store::load_example(&mut ws, "apparel").unwrap();
    let plan = Plan::compile(&ws.snapshot().unwrap()).unwrap();
    let rows = ws.shopper_page(0, 200).unwrap().rows;
    let (mut bodies, mut contexts) = (Vec::new(), Vec::new());
    for row in rows {
        let mut context = row.values.clone();
        context.insert("targetingKey".into(), row.id.clone().into());
        contexts.push(serde_json::to_vec(&serde_json::json!({ "context": context })).unwrap());
        let mut shopper = row.values;
        shopper.insert("id".into(), row.id.into());
        bodies.push(serde_json::to_vec(&serde_json::json!({"shopper": shopper, "page": "home"})).unwrap());
    }
    Fixture { plan, bodies, contexts }
});

fn main() {
    divan::main();
}

fn each(bencher: Bencher, f: impl Fn(&[u8]) -> usize + Sync) {
    each_of(bencher, &FIXTURE.bodies, f);
}

fn each_of(bencher: Bencher, bodies: &[Vec<u8>], f: impl Fn(&[u8]) -> usize + Sync) {
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) % bodies.len();
        black_box(f(&bodies[i]))
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

/// The OFREP path's engine part: a flat evaluation context read into the
/// shopper's slots, the whole page decided (the service then answers one
/// placement's block, or all of them for bulk).
#[divan::bench(sample_count = 2000, sample_size = 20)]
fn context_body_decide_and_answer(bencher: Bencher) {
    let now = Timestamp::now();
    each_of(bencher, &FIXTURE.contexts, |body| {
        let made = decide_context_body(&FIXTURE.plan, body, Some("home"), now).unwrap();
        serde_json::to_vec(&made.decision).unwrap().len()
    });
}
