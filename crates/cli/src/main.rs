//! `tailor`: the command line over the same crates the desktop app uses.
//! Every command takes `--format json`; errors go to stderr with exit code 2
//! (lint findings of severity error exit with 1).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use tailor_model::{AttrType, Attribute, AttributeName};
use tailor_store::Workspace;
use tailor_store::types::ImportOptions;


/// Batch simulation allocates and frees millions of small decision records;
/// mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod approve_cmd;
mod bundle_cmd;
mod collab_cmd;
mod estimate_cmd;
mod parquet_out;
mod publish_cmd;
mod serve_cmd;
mod simulate_cmd;

#[derive(Parser)]
#[command(name = "tailor", version, about = "Author, simulate and publish shopper personalization rules")]
struct Cli {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new workspace file.
    Init {
        workspace: PathBuf,
        /// Start from a bundled example.
        #[arg(long, conflicts_with = "from", value_parser = clap::builder::PossibleValuesParser::new(tailor_store::example_names()))]
        example: Option<String>,
        /// Start from what a decision service serves (with --env): the new
        /// workspace's base is that environment's active bundle.
        #[arg(long, requires = "env")]
        from: Option<String>,
        /// The environment to start from (with --from).
        #[arg(long, requires = "from")]
        env: Option<String>,
        /// Trust file to verify the bundle against (with --from).
        #[arg(long, requires = "from")]
        trust: Option<PathBuf>,
    },
    /// Shopper attributes.
    #[command(subcommand)]
    Attribute(AttributeCmd),
    /// Segments.
    #[command(subcommand)]
    Segment(SegmentCmd),
    /// Import data into a workspace.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Apply a spec file (YAML) to a workspace.
    Apply {
        workspace: PathBuf,
        file: PathBuf,
        /// Delete entities the file does not mention.
        #[arg(long)]
        prune: bool,
    },
    /// Print the workspace as a spec file (YAML).
    Export {
        workspace: PathBuf,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check the workspace for problems (exit 1 on errors).
    Lint { workspace: PathBuf },
    /// Decide one shopper's page and show why (the same engine as the service).
    Explain(ExplainArgs),
    /// The deterministic bucket (GrowthBook hash v2) of a unit under a seed.
    Bucket {
        #[arg(long)]
        seed: String,
        #[arg(long)]
        unit: String,
    },
    /// Simulate the rules over sample shoppers (or diff against the published bundle).
    Simulate(simulate_cmd::SimulateArgs),
    /// Generate sample data.
    #[command(subcommand)]
    Generate(GenerateCmd),
    /// Estimate the draft's outcomes from logged events (off-policy evaluation).
    Estimate(estimate_cmd::EstimateArgs),
    /// Signing keys (kept outside workspaces).
    #[command(subcommand)]
    Keys(bundle_cmd::KeysCmd),
    /// Per-environment publish tokens in the OS keyring.
    #[command(subcommand)]
    Token(bundle_cmd::TokenCmd),
    /// Build and verify signed bundles.
    #[command(subcommand)]
    Bundle(bundle_cmd::BundleCmd),
    /// Run the decision service (HTTP API: docs/http-api.md).
    Serve(serve_cmd::ServeArgs),
    /// Publish the workspace's rules to a decision service.
    Publish(publish_cmd::PublishArgs),
    /// Republish an earlier version's rules as a new version.
    Rollback(publish_cmd::RollbackArgs),
    /// Merge what an environment serves into the workspace (three-way, verified).
    Pull(collab_cmd::PullArgs),
    /// Put exactly what one environment serves (e.g. staging) live in another.
    Promote(approve_cmd::PromoteArgs),
    /// Review a bundle waiting for approval and add your signature (or list them).
    Approve(approve_cmd::ApproveArgs),
    /// The merge conflicts a pull left open.
    Conflicts { workspace: PathBuf },
    /// Resolve a merge conflict (or all of them).
    Resolve(collab_cmd::ResolveArgs),
    /// Undo the last change.
    Undo { workspace: PathBuf },
    /// Redo the last undone change.
    Redo { workspace: PathBuf },
    /// The change log, newest first.
    History {
        workspace: PathBuf,
        #[arg(long, default_value_t = 20)]
        limit: u64,
    },
}

#[derive(Subcommand)]
enum GenerateCmd {
    /// Seeded synthetic shoppers as JSON Lines (or Parquet: `-o FILE.parquet`).
    Shoppers(simulate_cmd::GenerateArgs),
}

#[derive(Subcommand)]
enum AttributeCmd {
    /// Add an attribute.
    Add {
        workspace: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long = "type", value_parser = parse_type)]
        ty: AttrType,
        /// Allowed values of an enum, comma-separated.
        #[arg(long, value_delimiter = ',')]
        values: Vec<String>,
        #[arg(long)]
        sensitive: bool,
        #[arg(long)]
        requires_consent: bool,
        #[arg(long)]
        source: Option<String>,
    },
    /// List attributes.
    List { workspace: PathBuf },
}

