//! `tailor publish` and `tailor rollback`: the same crate the app's publish
//! screen calls, with a progress line on stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use tailor_publish::{PublishOptions, Step, Target};

#[derive(Args)]
pub struct PublishArgs {
    pub workspace: PathBuf,
    /// Environment, e.g. `staging` or `production`.
    #[arg(long)]
    pub env: String,
    /// Base URL of the decision service; repeat for each replica behind a
    /// load balancer (each gets the same signed bundle). Default: the URLs
    /// saved with the environment in the workspace (`tailor init --from`).
    #[arg(long = "to")]
    pub urls: Vec<String>,
    /// Name of the signing key (`tailor keys generate NAME`).
    #[arg(long)]
    pub key: String,
    /// Publish although lint reports warnings (errors always block).
    #[arg(long)]
    pub accept_warnings: bool,
    /// Record an approval in the bundle.
    #[arg(long)]
    pub approved_by: Option<String>,
    /// Refuse to publish without an approval.
    #[arg(long)]
    pub require_approval: bool,
    /// Days until the bundle expires.
    #[arg(long, default_value_t = 30)]
    pub expires_in_days: u64,
    /// Upload attempts (connection errors, timeouts and 5xx are retried).
    #[arg(long, default_value_t = 5)]
    pub attempts: u32,
    /// Seconds per request.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Only show the diff against the active bundle and the lint findings.
    #[arg(long)]
    pub dry_run: bool,
    /// Emergency only: replace the active bundle although this workspace is
    /// behind it (recorded in the bundle and in History as an overwrite).
    #[arg(long)]
    pub overwrite: bool,
    /// Submit the bundle for approval instead of activating it (an
    /// environment whose trust threshold is 2 or more gets it this way
    /// anyway: the service refuses a direct upload with fewer signatures).
    #[arg(long)]
    pub request_approval: bool,
}

#[derive(Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub publish: PublishArgs,
    /// The earlier version whose rules to republish.
    #[arg(long)]
    pub to_version: u64,
}

fn target(ws: &tailor_store::Workspace, args: &PublishArgs) -> Result<Target> {
    let urls = if args.urls.is_empty() {
        ws.environments()?.into_iter().find(|e| e.name == args.env).map(|e| e.urls).unwrap_or_default()
    } else {
        args.urls.clone()
    };
    let Some((url, replicas)) = urls.split_first() else {
        anyhow::bail!("no --to URL, and the workspace has no environment \"{}\" with a URL", args.env);
    };
    Ok(Target {
        url: url.clone(),
        replicas: replicas.to_vec(),
        environment: args.env.clone(),
        // The environment's token in the OS keyring (`tailor token set`),
        // else $TAILOR_PUBLISH_TOKEN.
        token: tailor_bundle::PublishTokens::open_default()
            .get(&args.env)
            .map(|t| t.token.to_string()),
    })
}

fn options(args: &PublishArgs) -> PublishOptions {
    PublishOptions {
        accept_warnings: args.accept_warnings,
        expires_in: Duration::from_secs(args.expires_in_days * 24 * 3600),
        max_attempts: args.attempts,
        timeout: Duration::from_secs(args.timeout),
        approvals: args
            .approved_by
            .iter()
            .map(|by| tailor_bundle::Approval {
                by: by.clone(),
                at: jiff::Timestamp::now(),
                note: None,
            })
            .collect(),
        require_approval: args.require_approval,
        overwrite: args.overwrite,
        request_approval: args.request_approval,
        ..PublishOptions::default()
    }
}

pub(crate) fn standing_line(s: &tailor_publish::Standing) -> String {
    use tailor_publish::Standing;
    match s {
        Standing::UpToDate => "up to date with the environment".into(),
        Standing::Behind { active, incoming, .. } => format!(
            "behind: version {} by {} at {} ({}); pull before publishing",
            active.version, active.author, active.created_at, incoming.summary().replace('\n', "; ")
        ),
        Standing::Diverged { active, incoming, .. } => format!(
            "diverged: version {} by {} at {} ({}), and this workspace has changes of its own; pull to merge",
            active.version, active.author, active.created_at, incoming.summary().replace('\n', "; ")
        ),
    }
}

/// A pending bundle in one sentence: what waits for whom, until when.
pub(crate) fn pending_line(p: &tailor_publish::PendingStatus) -> String {
    format!(
        "submitted for approval: {} of {} signature(s); {} keeps serving what it served until it is approved \
         (`tailor approve {} --env {} --digest {} --key NAME`, before {})",
        p.signatures, p.threshold, p.environment, p.url, p.environment, p.digest, p.expires_at
    )
}

pub(crate) fn show_step(step: Step) {
    let line = match step {
        Step::Checking => "checking rules and lint…".to_string(),
        Step::Signing => "signing…".to_string(),
        Step::Uploading { attempt, of } => format!("uploading (attempt {attempt} of {of})…"),
        Step::Retrying { wait_ms, reason, .. } => format!("  failed ({reason}); retrying in {wait_ms} ms"),
        Step::Confirming => "confirming the active digest…".to_string(),
        Step::Done => "done".to_string(),
    };
    eprintln!("{line}");
}

pub fn run_publish(args: PublishArgs, json: bool, rollback_to: Option<u64>) -> Result<ExitCode> {
    let mut ws = tailor_store::Workspace::open(&args.workspace)?;
    let target = target(&ws, &args)?;
    if args.dry_run {
        let p = tailor_publish::preview(&mut ws, &target, Duration::from_secs(args.timeout))?;
        if json {
            println!("{}", serde_json::to_string_pretty(&p)?);
        } else {
            match &p.active {
                Some(a) => println!("active on {}: version {} ({})", a.environment, a.version, a.digest),
                None => println!("nothing active on {} yet", target.environment),
            }
            if !p.active_known {
                println!("(the active bundle was not published or pulled by this workspace: diff is against nothing)");
            }
            println!("standing: {}", standing_line(&p.standing));
            if p.open_conflicts > 0 {
                println!("{} merge conflict(s) open: publishing refuses until they are resolved", p.open_conflicts);
            }
            println!("next version: {}\n{}", p.next_version, p.diff.summary());
            for f in &p.findings {
                println!("lint {:?} [{}] {}: {}", f.severity, f.rule, f.item, f.message);
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let key = tailor_bundle::KeyStore::open_default()?
        .load(&args.key)
        .with_context(|| format!("loading signing key {}", args.key))?;
    let opts = options(&args);
    let mut progress = |s: Step| {
        if !json {
            show_step(s)
        }
    };
    let outcome = match rollback_to {
        None => tailor_publish::publish(&mut ws, &target, &key, &opts, &mut progress)?,
        Some(v) => tailor_publish::rollback(&mut ws, &target, v, &key, &opts, &mut progress)?,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else if let Some(pending) = &outcome.pending {
        println!("version {} for {} ({}) {}", outcome.version, outcome.environment, outcome.digest, pending_line(pending));
    } else {
        println!(
            "{} version {} to {} ({}){}",
            if rollback_to.is_some() { "rolled back as" } else { "published" },
            outcome.version,
            outcome.environment,
            outcome.digest,
            if outcome.unchanged { ", already active" } else { "" }
        );
        if let Some(d) = &outcome.overwrites {
            println!("overwrote {d} (recorded in the bundle and in History)");
        }
        println!("{}", outcome.diff.summary());
    }
    Ok(ExitCode::SUCCESS)
}
