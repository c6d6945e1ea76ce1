//! `tailor estimate`: off-policy estimates of the workspace's draft plan
//! from logged events (docs/estimation.md). The work is done by
//! `tailor_estimate`; this module opens the workspace, reads the events
//! (JSON Lines, a CSV export with a column mapping, or decision logs joined
//! with an outcomes file) and prints.
//!
//! `tailor import events` reads the same sources and stores them in the
//! workspace; `tailor estimate WS` then uses the stored events, as the app's
//! Estimates view does (both through `tailor_estimate::estimate_draft`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use jiff::Timestamp;
use tailor_estimate::read::{
    JoinReport, Mapping, PlacementSource, PropensitySource, events_from_csv, events_from_decision_log, events_from_jsonl,
    parse_pairs,
};
use tailor_estimate::{Estimate, EstimateReport, EstimateRequest, Event, PolicySummary, Status, estimate_draft};
use tailor_store::Workspace;

/// Where events come from: JSON Lines, a CSV export with a column mapping,
/// or decision logs joined with an outcomes file. Shared by `tailor import
/// events` and `tailor estimate --events`.
#[derive(Args)]
pub struct EventInput {
    /// Outcome files (JSON Lines, e.g. the service's `outcomes-*.jsonl`) to
    /// join with decision log files given as events; several may follow.
    #[arg(long, num_args = 1..)]
    pub outcomes: Vec<PathBuf>,
    /// Shopper attributes (JSON Lines, flat objects with `id`) for decision logs.
    #[arg(long, requires = "outcomes")]
    pub shoppers: Option<PathBuf>,

    // CSV mapping.
    /// CSV: page type of every row.
    #[arg(long)]
    pub page: Option<String>,
    /// CSV: the placement (`page.placement`) of every row.
    #[arg(long, conflicts_with = "placement_column")]
    pub placement: Option<String>,
    /// CSV: column holding the placement.
    #[arg(long)]
    pub placement_column: Option<String>,
    /// CSV: `logged value=page.placement,…` for --placement-column.
    #[arg(long, requires = "placement_column")]
    pub placement_map: Option<String>,
    /// CSV: column holding the content shown.
    #[arg(long)]
    pub action_column: Option<String>,
    /// CSV: `logged value=content_id,…`.
    #[arg(long)]
    pub action_map: Option<String>,
    /// CSV: prefix added to the (mapped) action, e.g. `item_`.
    #[arg(long, default_value = "")]
    pub action_prefix: String,
    /// CSV: column holding the propensity.
    #[arg(long, conflicts_with = "propensity")]
    pub propensity_column: Option<String>,
    /// CSV: the same propensity for every row.
    #[arg(long)]
    pub propensity: Option<f64>,
    /// CSV: outcome column (repeatable); each is a reward of that name.
    #[arg(long)]
    pub reward_column: Vec<String>,
    /// CSV: shopper id column (the row number when absent).
    #[arg(long)]
    pub shopper_id_column: Option<String>,
    /// CSV: decision time column (RFC 3339).
    #[arg(long)]
    pub time_column: Option<String>,
    /// CSV: columns to leave out of the shopper attributes (repeatable; `prefix*`).
    #[arg(long)]
    pub ignore_column: Vec<String>,
}

#[derive(Args)]
pub struct EstimateArgs {
    pub workspace: PathBuf,
    /// Logged events from files instead of those imported into the
    /// workspace: `.jsonl`, `.csv` (with the mapping flags) or decision log
    /// files (with --outcomes); repeatable.
    #[arg(long, num_args = 1..)]
    pub events: Vec<PathBuf>,
    /// Only the imported event set with this id (`tailor import events` prints it).
    #[arg(long, conflicts_with = "events")]
    pub set: Option<i64>,
    #[command(flatten)]
    pub input: EventInput,
    /// The reward to estimate (`click`, `conversion`, `revenue`…); the only
    /// one, or `click`, when absent.
    #[arg(long)]
    pub reward: Option<String>,
    /// Decide the draft at this instant for every event (RFC 3339) instead
    /// of each event's own time.
    #[arg(long)]
    pub at: Option<Timestamp>,
    /// Percentile bootstrap intervals with N resamples (normal otherwise).
    #[arg(long, value_name = "N")]
    pub bootstrap: Option<usize>,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Args)]
