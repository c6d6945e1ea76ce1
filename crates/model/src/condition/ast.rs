//! The JSON AST: the canonical, stored form of a condition.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::attribute::AttributeName;

/// A boolean condition over a shopper's attributes.
///
/// Semantics are two-valued: any comparison with a missing (null) value is
/// false; `IsNull` tests for it explicitly. For lists, `IsEmpty` counts null
/// and `[]` alike, while `IsNull` is false for `[]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Condition {
    /// Matches every shopper (an empty condition).
    True,
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    /// `attr OP value` for `= != < <= > >=`.
    Compare {
        attr: AttributeName,
        op: CmpOp,
        value: Literal,
    },
    /// `attr between low and high`, both ends inclusive.
    Between {
        attr: AttributeName,
        low: Literal,
        high: Literal,
    },
    In {
        attr: AttributeName,
        values: Vec<Literal>,
    },
    NotIn {
        attr: AttributeName,
        values: Vec<Literal>,
    },
    /// A `string_list` attribute contains the value (`"x" in list` is sugar).
    Contains { attr: AttributeName, value: String },
    ContainsAny {
        attr: AttributeName,
        values: Vec<String>,
    },
    ContainsAll {
        attr: AttributeName,
        values: Vec<String>,
    },
    StartsWith { attr: AttributeName, value: String },
    IsNull { attr: AttributeName },
    IsNotNull { attr: AttributeName },
    /// A `string_list` attribute is missing (null) or the empty list `[]`.
    IsEmpty { attr: AttributeName },
    /// A `string_list` attribute holds at least one item.
    IsNotEmpty { attr: AttributeName },
    /// A date attribute strictly before the date.
    Before {
        attr: AttributeName,
        #[ts(type = "string")]
        date: Date,
    },
    /// A date attribute strictly after the date.
    After {
        attr: AttributeName,
        #[ts(type = "string")]
        date: Date,
    },
    /// A date attribute within the last `days` days of the evaluation date
    /// (inclusive of today, not in the future).
    WithinLast { attr: AttributeName, days: u32 },
}

/// Scalar comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum CmpOp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A literal value in a condition. Dates are written as ISO strings and
/// checked against the attribute's type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum Literal {
    Bool(bool),
    Number(f64),
    String(String),
}

impl Condition {
    /// Every attribute the condition reads, in first-use order, deduplicated.
    pub fn attributes(&self) -> Vec<&AttributeName> {
        let mut out: Vec<&AttributeName> = Vec::new();
        self.visit(&mut |c| {
            if let Some(a) = c.attr() {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        });
        out
    }

    /// The attribute a leaf condition tests; `None` for `True`/`And`/`Or`/`Not`.
    pub fn attr(&self) -> Option<&AttributeName> {
        match self {
            Condition::True | Condition::And(_) | Condition::Or(_) | Condition::Not(_) => None,
            Condition::Compare { attr, .. }
            | Condition::Between { attr, .. }
            | Condition::In { attr, .. }
            | Condition::NotIn { attr, .. }
            | Condition::Contains { attr, .. }
            | Condition::ContainsAny { attr, .. }
            | Condition::ContainsAll { attr, .. }
            | Condition::StartsWith { attr, .. }
            | Condition::IsNull { attr }
            | Condition::IsNotNull { attr }
            | Condition::IsEmpty { attr }
            | Condition::IsNotEmpty { attr }
            | Condition::Before { attr, .. }
            | Condition::After { attr, .. }
            | Condition::WithinLast { attr, .. } => Some(attr),
        }
    }

    /// Pre-order walk over every node.
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        f(self);
        match self {
            Condition::And(cs) | Condition::Or(cs) => cs.iter().for_each(|c| c.visit(f)),
            Condition::Not(c) => c.visit(f),
            _ => {}
        }
    }
}
