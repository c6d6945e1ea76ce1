//! `POST /v1/outcomes`: what shoppers did after a decision (a click, an
//! order), joined to it by `decision_id`, appended to `outcomes-*.jsonl`
//! beside the decision log so that `tailor estimate` measures production.
//! A batch is all or nothing: every bad line is reported, none is written.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Value as Json, json};

use crate::decision_log::OutcomeLogError;
use crate::error::ApiError;
use crate::routes::{authorize_decide, read_body};
use crate::state::AppState;

/// Refusals reported per batch; the rest are counted in the message.
const MAX_REPORTED: usize = 20;

/// Members of an outcome line that are not rewards (the same list the
/// estimator's reader skips).
const RESERVED: &[&str] = &["decision_id", "placement", "time", "shopper", "attributes"];

/// A bad outcome line: its 1-based number in the batch and why.
#[derive(Debug, PartialEq)]
pub(crate) struct BadLine {
    pub line: usize,
    pub message: String,
}

/// Checks one outcome and writes its normalized line (with `time`, the
/// receiving instant when absent) to `out`.
fn check(value: Json, received: Timestamp, out: &mut Vec<u8>) -> Result<(), String> {
    let Json::Object(mut obj) = value else { return Err("an outcome is a JSON object".into()) };
    match obj.get("decision_id") {
        Some(Json::String(s)) if !s.trim().is_empty() => {}
        Some(other) if !other.is_null() => return Err(format!("`decision_id` must be a string, found {other}")),
        _ => return Err("`decision_id` is missing (the decision's id from /v1/decide or the OFREP metadata)".into()),
    }
    match obj.get("placement") {
        None | Some(Json::Null) | Some(Json::String(_)) => {}
        Some(other) => return Err(format!("`placement` must be a string such as \"home.hero\", found {other}")),
    }
    match obj.get("shopper") {
        None | Some(Json::Null) | Some(Json::String(_)) | Some(Json::Number(_)) => {}
        Some(other) => return Err(format!("`shopper` must be the shopper id, found {other}")),
    }
    match obj.get("attributes") {
        None | Some(Json::Null) | Some(Json::Object(_)) => {}
        Some(other) => return Err(format!("`attributes` must be an object, found {other}")),
    }
    match obj.get("time") {
        None | Some(Json::Null) => {
            obj.insert("time".into(), json!(received.to_string()));
        }
        Some(Json::String(t)) => {
            t.parse::<Timestamp>().map_err(|e| format!("`time` is not an RFC 3339 instant ({e})"))?;
        }
        Some(other) => return Err(format!("`time` must be an RFC 3339 instant, found {other}")),
    }
    let mut rewards = 0;
    for (k, v) in &obj {
        if RESERVED.contains(&k.as_str()) {
            continue;
        }
        match v {
            Json::Bool(_) => {}
            Json::Number(n) if n.as_f64().is_some_and(f64::is_finite) => {}
            _ => return Err(format!("reward `{k}` must be a number or true/false, found {v}")),
        }
        rewards += 1;
    }
    if rewards == 0 {
        return Err("the outcome names no reward (e.g. \"click\": true or \"revenue\": 42.5)".into());
    }
    serde_json::to_writer(&mut *out, &obj).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(())
}

/// Reads a batch: a JSON array when the body starts with `[`, JSON Lines
/// otherwise (blank lines skipped; one object is one line), whatever the
/// content type says. Returns the normalized lines and how many, or every
/// bad line.
pub(crate) fn parse_batch(body: &[u8], received: Timestamp) -> Result<(Vec<u8>, usize), Vec<BadLine>> {
    let mut out = Vec::with_capacity(body.len() + 64);
    let mut bad = Vec::new();
    let mut count = 0;
    let mut take = |line: usize, value: Result<Json, String>, out: &mut Vec<u8>| match value
        .and_then(|v| check(v, received, out))
    {
        Ok(()) => count += 1,
        Err(message) => bad.push(BadLine { line, message }),
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        match serde_json::from_slice::<Vec<Json>>(body) {
            Ok(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    take(i + 1, Ok(item), &mut out);
                }
            }
            Err(e) => take(e.line(), Err(format!("not a JSON array of outcomes: {e}")), &mut out),
        }
    } else {
        for (i, line) in body.split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            take(i + 1, serde_json::from_slice::<Json>(line).map_err(|e| format!("not JSON: {e}")), &mut out);
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    if count == 0 {
        return Err(vec![BadLine { line: 1, message: "the body holds no outcome".into() }]);
    }
    Ok((out, count))
}

