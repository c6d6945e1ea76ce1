//! The HTTP endpoints (DESIGN §7; the contract is `docs/http-api.md`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tailor_engine::plan::{BodyError, DecideError, decide_body};

use crate::bundles;
use crate::decision_log::Logged;
use crate::error::ApiError;
use crate::state::{self, Active, AppState, TokenCheck};

/// Reads a whole body, refusing one over `limit` bytes (413 `too_large`,
/// from `Content-Length` before reading when the client sends it) or one
/// that does not arrive within `timeout` (408 `timeout`).
pub(crate) async fn read_body(body: Body, headers: &HeaderMap, limit: usize, timeout: Duration) -> Result<Bytes, ApiError> {
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|s| s.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::too_large(limit));
    }
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err(ApiError::timeout()),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            let inner = e.into_inner();
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(inner.as_ref());
            while let Some(err) = source {
                if err.is::<http_body_util::LengthLimitError>() {
                    return Err(ApiError::too_large(limit));
                }
                source = err.source();
            }
            Err(ApiError::malformed(format!("the body could not be read: {inner}")))
        }
    }
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

// ------------------------------------------------------------------ decide

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DecideQuery {
    pub env: Option<String>,
}

/// `POST /v1/decide[?env=E]`: one page for one shopper, from one bundle.
pub(crate) async fn decide(
    State(state): State<AppState>,
    query: Result<Query<DecideQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let inner = &state.inner;
    let result = async {
        authorize_decide(&state, &headers)?;
        let Query(query) = query.map_err(|e| ApiError::malformed(e.body_text()))?;
        let bytes = read_body(body, &headers, inner.max_decide_body_bytes, inner.body_timeout).await?;
        let started = Instant::now();
        // One snapshot of the active bundle serves the whole decision.
        let active = pick(&state, query.env.as_deref())?;
        let now = Timestamp::now();
        let made = decide_body(&active.plan, &bytes, now).map_err(|e| match e {
            BodyError::Malformed(e) => ApiError::malformed(format!("the body is not a decision request: {e}")),
            BodyError::Decide(e) => decide_error(e),
        })?;
        let decision_id = uuid::Uuid::now_v7();
        let body = answer(&made.decision, decision_id, now)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
        inner.metrics.decide_latency.observe(started.elapsed().as_secs_f64());
        inner.metrics.decisions.with_label_values(&[&*active.environment]).inc();
        inner.log.record(Logged {
            time: made.at,
            decision_id,
            decided_at: now,
            environment: active.environment.clone(),
            shopper: made.shopper,
            decision: made.decision,
        });
        Ok::<_, ApiError>(body)
    }
    .await;
    match result {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(e) => {
            inner.metrics.decide_errors.with_label_values(&[e.code]).inc();
            e.into_response()
        }
    }
}

/// The decision as `/v1/decide` answers it: the engine's decision with the
/// `decision_id` and `decided_at` outcomes refer to in front.
fn answer(d: &tailor_engine::plan::Decision, decision_id: uuid::Uuid, decided_at: Timestamp) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"{\"decision_id\":\"");
    out.extend_from_slice(decision_id.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()).as_bytes());
    out.extend_from_slice(b"\",\"decided_at\":");
    serde_json::to_writer(&mut out, &decided_at.to_string())?;
    out.push(b',');
    let start = out.len();
    serde_json::to_writer(&mut out, d)?;
    // The decision's own `{` gives way to the members above.
    out.remove(start);
    Ok(out)
}

/// Checks the read token (`TAILOR_DECIDE_TOKEN`) of decisions, OFREP and
/// outcomes; without one configured, they are open.
pub(crate) fn authorize_decide(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &state.inner.decide_token_hash else { return Ok(()) };
    match bearer(headers) {
        None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "a bearer token is required (the service has a decide token)")),
        Some(token) if state::token_matches(token, expected) => Ok(()),
        Some(_) => Err(ApiError::new(StatusCode::FORBIDDEN, "unauthorized", "the bearer token is not the decide token")),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
}

/// The bundle a decision uses: `?env=`, else the only environment loaded.
pub(crate) fn pick(state: &AppState, env: Option<&str>) -> Result<Arc<Active>, ApiError> {
    let actives = state.inner.actives.load();
    match env {
        Some(env) => actives.get(env).cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "no_bundle",
                format!("no active bundle for environment \"{env}\""),
            )
        }),
        None => {
            let mut all = actives.values();
            match (all.next(), all.next()) {
                (Some(one), None) => Ok(one.clone()),
                (None, _) => Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "no_bundle", "no bundle is active yet")),
                (Some(_), Some(_)) => Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "environment_required",
                    format!(
                        "several environments are active ({}): say which with ?env=",
                        actives.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
    }
}

