//! Logged events kept in the workspace for estimates (`tailor import
//! events`, the Estimates view). Each import is one set, written in one
//! SQLite transaction: all of a file's events or none.

use serde::{Deserialize, Serialize};
use tailor_estimate::Event;
use tailor_estimate::event::check_propensity;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::types::EntityKind;
use crate::workspace::Workspace;

/// One import of events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EventSet {
    #[ts(type = "number")]
    pub id: i64,
    /// Shown in lists; the file name unless given.
    pub name: String,
    /// Where the events came from (the files, as given).
    pub source: String,
    /// RFC 3339 UTC.
    pub imported_at: String,
    #[ts(type = "number")]
    pub count: u64,
    /// Outcome names the events carry.
    pub rewards: Vec<String>,
}

fn invalid(name: &str, field: &str, message: String) -> StoreError {
    StoreError::Invalid { kind: EntityKind::Setting, key: format!("event set {name}"), field: field.into(), message }
}

impl Workspace {
    /// Stores `events` as a new set, atomically. Readers have already
    /// checked each row; propensities are checked again here so that no
    /// path stores one outside (0, 1].
    pub fn import_events(&mut self, name: &str, source: &str, events: &[Event]) -> Result<EventSet> {
        if events.is_empty() {
            return Err(invalid(name, "events", "the file holds no events".into()));
        }
        for (i, e) in events.iter().enumerate() {
            check_propensity(e.propensity).map_err(|m| invalid(name, &format!("event {} (id \"{}\")", i + 1, e.id), m))?;
        }
        let rewards: Vec<String> = tailor_estimate::rewards(events).into_iter().collect();
        let imported_at = jiff::Timestamp::now().to_string();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO event_sets (name, source, imported_at, count, rewards) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![name, source, imported_at, events.len() as i64, serde_json::to_string(&rewards)?],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare("INSERT INTO events (set_id, seq, body) VALUES (?1, ?2, ?3)")?;
            for (seq, e) in events.iter().enumerate() {
                insert.execute(rusqlite::params![id, seq as i64, serde_json::to_string(e)?])?;
            }
        }
        tx.commit()?;
        Ok(EventSet { id, name: name.into(), source: source.into(), imported_at, count: events.len() as u64, rewards })
    }

    /// Every stored set, oldest first.
    pub fn event_sets(&self) -> Result<Vec<EventSet>> {
        let mut stmt = self.conn.prepare("SELECT id, name, source, imported_at, count, rewards FROM event_sets ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, i64>(4)?, r.get::<_, String>(5)?))
        })?;
        rows.map(|row| {
            let (id, name, source, imported_at, count, rewards) = row?;
            Ok(EventSet { id, name, source, imported_at, count: count as u64, rewards: serde_json::from_str(&rewards)? })
        })
        .collect()
    }

    /// The events of one set, or of every set (in import order) when `set` is `None`.
    pub fn events(&self, set: Option<i64>) -> Result<Vec<Event>> {
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM events WHERE ?1 IS NULL OR set_id = ?1 ORDER BY set_id, seq")?;
        let rows = stmt.query_map([set], |r| r.get::<_, String>(0))?;
        rows.map(|body| Ok(serde_json::from_str(&body?)?)).collect()
    }

    /// Deletes a set and its events.
    pub fn delete_event_set(&mut self, id: i64) -> Result<()> {
        let n = self.conn.execute("DELETE FROM event_sets WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound { kind: EntityKind::Setting, key: format!("event set {id}") });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn event(i: usize, propensity: f64) -> Event {
        Event {
            id: format!("e{i}"),
            shopper: serde_json::json!({"id": format!("s{i}"), "device": "mobile"}).as_object().cloned().unwrap(),
            page: "home".into(),
            placement: "home.hero".into(),
            action: "a".into(),
            propensity,
            rewards: BTreeMap::from([("click".to_owned(), (i % 2) as f64)]),
            time: Some("2026-11-25T12:00:00Z".parse().unwrap()),
        }
    }

    #[test]
    fn events_round_trip_per_set_and_together() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.tailor");
        let mut ws = Workspace::create(&path).unwrap();
        let a: Vec<Event> = (0..3).map(|i| event(i, 0.5)).collect();
        let b: Vec<Event> = (3..5).map(|i| event(i, 0.25)).collect();
        let sa = ws.import_events("a", "a.jsonl", &a).unwrap();
        let sb = ws.import_events("b", "b.jsonl", &b).unwrap();
        drop(ws);
        let mut ws = Workspace::open(&path).unwrap();
        assert_eq!(ws.event_sets().unwrap(), vec![sa.clone(), sb.clone()]);
        assert_eq!(sa.rewards, vec!["click"]);
        assert_eq!(ws.events(Some(sb.id)).unwrap(), b);
        assert_eq!(ws.events(None).unwrap(), [a.clone(), b].concat());
        ws.delete_event_set(sb.id).unwrap();
        assert_eq!(ws.events(None).unwrap(), a);
        assert!(matches!(ws.delete_event_set(sb.id), Err(StoreError::NotFound { .. })));
    }

    #[test]
    fn a_bad_propensity_stores_nothing_and_names_the_event() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::create(dir.path().join("w.tailor")).unwrap();
        let mut events: Vec<Event> = (0..4).map(|i| event(i, 0.5)).collect();
        events[2].propensity = 0.0;
        let e = ws.import_events("bad", "bad.jsonl", &events).unwrap_err().to_string();
        assert!(e.contains("event 3 (id \"e2\")") && e.contains("outside (0, 1]"), "{e}");
        assert!(ws.event_sets().unwrap().is_empty());
        assert!(ws.events(None).unwrap().is_empty());
    }
}
