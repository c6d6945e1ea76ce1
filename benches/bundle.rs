//! Signed bundles (DESIGN §6): canonicalise + digest + sign a bundle, and
//! verify one, for a workspace with 1,000 plan entries over 50 segments and a
//! 5,000-product catalog. Targets: build + sign < 100 ms, verify < 10 ms.
//!
//! Run: `cargo bench -p tailor-benches --bench bundle`

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use jiff::Timestamp;
use tailor_bundle::{BUNDLE_SCHEMA_VERSION, BundlePayload, SigningKey, TrustFile, build, verify, verify_strict};
use tailor_engine::plan::Plan;
use tailor_model::condition::parse;
use tailor_model::plan::{
    Content, ContentBody, DEFAULT_STAGES, Doc, EntryContent, EntryStatus, PageType, Placement,
    PlacementKind, PlanEntry, Product, ProductSet, ProductStrategy, Stage, Variant,
};
use tailor_model::spec::Snapshot;
use tailor_model::{AttrType, Attribute, Segment, SegmentName};

const SEGMENTS: usize = 50;
const ENTRIES: usize = 1_000;
const PRODUCTS: usize = 5_000;
const CATEGORIES: [&str; 10] = [
    "shirts", "trousers", "shoes", "bags", "hats", "socks", "coats", "dresses", "skirts", "belts",
];
const NOW: &str = "2026-03-10T00:00:00Z";

mod common;

use common::{Rng, content};

fn main() {
    divan::main();
}



fn snapshot() -> Snapshot {
    let mut rng = Rng(0x5EED_B0D1_E5CA_FE01);
    let mut visitor = Attribute::new("visitor_type", AttrType::Enum);
    visitor.values = vec!["new".into(), "returning".into()];
    let attributes = vec![
        visitor,
        Attribute::new("device", AttrType::String),
        Attribute::new("cart_value", AttrType::Number),
        Attribute::new("viewed_categories", AttrType::StringList),
        Attribute::new("last_order", AttrType::Date),
    ];
    let segments = (0..SEGMENTS)
        .map(|i| {
            let when = format!(
                r#"visitor_type = "{}" and cart_value > {}.5 and ("{}" in viewed_categories or device = "mobile") and last_order within_last {} days"#,
                if i % 2 == 0 { "returning" } else { "new" },
                i * 3,
                CATEGORIES[i % CATEGORIES.len()],
                30 + i
            );
            Segment {
                name: SegmentName(format!("segment_{i:02}")),
                condition: parse(&when).expect("segment condition"),
                owner: Some("growth".into()),
                description: Some(format!("Benchmark segment {i}")),
                review_by: None,
                doc: Default::default(),
            }
        })
        .collect();
    let stages = DEFAULT_STAGES
        .iter()
        .map(|s| Stage {
            name: (*s).into(),
            description: None,
        })
        .collect();

    // One page per stage, four placements each: two banners, two product sets.
    let page_types: Vec<PageType> = DEFAULT_STAGES
        .iter()
        .map(|stage| PageType {
            name: format!("{stage}_page"),
            stage: (*stage).into(),
            max_blocks: 3,
            placements: vec![
                Placement {
                    name: "hero".into(),
                    kind: PlacementKind::Banner,
                    default: Some("banner_000".into()),
                },
                Placement {
                    name: "strip".into(),
                    kind: PlacementKind::Banner,
                    default: Some("banner_001".into()),
                },
                Placement {
                    name: "recs".into(),
                    kind: PlacementKind::ProductSet,
                    default: Some("recs_000".into()),
                },
                Placement {
                    name: "more".into(),
                    kind: PlacementKind::ProductSet,
                    default: None,
                },
            ],
        })
        .collect();
    let mut contents: Vec<Content> = (0..100)
        .map(|i| {
            content(
                format!("banner_{i:03}"),
                ContentBody::Banner {
                    headline: format!("Headline number {i} for this season"),
                    body: Some("Free returns on every order, always.".into()),
                    image_url: Some(format!("https://cdn.example.com/banners/{i}.jpg")),
                    link: Some(format!("/collections/{}", CATEGORIES[i % CATEGORIES.len()])),
                },
            )
        })
        .collect();
    contents.extend((0..100).map(|i| {
        content(
            format!("recs_{i:03}"),
            ContentBody::ProductSet(ProductSet {
                strategy: ProductStrategy::TopInCategory,
                size: 4 + (i % 5) as u32,
                min_size: 2,
                category: Some(CATEGORIES[i % CATEGORIES.len()].into()),
                match_on: vec![],
                compatible: vec![],
                source: None,
                exclude_purchased: i % 3 == 0,
            }),
        )
    }));

    let plan = (0..ENTRIES)
        .map(|i| {
            let page = &page_types[i % page_types.len()];
            let placement = &page.placements[(i / page_types.len()) % page.placements.len()];
            let prefix = if placement.kind == PlacementKind::Banner {
                "banner"
            } else {
                "recs"
            };
            let content = if i % 4 == 0 {
                EntryContent::Variants {
                    variants: vec![
                        Variant {
                            content: format!("{prefix}_{:03}", rng.below(100)),
                            weight: 0.5,
                        },
                        Variant {
                            content: format!("{prefix}_{:03}", rng.below(100)),
                            weight: 0.5,
                        },
                    ],
                }
            } else {
                EntryContent::Single {
                    content: format!("{prefix}_{:03}", rng.below(100)),
                }
            };
            PlanEntry {
                id: format!("entry_{i:04}"),
                segment: SegmentName(format!("segment_{:02}", i % SEGMENTS)),
                stage: page.stage.clone(),
                placement: format!("{}.{}", page.name, placement.name),
                content,
                priority: rng.below(10) as i64,
                holdout: (rng.below(20) as f64) / 2.0,
                campaign: None,
                schedule: None,
                goal: None,
                owner: Some("merch".into()),
                review_by: None,
                status: EntryStatus::Active,
                doc: Doc::default(),
            }
        })
        .collect();

    let catalog = (0..PRODUCTS)
        .map(|i| {
            let price = 5.0 + rng.below(50_000) as f64 / 100.0;
            Product {
                id: format!("sku-{i:05}"),
                title: format!("Product {i} in a longer descriptive title"),
                category: Some(CATEGORIES[i % CATEGORIES.len()].into()),
                price: Some(price),
                cost: Some((price * 0.6 * 100.0).round() / 100.0),
                margin: None,
                stock: Some(rng.below(200) as i64),
                collection: Some(format!("collection-{}", i % 40)),
                tags: vec![format!("tag-{}", i % 25), "bestseller".into()],
                attributes: [
                    ("colour".to_owned(), format!("colour-{}", i % 12)),
                    ("size".to_owned(), "M".to_owned()),
                ]
                .into(),
                reorder_interval_days: None,
                rank: Some((i % 500 + 1) as u32),
                image_url: Some(format!("https://cdn.example.com/p/{i}.jpg")),
                updated: None,
            }
        })
        .collect();

    Snapshot {
        attributes,
        segments,
        stages,
        page_types,
        content: contents,
        campaigns: vec![],
        plan,
        constraints: Default::default(),
        catalog,
    }
}

