//! Batch simulation at scale (DESIGN §10: 1,000,000 shoppers × all page
//! types in < 10 s on 2 cores). Shoppers come from the seeded generator and
//! are streamed (generated, converted and decided chunk by chunk), so memory
//! stays proportional to the results. The plan is a realistic generated
//! workspace: 50 segments, 200 entries, 10 placements over 4 page types, a
//! 5,000-product catalog. Also one live-preview update: a whole page for one
//! shopper with the trace.
//!
//! Run: `cargo bench -p tailor-benches --bench simulate`

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::sync::atomic::AtomicBool;

use divan::{Bencher, black_box};
use jiff::Timestamp;
use jiff::civil::Date;
use tailor_engine::plan::{Context, PageRef, PageRequest, Plan, decide};
use tailor_engine::{Shopper, shopper_from_json};
use tailor_model::condition::parse;
use tailor_model::plan::{
    Campaign, Constraints, ContentBody, EntryContent, EntryStatus, PageType, Placement, PlacementKind,
    PlanEntry, Product, ProductSet, ProductStrategy, SortStrategy, Variant,
};
use tailor_model::spec::Snapshot;
use tailor_model::{AttrType, Attribute, Segment, SegmentName};
use tailor_sim::generator::{default_spec, generate};
use tailor_sim::simulate::{SimOptions, simulate};

/// The same allocator as the `tailor` binary and the app.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::{Rng, content};

fn main() {
    divan::main();
}

const AT: &str = "2026-11-25T10:00:00Z";
const N: u64 = 1_000_000;
const CATEGORIES: usize = 20;


fn attributes() -> Vec<Attribute> {
    let mut ct = Attribute::new("customer_type", AttrType::Enum);
    ct.values = vec!["new".into(), "returning".into(), "other".into()];
    vec![
        ct,
        Attribute::new("device", AttrType::String),
        Attribute::new("traffic_source", AttrType::String),
        Attribute::new("lifetime_value", AttrType::Number),
        Attribute::new("orders", AttrType::Number),
        Attribute::new("cart_value", AttrType::Number),
        Attribute::new("viewed_categories", AttrType::StringList),
        Attribute::new("last_order", AttrType::Date),
        Attribute::new("consent", AttrType::Bool),
    ]
}

