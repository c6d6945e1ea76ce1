//! Checking a [`Condition`] against a [`Schema`]: attributes exist, operators
//! suit their types, literals have the attribute's type (DESIGN §4: type
//! errors are authoring-time validation errors, with the position).

use serde::Serialize;
use ts_rs::TS;

use super::ast::{Condition, Literal};
use super::operator::Operator;
use super::parser::{self, ParseError, SourceMap, Span, line_column, parse_date};
use crate::attribute::{AttrType, Attribute, Schema};

/// A condition that does not fit the schema.
#[derive(Clone, Debug, PartialEq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct TypeError {
    /// Child indices from the root to the offending node (`not` has one
    /// child, index 0).
    pub path: Vec<usize>,
    /// Which part of the node is wrong.
    pub part: Part,
    pub message: String,
}

/// The part of a leaf a [`TypeError`] is about, to point at it in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Part {
    Attribute,
    Operator,
    /// The n-th literal of the leaf (`between`: 0 = low, 1 = high).
    Value(usize),
}

/// Checks a condition against a schema; an empty result means it is valid.
pub fn typecheck(c: &Condition, schema: &Schema) -> Vec<TypeError> {
    let mut errors = Vec::new();
    check(c, schema, &mut Vec::new(), &mut errors);
    errors
}

fn check(c: &Condition, schema: &Schema, path: &mut Vec<usize>, errors: &mut Vec<TypeError>) {
    let mut error = |part: Part, message: String| {
        errors.push(TypeError { path: path.clone(), part, message });
    };
    let attr = match c.attr() {
        None => {
            let children: &[Condition] = match c {
                Condition::And(cs) | Condition::Or(cs) => cs,
                Condition::Not(inner) => std::slice::from_ref(&**inner),
                _ => &[],
            };
            for (i, child) in children.iter().enumerate() {
                path.push(i);
                check(child, schema, path, errors);
                path.pop();
            }
            return;
        }
        Some(name) => match schema.get(name.as_str()) {
            Some(attr) => attr,
            None => {
                let mut message = format!("unknown attribute `{name}`");
                let names = schema.attributes().iter().map(|a| a.name.as_str());
                if let Some(close) = closest(name.as_str(), names) {
                    message += &format!("; did you mean `{close}`?");
                }
                return error(Part::Attribute, message);
            }
        },
    };

    if let Some(message) = operator_error(c, attr) {
        return error(Part::Operator, message);
    }
    let literals: Vec<&Literal> = match c {
        Condition::Compare { value, .. } => vec![value],
        Condition::Between { low, high, .. } => vec![low, high],
        Condition::In { values, .. } | Condition::NotIn { values, .. } => values.iter().collect(),
        _ => Vec::new(),
    };
    for (i, literal) in literals.into_iter().enumerate() {
        if let Err(message) = check_literal(attr, literal) {
            error(Part::Value(i), message);
        }
    }
}

/// Why the leaf's operator does not apply to the attribute's type, if so.
fn operator_error(c: &Condition, attr: &Attribute) -> Option<String> {
    use AttrType as T;
    use Operator as O;
    let op = Operator::of(c)?;
    if op.applies_to(attr.ty) {
        return None;
    }
    let hint = match op {
        O::Eq | O::Ne => "; use contains, contains_any or contains_all",
        O::Lt | O::Le | O::Gt | O::Ge | O::Between if attr.ty != T::StringList => "; use = or in",
        O::In | O::NotIn => "; use contains_any",
        O::Contains | O::ContainsAny | O::ContainsAll => "; use = or in",
        O::IsEmpty | O::IsNotEmpty => "; use is_null or is_not_null",
        _ => "",
    };
    let hint = if attr.ty == T::Bool && !matches!(op, O::IsEmpty | O::IsNotEmpty) { "" } else { hint };
    Some(format!("`{}` does not apply to {} attribute `{}`{hint}", op.keyword(), article(attr.ty), attr.name))
}

fn article(ty: AttrType) -> String {
    match ty {
        AttrType::Enum => format!("an {ty}"),
        _ => format!("a {ty}"),
    }
}

/// Checks one literal against a scalar attribute's type.
pub(crate) fn check_literal(attr: &Attribute, literal: &Literal) -> Result<(), String> {
    let wanted = match (attr.ty, literal) {
        (AttrType::Number, Literal::Number(n)) if n.is_finite() => return Ok(()),
        (AttrType::Bool, Literal::Bool(_)) | (AttrType::String, Literal::String(_)) => return Ok(()),
        (AttrType::Date, Literal::String(s)) => {
            return parse_date(s).map(|_| ()).map_err(|e| format!("{e} (`{}` is a date)", attr.name));
        }
        (AttrType::Enum, Literal::String(s)) => {
            if attr.values.is_empty() || attr.values.contains(s) {
                return Ok(());
            }
            let mut message = format!("\"{s}\" is not a value of `{}`", attr.name);
            match closest(s, attr.values.iter().map(String::as_str)) {
                Some(close) => message += &format!("; did you mean \"{close}\"?"),
                None => message += &format!(" (one of: {})", attr.values.join(", ")),
            }
            return Err(message);
        }
        (AttrType::Number, _) => "a number",
        (AttrType::Bool, _) => "true or false",
        (AttrType::Date, _) => "a date \"YYYY-MM-DD\"",
        (AttrType::String | AttrType::Enum | AttrType::StringList, _) => "a string",
    };
    let found = match literal {
        Literal::Number(n) if !n.is_finite() => "a number that is not finite".to_owned(),
        Literal::Number(_) => format!("the number {literal}"),
        Literal::String(_) => format!("the string {literal}"),
        Literal::Bool(_) => format!("{literal}"),
    };
    Err(format!("`{}` is {}: expected {wanted}, found {found}", attr.name, article(attr.ty)))
}

