//! `tailor pull`, `tailor conflicts`, `tailor resolve` and `tailor init
//! --from`: several authors publishing to one environment
//! (docs/collaboration.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use tailor_publish::{PullReport, PullSource};
use tailor_store::{Resolution, Workspace};

#[derive(Args)]
pub struct PullArgs {
    pub workspace: PathBuf,
    /// Environment whose active bundle to merge in.
    #[arg(long)]
    pub env: String,
    /// Base URL of the decision service (default: the environment's first URL saved in the workspace).
    #[arg(long)]
    pub from: Option<String>,
    /// Trust file to verify the bundle against (default: the environment's
    /// saved trust file, else the public keys of your key store).
    #[arg(long)]
    pub trust: Option<PathBuf>,
    /// Seconds per request.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Take {
    /// Keep what the workspace holds (mine, or your edit since the pull).
    Mine,
    /// Take the environment's value.
    Theirs,
}

#[derive(Args)]
pub struct ResolveArgs {
    pub workspace: PathBuf,
    /// The conflict's id as `tailor conflicts` lists it (`plan/gift_hero#priority`).
    #[arg(required_unless_present = "all")]
    pub id: Option<String>,
    /// Resolve every open conflict the same way.
    #[arg(long, conflicts_with = "id")]
    pub all: bool,
    #[arg(long, value_enum, required_unless_present = "value")]
    pub take: Option<Take>,
    /// Settle it with this value instead (JSON: the field's value, or the
    /// whole entity for an entity conflict; `null` removes it).
    #[arg(long, conflicts_with_all = ["take", "all"])]
    pub value: Option<String>,
}

pub(crate) fn source(ws: &Workspace, env: &str, from: Option<String>, trust: Option<&Path>, timeout: u64) -> Result<(PullSource, String)> {
    let saved = ws.environments()?.into_iter().find(|e| e.name == env);
    let url = match from.or_else(|| saved.as_ref().and_then(|e| e.urls.first().cloned())) {
        Some(u) => u,
        None => bail!("no --from URL, and the workspace has no environment \"{env}\" with a URL"),
    };
    let (trust, said) = tailor_publish::trust_for(env, trust, saved.as_ref().and_then(|e| e.trust_file.as_deref()))?;
    Ok((PullSource { url, environment: env.to_owned(), trust, timeout: Duration::from_secs(timeout) }, said))
}

fn print_pull(report: &PullReport, json: bool, trusted: &str) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    println!(
        "{} version {} ({}, by {} at {}), verified against {trusted}: {}",
        report.environment, report.version, report.digest, report.author, report.created_at, report.line
    );
    for c in &report.summary.conflicts {
        println!("  conflict {}: {c}", c.id());
    }
    if !report.summary.conflicts.is_empty() {
        println!("resolve each with `tailor resolve WS ID --take mine|theirs` (or edit, then --take mine); publishing refuses until then");
    }
    Ok(())
}

pub fn run_pull(args: PullArgs, json: bool) -> Result<ExitCode> {
    let mut ws = Workspace::open(&args.workspace)?;
    let (source, trusted) = source(&ws, &args.env, args.from, args.trust.as_deref(), args.timeout)?;
    let report = tailor_publish::pull(&mut ws, &source)?;
    print_pull(&report, json, &trusted)?;
    Ok(ExitCode::SUCCESS)
}

/// `tailor init WS --from URL --env ENV`: a new workspace whose base is what
/// the environment serves, with the environment saved for later pulls and
/// publishes.
pub fn run_init_from(workspace: &Path, url: String, env: String, trust: Option<PathBuf>, json: bool) -> Result<ExitCode> {
    let saved_trust = trust.as_ref().map(|p| p.display().to_string());
    let (trust, trusted) = tailor_publish::trust_for(&env, trust.as_deref(), None)?;
    let source = PullSource { url: url.clone(), environment: env.clone(), trust, timeout: Duration::from_secs(30) };
    let (_, report) = tailor_publish::init_from(workspace, &source, saved_trust)
        .with_context(|| format!("starting {} from {env} at {url}", workspace.display()))?;
    print_pull(&report, json, &trusted)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_conflicts(workspace: &Path, json: bool) -> Result<ExitCode> {
    let ws = Workspace::open(workspace)?;
    let rows = ws.conflicts()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() {
        println!("no open conflicts");
    } else {
        for r in &rows {
            println!("{}  {} (against {} version {})", r.id, r.conflict, r.environment, r.theirs_version);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_resolve(args: ResolveArgs, json: bool) -> Result<ExitCode> {
    let mut ws = Workspace::open(&args.workspace)?;
    if let (Some(value), Some(id)) = (&args.value, &args.id) {
        let value: serde_json::Value =
            serde_json::from_str(value).with_context(|| format!("--value is not JSON: {value}"))?;
        ws.resolve_conflict_edit(id, (!value.is_null()).then_some(value)).with_context(|| format!("resolving {id}"))?;
        let left = ws.conflicts()?.len();
        if json {
            println!("{}", serde_json::json!({"resolved": [id], "open": left}));
        } else {
            println!("resolved 1 conflict(s); {left} still open");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let how = match args.take {
        Some(Take::Theirs) => Resolution::Theirs,
        _ => Resolution::Keep,
    };
    let ids: Vec<String> = match args.id {
        Some(id) => vec![id],
        None => ws.conflicts()?.into_iter().map(|c| c.id).collect(),
    };
    for id in &ids {
        ws.resolve_conflict(id, how).with_context(|| format!("resolving {id}"))?;
    }
    let left = ws.conflicts()?.len();
    if json {
        println!("{}", serde_json::json!({"resolved": ids, "open": left}));
    } else {
        println!("resolved {} conflict(s); {left} still open", ids.len());
    }
    Ok(ExitCode::SUCCESS)
}
