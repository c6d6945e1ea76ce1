//! Several authors, one environment: where a workspace stands against what
//! an environment serves, and `pull` (fetch the active envelope, verify it,
//! merge three ways). docs/collaboration.md.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tailor_bundle::{KeyStore, TrustFile};
use tailor_merge::MergeSummary;
use tailor_model::spec::Snapshot;
use tailor_store::{Base, BaseSource, PublishKind, PublishedBundle, Workspace};
use ts_rs::TS;

use crate::diff::{SpecDiff, diff};
use crate::{ActiveBundle, PublishError, Result, Target, agent, endpoint, rejection};

/// Where a workspace stands against an environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum Standing {
    /// The environment serves this workspace's base (or nothing at all):
    /// a publish builds on what is live.
    UpToDate,
    /// Someone published since the base and this workspace changed nothing
    /// since: a pull is a fast-forward.
    Behind {
        active: ActiveBundle,
        #[ts(optional, type = "number")]
        base_version: Option<u64>,
        /// What the environment changed since the base (when its bundle could be read).
        incoming: SpecDiff,
    },
    /// Someone published since the base and this workspace has changes of
    /// its own: a pull merges them.
    Diverged {
        active: ActiveBundle,
        #[ts(optional, type = "number")]
        base_version: Option<u64>,
        incoming: SpecDiff,
        /// What this workspace changed since the base.
        local: SpecDiff,
    },
}

/// Where to pull from and whom to believe.
#[derive(Clone, Debug)]
pub struct PullSource {
    pub url: String,
    pub environment: String,
    pub trust: TrustFile,
    pub timeout: Duration,
}

/// What a pull did.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PullReport {
    pub environment: String,
    #[ts(type = "number")]
    pub version: u64,
    pub digest: String,
    pub author: String,
    pub created_at: String,
    /// The workspace already stood on this bundle: nothing changed.
    pub up_to_date: bool,
    /// The workspace had no changes of its own: it now holds theirs.
    pub fast_forward: bool,
    pub summary: MergeSummary,
    /// One line, as History shows it.
    pub line: String,
}

/// The active envelope of an environment, exactly as the service holds it
/// (`None` when it has none). Not verified here: [`pull`] does that.
pub fn fetch_envelope(url: &str, environment: &str, timeout: Duration) -> Result<Option<Vec<u8>>> {
    get_optional(url, &endpoint(url, environment, "/envelope"), timeout)
}

/// GET `full` (an endpoint of the service at `url`): its body on 200, `None`
/// on 404, the service's refusal otherwise.
pub(crate) fn get_optional(url: &str, full: &str, timeout: Duration) -> Result<Option<Vec<u8>>> {
    let mut resp = agent(timeout).get(full).call().map_err(|e| PublishError::Unreachable {
        url: url.to_owned(),
        attempts: 1,
        last: e.to_string(),
    })?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| PublishError::Protocol(format!("reading {full}: {e}")))?;
    match status {
        200 => Ok(Some(body)),
        404 => Ok(None),
        _ => Err(rejection(status, &String::from_utf8_lossy(&body))),
    }
}

/// The trust a pull verifies against: an explicit trust file, else the one
/// saved with the environment, else the public keys of the local key store
/// (each trusted for `environment`). Also says which, for the user.
pub fn trust_for(environment: &str, explicit: Option<&Path>, saved: Option<&str>) -> Result<(TrustFile, String)> {
    if let Some(path) = explicit.map(Path::to_path_buf).or_else(|| saved.map(Into::into)) {
        let trust = TrustFile::load(&path).map_err(|e| PublishError::Trust(format!("{}: {e}", path.display())))?;
        return Ok((trust, format!("trust file {}", path.display())));
    }
    let store = KeyStore::open_default().map_err(|e| PublishError::Trust(e.to_string()))?;
    let mut trust = TrustFile::default();
    let keys = store.list().map_err(|e| PublishError::Trust(e.to_string()))?;
    for key in &keys {
        let public = store.public_key(&key.name).map_err(|e| PublishError::Trust(e.to_string()))?;
        trust.trust(environment, &key.name, &public);
    }
    Ok((trust, format!("the {} key(s) in {}", keys.len(), store.describe())))
}

