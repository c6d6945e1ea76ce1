//! Publishing: turn the workspace into a signed bundle and put it live on a
//! decision service, the way a careful release manager would — diff against
//! what the service reports active, lint as a gate, sign, upload with retries
//! and exponential backoff, confirm by reading the active digest back, and
//! record it in the workspace. Rollback republishes an old payload as a new
//! version. The app and the CLI both call [`publish`] and [`rollback`].

mod approval;
mod collab;
mod diff;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tailor_bundle::{Approval, BundlePayload, SigningKey};
use tailor_model::spec::Snapshot;
use tailor_sim::lint::{Finding, Severity};
use tailor_store::{Base, BaseSource, PublishKind, PublishedBundle, Workspace};
use ts_rs::TS;

pub use approval::{
    ApproveOutcome, PendingApproval, PendingReview, PendingStatus, PendingSummary, PromoteOutcome, PromoteReview,
    Promotion, Provenance, approve, list_pending, open_pending, promote, promote_preview, provenance,
};
pub use collab::{PullReport, PullSource, Standing, fetch_envelope, init_from, pull, standing, trust_for};
pub use diff::{SectionDiff, SpecDiff, diff};

/// Where to publish.
#[derive(Clone, Debug)]
pub struct Target {
    /// Base URL of the decision service, e.g. `http://127.0.0.1:8787`.
    pub url: String,
    /// Further replicas of the same service: each gets the same signed
    /// bundle (same version and digest) and is confirmed on its own.
    pub replicas: Vec<String>,
    pub environment: String,
    /// Bearer token for uploads (never stored in the workspace).
    pub token: Option<String>,
}

#[derive(Clone, Debug)]
pub struct PublishOptions {
    /// Go ahead although lint reports warnings (errors always block).
    pub accept_warnings: bool,
    pub expires_in: Duration,
    /// Upload attempts before giving up (connection errors, timeouts, 5xx).
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    /// Per request.
    pub timeout: Duration,
    pub approvals: Vec<Approval>,
    /// Refuse to publish without at least one approval.
    pub require_approval: bool,
    /// Replace the active bundle although this workspace is behind it (an
    /// emergency): recorded in the bundle (`overwrites`) and in History.
    pub overwrite: bool,
    /// Submit the bundle for approval (`PUT …/pending`) instead of
    /// activating it: what an environment whose trust threshold is 2 or more
    /// needs. A direct upload refused with `threshold_not_met` is submitted
    /// for approval without this too.
    pub request_approval: bool,
}

impl Default for PublishOptions {
    fn default() -> Self {
        Self {
            accept_warnings: false,
            expires_in: Duration::from_secs(30 * 24 * 3600),
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            timeout: Duration::from_secs(10),
            approvals: Vec::new(),
            require_approval: false,
            overwrite: false,
            request_approval: false,
        }
    }
}

/// What the service reports as active for an environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActiveBundle {
    pub environment: String,
    #[ts(type = "number")]
    pub version: u64,
    pub digest: String,
    /// Who made it and when (RFC 3339), as the service reports.
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub created_at: String,
}

/// Progress of a publish, for a progress bar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "step", rename_all = "snake_case")]
#[ts(export)]
pub enum Step {
    Checking,
    Signing,
    Uploading { attempt: u32, of: u32 },
    Retrying { attempt: u32, of: u32, wait_ms: u32, reason: String },
    Confirming,
    Done,
}