fn segment_text(r: &mut Rng) -> String {
    let d = ["mobile", "desktop", "tablet"][r.below(3)];
    let v = ["shoes", "running", "skincare", "home", "outdoor"][r.below(5)];
    let t = ["search", "direct", "social", "email", "referral"][r.below(5)];
    match r.below(6) {
        0 => format!(r#"customer_type = "returning" and device = "{d}""#),
        1 => format!("lifetime_value > {}", 20 + r.below(400)),
        2 => format!(r#""{v}" in viewed_categories and device != "{d}""#),
        3 => format!(r#"traffic_source = "{t}" and last_order within_last {} days"#, 30 + r.below(300)),
        4 => format!(r#"not device = "{d}" and cart_value between {} and {}"#, r.below(50), 60 + r.below(100)),
        _ => format!(r#"customer_type = "new" and ("{v}" in viewed_categories or traffic_source = "{t}")"#),
    }
}


fn set(strategy: ProductStrategy, size: u32, category: Option<String>) -> ContentBody {
    ContentBody::ProductSet(ProductSet {
        strategy,
        size,
        min_size: 2,
        category,
        match_on: vec!["collection".into(), "colour".into()],
        compatible: vec![],
        source: None,
        exclude_purchased: false,
    })
}

fn snapshot() -> Snapshot {
    let mut r = Rng(0x5EED_1234_ABCD_0001);
    let segments = (0..50)
        .map(|i| Segment {
            name: SegmentName(format!("segment_{i:02}")),
            condition: parse(&segment_text(&mut r)).expect("generated condition parses"),
            owner: None,
            description: None,
            review_by: None,
            doc: Default::default(),
        })
        .collect();
    let page = |name: &str, stage: &str, max_blocks, placements: &[(&str, PlacementKind, &str)]| PageType {
        name: name.into(),
        stage: stage.into(),
        max_blocks,
        placements: placements
            .iter()
            .map(|(n, k, d)| Placement { name: (*n).into(), kind: *k, default: Some((*d).into()) })
            .collect(),
    };
    use PlacementKind as K;
    let page_types = vec![
        page("home", "discovery", 2, &[("hero", K::Banner, "banner_0"), ("promo", K::Promotion, "promo_0"), ("recs", K::ProductSet, "bestsellers")]),
        page("category", "evaluation", 2, &[("banner", K::Banner, "banner_1"), ("recs", K::ProductSet, "bestsellers"), ("sort", K::Sort, "sort_0")]),
        page("product", "evaluation", 2, &[("recs", K::ProductSet, "bestsellers"), ("upsell", K::ProductSet, "bestsellers"), ("badge", K::Badge, "badge_0")]),
        page("cart", "cart", 1, &[("message", K::Message, "message_0")]),
    ];
    let mut contents = vec![content("bestsellers".into(), set(ProductStrategy::TopInCategory, 8, Some("cat_00".into())))];
    for i in 0..12 {
        contents.push(content(format!("banner_{i}"), ContentBody::Banner { headline: format!("Banner {i}"), body: None, image_url: None, link: None }));
        contents.push(content(format!("promo_{i}"), ContentBody::Promotion { offer: format!("{}% off", 5 + i), code: None, discount: Some(5.0 + i as f64) }));
        contents.push(content(format!("message_{i}"), ContentBody::Message { text: format!("Message {i}") }));
        contents.push(content(format!("badge_{i}"), ContentBody::Badge { label: format!("Badge {i}"), tag: Some("new".into()) }));
        contents.push(content(format!("sort_{i}"), ContentBody::Sort { strategy: SortStrategy::Bestsellers }));
    }
    let strategies = [ProductStrategy::TopInCategory, ProductStrategy::Coordinated, ProductStrategy::Upsell];
    for (i, s) in strategies.iter().enumerate() {
        for j in 0..2 {
            let category = (*s == ProductStrategy::TopInCategory).then(|| format!("cat_{:02}", (i * 3 + j) % CATEGORIES));
            contents.push(content(format!("set_{i}_{j}"), set(*s, 6 + j as u32 * 2, category)));
        }
    }
    let campaigns = (0..3)
        .map(|i| Campaign {
            name: format!("campaign_{i}"),
            rank: i + 1,
            start: Some(Date::constant(2026, 11, 1)),
            end: Some(Date::constant(2026, 12, 31)),
            tz: "Europe/Paris".into(),
            owner: None,
        })
        .collect();
    let placements: Vec<(String, PlacementKind, String)> = page_types
        .iter()
        .flat_map(|p| p.placements.iter().map(move |pl| (format!("{}.{}", p.name, pl.name), pl.kind, p.stage.clone())))
        .collect();
    let mut plan = Vec::new();
    for i in 0..200 {
        let (placement, kind, stage) = &placements[i % placements.len()];
        let pick = |r: &mut Rng| match kind {
            K::Banner => format!("banner_{}", 2 + r.below(10)),
            K::Promotion => format!("promo_{}", 1 + r.below(11)),
            K::Message => format!("message_{}", 1 + r.below(11)),
            K::Badge => format!("badge_{}", 1 + r.below(11)),
            K::Sort => format!("sort_{}", 1 + r.below(11)),
            _ => format!("set_{}_{}", r.below(3), r.below(2)),
        };
        let content = if r.chance(15) {
            EntryContent::Variants { variants: vec![Variant { content: pick(&mut r), weight: 0.5 }, Variant { content: pick(&mut r), weight: 0.5 }] }
        } else {
            EntryContent::Single { content: pick(&mut r) }
        };
        plan.push(PlanEntry {
            id: format!("entry_{i:04}"),
            segment: SegmentName(format!("segment_{:02}", r.below(50))),
            stage: stage.clone(),
            placement: placement.clone(),
            content,
            priority: r.below(10) as i64,
            holdout: if r.chance(20) { 10.0 } else { 0.0 },
            campaign: r.chance(30).then(|| format!("campaign_{}", r.below(3))),
            schedule: None,
            goal: None,
            owner: None,
            review_by: None,
            status: if r.chance(5) { EntryStatus::Paused } else { EntryStatus::Active },
            doc: Default::default(),
        });
    }
    let tags = ["new", "premium", "bundle"];
    let catalog = (0..5_000)
        .map(|i| {
            let mut attributes = BTreeMap::new();
            attributes.insert("colour".to_owned(), format!("colour_{}", r.below(12)));
            Product {
                id: format!("sku-{i:05}"),
                title: format!("Product {i}"),
                category: Some(format!("cat_{:02}", r.below(CATEGORIES))),
                price: Some(5.0 + r.below(20_000) as f64 / 100.0),
                cost: None,
                margin: Some(r.below(70) as f64 / 100.0),
                stock: Some(r.below(40) as i64),
                collection: r.chance(60).then(|| format!("collection_{}", r.below(100))),
                tags: tags.iter().filter(|_| r.chance(12)).map(|t| (*t).to_owned()).collect(),
                attributes,
                reorder_interval_days: None,
                rank: Some(1 + r.below(2_000) as u32),
                image_url: None,
                updated: None,
            }
        })
        .collect();
    let constraints = Constraints { margin_floor: Some(0.15), min_stock: Some(2), max_price_jump: Some(0.3), ..Constraints::default() };
    Snapshot { attributes: attributes(), segments, stages: vec![], page_types, content: contents, campaigns, plan, constraints, catalog }
}

static SNAPSHOT: LazyLock<Snapshot> = LazyLock::new(snapshot);
static PLAN: LazyLock<Plan> = LazyLock::new(|| Plan::compile(&SNAPSHOT).expect("generated plan compiles"));

fn run(threads: usize, n: u64) -> u64 {
    let spec = default_spec();
    let mut opts = SimOptions::for_snapshot(&SNAPSHOT, AT.parse().expect("timestamp"));
    opts.threads = Some(threads);
    let stream = tailor_sim::from_maps(generate(&spec, n, 1), Some(n), "generated");
    let report = simulate(&PLAN, stream, &opts, &|_| {}, &AtomicBool::new(false)).expect("simulates");
    eprintln!(
        "\n{threads} thread(s): {} shoppers, {} page views in {} ms = {:.0} shoppers/s",
        report.shoppers,
        report.page_views,
        report.elapsed_ms,
        report.shoppers as f64 * 1000.0 / report.elapsed_ms.max(1) as f64
    );
    report.page_views
}

/// 1,000,000 generated shoppers × 4 page types, streamed.
#[divan::bench(args = [1, 2], sample_count = 3, sample_size = 1)]
fn simulate_1m(bencher: Bencher, threads: usize) {
    let _ = &*PLAN;
    bencher.bench(|| run(black_box(threads), N));
}

/// How long a 1,000,000-shopper run takes to stop once Cancel is pressed
/// 300 ms in: the time measured minus 300 ms is the cancel latency (the
/// acceptance bound is 1 s). Prints the latency of each sample.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn cancel_latency_1m(bencher: Bencher) {
    let _ = &*PLAN;
    bencher.bench(|| {
        let spec = default_spec();
        let opts = SimOptions::for_snapshot(&SNAPSHOT, AT.parse().expect("timestamp"));
        let stream = tailor_sim::from_maps(generate(&spec, N, 1), Some(N), "generated");
        let cancel = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(300));
                cancel.store(true, std::sync::atomic::Ordering::SeqCst);
            });
            let started = std::time::Instant::now();
            let out = simulate(&PLAN, stream, &opts, &|_| {}, &cancel);
            let latency = started.elapsed().saturating_sub(std::time::Duration::from_millis(300));
            eprintln!("\ncancelled: {}, stopped {} ms after Cancel", out.is_err(), latency.as_millis());
        });
    });
}

