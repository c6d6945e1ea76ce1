//! Promotion and the two-person rule (docs/collaboration.md, "Environments,
//! promotion and approvals").
//!
//! - [`promote`] puts the rules of the bundle active in one environment
//!   (fetched and verified against the trust file, never the local draft)
//!   live in another, recording `promoted_from`; [`promote_preview`] is its
//!   review, which says whether the local draft differs from what is
//!   promoted.
//! - A publish to an environment whose trust threshold is 2 or more is
//!   submitted as a pending bundle ([`submit`]); an approver opens it
//!   ([`open_pending`]: diff against what the environment serves, lint, the
//!   impact on their own sample shoppers) and adds their signature over the
//!   same payload ([`approve`]).

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tailor_bundle::{Envelope, PromotedFrom, SigningKey, TrustFile, Verified};
use tailor_engine::ShopperTable;
use tailor_engine::plan::Plan;
use tailor_model::spec::Snapshot;
use tailor_sim::impact::ImpactReport;
use tailor_sim::lint::{Finding, Severity};
use tailor_store::{PublishKind, Workspace};
use ts_rs::TS;

use crate::collab::{Standing, fetch_envelope, get_optional, standing};
use crate::diff::{SpecDiff, diff};
use crate::{
    ActiveBundle, PublishError, PublishOptions, PublishOutcome, Result, Step, Target, active, agent, endpoint,
    next_version, rejection, release, send,
};

/// Where a promoted bundle's rules come from (the payload's `promoted_from`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Promotion {
    pub environment: String,
    #[ts(type = "number")]
    pub version: u64,
    pub digest: String,
}

impl From<PromotedFrom> for Promotion {
    fn from(p: PromotedFrom) -> Self {
        Promotion {
            environment: p.environment,
            version: p.version,
            digest: p.digest,
        }
    }
}

/// A bundle waiting for approvals, as the service reports it after a submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PendingStatus {
    /// The service the bundle waits on.
    #[serde(default)]
    pub url: String,
    pub environment: String,
    pub digest: String,
    #[ts(type = "number")]
    pub version: u64,
    /// `pending`, `expired` or `activated`.
    pub status: String,
    #[serde(default)]
    pub signatures: u32,
    #[serde(default)]
    pub threshold: u32,
    #[serde(default)]
    pub expires_at: String,
}

/// One approval the service recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PendingApproval {
    pub keyid: String,
    /// The key's name in the service's trust file.
    pub key_name: String,
    pub approver: String,
    pub at: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A key that signed a bundle when it was submitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PendingSigner {
    pub keyid: String,
    pub key_name: String,
}

/// A pending bundle in the service's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PendingSummary {
    pub environment: String,
    pub digest: String,
    #[ts(type = "number")]
    pub version: u64,
    pub author: String,
    pub status: String,
    pub submitted_at: String,
    pub expires_at: String,
    pub signatures: u32,
    pub threshold: u32,
    pub submitted_by: Vec<PendingSigner>,
    pub approvals: Vec<PendingApproval>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_from: Option<Promotion>,
}

/// The service's record of one pending bundle, with its envelope.
#[derive(Deserialize)]
struct PendingRecord {
    #[serde(flatten)]
    summary: PendingSummary,
    envelope: Envelope,
}

/// What an approver reviews before signing.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PendingReview {
    pub url: String,
    pub pending: PendingSummary,
    /// The bundle was verified against this (a sentence naming the trust file).
    pub verified_with: String,
    /// What the environment serves now (verified too).
    #[ts(optional)]
    pub active: Option<ActiveBundle>,
    /// From what the environment serves to the pending bundle.
    pub diff: SpecDiff,
    pub findings: Vec<Finding>,
    /// The pending rules against the active ones on the approver's sample
    /// shoppers (when a workspace with shoppers was given).
    #[ts(optional)]
    pub impact: Option<ImpactReport>,
    /// Why there is no impact simulation, or what it left out.
    #[ts(optional)]
    pub impact_note: Option<String>,
}

/// What an approval did.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApproveOutcome {
    /// `activated` (the threshold is met: the environment serves it now) or
    /// `pending` (more approvals are needed).
    pub status: String,
    pub environment: String,
    pub digest: String,
    #[ts(type = "number")]
    pub version: u64,
    pub signatures: u32,
    pub threshold: u32,
    pub approvals: Vec<PendingApproval>,
}

