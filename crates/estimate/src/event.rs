//! One logged event: what was shown to whom, with which probability, and
//! what happened.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A logged decision for one placement and its outcomes.
///
/// The JSON Lines form (one object per line) is this struct as written:
///
/// ```json
/// {"id": "e-1", "shopper": {"id": "s-1", "device": "mobile"}, "page": "home",
///  "placement": "home.hero", "action": "hero_restock", "propensity": 0.5,
///  "rewards": {"click": 1, "revenue": 0}, "time": "2026-11-25T12:00:00Z"}
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Event id (the row number when the source has none).
    #[serde(default)]
    pub id: String,
    /// The shopper's attributes at decision time, a flat object; `id` is
    /// the shopper id (holdout and variant buckets depend on it).
    #[serde(default)]
    pub shopper: serde_json::Map<String, serde_json::Value>,
    /// Page type.
    pub page: String,
    /// `page.placement`, e.g. `home.hero`.
    pub placement: String,
    /// Content id shown (the logged action).
    pub action: String,
    /// Probability with which the logging policy chose `action` for this
    /// shopper, in (0, 1].
    pub propensity: f64,
    /// Outcomes by name (`click`, `conversion`, `revenue`…); booleans are 1/0.
    #[serde(default)]
    pub rewards: BTreeMap<String, f64>,
    /// When the decision was made; the draft is decided at this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
}

/// Checks a propensity: finite and in (0, 1].
pub fn check_propensity(p: f64) -> Result<(), String> {
    if p.is_finite() && p > 0.0 && p <= 1.0 {
        Ok(())
    } else {
        Err(format!("propensity {p} is outside (0, 1]"))
    }
}

/// Parses an instant: RFC 3339, also with a space instead of `T`
/// (`2019-11-24 00:00:34.762830+00:00`, as pandas writes).
pub fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    s.parse::<Timestamp>().ok().or_else(|| s.replacen(' ', "T", 1).parse::<Timestamp>().ok())
}

impl Event {
    /// The shopper id: `shopper.id`, else the event id.
    pub fn shopper_id(&self) -> String {
        match self.shopper.get("id") {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => self.id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn propensities_outside_zero_one_are_refused() {
        assert!(check_propensity(1.0).is_ok());
        assert!(check_propensity(0.0125).is_ok());
        for p in [0.0, -0.1, 1.0001, f64::NAN, f64::INFINITY] {
            assert!(check_propensity(p).is_err(), "{p}");
        }
    }

    #[test]
    fn pandas_timestamps_parse() {
        let t = parse_time("2019-11-24 00:00:34.762830+00:00").unwrap();
        assert_eq!(t.to_string(), "2019-11-24T00:00:34.76283Z");
        assert!(parse_time("2026-11-25T12:00:00Z").is_some());
        assert!(parse_time("yesterday").is_none());
    }
}