pub struct ImportEventsArgs {
    pub workspace: PathBuf,
    /// `.jsonl`/`.ndjson` events, a `.csv` export (with the mapping flags),
    /// or decision log files (with --outcomes).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub input: EventInput,
    /// Name of the event set (default: the first file's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Read and check the events without storing them.
    #[arg(long)]
    pub dry_run: bool,
}

fn csv_mapping(a: &EventInput) -> Result<Mapping> {
    let page = a.page.clone().context("a CSV needs --page")?;
    let placement = match (&a.placement, &a.placement_column) {
        (Some(p), None) => PlacementSource::Fixed(p.clone()),
        (None, Some(c)) => PlacementSource::Column {
            column: c.clone(),
            map: a.placement_map.as_deref().map(parse_pairs).transpose().map_err(anyhow::Error::msg).context("--placement-map")?.unwrap_or_default(),
        },
        _ => bail!("a CSV needs --placement NAME or --placement-column COL"),
    };
    let propensity = match (&a.propensity_column, a.propensity) {
        (Some(c), None) => PropensitySource::Column(c.clone()),
        (None, Some(p)) => PropensitySource::Fixed(p),
        _ => bail!("a CSV needs --propensity-column COL or --propensity VALUE"),
    };
    if a.reward_column.is_empty() {
        bail!("a CSV needs --reward-column COL");
    }
    Ok(Mapping {
        page,
        placement,
        action_column: a.action_column.clone().context("a CSV needs --action-column")?,
        action_map: a.action_map.as_deref().map(parse_pairs).transpose().map_err(anyhow::Error::msg).context("--action-map")?.unwrap_or_default(),
        action_prefix: a.action_prefix.clone(),
        propensity,
        reward_columns: a.reward_column.clone(),
        shopper_id_column: a.shopper_id_column.clone(),
        time_column: a.time_column.clone(),
        ignore_columns: a.ignore_column.clone(),
    })
}

fn read_events(files: &[PathBuf], input: &EventInput) -> Result<(Vec<Event>, Option<JoinReport>)> {
    if !input.outcomes.is_empty() {
        let (events, report) = events_from_decision_log(files, &input.outcomes, input.shoppers.as_deref())?;
        return Ok((events, Some(report)));
    }
    let mut events = Vec::new();
    for path in files {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => events.extend(events_from_jsonl(path)?),
            "csv" => events.extend(events_from_csv(path, &csv_mapping(input)?)?),
            _ => bail!("{}: expected a .jsonl, .ndjson or .csv file", path.display()),
        }
    }
    Ok((events, None))
}

/// `value` as JSON, with the decision-log join's counts under `join` when there was one.
fn with_join(value: &impl serde::Serialize, join: Option<&JoinReport>) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(value)?;
    if let (Some(j), Some(obj)) = (join, v.as_object_mut()) {
        obj.insert("join".into(), serde_json::to_value(j)?);
    }
    Ok(v)
}

fn join_text(j: &JoinReport) -> String {
    format!(
        "joined {} decisions with outcomes: {} events ({} with an outcome line, {} outcome lines unmatched, {} without attributes)\n",
        j.decisions, j.events, j.with_outcomes, j.unmatched_outcomes, j.without_attributes
    )
}

fn fmt(e: &Estimate, pct: bool) -> String {
    let k = if pct { 100.0 } else { 1.0 };
    let u = if pct { "%" } else { "" };
    match e.status {
        Status::Ok => format!(
            "{:.3}{u}  [{:.3}{u}, {:.3}{u}]",
            e.value.unwrap_or(f64::NAN) * k,
            e.ci_low.unwrap_or(f64::NAN) * k,
            e.ci_high.unwrap_or(f64::NAN) * k
        ),
        Status::InsufficientData => e.reason.clone().unwrap_or_else(|| "not enough data".into()),
    }
}

fn summary_text(out: &mut String, s: &PolicySummary, pct: bool, indent: &str) {
    out.push_str(&format!(
        "{indent}events {}  matched {} ({} with a positive outcome)  effective sample size {:.1}\n",
        s.events, s.matched, s.matched_positive, s.ess
    ));
    for (name, e, d) in [
        ("logged", &s.logged, None),
        ("IPS", &s.ips, Some(&s.difference.ips)),
        ("SNIPS", &s.snips, Some(&s.difference.snips)),
        ("DR", &s.dr, Some(&s.difference.dr)),
    ] {
        out.push_str(&format!("{indent}  {name:<7} {}\n", fmt(e, pct)));
        if let Some(d) = d.filter(|d| d.status == Status::Ok) {
            out.push_str(&format!("{indent}          draft − logged {}\n", fmt(d, pct)));
        }
    }
}

