//! Errors: what the HTTP API answers (`{"error": {"code", "message"}}`) and
//! what starting the service can fail with.

use std::path::PathBuf;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// A refused request: an HTTP status and a stable, machine-readable code.
/// The codes are listed in `docs/http-api.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Further members of the `error` object beside `code` and `message`
    /// (e.g. `active` for `stale_parent`); empty for most refusals, whose
    /// body is then exactly `{"error": {"code", "message"}}`.
    pub details: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), details: Map::new() }
    }

    /// Adds the member `key` to the `error` object (`code` and `message`
    /// cannot be replaced this way).
    pub fn with_detail(mut self, key: impl Into<String>, value: Value) -> Self {
        self.details.insert(key.into(), value);
        self
    }

    /// The JSON body of this refusal.
    pub fn body(&self) -> Value {
        let mut error = self.details.clone();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        json!({ "error": error })
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed", message)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", format!("the body exceeds the limit of {limit} bytes"))
    }

    pub fn timeout() -> Self {
        Self::new(StatusCode::REQUEST_TIMEOUT, "timeout", "the request body was not received in time")
    }

    pub fn no_bundle(env: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "no_bundle", format!("no active bundle for environment \"{env}\""))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_refusal_has_only_code_and_message() {
        let e = ApiError::new(StatusCode::CONFLICT, "stale_version", "too old");
        assert_eq!(e.body(), json!({"error": {"code": "stale_version", "message": "too old"}}));
    }

    #[test]
    fn details_sit_beside_code_and_message_and_cannot_replace_them() {
        let e = ApiError::new(StatusCode::CONFLICT, "stale_parent", "built on another bundle")
            .with_detail("active", json!({"version": 2}))
            .with_detail("code", json!("other"));
        assert_eq!(
            e.body(),
            json!({"error": {"code": "stale_parent", "message": "built on another bundle", "active": {"version": 2}}})
        );
        let e = ApiError::new(StatusCode::CONFLICT, "stale_parent", "m").with_detail("active", Value::Null);
        assert_eq!(e.body(), json!({"error": {"code": "stale_parent", "message": "m", "active": null}}));
    }
}

/// Why the service could not start or stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("decision log {path}: {source}")]
    DecisionLog { path: PathBuf, source: std::io::Error },
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("serving HTTP: {0}")]
    Serve(std::io::Error),
}
