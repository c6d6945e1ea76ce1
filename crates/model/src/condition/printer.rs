//! [`Condition`] → text syntax, on one line with canonical spacing.
//!
//! For a [normalised](Condition::normalize) condition whose attribute names
//! are [writable](super::is_attribute_name), `parse(&print(c)) == Ok(c)`.
//! Other conditions print as an equivalent text: an `and`/`or` with a single
//! child prints as that child, an empty `and` as `()` (everyone) and an empty
//! `or` as `not ()` (no one).

use std::fmt::{self, Write};

use super::ast::{Condition, Literal};

/// Prints a condition in the text syntax; [`Condition::True`] prints as "".
pub fn print(c: &Condition) -> String {
    c.to_string()
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::True => Ok(()),
            c => write_node(f, c, Parent::Top),
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Number(n) => write_number(f, *n),
            Literal::String(s) => write_string(f, s),
        }
    }
}

/// Where a node is printed, which decides whether it needs parentheses.
#[derive(Clone, Copy, PartialEq)]
enum Parent {
    Top,
    And,
    Or,
    Not,
}

fn write_node(f: &mut impl Write, c: &Condition, parent: Parent) -> fmt::Result {
    match c {
        Condition::True => f.write_str("()"),
        Condition::And(cs) | Condition::Or(cs) if cs.len() == 1 => write_node(f, &cs[0], parent),
        Condition::And(cs) if cs.is_empty() => f.write_str("()"),
        Condition::Or(cs) if cs.is_empty() => f.write_str("not ()"),
        Condition::And(cs) => {
            // Parenthesise a nested `and` too, so that the nesting comes back.
            let parens = matches!(parent, Parent::And | Parent::Not);
            write_chain(f, cs, " and ", Parent::And, parens)
        }
        Condition::Or(cs) => {
            let parens = parent != Parent::Top;
            write_chain(f, cs, " or ", Parent::Or, parens)
        }
        Condition::Not(inner) => {
            f.write_str("not ")?;
            write_node(f, inner, Parent::Not)
        }
        Condition::Compare { attr, op, value } => write!(f, "{attr} {} {value}", op.symbol()),
        Condition::Between { attr, low, high } => write!(f, "{attr} between {low} and {high}"),
        Condition::In { attr, values } => {
            write!(f, "{attr} in ")?;
            write_list(f, values)
        }
        Condition::NotIn { attr, values } => {
            write!(f, "{attr} not_in ")?;
            write_list(f, values)
        }
        Condition::Contains { attr, value } => {
            write!(f, "{attr} contains ")?;
            write_string(f, value)
        }
        Condition::ContainsAny { attr, values } => {
            write!(f, "{attr} contains_any ")?;
            write_string_list(f, values)
        }
        Condition::ContainsAll { attr, values } => {
            write!(f, "{attr} contains_all ")?;
            write_string_list(f, values)
        }
        Condition::StartsWith { attr, value } => {
            write!(f, "{attr} starts_with ")?;
            write_string(f, value)
        }
        Condition::IsNull { attr } => write!(f, "{attr} is_null"),
        Condition::IsNotNull { attr } => write!(f, "{attr} is_not_null"),
        Condition::IsEmpty { attr } => write!(f, "{attr} is_empty"),
        Condition::IsNotEmpty { attr } => write!(f, "{attr} is_not_empty"),
        Condition::Before { attr, date } => write!(f, "{attr} before \"{date}\""),
        Condition::After { attr, date } => write!(f, "{attr} after \"{date}\""),
        Condition::WithinLast { attr, days } => write!(f, "{attr} within_last {days} days"),
    }
}

fn write_chain(f: &mut impl Write, cs: &[Condition], sep: &str, me: Parent, parens: bool) -> fmt::Result {
    if parens {
        f.write_char('(')?;
    }
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_node(f, c, me)?;
    }
    if parens {
        f.write_char(')')?;
    }
    Ok(())
}

fn write_list(f: &mut impl Write, values: &[Literal]) -> fmt::Result {
    f.write_char('[')?;
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{v}")?;
    }
    f.write_char(']')
}

fn write_string_list(f: &mut impl Write, values: &[String]) -> fmt::Result {
    f.write_char('[')?;
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_string(f, v)?;
    }
    f.write_char(']')
}

/// Writes a number so that it parses back to the identical `f64`: Rust's
/// shortest round-tripping form, `80` rather than `80.0`, and exponent
/// notation when the plain form would be long (`1e300`).
pub fn write_number(f: &mut impl Write, n: f64) -> fmt::Result {
    let plain = n.to_string();
    if plain.len() <= 21 {
        f.write_str(&plain)
    } else {
        write!(f, "{n:e}")
    }
}

