//! The record of bundles published from this workspace (append-only).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::workspace::Workspace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PublishKind {
    Publish,
    Rollback,
    /// Fetched from the environment by `tailor pull` (target = the source).
    Pull,
}

impl PublishKind {
    fn as_str(self) -> &'static str {
        match self {
            PublishKind::Publish => "publish",
            PublishKind::Rollback => "rollback",
            PublishKind::Pull => "pull",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "rollback" => PublishKind::Rollback,
            "pull" => PublishKind::Pull,
            _ => PublishKind::Publish,
        }
    }
}

/// One published bundle.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PublishedBundle {
    pub environment: String,
    #[ts(type = "number")]
    pub version: u64,
    pub digest: String,
    #[ts(optional)]
    pub parent_digest: Option<String>,
    /// RFC 3339 UTC.
    pub published_at: String,
    pub author: String,
    /// The service URL it was uploaded to.
    pub target: String,
    pub kind: PublishKind,
    /// For a rollback: the version whose rules it republished.
    #[ts(optional, type = "number")]
    pub rollback_of: Option<u64>,
    /// An explicit overwrite: the active digest it replaced without having
    /// been built on it.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overwrites: Option<String>,
    /// For a pull: what the merge did, in one line ("fast-forward", "merged
    /// 3 changes, 1 conflict").
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_summary: Option<String>,
    /// The signed DSSE envelope, as uploaded.
    #[ts(skip)]
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub envelope: String,
}

impl Workspace {
    pub fn record_published(&mut self, b: &PublishedBundle) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO published (environment, version, digest, parent_digest, published_at, author, target, kind, rollback_of, envelope, overwrites, merge_summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            rusqlite::params![
                b.environment,
                b.version as i64,
                b.digest,
                b.parent_digest,
                b.published_at,
                b.author,
                b.target,
                b.kind.as_str(),
                b.rollback_of.map(|v| v as i64),
                b.envelope,
                b.overwrites,
                b.merge_summary,
            ],
        )?;
        Ok(())
    }

    /// Published bundles, newest first; `environment` filters; envelopes are
    /// included only when `with_envelopes`.
    pub fn published(&self, environment: Option<&str>, with_envelopes: bool) -> Result<Vec<PublishedBundle>> {
        let mut stmt = self.conn.prepare(
            "SELECT environment, version, digest, parent_digest, published_at, author, target, kind, rollback_of, envelope, overwrites, merge_summary
             FROM published WHERE ?1 IS NULL OR environment = ?1 ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([environment], |r| {
            Ok(PublishedBundle {
                environment: r.get(0)?,
                version: r.get::<_, i64>(1)? as u64,
                digest: r.get(2)?,
                parent_digest: r.get(3)?,
                published_at: r.get(4)?,
                author: r.get(5)?,
                target: r.get(6)?,
                kind: PublishKind::parse(&r.get::<_, String>(7)?),
                rollback_of: r.get::<_, Option<i64>>(8)?.map(|v| v as u64),
                envelope: if with_envelopes { r.get(9)? } else { String::new() },
                overwrites: r.get(10)?,
                merge_summary: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn author(&self) -> &str {
        &self.author
    }
}
