//! Follower mode (`tailor serve --follow URL`): the service takes bundles
//! only from a source, polling `URL/v1/bundles/{env}/envelope` with
//! `If-None-Match`, and checks each new envelope itself exactly like an
//! upload (signatures against its own trust file, environment, expiry,
//! schema, rules) plus monotonic versions. The source can be another
//! `tailor serve` or any static web server: only the signature is trusted,
//! never the path. Errors back off exponentially (capped) and never unload
//! the active bundle: serving the last good bundle while the source is away
//! is the point. docs/deployment.md.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Serialize;

use crate::bundles;
use crate::error::ApiError;
use crate::state::AppState;

/// Where a follower takes its bundles from.
#[derive(Clone, Debug)]
pub struct FollowConfig {
    /// Base URL of the source (`http://writer:8787`, or a static server).
    pub source: String,
    /// The environments to follow; the follower is ready once it has a
    /// verified bundle for each.
    pub environments: Vec<String>,
    /// Time between polls (with ±10% jitter); errors back off from here.
    pub poll_interval: Duration,
}

/// What `/v1/bundles/{env}/active` reports about the polling of one environment.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PollStatus {
    /// When the source was last asked.
    pub last_poll: Option<Timestamp>,
    /// When it last answered (200 or 304, whether or not the bundle was taken).
    pub last_success: Option<Timestamp>,
    /// The last failure (unreachable source, refused bundle), cleared by an activation or a 304.
    pub last_error: Option<String>,
    #[serde(skip)]
    success_at: Option<Instant>,
    /// The source's ETag of the last envelope fetched (taken or refused),
    /// sent back as `If-None-Match`: a refused file is not fetched again
    /// until it changes.
    #[serde(skip)]
    etag: Option<String>,
}

pub(crate) struct Follower {
    pub config: FollowConfig,
    status: Mutex<HashMap<String, PollStatus>>,
}

impl Follower {
    pub fn new(config: FollowConfig) -> Self {
        Self { config, status: Mutex::new(HashMap::new()) }
    }

    pub fn status(&self, env: &str) -> PollStatus {
        self.lock().get(env).cloned().unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, PollStatus>> {
        self.status.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn update(&self, env: &str, f: impl FnOnce(&mut PollStatus)) {
        f(self.lock().entry(env.to_owned()).or_default());
    }

    /// Seconds since each environment's last answered poll (for /metrics).
    pub fn seconds_since_success(&self) -> Vec<(String, Option<f64>)> {
        self.lock().iter().map(|(env, s)| (env.clone(), s.success_at.map(|t| t.elapsed().as_secs_f64()))).collect()
    }
}

/// The outcome of one poll.
#[derive(Debug)]
enum Polled {
    NotModified,
    /// The source has no bundle for the environment (404).
    Nothing,
    Unchanged,
    Activated { version: u64, digest: String },
}

/// Why a poll failed: the source (retry with backoff) or the bundle (refused; wait for a new one).
#[derive(Debug)]
enum PollError {
    Source(String),
    Refused(ApiError),
}

/// Polls every followed environment until the task is aborted.
pub(crate) fn spawn(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let Some(follower) = state.inner.follow.as_ref() else { return Vec::new() };
    let client: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(state.inner.request_timeout))
        .timeout_connect(Some(Duration::from_secs(5)))
        .build()
        .into();
    follower
        .config
        .environments
        .iter()
        .map(|env| {
            let (state, client, env) = (state.clone(), client.clone(), env.clone());
            tokio::spawn(async move { run(state, client, env).await })
        })
        .collect()
}

async fn run(state: AppState, client: ureq::Agent, env: String) {
    let follower = state.inner.follow.as_ref().expect("run only in follower mode");
    let interval = follower.config.poll_interval;
    let mut failures: u32 = 0;
    loop {
        follower.update(&env, |s| s.last_poll = Some(Timestamp::now()));
        let up = match poll(&state, &client, &env).await {
            Ok(polled) => {
                failures = 0;
                follower.update(&env, |s| {
                    s.last_success = Some(Timestamp::now());
                    s.success_at = Some(Instant::now());
                    if !matches!(polled, Polled::Nothing) {
                        s.last_error = None;
                    }
                });
                if let Polled::Activated { version, digest } = &polled {
                    tracing::info!(environment = %env, version, digest = %digest, source = %follower.config.source, "followed bundle activated");
                }
                true
            }
            Err(PollError::Refused(e)) => {
                // The source answered; its bundle did not pass. Keep serving.
                failures = 0;
                state.inner.metrics.bundle_rejects.with_label_values(&[e.code]).inc();
                tracing::warn!(environment = %env, code = e.code, reason = %e.message, source = %follower.config.source, "followed bundle refused");
                follower.update(&env, |s| {
                    s.last_success = Some(Timestamp::now());
                    s.success_at = Some(Instant::now());
                    s.last_error = Some(format!("{}: {}", e.code, e.message));
                });
                true
            }
            Err(PollError::Source(message)) => {
                failures = failures.saturating_add(1);
                tracing::warn!(environment = %env, source = %follower.config.source, error = %message, failures, "source unreachable; serving the last good bundle");
                follower.update(&env, |s| s.last_error = Some(message));
                false
            }
        };
        state.inner.metrics.follow_source_up.with_label_values(&[env.as_str()]).set(i64::from(up));
        tokio::time::sleep(jitter(backoff(interval, failures))).await;
    }
}

/// The wait before the next poll: the interval, doubled per consecutive
/// failure, capped at eight intervals (at least 1 s, at most 60 s).
pub(crate) fn backoff(interval: Duration, failures: u32) -> Duration {
    let cap = (interval * 8).max(Duration::from_secs(1)).min(Duration::from_secs(60)).max(interval);
    interval.saturating_mul(1u32 << failures.min(16)).min(cap)
}

/// ±10%, so replicas started together do not poll in lockstep.
fn jitter(d: Duration) -> Duration {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|t| t.subsec_nanos()).unwrap_or(0);
    let f = 0.9 + f64::from(nanos % 1000) / 1000.0 * 0.2;
    d.mul_f64(f)
}

