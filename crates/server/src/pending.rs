//! The two-person rule: bundles that wait for approvals.
//!
//! When an environment's trust threshold is 2 or more, an author submits a
//! bundle signed with their own key to `PUT /v1/bundles/{env}/pending`: every
//! signature on it must verify and be trusted, its rules must compile, and it
//! must be built on the active bundle, but fewer signatures than the
//! threshold are fine. It is kept under `DATA_DIR/pending/{env}/{hex}.json`
//! until it expires. Approvers add signatures over the same payload (the
//! digest does not change) with `POST …/pending/{digest}/approvals`; the one
//! that reaches the threshold activates it exactly as an upload would (same
//! lock, same parent and version checks), and the approvals are recorded
//! beside the bundle file. docs/http-api.md, docs/collaboration.md.

use std::path::PathBuf;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tailor_bundle::{Envelope, EnvelopeSignature, KeyId, PromotedFrom};

use crate::bundles;
use crate::error::ApiError;
use crate::routes::{activate_locked, authorize, check_against_active, read_body};
use crate::state::{AppState, ApprovalRecord};

/// A key that signed a bundle when it was submitted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Signer {
    pub keyid: String,
    pub key_name: String,
}

/// A pending bundle as stored (and, with a few computed fields, as served).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PendingRecord {
    pub environment: String,
    pub digest: String,
    pub version: u64,
    pub author: String,
    pub parent_digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_from: Option<PromotedFrom>,
    pub submitted_at: Timestamp,
    /// The earlier of the submission plus the service's pending TTL and the
    /// bundle's own `expires_at`.
    pub expires_at: Timestamp,
    pub submitted_by: Vec<Signer>,
    pub approvals: Vec<ApprovalRecord>,
    /// `pending` or `activated`.
    pub status: String,
    pub envelope: Envelope,
}

impl PendingRecord {
    /// What the endpoints answer: the record with its status as of `now`
    /// (`expired` once past `expires_at`) and the signature count.
    fn view(&self, threshold: u32, distinct_from_author: bool, now: Timestamp, with_envelope: bool) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if self.status == "pending" && now >= self.expires_at {
            v["status"] = json!("expired");
        }
        v["signatures"] = json!(self.envelope.signatures.len());
        v["threshold"] = json!(threshold);
        v["distinct_from_author"] = json!(distinct_from_author);
        if !with_envelope && let Some(o) = v.as_object_mut() {
            o.remove("envelope");
        }
        v
    }
}

/// `{"signature": {"keyid", "sig"}, "approver": "bo", "note": "…"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalRequest {
    signature: EnvelopeSignature,
    #[serde(default)]
    approver: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

fn dir(state: &AppState, env: &str) -> PathBuf {
    state.inner.data_dir.join("pending").join(env)
}

/// The file name of a pending digest; refuses anything but `sha256:` + 64 hex.
fn file_name(digest: &str) -> Result<String, ApiError> {
    match digest.strip_prefix("sha256:") {
        Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(format!("{}.json", hex.to_ascii_lowercase()))
        }
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_digest",
            format!("a digest is sha256: and 64 hex digits; got {digest:?}"),
        )),
    }
}

fn load(state: &AppState, env: &str, digest: &str) -> Result<Option<PendingRecord>, ApiError> {
    let path = dir(state, env).join(file_name(digest)?);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("{}: {e}", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            e.to_string(),
        )),
    }
}

async fn save(state: &AppState, record: &PendingRecord) -> Result<(), ApiError> {
    let (dir, name) = (dir(state, &record.environment), file_name(&record.digest)?);
    let json = serde_json::to_vec_pretty(record)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    tokio::task::spawn_blocking(move || bundles::write_atomic(&dir, &name, &json))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
        .map(|_| ())
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "storage_failed",
                format!("could not store the pending bundle: {e}"),
            )
        })
}

/// (threshold, distinct_from_author) of an environment; an unknown one
/// trusts nobody.
fn trust_of(state: &AppState, env: &str) -> (u32, bool) {
    state
        .inner
        .trust
        .environments
        .get(env)
        .map_or((1, false), |t| (t.threshold.max(1), t.distinct_from_author))
}

fn key_name(state: &AppState, env: &str, keyid: &str) -> Option<String> {
    state
        .inner
        .trust
        .key_name(env, &KeyId(keyid.to_owned()))
        .map(str::to_owned)
}

