//! Engine invariants over generated plans and shoppers (DESIGN §5).

use std::collections::HashSet;

use jiff::Timestamp;
use proptest::prelude::*;
use serde_json::{Value as Json, json};
use tailor_engine::plan::{FallbackReason, PageOutcome, PageRef, PageRequest, Plan, decide, decide_into};
use tailor_engine::{ColumnarTable, Shopper, shopper_from_json};
use tailor_model::condition::parse;
use tailor_model::plan::{
    Constraints, Content, ContentBody, EntryContent, EntryStatus, PageType, Placement, PlacementKind, PlanEntry, Product,
    ProductSet, ProductStrategy, Schedule, SeasonalWindow, Variant,
};
use tailor_model::spec::Snapshot;
use tailor_model::{AttrType, Attribute, Segment, SegmentName};

/// xorshift64*: a generated case is a seed, so failures replay exactly.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
}

const STRATEGIES: [ProductStrategy; 7] = [
    ProductStrategy::TopInCategory,
    ProductStrategy::RecentlyViewed,
    ProductStrategy::Coordinated,
    ProductStrategy::Compatible,
    ProductStrategy::Replenishment,
    ProductStrategy::RestockSaved,
    ProductStrategy::Upsell,
];
const CONDITIONS: [&str; 5] = [
    "",
    r#"tier = "gold""#,
    r#"tier in ["gold", "silver"] and spend > 50"#,
    r#""p1" in recently_viewed or spend <= 20"#,
    r#"not tier = "bronze""#,
];

fn product_set(r: &mut Rng) -> ProductSet {
    let size = 1 + r.below(5) as u32;
    ProductSet {
        strategy: STRATEGIES[r.below(7) as usize],
        size,
        min_size: 1 + r.below(u64::from(size)) as u32,
        category: r.chance(0.3).then(|| format!("c{}", r.below(3))),
        match_on: vec!["collection".into(), "colour".into()],
        compatible: vec!["t0 -> t1".into(), "t1 -> t2".into()],
        source: None,
        exclude_purchased: r.chance(0.5),
    }
}

