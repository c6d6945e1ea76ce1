//! Opening and creating workspace files.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use rusqlite_migration::{M, Migrations};

use crate::error::{Result, StoreError};

/// `PRAGMA application_id` of a Tailor workspace ("TLR1").
pub const APPLICATION_ID: i32 = 0x544C_5231;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_init.sql")),
        M::up(include_str!("../migrations/0002_plan.sql")),
        M::up(include_str!("../migrations/0003_published.sql")),
        M::up(include_str!("../migrations/0004_sim.sql")),
        M::up(include_str!("../migrations/0005_events.sql")),
        M::up(include_str!("../migrations/0006_collaboration.sql")),
    ])
});

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    // One `M` per migration file; user_version counts them.
    6
}

/// (generation of this handle, SQLite `data_version`).
pub(crate) type CacheKey = (u64, i64);

/// An open workspace file. All writes go through [`Workspace::transact`].
pub struct Workspace {
    pub(crate) conn: Connection,
    path: PathBuf,
    pub(crate) author: String,
    /// Bumped on every committed write through this handle; caches key on it.
    pub(crate) generation: u64,
    /// Counts this handle's writes to shoppers or attributes: what the
    /// shopper cache is keyed on (other edits leave it valid).
    pub(crate) shopper_generation: u64,
    pub(crate) shopper_cache: Option<crate::shoppers::ShopperCache>,
    /// The last compiled plan, with the [`CacheKey`] it was built at.
    pub(crate) plan_cache: Option<(CacheKey, std::sync::Arc<tailor_engine::plan::Plan>)>,
    /// Every product, for the catalog screen.
    pub(crate) catalog_cache: Option<(CacheKey, std::sync::Arc<Vec<tailor_model::plan::Product>>)>,
}

