//! Tailor's decision service: the HTTP API storefronts call (DESIGN §7).
//!
//! It runs the engine's [`decide_json`](tailor_engine::plan::decide_json) on
//! the active bundle of an environment. Bundles arrive as signed DSSE
//! envelopes (`PUT /v1/bundles/{env}`), are verified against a trust file,
//! compiled, persisted atomically and only then swapped in; decisions read
//! the active bundle through an `ArcSwap`, never a lock, so a swap neither
//! blocks nor mixes two bundles in one answer. At start the newest valid
//! bundle of each environment is loaded again.
//!
//! What it deliberately does not do: author, sign or diff bundles
//! (`tailor-bundle`, the app and the CLI do), keep state other than its data
//! directory, or terminate TLS (put it behind a proxy or load balancer).
//! The HTTP contract, error codes and decision log format are in
//! `docs/http-api.md`.

mod bundles;
mod decision_log;
mod error;
mod follow;
mod metrics;
mod ofrep;
mod outcomes;
mod pending;
mod routes;
mod state;

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use jiff::Timestamp;
use tailor_bundle::TrustFile;
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

pub use decision_log::LogConfig;
pub use error::{ApiError, ServerError};
pub use follow::{FollowConfig, PollStatus};
pub use metrics::Metrics;
pub use state::{Active, ActiveMeta, Actives, AppState, ApprovalRecord};

use decision_log::DecisionLog;
use state::Inner;

/// Default limit of an uploaded envelope.
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// Default limit of a decision request.
pub const DEFAULT_MAX_DECIDE_BODY_BYTES: usize = 1024 * 1024;
/// Default time allowed for a whole request (reading the body included).
/// How long a pending bundle waits for approvals by default.
pub const DEFAULT_PENDING_TTL: Duration = Duration::from_secs(72 * 3600);
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the service needs to start.
#[derive(Clone)]
pub struct ServerConfig {
    /// Holds `bundles/{env}/` and, by default, `decisions/`.
    pub data_dir: PathBuf,
    /// Keys trusted per environment.
    pub trust: TrustFile,
    pub listen: SocketAddr,
    /// Bearer token required by `PUT /v1/bundles/{env}`; `None` turns
    /// publishing off (uploads answer 401 `unauthorized`).
    pub publish_token: Option<String>,
    /// Bearer token decisions, OFREP evaluations and outcomes need
    /// (`TAILOR_DECIDE_TOKEN`); `None` leaves them open.
    pub decide_token: Option<String>,
    /// Browser origins allowed to call decisions, OFREP and outcomes (CORS);
    /// `*` allows any. Empty: no CORS headers.
    pub allow_origins: Vec<String>,
    /// Largest envelope accepted (413 `too_large` above).
    pub max_body_bytes: usize,
    /// Largest decision request accepted.
    pub max_decide_body_bytes: usize,
    /// Time allowed for a request; also bounds reading a body.
    pub request_timeout: Duration,
    /// Bundle files kept per environment (the active one is always kept).
    pub keep_bundles: usize,
    pub log: LogConfig,
    /// Adds `POST /v1/noop`: the same stack (routing, layers, body read) with
    /// a handler that does nothing, the baseline of the load test.
    pub bench_endpoints: bool,
    /// Follower mode: take bundles only from this source (uploads answer 405).
    pub follow: Option<FollowConfig>,
    /// How long a pending bundle waits for the approvals its environment's
    /// threshold needs (`PUT /v1/bundles/{env}/pending`); 72 hours by default.
    pub pending_ttl: Duration,
}

impl ServerConfig {
    /// A configuration with the default limits and decision log.
    pub fn new(data_dir: impl Into<PathBuf>, trust: TrustFile, listen: SocketAddr) -> Self {
        Self {
            data_dir: data_dir.into(),
            trust,
            listen,
            publish_token: None,
            decide_token: None,
            allow_origins: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_decide_body_bytes: DEFAULT_MAX_DECIDE_BODY_BYTES,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            bench_endpoints: false,
            keep_bundles: 10,
            log: LogConfig::default(),
            follow: None,
            pending_ttl: DEFAULT_PENDING_TTL,
        }
    }
}

impl fmt::Debug for ServerConfig {
    /// Never prints the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("data_dir", &self.data_dir)
            .field("environments", &self.trust.environments.keys().collect::<Vec<_>>())
            .field("listen", &self.listen)
            .field("publish_token", &self.publish_token.as_ref().map(|_| "<set>"))
            .field("decide_token", &self.decide_token.as_ref().map(|_| "<set>"))
            .field("allow_origins", &self.allow_origins)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_decide_body_bytes", &self.max_decide_body_bytes)
            .field("request_timeout", &self.request_timeout)
            .field("keep_bundles", &self.keep_bundles)
            .field("log", &self.log)
            .field("follow", &self.follow)
            .field("pending_ttl", &self.pending_ttl)
            .finish()
    }
}