/// The candidate closest to `name` by edit distance (ignoring case), if it
/// is close enough to be a likely typo.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .map(|c| (edit_distance(&name, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// A syntax or type error in condition text, positioned for the editor.
#[derive(Clone, Debug, PartialEq, Serialize, TS, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
#[ts(export)]
pub struct ConditionError {
    pub kind: ConditionErrorKind,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte range of the offending text.
    pub offset: usize,
    pub end: usize,
    pub message: String,
    /// Further type errors, as "line L, column C: message", in text order.
    pub others: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConditionErrorKind {
    Syntax,
    Type,
}

impl From<ParseError> for ConditionError {
    fn from(e: ParseError) -> Self {
        Self {
            kind: ConditionErrorKind::Syntax,
            line: e.line,
            column: e.column,
            offset: e.offset,
            end: e.end,
            message: e.message,
            others: Vec::new(),
        }
    }
}

/// Parses condition text and type-checks it; a type error points at the
/// attribute, operator or literal it is about. With several type errors the
/// first in the text is reported and the rest are listed in `others`.
pub fn parse_checked(text: &str, schema: &Schema) -> Result<Condition, ConditionError> {
    let (condition, map) = parser::parse_with_source_map(text)?;
    let errors = typecheck(&condition, schema);
    let mut located: Vec<(Span, String)> = errors
        .into_iter()
        .map(|e| (locate(&map, &e), e.message))
        .collect();
    if located.is_empty() {
        return Ok(condition);
    }
    located.sort_by_key(|(span, _)| span.start);
    let mut located = located.into_iter();
    let Some((span, message)) = located.next() else {
        return Ok(condition);
    };
    let (line, column) = line_column(text, span.start);
    let others = located
        .map(|(span, message)| {
            let (line, column) = line_column(text, span.start);
            format!("line {line}, column {column}: {message}")
        })
        .collect();
    Err(ConditionError {
        kind: ConditionErrorKind::Type,
        line,
        column,
        offset: span.start,
        end: span.end,
        message,
        others,
    })
}

/// The text a type error is about, falling back to the whole node.
fn locate(map: &SourceMap, e: &TypeError) -> Span {
    let zero = Span { start: 0, end: 0 };
    let Some(node) = map.node(&e.path) else {
        return zero;
    };
    let part = match e.part {
        Part::Attribute => node.attr,
        Part::Operator => node.op,
        Part::Value(i) => node.values.get(i).copied(),
    };
    part.or(node.span).unwrap_or(zero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::parse;

    fn schema() -> Schema {
        let mut visitor_type = Attribute::new("VisitorType", AttrType::Enum);
        visitor_type.values = vec!["Returning_Visitor".into(), "New_Visitor".into(), "Other".into()];
        Schema::new(vec![
            visitor_type,
            Attribute::new("Revenue", AttrType::Bool),
            Attribute::new("PageValues", AttrType::Number),
            Attribute::new("email", AttrType::String),
            Attribute::new("last_order", AttrType::Date),
            Attribute::new("viewed_categories", AttrType::StringList),
            Attribute::new("segment_tag", AttrType::Enum), // no declared values
        ])
    }

    fn errors(text: &str) -> Vec<TypeError> {
        typecheck(&parse(text).unwrap(), &schema())
    }

    fn message(text: &str) -> String {
        let errors = errors(text);
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        errors[0].message.clone()
    }

    #[test]
    fn well_typed_conditions_pass() {
        for text in [
            "",
            r#"VisitorType = "Returning_Visitor" and Revenue = true and PageValues > 10.5"#,
            r#"VisitorType in ["Other", "New_Visitor"] or VisitorType not_in ["Other"]"#,
            r#"segment_tag = "anything" and segment_tag starts_with "a""#,
            r#"PageValues between -1 and 2 and PageValues != 3 and PageValues in [1, 2]"#,
            r#"email starts_with "vip" and email != "x" and email is_null"#,
            r#"last_order before "2026-01-01" and last_order after "2025-01-01" and last_order within_last 30 days"#,
            r#"last_order >= "2025-06-01" and last_order between "2025-01-01" and "2025-12-31""#,
            r#""running" in viewed_categories and viewed_categories contains_any ["a"] and viewed_categories contains_all ["b"]"#,
            "viewed_categories is_not_null and not Revenue is_null",
            "viewed_categories is_empty or viewed_categories is_not_empty",
        ] {
            assert_eq!(errors(text), vec![], "{text}");
        }
    }

    #[test]
    fn unknown_attribute_suggests_the_closest_name() {
        assert_eq!(message("visitortype is_null"), "unknown attribute `visitortype`; did you mean `VisitorType`?");
        assert_eq!(message("zzz is_null"), "unknown attribute `zzz`");
    }

    #[test]
    fn operators_must_suit_the_attribute_type() {
        assert!(message(r#"VisitorType < "Other""#).contains("`<` does not apply to an enum attribute `VisitorType`"));
        assert!(message(r#"email >= "a""#).contains("`>=` does not apply to a string attribute"));
        assert!(message("Revenue between true and false").contains("`between` does not apply to a bool"));
        assert!(message(r#"viewed_categories = "a""#).contains("use contains"));
        assert!(message(r#"viewed_categories in ["a"]"#).contains("use contains_any"));
        assert!(message(r#"email contains "a""#).contains("`contains` does not apply to a string attribute"));
        assert!(message(r#""a" in email"#).contains("`contains` does not apply"));
        assert!(message(r#"PageValues starts_with "1""#).contains("`starts_with` does not apply to a number"));
        assert!(message(r#"PageValues before "2026-01-01""#).contains("`before` does not apply"));
        assert!(message(r#"email after "2026-01-01""#).contains("`after` does not apply"));
        assert!(message("Revenue within_last 3 days").contains("`within_last` does not apply"));
        let e = &errors("PageValues contains_any []")[0];
        assert_eq!(e.part, Part::Operator);
        assert_eq!(
            message("email is_empty"),
            "`is_empty` does not apply to a string attribute `email`; use is_null or is_not_null"
        );
        assert!(message("Revenue is_not_empty").contains("`is_not_empty` does not apply to a bool attribute"));
        assert_eq!(errors("not viewed_categories is_not_empty"), vec![]);
    }

    #[test]
    fn literals_must_have_the_attribute_type() {
        assert_eq!(
            message(r#"PageValues > "80""#),
            "`PageValues` is a number: expected a number, found the string \"80\""
        );
        assert!(message("Revenue = 1").contains("expected true or false, found the number 1"));
        assert!(message("email = true").contains("expected a string, found true"));
        assert!(message("last_order = 20260101").contains("expected a date \"YYYY-MM-DD\""));
        assert!(message(r#"last_order = "2026-02-30""#).contains("invalid date"));
        let e = &errors(r#"PageValues between 1 and "2""#)[0];
        assert_eq!(e.part, Part::Value(1));
    }

    #[test]
    fn enum_values_are_checked_when_declared() {
        assert_eq!(
            message(r#"VisitorType = "returning_visitor""#),
            "\"returning_visitor\" is not a value of `VisitorType`; did you mean \"Returning_Visitor\"?"
        );
        assert!(message(r#"VisitorType in ["Other", "zzz"]"#).contains("(one of: Returning_Visitor, New_Visitor, Other)"));
        assert_eq!(errors(r#"segment_tag in ["zzz"]"#), vec![]);
    }

    #[test]
    fn paths_lead_to_the_offending_node() {
        let errors = errors(r#"Revenue = true and not (email is_null or nope is_null)"#);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, vec![1, 0, 1]);
        assert_eq!(errors[0].part, Part::Attribute);
    }

    #[test]
    fn parse_checked_points_at_the_attribute() {
        let text = "Revenue = true and\n  PageValus > 3";
        let e = parse_checked(text, &schema()).unwrap_err();
        assert_eq!(e.kind, ConditionErrorKind::Type);
        assert_eq!((e.line, e.column), (2, 3));
        assert_eq!(&text[e.offset..e.end], "PageValus");
        assert!(e.to_string().starts_with("line 2, column 3: unknown attribute `PageValus`"));
    }

    #[test]
    fn parse_checked_points_at_the_value_and_operator() {
        let text = r#"VisitorType in ["Other", "Nope"]"#;
        let e = parse_checked(text, &schema()).unwrap_err();
        assert_eq!(&text[e.offset..e.end], "\"Nope\"");
        let text = r#"email < "b""#;
        let e = parse_checked(text, &schema()).unwrap_err();
        assert_eq!(&text[e.offset..e.end], "<");
    }

    #[test]
    fn parse_checked_reports_the_first_error_and_lists_the_rest() {
        let text = r#"(zz is_null or Revenue = 1) and email = 2 and yy is_null"#;
        let e = parse_checked(text, &schema()).unwrap_err();
        assert_eq!(&text[e.offset..e.end], "zz");
        assert_eq!(e.others.len(), 3);
        assert!(e.others[0].starts_with("line 1, column 26: `Revenue` is a bool"), "{:?}", e.others);
        assert!(e.others[2].contains("unknown attribute `yy`"));
    }

    #[test]
    fn parse_checked_passes_syntax_errors_through() {
        let e = parse_checked("Revenue = ", &schema()).unwrap_err();
        assert_eq!(e.kind, ConditionErrorKind::Syntax);
        assert_eq!(e.column, 11);
        assert!(parse_checked("Revenue = true", &schema()).is_ok());
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("é", "e"), 1);
    }
}
