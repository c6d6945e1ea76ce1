//! `tailor promote` and `tailor approve`: put exactly what one environment
//! serves live in another, and add a second signature to a bundle that waits
//! for approval (docs/collaboration.md, "Environments, promotion and
//! approvals").

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use tailor_publish::{PendingReview, PromoteReview, PublishOptions, Step, Target};
use tailor_store::Workspace;

use crate::collab_cmd;
use crate::publish_cmd::{pending_line, show_step, standing_line};

#[derive(Args)]
pub struct PromoteArgs {
    pub workspace: PathBuf,
    /// The environment whose active bundle to promote, e.g. `staging`.
    #[arg(long)]
    pub from: String,
    /// The environment to put it live in, e.g. `production`.
    #[arg(long)]
    pub to: String,
    /// Base URL of the decision service serving both environments (default:
    /// the URL saved with each environment in the workspace).
    #[arg(long)]
    pub url: Option<String>,
    /// The source environment's service, when it is another one than --url.
    #[arg(long)]
    pub from_url: Option<String>,
    /// Trust file to verify the source bundle against (default: the source
    /// environment's saved trust file, else the public keys of your key store).
    #[arg(long)]
    pub trust: Option<PathBuf>,
    /// Name of the signing key.
    #[arg(long)]
    pub key: String,
    /// Promote although lint reports warnings on the promoted rules.
    #[arg(long)]
    pub accept_warnings: bool,
    /// Submit the promoted bundle for approval instead of activating it (it
    /// is submitted anyway when the target needs more signatures than yours).
    #[arg(long)]
    pub request_approval: bool,
    /// Only show the review.
    #[arg(long)]
    pub dry_run: bool,
    /// Days until the bundle expires.
    #[arg(long, default_value_t = 30)]
    pub expires_in_days: u64,
    /// Seconds per request.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

#[derive(Args)]
pub struct ApproveArgs {
    /// The decision service's base URL, or a bundle file (a DSSE envelope,
    /// offline: the signature is added to the file).
    pub source: String,
    /// Your workspace: its sample shoppers simulate the change, its saved
    /// trust file verifies the bundle.
    pub workspace: Option<PathBuf>,
    #[arg(long)]
    pub env: String,
    /// The pending bundle's digest (without it, the pending bundles are listed).
    #[arg(long)]
    pub digest: Option<String>,
    /// Name of your signing key (required to approve).
    #[arg(long)]
    pub key: Option<String>,
    /// Why you approve (recorded by the service).
    #[arg(long)]
    pub note: Option<String>,
    /// Your name as the service records it (default: the workspace's author, else the key's name).
    #[arg(long)]
    pub approver: Option<String>,
    /// Trust file to verify the bundle against (default: the workspace's
    /// saved trust file for the environment, else the public keys of your key store).
    #[arg(long)]
    pub trust: Option<PathBuf>,
    /// Only show the review.
    #[arg(long)]
    pub dry_run: bool,
    /// With a bundle file: where to write the co-signed envelope (default: the file itself).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Seconds per request.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

fn saved_url(ws: &Workspace, env: &str) -> Result<Option<String>> {
    Ok(ws
        .environments()?
        .into_iter()
        .find(|e| e.name == env)
        .and_then(|e| e.urls.first().cloned()))
}

fn token(env: &str) -> Option<String> {
    tailor_bundle::PublishTokens::open_default()
        .get(env)
        .map(|t| t.token.to_string())
}

fn print_promote_review(r: &PromoteReview, target: &str) {
    let s = &r.source;
    println!(
        "promoting {} version {} ({}, by {} at {}), verified against {}",
        s.environment, s.version, s.digest, s.author, s.created_at, r.verified_with
    );
    match &r.target_active {
        Some(a) => println!(
            "{target} serves version {} ({}); it becomes version {}",
            a.version, a.digest, r.next_version
        ),
        None => println!("nothing active on {target} yet; it becomes version {}", r.next_version),
    }
    println!("standing: {}", standing_line(&r.standing));
    println!("changes on {target}:\n{}", r.diff.summary());
    if r.local_differs {
        println!(
            "the local draft differs from what is promoted (not published):\n{}",
            r.local_diff.summary()
        );
    } else {
        println!("the local draft is what is promoted");
    }
    for f in &r.findings {
        println!("lint {:?} [{}] {}: {}", f.severity, f.rule, f.item, f.message);
    }
}

pub fn run_promote(args: PromoteArgs, json: bool) -> Result<ExitCode> {
    let mut ws = Workspace::open(&args.workspace)?;
    let from_url = args.from_url.clone().or_else(|| args.url.clone());
    let (source, trusted) = collab_cmd::source(&ws, &args.from, from_url, args.trust.as_deref(), args.timeout)?;
    let Some(url) = args.url.clone().or(saved_url(&ws, &args.to)?) else {
        bail!(
            "no --url, and the workspace has no environment \"{}\" with a URL",
            args.to
        );
    };
    let target = Target {
        url,
        replicas: Vec::new(),
        environment: args.to.clone(),
        token: token(&args.to),
    };
    let review = tailor_publish::promote_preview(&mut ws, &source, &target, &trusted)?;
    if args.dry_run {
        if json {
            println!("{}", serde_json::to_string_pretty(&review)?);
        } else {
            print_promote_review(&review, &args.to);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !json {
        print_promote_review(&review, &args.to);
    }
    let key = tailor_bundle::KeyStore::open_default()?
        .load(&args.key)
        .with_context(|| format!("loading signing key {}", args.key))?;
    let opts = PublishOptions {
        accept_warnings: args.accept_warnings,
        expires_in: Duration::from_secs(args.expires_in_days * 24 * 3600),
        timeout: Duration::from_secs(args.timeout),
        request_approval: args.request_approval,
        ..PublishOptions::default()
    };
    let mut progress = |s: Step| {
        if !json {
            show_step(s)
        }
    };
    let outcome = tailor_publish::promote(&mut ws, &source, &target, &key, &opts, &mut progress)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
        return Ok(ExitCode::SUCCESS);
    }
    let p = &outcome.published;
    match &p.pending {
        Some(pending) => println!(
            "promoted {} version {} to {} as version {} ({}), {}",
            outcome.source.environment,
            outcome.source.version,
            p.environment,
            p.version,
            p.digest,
            pending_line(pending)
        ),
        None => println!(
            "promoted {} version {} to {} as version {} ({})",
            outcome.source.environment, outcome.source.version, p.environment, p.version, p.digest
        ),
    }
    if outcome.local_differs {
        println!("the local draft differs from what was promoted and was not published");
    }
    Ok(ExitCode::SUCCESS)
}

fn print_pending_review(r: &PendingReview) {
    let p = &r.pending;
    let signed: Vec<&str> = p.submitted_by.iter().map(|s| s.key_name.as_str()).collect();
    println!(
        "{} version {} ({}) by {}, {}: {} of {} signature(s) (signed by {}), waits until {}",
        p.environment,
        p.version,
        p.digest,
        p.author,
        p.status,
        p.signatures,
        p.threshold,
        signed.join(", "),
        p.expires_at
    );
    println!("verified against {}", r.verified_with);
    if let Some(from) = &p.promoted_from {
        println!(
            "promoted from {} version {} ({})",
            from.environment, from.version, from.digest
        );
    }
    for a in &p.approvals {
        println!(
            "approved by {} (key {}) at {}{}",
            a.approver,
            a.key_name,
            a.at,
            a.note.as_ref().map_or(String::new(), |n| format!(": {n}"))
        );
    }
    match &r.active {
        Some(a) => println!("{} serves version {} ({})", p.environment, a.version, a.digest),
        None => println!("nothing active on {} yet", p.environment),
    }
    println!("changes:\n{}", r.diff.summary());
    if r.findings.is_empty() {
        println!("lint: no findings");
    }
    for f in &r.findings {
        println!("lint {:?} [{}] {}: {}", f.severity, f.rule, f.item, f.message);
    }
    match (&r.impact, &r.impact_note) {
        (Some(i), _) => println!(
            "impact on {} sample shopper(s): {} of {} page view(s) change, {} shopper(s) see something different",
            i.shoppers, i.changed_views, i.page_views, i.changed_shoppers
        ),
        (None, Some(note)) => println!("impact: not simulated ({note})"),
        (None, None) => {}
    }
}

pub fn run_approve(args: ApproveArgs, json: bool) -> Result<ExitCode> {
    let mut ws = args.workspace.as_deref().map(Workspace::open).transpose()?;
    let saved_trust = match &ws {
        Some(ws) => ws
            .environments()?
            .into_iter()
            .find(|e| e.name == args.env)
            .and_then(|e| e.trust_file),
        None => None,
    };
    let (trust, trusted) = tailor_publish::trust_for(&args.env, args.trust.as_deref(), saved_trust.as_deref())?;
    if Path::new(&args.source).is_file() {
        return approve_file(&args, ws.as_mut(), &trust, &trusted, json);
    }
    let timeout = Duration::from_secs(args.timeout);
    let Some(digest) = &args.digest else {
        let list = tailor_publish::list_pending(&args.source, &args.env, timeout)?;
        if json {
            println!("{}", serde_json::to_string_pretty(&list)?);
        } else if list.is_empty() {
            println!("nothing is pending for {}", args.env);
        } else {
            for p in &list {
                println!(
                    "{} version {} by {}: {}, {} of {} signature(s), until {}",
                    p.digest, p.version, p.author, p.status, p.signatures, p.threshold, p.expires_at
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let review = tailor_publish::open_pending(&args.source, &args.env, digest, &trust, &trusted, ws.as_mut(), timeout)?;
    if args.dry_run {
        if json {
            println!("{}", serde_json::to_string_pretty(&review)?);
        } else {
            print_pending_review(&review);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !json {
        print_pending_review(&review);
    }
    let Some(key_name) = &args.key else {
        bail!("--key NAME is needed to approve (or --dry-run to review only)")
    };
    let key = tailor_bundle::KeyStore::open_default()?
        .load(key_name)
        .with_context(|| format!("loading signing key {key_name}"))?;
    let approver = args
        .approver
        .clone()
        .or_else(|| ws.as_ref().map(|w| w.author().to_owned()))
        .unwrap_or_else(|| key_name.clone());
    let outcome = tailor_publish::approve(
        &args.source,
        &args.env,
        digest,
        &trust,
        &key,
        &approver,
        args.note.as_deref(),
        token(&args.env).as_deref(),
        timeout,
    )?;
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else if outcome.status == "activated" {
        println!(
            "approved: {} now serves version {} ({})",
            outcome.environment, outcome.version, outcome.digest
        );
    } else {
        println!(
            "approved: {} of {} signature(s); {} keeps serving what it served until the rest approve",
            outcome.signatures, outcome.threshold, outcome.environment
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Offline approval: verify the envelope in a file (every signature by a
/// trusted key must verify), show it, add a signature and write it back.
fn approve_file(
    args: &ApproveArgs,
    ws: Option<&mut Workspace>,
    trust: &tailor_bundle::TrustFile,
    trusted: &str,
    json: bool,
) -> Result<ExitCode> {
    let path = Path::new(&args.source);
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let verified = tailor_bundle::verify_partial(&bytes, trust, &args.env, jiff::Timestamp::now())
        .map_err(|e| anyhow::anyhow!("{}: {}: {e}", path.display(), e.code()))?;
    let p = &verified.payload;
    let names: Vec<String> = verified
        .keyids
        .iter()
        .map(|k| trust.key_name(&args.env, k).unwrap_or(k.as_str()).to_owned())
        .collect();
    let base = match ws {
        Some(ws) => match ws.base(&args.env)? {
            Some(b) => ws.bundle_rules(&args.env, &b.digest)?,
            None => None,
        },
        None => None,
    };
    let changes = tailor_publish::diff(base.as_ref(), &p.rules);
    if !json {
        println!(
            "{} version {} ({}) by {}, signed by {}; verified against {trusted}",
            p.environment,
            p.version,
            verified.digest,
            p.author,
            names.join(", ")
        );
        println!("changes against this workspace's base:\n{}", changes.summary());
    }
    if args.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let Some(key_name) = &args.key else {
        bail!("--key NAME is needed to approve (or --dry-run to review only)")
    };
    let key = tailor_bundle::KeyStore::open_default()?
        .load(key_name)
        .with_context(|| format!("loading signing key {key_name}"))?;
    let mut envelope: tailor_bundle::Envelope = serde_json::from_slice(&bytes)?;
    let signature = tailor_bundle::cosign(&envelope, &key)?;
    if envelope.signatures.iter().any(|s| s.keyid == signature.keyid) {
        bail!("key {key_name} has already signed this bundle: a second approval needs another key");
    }
    envelope.signatures.push(signature);
    let out = args.output.clone().unwrap_or_else(|| path.to_path_buf());
    std::fs::write(&out, envelope.to_json()).with_context(|| format!("writing {}", out.display()))?;
    let threshold = trust.environments.get(&args.env).map_or(1, |t| t.threshold);
    let count = verified.keyids.len() + 1;
    if json {
        println!(
            "{}",
            serde_json::json!({"file": out, "digest": verified.digest, "signatures": count, "threshold": threshold})
        );
    } else {
        println!(
            "signed: {} now holds {count} of {threshold} signature(s)",
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