impl AppState {
    /// Loads the newest valid bundle of each environment under
    /// `config.data_dir` and starts the decision log writer.
    pub fn open(config: &ServerConfig) -> Result<AppState, ServerError> {
        let dir_err = |source| ServerError::DataDir { path: config.data_dir.clone(), source };
        std::fs::create_dir_all(&config.data_dir).map_err(dir_err)?;
        let metrics = Metrics::new()?;
        let loaded = bundles::load_all(&config.data_dir, &config.trust, Timestamp::now()).map_err(dir_err)?;
        let log = DecisionLog::start(&config.log, &config.data_dir, metrics.clone())?;
        if config.follow.is_none() && config.publish_token.as_deref().is_none_or(str::is_empty) {
            tracing::warn!("no publish token: uploads will be refused (set TAILOR_PUBLISH_TOKEN)");
        }
        let state = AppState {
            inner: Arc::new(Inner {
                actives: ArcSwap::from_pointee(Actives::new()),
                trust: config.trust.clone(),
                data_dir: config.data_dir.clone(),
                token_hash: config.publish_token.as_deref().filter(|t| !t.is_empty()).map(state::token_hash),
                decide_token_hash: config.decide_token.as_deref().filter(|t| !t.is_empty()).map(state::token_hash),
                max_body_bytes: config.max_body_bytes,
                max_decide_body_bytes: config.max_decide_body_bytes,
                request_timeout: config.request_timeout,
                body_timeout: config.request_timeout.mul_f64(0.9),
                keep_bundles: config.keep_bundles,
                bench_endpoints: config.bench_endpoints,
                metrics,
                log,
                upload_locks: Mutex::new(Default::default()),
                follow: config.follow.clone().map(follow::Follower::new),
                pending_ttl: config.pending_ttl,
            }),
        };
        for active in loaded {
            state.install(Arc::new(active));
        }
        Ok(state)
    }

    /// Writes out the queued decision log lines and stops the writer.
    pub async fn close(&self) {
        let state = self.clone();
        let _ = tokio::task::spawn_blocking(move || state.inner.log.close()).await;
    }
}

/// The service's routes over `state`, with tracing and the request timeout.
pub fn router(state: AppState, allow_origins: &[String]) -> Router {
    let request_timeout = state.inner.request_timeout;
    // What storefronts call, from servers or (with CORS) from browsers.
    let mut storefront = Router::new()
        .route("/v1/decide", post(routes::decide))
        .route("/v1/outcomes", post(outcomes::post_outcomes))
        .route("/ofrep/v1/evaluate/flags", post(ofrep::evaluate_flags))
        .route("/ofrep/v1/evaluate/flags/{key}", post(ofrep::evaluate_flag));
    if state.inner.bench_endpoints {
        storefront = storefront.route("/v1/noop", post(routes::noop));
    }
    if !allow_origins.is_empty() {
        storefront = storefront.layer(cors(allow_origins));
    }
    Router::new()
        .merge(storefront)
        .route("/v1/bundles/{env}", put(routes::put_bundle))
        .route("/v1/bundles/{env}/active", get(routes::get_active))
        .route("/v1/bundles/{env}/envelope", get(routes::get_envelope))
        .route("/v1/bundles/{env}/pending", put(pending::put_pending).get(pending::list_pending))
        .route("/v1/bundles/{env}/pending/{digest}", get(pending::get_pending))
        .route("/v1/bundles/{env}/pending/{digest}/approvals", post(pending::post_approval))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .route("/metrics", get(routes::metrics))
        .fallback(routes::not_found)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, request_timeout))
        // 5xx are logged at WARN (a 503 before the first bundle is expected),
        // other requests at DEBUG; headers (the token) are never logged.
        .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(tracing::Level::WARN)))
}

/// CORS for browser storefronts: POST with JSON, the bearer token and
/// `If-None-Match`; `ETag` readable (the OFREP web provider polls with it).
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use axum::http::{HeaderName, Method, header};
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| o.parse().ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::IF_NONE_MATCH, HeaderName::from_static("x-api-key")])
        .expose_headers([header::ETAG])
        .max_age(Duration::from_secs(600))
}

/// A service bound to its address, not yet serving.
pub struct Server {
    state: AppState,
    listener: TcpListener,
    allow_origins: Vec<String>,
}

impl Server {
    /// Loads the bundles, starts the decision log and binds `config.listen`
    /// (port 0 picks a free port: see [`Server::local_addr`]).
    pub async fn bind(config: ServerConfig) -> Result<Server, ServerError> {
        let state = {
            let config = config.clone();
            tokio::task::spawn_blocking(move || AppState::open(&config))
                .await
                .map_err(|e| ServerError::Serve(std::io::Error::other(e)))??
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| ServerError::Bind { addr: config.listen, source })?;
        Ok(Server { state, listener, allow_origins: config.allow_origins })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets requests in flight
    /// finish and flushes the decision log.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServerError> {
        let addr = self.local_addr();
        tracing::info!(%addr, environments = ?self.state.actives().keys().collect::<Vec<_>>(), "decision service listening");
        let app = router(self.state.clone(), &self.allow_origins);
        if let Some(f) = &self.state.inner.follow {
            tracing::info!(source = %f.config.source, environments = ?f.config.environments, poll_interval = ?f.config.poll_interval, "following");
        }
        let followers = follow::spawn(&self.state);
        let served = axum::serve(self.listener, app).with_graceful_shutdown(shutdown).await;
        for f in followers {
            f.abort();
        }
        self.state.close().await;
        tracing::info!("decision service stopped");
        served.map_err(ServerError::Serve)
    }
}

/// Binds `config.listen` and serves until `shutdown` completes.
pub async fn serve(config: ServerConfig, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServerError> {
    Server::bind(config).await?.run(shutdown).await
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM: the `shutdown` of
/// [`serve`] in a real process.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received");
}
