//! OpenFeature Remote Evaluation Protocol (OFREP 0.1,
//! `service/openapi.yaml` of open-feature/protocol): storefronts use the
//! official OpenFeature providers instead of calling `/v1/decide`.
//!
//! A flag is a placement (`home.hero`); the evaluation context is the
//! shopper (`targetingKey` = id, other keys = attributes, a few reserved keys
//! = the page context). Every answer is a block of the same whole-page
//! decision `/v1/decide` gives, so page caps, no-duplicates and product-set
//! constraints hold exactly; it is logged like `/v1/decide`. The mapping is
//! documented in `docs/storefront.md` and `docs/http-api.md`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::ETAG;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tailor_engine::plan::{Block, BodyDecision, ContextError, DecideError, Decision, Plan, decide_context_body};

use crate::decision_log::Logged;
use crate::error::ApiError;
use crate::routes::{DecideQuery, authorize_decide, pick, read_body};
use crate::state::{Active, AppState};

/// What OFREP answers need of a bundle, built once when it is loaded.
#[derive(Debug, Default)]
pub(crate) struct Flags {
    /// Flag key (`page.placement`) → position of its block in the page.
    placements: HashMap<String, usize>,
    /// Content id → its kind and fields, as a flag value shows them.
    contents: HashMap<String, (String, Json)>,
}

impl Flags {
    pub(crate) fn of(plan: &Plan) -> Self {
        let mut placements = HashMap::new();
        let mut contents = HashMap::new();
        for page in plan.page_types() {
            for (i, p) in page.placements.iter().enumerate() {
                placements.insert(p.id.to_owned(), i);
            }
        }
        for content in plan.contents() {
            // The body serializes as `{"kind": …, <fields>}`.
            let Ok(Json::Object(mut fields)) = serde_json::to_value(&content.body) else { continue };
            let kind = match fields.remove("kind") {
                Some(Json::String(k)) => k,
                _ => continue,
            };
            contents.insert(content.id.clone(), (kind, Json::Object(fields)));
        }
        Self { placements, contents }
    }
}

/// An OFREP `evaluationSuccess` (plus `cacheable` for the single-flag answer).
#[derive(Serialize)]
struct Evaluation<'a> {
    key: &'a str,
    value: FlagValue<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
    reason: &'static str,
    metadata: Metadata<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cacheable: Option<bool>,
}

/// The flag's value: the content a placement shows, as an object.
#[derive(Serialize)]
struct FlagValue<'a> {
    id: Option<&'a str>,
    kind: Option<&'a str>,
    fields: &'a Json,
    products: &'a [String],
}

/// Flag metadata: OFREP allows strings, numbers and booleans only, so an
/// absent value is left out rather than null.
#[derive(Serialize)]
struct Metadata<'a> {
    decision_id: &'a str,
    decided_at: &'a str,
    page: &'a str,
    placement: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle_digest: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u64>,
    propensity: f64,
    personalized: bool,
    holdout: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    segment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant_index: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback_reason: Option<&'static str>,
}

/// The OpenFeature reason of a block: `SPLIT` when a bucket decided (a
/// holdout or an A/B/n variant), `TARGETING_MATCH` when a personalized
/// entry won, `DEFAULT` for the placement's default or a fallback.
pub(crate) fn reason(b: &Block) -> &'static str {
    if b.holdout || b.variant.is_some() {
        "SPLIT"
    } else if b.personalized {
        "TARGETING_MATCH"
    } else {
        "DEFAULT"
    }
}

/// Ids of one decision, rendered once.
struct Ids {
    decision_id: uuid::Uuid,
    decision_id_text: String,
    decided_at: Timestamp,
    decided_at_text: String,
}

impl Ids {
    fn new(decided_at: Timestamp) -> Self {
        let decision_id = uuid::Uuid::now_v7();
        Self {
            decision_id,
            decision_id_text: decision_id.to_string(),
            decided_at,
            decided_at_text: decided_at.to_string(),
        }
    }
}