fn gen_plan(seed: u64) -> Snapshot {
    let mut r = Rng(seed | 1);
    let attributes = vec![
        Attribute::new("tier", AttrType::String),
        Attribute::new("spend", AttrType::Number),
        Attribute::new("recently_viewed", AttrType::StringList),
        Attribute::new("saved_items", AttrType::StringList),
        Attribute::new("purchased_items", AttrType::StringList),
    ];
    let segments = CONDITIONS
        .iter()
        .enumerate()
        .map(|(i, c)| Segment {
            name: SegmentName(format!("seg{i}")),
            condition: parse(c).unwrap(),
            owner: None,
            description: None,
            review_by: None,
            doc: Default::default(),
        })
        .collect();
    let mut content = Vec::new();
    let mut page_types = Vec::new();
    let kinds = [PlacementKind::Banner, PlacementKind::ProductSet, PlacementKind::Promotion];
    for page in 0..2 {
        let mut placements = Vec::new();
        for pl in 0..3 {
            let kind = kinds[(r.below(3)) as usize];
            let id = format!("d{page}{pl}");
            let body = match kind {
                PlacementKind::ProductSet => ContentBody::ProductSet(product_set(&mut r)),
                PlacementKind::Banner => ContentBody::Banner { headline: id.clone(), body: None, image_url: None, link: None },
                _ => ContentBody::Promotion { offer: id.clone(), code: None, discount: None },
            };
            content.push(Content { id: id.clone(), body, owner: None, review_by: None, tags: vec![], doc: Default::default() });
            for v in 0..2 {
                let body = match &content.last().unwrap().body {
                    ContentBody::ProductSet(_) => ContentBody::ProductSet(product_set(&mut r)),
                    other => other.clone(),
                };
                content.push(Content { id: format!("{id}v{v}"), body, owner: None, review_by: None, tags: vec![], doc: Default::default() });
            }
            placements.push(Placement { name: format!("pl{pl}"), kind, default: r.chance(0.9).then_some(id) });
        }
        page_types.push(PageType {
            name: format!("page{page}"),
            stage: "discovery".into(),
            max_blocks: r.below(4) as u32,
            placements,
        });
    }
    let mut plan = Vec::new();
    for i in 0..(5 + r.below(20)) {
        let page = r.below(2);
        let pl = r.below(3);
        let base = format!("d{page}{pl}");
        let content = if r.chance(0.3) {
            let w = (r.below(9) + 1) as f64 / 10.0;
            EntryContent::Variants {
                variants: vec![
                    Variant { content: format!("{base}v0"), weight: w },
                    Variant { content: format!("{base}v1"), weight: 1.0 - w },
                ],
            }
        } else {
            EntryContent::Single { content: format!("{base}v{}", r.below(2)) }
        };
        plan.push(PlanEntry {
            id: format!("e{i}"),
            segment: SegmentName(format!("seg{}", r.below(CONDITIONS.len() as u64))),
            stage: "discovery".into(),
            placement: format!("page{page}.pl{pl}"),
            content,
            priority: r.below(4) as i64,
            holdout: if r.chance(0.3) { r.below(50) as f64 } else { 0.0 },
            campaign: None,
            schedule: r.chance(0.2).then(|| Schedule {
                start: Some("2026-06-01T00:00".parse().unwrap()),
                end: None,
                tz: "Europe/Paris".into(),
            }),
            goal: None,
            owner: None,
            review_by: None,
            status: if r.chance(0.1) { EntryStatus::Paused } else { EntryStatus::Active },
            doc: Default::default(),
        });
    }
    let catalog = (0..30)
        .map(|i| {
            let mut attrs = std::collections::BTreeMap::new();
            attrs.insert("colour".to_owned(), format!("col{}", r.below(3)));
            attrs.insert("size".to_owned(), format!("{}ml", 10 * (1 + r.below(5))));
            Product {
                id: format!("p{i}"),
                title: format!("Product {i}"),
                category: Some(format!("c{}", r.below(3))),
                price: r.chance(0.9).then(|| (1 + r.below(200)) as f64),
                cost: None,
                margin: r.chance(0.8).then(|| r.below(100) as f64 / 100.0),
                stock: r.chance(0.9).then(|| r.below(10) as i64 - 2),
                collection: r.chance(0.5).then(|| format!("coll{}", r.below(2))),
                tags: ["t0", "t1", "t2", "summer", "premium"].iter().filter(|_| r.chance(0.3)).map(|t| (*t).to_owned()).collect(),
                attributes: attrs,
                reorder_interval_days: r.chance(0.5).then(|| r.below(60) as u32),
                rank: r.chance(0.7).then(|| r.below(50) as u32),
                image_url: None,
                updated: None,
            }
        })
        .collect();
    let constraints = Constraints {
        margin_floor: r.chance(0.5).then(|| r.below(50) as f64 / 100.0),
        min_stock: r.chance(0.5).then(|| r.below(4) as i64),
        max_price_jump: r.chance(0.5).then(|| r.below(100) as f64 / 100.0),
        no_duplicate_products: true,
        seasonal: vec![SeasonalWindow {
            name: "summer".into(),
            tag: "summer".into(),
            start: "06-01".into(),
            end: "08-31".into(),
            tz: "UTC".into(),
        }],
        consent_by_default: r.chance(0.5),
    };
    Snapshot { attributes, segments, stages: vec![], page_types, content, campaigns: vec![], plan, constraints, catalog }
}

