//! Plan entities (stages, page types, content, campaigns, plan entries,
//! products) share one generic repository: each is a JSON body under a key.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tailor_model::plan::{Campaign, Constraints, Content, PageType, PlanEntry, Product, Stage};
use tailor_model::spec::Snapshot;
use tailor_model::{Attribute, Segment};
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::log::Expect;
use crate::types::EntityKind;
use crate::workspace::Workspace;

/// An entity stored in its own table under a key.
pub trait Entity: Serialize + DeserializeOwned + Clone + PartialEq {
    const KIND: EntityKind;
    fn key(&self) -> &str;
}

macro_rules! entity {
    ($t:ty, $kind:ident, |$x:ident| $key:expr) => {
        impl Entity for $t {
            const KIND: EntityKind = EntityKind::$kind;
            fn key(&self) -> &str {
                let $x = self;
                $key
            }
        }
    };
}

entity!(Attribute, Attribute, |a| a.name.as_str());
entity!(Segment, Segment, |s| s.name.as_str());
entity!(Stage, Stage, |s| &s.name);
entity!(PageType, PageType, |p| &p.name);
entity!(Content, Content, |c| &c.id);
entity!(Campaign, Campaign, |c| &c.name);
entity!(PlanEntry, Entry, |e| &e.id);
entity!(Product, Product, |p| &p.id);
entity!(tailor_model::persona::Persona, Persona, |p| &p.name);

/// An entity with the revision a later write must name.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct Versioned<T> {
    pub item: T,
    #[ts(type = "number")]
    pub revision: i64,
}

pub(crate) const CONSTRAINTS_KEY: &str = "constraints";

impl Workspace {
    /// Every entity of a kind, in the order they were created.
    pub fn list<T: Entity>(&self) -> Result<Vec<Versioned<T>>> {
        let sql = format!("SELECT body, revision FROM {} ORDER BY rowid", T::KIND.table());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        rows.map(|row| {
            let (body, revision) = row?;
            Ok(Versioned {
                item: serde_json::from_str(&body)?,
                revision,
            })
        })
        .collect()
    }

    pub fn items<T: Entity>(&self) -> Result<Vec<T>> {
        Ok(self.list::<T>()?.into_iter().map(|v| v.item).collect())
    }

    pub fn get<T: Entity>(&self, key: &str) -> Result<Versioned<T>> {
        let sql = format!("SELECT body, revision FROM {} WHERE key = ?1", T::KIND.table());
        let row: Option<(String, i64)> = rusqlite::OptionalExtension::optional(
            self.conn.query_row(&sql, [key], |r| Ok((r.get(0)?, r.get(1)?))),
        )?;
        let (body, revision) = row.ok_or_else(|| StoreError::NotFound {
            kind: T::KIND,
            key: key.into(),
        })?;
        Ok(Versioned {
            item: serde_json::from_str(&body)?,
            revision,
        })
    }

    /// Creates (`revision: None`) or updates a plan entity, then checks that
    /// the whole workspace still compiles (references, kinds, time zones).
    pub fn save<T: Entity>(&mut self, item: &T, revision: Option<i64>) -> Result<Versioned<T>> {
        let verb = if revision.is_some() { "Edit" } else { "Add" };
        let summary = format!("{verb} {} {}", T::KIND, item.key());
        let rev = self.transact_checked(&summary, |tx| {
            tx.put_json(T::KIND, item.key(), Expect::from_revision(revision), item)
        })?;
        Ok(Versioned {
            item: item.clone(),
            revision: rev,
        })
    }

    pub fn delete<T: Entity>(&mut self, key: &str, revision: i64) -> Result<()> {
        self.transact_checked(&format!("Delete {} {key}", T::KIND), |tx| {
            tx.put(T::KIND, key, Expect::Revision(revision), None)
        })?;
        Ok(())
    }

    pub fn constraints(&self) -> Result<Constraints> {
        Ok(match self.setting(CONSTRAINTS_KEY)? {
            Some(v) => serde_json::from_value(v)?,
            None => Constraints::default(),
        })
    }

    pub fn save_constraints(&mut self, c: &Constraints) -> Result<()> {
        self.transact_checked("Edit constraints", |tx| {
            tx.put_setting(CONSTRAINTS_KEY, &serde_json::to_value(c)?)
        })?;
        Ok(())
    }

    /// The workspace's rules as the engine compiles them.
    pub fn snapshot(&self) -> Result<Snapshot> {
        read_snapshot(&self.conn)
    }

    /// Like `transact`, but refuses the change (rolling it back) when the
    /// resulting workspace no longer compiles into a plan.
    pub(crate) fn transact_checked<T>(
        &mut self,
        summary: &str,
        f: impl FnOnce(&mut crate::log::Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.transact(summary, |tx| {
            let out = f(tx)?;
            let snapshot = tx.snapshot()?;
            check_snapshot(&snapshot)?;
            Ok(out)
        })
    }
}

/// Compiles a snapshot, turning the engine's errors into one store error that
/// names entity and field.
pub fn check_snapshot(s: &Snapshot) -> Result<()> {
    compile(s).map(drop)
}

fn compile(s: &Snapshot) -> Result<tailor_engine::plan::Plan> {
    tailor_engine::plan::Plan::compile(s).map_err(|errors| StoreError::Plan {
        message: errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"),
        count: errors.len(),
    })
}

impl crate::log::Tx<'_> {
    /// The snapshot as this transaction sees it (uncommitted writes included).
    pub fn snapshot(&self) -> Result<Snapshot> {
        read_snapshot(self.conn())
    }
}

/// Every entity of a kind, in creation order, through any connection or
/// transaction.
fn items_in<T: Entity>(conn: &rusqlite::Connection) -> Result<Vec<T>> {
    let sql = format!("SELECT body FROM {} ORDER BY rowid", T::KIND.table());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|b| Ok(serde_json::from_str(&b?)?)).collect()
}

/// The rules as `conn` sees them: the committed workspace, or a
/// transaction's uncommitted state.
fn read_snapshot(conn: &rusqlite::Connection) -> Result<Snapshot> {
    let constraints: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT body FROM settings WHERE key = ?1",
        [CONSTRAINTS_KEY],
        |r| r.get(0),
    ))?;
    Ok(Snapshot {
        attributes: items_in(conn)?,
        segments: items_in(conn)?,
        stages: items_in(conn)?,
        page_types: items_in(conn)?,
        content: items_in(conn)?,
        campaigns: items_in(conn)?,
        plan: items_in(conn)?,
        constraints: constraints.map(|b| serde_json::from_str(&b)).transpose()?.unwrap_or_default(),
        catalog: items_in(conn)?,
    })
}

impl Workspace {
    /// The workspace compiled into the engine's plan; cached until the
    /// workspace changes.
    pub fn plan(&mut self) -> Result<std::sync::Arc<tailor_engine::plan::Plan>> {
        let key = self.cache_key()?;
        if let Some((k, plan)) = &self.plan_cache {
            if *k == key {
                return Ok(plan.clone());
            }
        }
        let plan = std::sync::Arc::new(compile(&self.snapshot()?)?);
        self.plan_cache = Some((key, plan.clone()));
        Ok(plan)
    }
}
