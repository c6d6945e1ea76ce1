//! Shoppers as the engine sees them: values in schema slot order.

use jiff::civil::Date;
use serde_json::Value as Json;
use tailor_model::condition::parse_date;
use tailor_model::{AttrType, AttributeName, Schema};

use crate::value::Value;

/// One shopper. `values[i]` belongs to the schema attribute in slot `i`
/// ([`Schema::slot`]); a shorter vector means the rest are null.
#[derive(Clone, Debug, PartialEq)]
pub struct Shopper {
    pub id: String,
    pub values: Vec<Value>,
}

impl Shopper {
    /// The value in a slot; `Null` when missing.
    pub fn value(&self, slot: usize) -> &Value {
        const NULL: &Value = &Value::Null;
        self.values.get(slot).unwrap_or(NULL)
    }
}

/// A JSON field that cannot be converted to its attribute's type.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("attribute `{attribute}`: {message}")]
pub struct ValueError {
    pub attribute: AttributeName,
    pub message: String,
}

/// Converts one shopper's JSON object, attribute by attribute. Missing keys
/// and JSON `null` become [`Value::Null`]; keys the schema does not know are
/// ignored. Lenient where exports commonly differ: numbers may be numeric
/// strings, bools may be `"TRUE"`/`"false"`, dates may be RFC 3339
/// timestamps (their date part is kept), lists may be `|`-separated strings,
/// and strings may be numbers.
pub fn shopper_from_json(
    id: &str,
    obj: &serde_json::Map<String, Json>,
    schema: &Schema,
) -> Result<Shopper, ValueError> {
    let values = schema
        .attributes()
        .iter()
        .map(|attr| {
            let json = obj.get(attr.name.as_str()).unwrap_or(&Json::Null);
            convert(attr.ty, json).map_err(|message| ValueError { attribute: attr.name.clone(), message })
        })
        .collect::<Result<_, _>>()?;
    Ok(Shopper { id: id.to_owned(), values })
}

/// One attribute's value from JSON, converted as [`shopper_from_json`]
/// converts it; the message says what was expected and what was found.
pub fn value_from_json(ty: AttrType, json: &Json) -> Result<Value, String> {
    convert(ty, json)
}

pub(crate) fn convert(ty: AttrType, json: &Json) -> Result<Value, String> {
    let value = match (ty, json) {
        (_, Json::Null) => Value::Null,
        (AttrType::Number, Json::Number(n)) => n.as_f64().map(Value::Number).ok_or_else(|| found("a number", json))?,
        (AttrType::Number, Json::String(s)) => match s.trim().parse::<f64>() {
            // `parse` also accepts "NaN" and "inf", which no condition can compare.
            Ok(n) if n.is_finite() => Value::Number(n),
            _ => return Err(found("a number", json)),
        },
        (AttrType::Bool, Json::Bool(b)) => Value::Bool(*b),
        (AttrType::Bool, Json::String(s)) => match s.as_str() {
            "true" | "TRUE" => Value::Bool(true),
            "false" | "FALSE" => Value::Bool(false),
            _ => return Err(found("true or false", json)),
        },
        (AttrType::Date, Json::String(s)) => Value::Date(date(s).ok_or_else(|| found("a date YYYY-MM-DD", json))?),
        (AttrType::String | AttrType::Enum, Json::String(s)) => Value::String(s.as_str().into()),
        (AttrType::String | AttrType::Enum, Json::Number(n)) => Value::String(n.to_string().into()),
        (AttrType::StringList, Json::Array(items)) => Value::List(
            items
                .iter()
                .map(|item| item.as_str().map(Into::into).ok_or_else(|| found("a list of strings", json)))
                .collect::<Result<_, _>>()?,
        ),
        (AttrType::StringList, Json::String(s)) => {
            Value::List(s.split('|').filter(|item| !item.is_empty()).map(Into::into).collect())
        }
        (AttrType::Number, _) => return Err(found("a number", json)),
        (AttrType::Bool, _) => return Err(found("true or false", json)),
        (AttrType::Date, _) => return Err(found("a date YYYY-MM-DD", json)),
        (AttrType::String | AttrType::Enum, _) => return Err(found("a string", json)),
        (AttrType::StringList, _) => return Err(found("a list of strings", json)),
    };
    Ok(value)
}

/// `YYYY-MM-DD`, or the date part of an RFC 3339 timestamp as written.
pub(crate) fn date(s: &str) -> Option<Date> {
    if let Ok(d) = parse_date(s) {
        return Some(d);
    }
    let (day, _) = s.split_at_checked(10)?;
    let valid_timestamp = s.parse::<jiff::Timestamp>().is_ok();
    valid_timestamp.then(|| parse_date(day).ok()).flatten()
}

fn found(wanted: &str, json: &Json) -> String {
    let mut shown = json.to_string();
    if shown.chars().count() > 40 {
        shown = shown.chars().take(40).collect::<String>() + "…";
    }
    let kind = match json {
        Json::Null => "null",
        Json::Bool(_) => "a bool",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    };
    format!("expected {wanted}, found {kind} {shown}")
}