fn gen_shopper(seed: u64, plan: &Plan) -> Shopper {
    let mut r = Rng(seed.rotate_left(17) | 1);
    let ids = |r: &mut Rng| -> Vec<Json> {
        (0..r.below(6)).map(|_| json!(format!("p{}@2026-0{}-01", r.below(30), 1 + r.below(9)))).collect()
    };
    let mut obj = serde_json::Map::new();
    obj.insert("tier".into(), json!(["gold", "silver", "bronze"][r.below(3) as usize]));
    obj.insert("spend".into(), json!(r.below(100)));
    obj.insert("recently_viewed".into(), Json::Array(ids(&mut r)));
    obj.insert("saved_items".into(), Json::Array(ids(&mut r)));
    obj.insert("purchased_items".into(), Json::Array(ids(&mut r)));
    match r.below(3) {
        0 => drop(obj.insert("consent".into(), json!(false))),
        1 => drop(obj.insert("consent".into(), json!(true))),
        _ => {}
    }
    shopper_from_json(&format!("shopper-{seed}"), &obj, plan.schema()).unwrap()
}

fn request(seed: u64, page: usize) -> PageRequest {
    let mut r = Rng(seed.rotate_left(31) | 1);
    let at = Timestamp::from_second(1_767_225_600 + r.below(365 * 86_400) as i64).unwrap();
    let context = tailor_engine::plan::Context {
        product: r.chance(0.7).then(|| format!("p{}", r.below(32))),
        ..Default::default()
    };
    PageRequest { page: PageRef::Index(page), at, context, explain: r.chance(0.5) }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn decisions_respect_every_invariant(plan_seed: u64, shopper_seed: u64, page in 0usize..2) {
        let snapshot = gen_plan(plan_seed);
        let plan = Plan::compile(&snapshot).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let shopper = gen_shopper(shopper_seed, &plan);
        let req = request(shopper_seed, page);
        let d = decide(&plan, &shopper, &req).unwrap();

        // Deterministic.
        prop_assert_eq!(&d, &decide(&plan, &shopper, &req).unwrap());
        // Never over the page cap.
        let max_blocks = snapshot.page_types[page].max_blocks as usize;
        prop_assert!(d.blocks.iter().filter(|b| b.personalized).count() <= max_blocks);
        // No product twice on a page.
        let mut seen = HashSet::new();
        for b in &d.blocks {
            for p in &b.products {
                prop_assert!(seen.insert(p.clone()), "{} shown twice", p);
            }
        }
        // No consent, no personalization.
        let consent = match shopper.value(plan.schema().slot("consent").unwrap()) {
            tailor_engine::Value::Bool(b) => *b,
            _ => snapshot.constraints.consent_by_default,
        };
        if !consent {
            prop_assert!(d.blocks.iter().all(|b| !b.personalized));
        }
        // Every product shown satisfies the constraints.
        let k = &snapshot.constraints;
        let local = jiff::tz::Offset::UTC.to_datetime(req.at);
        let summer = (6..=8).contains(&local.month());
        let anchor = req.context.product.as_deref().and_then(|id| plan.product(id)).and_then(|p| p.price);
        for b in &d.blocks {
            for id in &b.products {
                let p = plan.product(id).unwrap();
                if let Some(m) = k.min_stock { prop_assert!(p.stock.is_some_and(|s| s >= m)); }
                if let Some(f) = k.margin_floor { prop_assert!(p.effective_margin().is_some_and(|m| m >= f)); }
                if let (Some(j), Some(a)) = (k.max_price_jump, anchor) {
                    prop_assert!(p.price.is_some_and(|price| price <= a * (1.0 + j)));
                }
                if p.tags.iter().any(|t| t == "summer") { prop_assert!(summer); }
            }
        }
    }
}

/// A block as compared: content, entry, segment, products, personalized,
/// held out, propensity's bits.
type BlockIds = (Option<String>, Option<String>, Option<String>, Vec<String>, bool, bool, u64);