/// The generator and JSON-to-shopper conversion alone (the input side of
/// `simulate_1m`), per 100,000 shoppers, one thread.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn generate_and_convert_100k(bencher: Bencher) {
    let spec = default_spec();
    bencher.bench(|| {
        generate(&spec, 100_000, 1)
            .map(|m| shopper_from_json(m["id"].as_str().unwrap_or(""), &m, PLAN.schema()).expect("valid"))
            .count()
    });
}

/// A live preview update: one shopper's whole product page with the trace.
#[divan::bench(sample_count = 2000, sample_size = 1)]
fn live_preview_page_traced(bencher: Bencher) {
    let spec = default_spec();
    let shoppers: Vec<Shopper> = generate(&spec, 1_000, 9)
        .map(|m| shopper_from_json(m["id"].as_str().unwrap_or(""), &m, PLAN.schema()).expect("valid"))
        .collect();
    let at: Timestamp = AT.parse().expect("timestamp");
    let page = PLAN.page_index("product").expect("product page");
    let i = std::cell::Cell::new(0usize);
    bencher.bench_local(|| {
        let k = i.get();
        i.set((k + 1) % shoppers.len());
        let req = PageRequest {
            page: PageRef::Index(page),
            at,
            context: Context { product: Some(format!("sku-{:05}", k * 7 % 5_000)), ..Context::default() },
            explain: true,
        };
        decide(&PLAN, &shoppers[k], black_box(&req)).expect("decides")
    });
}