/// The review of a promotion.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PromoteReview {
    /// The bundle active in the source environment (verified).
    pub source: ActiveBundle,
    pub verified_with: String,
    /// What the target environment serves now.
    #[ts(optional)]
    pub target_active: Option<ActiveBundle>,
    /// From what the target serves to the promoted rules.
    pub diff: SpecDiff,
    /// True when the local draft is not what is being promoted.
    pub local_differs: bool,
    /// From the promoted rules to the local draft: what is *not* promoted.
    pub local_diff: SpecDiff,
    /// Lint of the promoted rules (on this workspace's sample shoppers when
    /// their attributes match).
    pub findings: Vec<Finding>,
    #[ts(type = "number")]
    pub next_version: u64,
    /// The workspace against the target environment (a promotion builds on
    /// what it serves, like any publish).
    pub standing: Standing,
}

/// What a promotion did.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PromoteOutcome {
    pub published: PublishOutcome,
    pub source: ActiveBundle,
    pub local_differs: bool,
    pub local_diff: SpecDiff,
}

/// Fetches an environment's active envelope and verifies it against `trust`.
pub(crate) fn fetch_verified(
    url: &str,
    env: &str,
    trust: &TrustFile,
    timeout: Duration,
) -> Result<(Vec<u8>, Verified)> {
    let bytes = fetch_envelope(url, env, timeout)?.ok_or_else(|| PublishError::NothingActive {
        environment: env.to_owned(),
        url: url.to_owned(),
    })?;
    let verified = verify_with(&bytes, url, env, trust, false)?;
    Ok((bytes, verified))
}

fn verify_with(bytes: &[u8], url: &str, env: &str, trust: &TrustFile, partial: bool) -> Result<Verified> {
    let verify = if partial {
        tailor_bundle::verify_partial
    } else {
        tailor_bundle::verify
    };
    verify(bytes, trust, env, jiff::Timestamp::now()).map_err(|e| PublishError::Untrusted {
        url: url.to_owned(),
        code: e.code().to_owned(),
        message: e.to_string(),
    })
}

fn bundle_of(v: &Verified) -> ActiveBundle {
    ActiveBundle {
        environment: v.payload.environment.clone(),
        version: v.payload.version,
        digest: v.digest.clone(),
        author: v.payload.author.clone(),
        created_at: v.payload.created_at.to_string(),
    }
}

fn same_schema(a: &tailor_model::Schema, b: &tailor_model::Schema) -> bool {
    a.attributes().len() == b.attributes().len()
        && a.attributes()
            .iter()
            .zip(b.attributes())
            .all(|(x, y)| x.name == y.name && x.ty == y.ty)
}

/// The workspace's sample shoppers read with `plan`'s attributes: the
/// workspace's own table when the attributes are the same, else each
/// shopper's stored values typed again (attributes the bundle does not know
/// are ignored; a shopper whose value does not fit the bundle's type is left
/// out, and the note says how many).
fn shoppers_for(ws: &mut Workspace, plan: &Plan) -> Result<(std::sync::Arc<ShopperTable>, Option<String>)> {
    let (schema, table) = ws.shopper_table()?;
    if same_schema(&schema, plan.schema()) {
        return Ok((table, None));
    }
    let rows = ws.shopper_page(0, table.len() as u64)?.rows;
    let mut left_out = 0;
    let shoppers: Vec<_> = rows
        .iter()
        .filter_map(|r| {
            let typed = tailor_engine::shopper_from_json(&r.id, &r.values, plan.schema()).ok();
            left_out += usize::from(typed.is_none());
            typed
        })
        .collect();
    let note = (left_out > 0).then(|| {
        format!(
            "{left_out} sample shopper(s) have values that do not fit the bundle's attribute types and were left out"
        )
    });
    Ok((std::sync::Arc::new(ShopperTable::new(shoppers)), note))
}