/// The shoppers reach and previews are computed over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShopperTable {
    shoppers: Vec<Shopper>,
}

impl ShopperTable {
    pub fn new(shoppers: Vec<Shopper>) -> Self {
        Self { shoppers }
    }

    pub fn len(&self) -> usize {
        self.shoppers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shoppers.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Shopper> {
        self.shoppers.iter()
    }

    pub fn get(&self, i: usize) -> Option<&Shopper> {
        self.shoppers.get(i)
    }
}

impl<'a> IntoIterator for &'a ShopperTable {
    type Item = &'a Shopper;
    type IntoIter = std::slice::Iter<'a, Shopper>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl FromIterator<Shopper> for ShopperTable {
    fn from_iter<I: IntoIterator<Item = Shopper>>(iter: I) -> Self {
        Self::new(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tailor_model::Attribute;

    use super::*;

    fn schema() -> Schema {
        Schema::new(vec![
            Attribute::new("PageValues", AttrType::Number),
            Attribute::new("Revenue", AttrType::Bool),
            Attribute::new("last_order", AttrType::Date),
            Attribute::new("VisitorType", AttrType::Enum),
            Attribute::new("email", AttrType::String),
            Attribute::new("viewed", AttrType::StringList),
        ])
    }

    fn convert_obj(v: Json) -> Result<Shopper, ValueError> {
        let Json::Object(obj) = v else { panic!("not an object") };
        shopper_from_json("s1", &obj, &schema())
    }

    #[test]
    fn canonical_json_converts_by_attribute_type() {
        let s = convert_obj(json!({
            "PageValues": 12.5, "Revenue": true, "last_order": "2026-01-31",
            "VisitorType": "New_Visitor", "email": "a@b.c", "viewed": ["shoes", "socks"],
            "not_in_schema": {"ignored": true}
        }))
        .unwrap();
        assert_eq!(s.id, "s1");
        assert_eq!(
            s.values,
            vec![
                Value::Number(12.5),
                Value::Bool(true),
                Value::Date(Date::constant(2026, 1, 31)),
                Value::String("New_Visitor".into()),
                Value::String("a@b.c".into()),
                Value::List(vec!["shoes".into(), "socks".into()]),
            ]
        );
    }

    #[test]
    fn lenient_forms_from_csv_like_exports_are_accepted() {
        let s = convert_obj(json!({
            "PageValues": " 7 ", "Revenue": "FALSE", "last_order": "2026-01-31T23:30:00+01:00",
            "VisitorType": 3, "email": 1.5, "viewed": "a|b||c"
        }))
        .unwrap();
        assert_eq!(
            s.values,
            vec![
                Value::Number(7.0),
                Value::Bool(false),
                Value::Date(Date::constant(2026, 1, 31)),
                Value::String("3".into()),
                Value::String("1.5".into()),
                Value::List(vec!["a".into(), "b".into(), "c".into()]),
            ]
        );
    }

    #[test]
    fn missing_and_null_values_are_null() {
        let s = convert_obj(json!({ "PageValues": null })).unwrap();
        assert!(s.values.iter().all(|v| *v == Value::Null));
        assert_eq!(s.value(99), &Value::Null);
    }

    #[test]
    fn wrong_types_name_the_attribute_and_what_was_found() {
        let err = |v: Json| convert_obj(v).unwrap_err().to_string();
        assert_eq!(err(json!({"PageValues": "abc"})), "attribute `PageValues`: expected a number, found a string \"abc\"");
        assert!(err(json!({"PageValues": "NaN"})).contains("expected a number"));
        assert!(err(json!({"PageValues": true})).contains("found a bool true"));
        assert_eq!(err(json!({"Revenue": "yes"})), "attribute `Revenue`: expected true or false, found a string \"yes\"");
        assert!(err(json!({"last_order": "31/01/2026"})).starts_with("attribute `last_order`: expected a date"));
        assert!(err(json!({"last_order": "2026-01-31Tnonsense"})).contains("expected a date"));
        assert!(err(json!({"last_order": 20260131})).contains("found a number"));
        assert!(err(json!({"VisitorType": ["x"]})).contains("expected a string, found a list"));
        assert!(err(json!({"viewed": [1, 2]})).contains("expected a list of strings"));
        assert!(err(json!({"email": {"a": "x".repeat(100)}})).ends_with('…'));
    }

    #[test]
    fn table_gives_access_by_position() {
        let table: ShopperTable = ["a", "b"].iter().map(|id| Shopper { id: (*id).into(), values: vec![] }).collect();
        assert_eq!(table.len(), 2);
        assert!(!table.is_empty());
        assert_eq!(table.get(1).map(|s| s.id.as_str()), Some("b"));
        assert_eq!(table.get(2), None);
        assert_eq!(table.iter().count(), 2);
    }
}