fn decide_error(e: DecideError) -> ApiError {
    let code = match &e {
        DecideError::UnknownPage { .. } => "unknown_page",
        DecideError::UnknownStage { .. } => "unknown_stage",
        DecideError::ShopperValue { .. } => "invalid_shopper",
        DecideError::MissingShopperId => "missing_shopper_id",
    };
    ApiError::new(StatusCode::BAD_REQUEST, code, e.to_string())
}

// ------------------------------------------------------------------ bundles

/// `PUT /v1/bundles/{env}`: upload a signed envelope.
pub(crate) async fn put_bundle(
    State(state): State<AppState>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(f) = &state.inner.follow {
        let e = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "follower",
            format!("this service follows {}: publish there; a follower takes bundles only from its source", f.config.source),
        );
        return e.into_response();
    }
    match upload(&state, &env, &headers, body).await {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(e) => {
            state.inner.metrics.bundle_rejects.with_label_values(&[e.code]).inc();
            tracing::warn!(environment = %env, code = e.code, reason = %e.message, "bundle refused");
            e.into_response()
        }
    }
}

pub(crate) fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let unauthorized = |status, message: &str| ApiError::new(status, "unauthorized", message);
    let presented = bearer(headers);
    match (state.inner.token_hash.is_some(), presented) {
        (false, _) => Err(unauthorized(
            StatusCode::UNAUTHORIZED,
            "publishing is disabled: the service was started without a publish token (TAILOR_PUBLISH_TOKEN)",
        )),
        (true, None) => Err(unauthorized(StatusCode::UNAUTHORIZED, "a bearer token is required to publish")),
        (true, Some(token)) => match state.check_token(token) {
            TokenCheck::Ok => Ok(()),
            TokenCheck::Wrong | TokenCheck::Disabled => {
                Err(unauthorized(StatusCode::FORBIDDEN, "the bearer token is not the publish token"))
            }
        },
    }
}

async fn upload(state: &AppState, env: &str, headers: &HeaderMap, body: Body) -> Result<(StatusCode, Json_), ApiError> {
    let inner = &state.inner;
    bundles::check_env_name(env)?;
    if let Err(e) = authorize(state, headers) {
        // Read and drop the body (within the usual size and time limits)
        // before answering: a client that streams a large upload then sees
        // this refusal instead of a reset connection it would retry.
        let _ = read_body(body, headers, inner.max_body_bytes, inner.body_timeout).await;
        return Err(e);
    }
    let bytes = read_body(body, headers, inner.max_body_bytes, inner.body_timeout).await?;

    let checked = {
        let state = state.clone();
        let env = env.to_owned();
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || bundles::check(&bytes, &state.inner.trust, &env, Timestamp::now()))
            .await
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))??
    };

    // Uploads to one environment are serialized; decisions never wait on this.
    // The checks against the active bundle and the swap happen under this
    // lock, as one step: of two uploads built on the same parent, exactly
    // one activates.
    let lock = state.upload_lock(env);
    let _guard = lock.lock().await;
    activate_locked(state, env, checked, bytes, Vec::new()).await
}

/// The checks of an upload against the active bundle (same digest:
/// unchanged; parent; newer version), then activation: what an upload and
/// an approval that completes a pending bundle both do. The caller holds
/// the environment's upload lock.
pub(crate) async fn activate_locked(
    state: &AppState,
    env: &str,
    checked: bundles::Checked,
    bytes: Bytes,
    approvals: Vec<state::ApprovalRecord>,
) -> Result<(StatusCode, Json_), ApiError> {
    let current = state.active(env);
    if let Some(current) = &current
        && current.meta.digest == checked.digest()
    {
        return Ok((
            StatusCode::OK,
            json!({
                "status": "unchanged",
                "environment": env,
                "version": current.meta.version,
                "digest": current.meta.digest,
            }),
        ));
    }
    check_against_active(env, &checked, current.as_deref())?;
    let (parent, overwrites) = (checked.parent_digest().map(str::to_owned), checked.overwrites().map(str::to_owned));
    let (version, digest) = activate_with(state, env, checked, bytes, approvals).await?;
    if let Some(overwritten) = &overwrites {
        tracing::warn!(
            environment = env,
            version,
            digest = %digest,
            overwrites = %overwritten,
            parent_digest = parent.as_deref().unwrap_or("none"),
            "bundle activated by an explicit overwrite of the active bundle"
        );
    }
    Ok((
        StatusCode::OK,
        json!({"status": "activated", "environment": env, "version": version, "digest": digest}),
    ))
}

