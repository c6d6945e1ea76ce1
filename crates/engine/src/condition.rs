//! Conditions compiled against a schema, and their evaluation.
//!
//! Compiling resolves attribute names to slots and converts literals to the
//! attribute's type once, so evaluating a shopper does no lookups, parsing or
//! allocation. The compiled tree mirrors the AST node for node, so paths (child
//! indices) mean the same thing in both.

use std::cmp::Ordering;

use jiff::civil::Date;
use serde::Serialize;
use tailor_model::condition::{CmpOp, Condition, Literal, Part, TypeError, parse_date, typecheck};
use tailor_model::{AttrType, AttributeName, Schema};
use ts_rs::TS;

use crate::shopper::Shopper;
use crate::value::Value;

/// A condition the schema rejects (see [`typecheck`]).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", .errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
pub struct CompileError {
    /// Never empty.
    pub errors: Vec<TypeError>,
}

impl CompileError {
    fn internal(message: &str) -> Self {
        let message = format!("cannot compile condition: {message}");
        Self { errors: vec![TypeError { path: Vec::new(), part: Part::Operator, message }] }
    }
}

/// A condition ready to evaluate against shoppers of one schema.
#[derive(Clone, Debug)]
pub struct CompiledCondition {
    pub(crate) root: Node,
    /// Attribute names by slot, for explanations.
    names: Vec<AttributeName>,
    /// How many `within_last` nodes there are (each has a cutoff index).
    within_last: usize,
}

/// A literal converted to its attribute's type.
#[derive(Clone, Debug)]
pub(crate) enum Scalar {
    Number(f64),
    String(Box<str>),
    Bool(bool),
    Date(Date),
}

/// The values of an `in` list, sorted for binary search.
#[derive(Clone, Debug)]
pub(crate) enum Set {
    Numbers(Box<[f64]>),
    Strings(Box<[Box<str>]>),
    Bools { has_true: bool, has_false: bool },
    Dates(Box<[Date]>),
}

#[derive(Clone, Debug)]
pub(crate) enum Node {
    True,
    And(Box<[Node]>),
    Or(Box<[Node]>),
    Not(Box<Node>),
    Compare { slot: usize, op: CmpOp, value: Scalar },
    Between { slot: usize, low: Scalar, high: Scalar },
    In { slot: usize, set: Set, negated: bool },
    Contains { slot: usize, value: Box<str> },
    ContainsAny { slot: usize, values: Box<[Box<str>]> },
    ContainsAll { slot: usize, values: Box<[Box<str>]> },
    StartsWith { slot: usize, prefix: Box<str> },
    IsNull { slot: usize, negated: bool },
    /// A list that is null or `[]` (`negated`: one with an item).
    IsEmpty { slot: usize, negated: bool },
    Before { slot: usize, date: Date },
    After { slot: usize, date: Date },
    /// `cutoff` indexes the evaluator's per-day cutoffs.
    WithinLast { slot: usize, days: u32, cutoff: usize },
}

/// Why a shopper does not match: the first node that made the condition
/// false, for why/why-not traces.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Failure {
    /// Child indices from the root to the failing node (a leaf, or a `not`
    /// whose child matched).
    pub path: Vec<usize>,
    /// The attribute the failing leaf tests (for a `not`, the attribute of
    /// the leaf it negates); `None` for a `not` over a group.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub attribute: Option<AttributeName>,
    /// The shopper's value of that attribute, `null` when missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub actual: Option<String>,
}

impl CompiledCondition {
    /// Compiles `condition` for shoppers of `schema`. Fails with every error
    /// [`typecheck`] reports.
    pub fn compile(condition: &Condition, schema: &Schema) -> Result<Self, CompileError> {
        let errors = typecheck(condition, schema);
        if !errors.is_empty() {
            return Err(CompileError { errors });
        }
        let mut compiler = Compiler { schema, within_last: 0 };
        let root = compiler.node(condition)?;
        let names = schema.attributes().iter().map(|a| a.name.clone()).collect();
        Ok(Self { root, names, within_last: compiler.within_last })
    }

    /// Whether the shopper matches on the given day. For many shoppers use
    /// [`CompiledCondition::on`] once and [`Evaluator::matches`].
    pub fn matches(&self, shopper: &Shopper, today: Date) -> bool {
        self.on(today).matches(shopper)
    }

    /// Why the shopper does not match, or `None` if it does.
    pub fn explain_failure(&self, shopper: &Shopper, today: Date) -> Option<Failure> {
        self.on(today).explain_failure(shopper)
    }