fn payload() -> BundlePayload {
    let created: Timestamp = NOW.parse().unwrap();
    BundlePayload {
        schema_version: BUNDLE_SCHEMA_VERSION,
        workspace_id: "bench-workspace".into(),
        environment: "production".into(),
        version: 42,
        created_at: created,
        expires_at: "2026-04-09T00:00:00Z".parse().unwrap(),
        parent_digest: Some(format!("sha256:{}", "ab".repeat(32))),
        overwrites: None,
        author: "bench".into(),
        approvals: vec![],
        promoted_from: None,
        rules: snapshot(),
    }
}

static KEY: LazyLock<SigningKey> = LazyLock::new(|| SigningKey::from_bytes(&[42; 32]));
static PAYLOAD: LazyLock<BundlePayload> = LazyLock::new(|| {
    let p = payload();
    if let Err(errors) = Plan::compile(&p.rules) {
        panic!(
            "benchmark snapshot does not compile: {}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    p
});
static ENVELOPE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let built = build(&PAYLOAD, &[&KEY]).expect("builds");
    eprintln!(
        "bundle: {} plan entries, {} products, canonical payload {} bytes",
        ENTRIES, PRODUCTS, built.canonical_len
    );
    built.envelope.to_json()
});
static TRUST: LazyLock<TrustFile> = LazyLock::new(|| {
    let mut t = TrustFile::default();
    t.trust("production", "bench", &KEY.verifying_key());
    t
});

/// Canonicalise, check the round trip, digest and sign (what `tailor bundle build` does after loading).
#[divan::bench]
fn build_and_sign(bencher: Bencher) {
    let payload = &*PAYLOAD;
    bencher.bench(|| build(black_box(payload), &[&KEY]).expect("builds"));
}

/// Everything the service does before compiling: parse, check signatures, hash, decode.
#[divan::bench]
fn verify_bundle(bencher: Bencher) {
    let (bytes, trust, now) = (&*ENVELOPE, &*TRUST, NOW.parse::<Timestamp>().unwrap());
    bencher.bench(|| verify(black_box(bytes), trust, "production", now).expect("verifies"));
}

/// `tailor bundle verify`: the same plus re-canonicalising the payload.
#[divan::bench]
fn verify_bundle_strict(bencher: Bencher) {
    let (bytes, trust, now) = (&*ENVELOPE, &*TRUST, NOW.parse::<Timestamp>().unwrap());
    bencher.bench(|| verify_strict(black_box(bytes), trust, "production", now).expect("verifies"));
}

/// The canonical serialisation alone.
#[divan::bench]
fn canonicalize_only(bencher: Bencher) {
    let payload = &*PAYLOAD;
    bencher.bench(|| black_box(payload).canonical_bytes().expect("canonical"));
}

/// Decoding the canonical payload into a `BundlePayload` alone.
#[divan::bench]
fn decode_only(bencher: Bencher) {
    let canonical = PAYLOAD.canonical_bytes().unwrap();
    bencher.bench(|| serde_json::from_slice::<BundlePayload>(black_box(&canonical)).unwrap());
}

/// The Ed25519 check over the PAE alone.
#[divan::bench]
fn signature_only(bencher: Bencher) {
    use tailor_bundle::{PAYLOAD_TYPE, pae};
    let message = pae(PAYLOAD_TYPE, &PAYLOAD.canonical_bytes().unwrap());
    let sig = tailor_bundle::Signer::sign(&*KEY, &message);
    let vk = KEY.verifying_key();
    bencher.bench(|| vk.verify_strict(black_box(&message), &sig).unwrap());
}
