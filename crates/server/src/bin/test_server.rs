//! A bare `tailor-server` process for the crash tests (kill -9 during an
//! upload). Not installed: the real command is `tailor serve`.
//!
//! Usage: `tailor-server-test-bin DATA_DIR TRUST.json LISTEN`; the token is
//! read from `TAILOR_PUBLISH_TOKEN`. Prints `listening on ADDR` once bound.

use std::io::Write;

use tailor_bundle::TrustFile;
use tailor_server::{Server, ServerConfig, shutdown_signal};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data_dir, trust, listen] = args.as_slice() else {
        eprintln!("usage: tailor-server-test-bin DATA_DIR TRUST.json LISTEN");
        std::process::exit(2);
    };
    let trust = TrustFile::load(trust).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let mut config = ServerConfig::new(data_dir, trust, listen.parse().expect("LISTEN is host:port"));
    config.publish_token = std::env::var("TAILOR_PUBLISH_TOKEN").ok();
    let server = Server::bind(config).await.unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    println!("listening on {}", server.local_addr());
    let _ = std::io::stdout().flush();
    if let Err(e) = server.run(shutdown_signal()).await {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
