//! Several authors, one environment (docs/collaboration.md): the *base* of
//! each environment (the bundle this workspace last published or pulled)
//! and the merge conflicts a pull leaves until they are resolved.
//!
//! A merge is one logged edit: its writes, its conflicts and the move of the
//! base are all entity changes, so one undo takes the whole merge back, base
//! included, and the workspace is then behind again (a later publish
//! refuses until it pulls). A publish moves the base directly: a live
//! bundle is not undone (a rollback is the way back), and its record is the
//! `published` table.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tailor_merge::{Conflict, Merge};
use tailor_model::spec::Snapshot;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::log::{Expect, Tx};
use crate::types::EntityKind;
use crate::workspace::Workspace;

/// How the base was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BaseSource {
    Publish,
    Pull,
}

/// The bundle a workspace's next publish to an environment builds on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Base {
    pub environment: String,
    #[ts(type = "number")]
    pub version: u64,
    pub digest: String,
    /// Who made that bundle.
    pub author: String,
    /// RFC 3339 UTC: when that bundle was made (published, for old records).
    pub created_at: String,
    pub source: BaseSource,
}

/// A conflict kept in the workspace, with the pull that found it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConflictRow {
    /// `section/key` or `section/key#field`.
    pub id: String,
    pub environment: String,
    /// The environment's bundle the conflict is against.
    #[ts(type = "number")]
    pub theirs_version: u64,
    pub theirs_digest: String,
    pub conflict: Conflict,
}

/// How a conflict is settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Resolution {
    /// Keep what the workspace holds now: mine, or an edit made since.
    Keep,
    /// Take the environment's value for the field (or the whole entity).
    Theirs,
}

/// The store's entity for a section of the rules (constraints are one setting).
fn section_kind(section: &str) -> Option<(EntityKind, Option<&'static str>)> {
    Some(match section {
        "attributes" => (EntityKind::Attribute, None),
        "segments" => (EntityKind::Segment, None),
        "stages" => (EntityKind::Stage, None),
        "page_types" => (EntityKind::PageType, None),
        "content" => (EntityKind::Content, None),
        "campaigns" => (EntityKind::Campaign, None),
        "plan" => (EntityKind::Entry, None),
        "catalog" => (EntityKind::Product, None),
        "constraints" => (EntityKind::Setting, Some(crate::plan::CONSTRAINTS_KEY)),
        _ => return None,
    })
}

fn unknown_section(section: &str, key: &str) -> StoreError {
    StoreError::Invalid {
        kind: EntityKind::Conflict,
        key: key.into(),
        field: "section".into(),
        message: format!("unknown section {section:?}"),
    }
}

/// Writes one entity of a rules section (`None` deletes it).
fn put_section(tx: &mut Tx<'_>, section: &str, key: &str, after: Option<&Value>) -> Result<()> {
    let (kind, fixed_key) = section_kind(section).ok_or_else(|| unknown_section(section, key))?;
    let body = after.map(serde_json::to_string).transpose()?;
    tx.put(kind, fixed_key.unwrap_or(key), Expect::Any, body.as_deref())?;
    Ok(())
}

fn get_section(tx: &Tx<'_>, section: &str, key: &str) -> Result<Option<Value>> {
    let (kind, fixed_key) = section_kind(section).ok_or_else(|| unknown_section(section, key))?;
    tx.get(kind, fixed_key.unwrap_or(key))?
        .map(|(body, _)| Ok(serde_json::from_str(&body)?))
        .transpose()
}

impl Workspace {
    /// The base of one environment, if this workspace ever published or
    /// pulled there.
    pub fn base(&self, environment: &str) -> Result<Option<Base>> {
        Ok(self.bases()?.into_iter().find(|b| b.environment == environment))
    }