/// The decision `decide_into` gives, written out with the plan's ids.
fn written_out(plan: &Plan, out: &PageOutcome) -> Vec<BlockIds> {
    out.blocks
        .iter()
        .map(|b| {
            (
                b.content.map(|c| plan.content_at(c).id.clone()),
                b.entry.map(|e| plan.entry_id(e).to_owned()),
                b.entry.map(|e| plan.entry_segment(e).to_owned()),
                out.products[b.products.start as usize..b.products.end as usize].iter().map(|&p| plan.product_at(p).id.clone()).collect(),
                b.personalized,
                b.holdout,
                b.propensity.to_bits(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Batch simulation's path: segment matches evaluated for a batch of
    /// shoppers through the columnar table, then each page decided by index
    /// with those matches, one reused outcome for every page (whose memory
    /// of earlier pages answers repeated requests). It gives what `decide`
    /// gives, block by block, reasons and shortfall counts included.
    #[test]
    fn deciding_by_index_with_columnar_segment_matches_is_decide(plan_seed: u64, shopper_seed: u64) {
        check_batch_path(plan_seed, shopper_seed)?;
    }
}

/// The batch memory is used: over a few plans, many pages come from it, and
/// they are `decide`'s (checked block by block in `check_batch_path`).
#[test]
fn the_batch_path_answers_repeated_pages_from_memory() {
    let hits: u64 = (0..20).map(|seed| check_batch_path(seed, seed * 7919).unwrap()).sum();
    assert!(hits > 100, "only {hits} pages from memory");
}

/// [`deciding_by_index_with_columnar_segment_matches_is_decide`]: returns
/// the pages answered from memory.
fn check_batch_path(plan_seed: u64, shopper_seed: u64) -> Result<u64, TestCaseError> {
    {
        let plan = Plan::compile(&gen_plan(plan_seed)).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let shoppers: Vec<Shopper> = (0..40).map(|i| gen_shopper(shopper_seed.wrapping_add(i), &plan)).collect();
        let rows: Vec<&Shopper> = shoppers.iter().collect();
        let columns = ColumnarTable::from_rows(plan.schema(), &rows);
        let mut out = PageOutcome::default();
        for (k, shopper) in shoppers.iter().enumerate() {
            for page in 0..2 {
                // Three requests per page, repeated from shopper to shopper.
                let req = request(shopper_seed.wrapping_add(k as u64 % 3), page);
                let today = jiff::tz::Offset::UTC.to_datetime(req.at).date();
                let evaluators: Vec<_> = plan.segment_conditions().map(|(_, _, c)| c.on(today)).collect();
                let matches = columns.evaluate_all(&evaluators);
                let mut known = vec![0u64; matches.len().div_ceil(64)];
                for (s, bits) in matches.iter().enumerate() {
                    if bits.get(k) {
                        known[s / 64] |= 1 << (s % 64);
                    }
                }
                let d = decide(&plan, shopper, &PageRequest { explain: true, ..req.clone() }).unwrap();
                let expected: Vec<_> = d
                    .blocks
                    .iter()
                    .map(|b| (b.content.clone(), b.entry.clone(), b.segment.clone(), b.products.clone(), b.personalized, b.holdout, b.propensity.to_bits()))
                    .collect();
                for segments in [None, Some(known.as_slice())] {
                    decide_into(&plan, shopper, &req, segments, &mut out).unwrap();
                    prop_assert_eq!(&written_out(&plan, &out), &expected);
                    for (j, (b, db)) in out.blocks.iter().zip(&d.blocks).enumerate() {
                        prop_assert_eq!(b.fallback_reason, db.fallback_reason);
                        // The shortfall counts are the trace's first product set's.
                        let traced = d.trace.as_ref().and_then(|t| t.placements[j].products.first());
                        match b.shortfall {
                            Some(s) => prop_assert_eq!(Some((s.counts, s.min_size)), traced.map(|p| (p.counts, p.min_size))),
                            None => prop_assert_ne!(db.fallback_reason, Some(FallbackReason::TooFewProducts)),
                        }
                    }
                }
            }
        }
        Ok(out.memo_hits())
    }
}