impl Workspace {
    /// Creates a new, empty workspace. Refuses to overwrite an existing file.
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if path.exists() {
            return Err(StoreError::FileExists { path });
        }
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        set_wal(&conn)?;
        let mut ws = Self::configure(conn, path)?;
        let name = ws
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "workspace".into());
        let id = uuid::Uuid::new_v4().to_string();
        ws.transact("Create workspace", |tx| {
            tx.put_setting("name", &serde_json::Value::String(name.clone()))?;
            tx.put_setting("workspace_id", &serde_json::Value::String(id.clone()))?;
            Ok(())
        })?;
        Ok(ws)
    }

    /// Opens an existing workspace. A file that is not a Tailor workspace, or
    /// one written by a newer version, is refused before anything is written.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if !path.exists() {
            return Err(StoreError::NoSuchFile { path });
        }
        Self::check_file(&path)?;
        let conn = Connection::open(&path)?;
        set_wal(&conn)?;
        Self::configure(conn, path)
    }

    /// Read-only look at the header: application id and schema version.
    fn check_file(path: &Path) -> Result<()> {
        let not_ours = |reason: &str| StoreError::NotAWorkspace {
            path: path.to_path_buf(),
            reason: reason.to_owned(),
        };
        let len = std::fs::metadata(path)?.len();
        if len == 0 {
            return Err(not_ours(" (the file is empty)"));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let app_id: i32 = match conn.pragma_query_value(None, "application_id", |r| r.get(0)) {
            Ok(v) => v,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(not_ours(" (not an SQLite database)"));
            }
            Err(e) => return Err(e.into()),
        };
        if app_id != APPLICATION_ID {
            return Err(not_ours(" (an SQLite database of another application)"));
        }
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > schema_version() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: schema_version(),
            });
        }
        Ok(())
    }

    fn configure(mut conn: Connection, path: PathBuf) -> Result<Self> {
        conn.pragma_update(None, "foreign_keys", true)?;
        // NORMAL is durable in WAL mode except for the last commit on power
        // loss; a crash of the process never loses a commit.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        MIGRATIONS.to_latest(&mut conn)?;
        // Who edits: TAILOR_AUTHOR, else the login name (Unix shells set
        // USER, some services only LOGNAME, Windows USERNAME).
        let author = ["TAILOR_AUTHOR", "USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(|| "unknown".into());
        Ok(Self {
            conn,
            path,
            author,
            generation: 0,
            shopper_generation: 0,
            shopper_cache: None,
            plan_cache: None,
            catalog_cache: None,
        })
    }

    /// What in-memory copies of the workspace are keyed on: they stay valid
    /// while nothing was written, through this handle (generation) or by
    /// another connection (`PRAGMA data_version`).
    pub(crate) fn cache_key(&self) -> Result<CacheKey> {
        let data_version: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((self.generation, data_version))
    }

    /// [`Workspace::cache_key`] for the sample shoppers: valid while no
    /// shopper or attribute was written through this handle and nothing was
    /// written by another connection.
    pub(crate) fn shopper_cache_key(&self) -> Result<CacheKey> {
        let data_version: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((self.shopper_generation, data_version))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who is recorded as the author of changes made through this handle.
    pub fn set_author(&mut self, author: impl Into<String>) {
        self.author = author.into();
    }

    pub fn setting(&self, key: &str) -> Result<Option<serde_json::Value>> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?;
        Ok(body.map(|b| serde_json::from_str(&b)).transpose()?)
    }

    pub fn name(&self) -> Result<String> {
        Ok(self
            .setting("name")?
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default())
    }

    pub fn workspace_id(&self) -> Result<String> {
        Ok(self
            .setting("workspace_id")?
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default())
    }

    /// `PRAGMA integrity_check`, "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    pub(crate) fn count(&self, table: &str) -> Result<u64> {
        Ok(self
            .conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    pub fn info(&self) -> Result<crate::types::WorkspaceInfo> {
        Ok(crate::types::WorkspaceInfo {
            path: self.path.display().to_string(),
            name: self.name()?,
            workspace_id: self.workspace_id()?,
            shopper_count: self.count("shoppers")?,
            attribute_count: self.count("attributes")?,
            segment_count: self.count("segments")?,
            undo: self.undo_label()?,
            redo: self.redo_label()?,
        })
    }
}

fn set_wal(conn: &Connection) -> Result<()> {
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().unwrap();
        assert_eq!(schema_version(), 6);
    }

    #[test]
    fn a_workspace_that_published_before_bases_existed_gets_its_newest_bundle_as_base() {
        let mut conn = Connection::open_in_memory().unwrap();
        MIGRATIONS.to_version(&mut conn, 5).unwrap();
        for (version, env) in [(1, "production"), (2, "production"), (1, "staging")] {
            conn.execute(
                "INSERT INTO published (environment, version, digest, published_at, author, target, kind, envelope)
                 VALUES (?1, ?2, ?3, '2026-12-01T00:00:00Z', 'ana', 'http://x', 'publish', '')",
                rusqlite::params![env, version, format!("sha256:{env}{version}")],
            )
            .unwrap();
        }
        MIGRATIONS.to_latest(&mut conn).unwrap();
        let bases: Vec<(String, String)> = conn
            .prepare("SELECT key, json_extract(body, '$.digest') FROM bases ORDER BY key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert_eq!(bases, [("production".into(), "sha256:production2".into()), ("staging".into(), "sha256:staging1".into())]);
        let body: String = conn.query_row("SELECT body FROM bases WHERE key = 'production'", [], |r| r.get(0)).unwrap();
        let base: crate::collab::Base = serde_json::from_str(&body).unwrap();
        assert_eq!((base.version, base.source), (2, crate::collab::BaseSource::Publish));
        // Old rows survive the rebuild, and pulls can be recorded now.
        let rows: i64 = conn.query_row("SELECT count(*) FROM published", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 3);
        conn.execute(
            "INSERT INTO published (environment, version, digest, published_at, author, target, kind, envelope)
             VALUES ('production', 3, 'sha256:p3', '2026-12-02T00:00:00Z', 'bo', 'http://x', 'pull', '')",
            [],
        )
        .unwrap();
    }
}