/// `POST /v1/outcomes`.
pub(crate) async fn post_outcomes(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let inner = &state.inner;
    let result = async {
        authorize_decide(&state, &headers)?;
        let bytes = read_body(body, &headers, inner.max_decide_body_bytes, inner.body_timeout).await?;
        let (lines, count) = parse_batch(&bytes, Timestamp::now()).map_err(|bad| {
            inner.metrics.outcomes.with_label_values(&["refused"]).inc_by(bad.len() as u64);
            let message = match bad.as_slice() {
                [one] => format!("line {}: {}", one.line, one.message),
                many => format!(
                    "{} lines are invalid (the first: line {}: {}); nothing was recorded",
                    many.len(),
                    many[0].line,
                    many[0].message
                ),
            };
            let listed: Vec<Json> =
                bad.iter().take(MAX_REPORTED).map(|b| json!({"line": b.line, "message": b.message})).collect();
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_outcomes", message)
                .with_detail("lines", Json::Array(listed))
        })?;
        inner.log.record_outcomes(lines).await.map_err(|e| {
            let status = match e {
                OutcomeLogError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
                OutcomeLogError::Disabled | OutcomeLogError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            };
            ApiError::new(status, "outcomes_unavailable", e.to_string())
        })?;
        inner.metrics.outcomes.with_label_values(&["accepted"]).inc_by(count as u64);
        Ok::<_, ApiError>(count)
    }
    .await;
    match result {
        Ok(count) => (StatusCode::OK, axum::Json(json!({ "accepted": count }))).into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: Timestamp = Timestamp::UNIX_EPOCH;

    fn lines(out: &[u8]) -> Vec<Json> {
        out.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect()
    }

    #[test]
    fn json_lines_and_arrays_give_the_same_normalized_lines() {
        let jsonl = b"{\"decision_id\": \"d1\", \"placement\": \"home.hero\", \"click\": true}\n\n{\"decision_id\": \"d2\", \"time\": \"2026-12-01T10:00:00Z\", \"revenue\": 40.5}\n";
        let array = br#"[{"decision_id": "d1", "placement": "home.hero", "click": true}, {"decision_id": "d2", "time": "2026-12-01T10:00:00Z", "revenue": 40.5}]"#;
        let (a, n) = parse_batch(jsonl, AT).unwrap();
        let (b, m) = parse_batch(array, AT).unwrap();
        assert_eq!((n, m), (2, 2));
        assert_eq!(a, b);
        let a = lines(&a);
        assert_eq!(a[0]["time"], AT.to_string(), "a missing time is the receiving instant");
        assert_eq!(a[1]["time"], "2026-12-01T10:00:00Z");
    }

    #[test]
    fn every_bad_line_is_reported_by_number_and_nothing_is_kept() {
        let body = b"{\"decision_id\": \"d1\", \"click\": 1}\nnot json\n{\"click\": true}\n{\"decision_id\": \"d\", \"click\": \"yes\"}\n{\"decision_id\": \"d\", \"time\": \"yesterday\", \"click\": 1}\n{\"decision_id\": \"d\"}\n";
        let bad = parse_batch(body, AT).unwrap_err();
        let numbers: Vec<usize> = bad.iter().map(|b| b.line).collect();
        assert_eq!(numbers, [2, 3, 4, 5, 6], "{bad:?}");
        assert!(bad[0].message.starts_with("not JSON"), "{bad:?}");
        assert!(bad[1].message.contains("decision_id"), "{bad:?}");
        assert!(bad[2].message.contains("reward `click`"), "{bad:?}");
        assert!(bad[3].message.contains("RFC 3339"), "{bad:?}");
        assert!(bad[4].message.contains("no reward"), "{bad:?}");
    }

    #[test]
    fn an_empty_batch_or_a_broken_array_is_refused() {
        assert_eq!(parse_batch(b"\n \n", AT).unwrap_err()[0].message, "the body holds no outcome");
        assert!(parse_batch(b"[{\"decision_id\": ", AT).unwrap_err()[0].message.starts_with("not a JSON array"));
    }
}
