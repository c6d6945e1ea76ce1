//! Helpers shared by the tests that run real processes: a temp directory
//! with a signing key and trust file, the `tailor` binary with its
//! environment, `tailor serve` on a free port, and small HTTP helpers.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

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
        let port = free_port();
        let mut child = self
            .cmd(&[
                "serve", "--data-dir", self.path(data).to_str().unwrap(),
                "--trust", self.path("trust.json").to_str().unwrap(),
                "--listen", &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.contains("listening"), "serve said: {line}");
        Service { child, url: format!("http://127.0.0.1:{port}") }
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