/// Writes a double-quoted string literal, escaping what the lexer requires.
pub fn write_string(f: &mut impl Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

impl Condition {
    /// The form the parser produces, so that text round-trips: every `and`
    /// and `or` has at least two children. A single child replaces its
    /// parent, an empty `and` becomes `True` and an empty `or` becomes
    /// `not True` (matches no one). Meaning is unchanged; nesting written
    /// with parentheses (`a and (b and c)`) is kept.
    pub fn normalize(self) -> Condition {
        match self {
            Condition::And(cs) | Condition::Or(cs) if cs.len() == 1 => {
                cs.into_iter().next().map_or(Condition::True, Condition::normalize)
            }
            Condition::And(cs) if cs.is_empty() => Condition::True,
            Condition::Or(cs) if cs.is_empty() => Condition::Not(Box::new(Condition::True)),
            Condition::And(cs) => Condition::And(cs.into_iter().map(Condition::normalize).collect()),
            Condition::Or(cs) => Condition::Or(cs.into_iter().map(Condition::normalize).collect()),
            Condition::Not(c) => Condition::Not(Box::new(c.normalize())),
            leaf => leaf,
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;
    use proptest::prelude::*;

    use super::*;
    use crate::attribute::AttributeName;
    use crate::condition::{CmpOp, KEYWORDS, parse};

    fn leaf(name: &str) -> Condition {
        Condition::IsNull { attr: AttributeName(name.to_owned()) }
    }

    #[test]
    fn true_prints_as_the_empty_text() {
        assert_eq!(print(&Condition::True), "");
        assert_eq!(print(&Condition::Not(Box::new(Condition::True))), "not ()");
        assert_eq!(print(&Condition::And(vec![leaf("a"), Condition::True])), "a is_null and ()");
    }

    #[test]
    fn parentheses_only_where_the_tree_needs_them() {
        let (a, b, c) = (leaf("a"), leaf("b"), leaf("c"));
        let and = |cs: Vec<Condition>| Condition::And(cs);
        let or = |cs: Vec<Condition>| Condition::Or(cs);
        let not = |c: Condition| Condition::Not(Box::new(c));
        assert_eq!(print(&or(vec![and(vec![a.clone(), b.clone()]), c.clone()])), "a is_null and b is_null or c is_null");
        assert_eq!(print(&and(vec![or(vec![a.clone(), b.clone()]), c.clone()])), "(a is_null or b is_null) and c is_null");
        assert_eq!(print(&and(vec![a.clone(), and(vec![b.clone(), c.clone()])])), "a is_null and (b is_null and c is_null)");
        assert_eq!(print(&or(vec![a.clone(), or(vec![b.clone(), c.clone()])])), "a is_null or (b is_null or c is_null)");
        assert_eq!(print(&not(and(vec![a.clone(), b.clone()]))), "not (a is_null and b is_null)");
        assert_eq!(print(&and(vec![not(a.clone()), not(not(b))])), "not a is_null and not not b is_null");
    }

    #[test]
    fn every_leaf_prints_canonically() {
        let text = r#"a = "x\"y" and b != -1.5 and c < 1e300 and d <= 0.1 and e > 3 and f >= true and g between 1 and 2 and h in ["a", 1, false] and i not_in [] and j contains "\n" and k contains_any ["a", "b"] and l contains_all [] and m starts_with "\u0001" and n is_null and o is_not_null and n2 is_empty and o2 is_not_empty and p before "2026-01-01" and q after "0099-12-31" and r within_last 4294967295 days"#;
        let c = parse(text).unwrap();
        assert_eq!(print(&c), text);
    }

    #[test]
    fn numbers_print_without_needless_decimals() {
        let num = |n: f64| Literal::Number(n).to_string();
        assert_eq!(num(80.0), "80");
        assert_eq!(num(-1.5), "-1.5");
        assert_eq!(num(-0.0), "-0");
        assert_eq!(num(1e21), "1e21");
        assert_eq!(num(5e-324), "5e-324");
        assert_eq!(num(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn normalize_gives_every_and_or_two_children() {
        let a = leaf("a");
        assert_eq!(Condition::And(vec![]).normalize(), Condition::True);
        assert_eq!(Condition::Or(vec![]).normalize(), Condition::Not(Box::new(Condition::True)));
        assert_eq!(Condition::Or(vec![Condition::And(vec![a.clone()])]).normalize(), a);
        let nested = Condition::Not(Box::new(Condition::And(vec![Condition::Or(vec![a.clone()]), a.clone()])));
        assert_eq!(nested.normalize(), Condition::Not(Box::new(Condition::And(vec![a.clone(), a]))));
    }

    #[test]
    fn unnormalised_trees_print_as_equivalent_text() {
        let a = leaf("a");
        for c in [
            Condition::And(vec![]),
            Condition::Or(vec![]),
            Condition::And(vec![Condition::Or(vec![a.clone()]), Condition::And(vec![a.clone(), a.clone()])]),
        ] {
            assert_eq!(parse(&print(&c)), Ok(c.clone().normalize()), "{c:?}");
        }
    }

    fn attribute_name() -> impl Strategy<Value = AttributeName> {
        "[A-Za-z_][A-Za-z0-9_]{0,8}"
            .prop_filter("keywords are reserved", |s| !KEYWORDS.contains(&s.as_str()))
            .prop_map(AttributeName)
    }

    /// Whole numbers and cents: what conditions hold in practice.
    fn decimal() -> BoxedStrategy<f64> {
        prop_oneof![
            (-1000i32..1000).prop_map(f64::from),
            (-100_000i32..100_000).prop_map(|n| f64::from(n) / 100.0),
        ]
        .boxed()
    }

    fn any_finite() -> BoxedStrategy<f64> {
        prop_oneof![any::<f64>().prop_filter("finite", |n| n.is_finite()), decimal()].boxed()
    }

    fn literal(number: fn() -> BoxedStrategy<f64>) -> impl Strategy<Value = Literal> {
        prop_oneof![
            any::<bool>().prop_map(Literal::Bool),
            number().prop_map(Literal::Number),
            any::<String>().prop_map(Literal::String),
        ]
    }

    fn date() -> impl Strategy<Value = Date> {
        (-9999i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date::constant(y, m, d))
    }

    fn cmp_op() -> impl Strategy<Value = CmpOp> {
        prop::sample::select(vec![CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge])
    }

    fn leaf_condition(number: fn() -> BoxedStrategy<f64>) -> impl Strategy<Value = Condition> {
        let attr = attribute_name;
        let literal = || literal(number);
        let strings = || prop::collection::vec(any::<String>(), 0..4);
        prop_oneof![
            (attr(), cmp_op(), literal()).prop_map(|(attr, op, value)| Condition::Compare { attr, op, value }),
            (attr(), literal(), literal()).prop_map(|(attr, low, high)| Condition::Between { attr, low, high }),
            (attr(), prop::collection::vec(literal(), 0..4)).prop_map(|(attr, values)| Condition::In { attr, values }),
            (attr(), prop::collection::vec(literal(), 0..4)).prop_map(|(attr, values)| Condition::NotIn { attr, values }),
            (attr(), any::<String>()).prop_map(|(attr, value)| Condition::Contains { attr, value }),
            (attr(), strings()).prop_map(|(attr, values)| Condition::ContainsAny { attr, values }),
            (attr(), strings()).prop_map(|(attr, values)| Condition::ContainsAll { attr, values }),
            (attr(), any::<String>()).prop_map(|(attr, value)| Condition::StartsWith { attr, value }),
            attr().prop_map(|attr| Condition::IsNull { attr }),
            attr().prop_map(|attr| Condition::IsNotNull { attr }),
            attr().prop_map(|attr| Condition::IsEmpty { attr }),
            attr().prop_map(|attr| Condition::IsNotEmpty { attr }),
            (attr(), date()).prop_map(|(attr, date)| Condition::Before { attr, date }),
            (attr(), date()).prop_map(|(attr, date)| Condition::After { attr, date }),
            (attr(), any::<u32>()).prop_map(|(attr, days)| Condition::WithinLast { attr, days }),
        ]
    }

    /// Normalised conditions: `and`/`or` always have two or more children.
    fn condition_over(number: fn() -> BoxedStrategy<f64>) -> impl Strategy<Value = Condition> {
        let leaves = prop_oneof![1 => Just(Condition::True), 12 => leaf_condition(number)];
        leaves.prop_recursive(5, 48, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..5).prop_map(Condition::And),
                prop::collection::vec(inner.clone(), 2..5).prop_map(Condition::Or),
                inner.prop_map(|c| Condition::Not(Box::new(c))),
            ]
        })
    }

    proptest! {
        #[test]
        fn printed_text_parses_back_to_the_same_tree(c in condition_over(any_finite)) {
            let text = print(&c);
            prop_assert_eq!(parse(&text), Ok(c), "text: {}", text);
        }

        #[test]
        fn normalised_trees_are_fixed_points_of_normalize(c in condition_over(decimal)) {
            prop_assert_eq!(c.clone().normalize(), c);
        }

        /// Only decimal numbers: serde_json's default float parsing can be
        /// one ulp off for 17-digit numbers unless its `float_roundtrip`
        /// feature is on.
        #[test]
        fn json_round_trip(c in condition_over(decimal)) {
            let json = serde_json::to_string(&c).unwrap();
            let back: Condition = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, c, "json: {}", json);
        }
    }
}
