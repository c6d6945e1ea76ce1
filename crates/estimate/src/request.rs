//! One way in for the CLI and the app: the same request on the same
//! workspace and events gives the same report, whoever asks.

use std::collections::BTreeSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tailor_engine::plan::Plan;
use tailor_model::spec::Snapshot;
use ts_rs::TS;

use crate::estimate::{Bootstrap, EntryArms, EstimateError, EstimateOptions, EstimateReport, estimate};
use crate::event::Event;

/// What to estimate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EstimateRequest {
    /// The reward (`click`, `conversion`, `revenue`…); see [`choose_reward`].
    #[serde(default)]
    #[ts(optional)]
    pub reward: Option<String>,
    /// Decide the draft at this instant (RFC 3339) for every event, instead
    /// of each event's own time. Text, so that a typo gets a sentence back
    /// rather than a deserialization error.
    #[serde(default)]
    #[ts(optional)]
    pub at: Option<String>,
    /// Percentile bootstrap with this many resamples; normal intervals when absent.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub bootstrap: Option<usize>,
    /// Seed of the bootstrap (1 when absent).
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub seed: Option<u64>,
}

/// Fewest bootstrap resamples accepted: the 2.5% and 97.5% percentiles of
/// fewer are mostly noise.
pub const MIN_RESAMPLES: usize = 100;

/// Outcome names carried by the events.
pub fn rewards(events: &[Event]) -> BTreeSet<String> {
    events.iter().flat_map(|e| e.rewards.keys().cloned()).collect()
}

/// The reward asked for; else the only one the events carry; else `click`
/// when present; else an error listing the choices.
pub fn choose_reward(events: &[Event], asked: Option<&str>) -> Result<String, EstimateError> {
    if let Some(r) = asked.filter(|r| !r.is_empty()) {
        return Ok(r.to_owned());
    }
    let names = rewards(events);
    match names.len() {
        0 => Err(EstimateError::NoReward),
        1 => Ok(names.into_iter().next().unwrap_or_default()),
        _ if names.contains("click") => Ok("click".into()),
        _ => Err(EstimateError::ChooseReward(names.into_iter().collect::<Vec<_>>().join(", "))),
    }
}

/// Estimates the draft (`plan`, compiled from `snapshot`) on `events`.
/// Events without a time are decided at `now`, which the report notes.
pub fn estimate_draft(
    snapshot: &Snapshot,
    plan: &Plan,
    events: &[Event],
    req: &EstimateRequest,
    now: Timestamp,
) -> Result<EstimateReport, EstimateError> {
    if events.is_empty() {
        return Err(EstimateError::NoEvents);
    }
    if let Some(n) = req.bootstrap.filter(|n| *n < MIN_RESAMPLES) {
        return Err(EstimateError::Request(format!(
            "a bootstrap needs at least {MIN_RESAMPLES} resamples for a 95% interval ({n} asked)"
        )));
    }
    let at = match req.at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<Timestamp>().map_err(|e| {
            EstimateError::Request(format!("the instant \"{s}\" is not RFC 3339 (e.g. 2026-12-01T10:00:00Z): {e}"))
        })?),
    };
    let reward = choose_reward(events, req.reward.as_deref())?;
    let opts = EstimateOptions {
        at,
        fallback_at: Some(now),
        arms: EntryArms::from_snapshot(snapshot),
        bootstrap: req.bootstrap.map(|resamples| Bootstrap { resamples, seed: req.seed.unwrap_or(1) }),
        ..Default::default()
    };
    estimate(plan, events, &reward, &opts)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn event(rewards: &[(&str, f64)]) -> Event {
        Event {
            id: "e".into(),
            shopper: Default::default(),
            page: "home".into(),
            placement: "home.hero".into(),
            action: "a".into(),
            propensity: 0.5,
            rewards: rewards.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect::<BTreeMap<_, _>>(),
            time: None,
        }
    }

    #[test]
    fn the_reward_is_the_one_asked_the_only_one_or_click() {
        let one = [event(&[("revenue", 3.0)])];
        assert_eq!(choose_reward(&one, None).unwrap(), "revenue");
        assert_eq!(choose_reward(&one, Some("click")).unwrap(), "click");
        let two = [event(&[("revenue", 3.0), ("click", 1.0)])];
        assert_eq!(choose_reward(&two, None).unwrap(), "click");
        let other = [event(&[("revenue", 3.0), ("visit", 1.0)])];
        let e = choose_reward(&other, None).unwrap_err().to_string();
        assert!(e.contains("revenue, visit"), "{e}");
        assert!(matches!(choose_reward(&[event(&[])], None), Err(EstimateError::NoReward)));
    }

    #[test]
    fn too_few_bootstrap_resamples_are_refused_before_any_work() {
        let snapshot = Snapshot::default();
        let plan = Plan::compile(&snapshot).unwrap();
        let req = EstimateRequest { bootstrap: Some(3), ..Default::default() };
        let e = estimate_draft(&snapshot, &plan, &[event(&[("click", 1.0)])], &req, Timestamp::UNIX_EPOCH).unwrap_err();
        assert!(e.to_string().contains("at least 100 resamples"), "{e}");
        let req = EstimateRequest { at: Some("1 Dec".into()), ..Default::default() };
        let e = estimate_draft(&snapshot, &plan, &[event(&[("click", 1.0)])], &req, Timestamp::UNIX_EPOCH).unwrap_err();
        assert!(e.to_string().contains("\"1 Dec\" is not RFC 3339"), "{e}");
    }
}
