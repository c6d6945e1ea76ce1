//! All segments for every shopper (issue #15): 50 realistic segment rules of
//! 1–4 clauses over 20 attributes (strings, enums, numbers, bools, string
//! lists, a date; 5–20% nulls) and 100,000 shoppers, single thread. Three
//! engines in the same run, checked to agree on the total number of
//! (shopper, segment) matches: the columnar table, the row engine, and a
//! `serde_json` tree walk. Also the cost of building the columns.
//!
//! Run: `cargo bench -p tailor-benches --bench segments`

use std::sync::LazyLock;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use jiff::civil::Date;
use serde_json::{Value as Json, json};
use tailor_engine::{ColumnarTable, CompiledCondition, ShopperTable, shopper_from_json};
use tailor_model::condition::{Condition, parse};
use tailor_model::{AttrType, Attribute, Schema};

mod common;

use common::json_walk;
use common::{Rng, enum_attribute};

const SHOPPERS: usize = 100_000;
const SEGMENTS: usize = 50;
const TODAY: Date = Date::constant(2026, 3, 15);

const DEVICES: [&str; 3] = ["mobile", "desktop", "tablet"];
const COUNTRIES: [&str; 8] = ["DE", "FR", "GB", "US", "NL", "ES", "IT", "PL"];
const TIERS: [&str; 4] = ["gold", "silver", "bronze", "none"];
const CHANNELS: [&str; 5] = ["organic", "paid_search", "social", "email", "direct"];
const LANGUAGES: [&str; 4] = ["en", "de", "fr", "es"];
const VISITOR_TYPES: [&str; 2] = ["new", "returning"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const CATEGORIES: [&str; 8] = ["running", "hiking", "tennis", "yoga", "cycling", "swimming", "skin", "home"];
const BRANDS: [&str; 10] = ["acme", "north", "peak", "lumen", "vela", "orbit", "tide", "ember", "fjord", "sol"];

fn main() {
    // The engines must agree before their speeds mean anything.
    let totals = [columnar_total(), rows_total(), json_total()];
    assert!(totals.iter().all(|t| *t == totals[0]), "engines disagree: {totals:?}");
    eprintln!("{SEGMENTS} segments × {SHOPPERS} shoppers: {} matches in every engine", totals[0]);
    divan::main();
}

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::new("device", AttrType::String),
        Attribute::new("country", AttrType::String),
        Attribute::new("tier", AttrType::String),
        Attribute::new("channel", AttrType::String),
        Attribute::new("language", AttrType::String),
        enum_attribute("visitor_type", &VISITOR_TYPES),
        enum_attribute("month", &MONTHS),
        Attribute::new("cart_value", AttrType::Number),
        Attribute::new("sessions", AttrType::Number),
        Attribute::new("page_values", AttrType::Number),
        Attribute::new("orders", AttrType::Number),
        Attribute::new("days_since_visit", AttrType::Number),
        Attribute::new("age", AttrType::Number),
        Attribute::new("discount_rate", AttrType::Number),
        Attribute::new("member", AttrType::Bool),
        Attribute::new("newsletter", AttrType::Bool),
        Attribute::new("app_user", AttrType::Bool),
        Attribute::new("viewed_categories", AttrType::StringList),
        Attribute::new("brands", AttrType::StringList),
        Attribute::new("last_order", AttrType::Date),
    ])
}

impl Rng {
    fn of<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }

    fn some_of(&mut self, options: &[&str], n: usize) -> String {
        let picked: Vec<String> = (0..n).map(|_| format!("{:?}", self.of(options))).collect();
        format!("[{}]", picked.join(", "))
    }
}