/// What the source answered: its status, ETag and body (read up to the limit).
struct Fetched {
    status: u16,
    etag: Option<String>,
    /// `None` when the body is larger than the limit.
    body: Option<Vec<u8>>,
}

fn fetch(client: &ureq::Agent, url: &str, etag: Option<&str>, limit: usize) -> Result<Fetched, String> {
    let mut req = client.get(url);
    if let Some(etag) = etag {
        req = req.header("If-None-Match", etag);
    }
    let mut resp = req.call().map_err(|e| format!("GET {url}: {e}"))?;
    let status = resp.status().as_u16();
    let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if status != 200 {
        return Ok(Fetched { status, etag, body: Some(Vec::new()) });
    }
    let body = match resp.body_mut().with_config().limit(limit as u64).read_to_vec() {
        Ok(b) => Some(b),
        Err(ureq::Error::BodyExceedsLimit(_)) => None,
        Err(e) => return Err(format!("reading {url}: {e}")),
    };
    Ok(Fetched { status, etag, body })
}

async fn poll(state: &AppState, client: &ureq::Agent, env: &str) -> Result<Polled, PollError> {
    let follower = state.inner.follow.as_ref().expect("follower mode");
    let url = format!("{}/v1/bundles/{env}/envelope", follower.config.source.trim_end_matches('/'));
    let limit = state.inner.max_body_bytes;
    let fetched = {
        let (client, url, etag) = (client.clone(), url.clone(), follower.status(env).etag);
        tokio::task::spawn_blocking(move || fetch(&client, &url, etag.as_deref(), limit))
            .await
            .map_err(|e| PollError::Source(e.to_string()))?
            .map_err(PollError::Source)?
    };
    match fetched.status {
        304 => return Ok(Polled::NotModified),
        404 => return Ok(Polled::Nothing),
        200 => {}
        other => return Err(PollError::Source(format!("GET {url}: HTTP {other}"))),
    }
    // Refused or taken, this file need not be fetched again until it changes;
    // unless the failure was ours (disk full): then try it again next time.
    follower.update(env, |s| s.etag = fetched.etag.clone());
    let Some(body) = fetched.body else {
        return Err(PollError::Refused(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the envelope at {url} exceeds {limit} bytes"),
        )));
    };
    let taken = take(state, env, Bytes::from(body)).await;
    if let Err(e) = &taken
        && e.status.is_server_error()
    {
        follower.update(env, |s| s.etag = None);
    }
    taken.map_err(PollError::Refused)
}

/// Checks an envelope fetched from the source like an upload (but with no
/// parent rule: a follower may have missed versions while the source was
/// away) and activates it when it is newer.
async fn take(state: &AppState, env: &str, bytes: Bytes) -> Result<Polled, ApiError> {
    let checked = {
        let (state, env, bytes) = (state.clone(), env.to_owned(), bytes.clone());
        tokio::task::spawn_blocking(move || bundles::check(&bytes, &state.inner.trust, &env, Timestamp::now()))
            .await
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))??
    };
    let lock = state.upload_lock(env);
    let _guard = lock.lock().await;
    if let Some(current) = state.active(env) {
        if current.meta.digest == checked.digest() {
            return Ok(Polled::Unchanged);
        }
        if checked.version() <= current.meta.version {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "stale_version",
                format!(
                    "the source serves version {} ({}), not newer than the active version {} ({})",
                    checked.version(),
                    checked.digest(),
                    current.meta.version,
                    current.meta.digest
                ),
            ));
        }
    }
    let (version, digest) = crate::routes::activate(state, env, checked, bytes).await?;
    Ok(Polled::Activated { version, digest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_per_failure_up_to_eight_intervals() {
        let s = Duration::from_secs;
        assert_eq!(backoff(s(5), 0), s(5));
        assert_eq!(backoff(s(5), 1), s(10));
        assert_eq!(backoff(s(5), 3), s(40));
        assert_eq!(backoff(s(5), 4), s(40));
        assert_eq!(backoff(s(5), 40), s(40));
        // Short test intervals still back off to at least a second; long
        // ones never past a minute (nor below the interval itself).
        assert_eq!(backoff(Duration::from_millis(100), 10), s(1));
        assert_eq!(backoff(s(30), 5), s(60));
        assert_eq!(backoff(s(120), 5), s(120));
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        for _ in 0..100 {
            let j = jitter(Duration::from_secs(10));
            assert!(j >= Duration::from_secs(9) && j <= Duration::from_secs(11), "{j:?}");
        }
    }
}