/// What a publish would do, for review before signing.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PublishPreview {
    #[ts(optional)]
    pub active: Option<ActiveBundle>,
    /// False when the active digest was not published from this workspace
    /// (the diff is then against nothing).
    pub active_known: bool,
    pub diff: SpecDiff,
    pub findings: Vec<Finding>,
    #[ts(type = "number")]
    pub next_version: u64,
    /// Up to date with the environment, behind it, or diverged.
    pub standing: Standing,
    /// Merge conflicts still open: publishing refuses while any is.
    #[ts(type = "number")]
    pub open_conflicts: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PublishOutcome {
    pub environment: String,
    #[ts(type = "number")]
    pub version: u64,
    pub digest: String,
    /// The service already had this exact bundle active.
    pub unchanged: bool,
    /// The digest an explicit overwrite replaced.
    #[ts(optional)]
    pub overwrites: Option<String>,
    pub attempts: u32,
    pub diff: SpecDiff,
    /// Set when the bundle was submitted for approval instead of activated:
    /// the environment keeps serving what it served.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingStatus>,
    /// The source bundle of a promotion.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_from: Option<Promotion>,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("lint found {} error(s); fix them before publishing:\n{}", .0.len(), list(.0))]
    LintErrors(Vec<Finding>),
    #[error("lint found {} warning(s); acknowledge them to publish:\n{}", .0.len(), list(.0))]
    WarningsNotAcknowledged(Vec<Finding>),
    #[error("an approval is required to publish to {0}")]
    ApprovalRequired(String),
    #[error("no bundle version {version} was published to {environment} from this workspace")]
    UnknownVersion { environment: String, version: u64 },
    #[error("the service rejected the bundle ({status} {code}): {message}")]
    Rejected { status: u16, code: String, message: String },
    #[error("the service at {url} could not be reached after {attempts} attempt(s): {last}")]
    Unreachable { url: String, attempts: u32, last: String },
    #[error("the service reports {found} active, not the uploaded {expected}")]
    NotConfirmed { expected: String, found: String },
    #[error("unexpected answer from the service: {0}")]
    Protocol(String),
    #[error(
        "{environment} is at version {} (by {}, {}), newer than this workspace's base{}: run `tailor pull {} --env {environment} --from {url}` and publish again",
        .active.version, .active.author, .active.created_at,
        .base_version.map_or(" (it never published or pulled there)".to_string(), |v| format!(" version {v}")),
        .workspace
    )]
    Behind { environment: String, active: ActiveBundle, base_version: Option<u64>, workspace: String, url: String },
    #[error("{0} merge conflict(s) are open: resolve them (keep mine, take theirs or edit) before publishing or pulling again")]
    OpenConflicts(usize),
    #[error("nothing is active on {environment} at {url}: there is nothing to pull")]
    NothingActive { environment: String, url: String },
    #[error("the bundle from {url} was refused ({code}): {message}; nothing was changed")]
    Untrusted { url: String, code: String, message: String },
    #[error("the merged rules cannot be built: {0}")]
    Merge(#[from] tailor_merge::MergeError),
    #[error("trust file: {0}")]
    Trust(String),
    #[error(transparent)]
    Store(#[from] tailor_store::StoreError),
    #[error(transparent)]
    Bundle(#[from] tailor_bundle::BundleError),
}

fn list(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("  [{}] {}: {}", f.rule, f.item, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

type Result<T, E = PublishError> = std::result::Result<T, E>;

impl Target {
    /// The primary URL, then the replicas.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.url.as_str()).chain(self.replicas.iter().map(String::as_str))
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

fn endpoint(url: &str, env: &str, suffix: &str) -> String {
    format!("{}/v1/bundles/{env}{suffix}", url.trim_end_matches('/'))
}

/// Reads the active bundle of an environment (None when it has none).
pub fn active(target: &Target, timeout: Duration) -> Result<Option<ActiveBundle>> {
    let url = endpoint(&target.url, &target.environment, "/active");
    let mut resp = agent(timeout).get(&url).call().map_err(|e| PublishError::Unreachable {
        url: target.url.clone(),
        attempts: 1,
        last: e.to_string(),
    })?;
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    match status {
        200 => serde_json::from_str(&body).map(Some).map_err(|e| PublishError::Protocol(format!("{e}: {body}"))),
        404 => Ok(None),
        _ => Err(rejection(status, &body)),
    }
}

/// One try of a request that may be retried.
enum Attempt<T> {
    Done(T),
    /// Worth another try (transport error, 408, 429, 5xx), and why.
    Retry(String),
    Fail(PublishError),
}

/// 408, 429 and 5xx are worth another try; other 4xx are final.
fn retryable(status: u16) -> bool {
    status >= 500 || status == 429 || status == 408
}

/// The retry policy of every request a publish makes: up to
/// `opts.max_attempts` tries with exponential backoff (capped at 5 s),
/// reporting each wait. `once` gets the attempt number and the total.
fn with_retries<T>(
    target: &Target,
    opts: &PublishOptions,
    progress: &mut dyn FnMut(Step),
    mut once: impl FnMut(u32, u32, &mut dyn FnMut(Step)) -> Attempt<T>,
) -> Result<(T, u32)> {
    let attempts = opts.max_attempts.max(1);
    let mut wait = opts.initial_backoff;
    let mut last = String::new();
    for attempt in 1..=attempts {
        match once(attempt, attempts, progress) {
            Attempt::Done(t) => return Ok((t, attempt)),
            Attempt::Fail(e) => return Err(e),
            Attempt::Retry(reason) => last = reason,
        }
        if attempt < attempts {
            progress(Step::Retrying { attempt, of: attempts, wait_ms: wait.as_millis() as u32, reason: last.clone() });
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_secs(5));
        }
    }
    Err(PublishError::Unreachable { url: target.url.clone(), attempts, last })
}

/// [`active`] with the upload's retry policy: a service that is restarting
/// or briefly unreachable gets the same chances as the upload itself.
fn active_retrying(target: &Target, opts: &PublishOptions, progress: &mut dyn FnMut(Step)) -> Result<Option<ActiveBundle>> {
    with_retries(target, opts, progress, |_, _, _| match active(target, opts.timeout) {
        Ok(a) => Attempt::Done(a),
        Err(PublishError::Unreachable { last, .. }) => Attempt::Retry(last),
        Err(PublishError::Rejected { status, .. }) if retryable(status) => Attempt::Retry(format!("HTTP {status}")),
        Err(e) => Attempt::Fail(e),
    })
    .map(|(a, _)| a)
}

fn rejection(status: u16, body: &str) -> PublishError {
    #[derive(Deserialize)]
    struct Err {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        code: String,
        message: String,
    }
    match serde_json::from_str::<Err>(body) {
        Ok(e) => PublishError::Rejected {
            status,
            code: e.error.code,
            message: e.error.message,
        },
        Err(_) => PublishError::Rejected {
            status,
            code: "http_error".into(),
            message: body.chars().take(300).collect(),
        },
    }
}

/// The rules of a bundle published or pulled by this workspace, by digest.
fn rules_of(ws: &Workspace, environment: &str, digest: &str) -> Result<Option<Snapshot>> {
    Ok(ws.bundle_rules(environment, digest)?)
}

/// The rules inside a stored envelope (e.g. for an impact diff).
pub fn rules_of_envelope(envelope: &str) -> Result<Snapshot> {
    Ok(payload_of(envelope)?.rules)
}

fn payload_of(envelope: &str) -> Result<BundlePayload> {
    tailor_bundle::payload_of_envelope(envelope.as_bytes()).map_err(PublishError::Protocol)
}

fn next_version(ws: &Workspace, environment: &str, active: Option<&ActiveBundle>) -> Result<u64> {
    let recorded = ws
        .published(Some(environment), false)?
        .iter()
        .map(|b| b.version)
        .max()
        .unwrap_or(0);
    Ok(recorded.max(active.map_or(0, |a| a.version)) + 1)
}

/// Diff against the active bundle, lint findings, the next version and
/// where the workspace stands against the environment.
pub fn preview(ws: &mut Workspace, target: &Target, timeout: Duration) -> Result<PublishPreview> {
    let active = active(target, timeout)?;
    let snapshot = ws.snapshot()?;
    let old = match &active {
        Some(a) => rules_of(ws, &target.environment, &a.digest)?,
        None => None,
    };
    let active_known = active.is_none() || old.is_some();
    let findings = ws.lint()?;
    let standing = standing(ws, target, active.as_ref(), timeout)?;
    Ok(PublishPreview {
        next_version: next_version(ws, &target.environment, active.as_ref())?,
        diff: diff(old.as_ref(), &snapshot),
        active,
        active_known,
        findings,
        standing,
        open_conflicts: ws.conflicts()?.len() as u64,
    })
}

/// Publishes the workspace's current rules.
pub fn publish(
    ws: &mut Workspace,
    target: &Target,
    key: &SigningKey,
    opts: &PublishOptions,
    progress: &mut dyn FnMut(Step),
) -> Result<PublishOutcome> {
    progress(Step::Checking);
    let open = ws.conflicts()?.len();
    if open > 0 {
        return Err(PublishError::OpenConflicts(open));
    }
    let findings = ws.lint()?;
    let errors: Vec<Finding> = findings.iter().filter(|f| f.severity == Severity::Error).cloned().collect();
    if !errors.is_empty() {
        return Err(PublishError::LintErrors(errors));
    }
    if !opts.accept_warnings && !findings.is_empty() {
        return Err(PublishError::WarningsNotAcknowledged(findings));
    }
    ws.plan()?; // the rules must compile
    let rules = ws.snapshot()?;
    release(ws, target, key, opts, rules, PublishKind::Publish, None, None, progress)
}

/// Republishes the rules of an earlier version as a new version.
pub fn rollback(
    ws: &mut Workspace,
    target: &Target,
    to_version: u64,
    key: &SigningKey,
    opts: &PublishOptions,
    progress: &mut dyn FnMut(Step),
) -> Result<PublishOutcome> {
    progress(Step::Checking);
    let old = ws
        .published(Some(&target.environment), true)?
        .into_iter()
        .find(|b| b.version == to_version && b.kind != PublishKind::Pull)
        .ok_or_else(|| PublishError::UnknownVersion {
            environment: target.environment.clone(),
            version: to_version,
        })?;
    let rules = payload_of(&old.envelope)?.rules;
    release(ws, target, key, opts, rules, PublishKind::Rollback, Some(to_version), None, progress)
}

/// The parent a new bundle names and the digest it overwrites, if any:
/// the active digest when the workspace's base is still active (or the
/// environment is empty); otherwise `Behind`, unless `opts.overwrite`.
fn parent_of(
    ws: &Workspace,
    target: &Target,
    active: Option<&ActiveBundle>,
    overwrite: bool,
) -> Result<(Option<String>, Option<String>)> {
    let base = ws.base(&target.environment)?;
    match active {
        None => Ok((None, None)),
        Some(a) if base.as_ref().is_some_and(|b| b.digest == a.digest) => Ok((Some(a.digest.clone()), None)),
        Some(a) if overwrite => Ok((base.map(|b| b.digest), Some(a.digest.clone()))),
        Some(a) => Err(behind(ws, target, a.clone(), base.map(|b| b.version))),
    }
}

fn behind(ws: &Workspace, target: &Target, active: ActiveBundle, base_version: Option<u64>) -> PublishError {
    PublishError::Behind {
        environment: target.environment.clone(),
        active,
        base_version,
        workspace: ws.path().display().to_string(),
        url: target.url.clone(),
    }
}

#[allow(clippy::too_many_arguments)]
fn release(
    ws: &mut Workspace,
    target: &Target,
    key: &SigningKey,
    opts: &PublishOptions,
    rules: Snapshot,
    kind: PublishKind,
    rollback_of: Option<u64>,
    promoted_from: Option<tailor_bundle::PromotedFrom>,
    progress: &mut dyn FnMut(Step),
) -> Result<PublishOutcome> {
    if opts.require_approval && opts.approvals.is_empty() {
        return Err(PublishError::ApprovalRequired(target.environment.clone()));
    }
    // Every replica's active version counts, so the new version is newer
    // than all of them; the diff and the parent are against the first
    // replica's bundle.
    let mut actives = Vec::new();
    for url in target.urls() {
        let one = Target { url: url.to_owned(), ..target.clone() };
        actives.push(active_retrying(&one, opts, progress)?);
    }
    let active = actives.first().cloned().flatten();
    let newest = actives.iter().flatten().max_by_key(|a| a.version).cloned();
    let (parent_digest, overwrites) = parent_of(ws, target, active.as_ref(), opts.overwrite)?;
    let old = match &active {
        Some(a) => rules_of(ws, &target.environment, &a.digest)?,
        None => None,
    };
    let changes = diff(old.as_ref(), &rules);
    progress(Step::Signing);
    let now = jiff::Timestamp::now();
    let expires_at = now
        .checked_add(jiff::SignedDuration::try_from(opts.expires_in).unwrap_or(jiff::SignedDuration::from_hours(24 * 30)))
        .unwrap_or(now);
    let payload = BundlePayload {
        schema_version: tailor_bundle::BUNDLE_SCHEMA_VERSION,
        workspace_id: ws.workspace_id()?,
        environment: target.environment.clone(),
        version: next_version(ws, &target.environment, newest.as_ref())?,
        created_at: now,
        expires_at,
        parent_digest,
        overwrites,
        author: ws.author().to_owned(),
        approvals: opts.approvals.clone(),
        promoted_from,
        rules,
    };
    let built = tailor_bundle::build(&payload, &[key])?;
    let body = serde_json::to_vec(&built.envelope).map_err(|e| PublishError::Protocol(e.to_string()))?;
    let promotion = payload.promoted_from.clone().map(Promotion::from);
    let pending_outcome = |pending: PendingStatus, attempts: u32, changes: SpecDiff| PublishOutcome {
        environment: target.environment.clone(),
        version: payload.version,
        digest: built.digest.clone(),
        unchanged: false,
        overwrites: payload.overwrites.clone(),
        attempts,
        diff: changes,
        pending: Some(pending),
        promoted_from: promotion.clone(),
    };
    if opts.request_approval {
        // Nothing changes in the workspace: the environment serves what it
        // served until the approvals arrive (a pull then brings it in).
        let (pending, n) = approval::submit(target, &body, opts, progress)?;
        progress(Step::Done);
        return Ok(pending_outcome(pending, n, changes));
    }
    let mut attempts = 0;
    let mut unchanged = true;
    for (i, url) in target.urls().enumerate() {
        let one = Target { url: url.to_owned(), ..target.clone() };
        let (n, same) = match upload(&one, &body, opts, progress) {
            // The environment needs more signatures than the author's: the
            // bundle waits for approvals instead.
            Err(PublishError::Rejected { code, .. }) if code == "threshold_not_met" && i == 0 => {
                let (pending, n) = approval::submit(&one, &body, opts, progress)?;
                progress(Step::Done);
                return Ok(pending_outcome(pending, n, changes.clone()));
            }
            // Someone published between our read and our upload: the
            // service's check caught it, say so as a publish that is behind.
            Err(PublishError::Rejected { code, .. }) if code == "stale_parent" => {
                let base = ws.base(&target.environment)?.map(|b| b.version);
                return Err(match active_retrying(&one, opts, progress)? {
                    Some(now_active) => behind(ws, &one, now_active, base),
                    None => PublishError::Protocol("the service refused the parent but has no active bundle".into()),
                });
            }
            other => other?,
        };
        attempts += n;
        unchanged &= same;
        progress(Step::Confirming);
        let now_active = active_retrying(&one, opts, progress)?;
        match &now_active {
            Some(a) if a.digest == built.digest => {}
            other => {
                return Err(PublishError::NotConfirmed {
                    expected: built.digest.clone(),
                    found: other.as_ref().map_or("no bundle".into(), |a| a.digest.clone()),
                });
            }
        }
        ws.record_published(&PublishedBundle {
            environment: target.environment.clone(),
            version: payload.version,
            digest: built.digest.clone(),
            parent_digest: payload.parent_digest.clone(),
            published_at: now.to_string(),
            author: payload.author.clone(),
            target: url.to_owned(),
            kind,
            rollback_of,
            envelope: String::from_utf8(body.clone()).unwrap_or_default(),
            overwrites: payload.overwrites.clone(),
            merge_summary: None,
        })?;
    }
    ws.set_base_published(&Base {
        environment: target.environment.clone(),
        version: payload.version,
        digest: built.digest.clone(),
        author: payload.author.clone(),
        created_at: now.to_string(),
        source: BaseSource::Publish,
    })?;
    progress(Step::Done);
    Ok(PublishOutcome {
        environment: target.environment.clone(),
        version: payload.version,
        digest: built.digest,
        unchanged,
        overwrites: payload.overwrites,
        attempts,
        diff: changes,
        pending: None,
        promoted_from: promotion,
    })
}

/// PUT with retries on transport errors, timeouts and 5xx; a 4xx is final.
/// Returns the attempts it took and whether the service already had it.
fn upload(target: &Target, body: &[u8], opts: &PublishOptions, progress: &mut dyn FnMut(Step)) -> Result<(u32, bool)> {
    let (text, attempts) = send(target, "", body, opts, progress)?;
    Ok((attempts, text.contains("\"unchanged\"")))
}

/// PUT `body` to the environment's endpoint + `suffix` with the publish
/// token, retrying as [`with_retries`] does; the answer's body and the
/// attempts it took.
fn send(
    target: &Target,
    suffix: &str,
    body: &[u8],
    opts: &PublishOptions,
    progress: &mut dyn FnMut(Step),
) -> Result<(String, u32)> {
    let url = endpoint(&target.url, &target.environment, suffix);
    let agent = agent(opts.timeout);
    with_retries(target, opts, progress, |attempt, of, progress| {
        progress(Step::Uploading { attempt, of });
        let mut req = agent.put(&url).header("Content-Type", "application/json");
        if let Some(token) = &target.token {
            req = req.header("Authorization", &format!("Bearer {token}"));
        }
        match req.send(body) {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let text = resp.body_mut().read_to_string().unwrap_or_default();
                if (200..300).contains(&status) {
                    Attempt::Done(text)
                } else if retryable(status) {
                    Attempt::Retry(format!("HTTP {status}: {}", text.chars().take(200).collect::<String>()))
                } else {
                    Attempt::Fail(rejection(status, &text))
                }
            }
            Err(e) => Attempt::Retry(e.to_string()),
        }
    })
}