fn evaluation<'a>(
    flags: &'a Flags,
    d: &'a Decision,
    b: &'a Block,
    ids: &'a Ids,
    cacheable: Option<bool>,
) -> Evaluation<'a> {
    let (kind, fields) = match b.content.as_deref().and_then(|c| flags.contents.get(c)) {
        Some((kind, fields)) => (Some(kind.as_str()), fields),
        None => (None, &*EMPTY_OBJECT),
    };
    Evaluation {
        key: &b.placement,
        value: FlagValue { id: b.content.as_deref(), kind, fields, products: &b.products },
        variant: b.content.as_deref(),
        reason: reason(b),
        metadata: Metadata {
            decision_id: &ids.decision_id_text,
            decided_at: &ids.decided_at_text,
            page: &d.page,
            placement: &b.placement,
            bundle_digest: d.bundle_digest.as_deref(),
            version: d.version,
            propensity: b.propensity,
            personalized: b.personalized,
            holdout: b.holdout,
            entry: b.entry.as_deref(),
            segment: b.segment.as_deref(),
            variant_index: b.variant,
            fallback_reason: b.fallback_reason.map(|r| r.as_str()),
        },
        cacheable,
    }
}

/// The fields of a placement that shows nothing.
static EMPTY_OBJECT: std::sync::LazyLock<Json> = std::sync::LazyLock::new(|| Json::Object(Default::default()));

// ------------------------------------------------------------------ errors

/// An OFREP error code (`evaluationFailure`, `flagNotFound`,
/// `bulkEvaluationFailure`) with its HTTP status.
#[derive(Debug)]
pub(crate) struct OfrepError {
    status: StatusCode,
    code: &'static str,
    details: String,
}

impl OfrepError {
    fn new(status: StatusCode, code: &'static str, details: impl Into<String>) -> Self {
        Self { status, code, details: details.into() }
    }