    /// Marks in `read` (indexed by schema slot) every attribute the
    /// condition tests.
    pub fn mark_slots(&self, read: &mut [bool]) {
        self.root.visit(&mut |node| {
            if let Some(slot) = node.slot() {
                read[slot] = true;
            }
        });
    }

    /// An evaluator fixed to one day, with `within_last` cutoffs worked out.
    pub fn on(&self, today: Date) -> Evaluator<'_> {
        let mut cutoffs = vec![Date::MIN; self.within_last];
        self.root.visit(&mut |node| {
            if let Node::WithinLast { days, cutoff, .. } = node {
                let span = jiff::Span::new().try_days(i64::from(*days));
                // Beyond jiff's range every date qualifies: Date::MIN stays.
                if let Some(day) = span.ok().and_then(|s| today.checked_sub(s).ok()) {
                    cutoffs[*cutoff] = day;
                }
            }
        });
        Evaluator { condition: self, today, cutoffs }
    }
}

/// A compiled condition evaluated on a fixed day.
#[derive(Clone, Debug)]
pub struct Evaluator<'a> {
    pub(crate) condition: &'a CompiledCondition,
    pub(crate) today: Date,
    pub(crate) cutoffs: Vec<Date>,
}

impl Evaluator<'_> {
    pub fn matches(&self, shopper: &Shopper) -> bool {
        self.eval(&self.condition.root, shopper)
    }

    /// Why the shopper does not match, or `None` if it does: in an `and`,
    /// the first child that failed; in an `or`, the first child (all
    /// failed); a `not` whose child matched is itself the failure.
    pub fn explain_failure(&self, shopper: &Shopper) -> Option<Failure> {
        let mut path = Vec::new();
        self.explain(&self.condition.root, shopper, &mut path)
    }

    fn explain(&self, node: &Node, shopper: &Shopper, path: &mut Vec<usize>) -> Option<Failure> {
        match node {
            Node::True => None,
            Node::And(children) => children.iter().enumerate().find_map(|(i, child)| {
                path.push(i);
                let failure = self.explain(child, shopper, path);
                path.pop();
                failure
            }),
            Node::Or(children) => {
                if children.iter().any(|child| self.eval(child, shopper)) {
                    return None;
                }
                path.push(0);
                let failure = children.first().and_then(|first| self.explain(first, shopper, path));
                path.pop();
                // An empty `or` matches no one: it is the failure itself.
                failure.or_else(|| Some(Failure { path: path.clone(), attribute: None, actual: None }))
            }
            Node::Not(child) => {
                if !self.eval(child, shopper) {
                    return None;
                }
                let (attribute, actual) = match child.slot() {
                    Some(slot) => self.describe(slot, shopper),
                    None => (None, None),
                };
                Some(Failure { path: path.clone(), attribute, actual })
            }
            leaf => {
                if self.eval(leaf, shopper) {
                    return None;
                }
                let (attribute, actual) = leaf.slot().map_or((None, None), |slot| self.describe(slot, shopper));
                Some(Failure { path: path.clone(), attribute, actual })
            }
        }
    }

    fn describe(&self, slot: usize, shopper: &Shopper) -> (Option<AttributeName>, Option<String>) {
        let name = self.condition.names.get(slot).cloned();
        (name, Some(shopper.value(slot).to_string()))
    }

    fn eval(&self, node: &Node, shopper: &Shopper) -> bool {
        match node {
            Node::True => true,
            Node::And(children) => children.iter().all(|c| self.eval(c, shopper)),
            Node::Or(children) => children.iter().any(|c| self.eval(c, shopper)),
            Node::Not(child) => !self.eval(child, shopper),
            Node::Compare { slot, op, value } => compare(shopper.value(*slot), value).is_some_and(|o| match op {
                CmpOp::Eq => o.is_eq(),
                CmpOp::Ne => o.is_ne(),
                CmpOp::Lt => o.is_lt(),
                CmpOp::Le => o.is_le(),
                CmpOp::Gt => o.is_gt(),
                CmpOp::Ge => o.is_ge(),
            }),
            Node::Between { slot, low, high } => {
                let v = shopper.value(*slot);
                compare(v, low).is_some_and(Ordering::is_ge) && compare(v, high).is_some_and(Ordering::is_le)
            }
            // Null is in no list and "not in" none either: both are false.
            Node::In { slot, set, negated } => set.contains(shopper.value(*slot)).is_some_and(|found| found != *negated),
            Node::Contains { slot, value } => list(shopper, *slot).is_some_and(|items| items.contains(value)),
            Node::ContainsAny { slot, values } => {
                list(shopper, *slot).is_some_and(|items| items.iter().any(|i| values.binary_search(i).is_ok()))
            }
            Node::ContainsAll { slot, values } => {
                list(shopper, *slot).is_some_and(|items| values.iter().all(|v| items.contains(v)))
            }
            Node::StartsWith { slot, prefix } => match shopper.value(*slot) {
                Value::String(s) => s.starts_with(&**prefix),
                _ => false,
            },
            Node::IsNull { slot, negated } => matches!(shopper.value(*slot), Value::Null) != *negated,
            Node::IsEmpty { slot, negated } => list(shopper, *slot).is_none_or(<[_]>::is_empty) != *negated,
            Node::Before { slot, date } => date_of(shopper, *slot).is_some_and(|d| d < *date),
            Node::After { slot, date } => date_of(shopper, *slot).is_some_and(|d| d > *date),
            Node::WithinLast { slot, cutoff, .. } => {
                let from = self.cutoffs.get(*cutoff).copied().unwrap_or(Date::MIN);
                date_of(shopper, *slot).is_some_and(|d| from <= d && d <= self.today)
            }
        }
    }
}

