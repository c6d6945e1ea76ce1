//! Live reach: how many shoppers a condition matches.

use jiff::civil::Date;
use serde::Serialize;
use ts_rs::TS;

use crate::condition::CompiledCondition;
use crate::shopper::ShopperTable;

/// How many shoppers a condition matches, with a few of them to show.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Reach {
    pub matched: u64,
    pub total: u64,
    /// `matched / total`; 0 for an empty table.
    pub share: f64,
    /// Ids of the first matching shoppers, in table order.
    pub examples: Vec<String>,
}

/// Evaluates the condition over every shopper on the given day.
pub fn reach(cond: &CompiledCondition, table: &ShopperTable, today: Date, max_examples: usize) -> Reach {
    let evaluator = cond.on(today);
    let mut matched = 0u64;
    let mut examples = Vec::new();
    for shopper in table {
        if evaluator.matches(shopper) {
            matched += 1;
            if examples.len() < max_examples {
                examples.push(shopper.id.clone());
            }
        }
    }
    let total = table.len() as u64;
    let share = if total == 0 { 0.0 } else { matched as f64 / total as f64 };
    Reach { matched, total, share, examples }
}

#[cfg(test)]
mod tests {
    use tailor_model::condition::parse;
    use tailor_model::{AttrType, Attribute, Schema};

    use super::*;
    use crate::shopper::Shopper;
    use crate::value::Value;

    const TODAY: Date = Date::constant(2026, 3, 15);

    fn compiled(text: &str, schema: &Schema) -> CompiledCondition {
        CompiledCondition::compile(&parse(text).unwrap(), schema).unwrap()
    }

    #[test]
    fn reach_counts_matches_and_lists_the_first_examples() {
        let schema = Schema::new(vec![Attribute::new("PageValues", AttrType::Number)]);
        let table: ShopperTable = (0..10)
            .map(|i| Shopper { id: format!("s{i}"), values: vec![Value::Number(f64::from(i))] })
            .collect();
        let r = reach(&compiled("PageValues >= 6", &schema), &table, TODAY, 2);
        assert_eq!(r, Reach { matched: 4, total: 10, share: 0.4, examples: vec!["s6".into(), "s7".into()] });
    }

    #[test]
    fn reach_of_an_empty_table_has_zero_share() {
        let schema = Schema::new(vec![Attribute::new("PageValues", AttrType::Number)]);
        let r = reach(&compiled("", &schema), &ShopperTable::default(), TODAY, 5);
        assert_eq!(r, Reach { matched: 0, total: 0, share: 0.0, examples: vec![] });
    }
}
