//! Helpers shared by the service tests: signed bundles made with
//! tailor-bundle and keys generated here, a service on 127.0.0.1:0, and a
//! small HTTP client.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};
use tailor_bundle::{BUNDLE_SCHEMA_VERSION, BundlePayload, SigningKey, TrustFile, build, generate_signing_key};
use tailor_model::spec::{Snapshot, Spec};
use tailor_server::{Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const TOKEN: &str = "s3cret-publish-token";

/// Rules whose defaults name the bundle: `hero_{tag}` and `promo_{tag}`, so
/// a decision shows which bundle made it. Returning shoppers match an entry
/// with a 10% holdout.
pub fn rules(tag: &str) -> Snapshot {
    let yaml = format!(
        r#"
attributes:
  - {{name: visitor_type, type: enum, values: [new, returning]}}
segments:
  - {{name: returning, when: 'visitor_type = "returning"'}}
page_types:
  - name: home
    stage: discovery
    max_blocks: 2
    placements:
      - {{name: hero, kind: banner, default: hero_{tag}}}
      - {{name: promo, kind: promotion, default: promo_{tag}}}
content:
  - {{id: hero_{tag}, kind: banner, headline: Hero {tag}}}
  - {{id: promo_{tag}, kind: promotion, offer: Promo {tag}}}
  - {{id: hero_back, kind: banner, headline: Welcome back}}
plan:
  - {{id: returning_hero, segment: returning, stage: discovery, placement: home.hero, content: hero_back, priority: 5, holdout: 10}}
"#
    );
    let spec: Spec = serde_norway::from_str(&yaml).expect("spec yaml");
    spec.into_snapshot().expect("spec conditions parse")
}

/// A first bundle of `env` (no parent): what an empty environment accepts.
pub fn payload(env: &str, version: u64, tag: &str) -> BundlePayload {
    payload_on(env, version, tag, None)
}

/// A bundle built on `parent` (the digest active when it was built): the
/// service accepts it only while `parent` is still the active digest.
pub fn payload_on(env: &str, version: u64, tag: &str, parent: Option<&str>) -> BundlePayload {
    let now = Timestamp::now();
    BundlePayload {
        schema_version: BUNDLE_SCHEMA_VERSION,
        workspace_id: "ws-test".into(),
        environment: env.into(),
        version,
        created_at: now.checked_sub(1.hour()).unwrap(),
        expires_at: now.checked_add(720.hours()).unwrap(),
        parent_digest: parent.map(str::to_owned),
        overwrites: None,
        author: "ana".into(),
        approvals: vec![],
        promoted_from: None,
        rules: rules(tag),
    }
}

/// A signed envelope (JSON bytes) and its digest.
pub fn sign(p: &BundlePayload, key: &SigningKey) -> (Vec<u8>, String) {
    let built = build(p, &[key]).expect("build");
    (built.envelope.to_json(), built.digest)
}

pub struct Keys {
    pub release: SigningKey,
    pub stranger: SigningKey,
    pub trust: TrustFile,
}

/// A release key trusted for production and staging, and a stranger's key.
pub fn keys() -> Keys {
    let release = generate_signing_key().unwrap();
    let stranger = generate_signing_key().unwrap();
    let mut trust = TrustFile::default();
    trust.trust("production", "release", &release.verifying_key());
    trust.trust("staging", "release", &release.verifying_key());
    Keys { release, stranger, trust }
}

pub fn config(data_dir: &Path, trust: &TrustFile) -> ServerConfig {
    let mut c = ServerConfig::new(data_dir, trust.clone(), "127.0.0.1:0".parse().unwrap());
    c.publish_token = Some(TOKEN.into());
    c
}

/// A service running in this process on 127.0.0.1:0.
pub struct Running {
    pub addr: SocketAddr,
    pub base: String,
    pub data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Running {
    pub async fn start(config: ServerConfig) -> Running {
        let data_dir = config.data_dir.clone();
        let server = Server::bind(config).await.expect("bind");
        let addr = server.local_addr();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            server
                .run(async {
                    let _ = rx.await;
                })
                .await
                .expect("serve");
        });
        Running { addr, base: format!("http://{addr}"), data_dir, stop: Some(tx), task: Some(task) }
    }

    /// A service running elsewhere (a child process).
    pub fn external(addr: SocketAddr, data_dir: &Path) -> Running {
        Running { addr, base: format!("http://{addr}"), data_dir: data_dir.into(), stop: None, task: None }
    }

    /// Graceful shutdown; returns once the decision log is flushed.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub fn client() -> reqwest::Client {
    // In a workspace build reqwest carries TLS without a provider (the app's
    // updater plugin asks for `rustls-no-provider`); these tests speak plain
    // HTTP, but building a client needs one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

/// Status and JSON body (Null when the body is not JSON).
pub async fn read(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

pub async fn publish(s: &Running, env: &str, body: Vec<u8>) -> (u16, Value) {
    publish_with(s, env, body, Some(TOKEN)).await
}

pub async fn publish_with(s: &Running, env: &str, body: Vec<u8>, token: Option<&str>) -> (u16, Value) {
    let mut req = client().put(s.url(&format!("/v1/bundles/{env}"))).body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    read(req.send().await.unwrap()).await
}

pub async fn decide(s: &Running, query: &str, shopper: Value) -> (u16, Value) {
    let body = json!({"shopper": shopper, "page": "home"});
    let resp =
        client().post(s.url(&format!("/v1/decide{query}"))).body(serde_json::to_vec(&body).unwrap()).send().await;
    read(resp.unwrap()).await
}

pub async fn get(s: &Running, path: &str) -> (u16, Value) {
    read(client().get(s.url(path)).send().await.unwrap()).await
}

/// The error code of a refusal.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// Asserts that the bundle `digest` serves: decisions report it and show
/// its `tag` content.
pub async fn assert_serving(s: &Running, digest: &str, tag: &str) {
    let (status, d) = decide(s, "", json!({"id": "s-1", "visitor_type": "new"})).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["bundle_digest"], digest, "{d}");
    assert_eq!(d["blocks"][0]["content"], format!("hero_{tag}"), "{d}");
}

/// Sends raw bytes over one TCP connection and returns what comes back
/// (until the server closes or `wait` passes).
pub async fn raw_http(addr: SocketAddr, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}