/// The parent check ([`check_base`]) and the version check: a bundle must be
/// built on the active one and be newer than it (409 `stale_parent`,
/// `stale_version`).
pub(crate) fn check_against_active(env: &str, checked: &bundles::Checked, current: Option<&Active>) -> Result<(), ApiError> {
    check_base(env, checked, current)?;
    if let Some(current) = current
        && checked.version() <= current.meta.version
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "stale_version",
            format!(
                "version {} is not newer than the active version {} ({})",
                checked.version(),
                current.meta.version,
                current.meta.digest
            ),
        ));
    }
    Ok(())
}

/// Persists a checked bundle atomically, then swaps it in (a crash in
/// between restarts on it) and prunes old files: the last step of an upload
/// and of a follower's poll. The caller holds the environment's upload lock.
pub(crate) async fn activate(state: &AppState, env: &str, checked: bundles::Checked, bytes: Bytes) -> Result<(u64, String), ApiError> {
    activate_with(state, env, checked, bytes, Vec::new()).await
}

/// [`activate`], recording the approvals that completed the bundle's
/// signatures in a sidecar file next to it (`GET …/active` reports them).
pub(crate) async fn activate_with(
    state: &AppState,
    env: &str,
    checked: bundles::Checked,
    bytes: Bytes,
    approvals: Vec<state::ApprovalRecord>,
) -> Result<(u64, String), ApiError> {
    let inner = &state.inner;
    let dir = bundles::env_dir(&inner.data_dir, env);
    let (version, digest) = (checked.version(), checked.digest().to_owned());
    let path = {
        let (into, digest) = (dir.clone(), digest.clone());
        let bytes = bytes.clone();
        let approvals = approvals.clone();
        tokio::task::spawn_blocking(move || {
            let path = bundles::persist(&into, version, &digest, &bytes)?;
            if !approvals.is_empty() {
                bundles::persist_approvals(&path, &approvals)?;
            }
            Ok::<_, std::io::Error>(path)
        })
        .await
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
            .map_err(|e| {
                tracing::error!(error = %e, dir = %dir.display(), "could not persist a bundle");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage_failed", format!("could not store the bundle: {e}"))
            })?
    };
    let mut active = checked.into_active(env, path.clone(), bytes, Timestamp::now());
    active.meta.approvals = approvals;
    let active = Arc::new(active);
    state.install(active);
    inner.metrics.bundle_activations.with_label_values(&[env]).inc();
    tracing::info!(environment = env, version, digest = %digest, "bundle activated");
    let keep = inner.keep_bundles;
    tokio::task::spawn_blocking(move || bundles::prune(&dir, keep, &path));
    Ok((version, digest))
}

/// The bundle must be built on the active one: its `parent_digest` is the
/// active digest, or absent when nothing is active. An explicit overwrite
/// (`overwrites`) instead names the active digest exactly, whatever the
/// parent. Anything else is 409 `stale_parent`, naming what is active.
fn check_base(env: &str, checked: &bundles::Checked, current: Option<&Active>) -> Result<(), ApiError> {
    let active = current.map(|a| &a.meta);
    let active_digest = active.map(|m| m.digest.as_str());
    let (ok, claim) = match checked.overwrites() {
        Some(overwrites) => (Some(overwrites) == active_digest, format!("the bundle overwrites {overwrites}")),
        None => (
            checked.parent_digest() == active_digest,
            match checked.parent_digest() {
                Some(parent) => format!("the bundle was built on {parent}"),
                None => "the bundle was built on no parent (as a first bundle)".to_owned(),
            },
        ),
    };
    if ok {
        return Ok(());
    }
    let conflict = |message: String, active: Json_| {
        ApiError::new(StatusCode::CONFLICT, "stale_parent", message).with_detail("active", active)
    };
    Err(match active {
        Some(m) => conflict(
            format!(
                "{claim} but version {} ({}, by {} at {}) is active: pull and merge first",
                m.version, m.digest, m.author, m.created_at
            ),
            json!({"version": m.version, "digest": m.digest, "author": m.author, "created_at": m.created_at}),
        ),
        None => conflict(
            format!("{claim} but no bundle is active for environment \"{env}\": publish it without a parent"),
            Json_::Null,
        ),
    })
}

