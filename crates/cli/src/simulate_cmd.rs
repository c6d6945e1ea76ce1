//! `tailor simulate` (batch simulation, impact diff against the published
//! bundle) and `tailor generate shoppers` (seeded synthetic shoppers). The
//! work is done by `tailor_sim`; this module opens the workspace, picks the
//! shopper source, shows progress and prints.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, bail};
use base64::Engine;
use clap::Args;
use jiff::{Span, Timestamp};
use tailor_engine::plan::Plan;
use tailor_sim::impact::{ImpactReport, impact};
use tailor_sim::simulate::{SimOptions, SimReport, simulate, times_between};
use tailor_sim::{Progress, ShopperStream};
use tailor_store::Workspace;

#[derive(Args)]
pub struct SimulateArgs {
    pub workspace: PathBuf,
    /// Shoppers to simulate (`.jsonl`/`.ndjson`, `.csv` or `.parquet`), streamed; the
    /// workspace's sample shoppers when absent.
    #[arg(long)]
    pub shoppers: Option<PathBuf>,
    /// The CSV is the UCI Online Shoppers data set: add customer_type,
    /// traffic_source, device… (see docs/simulation.md).
    #[arg(long)]
    pub uci: bool,
    /// Page types to decide (repeatable); all when absent.
    #[arg(long)]
    pub page: Vec<String>,
    /// When pages are shown (RFC 3339); now when absent.
    #[arg(long)]
    pub at: Option<Timestamp>,
    /// Start of a date range (with --to): one run per --step.
    #[arg(long, requires = "to")]
    pub from: Option<Timestamp>,
    #[arg(long, requires = "from")]
    pub to: Option<Timestamp>,
    /// Step of the date range, e.g. `1d`, `6h`.
    #[arg(long, default_value = "1d")]
    pub step: Span,
    /// Compare the draft with the last published bundle (impact diff).
    #[arg(long)]
    pub against_published: bool,
    /// Environment of the published bundle (any when absent).
    #[arg(long)]
    pub env: Option<String>,
    /// Also write a self-contained HTML report.
    #[arg(long)]
    pub html: Option<PathBuf>,
    /// Also write every metric as CSV.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Worker threads (all cores when absent).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Example shoppers kept per number.
    #[arg(long, default_value_t = 20)]
    pub examples: usize,
}

fn file_stream<'a>(path: &Path, uci: bool) -> Result<ShopperStream<'a>> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    Ok(match ext.as_str() {
        "jsonl" | "ndjson" => tailor_sim::shoppers_from_jsonl(path)?,
        "csv" => tailor_sim::shoppers_from_csv(path, uci)?,
        "parquet" | "parq" | "pq" => tailor_sim::shoppers_from_parquet(path)?,
        _ => bail!("{}: expected a .jsonl, .ndjson, .csv or .parquet file", path.display()),
    })
}

/// The compiled rules of the last bundle published from this workspace.
fn published_plan(ws: &Workspace, env: Option<&str>) -> Result<Plan> {
    let records = ws.published(env, true)?;
    let rec = records.first().with_context(|| match env {
        Some(e) => format!("nothing has been published to \"{e}\" from this workspace"),
        None => "nothing has been published from this workspace".to_owned(),
    })?;
    let envelope: tailor_bundle::Envelope =
        serde_json::from_str(&rec.envelope).with_context(|| format!("published bundle v{}: envelope", rec.version))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(envelope.payload.as_bytes())
        .with_context(|| format!("published bundle v{}: payload is not base64", rec.version))?;
    let payload: tailor_bundle::BundlePayload =
        serde_json::from_slice(&bytes).with_context(|| format!("published bundle v{}: payload", rec.version))?;
    let mut plan = Plan::compile(&payload.rules).map_err(|errs| {
        let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("published bundle v{} does not compile: {}", rec.version, msgs.join("; "))
    })?;
    plan.digest = Some(rec.digest.clone());
    plan.version = Some(rec.version);
    Ok(plan)
}

fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(1000);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{bar:40}] {percent}% {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    Some(bar)
}