/// Compares the workspace's base with what the environment serves.
/// `active` is what the service reported (read by the caller).
pub fn standing(ws: &mut Workspace, target: &Target, active: Option<&ActiveBundle>, timeout: Duration) -> Result<Standing> {
    let base = ws.base(&target.environment)?;
    let Some(active) = active else { return Ok(Standing::UpToDate) };
    if base.as_ref().is_some_and(|b| b.digest == active.digest) {
        return Ok(Standing::UpToDate);
    }
    let base_rules = match &base {
        Some(b) => ws.bundle_rules(&target.environment, &b.digest)?,
        None => None,
    };
    // For the review only ("which entities"): the pull verifies before it
    // changes anything. An envelope that cannot be read shows no entities.
    let theirs = fetch_envelope(&target.url, &target.environment, timeout)
        .ok()
        .flatten()
        .and_then(|bytes| tailor_bundle::payload_of_envelope(&bytes).ok())
        .map(|p| p.rules);
    let incoming = theirs.as_ref().map(|t| diff(base_rules.as_ref(), t)).unwrap_or_default();
    let mine = ws.snapshot()?;
    let local = diff(base_rules.as_ref(), &mine);
    let base_version = base.map(|b| b.version);
    Ok(if local.is_empty() {
        Standing::Behind { active: active.clone(), base_version, incoming }
    } else {
        Standing::Diverged { active: active.clone(), base_version, incoming, local }
    })
}

/// Fetches the active bundle of `source.environment`, verifies it against
/// `source.trust`, and merges it three ways into the workspace (base = the
/// workspace's base for that environment, theirs = the active bundle, mine
/// = the workspace) as one undoable edit. Sample shoppers, personas, event
/// sets and simulations are not rules and are never touched.
pub fn pull(ws: &mut Workspace, source: &PullSource) -> Result<PullReport> {
    let open = ws.conflicts()?.len();
    if open > 0 {
        return Err(PublishError::OpenConflicts(open));
    }
    let env = &source.environment;
    let (bytes, verified) = crate::approval::fetch_verified(&source.url, env, &source.trust, source.timeout)?;
    let payload = &verified.payload;
    let theirs = Base {
        environment: env.clone(),
        version: payload.version,
        digest: verified.digest.clone(),
        author: payload.author.clone(),
        created_at: payload.created_at.to_string(),
        source: BaseSource::Pull,
    };
    let report = |up_to_date, fast_forward, summary: MergeSummary, line: String| PullReport {
        environment: env.clone(),
        version: theirs.version,
        digest: theirs.digest.clone(),
        author: theirs.author.clone(),
        created_at: theirs.created_at.clone(),
        up_to_date,
        fast_forward,
        summary,
        line,
    };
    let base = ws.base(env)?;
    if base.as_ref().is_some_and(|b| b.digest == theirs.digest) {
        let line = format!("already up to date with version {}", theirs.version);
        return Ok(report(true, false, MergeSummary::default(), line));
    }
    let base_rules: Snapshot = match &base {
        Some(b) => ws.bundle_rules(env, &b.digest)?.unwrap_or_default(),
        None => Snapshot::default(),
    };
    let mine = ws.snapshot()?;
    let fast_forward = base.is_some() && diff(Some(&base_rules), &mine).is_empty();
    let merge = tailor_merge::merge(&base_rules, &payload.rules, &mine)?;
    let line = if fast_forward {
        format!("fast-forward to version {}", theirs.version)
    } else {
        format!(
            "merged version {}: {} incoming change(s), {} merged by themselves, {} conflict(s)",
            theirs.version,
            merge.summary.incoming.len(),
            merge.summary.merged.len(),
            merge.summary.conflicts.len()
        )
    };
    ws.apply_merge(&theirs, &merge, &format!("Pull {env} version {} from {}", theirs.version, source.url))?;
    ws.record_published(&PublishedBundle {
        environment: env.clone(),
        version: theirs.version,
        digest: theirs.digest.clone(),
        parent_digest: payload.parent_digest.clone(),
        published_at: jiff::Timestamp::now().to_string(),
        author: theirs.author.clone(),
        target: source.url.clone(),
        kind: PublishKind::Pull,
        rollback_of: None,
        envelope: String::from_utf8_lossy(&bytes).into_owned(),
        overwrites: payload.overwrites.clone(),
        merge_summary: Some(line.clone()),
    })?;
    Ok(report(false, fast_forward, merge.summary, line))
}

/// A new workspace at `path` that starts from what an environment serves:
/// its rules and base are the active bundle (verified), and the environment
/// is saved with its URL and trust file for later pulls and publishes. A
/// workspace that could not be started is not left behind half made.
pub fn init_from(
    path: &Path,
    source: &PullSource,
    trust_file: Option<String>,
) -> Result<(Workspace, PullReport)> {
    let mut ws = Workspace::create(path)?;
    let made = pull(&mut ws, source).and_then(|report| {
        ws.save_environment(&tailor_store::Environment {
            name: source.environment.clone(),
            urls: vec![source.url.clone()],
            require_approval: false,
            trust_file,
        })?;
        Ok(report)
    });
    match made {
        Ok(report) => Ok((ws, report)),
        Err(e) => {
            drop(ws);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            Err(e)
        }
    }
}
