//! `tailor estimate`: off-policy estimates of the workspace's draft plan
//! from logged events (docs/estimation.md). The work is done by
//! `tailor_estimate`; this module opens the workspace, reads the events
//! (JSON Lines, a CSV export with a column mapping, or decision logs joined
//! with an outcomes file) and prints.
//!
//! Events are read from files for now; importing them into the workspace
//! (`tailor import events`) comes with the store's events table.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use jiff::Timestamp;
use tailor_estimate::read::{
    JoinReport, Mapping, PlacementSource, PropensitySource, events_from_csv, events_from_decision_log, events_from_jsonl,
    parse_pairs,
};
use tailor_estimate::{Bootstrap, EntryArms, Estimate, EstimateOptions, EstimateReport, Event, PolicySummary, Status, estimate};
use tailor_store::Workspace;

#[derive(Args)]
pub struct EstimateArgs {
    pub workspace: PathBuf,
    /// Logged events: `.jsonl` (one event per line), `.csv` (with the
    /// mapping flags below), or decision log files (with --outcomes; repeatable).
    #[arg(long, required = true)]
    pub events: Vec<PathBuf>,
    /// Outcomes (JSON Lines) to join with decision log files given as --events.
    #[arg(long)]
    pub outcomes: Option<PathBuf>,
    /// Shopper attributes (JSON Lines, flat objects with `id`) for decision logs.
    #[arg(long, requires = "outcomes")]
    pub shoppers: Option<PathBuf>,
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

fn csv_mapping(a: &EstimateArgs) -> Result<Mapping> {
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

fn read_events(a: &EstimateArgs) -> Result<(Vec<Event>, Option<JoinReport>)> {
    if let Some(outcomes) = &a.outcomes {
        let (events, report) = events_from_decision_log(&a.events, outcomes, a.shoppers.as_deref())?;
        return Ok((events, Some(report)));
    }
    let mut events = Vec::new();
    for path in &a.events {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => events.extend(events_from_jsonl(path)?),
            "csv" => events.extend(events_from_csv(path, &csv_mapping(a)?)?),
            _ => bail!("{}: expected a .jsonl, .ndjson or .csv file", path.display()),
        }
    }
    Ok((events, None))
}

fn pick_reward(events: &[Event], asked: Option<&str>) -> Result<String> {
    if let Some(r) = asked {
        return Ok(r.to_owned());
    }
    let names: std::collections::BTreeSet<&str> = events.iter().flat_map(|e| e.rewards.keys().map(String::as_str)).collect();
    match names.len() {
        0 => bail!("the events carry no outcome to estimate"),
        1 => Ok(names.into_iter().next().unwrap_or_default().to_owned()),
        _ if names.contains("click") => Ok("click".into()),
        _ => bail!("several outcomes ({}): choose one with --reward", names.into_iter().collect::<Vec<_>>().join(", ")),
    }
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
        out.push_str(&format!(
            "joined {} decisions with outcomes: {} events ({} with an outcome line, {} outcome lines unmatched, {} without attributes)\n",
            j.decisions, j.events, j.with_outcomes, j.unmatched_outcomes, j.without_attributes
        ));
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
    let (events, join) = read_events(&args)?;
    let reward = pick_reward(&events, args.reward.as_deref())?;
    let opts = EstimateOptions {
        at: args.at,
        fallback_at: Some(Timestamp::now()),
        arms: EntryArms::from_snapshot(&snapshot),
        bootstrap: args.bootstrap.map(|resamples| Bootstrap { resamples, seed: args.seed }),
        ..Default::default()
    };
    let report = estimate(&plan, &events, &reward, &opts)?;
    if json {
        let mut v = serde_json::to_value(&report)?;
        if let (Some(j), Some(obj)) = (&join, v.as_object_mut()) {
            obj.insert("join".into(), serde_json::to_value(j)?);
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("{}", text(&report, join.as_ref()));
    }
    Ok(ExitCode::SUCCESS)
}
