//! What the service holds in memory: the active bundle of each environment
//! behind one `ArcSwap` (decisions never take a lock), and what uploads
//! need (trust, token, per-environment upload mutexes).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::body::Bytes;
use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tailor_bundle::TrustFile;
use tailor_engine::plan::Plan;

use crate::decision_log::DecisionLog;
use crate::metrics::Metrics;

/// A loaded bundle: its compiled plan and what `GET …/active` reports.
/// Immutable; replaced as a whole.
#[derive(Debug)]
pub struct Active {
    /// Compiled with `digest` and `version` set, so every decision echoes them.
    pub plan: Plan,
    pub environment: Arc<str>,
    pub meta: ActiveMeta,
    /// The file it was loaded from or persisted to.
    pub file: PathBuf,
    /// The signed envelope exactly as uploaded (the file's bytes), served by
    /// `GET /v1/bundles/{env}/envelope`.
    pub envelope: Bytes,
    /// Placements and content values for OFREP answers.
    pub(crate) flags: crate::ofrep::Flags,
}

/// The active bundle as `GET /v1/bundles/{env}/active` reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActiveMeta {
    pub environment: String,
    pub version: u64,
    pub digest: String,
    pub loaded_at: Timestamp,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub author: String,
    pub workspace_id: String,
    pub schema_version: u32,
    pub parent_digest: Option<String>,
    /// The active digest this bundle explicitly overwrote (an emergency
    /// override of the parent check); reported only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overwrites: Option<String>,
    /// The bundle of another environment whose rules this one carries
    /// (`tailor promote`); reported only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promoted_from: Option<tailor_bundle::PromotedFrom>,
    /// The approvals that completed its signatures (two-person rule), from
    /// the sidecar file next to the bundle; reported only when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<ApprovalRecord>,
}

/// One approval of a pending bundle: the key that signed, the name the
/// trust file gives it, who said they approved, when, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ApprovalRecord {
    pub keyid: String,
    /// The key's name in the trust file.
    pub key_name: String,
    /// Who approved, as the approver gave it (e.g. their name).
    pub approver: String,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Environment name -> active bundle. Swapped whole (copy on write); uploads
/// are rare, decisions are many.
pub type Actives = BTreeMap<String, Arc<Active>>;

/// Shared state of one service instance; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub actives: ArcSwap<Actives>,
    pub trust: TrustFile,
    pub data_dir: PathBuf,
    /// SHA-256 of the publish token: compared in constant time, and the
    /// token itself is not kept.
    pub token_hash: Option<[u8; 32]>,
    /// SHA-256 of the read token decisions, OFREP and outcomes need, when set.
    pub decide_token_hash: Option<[u8; 32]>,
    pub max_body_bytes: usize,
    pub max_decide_body_bytes: usize,
    /// Whole-request timeout (a tower layer).
    pub request_timeout: Duration,
    /// Time to receive a body: a little less than `request_timeout`, so a
    /// slow body gets the JSON 408 `timeout` rather than the layer's bare 408.
    pub body_timeout: Duration,
    pub keep_bundles: usize,
    pub bench_endpoints: bool,
    pub metrics: Metrics,
    pub log: DecisionLog,
    /// One mutex per environment, taken by uploads only.
    pub upload_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Follower mode: the source and the state of its polls.
    pub follow: Option<crate::follow::Follower>,
    /// How long a pending bundle (two-person rule) waits for approvals.
    pub pending_ttl: Duration,
}

/// The outcome of checking a bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenCheck {
    Ok,
    /// The service has no publish token: publishing is off.
    Disabled,
    Wrong,
}

impl AppState {
    /// The active bundle of every environment (a snapshot).
    pub fn actives(&self) -> Arc<Actives> {
        self.inner.actives.load_full()
    }

    /// The active bundle of one environment.
    pub fn active(&self, env: &str) -> Option<Arc<Active>> {
        self.inner.actives.load().get(env).cloned()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub(crate) fn check_token(&self, presented: &str) -> TokenCheck {
        let Some(expected) = &self.inner.token_hash else { return TokenCheck::Disabled };
        if token_matches(presented, expected) { TokenCheck::Ok } else { TokenCheck::Wrong }
    }

    pub(crate) fn upload_lock(&self, env: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.inner.upload_locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(env.to_owned()).or_default().clone()
    }

    /// Makes `active` its environment's bundle (copy on write of the map).
    pub(crate) fn install(&self, active: Arc<Active>) {
        let env = active.meta.environment.clone();
        self.inner.metrics.active_version.with_label_values(&[env.as_str()]).set(active.meta.version as i64);
        self.inner.actives.rcu(|current| {
            let mut next = Actives::clone(current);
            next.insert(env.clone(), active.clone());
            next
        });
    }
}

/// Compares a presented token with a kept hash in constant time.
pub(crate) fn token_matches(presented: &str, expected: &[u8; 32]) -> bool {
    let got: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
    bool::from(got.ct_eq(expected))
}

pub(crate) fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}
