//! Typed shopper fields (DESIGN §2).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The name of a shopper attribute, e.g. `visitor_type`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttributeName(pub String);

impl AttributeName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AttributeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for AttributeName {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// The type of an attribute's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AttrType {
    String,
    Number,
    Bool,
    /// A calendar date, ISO `YYYY-MM-DD`.
    Date,
    StringList,
    /// One of a closed set of strings (`Attribute::values`).
    Enum,
}

impl AttrType {
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Number => "number",
            AttrType::Bool => "bool",
            AttrType::Date => "date",
            AttrType::StringList => "string_list",
            AttrType::Enum => "enum",
        }
    }
}

impl std::fmt::Display for AttrType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed shopper field. Field names match the spec file (DESIGN §11).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Attribute {
    pub name: AttributeName,
    #[serde(rename = "type")]
    pub ty: AttrType,
    /// Allowed values of an `enum` attribute; empty for other types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub requires_consent: bool,
    /// Where the data comes from (free text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub source: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Attribute {
    pub fn new(name: &str, ty: AttrType) -> Self {
        Self {
            name: name.into(),
            ty,
            values: Vec::new(),
            sensitive: false,
            requires_consent: false,
            source: None,
        }
    }
}

/// The attribute schema a condition is checked and compiled against.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    attributes: Vec<Attribute>,
}

impl Schema {
    pub fn new(attributes: Vec<Attribute>) -> Self {
        Self { attributes }
    }

    pub fn get(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name.0 == name)
    }

    /// Position of an attribute: the slot a compiled condition reads.
    pub fn slot(&self, name: &str) -> Option<usize> {
        self.attributes.iter().position(|a| a.name.0 == name)
    }

    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    pub fn len(&self) -> usize {
        self.attributes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }
}