fn on_progress(bar: &Option<indicatif::ProgressBar>, p: Progress) {
    if let Some(bar) = bar {
        if let Some(f) = p.fraction {
            bar.set_position((f.clamp(0.0, 1.0) * 1000.0) as u64);
        }
        let eta = p.eta_ms.map_or(String::new(), |ms| format!(", about {}s left", ms.div_ceil(1000)));
        bar.set_message(format!("{} shoppers{eta}", p.done));
    }
}

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`, version 3: the
/// sys crate leaves this option unnamed); its default there is 1,000 ms.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps the memory a simulation frees instead of giving it back to the OS
/// (the process ends with the run), unless `MIMALLOC_PURGE_DELAY` says
/// otherwise: every batch frees and takes again the same megabytes (a
/// Parquet batch, a chunk of typed shoppers), which otherwise come back as
/// fresh pages the kernel zeroes: a quarter of the page faults and about 3%
/// of a 1,000,000-shopper run (docs/PERFORMANCE.md).
fn keep_freed_memory_for_batches() {
    // SAFETY: called before the run starts its threads; the option is read
    // first, so any value but the documented default (the user's, or
    // another option's after a version change) is left alone.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == 1000 {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        }
    }
}

/// `tailor simulate`.
pub fn run_simulate(args: SimulateArgs, json: bool) -> Result<ExitCode> {
    keep_freed_memory_for_batches();
    let mut ws = Workspace::open(&args.workspace).with_context(|| format!("opening {}", args.workspace.display()))?;
    let plan = ws.plan()?;
    let snapshot = ws.snapshot()?;
    let times = match (args.from, args.to) {
        (Some(from), Some(to)) => {
            let t = times_between(from, to, args.step);
            if t.is_empty() {
                bail!("--from {from} --to {to} --step {}: no instant in the range", args.step);
            }
            t
        }
        _ => vec![args.at.unwrap_or_else(Timestamp::now)],
    };
    let mut opts = SimOptions::for_snapshot(&snapshot, times[0]);
    opts.times = times;
    opts.pages = (!args.page.is_empty()).then(|| args.page.clone());
    opts.threads = args.threads;
    opts.drilldown_limit = args.examples;
    let table;
    let source = match &args.shoppers {
        Some(path) => file_stream(path, args.uci)?,
        None => {
            table = ws.shopper_table()?.1;
            tailor_sim::from_table(&table)
        }
    };
    let bar = progress_bar();
    let progress = |p: Progress| on_progress(&bar, p);
    let cancel = AtomicBool::new(false);

    if args.against_published {
        let base = published_plan(&ws, args.env.as_deref())?;
        let report = impact(&plan, &base, source, &opts, &progress, &cancel)?;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        if json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", impact_text(&report));
        }
        return Ok(ExitCode::SUCCESS);
    }

    let report = simulate(&plan, source, &opts, &progress, &cancel)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &args.html {
        write(path, report.to_html().as_bytes())?;
    }
    if let Some(path) = &args.csv {
        write(path, report.to_csv().as_bytes())?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", summary_text(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn pct(n: u64, d: u64) -> String {
    if d == 0 { "-".into() } else { format!("{:.1}%", n as f64 * 100.0 / d as f64) }
}

fn summary_text(r: &SimReport) -> String {
    let mut s = String::new();
    let rate = r.shoppers as f64 * 1000.0 / r.elapsed_ms.max(1) as f64;
    s.push_str(&format!(
        "{} shoppers, {} page views in {:.1} s ({rate:.0} shoppers/s){}\n",
        r.shoppers,
        r.page_views,
        r.elapsed_ms as f64 / 1000.0,
        r.bundle_digest.as_ref().map_or(String::new(), |d| format!(", bundle {d}"))
    ));
    s.push_str("\nPages (views with 0, 1, 2… personalized blocks)\n");
    for p in &r.pages {
        let hist: Vec<String> = p.blocks_histogram.iter().map(u64::to_string).collect();
        s.push_str(&format!("  {:<20} {:>10} views  [{}]\n", p.page, p.views, hist.join(", ")));
        for pl in &p.placements {
            let fb: Vec<String> = pl.fallbacks.iter().map(|(k, v)| format!("{k} {v}")).collect();
            s.push_str(&format!("    {:<28} personalized {:>6}  {}\n", pl.placement, pct(pl.personalized, p.views), fb.join(", ")));
        }
    }
    s.push_str("\nEntries (views, shoppers reached, held out)\n");
    for e in &r.entries {
        s.push_str(&format!("  {:<28} {:>10} {:>10} ({:>6}) {:>8}\n", e.entry, e.views, e.shoppers, pct(e.shoppers, r.shoppers), e.holdout));
    }
    s.push_str("\nSegments (matched, shown an entry)\n");
    for g in &r.segments {
        s.push_str(&format!("  {:<28} {:>10} ({:>6}) {:>10}\n", g.segment, g.matched, pct(g.matched, r.shoppers), g.saw_entry));
    }
    s.push_str("\nFallbacks and drops\n");
    for (k, v) in &r.fallbacks {
        s.push_str(&format!("  {k:<28} {v:>10}\n"));
    }
    for (k, v) in &r.too_few_products {
        s.push_str(&format!("    too few products: {k:<14} {v:>10}\n"));
    }
    let b = &r.breakdowns;
    for (name, cells) in [("traffic source", &b.traffic_source), ("customer type", &b.customer_type), ("device", &b.device), ("category", &b.category)] {
        if cells.is_empty() {
            continue;
        }
        s.push_str(&format!("\nBy {name} (views, personalized blocks per view)\n"));
        for (k, c) in cells {
            let per = if c.views == 0 { 0.0 } else { c.personalized as f64 / c.views as f64 };
            s.push_str(&format!("  {k:<28} {:>10} {per:>6.2}\n", c.views));
        }
    }
    s
}

fn impact_text(r: &ImpactReport) -> String {
    let mut s = format!(
        "Draft vs {}: {} of {} shoppers ({}) and {} of {} page views see something different\n",
        r.base_digest.as_deref().unwrap_or("base"),
        r.changed_shoppers,
        r.shoppers,
        pct(r.changed_shoppers, r.shoppers),
        r.changed_views,
        r.page_views
    );
    for p in r.placements.iter().filter(|p| p.changed > 0) {
        let by: Vec<String> = p.by_segment.iter().map(|(k, v)| format!("{k} {v}")).collect();
        s.push_str(&format!("  {:<28} {:>8} changed ({})  {}\n", p.placement, p.changed, pct(p.changed, p.views), by.join(", ")));
        for ex in p.examples.iter().take(3) {
            s.push_str(&format!(
                "      {}: {} -> {}\n",
                ex.shopper,
                ex.before.content.as_deref().unwrap_or("(nothing)"),
                ex.after.content.as_deref().unwrap_or("(nothing)")
            ));
        }
    }
    s
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Generator spec (YAML or JSON); the built-in e-commerce spec when absent.
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Number of shoppers.
    #[arg(short = 'n', long, default_value_t = 1000)]
    pub count: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output JSON Lines file (stdout when absent); a name ending in
    /// `.parquet` writes Parquet.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Print the built-in personas (JSON Lines) instead.
    #[arg(long)]
    pub personas: bool,
}

/// `tailor generate shoppers`.
pub fn run_generate(args: GenerateArgs) -> Result<ExitCode> {
    let parquet = args.output.as_ref().is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")));
    if parquet && args.personas {
        bail!("personas are written as JSON Lines; use an output name not ending in .parquet");
    }
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    if args.personas {
        for p in tailor_sim::generator::builtin_personas() {
            serde_json::to_writer(&mut out, &p)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let spec = match &args.spec {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            serde_norway::from_str::<tailor_sim::generator::GeneratorSpec>(&text)
                .with_context(|| format!("{}: not a generator spec", path.display()))?
        }
        None => tailor_sim::generator::default_spec(),
    };
    spec.validate()?;
    if let (true, Some(path)) = (parquet, &args.output) {
        drop(out);
        crate::parquet_out::write_shoppers(&spec, args.count, args.seed, path)?;
        return Ok(ExitCode::SUCCESS);
    }
    for shopper in tailor_sim::generator::generate(&spec, args.count, args.seed) {
        serde_json::to_writer(&mut out, &shopper)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