#[derive(Subcommand)]
enum SegmentCmd {
    /// Add a segment.
    Add {
        workspace: PathBuf,
        #[arg(long)]
        name: String,
        /// The condition, in the text syntax.
        #[arg(long)]
        when: String,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Review-by date, YYYY-MM-DD.
        #[arg(long)]
        review_by: Option<jiff::civil::Date>,
    },
    /// List segments.
    List { workspace: PathBuf },
    /// Show one segment.
    Show { workspace: PathBuf, name: String },
    /// How many sample shoppers a segment (or an ad-hoc condition) matches.
    Reach(ReachArgs),
}

#[derive(Args)]
struct ReachArgs {
    workspace: PathBuf,
    /// A saved segment.
    #[arg(required_unless_present = "when", conflicts_with = "when")]
    name: Option<String>,
    /// An ad-hoc condition instead of a saved segment.
    #[arg(long)]
    when: Option<String>,
    /// How many example shoppers to print.
    #[arg(long, default_value_t = 5)]
    examples: usize,
}

#[derive(Args)]
struct ExplainArgs {
    workspace: PathBuf,
    /// A sample shopper's id.
    #[arg(long, required_unless_present_any = ["shopper_json", "persona", "shoppers_file"], conflicts_with_all = ["shopper_json", "persona", "shoppers_file"])]
    shopper: Option<String>,
    /// Many shoppers: a JSON Lines file of flat shopper objects with `id`;
    /// one decision per line comes out (JSON Lines with `--format json`),
    /// with its `shopper`, in file order, without the trace.
    #[arg(long, conflicts_with_all = ["shopper_json", "persona"])]
    shoppers_file: Option<PathBuf>,
    /// A saved persona, by name.
    #[arg(long, conflicts_with = "shopper_json")]
    persona: Option<String>,
    /// A shopper given inline as a flat JSON object (what-if checks).
    #[arg(long)]
    shopper_json: Option<String>,
    /// The page type.
    #[arg(long)]
    page: String,
    /// The time of the visit (RFC 3339; default now).
    #[arg(long)]
    at: Option<jiff::Timestamp>,
    /// The product being viewed (product pages).
    #[arg(long)]
    product: Option<String>,
    /// Products in the cart, comma-separated.
    #[arg(long, value_delimiter = ',')]
    cart: Vec<String>,
    /// Override the page type's journey stage.
    #[arg(long)]
    stage: Option<String>,
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Import sample shoppers from CSV, JSON Lines or Parquet (atomic).
    Shoppers {
        workspace: PathBuf,
        file: PathBuf,
        /// Column with the shopper id (default: the row number).
        #[arg(long)]
        id_column: Option<String>,
        /// Report what would happen without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import products from CSV (atomic; upserts by id).
    Catalog {
        workspace: PathBuf,
        file: PathBuf,
        /// Map product fields to columns: `--map id=SKU,price="Variant Price"`.
        #[arg(long, value_delimiter = ',', value_parser = parse_mapping)]
        map: Vec<(String, String)>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Import logged events for estimates (atomic; one event set per import).
    Events(estimate_cmd::ImportEventsArgs),
}

fn parse_mapping(s: &str) -> Result<(String, String), String> {
    let (field, column) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FIELD=COLUMN, found \"{s}\""))?;
    Ok((field.trim().to_owned(), column.trim().trim_matches('"').to_owned()))
}

fn parse_type(s: &str) -> Result<AttrType, String> {
    serde_json::from_value(serde_json::Value::String(s.into()))
        .map_err(|_| "expected one of string, number, bool, date, string_list, enum".into())
}

fn main() -> ExitCode {
    // Like other Unix tools: `tailor … | head` ends quietly when head exits,
    // instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            // 3: the workspace is behind the environment (or has open
            // conflicts): pull, resolve, then publish.
            match e.downcast_ref::<tailor_publish::PublishError>() {
                Some(tailor_publish::PublishError::Behind { .. } | tailor_publish::PublishError::OpenConflicts(_)) => {
                    ExitCode::from(3)
                }
                _ => ExitCode::from(2),
            }
        }
    }
}

fn open(path: &Path) -> Result<Workspace> {
    Ok(Workspace::open(path)?)
}