fn text(r: &EstimateReport, join: Option<&JoinReport>) -> String {
    // Rates (0/1 outcomes) in percent; other rewards as they are.
    let pct = r.overall.logged.value.is_none_or(|v| (0.0..=1.0).contains(&v));
    let mut out = String::new();
    if let Some(j) = join {
        out.push_str(&join_text(j));
    }
    out.push_str(&format!(
        "Estimated `{}` of the draft (95% intervals, {}; estimates from logged data, not a forecast)\n",
        r.reward,
        match r.ci_method {
            tailor_estimate::CiMethod::Normal => "normal approximation",
            tailor_estimate::CiMethod::BootstrapPercentile => "percentile bootstrap",
        }
    ));
    summary_text(&mut out, &r.overall, pct, "");
    if r.placements.len() > 1 {
        for (p, s) in &r.placements {
            out.push_str(&format!("\nplacement {p}\n"));
            summary_text(&mut out, s, pct, "  ");
        }
    }
    for e in &r.entries {
        out.push_str(&format!("\nentry {} ({})\n", e.entry, e.placement));
        summary_text(&mut out, &e.draft, pct, "  ");
        out.push_str(&format!("    treatment vs control (SNIPS): {} vs {}\n", fmt(&e.treatment.snips, pct), fmt(&e.control.snips, pct)));
        out.push_str(&format!("    lift: {}\n", fmt(&e.lift.snips, pct)));
    }
    for (dim, cells) in &r.breakdowns {
        out.push_str(&format!("\nby {dim}\n"));
        for (v, s) in cells {
            out.push_str(&format!("  {v}: events {} matched {}  SNIPS {}\n", s.events, s.matched, fmt(&s.snips, pct)));
        }
    }
    for n in &r.notes {
        out.push_str(&format!("\nnote: {n}"));
    }
    out
}

pub fn run_estimate(args: EstimateArgs, json: bool) -> Result<ExitCode> {
    let mut ws = Workspace::open(&args.workspace).with_context(|| format!("opening {}", args.workspace.display()))?;
    let plan = ws.plan()?;
    let snapshot = ws.snapshot()?;
    let (events, join) = if args.events.is_empty() {
        let events = ws.events(args.set)?;
        if events.is_empty() {
            bail!(
                "{} holds no events{}: import some with `tailor import events`, or give files with --events",
                args.workspace.display(),
                args.set.map(|s| format!(" in set {s}")).unwrap_or_default()
            );
        }
        (events, None)
    } else {
        read_events(&args.events, &args.input)?
    };
    let request = EstimateRequest { reward: args.reward, at: args.at.map(|t| t.to_string()), bootstrap: args.bootstrap, seed: Some(args.seed) };
    let report = estimate_draft(&snapshot, &plan, &events, &request, Timestamp::now())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&with_join(&report, join.as_ref())?)?);
    } else {
        println!("{}", text(&report, join.as_ref()));
    }
    Ok(ExitCode::SUCCESS)
}

/// `tailor import events`: reads the files (atomic, row-numbered errors)
/// and stores them as one event set.
pub fn run_import_events(args: ImportEventsArgs, json: bool) -> Result<ExitCode> {
    let mut ws = Workspace::open(&args.workspace).with_context(|| format!("opening {}", args.workspace.display()))?;
    let (events, join) = read_events(&args.files, &args.input)?;
    let source = args.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ");
    let name = args.name.clone().unwrap_or_else(|| {
        args.files[0].file_name().map_or_else(|| source.clone(), |n| n.to_string_lossy().into_owned())
    });
    if args.dry_run {
        let rewards: Vec<String> = tailor_estimate::rewards(&events).into_iter().collect();
        if json {
            println!("{}", serde_json::json!({"dry_run": true, "count": events.len(), "rewards": rewards, "join": join}));
        } else {
            print!("{}", join.as_ref().map(join_text).unwrap_or_default());
            println!("{} events read from {source} (rewards: {}); nothing stored (--dry-run)", events.len(), rewards.join(", "));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let set = ws.import_events(&name, &source, &events)?;
    if json {
        println!("{}", with_join(&set, join.as_ref())?);
    } else {
        print!("{}", join.as_ref().map(join_text).unwrap_or_default());
        println!(
            "imported {} events as set {} \"{}\" (rewards: {}); estimate with `tailor estimate {}`",
            set.count,
            set.id,
            set.name,
            set.rewards.join(", "),
            args.workspace.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