/// Verifies (partially: fewer signatures than the threshold pass) and
/// compiles, off the async workers.
async fn check_partial(state: &AppState, env: &str, bytes: Bytes) -> Result<bundles::Checked, ApiError> {
    let (state, env) = (state.clone(), env.to_owned());
    tokio::task::spawn_blocking(move || bundles::check_with(&bytes, &state.inner.trust, &env, Timestamp::now(), true))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
}

fn refuse_follower(state: &AppState) -> Result<(), ApiError> {
    match &state.inner.follow {
        Some(f) => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "follower",
            format!("this service follows {}: submit and approve there", f.config.source),
        )),
        None => Ok(()),
    }
}

/// Authorizes a write, reading and dropping the body of a refused one (as
/// uploads do), then reads it within `limit`.
async fn authorized_body(
    state: &AppState,
    env: &str,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let inner = &state.inner;
    refuse_follower(state)?;
    bundles::check_env_name(env)?;
    if let Err(e) = authorize(state, headers) {
        let _ = read_body(body, headers, limit, inner.body_timeout).await;
        return Err(e);
    }
    read_body(body, headers, limit, inner.body_timeout).await
}

fn respond(result: Result<(StatusCode, Value), ApiError>, state: &AppState, env: &str) -> Response {
    match result {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(e) => {
            state.inner.metrics.bundle_rejects.with_label_values(&[e.code]).inc();
            tracing::warn!(environment = %env, code = e.code, reason = %e.message, "pending bundle or approval refused");
            e.into_response()
        }
    }
}

/// `PUT /v1/bundles/{env}/pending`: submit a bundle for approval.
pub(crate) async fn put_pending(
    State(state): State<AppState>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = submit(&state, &env, &headers, body).await;
    respond(result, &state, &env)
}

async fn submit(state: &AppState, env: &str, headers: &HeaderMap, body: Body) -> Result<(StatusCode, Value), ApiError> {
    let bytes = authorized_body(state, env, headers, body, state.inner.max_body_bytes).await?;
    let checked = check_partial(state, env, bytes.clone()).await?;
    let (threshold, distinct) = trust_of(state, env);
    let lock = state.upload_lock(env);
    let _guard = lock.lock().await;
    if checked.verified.keyids.len() >= threshold as usize {
        // Signed enough already: this is an ordinary upload.
        return activate_locked(state, env, checked, bytes, Vec::new()).await;
    }
    let current = state.active(env);
    if let Some(current) = current.as_deref()
        && current.meta.digest == checked.digest()
    {
        // Approved and active already: nothing waits.
        let m = &current.meta;
        return Ok((
            StatusCode::OK,
            json!({"status": "unchanged", "environment": env, "version": m.version, "digest": m.digest}),
        ));
    }
    check_against_active(env, &checked, current.as_deref())?;
    let now = Timestamp::now();
    if let Some(existing) = load(state, env, checked.digest())? {
        return Ok((StatusCode::ACCEPTED, existing.view(threshold, distinct, now, false)));
    }
    let envelope: Envelope = serde_json::from_slice(&bytes).map_err(|e| ApiError::malformed(e.to_string()))?;
    let p = &checked.verified.payload;
    let ttl = jiff::SignedDuration::try_from(state.inner.pending_ttl).unwrap_or(jiff::SignedDuration::from_hours(72));
    let expires_at = now.checked_add(ttl).unwrap_or(p.expires_at).min(p.expires_at);
    let record = PendingRecord {
        environment: env.to_owned(),
        digest: checked.digest().to_owned(),
        version: p.version,
        author: p.author.clone(),
        parent_digest: p.parent_digest.clone(),
        promoted_from: p.promoted_from.clone(),
        submitted_at: now,
        expires_at,
        submitted_by: checked
            .verified
            .keyids
            .iter()
            .map(|k| Signer {
                keyid: k.0.clone(),
                key_name: key_name(state, env, &k.0).unwrap_or_default(),
            })
            .collect(),
        approvals: Vec::new(),
        status: "pending".into(),
        envelope,
    };
    save(state, &record).await?;
    tracing::info!(environment = env, version = record.version, digest = %record.digest, expires_at = %expires_at, "bundle pending approval");
    Ok((StatusCode::ACCEPTED, record.view(threshold, distinct, now, false)))
}

