//! `tailor serve`: the decision service (crates/server) as a process, with
//! structured logs on stderr and graceful shutdown on SIGTERM/SIGINT.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use tailor_bundle::TrustFile;
use tailor_server::{LogConfig, Server, ServerConfig, shutdown_signal};

/// The environment variable holding the publish token.
pub const PUBLISH_TOKEN_ENV: &str = "TAILOR_PUBLISH_TOKEN";
/// The environment variable holding the optional read token of decisions,
/// OFREP evaluations and outcomes.
pub const DECIDE_TOKEN_ENV: &str = "TAILOR_DECIDE_TOKEN";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Directory of accepted bundles (`bundles/{env}/`) and decision logs
    /// (`decisions/`); created if missing.
    #[arg(long)]
    pub data_dir: PathBuf,
    /// Trust file: the keys trusted per environment (`tailor keys export`).
    #[arg(long)]
    pub trust: PathBuf,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Largest bundle upload accepted, in bytes.
    #[arg(long, default_value_t = tailor_server::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Largest decision request accepted, in bytes.
    #[arg(long, default_value_t = tailor_server::DEFAULT_MAX_DECIDE_BODY_BYTES)]
    pub max_decide_body_bytes: usize,
    /// Seconds allowed for one request, reading its body included.
    #[arg(long, default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Bundle files kept per environment.
    #[arg(long, default_value_t = 10)]
    pub keep_bundles: usize,
    /// Decision log: start a new file past this size, in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub log_max_bytes: u64,
    /// Decision log: files kept.
    #[arg(long, default_value_t = 10)]
    pub log_keep: usize,
    /// Decision log directory (default: DATA_DIR/decisions).
    #[arg(long)]
    pub log_dir: Option<PathBuf>,
    /// Do not write a decision log.
    #[arg(long)]
    pub no_decision_log: bool,
    /// Service logs as JSON lines instead of text (filter with RUST_LOG).
    #[arg(long)]
    pub log_json: bool,
    /// Also serve `POST /v1/noop` (an empty handler on the same stack), the
    /// baseline of `scripts/loadtest.sh`.
    #[arg(long, hide = true)]
    pub bench_endpoints: bool,
    /// Follower mode: take bundles only from this source (another `tailor
    /// serve`, or a static web server holding `v1/bundles/ENV/envelope`),
    /// verified against --trust; uploads answer 405.
    #[arg(long, value_name = "URL", requires = "env")]
    pub follow: Option<String>,
    /// An environment to follow (repeat for several); with --follow.
    #[arg(long, requires = "follow")]
    pub env: Vec<String>,
    /// Time between polls of the source, e.g. `5s` or `500ms` (±10% jitter).
    #[arg(long, default_value = "5s", value_parser = parse_interval)]
    pub poll_interval: Duration,
    /// A browser origin allowed to call decisions, OFREP and outcomes
    /// (CORS), e.g. `https://shop.example.com`; repeat for several, `*` for any.
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// How long a bundle submitted for approval (trust threshold ≥ 2) waits
    /// for its approvals, e.g. `72h` or `90s`.
    #[arg(long, default_value = "72h", value_parser = parse_ttl)]
    pub pending_ttl: Duration,
}

fn parse_ttl(s: &str) -> Result<Duration, String> {
    let d: jiff::SignedDuration = s.parse().map_err(|e| format!("{s:?} is not a duration like 72h or 90s: {e}"))?;
    Duration::try_from(d).ok().filter(|d| !d.is_zero()).ok_or_else(|| format!("{s:?} must be positive"))
}

fn parse_interval(s: &str) -> Result<Duration, String> {
    let d: jiff::SignedDuration = s.parse().map_err(|e| format!("{s:?} is not a duration like 5s or 500ms: {e}"))?;
    let d = Duration::try_from(d).map_err(|_| format!("{s:?} is negative"))?;
    if d < Duration::from_millis(10) {
        return Err(format!("{s:?} is too short: poll at most every 10ms"));
    }
    Ok(d)
}

/// Runs the service until SIGTERM or SIGINT. The publish token is read from
/// `TAILOR_PUBLISH_TOKEN`; without it the service decides but refuses every
/// upload (401 `unauthorized`).
pub fn run_serve(args: ServeArgs) -> Result<()> {
    init_logs(args.log_json);
    let trust = TrustFile::load(&args.trust)?;
    if trust.environments.is_empty() {
        tracing::warn!(trust = %args.trust.display(), "the trust file trusts no key: every upload will be refused");
    }
    let mut config = ServerConfig::new(&args.data_dir, trust.clone(), args.listen);
    config.publish_token = std::env::var(PUBLISH_TOKEN_ENV).ok().filter(|t| !t.trim().is_empty());
    config.decide_token = std::env::var(DECIDE_TOKEN_ENV).ok().filter(|t| !t.trim().is_empty());
    for origin in &args.allow_origin {
        let plain = |rest: &str| !rest.is_empty() && !rest.contains(['/', ' ', ',']);
        let valid = origin == "*" || origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")).is_some_and(plain);
        if !valid {
            anyhow::bail!("--allow-origin {origin:?} is not an origin like https://shop.example.com");
        }
    }
    config.allow_origins = args.allow_origin;
    config.max_body_bytes = args.max_body_bytes;
    config.max_decide_body_bytes = args.max_decide_body_bytes;
    config.request_timeout = Duration::from_secs(args.request_timeout_secs.max(1));
    config.keep_bundles = args.keep_bundles.max(1);
    config.bench_endpoints = args.bench_endpoints;
    config.pending_ttl = args.pending_ttl;
    if let Some(source) = args.follow {
        for env in &args.env {
            if !trust.environments.contains_key(env) {
                tracing::warn!(environment = %env, "the trust file trusts no key for this environment: every bundle from the source will be refused");
            }
        }
        config.follow = Some(tailor_server::FollowConfig {
            source,
            environments: args.env,
            poll_interval: args.poll_interval,
        });
    }
    config.log = LogConfig {
        enabled: !args.no_decision_log,
        dir: args.log_dir,
        max_bytes: args.log_max_bytes,
        keep: args.log_keep.max(1),
        ..LogConfig::default()
    };

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        let server = Server::bind(config).await?;
        // On stdout, for scripts that start the service on port 0.
        println!("listening on {}", server.local_addr());
        server.run(shutdown_signal()).await
    })?;
    Ok(())
}

fn init_logs(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A subscriber may already be installed (tests): keep it.
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
