//! What the benchmarks' generators share: one seeded generator, so every
//! run measures the same data, and bare content items.
#![allow(dead_code)] // each bench uses a different part

use tailor_model::plan::{Content, ContentBody};

/// xorshift64*: deterministic, so every run measures the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// An `enum` attribute with its values.
pub fn enum_attribute(name: &str, values: &[&str]) -> tailor_model::Attribute {
    let mut a = tailor_model::Attribute::new(name, tailor_model::AttrType::Enum);
    a.values = values.iter().map(|v| (*v).to_owned()).collect();
    a
}

/// A content item with no governance fields.
pub fn content(id: String, body: ContentBody) -> Content {
    Content { id, body, owner: None, review_by: None, tags: vec![], doc: Default::default() }
}

/// Conditions evaluated the way most people would write it: a recursive
/// walk over the AST against a `serde_json` shopper, parsing dates as it
/// goes. The baseline the engine is measured against.
pub mod json_walk {
    use jiff::civil::Date;
    use serde_json::Value as Json;
    use tailor_model::condition::{CmpOp, Condition, Literal};

    fn lit_cmp(v: &Json, l: &Literal) -> Option<std::cmp::Ordering> {
        match (v, l) {
            (Json::Number(n), Literal::Number(m)) => n.as_f64()?.partial_cmp(m),
            (Json::String(a), Literal::String(b)) => Some(a.as_str().cmp(b.as_str())),
            (Json::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    fn list<'a>(shopper: &'a serde_json::Map<String, Json>, attr: &str) -> Vec<&'a str> {
        shopper.get(attr).and_then(Json::as_array).map(|a| a.iter().filter_map(Json::as_str).collect()).unwrap_or_default()
    }

    pub fn eval(c: &Condition, shopper: &serde_json::Map<String, Json>, today: Date) -> bool {
        let get = |a: &tailor_model::AttributeName| shopper.get(a.as_str()).unwrap_or(&Json::Null);
        match c {
            Condition::True => true,
            Condition::And(cs) => cs.iter().all(|c| eval(c, shopper, today)),
            Condition::Or(cs) => cs.iter().any(|c| eval(c, shopper, today)),
            Condition::Not(c) => !eval(c, shopper, today),
            Condition::Compare { attr, op, value } => lit_cmp(get(attr), value).is_some_and(|o| match op {
                CmpOp::Eq => o.is_eq(),
                CmpOp::Ne => o.is_ne(),
                CmpOp::Lt => o.is_lt(),
                CmpOp::Le => o.is_le(),
                CmpOp::Gt => o.is_gt(),
                CmpOp::Ge => o.is_ge(),
            }),
            Condition::Between { attr, low, high } => {
                lit_cmp(get(attr), low).is_some_and(|o| o.is_ge()) && lit_cmp(get(attr), high).is_some_and(|o| o.is_le())
            }
            Condition::In { attr, values } => values.iter().any(|l| lit_cmp(get(attr), l).is_some_and(|o| o.is_eq())),
            Condition::NotIn { attr, values } => {
                !get(attr).is_null() && !values.iter().any(|l| lit_cmp(get(attr), l).is_some_and(|o| o.is_eq()))
            }
            Condition::Contains { attr, value } => list(shopper, attr.as_str()).contains(&value.as_str()),
            Condition::ContainsAny { attr, values } => {
                let l = list(shopper, attr.as_str());
                values.iter().any(|v| l.contains(&v.as_str()))
            }
            Condition::ContainsAll { attr, values } => {
                let l = list(shopper, attr.as_str());
                values.iter().all(|v| l.contains(&v.as_str()))
            }
            Condition::StartsWith { attr, value } => get(attr).as_str().is_some_and(|s| s.starts_with(value.as_str())),
            Condition::IsNull { attr } => get(attr).is_null(),
            Condition::IsNotNull { attr } => !get(attr).is_null(),
            Condition::IsEmpty { attr } => list(shopper, attr.as_str()).is_empty(),
            Condition::IsNotEmpty { attr } => !list(shopper, attr.as_str()).is_empty(),
            Condition::Before { attr, date } => get(attr).as_str().and_then(|s| s.parse::<Date>().ok()).is_some_and(|d| d < *date),
            Condition::After { attr, date } => get(attr).as_str().and_then(|s| s.parse::<Date>().ok()).is_some_and(|d| d > *date),
            Condition::WithinLast { attr, days } => get(attr).as_str().and_then(|s| s.parse::<Date>().ok()).is_some_and(|d| {
                d <= today && today.since(d).map(|sp| sp.get_days() <= *days as i32).unwrap_or(false)
            }),
        }
    }
}