/// Prints `value` as JSON, or `text` for humans.
fn emit<T: Serialize>(format: Format, value: &T, text: impl FnOnce() -> String) -> Result<()> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(value)?),
        Format::Text => {
            let t = text();
            if !t.is_empty() {
                println!("{t}");
            }
        }
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode> {
    let f = cli.format;
    match cli.command {
        Command::Init { workspace, from: Some(url), env: Some(env), trust, .. } => {
            return collab_cmd::run_init_from(&workspace, url, env, trust, f == Format::Json);
        }
        Command::Init { workspace, example, .. } => {
            let mut ws = Workspace::create(&workspace)?;
            if let Some(name) = example {
                tailor_store::load_example(&mut ws, &name)
                    .with_context(|| format!("loading example {name}"))?;
            }
            let info = ws.info()?;
            emit(f, &info, || {
                format!(
                    "created {} ({} attributes, {} segments, {} shoppers)",
                    info.path, info.attribute_count, info.segment_count, info.shopper_count
                )
            })?;
        }
        Command::Attribute(AttributeCmd::Add {
            workspace,
            name,
            ty,
            values,
            sensitive,
            requires_consent,
            source,
        }) => {
            let mut ws = open(&workspace)?;
            let attr = Attribute {
                name: AttributeName(name),
                ty,
                values,
                sensitive,
                requires_consent,
                source,
            };
            let row = ws.save_attribute(&attr, None)?;
            emit(f, &row, || format!("added attribute {} ({})", attr.name, attr.ty))?;
        }
        Command::Attribute(AttributeCmd::List { workspace }) => {
            let ws = open(&workspace)?;
            let rows = ws.attributes()?;
            emit(f, &rows, || {
                rows.iter()
                    .map(|r| {
                        let a = &r.attribute;
                        let mut line = format!("{}\t{}", a.name, a.ty);
                        if !a.values.is_empty() {
                            line += &format!("({})", a.values.join(", "));
                        }
                        if a.sensitive {
                            line += "\tsensitive";
                        }
                        if a.requires_consent {
                            line += "\trequires consent";
                        }
                        line
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        Command::Segment(cmd) => return segment(f, cmd),
        Command::Import(ImportCmd::Shoppers {
            workspace,
            file,
            id_column,
            dry_run,
        }) => {
            let mut ws = open(&workspace)?;
            let report = ws.import_shoppers(&file, &ImportOptions { id_column }, dry_run)?;
            emit(f, &report, || {
                let mut out = format!(
                    "{} {} shoppers from {}",
                    if dry_run { "would import" } else { "imported" },
                    report.rows,
                    report.file
                );
                for c in &report.columns {
                    out += &format!(
                        "\n  {} -> {} ({}{})",
                        c.column,
                        c.attribute,
                        c.ty,
                        if c.existing { ", existing" } else { ", new" }
                    );
                }
                out
            })?;
        }
        Command::Import(ImportCmd::Catalog {
            workspace,
            file,
            map,
            dry_run,
        }) => {
            let mut ws = open(&workspace)?;
            let mapping = map.into_iter().collect();
            let report = ws.import_catalog(&file, &mapping, dry_run)?;
            emit(f, &report, || {
                let mut out = format!(
                    "{} {} products from {} ({} new, {} updated)",
                    if dry_run { "would import" } else { "imported" },
                    report.rows,
                    report.file,
                    report.created,
                    report.updated
                );
                for (column, field) in &report.mapping {
                    out += &format!("\n  {column} -> {field}");
                }
                out
            })?;
        }
        Command::Explain(args) => return explain(f, args),
        Command::Simulate(args) => return simulate_cmd::run_simulate(args, f == Format::Json),
        Command::Estimate(args) => return estimate_cmd::run_estimate(args, f == Format::Json),
        Command::Import(ImportCmd::Events(args)) => return estimate_cmd::run_import_events(args, f == Format::Json),
        Command::Generate(GenerateCmd::Shoppers(args)) => return simulate_cmd::run_generate(args),
        Command::Keys(cmd) => bundle_cmd::run_keys(cmd, f == Format::Json)?,
        Command::Token(cmd) => bundle_cmd::run_token(cmd, f == Format::Json)?,
        Command::Bundle(cmd) => return bundle_cmd::run_bundle(cmd, f == Format::Json),
        Command::Serve(args) => serve_cmd::run_serve(args)?,
        Command::Publish(args) => return publish_cmd::run_publish(args, f == Format::Json, None),
        Command::Pull(args) => return collab_cmd::run_pull(args, f == Format::Json),
        Command::Promote(args) => return approve_cmd::run_promote(args, f == Format::Json),
        Command::Approve(args) => return approve_cmd::run_approve(args, f == Format::Json),
        Command::Conflicts { workspace } => return collab_cmd::run_conflicts(&workspace, f == Format::Json),
        Command::Resolve(args) => return collab_cmd::run_resolve(args, f == Format::Json),
        Command::Rollback(args) => {
            let to = args.to_version;
            return publish_cmd::run_publish(args.publish, f == Format::Json, Some(to));
        }
        Command::Bucket { seed, unit } => {
            let b = tailor_engine::bucket(&seed, &unit);
            emit(f, &serde_json::json!({"seed": seed, "unit": unit, "bucket": b}), || b.to_string())?;
        }
        Command::Apply {
            workspace,
            file,
            prune,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let spec: tailor_model::spec::Spec = serde_norway::from_str(&text)
                .with_context(|| format!("{} is not a valid spec file", file.display()))?;
            let mut ws = open(&workspace)?;
            let report = ws.apply_spec(&spec, prune)?;
            emit(f, &report, || {
                format!(
                    "created {}, updated {}, deleted {}, unchanged {}",
                    report.created.len(),
                    report.updated.len(),
                    report.deleted.len(),
                    report.unchanged
                )
            })?;
        }
        Command::Export { workspace, output } => {
            let ws = open(&workspace)?;
            let spec = ws.export_spec()?;
            let yaml = serde_norway::to_string(&spec)?;
            match output {
                Some(path) => std::fs::write(&path, yaml)
                    .with_context(|| format!("writing {}", path.display()))?,
                None if f == Format::Json => println!("{}", serde_json::to_string_pretty(&spec)?),
                None => print!("{yaml}"),
            }
        }
        Command::Lint { workspace } => {
            let mut ws = open(&workspace)?;
            let findings = ws.lint()?;
            let errors = findings
                .iter()
                .filter(|x| x.severity == tailor_sim::lint::Severity::Error)
                .count();
            emit(f, &findings, || {
                let mut out: Vec<String> = findings
                    .iter()
                    .map(|x| {
                        let sev = match x.severity {
                            tailor_sim::lint::Severity::Error => "error",
                            tailor_sim::lint::Severity::Warning => "warning",
                        };
                        format!("{sev}[{}] {}: {}", x.rule, x.item, x.message)
                    })
                    .collect();
                out.push(format!(
                    "{} error(s), {} warning(s)",
                    errors,
                    findings.len() - errors
                ));
                out.join("\n")
            })?;
            if errors > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Undo { workspace } => {
            let mut ws = open(&workspace)?;
            let done = ws.undo()?;
            emit(f, &done, || done.as_ref().map_or("nothing to undo".into(), |s| format!("undid: {s}")))?;
        }
        Command::Redo { workspace } => {
            let mut ws = open(&workspace)?;
            let done = ws.redo()?;
            emit(f, &done, || done.as_ref().map_or("nothing to redo".into(), |s| format!("redid: {s}")))?;
        }
        Command::History { workspace, limit } => {
            let ws = open(&workspace)?;
            let rows = ws.history(limit, 20, None)?;
            emit(f, &rows, || {
                rows.iter()
                    .map(|h| format!("#{} {} {} {} ({} changes)", h.txn, h.at, h.author, h.summary, h.change_count))
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `tailor explain --shoppers-file`: the page for every shopper of a file.
fn explain_many(f: Format, args: &ExplainArgs, file: &Path) -> Result<ExitCode> {
    let mut ws = open(&args.workspace)?;
    let plan = ws.plan()?;
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let now = jiff::Timestamp::now();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let shopper: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
            .with_context(|| format!("{} line {}: not a flat JSON object", file.display(), i + 1))?;
        let id = shopper.get("id").map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).unwrap_or_default();
        let request = tailor_engine::plan::DecisionRequest {
            shopper,
            page: args.page.clone(),
            at: args.at,
            context: tailor_engine::plan::Context {
                product: args.product.clone(),
                cart: args.cart.clone(),
                stage: args.stage.clone(),
                traffic_source: None,
            },
            explain: false,
        };
        let decision = tailor_engine::plan::decide_json(&plan, &request, now)
            .with_context(|| format!("{} line {}", file.display(), i + 1))?;
        match f {
            Format::Json => {
                let mut v = serde_json::to_value(&decision)?;
                v["shopper"] = serde_json::Value::String(id);
                serde_json::to_writer(&mut out, &v)?;
                writeln!(out)?;
            }
            Format::Text => writeln!(out, "shopper {id}\n{}", decision.render_text(&plan))?,
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn explain(f: Format, args: ExplainArgs) -> Result<ExitCode> {
    if let Some(file) = &args.shoppers_file {
        return explain_many(f, &args, file);
    }
    let mut ws = open(&args.workspace)?;
    let shopper = match (&args.shopper, &args.shopper_json) {
        _ if args.persona.is_some() => {
            let name = args.persona.as_deref().unwrap_or_default();
            let persona = ws.get::<tailor_model::persona::Persona>(name)?.item;
            let mut obj = persona.shopper.clone();
            obj.insert("id".into(), serde_json::Value::String(persona.shopper_id()));
            obj
        }
        (_, Some(json)) => serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json)
            .context("--shopper-json must be a flat JSON object")?,
        (Some(id), None) => {
            let row = ws.shopper(id)?;
            let mut obj = row.values;
            obj.insert("id".into(), serde_json::Value::String(row.id));
            obj
        }
        (None, None) => bail!("give --shopper ID or --shopper-json"),
    };
    let request = tailor_engine::plan::DecisionRequest {
        shopper,
        page: args.page,
        at: args.at,
        context: tailor_engine::plan::Context {
            product: args.product,
            cart: args.cart,
            stage: args.stage,
            traffic_source: None,
        },
        explain: true,
    };
    let plan = ws.plan()?;
    let decision = tailor_engine::plan::decide_json(&plan, &request, jiff::Timestamp::now())?;
    emit(f, &decision, || decision.render_text(&plan))?;
    Ok(ExitCode::SUCCESS)
}

fn segment(f: Format, cmd: SegmentCmd) -> Result<ExitCode> {
    match cmd {
        SegmentCmd::Add {
            workspace,
            name,
            when,
            owner,
            description,
            review_by,
        } => {
            let mut ws = open(&workspace)?;
            let spec = tailor_model::spec::SegmentSpec {
                name,
                when,
                owner,
                review_by,
                description,
                doc: Default::default(),
            };
            let segment = tailor_store::segment_from_spec(&spec, &ws.schema()?)?;
            let row = ws.save_segment(&segment, None)?;
            emit(f, &row, || format!("added segment {}: {}", row.segment.name, row.condition_text))?;
        }
        SegmentCmd::List { workspace } => {
            let mut ws = open(&workspace)?;
            let rows = ws.segments()?;
            #[derive(Serialize)]
            struct Listed {
                name: String,
                when: String,
                owner: Option<String>,
                review_by: Option<jiff::civil::Date>,
                matched: u64,
                total: u64,
                share: f64,
            }
            let mut listed = Vec::new();
            for r in rows {
                let reach = ws.reach(&r.segment.condition, 0)?;
                listed.push(Listed {
                    name: r.segment.name.0,
                    when: r.condition_text,
                    owner: r.segment.owner,
                    review_by: r.segment.review_by,
                    matched: reach.matched,
                    total: reach.total,
                    share: reach.share,
                });
            }
            emit(f, &listed, || {
                listed
                    .iter()
                    .map(|l| {
                        format!(
                            "{}\t{:.1}% ({} of {})\t{}\t{}",
                            l.name,
                            l.share * 100.0,
                            l.matched,
                            l.total,
                            l.owner.as_deref().unwrap_or("-"),
                            l.when
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        SegmentCmd::Show { workspace, name } => {
            let ws = open(&workspace)?;
            let row = ws.segment(&name)?;
            emit(f, &row, || {
                let s = &row.segment;
                let mut out = format!("{}\n  when: {}", s.name, row.condition_text);
                if let Some(o) = &s.owner {
                    out += &format!("\n  owner: {o}");
                }
                if let Some(d) = &s.review_by {
                    out += &format!("\n  review by: {d}");
                }
                if let Some(d) = &s.description {
                    out += &format!("\n  {d}");
                }
                out
            })?;
        }
        SegmentCmd::Reach(args) => {
            let mut ws = open(&args.workspace)?;
            let condition = match (&args.name, &args.when) {
                (Some(name), _) => ws.segment(name)?.segment.condition,
                (None, Some(text)) => ws.parse_condition(text)?,
                (None, None) => bail!("give a segment name or --when"),
            };
            let r = ws.reach(&condition, args.examples)?;
            emit(f, &r, || {
                let mut out = format!(
                    "{} of {} sample shoppers ({:.2}%)",
                    r.matched,
                    r.total,
                    r.share * 100.0
                );
                if !r.examples.is_empty() {
                    out += &format!(
                        "\nexamples: {}",
                        r.examples.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(", ")
                    );
                }
                out
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