/// `GET /v1/bundles/{env}/active`.
pub(crate) async fn get_active(State(state): State<AppState>, Path(env): Path<String>) -> Response {
    match (state.active(&env), &state.inner.follow) {
        (Some(active), None) => Json(&active.meta).into_response(),
        (Some(active), Some(f)) => {
            let mut body = serde_json::to_value(&active.meta).unwrap_or_default();
            body["following"] = json!(f.config.source);
            body["poll"] = serde_json::to_value(f.status(&env)).unwrap_or_default();
            Json(body).into_response()
        }
        (None, _) => ApiError::no_bundle(&env).into_response(),
    }
}

/// `GET /v1/bundles/{env}/envelope`: the active signed envelope, byte for
/// byte as uploaded, with the digest as a strong ETag; `If-None-Match`
/// naming it (or `*`) answers 304 without a body.
pub(crate) async fn get_envelope(State(state): State<AppState>, Path(env): Path<String>, headers: HeaderMap) -> Response {
    if let Err(e) = bundles::check_env_name(&env) {
        return e.into_response();
    }
    let Some(active) = state.active(&env) else { return ApiError::no_bundle(&env).into_response() };
    let etag = format!("\"{}\"", active.meta.digest);
    let Ok(etag_value) = HeaderValue::from_str(&etag) else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the digest is not a header value")
            .into_response();
    };
    let mut r = if if_none_match(&headers, &active.meta.digest) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (StatusCode::OK, Body::from(active.envelope.clone())).into_response();
        r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        r
    };
    r.headers_mut().insert(ETAG, etag_value);
    // Caches may keep it but must ask again: the active bundle changes.
    r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// Whether an `If-None-Match` header (a comma-separated list; quoted, weak
/// `W/"…"` or bare tags, or `*`) names `digest`.
pub(crate) fn if_none_match(headers: &HeaderMap, digest: &str) -> bool {
    headers.get_all(IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|tag| {
        let tag = tag.trim();
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        let tag = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(tag);
        tag == "*" || tag == digest
    })
}

// ------------------------------------------------------------------ operations

/// The load test's baseline: the decide route's body read, no engine.
pub(crate) async fn noop(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let inner = &state.inner;
    match read_body(body, &headers, inner.max_decide_body_bytes, inner.body_timeout).await {
        Ok(bytes) => Json(json!({"ok": true, "bytes": bytes.len()})).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn healthz() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    let actives = state.actives();
    if let Some(f) = &state.inner.follow {
        // A follower is ready once it holds a verified bundle of every
        // environment it follows, and stays ready while its source is away.
        let missing: Vec<&String> = f.config.environments.iter().filter(|e| !actives.contains_key(*e)).collect();
        if !missing.is_empty() {
            let names = missing.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ");
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                format!("no verified bundle yet for {names} from {}", f.config.source),
            )
            .into_response();
        }
    }
    if actives.is_empty() {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", "no bundle is active yet").into_response()
    } else {
        let envs: Vec<&String> = actives.keys().collect();
        Json(json!({"status": "ready", "environments": envs})).into_response()
    }
}

pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    if let Some(f) = &state.inner.follow {
        for (env, since) in f.seconds_since_success() {
            state.inner.metrics.follow_since_success.with_label_values(&[env.as_str()]).set(since.unwrap_or(f64::INFINITY));
        }
    }
    let mut r = state.inner.metrics.render().into_response();
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    r
}

pub(crate) async fn not_found() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.append(IF_NONE_MATCH, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn if_none_match_accepts_quoted_weak_bare_star_and_lists() {
        let d = "sha256:ab12";
        for yes in [r#""sha256:ab12""#, "sha256:ab12", r#"W/"sha256:ab12""#, "*", r#""sha256:00", "sha256:ab12""#, " sha256:00 ,sha256:ab12 "] {
            assert!(if_none_match(&with(yes), d), "{yes}");
        }
        for no in [r#""sha256:ab1""#, "", r#""sha256:00", "sha256:ff""#, r#""sha256:ab12"x"#] {
            assert!(!if_none_match(&with(no), d), "{no}");
        }
        assert!(!if_none_match(&HeaderMap::new(), d));
        let mut two = with(r#""sha256:00""#);
        two.append(IF_NONE_MATCH, HeaderValue::from_static(r#""sha256:ab12""#));
        assert!(if_none_match(&two, d), "several headers");
    }
}
