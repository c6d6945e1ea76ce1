//! Named personas: hand-written sample shoppers a team previews against
//! ("new mobile visitor from search", "loyal returning buyer"), kept beside
//! the generated and imported ones.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A named, described sample shopper. `shopper` is a flat JSON object of
/// attribute values (as in a decision request), with or without `"id"`; the
/// persona's id is `persona:<name>` when it has none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Persona {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[ts(type = "Record<string, unknown>")]
    pub shopper: serde_json::Map<String, serde_json::Value>,
}

impl Persona {
    /// The shopper id a persona decides with.
    pub fn shopper_id(&self) -> String {
        match self.shopper.get("id") {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("persona:{}", self.name),
        }
    }
}