/// `GET /v1/bundles/{env}/pending`: the bundles waiting for approval
/// (expired ones too, marked), oldest first, without their envelopes.
pub(crate) async fn list_pending(State(state): State<AppState>, Path(env): Path<String>) -> Response {
    if let Err(e) = bundles::check_env_name(&env) {
        return e.into_response();
    }
    let (threshold, distinct) = trust_of(&state, &env);
    let now = Timestamp::now();
    let mut records: Vec<PendingRecord> = std::fs::read_dir(dir(&state, &env))
        .map(|read| {
            read.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .filter_map(|e| serde_json::from_slice::<PendingRecord>(&std::fs::read(e.path()).ok()?).ok())
                .filter(|r| r.status == "pending")
                .collect()
        })
        .unwrap_or_default();
    records.sort_by_key(|r| r.submitted_at);
    let list: Vec<Value> = records
        .iter()
        .map(|r| r.view(threshold, distinct, now, false))
        .collect();
    Json(json!({"environment": env, "threshold": threshold, "pending": list})).into_response()
}

/// `GET /v1/bundles/{env}/pending/{digest}`: one pending (or since
/// activated) bundle with its envelope and approvals.
pub(crate) async fn get_pending(
    State(state): State<AppState>,
    Path((env, digest)): Path<(String, String)>,
) -> Response {
    let found = bundles::check_env_name(&env).and_then(|()| load(&state, &env, &digest));
    match found {
        Ok(Some(r)) => {
            let (threshold, distinct) = trust_of(&state, &env);
            Json(r.view(threshold, distinct, Timestamp::now(), true)).into_response()
        }
        Ok(None) => not_pending(&env, &digest).into_response(),
        Err(e) => e.into_response(),
    }
}

fn not_pending(env: &str, digest: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no bundle {digest} is pending for environment \"{env}\""),
    )
}

/// `POST /v1/bundles/{env}/pending/{digest}/approvals`: add a signature.
pub(crate) async fn post_approval(
    State(state): State<AppState>,
    Path((env, digest)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = approve(&state, &env, &digest, &headers, body).await;
    respond(result, &state, &env)
}

async fn approve(
    state: &AppState,
    env: &str,
    digest: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<(StatusCode, Value), ApiError> {
    let bytes = authorized_body(state, env, headers, body, 64 * 1024).await?;
    let request: ApprovalRequest = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::malformed(format!(
            "the body is not an approval ({{\"signature\": {{\"keyid\", \"sig\"}}, \"approver\", \"note\"}}): {e}"
        ))
    })?;
    let (threshold, distinct) = trust_of(state, env);
    let lock = state.upload_lock(env);
    let _guard = lock.lock().await;
    let mut record = load(state, env, digest)?.ok_or_else(|| not_pending(env, digest))?;
    let now = Timestamp::now();
    if record.status != "pending" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_pending",
            format!("bundle {digest} is no longer pending: it was {}", record.status),
        ));
    }
    if now >= record.expires_at {
        return Err(ApiError::new(
            StatusCode::GONE,
            "pending_expired",
            format!(
                "bundle {digest} waited for approval until {} and expired: publish it again",
                record.expires_at
            ),
        ));
    }
    let keyid = request.signature.keyid.0.clone();
    let Some(name) = key_name(state, env, &keyid) else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "untrusted_key",
            format!("key {keyid} is not trusted for environment \"{env}\""),
        ));
    };
    let by_author = record.submitted_by.iter().any(|s| s.keyid == keyid) || name == record.author;
    if distinct && by_author {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "author_cannot_approve",
            format!(
                "key {name} belongs to the author of bundle {digest}; environment \"{env}\" needs an approval by someone else"
            ),
        ));
    }
    if record.envelope.signatures.iter().any(|s| s.keyid.0 == keyid) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "duplicate_signer",
            format!("key {name} ({keyid}) has already signed bundle {digest}: a second approval needs another key"),
        ));
    }
    let mut envelope = record.envelope.clone();
    envelope.signatures.push(request.signature);
    let signed = Bytes::from(envelope.to_json());
    let checked = check_partial(state, env, signed.clone()).await?;
    if checked.digest() != record.digest {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the pending payload changed",
        ));
    }
    record.approvals.push(ApprovalRecord {
        keyid,
        key_name: name.clone(),
        approver: request
            .approver
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| name.clone()),
        at: now,
        note: request.note.filter(|n| !n.trim().is_empty()),
    });
    record.envelope = envelope;
    if checked.verified.keyids.len() >= threshold as usize {
        let (status, mut answer) = activate_locked(state, env, checked, signed, record.approvals.clone()).await?;
        record.status = "activated".into();
        save(state, &record).await?;
        answer["approvals"] = serde_json::to_value(&record.approvals).unwrap_or_default();
        tracing::info!(environment = env, digest = %record.digest, approvals = record.approvals.len(), "pending bundle approved and activated");
        return Ok((status, answer));
    }
    save(state, &record).await?;
    Ok((StatusCode::ACCEPTED, record.view(threshold, distinct, now, false)))
}