/// One clause as a merchandiser would write it.
fn clause(r: &mut Rng) -> String {
    match r.below(16) {
        0 => format!("device = {:?}", r.of(&DEVICES)),
        1 => {
            let n = 1 + r.below(3);
            format!("country in {}", r.some_of(&COUNTRIES, n))
        }
        2 => format!("tier != {:?}", r.of(&TIERS)),
        3 => format!("channel = {:?}", r.of(&CHANNELS)),
        4 => format!("visitor_type = {:?}", r.of(&VISITOR_TYPES)),
        5 => format!("month in {}", r.some_of(&MONTHS, 2)),
        6 => format!("cart_value > {}", 20 + r.below(150)),
        7 => format!("sessions between {} and {}", 1 + r.below(5), 6 + r.below(20)),
        8 => format!("page_values >= {}", r.below(50)),
        9 => format!("orders < {}", 1 + r.below(5)),
        10 => format!("member = {}", r.chance(70)),
        11 => format!("not app_user = true and days_since_visit <= {}", 3 + r.below(30)),
        12 => format!("{:?} in viewed_categories", r.of(&CATEGORIES)),
        13 => format!("brands contains_any {}", r.some_of(&BRANDS, 2)),
        14 => format!("last_order within_last {} days", 30 + r.below(300)),
        _ => format!("language = {:?} and newsletter = true", r.of(&LANGUAGES)),
    }
}

/// 50 segments of 1–4 clauses, some with an `or` group.
fn segments() -> Vec<Condition> {
    let mut r = Rng(0x5E6_0050_1234_ABCD);
    (0..SEGMENTS)
        .map(|_| {
            let n = 1 + r.below(4);
            let clauses: Vec<String> = (0..n).map(|_| clause(&mut r)).collect();
            let text = match clauses.as_slice() {
                [a, b, c, rest @ ..] if r.chance(40) => {
                    let tail: String = rest.iter().map(|x| format!(" and {x}")).collect();
                    format!("{a} and ({b} or {c}){tail}")
                }
                _ => clauses.join(" and "),
            };
            parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
        })
        .collect()
}

/// Shoppers as they arrive (JSON objects), each attribute null 5–20% of
/// the time.
fn shoppers_json() -> Vec<serde_json::Map<String, Json>> {
    let mut r = Rng(0xC0FF_EE15_0000_0001);
    (0..SHOPPERS)
        .map(|i| {
            let mut o = serde_json::Map::new();
            let put = |o: &mut serde_json::Map<String, Json>, r: &mut Rng, key: &str, nulls: u64, v: Json| {
                if !r.chance(nulls) {
                    o.insert(key.into(), v);
                }
            };
            let list = |r: &mut Rng, options: &[&str], max: usize| -> Json {
                (0..r.below(max + 1)).map(|_| json!(r.of(options))).collect::<Vec<_>>().into()
            };
            let v = json!(r.of(&DEVICES));
            put(&mut o, &mut r, "device", 5, v);
            let v = json!(r.of(&COUNTRIES));
            put(&mut o, &mut r, "country", 10, v);
            let v = json!(r.of(&TIERS));
            put(&mut o, &mut r, "tier", 20, v);
            let v = json!(r.of(&CHANNELS));
            put(&mut o, &mut r, "channel", 10, v);
            let v = json!(r.of(&LANGUAGES));
            put(&mut o, &mut r, "language", 5, v);
            let v = json!(if r.chance(70) { "returning" } else { "new" });
            put(&mut o, &mut r, "visitor_type", 5, v);
            let v = json!(r.of(&MONTHS));
            put(&mut o, &mut r, "month", 5, v);
            let v = json!(r.below(20_000) as f64 / 100.0);
            put(&mut o, &mut r, "cart_value", 15, v);
            let v = json!(1 + r.below(30));
            put(&mut o, &mut r, "sessions", 5, v);
            let v = json!(if r.chance(70) { 0.0 } else { r.below(10_000) as f64 / 100.0 });
            put(&mut o, &mut r, "page_values", 10, v);
            let v = json!(r.below(12));
            put(&mut o, &mut r, "orders", 15, v);
            let v = json!(r.below(60));
            put(&mut o, &mut r, "days_since_visit", 10, v);
            let v = json!(18 + r.below(60));
            put(&mut o, &mut r, "age", 20, v);
            let v = json!(r.below(40) as f64 / 100.0);
            put(&mut o, &mut r, "discount_rate", 20, v);
            let v = json!(r.chance(40));
            put(&mut o, &mut r, "member", 10, v);
            let v = json!(r.chance(30));
            put(&mut o, &mut r, "newsletter", 10, v);
            let v = json!(r.chance(25));
            put(&mut o, &mut r, "app_user", 15, v);
            let v = list(&mut r, &CATEGORIES, 4);
            put(&mut o, &mut r, "viewed_categories", 10, v);
            let v = list(&mut r, &BRANDS, 3);
            put(&mut o, &mut r, "brands", 15, v);
            let v = json!((TODAY - jiff::Span::new().days(r.below(400) as i64)).to_string());
            put(&mut o, &mut r, "last_order", 20, v);
            o.insert("id".into(), json!(format!("shopper-{i:06}")));
            o
        })
        .collect()
}