    /// The base of every environment, by name.
    pub fn bases(&self) -> Result<Vec<Base>> {
        let mut stmt = self.conn.prepare_cached("SELECT body FROM bases ORDER BY key")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|b| Ok(serde_json::from_str(&b?)?)).collect()
    }

    /// After a publish: the published bundle is the new base. Written
    /// directly, not as an undoable edit (see the module comment).
    pub fn set_base_published(&mut self, base: &Base) -> Result<()> {
        self.conn.execute(
            "INSERT INTO bases (key, body, revision) VALUES (?1, ?2, 1)
             ON CONFLICT(key) DO UPDATE SET body = excluded.body, revision = revision + 1",
            rusqlite::params![base.environment, serde_json::to_string(base)?],
        )?;
        self.generation += 1;
        Ok(())
    }

    /// The rules of a bundle this workspace published or pulled, by digest.
    pub fn bundle_rules(&self, environment: &str, digest: &str) -> Result<Option<Snapshot>> {
        let envelope: Option<String> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT envelope FROM published WHERE environment = ?1 AND digest = ?2 AND envelope <> '' ORDER BY id DESC LIMIT 1",
            [environment, digest],
            |r| r.get(0),
        ))?;
        envelope
            .map(|e| {
                tailor_bundle::payload_of_envelope(e.as_bytes())
                    .map(|p| p.rules)
                    .map_err(|message| StoreError::Invalid {
                        kind: EntityKind::Base,
                        key: digest.into(),
                        field: "envelope".into(),
                        message,
                    })
            })
            .transpose()
    }

    /// Open merge conflicts, in the order the merge found them.
    pub fn conflicts(&self) -> Result<Vec<ConflictRow>> {
        let mut stmt = self.conn.prepare_cached("SELECT body FROM merge_conflicts ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|b| Ok(serde_json::from_str(&b?)?)).collect()
    }

    /// Applies a pull's merge as one undoable edit: the writes that bring
    /// theirs into mine, the conflicts to resolve, and `theirs` as the new
    /// base. Refused (nothing written) when the merged rules do not compile.
    pub fn apply_merge(&mut self, theirs: &Base, merge: &Merge, summary: &str) -> Result<()> {
        self.transact_checked(summary, |tx| {
            for w in &merge.writes {
                put_section(tx, &w.section, &w.key, w.after.as_ref())?;
            }
            for c in &merge.summary.conflicts {
                let row = ConflictRow {
                    id: c.id(),
                    environment: theirs.environment.clone(),
                    theirs_version: theirs.version,
                    theirs_digest: theirs.digest.clone(),
                    conflict: c.clone(),
                };
                tx.put_json(EntityKind::Conflict, &row.id, Expect::Any, &row)?;
            }
            tx.put_json(EntityKind::Base, &theirs.environment, Expect::Any, theirs)?;
            Ok(())
        })
    }

    /// Settles one open conflict as one undoable edit.
    pub fn resolve_conflict(&mut self, id: &str, how: Resolution) -> Result<()> {
        let row = self.open_conflict(id)?;
        match how {
            Resolution::Keep => self.settle(&row, &format!("Resolve {id}: keep mine"), None),
            Resolution::Theirs => {
                let theirs = row.conflict.theirs.clone();
                self.settle(&row, &format!("Resolve {id}: take theirs"), Some(theirs))
            }
        }
    }

    /// Settles one open conflict with a value of the user's own (for the
    /// field, or the whole entity; `None` deletes it), as one undoable edit.
    pub fn resolve_conflict_edit(&mut self, id: &str, value: Option<Value>) -> Result<()> {
        let row = self.open_conflict(id)?;
        self.settle(&row, &format!("Resolve {id}: edit"), Some(value))
    }

    fn open_conflict(&self, id: &str) -> Result<ConflictRow> {
        self.conflicts()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| StoreError::NotFound { kind: EntityKind::Conflict, key: id.into() })
    }

    /// Writes `value` (when given) where the conflict is, and closes it.
    fn settle(&mut self, row: &ConflictRow, summary: &str, value: Option<Option<Value>>) -> Result<()> {
        let c = &row.conflict;
        let id = row.id.as_str();
        self.transact_checked(summary, |tx| {
            if let Some(value) = &value {
                match &c.field {
                    None => put_section(tx, &c.section, &c.key, value.as_ref())?,
                    Some(field) => {
                        let current = get_section(tx, &c.section, &c.key)?.ok_or_else(|| StoreError::Invalid {
                            kind: EntityKind::Conflict,
                            key: id.into(),
                            field: field.clone(),
                            message: format!(
                                "{} \"{}\" no longer exists here; keep mine, or re-create it first",
                                tailor_merge::section_label(&c.section),
                                c.key
                            ),
                        })?;
                        let after = tailor_merge::with_field(&current, field, value.as_ref());
                        put_section(tx, &c.section, &c.key, Some(&after))?;
                    }
                }
            }
            tx.put(EntityKind::Conflict, id, Expect::Any, None)?;
            Ok(())
        })
    }
}