/// Orders a shopper's value against a literal; `None` for null (and for a
/// value of another type, which a table built with the schema cannot hold).
fn compare(value: &Value, literal: &Scalar) -> Option<Ordering> {
    match (value, literal) {
        (Value::Number(a), Scalar::Number(b)) => a.partial_cmp(b),
        (Value::String(a), Scalar::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Scalar::Bool(b)) => Some(a.cmp(b)),
        (Value::Date(a), Scalar::Date(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn list(shopper: &Shopper, slot: usize) -> Option<&[Box<str>]> {
    match shopper.value(slot) {
        Value::List(items) => Some(items),
        _ => None,
    }
}

fn date_of(shopper: &Shopper, slot: usize) -> Option<Date> {
    match shopper.value(slot) {
        Value::Date(d) => Some(*d),
        _ => None,
    }
}

impl Set {
    /// Whether the value is in the set; `None` for null.
    fn contains(&self, value: &Value) -> Option<bool> {
        Some(match (self, value) {
            // `+ 0.0` turns -0.0 into 0.0, which `=` treats as equal.
            (Set::Numbers(ns), Value::Number(n)) => ns.binary_search_by(|p| p.total_cmp(&(n + 0.0))).is_ok(),
            (Set::Strings(ss), Value::String(s)) => ss.binary_search(s).is_ok(),
            (Set::Bools { has_true, has_false }, Value::Bool(b)) => if *b { *has_true } else { *has_false },
            (Set::Dates(ds), Value::Date(d)) => ds.binary_search(d).is_ok(),
            _ => return None,
        })
    }
}

impl Node {
    pub(crate) fn slot(&self) -> Option<usize> {
        match self {
            Node::True | Node::And(_) | Node::Or(_) | Node::Not(_) => None,
            Node::Compare { slot, .. }
            | Node::Between { slot, .. }
            | Node::In { slot, .. }
            | Node::Contains { slot, .. }
            | Node::ContainsAny { slot, .. }
            | Node::ContainsAll { slot, .. }
            | Node::StartsWith { slot, .. }
            | Node::IsNull { slot, .. }
            | Node::IsEmpty { slot, .. }
            | Node::Before { slot, .. }
            | Node::After { slot, .. }
            | Node::WithinLast { slot, .. } => Some(*slot),
        }
    }

    pub(crate) fn visit(&self, f: &mut impl FnMut(&Node)) {
        f(self);
        match self {
            Node::And(cs) | Node::Or(cs) => cs.iter().for_each(|c| c.visit(f)),
            Node::Not(c) => c.visit(f),
            _ => {}
        }
    }
}

struct Compiler<'s> {
    schema: &'s Schema,
    within_last: usize,
}

impl Compiler<'_> {
    fn node(&mut self, c: &Condition) -> Result<Node, CompileError> {
        let children = |me: &mut Self, cs: &[Condition]| cs.iter().map(|c| me.node(c)).collect::<Result<Box<[_]>, _>>();
        let Some(name) = c.attr() else {
            return Ok(match c {
                Condition::And(cs) => Node::And(children(self, cs)?),
                Condition::Or(cs) => Node::Or(children(self, cs)?),
                Condition::Not(inner) => Node::Not(Box::new(self.node(inner)?)),
                _ => Node::True,
            });
        };
        let slot = self.schema.slot(name.as_str()).ok_or_else(|| CompileError::internal("unknown attribute"))?;
        let ty = self.schema.attributes()[slot].ty;
        Ok(match c {
            Condition::Compare { op, value, .. } => Node::Compare { slot, op: *op, value: scalar(ty, value)? },
            Condition::Between { low, high, .. } => Node::Between { slot, low: scalar(ty, low)?, high: scalar(ty, high)? },
            Condition::In { values, .. } => Node::In { slot, set: set(ty, values)?, negated: false },
            Condition::NotIn { values, .. } => Node::In { slot, set: set(ty, values)?, negated: true },
            Condition::Contains { value, .. } => Node::Contains { slot, value: value.as_str().into() },
            Condition::ContainsAny { values, .. } => Node::ContainsAny { slot, values: sorted_strings(values) },
            Condition::ContainsAll { values, .. } => Node::ContainsAll { slot, values: sorted_strings(values) },
            Condition::StartsWith { value, .. } => Node::StartsWith { slot, prefix: value.as_str().into() },
            Condition::IsNull { .. } => Node::IsNull { slot, negated: false },
            Condition::IsNotNull { .. } => Node::IsNull { slot, negated: true },
            Condition::IsEmpty { .. } => Node::IsEmpty { slot, negated: false },
            Condition::IsNotEmpty { .. } => Node::IsEmpty { slot, negated: true },
            Condition::Before { date, .. } => Node::Before { slot, date: *date },
            Condition::After { date, .. } => Node::After { slot, date: *date },
            Condition::WithinLast { days, .. } => {
                self.within_last += 1;
                Node::WithinLast { slot, days: *days, cutoff: self.within_last - 1 }
            }
            Condition::True | Condition::And(_) | Condition::Or(_) | Condition::Not(_) => Node::True,
        })
    }
}

/// Converts a literal the type checker accepted to the attribute's type.
fn scalar(ty: AttrType, literal: &Literal) -> Result<Scalar, CompileError> {
    Ok(match (ty, literal) {
        (AttrType::Number, Literal::Number(n)) => Scalar::Number(*n),
        (AttrType::Bool, Literal::Bool(b)) => Scalar::Bool(*b),
        (AttrType::String | AttrType::Enum, Literal::String(s)) => Scalar::String(s.as_str().into()),
        (AttrType::Date, Literal::String(s)) => Scalar::Date(parse_date(s).map_err(|e| CompileError::internal(&e))?),
        _ => return Err(CompileError::internal("literal of the wrong type")),
    })
}

fn set(ty: AttrType, literals: &[Literal]) -> Result<Set, CompileError> {
    let scalars = literals.iter().map(|l| scalar(ty, l)).collect::<Result<Vec<_>, _>>()?;
    let mut numbers = Vec::new();
    let mut strings = Vec::new();
    let mut dates = Vec::new();
    let (mut has_true, mut has_false) = (false, false);
    for s in scalars {
        match s {
            Scalar::Number(n) => numbers.push(n + 0.0),
            Scalar::String(s) => strings.push(s),
            Scalar::Bool(b) => if b { has_true = true } else { has_false = true },
            Scalar::Date(d) => dates.push(d),
        }
    }
    Ok(match ty {
        AttrType::Number => {
            numbers.sort_by(f64::total_cmp);
            Set::Numbers(numbers.into())
        }
        AttrType::Bool => Set::Bools { has_true, has_false },
        AttrType::Date => {
            dates.sort();
            Set::Dates(dates.into())
        }
        _ => {
            strings.sort();
            Set::Strings(strings.into())
        }
    })
}

fn sorted_strings(values: &[String]) -> Box<[Box<str>]> {
    let mut out: Vec<Box<str>> = values.iter().map(|v| v.as_str().into()).collect();
    out.sort();
    out.dedup();
    out.into()
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;
    use serde_json::{Value as Json, json};
    use tailor_model::Attribute;
    use tailor_model::condition::parse;

    use super::*;
    use crate::shopper::shopper_from_json;

    pub(crate) const TODAY: Date = Date::constant(2026, 3, 15);

    pub(crate) fn schema() -> Schema {
        let mut visitor_type = Attribute::new("VisitorType", AttrType::Enum);
        visitor_type.values = vec!["Returning_Visitor".into(), "New_Visitor".into(), "Other".into()];
        Schema::new(vec![
            visitor_type,
            Attribute::new("Revenue", AttrType::Bool),
            Attribute::new("PageValues", AttrType::Number),
            Attribute::new("email", AttrType::String),
            Attribute::new("last_order", AttrType::Date),
            Attribute::new("viewed", AttrType::StringList),
        ])
    }

    fn shopper(fields: Json) -> Shopper {
        let Json::Object(obj) = fields else { panic!("not an object") };
        shopper_from_json("s", &obj, &schema()).unwrap()
    }

    /// A shopper with every attribute set.
    fn full() -> Shopper {
        shopper(json!({
            "VisitorType": "Returning_Visitor", "Revenue": true, "PageValues": 42.5,
            "email": "vip@shop.example", "last_order": "2026-03-01", "viewed": ["running", "socks"]
        }))
    }

    fn empty() -> Shopper {
        shopper(json!({}))
    }

    fn compile(text: &str) -> CompiledCondition {
        let c = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        CompiledCondition::compile(&c, &schema()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// Asserts the condition's result for the full and the all-null shopper.
    #[track_caller]
    fn check(text: &str, on_full: bool, on_null: bool) {
        let c = compile(text);
        assert_eq!(c.matches(&full(), TODAY), on_full, "{text} on the full shopper");
        assert_eq!(c.matches(&empty(), TODAY), on_null, "{text} on the null shopper");
    }

    #[test]
    fn comparisons_and_null() {
        check("PageValues = 42.5", true, false);
        check("PageValues = 42", false, false);
        check("PageValues != 42", true, false);
        check("PageValues != 42.5", false, false);
        check("PageValues < 50", true, false);
        check("PageValues <= 42.5", true, false);
        check("PageValues > 42.5", false, false);
        check("PageValues >= 42.5", true, false);
        check(r#"VisitorType = "Returning_Visitor""#, true, false);
        check(r#"VisitorType != "Other""#, true, false);
        check("Revenue = true", true, false);
        check("Revenue != true", false, false);
        check(r#"email = "VIP@shop.example""#, false, false); // case-sensitive
        check(r#"last_order >= "2026-03-01""#, true, false);
        check(r#"last_order < "2026-03-01""#, false, false);
    }

    #[test]
    fn between_is_inclusive() {
        check("PageValues between 42.5 and 50", true, false);
        check("PageValues between 0 and 42.5", true, false);
        check("PageValues between 43 and 50", false, false);
        check(r#"last_order between "2026-01-01" and "2026-03-01""#, true, false);
    }

    #[test]
    fn in_and_not_in_are_false_on_null() {
        check(r#"VisitorType in ["Other", "Returning_Visitor"]"#, true, false);
        check(r#"VisitorType not_in ["Other", "New_Visitor"]"#, true, false);
        check(r#"VisitorType not_in ["Returning_Visitor"]"#, false, false);
        check("PageValues in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 42.5]", true, false);
        check("PageValues not_in [1, 2]", true, false);
        check("Revenue in [true]", true, false);
        check("Revenue in [false]", false, false);
        check(r#"last_order in ["2026-03-01"]"#, true, false);
        check("PageValues in []", false, false);
        check("PageValues not_in []", true, false);
    }

    #[test]
    fn negative_zero_equals_zero() {
        let zero = shopper(json!({ "PageValues": -0.0 }));
        for text in ["PageValues = 0", "PageValues in [0]", "PageValues in [-0]", "PageValues between 0 and 0"] {
            assert!(compile(text).matches(&zero, TODAY), "{text}");
        }
    }

    #[test]
    fn list_operators() {
        check(r#"viewed contains "running""#, true, false);
        check(r#""socks" in viewed"#, true, false);
        check(r#"viewed contains "Running""#, false, false);
        check(r#"viewed contains_any ["hats", "socks"]"#, true, false);
        check(r#"viewed contains_any ["hats"]"#, false, false);
        check(r#"viewed contains_all ["socks", "running"]"#, true, false);
        check(r#"viewed contains_all ["socks", "hats"]"#, false, false);
        check("viewed contains_all []", true, false);
        check("viewed contains_any []", false, false);
    }

    #[test]
    fn starts_with_and_null_tests() {
        check(r#"email starts_with "vip@""#, true, false);
        check(r#"email starts_with "VIP""#, false, false);
        check(r#"VisitorType starts_with "Ret""#, true, false);
        check("email is_null", false, true);
        check("email is_not_null", true, false);
        check("not email is_null", true, false);
    }

    #[test]
    fn emptiness_counts_null_and_the_empty_list_alike() {
        let missing = empty();
        let null = shopper(json!({ "viewed": null }));
        let none = shopper(json!({ "viewed": [] }));
        let one = shopper(json!({ "viewed": ["x"] }));
        let results = |text: &str| {
            let c = compile(text);
            [&missing, &null, &none, &one].map(|s| c.matches(s, TODAY))
        };
        //                                          missing null   []     ["x"]
        assert_eq!(results("viewed is_empty"), [true, true, true, false]);
        assert_eq!(results("viewed is_not_empty"), [false, false, false, true]);
        assert_eq!(results("viewed is_null"), [true, true, false, false]);
        assert_eq!(results("viewed is_not_null"), [false, false, true, true]);
        assert_eq!(results("not viewed is_empty"), results("viewed is_not_empty"));
        check("viewed is_not_empty", true, false);
        check("viewed is_empty", false, true);
    }

    #[test]
    fn explain_failure_of_is_not_empty_shows_the_empty_list() {
        let failure = compile("viewed is_not_empty").explain_failure(&shopper(json!({ "viewed": [] })), TODAY).unwrap();
        assert_eq!(failure.attribute, Some(AttributeName::from("viewed")));
        assert_eq!(failure.actual.as_deref(), Some("[]"));
    }

    #[test]
    fn date_operators() {
        check(r#"last_order before "2026-03-02""#, true, false);
        check(r#"last_order before "2026-03-01""#, false, false);
        check(r#"last_order after "2026-02-28""#, true, false);
        check(r#"last_order after "2026-03-01""#, false, false);
        check("last_order within_last 14 days", true, false); // 2026-03-01 is 14 days before
        check("last_order within_last 13 days", false, false);
        check("last_order within_last 4294967295 days", true, false);
        let future = shopper(json!({ "last_order": "2026-03-16" }));
        assert!(!compile("last_order within_last 30 days").matches(&future, TODAY));
        let today = shopper(json!({ "last_order": "2026-03-15" }));
        assert!(compile("last_order within_last 0 days").matches(&today, TODAY));
    }

    #[test]
    fn boolean_structure() {
        check("", true, true);
        check("PageValues > 1 and Revenue = true", true, false);
        check("PageValues > 100 or Revenue = true", true, false);
        check("not PageValues > 100", true, true); // not of a null comparison is true
        check("not (PageValues > 1 and email is_null)", true, true);
        check("not ()", false, false);
        check("email is_null or PageValues > 1", true, true);
    }

    #[test]
    fn compile_rejects_what_typecheck_rejects() {
        let c = parse(r#"PageValues = "x" and nope is_null"#).unwrap();
        let err = CompiledCondition::compile(&c, &schema()).unwrap_err();
        assert_eq!(err.errors.len(), 2);
        assert!(err.to_string().contains("unknown attribute `nope`"), "{err}");
    }

    #[test]
    fn explain_failure_reports_the_first_failing_leaf() {
        let c = compile(r#"Revenue = true and (PageValues > 100 or email is_null) and VisitorType = "Other""#);
        let failure = c.explain_failure(&full(), TODAY).unwrap();
        assert_eq!(failure.path, vec![1, 0]);
        assert_eq!(failure.attribute, Some(AttributeName::from("PageValues")));
        assert_eq!(failure.actual.as_deref(), Some("42.5"));

        let failure = c.explain_failure(&empty(), TODAY).unwrap();
        assert_eq!(failure.path, vec![0]);
        assert_eq!(failure.actual.as_deref(), Some("null"));

        let c = compile(r#"PageValues > 1 and VisitorType = "Other""#);
        let failure = c.explain_failure(&full(), TODAY).unwrap();
        assert_eq!((failure.path, failure.actual.as_deref()), (vec![1], Some("\"Returning_Visitor\"")));
        assert_eq!(compile("PageValues > 1").explain_failure(&full(), TODAY), None);
    }

    #[test]
    fn explain_failure_reports_a_not_whose_child_matched() {
        let c = compile("PageValues > 1 and not Revenue = true");
        let failure = c.explain_failure(&full(), TODAY).unwrap();
        assert_eq!(failure.path, vec![1]);
        assert_eq!(failure.attribute, Some(AttributeName::from("Revenue")));
        assert_eq!(failure.actual.as_deref(), Some("true"));

        let c = compile("not (PageValues > 1 or email is_null)");
        let failure = c.explain_failure(&full(), TODAY).unwrap();
        assert_eq!(failure, Failure { path: vec![], attribute: None, actual: None });
    }

    // ------------------------------------------------------------------
    // The compiled evaluator against a direct reading of the semantics,
    // over JSON shoppers in canonical form.

    fn reference(c: &Condition, shopper: &serde_json::Map<String, Json>) -> bool {
        let get = |attr: &AttributeName| shopper.get(attr.as_str()).filter(|v| !v.is_null());
        let date = |v: &Json| v.as_str().and_then(|s| s.parse::<Date>().ok());
        let literal_eq = |v: &Json, l: &Literal| match l {
            Literal::Number(n) => v.as_f64() == Some(*n),
            Literal::Bool(b) => v.as_bool() == Some(*b),
            Literal::String(s) => match (date(v), s.parse::<Date>()) {
                (Some(a), Ok(b)) => a == b,
                _ => v.as_str() == Some(s.as_str()),
            },
        };
        let order = |v: &Json, l: &Literal| match l {
            Literal::Number(n) => v.as_f64().and_then(|x| x.partial_cmp(n)),
            Literal::String(s) => Some(date(v)?.cmp(&s.parse::<Date>().ok()?)),
            Literal::Bool(_) => None,
        };
        let strings = |v: &Json| -> Vec<String> {
            v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
        };
        match c {
            Condition::True => true,
            Condition::And(cs) => cs.iter().all(|c| reference(c, shopper)),
            Condition::Or(cs) => cs.iter().any(|c| reference(c, shopper)),
            Condition::Not(c) => !reference(c, shopper),
            Condition::Compare { attr, op, value } => get(attr).is_some_and(|v| match op {
                CmpOp::Eq => literal_eq(v, value),
                CmpOp::Ne => !literal_eq(v, value),
                CmpOp::Lt => order(v, value) == Some(Ordering::Less),
                CmpOp::Le => matches!(order(v, value), Some(Ordering::Less | Ordering::Equal)),
                CmpOp::Gt => order(v, value) == Some(Ordering::Greater),
                CmpOp::Ge => matches!(order(v, value), Some(Ordering::Greater | Ordering::Equal)),
            }),
            Condition::Between { attr, low, high } => get(attr).is_some_and(|v| {
                matches!(order(v, low), Some(Ordering::Greater | Ordering::Equal))
                    && matches!(order(v, high), Some(Ordering::Less | Ordering::Equal))
            }),
            Condition::In { attr, values } => get(attr).is_some_and(|v| values.iter().any(|l| literal_eq(v, l))),
            Condition::NotIn { attr, values } => get(attr).is_some_and(|v| !values.iter().any(|l| literal_eq(v, l))),
            Condition::Contains { attr, value } => get(attr).is_some_and(|v| strings(v).contains(value)),
            Condition::ContainsAny { attr, values } => {
                get(attr).is_some_and(|v| values.iter().any(|x| strings(v).contains(x)))
            }
            Condition::ContainsAll { attr, values } => {
                get(attr).is_some_and(|v| values.iter().all(|x| strings(v).contains(x)))
            }
            Condition::StartsWith { attr, value } => {
                get(attr).and_then(Json::as_str).is_some_and(|s| s.starts_with(value.as_str()))
            }
            Condition::IsNull { attr } => get(attr).is_none(),
            Condition::IsNotNull { attr } => get(attr).is_some(),
            Condition::IsEmpty { attr } => strings(get(attr).unwrap_or(&Json::Null)).is_empty(),
            Condition::IsNotEmpty { attr } => !strings(get(attr).unwrap_or(&Json::Null)).is_empty(),
            Condition::Before { attr, date: d } => get(attr).and_then(date).is_some_and(|v| v < *d),
            Condition::After { attr, date: d } => get(attr).and_then(date).is_some_and(|v| v > *d),
            Condition::WithinLast { attr, days } => get(attr).and_then(date).is_some_and(|v| {
                let age = v.until(TODAY).map(|s| s.get_days()).unwrap_or(-1);
                age >= 0 && i64::from(age) <= i64::from(*days)
            }),
        }
    }

    // Small domains, so that generated conditions and shoppers often meet.
    pub(crate) const TYPES: [&str; 3] = ["Returning_Visitor", "New_Visitor", "Other"];
    pub(crate) const EMAILS: [&str; 3] = ["vip@a", "x@b", "vip"];
    pub(crate) const CATEGORIES: [&str; 3] = ["running", "socks", "hats"];
    pub(crate) const DATES: [&str; 4] = ["2026-03-15", "2026-03-01", "2026-02-01", "2026-03-20"];

    fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
        prop::sample::select(options).prop_map(String::from)
    }

    fn shopper_json() -> impl Strategy<Value = serde_json::Map<String, Json>> {
        let maybe = |s: BoxedStrategy<Json>| prop::option::weighted(0.8, s);
        (
            maybe(pick(&TYPES).prop_map(Json::from).boxed()),
            maybe(any::<bool>().prop_map(Json::from).boxed()),
            maybe((-3i32..=3).prop_map(|n| json!(f64::from(n) / 2.0)).boxed()),
            maybe(pick(&EMAILS).prop_map(Json::from).boxed()),
            maybe(pick(&DATES).prop_map(Json::from).boxed()),
            maybe(prop::collection::vec(pick(&CATEGORIES), 0..3).prop_map(Json::from).boxed()),
        )
            .prop_map(|(t, r, p, e, d, v)| {
                let names = ["VisitorType", "Revenue", "PageValues", "email", "last_order", "viewed"];
                let mut obj = serde_json::Map::new();
                for (name, value) in names.into_iter().zip([t, r, p, e, d, v]) {
                    if let Some(value) = value {
                        obj.insert(name.to_owned(), value);
                    }
                }
                obj
            })
    }

    fn leaf() -> impl Strategy<Value = Condition> {
        let a = |n: &str| AttributeName::from(n);
        let op = prop::sample::select(vec![CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge]);
        let eq = prop::sample::select(vec![CmpOp::Eq, CmpOp::Ne]);
        let num = (-3i32..=3).prop_map(|n| Literal::Number(f64::from(n) / 2.0));
        let text = |o: &'static [&'static str]| pick(o).prop_map(Literal::String);
        let date = pick(&DATES[..3]).prop_map(|s| s.parse::<Date>().unwrap());
        let strs = |o: &'static [&'static str]| prop::collection::vec(pick(o), 0..3);
        prop_oneof![
            (op.clone(), num.clone()).prop_map(move |(op, value)| Condition::Compare { attr: a("PageValues"), op, value }),
            (op, text(&DATES)).prop_map(move |(op, value)| Condition::Compare { attr: a("last_order"), op, value }),
            (eq.clone(), text(&TYPES)).prop_map(move |(op, value)| Condition::Compare { attr: a("VisitorType"), op, value }),
            (eq.clone(), text(&EMAILS)).prop_map(move |(op, value)| Condition::Compare { attr: a("email"), op, value }),
            (eq, any::<bool>()).prop_map(move |(op, b)| Condition::Compare { attr: a("Revenue"), op, value: Literal::Bool(b) }),
            (num.clone(), num.clone()).prop_map(move |(low, high)| Condition::Between { attr: a("PageValues"), low, high }),
            (text(&DATES), text(&DATES)).prop_map(move |(low, high)| Condition::Between { attr: a("last_order"), low, high }),
            prop::collection::vec(num, 0..4).prop_map(move |values| Condition::In { attr: a("PageValues"), values }),
            prop::collection::vec(text(&TYPES), 0..3).prop_map(move |values| Condition::NotIn { attr: a("VisitorType"), values }),
            prop::collection::vec(any::<bool>().prop_map(Literal::Bool), 0..2).prop_map(move |values| Condition::In { attr: a("Revenue"), values }),
            prop::collection::vec(text(&DATES), 0..3).prop_map(move |values| Condition::NotIn { attr: a("last_order"), values }),
            pick(&CATEGORIES).prop_map(move |value| Condition::Contains { attr: a("viewed"), value }),
            strs(&CATEGORIES).prop_map(move |values| Condition::ContainsAny { attr: a("viewed"), values }),
            strs(&CATEGORIES).prop_map(move |values| Condition::ContainsAll { attr: a("viewed"), values }),
            pick(&EMAILS).prop_map(move |value| Condition::StartsWith { attr: a("email"), value }),
            pick(&["VisitorType", "Revenue", "PageValues", "email", "last_order", "viewed"])
                .prop_flat_map(move |name| prop_oneof![
                    Just(Condition::IsNull { attr: AttributeName(name.clone()) }),
                    Just(Condition::IsNotNull { attr: AttributeName(name) }),
                ]),
            prop_oneof![
                Just(Condition::IsEmpty { attr: a("viewed") }),
                Just(Condition::IsNotEmpty { attr: a("viewed") }),
            ],
            date.clone().prop_map(move |date| Condition::Before { attr: a("last_order"), date }),
            date.prop_map(move |date| Condition::After { attr: a("last_order"), date }),
            (0u32..40).prop_map(move |days| Condition::WithinLast { attr: a("last_order"), days }),
        ]
    }

    pub(crate) fn condition() -> impl Strategy<Value = Condition> {
        prop_oneof![1 => Just(Condition::True), 10 => leaf()].prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Condition::And),
                prop::collection::vec(inner.clone(), 0..4).prop_map(Condition::Or),
                inner.prop_map(|c| Condition::Not(Box::new(c))),
            ]
        })
    }

    proptest! {
        #[test]
        fn compiled_evaluator_agrees_with_the_reference(
            c in condition(),
            shoppers in prop::collection::vec(shopper_json(), 1..8),
        ) {
            let compiled = CompiledCondition::compile(&c, &schema()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for obj in &shoppers {
                let s = shopper_from_json("s", obj, &schema()).unwrap();
                let expected = reference(&c, obj);
                prop_assert_eq!(compiled.matches(&s, TODAY), expected, "{:?} on {:?}", c, obj);
                // A failure is explained exactly when the shopper does not match.
                prop_assert_eq!(compiled.explain_failure(&s, TODAY).is_none(), expected);
            }
        }
    }
}