/// Lint of `rules` (not the workspace's draft), on the workspace's sample
/// shoppers when their attributes match; rules that do not compile are
/// one error finding.
fn lint_rules(ws: Option<&mut Workspace>, rules: &Snapshot) -> Result<(Option<Plan>, Vec<Finding>)> {
    let plan = match Plan::compile(rules) {
        Ok(plan) => plan,
        Err(errors) => {
            let message = errors
                .iter()
                .take(5)
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            return Ok((
                None,
                vec![Finding::new(
                    Severity::Error,
                    "plan_does_not_compile",
                    "bundle".into(),
                    message,
                )],
            ));
        }
    };
    let table = match ws {
        Some(ws) => shoppers_for(ws, &plan)?.0,
        None => std::sync::Arc::new(ShopperTable::new(Vec::new())),
    };
    let today = jiff::ZonedDateTime::now().date();
    let findings = tailor_sim::lint::lint_workspace(rules, &plan, &table, today, &Default::default());
    Ok((Some(plan), findings))
}

fn gate(findings: &[Finding], accept_warnings: bool) -> Result<()> {
    let errors: Vec<Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() {
        return Err(PublishError::LintErrors(errors));
    }
    if !accept_warnings && !findings.is_empty() {
        return Err(PublishError::WarningsNotAcknowledged(findings.to_vec()));
    }
    Ok(())
}

/// The rules `target` serves, for a review's diff: from the workspace when
/// it published or pulled that bundle, else read from the service.
fn served_rules(
    ws: &Workspace,
    target: &Target,
    active: Option<&ActiveBundle>,
    timeout: Duration,
) -> Result<Option<Snapshot>> {
    let Some(a) = active else { return Ok(None) };
    if let Some(rules) = ws.bundle_rules(&target.environment, &a.digest)? {
        return Ok(Some(rules));
    }
    Ok(fetch_envelope(&target.url, &target.environment, timeout)?
        .and_then(|bytes| tailor_bundle::payload_of_envelope(&bytes).ok())
        .map(|p| p.rules))
}

/// The review of promoting what `source` serves to `target`.
pub fn promote_preview(
    ws: &mut Workspace,
    source: &crate::PullSource,
    target: &Target,
    verified_with: &str,
) -> Result<PromoteReview> {
    let (_, verified) = fetch_verified(&source.url, &source.environment, &source.trust, source.timeout)?;
    let rules = &verified.payload.rules;
    let target_active = active(target, source.timeout)?;
    let served = served_rules(ws, target, target_active.as_ref(), source.timeout)?;
    let local_diff = diff(Some(rules), &ws.snapshot()?);
    let (_, findings) = lint_rules(Some(ws), rules)?;
    Ok(PromoteReview {
        source: bundle_of(&verified),
        verified_with: verified_with.to_owned(),
        diff: diff(served.as_ref(), rules),
        local_differs: !local_diff.is_empty(),
        local_diff,
        findings,
        next_version: next_version(ws, &target.environment, target_active.as_ref())?,
        standing: standing(ws, target, target_active.as_ref(), source.timeout)?,
        target_active,
    })
}

/// Promotes the bundle active in `source` to `target`: its rules, verified
/// against `source.trust`, signed as a new version of the target with
/// `promoted_from`, built on what the target serves (stale-parent rules as
/// for any publish), lint as the gate. The local draft is not published.
pub fn promote(
    ws: &mut Workspace,
    source: &crate::PullSource,
    target: &Target,
    key: &SigningKey,
    opts: &PublishOptions,
    progress: &mut dyn FnMut(Step),
) -> Result<PromoteOutcome> {
    progress(Step::Checking);
    if source.environment == target.environment {
        return Err(PublishError::Protocol(format!(
            "cannot promote {} to itself",
            source.environment
        )));
    }
    let (_, verified) = fetch_verified(&source.url, &source.environment, &source.trust, source.timeout)?;
    let rules = verified.payload.rules.clone();
    let (_, findings) = lint_rules(Some(ws), &rules)?;
    gate(&findings, opts.accept_warnings)?;
    let local_diff = diff(Some(&rules), &ws.snapshot()?);
    let from = PromotedFrom {
        environment: source.environment.clone(),
        version: verified.payload.version,
        digest: verified.digest.clone(),
    };
    let published = release(
        ws,
        target,
        key,
        opts,
        rules,
        PublishKind::Publish,
        None,
        Some(from),
        progress,
    )?;
    Ok(PromoteOutcome {
        published,
        source: bundle_of(&verified),
        local_differs: !local_diff.is_empty(),
        local_diff,
    })
}