    /// The answer of a single-flag evaluation (`key` named) or of a bulk one.
    fn into_response(self, key: Option<&str>) -> Response {
        let body = if self.status == StatusCode::UNAUTHORIZED || self.status == StatusCode::FORBIDDEN {
            // 401/403 have no error code in the protocol.
            serde_json::json!({ "errorDetails": self.details })
        } else {
            match key {
                Some(key) => serde_json::json!({ "key": key, "errorCode": self.code, "errorDetails": self.details }),
                None => serde_json::json!({ "errorCode": self.code, "errorDetails": self.details }),
            }
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// The service's own refusals (size, time, token, no bundle) in OFREP terms.
/// "No bundle" is the protocol's 500 `GENERAL` (the providers read an error
/// body only on 400, 404 and 500); `/readyz` is where it is a 503.
impl From<ApiError> for OfrepError {
    fn from(e: ApiError) -> Self {
        let code = match e.code {
            "malformed" => "PARSE_ERROR",
            _ => "GENERAL",
        };
        let status =
            if e.status == StatusCode::SERVICE_UNAVAILABLE { StatusCode::INTERNAL_SERVER_ERROR } else { e.status };
        Self::new(status, code, e.message)
    }
}

fn context_error(e: ContextError, single: bool) -> OfrepError {
    let bad = StatusCode::BAD_REQUEST;
    match e {
        ContextError::Malformed(e) => OfrepError::new(
            bad,
            "PARSE_ERROR",
            format!("the body is not an evaluation request {{\"context\": {{…}}}}: {e}"),
        ),
        ContextError::Reserved { .. } | ContextError::MissingPage => {
            OfrepError::new(bad, "INVALID_CONTEXT", e.to_string())
        }
        ContextError::Decide(DecideError::MissingShopperId) => {
            OfrepError::new(bad, "TARGETING_KEY_MISSING", "the context has no targetingKey (the shopper id)")
        }
        ContextError::Decide(e @ DecideError::UnknownPage { .. }) if single => {
            OfrepError::new(StatusCode::NOT_FOUND, "FLAG_NOT_FOUND", e.to_string())
        }
        ContextError::Decide(e) => OfrepError::new(bad, "INVALID_CONTEXT", e.to_string()),
    }
}

/// The environment a request names: `?env=`, else the context's
/// `environment` (read only when several environments are active).
fn choose(state: &AppState, query: Option<&str>, body: &[u8]) -> Result<Arc<Active>, ApiError> {
    if query.is_some() || state.inner.actives.load().len() <= 1 {
        return pick(state, query);
    }
    #[derive(Deserialize)]
    struct Outer {
        context: Option<Inner>,
    }
    #[derive(Deserialize)]
    struct Inner {
        environment: Option<String>,
    }
    let env = serde_json::from_slice::<Outer>(body).ok().and_then(|o| o.context).and_then(|c| c.environment);
    pick(state, env.as_deref())
}

// ------------------------------------------------------------------ handlers

/// What one evaluation decided, before it becomes an answer.
struct Made {
    active: Arc<Active>,
    made: BodyDecision,
    ids: Ids,
}

async fn evaluate(
    state: &AppState,
    query: Result<Query<DecideQuery>, QueryRejection>,
    headers: &HeaderMap,
    body: Body,
    page: Option<&str>,
    single: bool,
) -> Result<Made, OfrepError> {
    let inner = &state.inner;
    authorize_decide(state, headers)?;
    let Query(query) = query.map_err(|e| OfrepError::new(StatusCode::BAD_REQUEST, "GENERAL", e.body_text()))?;
    let bytes: Bytes = read_body(body, headers, inner.max_decide_body_bytes, inner.body_timeout).await?;
    let active = choose(state, query.env.as_deref(), &bytes)?;
    if single && let Some(page) = page {
        // An unknown page is FLAG_NOT_FOUND even before the context is read.
        if active.plan.page_index(page).is_none() {
            return Err(OfrepError::new(
                StatusCode::NOT_FOUND,
                "FLAG_NOT_FOUND",
                format!("no page type \"{page}\" in the active bundle"),
            ));
        }
    }
    let now = Timestamp::now();
    let made = decide_context_body(&active.plan, &bytes, page, now).map_err(|e| context_error(e, single))?;
    Ok(Made { active, made, ids: Ids::new(now) })
}

/// Logs what the answer showed (`m`'s decision, cut to the answered block
/// for a single flag).
fn log(state: &AppState, m: Made) {
    state.inner.log.record(Logged {
        time: m.made.at,
        decision_id: m.ids.decision_id,
        decided_at: m.ids.decided_at,
        environment: m.active.environment.clone(),
        shopper: m.made.shopper,
        decision: m.made.decision,
    });
}

fn json_ok(body: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// `POST /ofrep/v1/evaluate/flags/{key}`: one placement's block of the
/// whole-page decision.
pub(crate) async fn evaluate_flag(
    State(state): State<AppState>,
    Path(key): Path<String>,
    query: Result<Query<DecideQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let result = async {
        let page = key.split_once('.').map(|(page, _)| page).ok_or_else(|| {
            OfrepError::new(
                StatusCode::NOT_FOUND,
                "FLAG_NOT_FOUND",
                format!("\"{key}\" is not a placement (flags are page.placement, e.g. home.hero)"),
            )
        })?;
        let mut m = evaluate(&state, query, &headers, body, Some(page), true).await?;
        let flags = &m.active.flags;
        let not_found = || {
            OfrepError::new(
                StatusCode::NOT_FOUND,
                "FLAG_NOT_FOUND",
                format!("page \"{page}\" has no placement \"{key}\""),
            )
        };
        let &index = flags.placements.get(&key).ok_or_else(not_found)?;
        let d = &m.made.decision;
        let block = d.blocks.get(index).filter(|b| b.placement == key).ok_or_else(not_found)?;
        let body = serde_json::to_vec(&evaluation(flags, d, block, &m.ids, Some(false)))
            .map_err(|e| OfrepError::new(StatusCode::INTERNAL_SERVER_ERROR, "GENERAL", e.to_string()))?;
        // Only the block this answer shows is logged: the storefront asks
        // for the page's other placements in requests of their own.
        let shown = m.made.decision.blocks.swap_remove(index);
        m.made.decision.blocks = vec![shown];
        Ok::<_, OfrepError>((m, body))
    }
    .await;
    finish(&state, "single", started, result, Some(&key))
}

/// `POST /ofrep/v1/evaluate/flags`: every placement of the context's page,
/// from one whole-page decision; `ETag` from the decision, so a client
/// polling with `If-None-Match` gets 304 until its blocks change.
pub(crate) async fn evaluate_flags(
    State(state): State<AppState>,
    query: Result<Query<DecideQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let result = async {
        let m = evaluate(&state, query, &headers, body, None, false).await?;
        let etag = etag(&m.made.decision)?;
        // Nothing to send when the client's copy is still the answer.
        if crate::routes::if_none_match(&headers, &etag) {
            return Ok((m, None, etag));
        }
        #[derive(Serialize)]
        struct Bulk<'a> {
            flags: Vec<Evaluation<'a>>,
        }
        let d = &m.made.decision;
        let flags = d.blocks.iter().map(|b| evaluation(&m.active.flags, d, b, &m.ids, None)).collect();
        let body = serde_json::to_vec(&Bulk { flags })
            .map_err(|e| OfrepError::new(StatusCode::INTERNAL_SERVER_ERROR, "GENERAL", e.to_string()))?;
        Ok((m, Some(body), etag))
    }
    .await;
    match result {
        Err(e) => finish(&state, "bulk", started, Err(e), None),
        Ok((_, None, etag)) => {
            state.inner.metrics.ofrep_requests.with_label_values(&["bulk", "not_modified"]).inc();
            with_etag(StatusCode::NOT_MODIFIED.into_response(), &etag)
        }
        Ok((m, Some(body), etag)) => with_etag(finish(&state, "bulk", started, Ok((m, body)), None), &etag),
    }
}

fn with_etag(mut r: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        r.headers_mut().insert(ETAG, v);
    }
    r
}

/// The bulk answer's entity tag: a hash of the decision (digest, version,
/// page and blocks), which fixes every flag's value, variant, reason and
/// metadata but the per-request ids.
fn etag(d: &Decision) -> Result<String, OfrepError> {
    /// Feeds serialized bytes straight into the hash.
    struct Hashing(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hashing(xxhash_rust::xxh3::Xxh3::new());
    serde_json::to_writer(&mut h, d)
        .map_err(|e| OfrepError::new(StatusCode::INTERNAL_SERVER_ERROR, "GENERAL", e.to_string()))?;
    Ok(format!("{:032x}", h.0.digest128()))
}

/// Logs, counts and answers.
fn finish(
    state: &AppState,
    endpoint: &str,
    started: Instant,
    result: Result<(Made, Vec<u8>), OfrepError>,
    key: Option<&str>,
) -> Response {
    let metrics = &state.inner.metrics;
    match result {
        Ok((m, body)) => {
            metrics.decide_latency.observe(started.elapsed().as_secs_f64());
            metrics.decisions.with_label_values(&[&*m.active.environment]).inc();
            metrics.ofrep_requests.with_label_values(&[endpoint, "ok"]).inc();
            log(state, m);
            json_ok(body)
        }
        Err(e) => {
            metrics.ofrep_requests.with_label_values(&[endpoint, e.code]).inc();
            e.into_response(key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> Block {
        Block {
            placement: "home.hero".into(),
            content: Some("c".into()),
            entry: Some("e".into()),
            segment: Some("s".into()),
            variant: None,
            personalized: true,
            holdout: false,
            propensity: 1.0,
            products: vec![],
            fallback_reason: None,
        }
    }

    #[test]
    fn reasons_follow_what_decided_the_block() {
        assert_eq!(reason(&block()), "TARGETING_MATCH");
        assert_eq!(reason(&Block { variant: Some(1), ..block() }), "SPLIT");
        assert_eq!(reason(&Block { holdout: true, personalized: false, ..block() }), "SPLIT");
        assert_eq!(reason(&Block { personalized: false, entry: None, segment: None, ..block() }), "DEFAULT");
    }

    #[test]
    fn metadata_leaves_out_what_is_absent_and_holds_only_scalars() {
        let d = Decision { bundle_digest: None, version: None, page: "home".into(), blocks: vec![], trace: None };
        let b = Block { content: None, entry: None, segment: None, personalized: false, ..block() };
        let ids = Ids::new(Timestamp::UNIX_EPOCH);
        let v = serde_json::to_value(evaluation(&Flags::default(), &d, &b, &ids, None)).unwrap();
        assert_eq!(v["value"], serde_json::json!({"id": null, "kind": null, "fields": {}, "products": []}));
        assert!(v.get("variant").is_none() && v.get("cacheable").is_none());
        for (k, m) in v["metadata"].as_object().unwrap() {
            assert!(m.is_string() || m.is_number() || m.is_boolean(), "{k}: {m}");
        }
        assert_eq!(v["metadata"]["decision_id"], ids.decision_id.to_string());
    }
}
