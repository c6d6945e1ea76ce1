//! Whole-page decisions on a realistic generated plan (DESIGN §10): 50
//! segments, 200 entries, 10 placements over 4 page types, a 5,000-product
//! catalog. Also a straightforward baseline (JSON shopper, recursive walk
//! over the condition AST, linear scans over entries and catalog) in the
//! same run, and compiling a 1,000-entry plan.
//!
//! Run: `cargo bench -p tailor-benches --bench decide`

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use divan::{Bencher, black_box};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value as Json, json};
use tailor_engine::plan::{Context, PageRef, PageRequest, Plan, decide};
use tailor_engine::{Shopper, bucket, shopper_from_json};
use tailor_model::condition::parse;
use tailor_model::plan::{
    Campaign, Constraints, ContentBody, EntryContent, EntryStatus, PageType, Placement, PlacementKind,
    PlanEntry, Product, ProductSet, ProductStrategy, Schedule, SortStrategy, Variant,
};
use tailor_model::spec::Snapshot;
use tailor_model::{AttrType, Attribute, Segment, SegmentName};

mod common;

use common::{Rng, content};

fn main() {
    divan::main();
}

const AT: &str = "2026-11-25T10:00:00Z";
const CATEGORIES: usize = 20;
const DEVICES: [&str; 3] = ["mobile", "desktop", "tablet"];
const TIERS: [&str; 4] = ["gold", "silver", "bronze", "none"];
const VIEWED: [&str; 8] = ["running", "hiking", "tennis", "yoga", "cycling", "swimming", "skin", "home"];


fn attributes() -> Vec<Attribute> {
    let mut visitor = Attribute::new("visitor_type", AttrType::Enum);
    visitor.values = vec!["new".into(), "returning".into()];
    vec![
        visitor,
        Attribute::new("device", AttrType::String),
        Attribute::new("tier", AttrType::String),
        Attribute::new("cart_value", AttrType::Number),
        Attribute::new("viewed_categories", AttrType::StringList),
        Attribute::new("last_order", AttrType::Date),
        Attribute::new("recently_viewed", AttrType::StringList),
        Attribute::new("saved_items", AttrType::StringList),
        Attribute::new("purchased_items", AttrType::StringList),
        Attribute::new("consent", AttrType::Bool),
    ]
}

