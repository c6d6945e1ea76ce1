//! A shopper's typed attribute values.

use std::fmt;

use jiff::civil::Date;
use tailor_model::condition::{write_number, write_string};

/// One attribute value of one shopper, already converted to the attribute's
/// type. `Null` is a missing value: every comparison with it is false.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    /// A `string` or `enum` value.
    String(Box<str>),
    Date(Date),
    List(Vec<Box<str>>),
}

/// Renders the value as the condition syntax would write it (`null` when
/// missing), for traces such as "VisitorType is \"New_Visitor\"".
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write_number(f, *n),
            Value::String(s) => write_string(f, s),
            Value::Date(d) => write!(f, "{d}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_string(f, item)?;
                }
                f.write_str("]")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_render_like_condition_literals() {
        assert_eq!(Value::Null.to_string(), "null");
        assert_eq!(Value::Number(80.0).to_string(), "80");
        assert_eq!(Value::String("a\"b".into()).to_string(), r#""a\"b""#);
        assert_eq!(Value::Date(Date::constant(2026, 1, 2)).to_string(), "2026-01-02");
        assert_eq!(Value::List(vec!["a".into(), "b".into()]).to_string(), r#"["a", "b"]"#);
        assert_eq!(Value::Bool(false).to_string(), "false");
    }
}
