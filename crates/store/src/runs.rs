//! Finished simulations, publishing environments and the rules digest.

use serde::{Deserialize, Serialize};
use tailor_sim::simulate::SimReport;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::types::EntityKind;
use crate::workspace::Workspace;

/// A batch simulation as saved: the report and the rules it ran on.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedSimulation {
    pub report: SimReport,
    /// Digest of the rules (see [`Workspace::rules_digest`]).
    pub digest: String,
    /// RFC 3339 UTC.
    pub finished_at: String,
}

/// Where a workspace publishes to. Tokens are never stored here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Environment {
    pub name: String,
    /// The decision service's base URL; more than one = replicas, each gets
    /// the same signed bundle.
    pub urls: Vec<String>,
    #[serde(default)]
    pub require_approval: bool,
    /// The trust file a pull verifies this environment's bundles against
    /// (public keys only); without it, the keys in the local key store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub trust_file: Option<String>,
}

const ENVIRONMENTS: &str = "environments";

impl Workspace {
    /// sha256 of the canonical JSON of the current rules.
    pub fn rules_digest(&self) -> Result<String> {
        tailor_bundle::rules_digest(&self.snapshot()?).map_err(|e| StoreError::Invalid {
            kind: EntityKind::Setting,
            key: "rules".into(),
            field: "digest".into(),
            message: e.to_string(),
        })
    }

    /// Saves a finished run (a cancelled run is never passed here).
    pub fn save_simulation(&mut self, report: &SimReport, digest: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO simulations (finished_at, digest, report) VALUES (?1, ?2, ?3)",
            rusqlite::params![jiff::Timestamp::now().to_string(), digest, serde_json::to_string(report)?],
        )?;
        // Keep the last few: reports can be large.
        self.conn.execute(
            "DELETE FROM simulations WHERE id NOT IN (SELECT id FROM simulations ORDER BY id DESC LIMIT 5)",
            [],
        )?;
        Ok(())
    }

    pub fn last_simulation(&self) -> Result<Option<SavedSimulation>> {
        let row: Option<(String, String, String)> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT finished_at, digest, report FROM simulations ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        ))?;
        row.map(|(finished_at, digest, report)| {
            Ok(SavedSimulation { report: serde_json::from_str(&report)?, digest, finished_at })
        })
        .transpose()
    }

    pub fn environments(&self) -> Result<Vec<Environment>> {
        Ok(match self.setting(ENVIRONMENTS)? {
            Some(v) => serde_json::from_value(v)?,
            None => Vec::new(),
        })
    }

    /// Adds or replaces an environment (by name), as an undoable edit.
    pub fn save_environment(&mut self, env: &Environment) -> Result<()> {
        let invalid = |field: &str, message: &str| StoreError::Invalid {
            kind: EntityKind::Setting,
            key: format!("environment {}", env.name),
            field: field.into(),
            message: message.into(),
        };
        if env.name.is_empty() || !env.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(invalid("name", "use letters, digits, - and _ only"));
        }
        if env.urls.is_empty() {
            return Err(invalid("urls", "give at least one service URL"));
        }
        if let Some(bad) = env.urls.iter().find(|u| !(u.starts_with("http://") || u.starts_with("https://"))) {
            return Err(invalid("urls", &format!("{bad} is not an http(s) URL")));
        }
        let mut all = self.environments()?;
        all.retain(|e| e.name != env.name);
        all.push(env.clone());
        all.sort_by(|a, b| a.name.cmp(&b.name));
        self.transact(&format!("Save environment {}", env.name), |tx| {
            tx.put_setting(ENVIRONMENTS, &serde_json::to_value(&all)?)
        })?;
        Ok(())
    }

    pub fn delete_environment(&mut self, name: &str) -> Result<()> {
        let mut all = self.environments()?;
        all.retain(|e| e.name != name);
        self.transact(&format!("Delete environment {name}"), |tx| {
            tx.put_setting(ENVIRONMENTS, &serde_json::to_value(&all)?)
        })?;
        Ok(())
    }
}