fn segment_text(r: &mut Rng) -> String {
    let d = DEVICES[r.below(3)];
    let v = VIEWED[r.below(VIEWED.len())];
    match r.below(6) {
        0 => format!(r#"visitor_type = "returning" and device = "{d}""#),
        1 => format!("cart_value > {}", 20 + r.below(150)),
        2 => format!(r#""{v}" in viewed_categories and device != "{d}""#),
        3 => format!(r#"tier in ["gold", "silver"] and last_order within_last {} days"#, 30 + r.below(300)),
        4 => format!(r#"not device = "{d}" and cart_value between {} and {}"#, r.below(50), 60 + r.below(100)),
        _ => format!(r#"visitor_type = "new" and ("{v}" in viewed_categories or tier = "gold")"#),
    }
}


fn set(strategy: ProductStrategy, size: u32, category: Option<String>) -> ContentBody {
    ContentBody::ProductSet(ProductSet {
        strategy,
        size,
        min_size: 2,
        category,
        match_on: vec!["collection".into(), "colour".into()],
        compatible: vec!["cleanser -> toner".into(), "tent -> sleeping_bag".into()],
        source: None,
        exclude_purchased: strategy == ProductStrategy::TopInCategory,
    })
}

/// A realistic workspace with `entries` plan entries.
fn snapshot(entries: usize) -> Snapshot {
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
    let strategies = [
        ProductStrategy::TopInCategory,
        ProductStrategy::RecentlyViewed,
        ProductStrategy::Coordinated,
        ProductStrategy::Compatible,
        ProductStrategy::Replenishment,
        ProductStrategy::RestockSaved,
        ProductStrategy::Upsell,
    ];
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
    let placements: Vec<(String, PlacementKind, &str)> = page_types
        .iter()
        .flat_map(|p| p.placements.iter().map(move |pl| (format!("{}.{}", p.name, pl.name), pl.kind, p.stage.as_str())))
        .collect();
    let mut plan = Vec::new();
    for i in 0..entries {
        let (placement, kind, stage) = &placements[i % placements.len()];
        let pick = |r: &mut Rng| match kind {
            K::Banner => format!("banner_{}", 2 + r.below(10)),
            K::Promotion => format!("promo_{}", 1 + r.below(11)),
            K::Message => format!("message_{}", 1 + r.below(11)),
            K::Badge => format!("badge_{}", 1 + r.below(11)),
            K::Sort => format!("sort_{}", 1 + r.below(11)),
            _ => format!("set_{}_{}", r.below(7), r.below(2)),
        };
        let content = if r.chance(15) {
            EntryContent::Variants {
                variants: vec![Variant { content: pick(&mut r), weight: 0.5 }, Variant { content: pick(&mut r), weight: 0.5 }],
            }
        } else {
            EntryContent::Single { content: pick(&mut r) }
        };
        plan.push(PlanEntry {
            id: format!("entry_{i:04}"),
            segment: SegmentName(format!("segment_{:02}", r.below(50))),
            stage: (*stage).to_owned(),
            placement: placement.clone(),
            content,
            priority: r.below(10) as i64,
            holdout: if r.chance(20) { 10.0 } else { 0.0 },
            campaign: r.chance(30).then(|| format!("campaign_{}", r.below(3))),
            schedule: r.chance(10).then(|| Schedule {
                start: Some("2026-11-01T00:00".parse().expect("datetime")),
                end: Some("2026-12-01T00:00".parse().expect("datetime")),
                tz: "America/New_York".into(),
            }),
            goal: None,
            owner: None,
            review_by: None,
            status: if r.chance(5) { EntryStatus::Paused } else { EntryStatus::Active },
            doc: Default::default(),
        });
    }
    let tags = ["new", "premium", "bundle", "cleanser", "toner", "tent", "sleeping_bag", "xmas"];
    let catalog = (0..5_000)
        .map(|i| {
            let mut attributes = BTreeMap::new();
            attributes.insert("colour".to_owned(), format!("colour_{}", r.below(12)));
            attributes.insert("size".to_owned(), format!("{}ml", 50 * (1 + r.below(4))));
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
                reorder_interval_days: r.chance(30).then(|| 30 + r.below(60) as u32),
                rank: Some(1 + r.below(2_000) as u32),
                image_url: None,
                updated: None,
            }
        })
        .collect();
    let constraints = Constraints {
        margin_floor: Some(0.15),
        min_stock: Some(2),
        max_price_jump: Some(0.3),
        no_duplicate_products: true,
        seasonal: vec![tailor_model::plan::SeasonalWindow {
            name: "xmas".into(),
            tag: "xmas".into(),
            start: "11-15".into(),
            end: "12-31".into(),
            tz: "Europe/Paris".into(),
        }],
        consent_by_default: true,
    };
    Snapshot {
        attributes: attributes(),
        segments,
        stages: vec![],
        page_types,
        content: contents,
        campaigns,
        plan,
        constraints,
        catalog,
    }
}

/// A request as it arrives: shopper JSON, page, current product.
struct Visit {
    shopper: serde_json::Map<String, Json>,
    typed: Shopper,
    page: usize,
    product: Option<String>,
}

fn visits(plan: &Plan) -> Vec<Visit> {
    let mut r = Rng(0xC0FF_EE00_1234_5678);
    let today = Date::constant(2026, 11, 25);
    let skus = |r: &mut Rng, dated: bool| -> Vec<Json> {
        (0..r.below(8))
            .map(|_| {
                let id = format!("sku-{:05}", r.below(5_000));
                if dated {
                    let d = today - jiff::Span::new().days(r.below(120) as i64);
                    json!(format!("{id}@{d}"))
                } else {
                    json!(id)
                }
            })
            .collect()
    };
    (0..1_000)
        .map(|i| {
            let mut o = serde_json::Map::new();
            o.insert("id".into(), json!(format!("shopper-{i:06}")));
            o.insert("visitor_type".into(), json!(if r.chance(70) { "returning" } else { "new" }));
            o.insert("device".into(), json!(DEVICES[r.below(3)]));
            o.insert("tier".into(), json!(TIERS[r.below(4)]));
            o.insert("cart_value".into(), json!(r.below(20_000) as f64 / 100.0));
            let viewed: Vec<Json> = (0..r.below(4)).map(|_| json!(VIEWED[r.below(VIEWED.len())])).collect();
            o.insert("viewed_categories".into(), Json::Array(viewed));
            if r.chance(70) {
                o.insert("last_order".into(), json!((today - jiff::Span::new().days(r.below(400) as i64)).to_string()));
            }
            o.insert("recently_viewed".into(), Json::Array(skus(&mut r, false)));
            o.insert("saved_items".into(), Json::Array(skus(&mut r, false)));
            o.insert("purchased_items".into(), Json::Array(skus(&mut r, true)));
            if r.chance(10) {
                o.insert("consent".into(), json!(false));
            }
            let id = format!("shopper-{i:06}");
            let typed = shopper_from_json(&id, &o, plan.schema()).expect("valid shopper");
            let page = r.below(4);
            let product = (page >= 1).then(|| format!("sku-{:05}", r.below(5_000)));
            Visit { shopper: o, typed, page, product }
        })
        .collect()
}

static SNAPSHOT: LazyLock<Snapshot> = LazyLock::new(|| snapshot(200));
static PLAN: LazyLock<Plan> = LazyLock::new(|| Plan::compile(&SNAPSHOT).expect("generated plan compiles"));
static VISITS: LazyLock<Vec<Visit>> = LazyLock::new(|| visits(&PLAN));
static SNAPSHOT_1000: LazyLock<Snapshot> = LazyLock::new(|| snapshot(1_000));

fn request(v: &Visit, explain: bool) -> PageRequest {
    PageRequest {
        page: PageRef::Index(v.page),
        at: AT.parse().expect("timestamp"),
        context: Context { product: v.product.clone(), ..Context::default() },
        explain,
    }
}

/// Cycles through the visits, one per iteration.
fn bench_visits(bencher: Bencher, explain: bool) {
    let (plan, visits) = (&*PLAN, &*VISITS);
    let requests: Vec<PageRequest> = visits.iter().map(|v| request(v, explain)).collect();
    let i = Cell::new(0usize);
    bencher.bench_local(|| {
        let k = i.get();
        i.set((k + 1) % visits.len());
        decide(plan, &visits[k].typed, black_box(&requests[k])).expect("decides")
    });
}

/// One whole page, typed shopper, no trace: the service's hot path. Each
/// sample is one visit, so the median is the median over visits.
#[divan::bench(sample_count = 3000, sample_size = 1)]
fn page_decision(bencher: Bencher) {
    bench_visits(bencher, false);
}

/// The same with the why/why-not trace (`explain: true`).
#[divan::bench(sample_count = 3000, sample_size = 1)]
fn page_decision_traced(bencher: Bencher) {
    bench_visits(bencher, true);
}

/// The straightforward implementation, same visits, same plan.
#[divan::bench(sample_count = 3000, sample_size = 1)]
fn baseline_page_decision(bencher: Bencher) {
    let (snapshot, visits) = (&*SNAPSHOT, &*VISITS);
    let at: Timestamp = AT.parse().expect("timestamp");
    let pages = ["home", "category", "product", "cart"];
    let i = Cell::new(0usize);
    bencher.bench_local(|| {
        let k = i.get();
        i.set((k + 1) % visits.len());
        let v = &visits[k];
        baseline::decide(snapshot, black_box(&v.shopper), pages[v.page], v.product.as_deref(), at)
    });
}

/// Compile (validate, index, convert) a 1,000-entry plan.
#[divan::bench(sample_count = 20)]
fn compile_1000_entries(bencher: Bencher) {
    let snapshot = &*SNAPSHOT_1000;
    bencher.bench(|| Plan::compile(black_box(snapshot)).expect("compiles"));
}

/// How most people would write it: JSON values, a recursive walk over the
/// AST, linear scans and per-request time zone conversions.
mod baseline {
    use super::*;
    use crate::common::json_walk::eval;

    pub fn decide(
        s: &Snapshot,
        shopper: &serde_json::Map<String, Json>,
        page: &str,
        product: Option<&str>,
        at: Timestamp,
    ) -> Vec<(String, Option<String>, Vec<String>)> {
        let Some(pt) = s.page_types.iter().find(|p| p.name == page) else { return vec![] };
        let today = at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        let shopper_id = shopper.get("id").and_then(Json::as_str).unwrap_or("");
        let consent = shopper.get("consent").and_then(Json::as_bool).unwrap_or(s.constraints.consent_by_default);
        let rank = |e: &PlanEntry| {
            let c = e.campaign.as_ref().and_then(|c| s.campaigns.iter().find(|x| &x.name == c)).map_or(u32::MAX, |c| c.rank);
            (c, -e.priority, e.id.clone())
        };
        let mut winners: Vec<(usize, &PlanEntry)> = Vec::new();
        for (j, pl) in pt.placements.iter().enumerate() {
            let id = format!("{}.{}", pt.name, pl.name);
            let mut candidates: Vec<&PlanEntry> = s
                .plan
                .iter()
                .filter(|e| {
                    e.placement == id
                        && e.status == EntryStatus::Active
                        && e.stage == pt.stage
                        && consent
                        && e.campaign.as_ref().is_none_or(|c| {
                            s.campaigns.iter().find(|x| &x.name == c).is_some_and(|c| {
                                let tz = jiff::tz::TimeZone::get(&c.tz).expect("tz");
                                let day = at.to_zoned_datetime(tz).date();
                                c.start.is_none_or(|d| d <= day) && c.end.is_none_or(|d| day <= d)
                            })
                        })
                        && e.schedule.as_ref().is_none_or(|sch| {
                            let tz = jiff::tz::TimeZone::get(&sch.tz).expect("tz");
                            let local = at.to_zoned_datetime(tz).datetime();
                            sch.start.is_none_or(|d| d <= local) && sch.end.is_none_or(|d| local < d)
                        })
                        && s.segments.iter().find(|sg| sg.name == e.segment).is_some_and(|sg| eval(&sg.condition, shopper, today))
                })
                .collect();
            candidates.sort_by_key(|e| rank(e));
            if let Some(w) = candidates.first() {
                winners.push((j, w));
            }
        }
        winners.sort_by_key(|(_, e)| rank(e));
        winners.truncate(pt.max_blocks as usize);
        let current = product.and_then(|id| s.catalog.iter().find(|p| p.id == id));
        let mut shown: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for (j, pl) in pt.placements.iter().enumerate() {
            let mut content = pl.default.clone();
            if let Some((_, e)) = winners.iter().find(|(k, _)| *k == j) {
                let b = bucket(&e.id, shopper_id);
                if b >= e.holdout / 100.0 {
                    let vs = e.variants();
                    let p = (b - e.holdout / 100.0) / (1.0 - e.holdout / 100.0);
                    let mut acc = 0.0;
                    let mut chosen = vs.last().map(|v| v.0.to_owned());
                    for (c, w) in &vs {
                        acc += w;
                        if p < acc {
                            chosen = Some((*c).to_owned());
                            break;
                        }
                    }
                    content = chosen;
                }
            }
            let body = content.as_ref().and_then(|c| s.content.iter().find(|x| &x.id == c)).map(|c| &c.body);
            let mut products = Vec::new();
            if let Some(ContentBody::ProductSet(ps)) = body {
                let category = ps.category.clone().or_else(|| current.and_then(|p| p.category.clone()));
                let mut list: Vec<&Product> = s
                    .catalog
                    .iter()
                    .filter(|p| match ps.strategy {
                        ProductStrategy::TopInCategory => category.is_some() && p.category == category,
                        ProductStrategy::Coordinated => current.is_some_and(|c| c.collection.is_some() && p.collection == c.collection && p.id != c.id),
                        ProductStrategy::Upsell => current.is_some_and(|c| p.category == c.category && p.price > c.price && p.tags.iter().any(|t| t == "premium")),
                        _ => ["recently_viewed", "saved_items", "purchased_items"].iter().any(|k| {
                            shopper.get(*k).and_then(Json::as_array).is_some_and(|a| {
                                a.iter().any(|x| x.as_str().is_some_and(|x| x.split('@').next() == Some(p.id.as_str())))
                            })
                        }),
                    })
                    .filter(|p| s.constraints.min_stock.is_none_or(|m| p.stock.is_some_and(|st| st >= m)))
                    .filter(|p| s.constraints.margin_floor.is_none_or(|f| p.effective_margin().is_some_and(|m| m >= f)))
                    .filter(|p| !shown.contains(&p.id))
                    .collect();
                list.sort_by(|a, b| a.rank.cmp(&b.rank).then(b.stock.cmp(&a.stock)).then(a.id.cmp(&b.id)));
                products = list.iter().take(ps.size as usize).map(|p| p.id.clone()).collect();
                shown.extend(products.iter().cloned());
            }
            out.push((format!("{}.{}", pt.name, pl.name), content, products));
        }
        out
    }
}
