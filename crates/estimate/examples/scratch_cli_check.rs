#[path = "../../cli/src/estimate_cmd.rs"]
mod estimate_cmd;
use clap::Parser;
#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    a: estimate_cmd::EstimateArgs,
    #[arg(long)]
    json: bool,
}
fn main() {
    let spec_path = std::env::var("SPEC").unwrap();
    let ws_path = std::env::var("WS").unwrap();
    if !std::path::Path::new(&ws_path).exists() {
        let mut ws = tailor_store::Workspace::create(&ws_path).unwrap();
        let spec: tailor_model::spec::Spec = serde_norway::from_str(&std::fs::read_to_string(spec_path).unwrap()).unwrap();
        ws.apply_spec(&spec, false).unwrap();
    }
    let c = Cli::parse();
    if let Err(e) = estimate_cmd::run_estimate(c.a, c.json) {
        eprintln!("error: {e:#}");
    }
}
