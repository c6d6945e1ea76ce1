//! Live reach on 100,000 synthetic shoppers shaped like the UCI "Online
//! Shoppers Purchasing Intention" data: what one keystroke in the condition
//! editor costs, and the evaluation alone; the row engine and the columnar
//! table (what the store uses), on 100,000 and on 1,000,000 shoppers.
//!
//! Run: `cargo bench -p tailor-benches --bench reach`

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use jiff::civil::Date;
use tailor_engine::{ColumnarTable, CompiledCondition, Shopper, ShopperTable, Value, columnar, reach};
use tailor_model::condition::{parse_checked, parse};
use tailor_model::{AttrType, Attribute, Schema};

const SHOPPERS: usize = 100_000;
const MILLION: usize = 1_000_000;
const TODAY: Date = Date::constant(2026, 3, 15);

/// A realistic four-clause condition, as typed in the editor.
const CONDITION: &str = r#"VisitorType = "Returning_Visitor" and PageValues > 10
  and (Month in ["Nov", "Dec"] or "running" in viewed_categories)
  and last_order within_last 90 days"#;

const VISITOR_TYPES: [&str; 3] = ["Returning_Visitor", "New_Visitor", "Other"];
const MONTHS: [&str; 10] = ["Feb", "Mar", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const CATEGORIES: [&str; 6] = ["running", "hiking", "tennis", "yoga", "cycling", "swimming"];

mod common;

use common::{Rng, enum_attribute};

fn main() {
    divan::main();
}

impl Rng {
    fn pick(&mut self, options: &[&str]) -> Box<str> {
        options[self.below(options.len())].into()
    }
}

fn schema() -> Schema {
    Schema::new(vec![
        enum_attribute("VisitorType", &VISITOR_TYPES),
        Attribute::new("Revenue", AttrType::Bool),
        Attribute::new("PageValues", AttrType::Number),
        enum_attribute("Month", &MONTHS),
        Attribute::new("Region", AttrType::Number),
        Attribute::new("TrafficType", AttrType::Number),
        Attribute::new("Weekend", AttrType::Bool),
        Attribute::new("BounceRates", AttrType::Number),
        Attribute::new("viewed_categories", AttrType::StringList),
        Attribute::new("last_order", AttrType::Date),
    ])
}


fn shoppers(count: usize) -> ShopperTable {
    let mut rng = Rng(0x5EED_CAFE_F00D_D00D);
    (0..count)
        .map(|i| {
            // Roughly the UCI mix: most visitors return, most pages have no value.
            let visitor = if rng.chance(85) { VISITOR_TYPES[0].into() } else { rng.pick(&VISITOR_TYPES[1..]) };
            let page_values = if rng.chance(78) { 0.0 } else { rng.below(30_000) as f64 / 100.0 };
            let viewed = (0..rng.below(4)).map(|_| rng.pick(&CATEGORIES)).collect();
            let last_order = if rng.chance(30) {
                Value::Null
            } else {
                Value::Date(TODAY - jiff::Span::new().days(rng.below(365) as i64))
            };
            let values = vec![
                Value::String(visitor),
                Value::Bool(rng.chance(15)),
                Value::Number(page_values),
                Value::String(rng.pick(&MONTHS)),
                Value::Number((1 + rng.below(9)) as f64),
                Value::Number((1 + rng.below(20)) as f64),
                Value::Bool(rng.chance(23)),
                Value::Number(rng.below(2_000) as f64 / 10_000.0),
                Value::List(viewed),
                last_order,
            ];
            Shopper { id: format!("shopper-{i:06}"), values }
        })
        .collect()
}

static SCHEMA: LazyLock<Schema> = LazyLock::new(schema);
static TABLE: LazyLock<ShopperTable> = LazyLock::new(|| shoppers(SHOPPERS));
static COLUMNS: LazyLock<ColumnarTable> = LazyLock::new(|| ColumnarTable::new(&SCHEMA, &TABLE));
static TABLE_1M: LazyLock<ShopperTable> = LazyLock::new(|| shoppers(MILLION));
static COLUMNS_1M: LazyLock<ColumnarTable> = LazyLock::new(|| ColumnarTable::new(&SCHEMA, &TABLE_1M));

fn compiled() -> CompiledCondition {
    CompiledCondition::compile(&parse(CONDITION).expect("parses"), &SCHEMA).expect("compiles")
}

/// Everything one keystroke triggers: parse, type-check, compile, reach.
#[divan::bench]
fn keystroke(bencher: Bencher) {
    let (schema, table) = (&*SCHEMA, &*TABLE);
    bencher.bench(|| {
        let condition = parse_checked(black_box(CONDITION), schema).expect("valid condition");
        let compiled = CompiledCondition::compile(&condition, schema).expect("compiles");
        reach(&compiled, table, TODAY, 5)
    });
}

/// Evaluation alone, for a condition compiled once.
#[divan::bench]
fn reach_only(bencher: Bencher) {
    let (schema, table) = (&*SCHEMA, &*TABLE);
    let compiled = CompiledCondition::compile(&parse(CONDITION).expect("parses"), schema).expect("compiles");
    bencher.bench(|| reach(&compiled, black_box(table), TODAY, 5));
}

/// Parse, type-check and compile without evaluating: the fixed cost.
#[divan::bench]
fn parse_check_compile() -> CompiledCondition {
    let condition = parse_checked(black_box(CONDITION), &SCHEMA).expect("valid condition");
    CompiledCondition::compile(&condition, &SCHEMA).expect("compiles")
}

/// A keystroke through the columnar table, as the store answers it.
#[divan::bench]
fn keystroke_columnar(bencher: Bencher) {
    let (schema, table, columns) = (&*SCHEMA, &*TABLE, &*COLUMNS);
    bencher.bench(|| {
        let condition = parse_checked(black_box(CONDITION), schema).expect("valid condition");
        let compiled = CompiledCondition::compile(&condition, schema).expect("compiles");
        columnar::reach(&compiled, columns, table, TODAY, 5)
    });
}

/// Evaluation alone through the columnar table, 100,000 shoppers.
#[divan::bench]
fn reach_only_columnar(bencher: Bencher) {
    let compiled = compiled();
    let (table, columns) = (&*TABLE, &*COLUMNS);
    assert_eq!(columnar::reach(&compiled, columns, table, TODAY, 5), reach(&compiled, table, TODAY, 5));
    bencher.bench(|| columnar::reach(&compiled, black_box(columns), table, TODAY, 5));
}

/// Live reach of one segment over 1,000,000 shoppers, columnar.
#[divan::bench(sample_count = 50)]
fn reach_1m_columnar(bencher: Bencher) {
    let compiled = compiled();
    let (table, columns) = (&*TABLE_1M, &*COLUMNS_1M);
    assert_eq!(columnar::reach(&compiled, columns, table, TODAY, 5), reach(&compiled, table, TODAY, 5));
    bencher.bench(|| columnar::reach(&compiled, black_box(columns), table, TODAY, 5));
}

/// Live reach of one segment over 1,000,000 shoppers, row engine.
#[divan::bench(sample_count = 20)]
fn reach_1m_rows(bencher: Bencher) {
    let compiled = compiled();
    let table = &*TABLE_1M;
    bencher.bench(|| reach(&compiled, black_box(table), TODAY, 5));
}

/// Building the columns of 1,000,000 shoppers (once per workspace change).
#[divan::bench(sample_count = 5)]
fn build_columns_1m(bencher: Bencher) {
    let table = &*TABLE_1M;
    bencher.bench(|| ColumnarTable::new(&SCHEMA, black_box(table)));
}
