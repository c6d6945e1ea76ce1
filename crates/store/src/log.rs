//! The one write path: every mutation runs in a [`Tx`] that records each
//! entity's before/after in the change log. Undo, redo, per-item history and
//! the audit trail all read that log.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde_json::Value as Json;

use crate::error::{Result, StoreError};
use crate::types::{ChangeRecord, EntityKind, HistoryEntry, TxnKind, TxnState};
use crate::workspace::Workspace;

/// What a write expects of the entity's current revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The entity must not exist yet.
    New,
    /// The entity must exist at exactly this revision (stale writes refused).
    Revision(i64),
    /// No check: imports, spec apply, undo and redo.
    Any,
    /// The caller has read, inside this transaction, that the entity does
    /// not exist (a large import lists the existing keys once): no lookup,
    /// and the insert fails if it does exist after all.
    Absent,
}

impl Expect {
    /// `None` means "create", as the UI sends it.
    pub fn from_revision(rev: Option<i64>) -> Self {
        rev.map_or(Expect::New, Expect::Revision)
    }
}

/// A write transaction in progress. Dropped without commit = rolled back.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    txn_id: i64,
    changes: u64,
    /// A shopper or an attribute changed (the shopper cache must go).
    touches_shoppers: bool,
}

impl Tx<'_> {
    /// Current body and revision of an entity.
    pub fn get(&self, kind: EntityKind, key: &str) -> Result<Option<(String, i64)>> {
        let sql = format!("SELECT body, revision FROM {} WHERE key = ?1", kind.table());
        Ok(self
            .tx
            .prepare_cached(&sql)?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The keys of every entity of a kind.
    pub fn keys(&self, kind: EntityKind) -> Result<std::collections::HashSet<String>> {
        let sql = format!("SELECT key FROM {}", kind.table());
        let mut stmt = self.tx.prepare(&sql)?;
        let keys = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(keys)
    }

    /// Writes (`Some`) or deletes (`None`) an entity and logs the change.
    /// Returns the new revision (0 after a delete). Writing an identical body
    /// is a no-op and logs nothing.
    pub fn put(
        &mut self,
        kind: EntityKind,
        key: &str,
        expect: Expect,
        after: Option<&str>,
    ) -> Result<i64> {
        let current = if expect == Expect::Absent { None } else { self.get(kind, key)? };
        match (expect, &current) {
            (Expect::New, Some(_)) => {
                return Err(StoreError::AlreadyExists { kind, key: key.into() });
            }
            (Expect::Revision(_), None) => {
                return Err(StoreError::NotFound { kind, key: key.into() });
            }
            (Expect::Revision(expected), Some((_, found))) if expected != *found => {
                return Err(StoreError::Conflict {
                    kind,
                    key: key.into(),
                    expected,
                    found: *found,
                });
            }
            _ => {}
        }
        let (before, revision) = match current {
            Some((body, rev)) => (Some(body), rev),
            None => (None, 0),
        };
        if before.as_deref() == after {
            return Ok(revision);
        }
        let table = kind.table();
        let new_revision = match after {
            Some(body) => {
                let sql = if expect == Expect::Absent {
                    format!("INSERT INTO {table} (key, body, revision) VALUES (?1, ?2, ?3)")
                } else {
                    format!(
                        "INSERT INTO {table} (key, body, revision) VALUES (?1, ?2, ?3)
                     ON CONFLICT(key) DO UPDATE SET body = excluded.body, revision = excluded.revision"
                    )
                };
                self.tx
                    .prepare_cached(&sql)?
                    .execute(params![key, body, revision + 1])?;
                revision + 1
            }
            None => {
                let sql = format!("DELETE FROM {table} WHERE key = ?1");
                self.tx.prepare_cached(&sql)?.execute([key])?;
                0
            }
        };
        self.tx
            .prepare_cached(
                "INSERT INTO changes (txn, entity, entity_id, before, after) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![self.txn_id, kind.as_str(), key, before, after])?;
        self.changes += 1;
        self.touches_shoppers |= matches!(kind, EntityKind::Shopper | EntityKind::Attribute);
        Ok(new_revision)
    }

    /// Serialises and writes an entity.
    pub fn put_json<T: serde::Serialize>(
        &mut self,
        kind: EntityKind,
        key: &str,
        expect: Expect,
        value: &T,
    ) -> Result<i64> {
        let body = serde_json::to_string(value)?;
        self.put(kind, key, expect, Some(&body))
    }

    pub(crate) fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }

    pub fn put_setting(&mut self, key: &str, value: &Json) -> Result<i64> {
        self.put_json(EntityKind::Setting, key, Expect::Any, value)
    }
}

impl Workspace {
    /// Runs `f` as one logged, atomic edit (one undo step) described by
    /// `summary`. An edit that changes nothing is not logged.
    pub fn transact<T>(
        &mut self,
        summary: &str,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.run_txn(TxnKind::Edit, summary, None, f)
    }

    fn run_txn<T>(
        &mut self,
        kind: TxnKind,
        summary: &str,
        target: Option<i64>,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let at = jiff::Timestamp::now().to_string();
        let author = self.author.clone();
        // IMMEDIATE takes the write lock up front, so two processes never
        // interleave a read-check-write on the same entity.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state = (kind == TxnKind::Edit).then_some("applied");
        tx.execute(
            "INSERT INTO txns (at, author, summary, kind, state, target) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![at, author, summary, txn_kind_str(kind), state, target],
        )?;
        let txn_id = tx.last_insert_rowid();
        let mut t = Tx {
            tx,
            txn_id,
            changes: 0,
            touches_shoppers: false,
        };
        let out = f(&mut t)?;
        if t.changes == 0 {
            t.tx.rollback()?;
            return Ok(out);
        }
        if kind == TxnKind::Edit {
            // A new edit ends the redo stack.
            t.tx.execute(
                "UPDATE txns SET state = 'discarded' WHERE kind = 'edit' AND state = 'undone'",
                [],
            )?;
        }
        let touches_shoppers = t.touches_shoppers;
        t.tx.commit()?;
        self.generation += 1;
        self.shopper_generation += u64::from(touches_shoppers);
        Ok(out)
    }

    fn last_applied_edit(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, summary FROM txns WHERE kind = 'edit' AND state = 'applied' ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn first_undone_edit(&self) -> Result<Option<(i64, String)>> {
        // Undone edits form a suffix of the edit history; the most recently
        // undone one is the oldest of them.
        Ok(self
            .conn
            .query_row(
                "SELECT id, summary FROM txns WHERE kind = 'edit' AND state = 'undone' ORDER BY id ASC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn undo_label(&self) -> Result<Option<String>> {
        Ok(self.last_applied_edit()?.map(|(_, s)| s))
    }

    pub fn redo_label(&self) -> Result<Option<String>> {
        Ok(self.first_undone_edit()?.map(|(_, s)| s))
    }

    /// Reverts the last applied edit. Returns its summary, or `None` when
    /// there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<String>> {
        let Some((target, summary)) = self.last_applied_edit()? else {
            return Ok(None);
        };
        self.replay(TxnKind::Undo, target, &summary)?;
        Ok(Some(summary))
    }

    /// Re-applies the most recently undone edit.
    pub fn redo(&mut self) -> Result<Option<String>> {
        let Some((target, summary)) = self.first_undone_edit()? else {
            return Ok(None);
        };
        self.replay(TxnKind::Redo, target, &summary)?;
        Ok(Some(summary))
    }

    fn replay(&mut self, kind: TxnKind, target: i64, summary: &str) -> Result<()> {
        let changes = self.changes_of(target, None)?;
        let label = match kind {
            TxnKind::Undo => format!("Undo: {summary}"),
            _ => format!("Redo: {summary}"),
        };
        let new_state = if kind == TxnKind::Undo { "undone" } else { "applied" };
        self.run_txn(kind, &label, Some(target), |tx| {
            let apply = |tx: &mut Tx<'_>, c: &RawChange| {
                let body = if kind == TxnKind::Undo { &c.before } else { &c.after };
                tx.put(c.entity, &c.entity_id, Expect::Any, body.as_deref())
            };
            if kind == TxnKind::Undo {
                for c in changes.iter().rev() {
                    apply(tx, c)?;
                }
            } else {
                for c in &changes {
                    apply(tx, c)?;
                }
            }
            tx.tx.execute(
                "UPDATE txns SET state = ?1 WHERE id = ?2",
                params![new_state, target],
            )?;
            // A replay that changes no entity still moves the stack.
            tx.changes = tx.changes.max(1);
            Ok(())
        })
    }

    fn changes_of(&self, txn: i64, limit: Option<u64>) -> Result<Vec<RawChange>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT entity, entity_id, before, after FROM changes WHERE txn = ?1 ORDER BY id LIMIT ?2",
        )?;
        let limit = limit.map_or(-1, |l| l as i64);
        let rows = stmt.query_map(params![txn, limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (entity, entity_id, before, after) = row?;
            let entity = EntityKind::parse(&entity).ok_or_else(|| StoreError::Invalid {
                kind: EntityKind::Setting,
                key: entity_id.clone(),
                field: "entity".into(),
                message: format!("unknown entity kind {entity:?} in change log"),
            })?;
            out.push(RawChange {
                entity,
                entity_id,
                before,
                after,
            });
        }
        Ok(out)
    }

    /// The change log, newest first, with up to `changes_per_entry` changes
    /// each. `entity` restricts it to one item's history.
    pub fn history(
        &self,
        limit: u64,
        changes_per_entry: u64,
        entity: Option<(EntityKind, &str)>,
    ) -> Result<Vec<HistoryEntry>> {
        let (sql, key_kind, key) = match entity {
            None => (
                "SELECT t.id, t.at, t.author, t.summary, t.kind, t.state,
                        (SELECT count(*) FROM changes c WHERE c.txn = t.id)
                 FROM txns t ORDER BY t.id DESC LIMIT ?1"
                    .to_string(),
                String::new(),
                String::new(),
            ),
            Some((kind, key)) => (
                "SELECT t.id, t.at, t.author, t.summary, t.kind, t.state,
                        (SELECT count(*) FROM changes c WHERE c.txn = t.id)
                 FROM txns t WHERE t.id IN
                   (SELECT txn FROM changes WHERE entity = ?2 AND entity_id = ?3)
                 ORDER BY t.id DESC LIMIT ?1"
                    .to_string(),
                kind.as_str().to_string(),
                key.to_string(),
            ),
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let mapper = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, i64>(6)?,
            ))
        };
        let rows: Vec<_> = if entity.is_some() {
            stmt.query_map(params![limit as i64, key_kind, key], mapper)?
                .collect::<rusqlite::Result<_>>()?
        } else {
            stmt.query_map(params![limit as i64], mapper)?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (txn, at, author, summary, kind, state, count) in rows {
            let changes = self
                .changes_of(txn, Some(changes_per_entry))?
                .into_iter()
                .filter(|c| entity.is_none_or(|(k, key)| c.entity == k && c.entity_id == key))
                .map(RawChange::into_record)
                .collect::<Result<Vec<_>>>()?;
            out.push(HistoryEntry {
                txn,
                at,
                author,
                summary,
                kind: match kind.as_str() {
                    "undo" => TxnKind::Undo,
                    "redo" => TxnKind::Redo,
                    _ => TxnKind::Edit,
                },
                state: state.as_deref().map(|s| match s {
                    "undone" => TxnState::Undone,
                    "discarded" => TxnState::Discarded,
                    _ => TxnState::Applied,
                }),
                change_count: count as u64,
                changes,
            });
        }
        Ok(out)
    }
}

fn txn_kind_str(k: TxnKind) -> &'static str {
    match k {
        TxnKind::Edit => "edit",
        TxnKind::Undo => "undo",
        TxnKind::Redo => "redo",
    }
}

struct RawChange {
    entity: EntityKind,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
}

impl RawChange {
    fn into_record(self) -> Result<ChangeRecord> {
        let parse = |b: Option<String>| b.map(|s| serde_json::from_str::<Json>(&s)).transpose();
        Ok(ChangeRecord {
            entity: self.entity,
            entity_id: self.entity_id,
            before: parse(self.before)?,
            after: parse(self.after)?,
        })
    }
}