static SCHEMA: LazyLock<Schema> = LazyLock::new(schema);
static SEGMENT_RULES: LazyLock<Vec<Condition>> = LazyLock::new(segments);
static COMPILED: LazyLock<Vec<CompiledCondition>> = LazyLock::new(|| {
    SEGMENT_RULES.iter().map(|c| CompiledCondition::compile(c, &SCHEMA).expect("segment compiles")).collect()
});
static JSON: LazyLock<Vec<serde_json::Map<String, Json>>> = LazyLock::new(shoppers_json);
static TABLE: LazyLock<ShopperTable> = LazyLock::new(|| {
    JSON.iter()
        .map(|o| {
            let id = o["id"].as_str().expect("id");
            shopper_from_json(id, o, &SCHEMA).expect("valid shopper")
        })
        .collect()
});
static COLUMNS: LazyLock<ColumnarTable> = LazyLock::new(|| ColumnarTable::new(&SCHEMA, &TABLE));

fn columnar_total() -> u64 {
    COMPILED.iter().map(|c| COLUMNS.evaluate(c, TODAY).count()).sum()
}

fn rows_total() -> u64 {
    let evaluators: Vec<_> = COMPILED.iter().map(|c| c.on(TODAY)).collect();
    TABLE.iter().map(|s| evaluators.iter().filter(|e| e.matches(s)).count() as u64).sum()
}

fn json_total() -> u64 {
    JSON.iter().map(|o| SEGMENT_RULES.iter().filter(|c| json_walk::eval(c, o, TODAY)).count() as u64).sum()
}

/// The columnar table: each segment over all shoppers into a bitmap, counted.
#[divan::bench]
fn columnar(bencher: Bencher) {
    LazyLock::force(&COLUMNS);
    LazyLock::force(&COMPILED);
    bencher.counter(ItemsCount::new(SHOPPERS)).bench(|| black_box(columnar_total()));
}

/// The columnar table, all segments together: a test several segments share
/// (`member = true`, `device = "mobile"`, ...) is evaluated once per chunk.
#[divan::bench]
fn columnar_together(bencher: Bencher) {
    LazyLock::force(&COLUMNS);
    let evaluators: Vec<_> = COMPILED.iter().map(|c| c.on(TODAY)).collect();
    assert_eq!(COLUMNS.evaluate_all(&evaluators).iter().map(|b| b.count()).sum::<u64>(), columnar_total());
    bencher
        .counter(ItemsCount::new(SHOPPERS))
        .bench(|| black_box(COLUMNS.evaluate_all(&evaluators).iter().map(|b| b.count()).sum::<u64>()));
}

/// The row engine: every segment's evaluator for each shopper in turn.
#[divan::bench(sample_count = 20)]
fn row_engine(bencher: Bencher) {
    LazyLock::force(&TABLE);
    LazyLock::force(&COMPILED);
    bencher.counter(ItemsCount::new(SHOPPERS)).bench(|| black_box(rows_total()));
}

/// The baseline: a recursive walk over each segment's AST per JSON shopper.
#[divan::bench(sample_count = 10)]
fn serde_json_walk(bencher: Bencher) {
    LazyLock::force(&JSON);
    LazyLock::force(&SEGMENT_RULES);
    bencher.counter(ItemsCount::new(SHOPPERS)).bench(|| black_box(json_total()));
}

/// Building the columns from the typed shoppers (once per workspace change).
#[divan::bench(sample_count = 10)]
fn build_columns(bencher: Bencher) {
    LazyLock::force(&TABLE);
    bencher.counter(ItemsCount::new(SHOPPERS)).bench(|| ColumnarTable::new(&SCHEMA, black_box(&TABLE)));
}
