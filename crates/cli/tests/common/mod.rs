//! Helpers shared by the tests that run real processes: a temp directory
//! with a signing key and trust file, the `tailor` binary with its
//! environment, `tailor serve` on a free port, and small HTTP helpers.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const TOKEN: &str = "test-publish-token";

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A signing key `alice` trusted for production (`trust.json`), no workspace.
    pub fn bare() -> Self {
        let env = Self { dir: tempfile::tempdir().unwrap() };
        env.ok(&["keys", "generate", "alice"]);
        env.ok(&["keys", "export", "alice", "--env", "production", "-o", env.path("trust.json").to_str().unwrap()]);
        env
    }

    pub fn new() -> Self {
        let env = Self::bare();
        let ws = env.path("ws.tailor");
        env.ok(&["init", ws.to_str().unwrap()]);
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/full-spec.yaml");
        env.ok(&["apply", ws.to_str().unwrap(), spec.to_str().unwrap()]);
        env
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn ws(&self) -> String {
        self.path("ws.tailor").display().to_string()
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tailor"));
        c.args(args)
            .env("TAILOR_KEY_DIR", self.path("keys"))
            .env("TAILOR_PUBLISH_TOKEN", TOKEN)
            .env("TAILOR_AUTHOR", "test");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "tailor {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Starts `tailor serve` on a free port; killed on drop.
    pub fn serve(&self, data: &str) -> Service {
        self.serve_with(data, &[], free_port())
    }

    /// `tailor serve` on `port` with further arguments (`--follow URL`…).
    pub fn serve_with(&self, data: &str, extra: &[&str], port: u16) -> Service {
        let data_dir = self.path(data).display().to_string();
        let trust = self.path("trust.json").display().to_string();
        let listen = format!("127.0.0.1:{port}");
        let mut args = vec!["serve", "--data-dir", &data_dir, "--trust", &trust, "--listen", &listen];
        args.extend(extra);
        // Its log (stderr), appended to across restarts on the same data.
        let log = self.path(&format!("{data}.log"));
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&log).unwrap();
        let mut child = self
            .cmd(&args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(file)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.contains("listening"), "serve said: {line}");
        Service { child, url: format!("http://127.0.0.1:{port}"), log }
    }

    pub fn publish(&self, urls: &[&str], extra: &[&str]) -> Output {
        let ws = self.ws();
        let mut args = vec!["publish", ws.as_str(), "--env", "production", "--key", "alice", "--accept-warnings", "--format", "json"];
        for u in urls {
            args.extend(["--to", u]);
        }
        args.extend(extra);
        self.run(&args)
    }
}

pub struct Service {
    pub child: Child,
    pub url: String,
    /// The file its log lines (stderr) go to.
    pub log: PathBuf,
}

impl Service {
    /// Its log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

pub fn post(url: &str, body: &serde_json::Value) -> serde_json::Value {
    let mut resp = ureq::post(url)
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap();
    json(&resp.body_mut().read_to_string().unwrap())
}

pub fn get(url: &str) -> serde_json::Value {
    let mut resp = ureq::get(url).call().unwrap();
    json(&resp.body_mut().read_to_string().unwrap())
}


/// nginx (Debian's package) on a free port, with its files under `prefix`;
/// stopped through nginx itself on drop (a SIGKILL of the master would leave
/// the worker running).
pub struct Nginx {
    child: Child,
    conf: PathBuf,
    prefix: PathBuf,
    pub url: String,
}

impl Nginx {
    fn binary() -> &'static str {
        ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("nginx is installed by scripts/install-deps")
    }

    /// A load balancer over `upstreams` (base URLs). A replica that answers
    /// 503 (not ready: no bundle yet) or cannot be reached is skipped for
    /// the next one, the decide POST included (deciding is safe to retry).
    /// docs/deployment.md shows the same `upstream` and `location`.
    pub fn balance(prefix: &Path, upstreams: &[&str]) -> Self {
        let servers: String = upstreams.iter().map(|u| format!("server {} max_fails=0; ", u.trim_start_matches("http://"))).collect();
        Self::start(
            prefix,
            &format!(
                "upstream tailor {{ {servers}}}\n  server {{ listen 127.0.0.1:{{port}}; location / {{ proxy_pass http://tailor; \
                 proxy_next_upstream error timeout http_502 http_503 non_idempotent; proxy_next_upstream_tries 0; }} }}"
            ),
        )
    }

    /// A static web server of `root`: a follower's source without a service.
    pub fn files(prefix: &Path, root: &Path) -> Self {
        Self::start(prefix, &format!("server {{ listen 127.0.0.1:{{port}}; root {}; }}", root.display()))
    }

    /// nginx with `server` (its `{port}` replaced) inside `http { }`.
    pub fn start(prefix: &Path, server: &str) -> Self {
        let port = free_port();
        std::fs::create_dir_all(prefix.join("logs")).unwrap();
        let conf = prefix.join("nginx.conf");
        let p = prefix.display();
        std::fs::write(
            &conf,
            format!(
                "daemon off;\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/logs/error.log;\n\
                 events {{ worker_connections 256; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n\
                   fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  {}\n}}\n",
                server.replace("{port}", &port.to_string())
            ),
        )
        .unwrap();
        let child = Command::new(Self::binary())
            .args(["-c", conf.to_str().unwrap(), "-p", prefix.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start ({})", prefix.join("logs/error.log").display());
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, conf, prefix: prefix.to_path_buf(), url: format!("http://127.0.0.1:{port}") }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new(Self::binary())
            .args(["-c", self.conf.to_str().unwrap(), "-p", self.prefix.to_str().unwrap(), "-s", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `f` every 20 ms until it is true or `within` passes; the time it took.
pub fn wait_until(within: Duration, what: &str, mut f: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < within, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

/// The status and JSON body of a GET (any status).
pub fn get_any(url: &str) -> (u16, serde_json::Value) {
    match ureq::get(url).config().http_status_as_error(false).build().call() {
        Ok(mut r) => {
            let status = r.status().as_u16();
            (status, serde_json::from_str(&r.body_mut().read_to_string().unwrap_or_default()).unwrap_or(serde_json::Value::Null))
        }
        Err(_) => (0, serde_json::Value::Null),
    }
}