/// Submits a signed envelope for approval (`PUT …/pending`). A service that
/// activates it at once (enough signatures already) answers `activated`.
pub(crate) fn submit(
    target: &Target,
    body: &[u8],
    opts: &PublishOptions,
    progress: &mut dyn FnMut(Step),
) -> Result<(PendingStatus, u32)> {
    let (text, attempts) = send(target, "/pending", body, opts, progress)?;
    let mut status: PendingStatus =
        serde_json::from_str(&text).map_err(|e| PublishError::Protocol(format!("{e}: {text}")))?;
    status.url = target.url.clone();
    Ok((status, attempts))
}

fn get_json(url: &str, full: &str, timeout: Duration) -> Result<Option<String>> {
    Ok(get_optional(url, full, timeout)?.map(|b| String::from_utf8_lossy(&b).into_owned()))
}

/// The bundles waiting for approval in `environment`, oldest first.
pub fn list_pending(url: &str, environment: &str, timeout: Duration) -> Result<Vec<PendingSummary>> {
    #[derive(Deserialize)]
    struct List {
        pending: Vec<PendingSummary>,
    }
    let Some(text) = get_json(url, &endpoint(url, environment, "/pending"), timeout)? else {
        return Ok(Vec::new());
    };
    let list: List = serde_json::from_str(&text).map_err(|e| PublishError::Protocol(format!("{e}: {text}")))?;
    Ok(list.pending)
}

/// Fetches a pending bundle and verifies every signature on it against
/// `trust` (fewer than the threshold are fine), and that it is the digest asked for.
fn fetch_pending(
    url: &str,
    env: &str,
    digest: &str,
    trust: &TrustFile,
    timeout: Duration,
) -> Result<(PendingSummary, Envelope, Verified)> {
    let text = get_json(url, &endpoint(url, env, &format!("/pending/{digest}")), timeout)?.ok_or_else(|| {
        PublishError::Rejected {
            status: 404,
            code: "not_found".into(),
            message: format!("no bundle {digest} is pending for {env} at {url}"),
        }
    })?;
    let record: PendingRecord = serde_json::from_str(&text).map_err(|e| PublishError::Protocol(format!("{e}")))?;
    let verified = verify_with(&record.envelope.to_json(), url, env, trust, true)?;
    if verified.digest != digest {
        return Err(PublishError::Untrusted {
            url: url.to_owned(),
            code: "wrong_digest".into(),
            message: format!("the service sent bundle {} for {digest}", verified.digest),
        });
    }
    Ok((record.summary, record.envelope, verified))
}

/// Opens a pending bundle for review: verified against `trust`, the diff
/// against what the environment serves (verified too), lint, and — with a
/// workspace — the impact of the change on its sample shoppers.
pub fn open_pending(
    url: &str,
    env: &str,
    digest: &str,
    trust: &TrustFile,
    verified_with: &str,
    ws: Option<&mut Workspace>,
    timeout: Duration,
) -> Result<PendingReview> {
    let (pending, _, verified) = fetch_pending(url, env, digest, trust, timeout)?;
    let served = match fetch_envelope(url, env, timeout)? {
        Some(bytes) => Some(verify_with(&bytes, url, env, trust, false)?),
        None => None,
    };
    let rules = &verified.payload.rules;
    let served_rules = served.as_ref().map(|v| &v.payload.rules);
    let mut ws = ws;
    let (plan, findings) = lint_rules(ws.as_deref_mut(), rules)?;
    let (impact, impact_note) = match (ws, plan, served_rules) {
        (None, _, _) => (
            None,
            Some("no workspace given: no sample shoppers to simulate".to_owned()),
        ),
        (_, None, _) => (None, Some("the bundle's rules do not compile".to_owned())),
        (Some(ws), Some(draft), base) => {
            let base_plan = match base {
                Some(r) => Plan::compile(r).map_err(|e| {
                    PublishError::Protocol(format!("the active rules do not compile ({} error(s))", e.len()))
                })?,
                None => Plan::compile(&Snapshot::default())
                    .map_err(|_| PublishError::Protocol("an empty plan does not compile".into()))?,
            };
            let (table, note) = shoppers_for(ws, &draft)?;
            if table.is_empty() {
                (
                    None,
                    Some(note.unwrap_or_else(|| "this workspace has no sample shoppers".to_owned())),
                )
            } else {
                let opts = tailor_sim::SimOptions::for_snapshot(rules, jiff::Timestamp::now());
                let cancel = AtomicBool::new(false);
                let report = tailor_sim::impact::impact(
                    &draft,
                    &base_plan,
                    tailor_sim::from_table(&table),
                    &opts,
                    &|_| {},
                    &cancel,
                )
                .map_err(|e| PublishError::Protocol(format!("impact simulation: {e}")))?;
                (Some(report), note)
            }
        }
    };
    Ok(PendingReview {
        url: url.to_owned(),
        pending,
        verified_with: verified_with.to_owned(),
        active: served.as_ref().map(bundle_of),
        diff: diff(served_rules, rules),
        findings,
        impact,
        impact_note,
    })
}

/// Signs a pending bundle with `key` (a second signature over the same
/// payload; the digest does not change) after verifying it against `trust`,
/// and posts the signature with the approver's name and note. The service
/// activates the bundle once the threshold is met.
#[allow(clippy::too_many_arguments)]
pub fn approve(
    url: &str,
    env: &str,
    digest: &str,
    trust: &TrustFile,
    key: &SigningKey,
    approver: &str,
    note: Option<&str>,
    token: Option<&str>,
    timeout: Duration,
) -> Result<ApproveOutcome> {
    let (_, envelope, _) = fetch_pending(url, env, digest, trust, timeout)?;
    let signature = tailor_bundle::cosign(&envelope, key)?;
    let body = serde_json::json!({"signature": signature, "approver": approver, "note": note});
    let full = endpoint(url, env, &format!("/pending/{digest}/approvals"));
    let mut req = agent(timeout).post(&full).header("Content-Type", "application/json");
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let mut resp = req
        .send(serde_json::to_vec(&body).unwrap_or_default().as_slice())
        .map_err(|e| PublishError::Unreachable {
            url: url.to_owned(),
            attempts: 1,
            last: e.to_string(),
        })?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(rejection(status, &text));
    }
    #[derive(Deserialize)]
    struct Answer {
        status: String,
        #[serde(default)]
        version: Option<u64>,
        #[serde(default)]
        signatures: Option<u32>,
        #[serde(default)]
        approvals: Vec<PendingApproval>,
    }
    let a: Answer = serde_json::from_str(&text).map_err(|e| PublishError::Protocol(format!("{e}: {text}")))?;
    let threshold = trust.environments.get(env).map_or(1, |t| t.threshold);
    let activated = a.status == "activated";
    Ok(ApproveOutcome {
        environment: env.to_owned(),
        digest: digest.to_owned(),
        version: a.version.unwrap_or_default(),
        signatures: a.signatures.unwrap_or(if activated { threshold } else { 0 }),
        threshold,
        approvals: a.approvals,
        status: a.status,
    })
}

/// Where one published version came from, for History: who built it, the
/// keys that signed it (the author's and any approvers'), and the
/// environment it was promoted from.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Provenance {
    pub environment: String,
    #[ts(type = "number")]
    pub version: u64,
    pub digest: String,
    pub author: String,
    /// The signing keys, by their names in the environment's trust file
    /// (else the start of their keyid), in signing order.
    pub signed_by: Vec<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_from: Option<Promotion>,
}

/// The provenance of every bundle the workspace published or pulled, from
/// the envelopes it stored. `trust` gives each environment's trust file
/// (for key names), when there is one.
pub fn provenance(ws: &Workspace, trust: &dyn Fn(&str) -> Option<TrustFile>) -> Result<Vec<Provenance>> {
    let mut out: Vec<Provenance> = Vec::new();
    for row in ws.published(None, true)? {
        if out
            .iter()
            .any(|p| p.environment == row.environment && p.digest == row.digest)
        {
            continue;
        }
        let Ok(envelope) = serde_json::from_str::<Envelope>(&row.envelope) else {
            continue;
        };
        let Ok(payload) = tailor_bundle::payload_of_envelope(row.envelope.as_bytes()) else {
            continue;
        };
        let names = trust(&row.environment);
        let signed_by = envelope
            .signatures
            .iter()
            .map(|s| {
                names
                    .as_ref()
                    .and_then(|t| t.key_name(&row.environment, &s.keyid))
                    .map_or_else(
                        || format!("key {}", s.keyid.as_str().chars().take(8).collect::<String>()),
                        str::to_owned,
                    )
            })
            .collect();
        out.push(Provenance {
            environment: row.environment,
            version: row.version,
            digest: row.digest,
            author: payload.author,
            signed_by,
            promoted_from: payload.promoted_from.map(Promotion::from),
        });
    }
    Ok(out)
}
