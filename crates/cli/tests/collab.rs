//! Several authors, one production (docs/collaboration.md), with real
//! processes: `tailor serve` on 127.0.0.1, two workspace files, `tailor
//! publish`, `tailor pull`, `tailor resolve`, `tailor init --from`.

use std::fs;

mod common;
use common::*;

impl Env {
    /// A copy of the workspace file, as a colleague starting from it.
    fn copy_ws(&self, name: &str) -> String {
        let to = self.path(name);
        fs::copy(self.ws(), &to).unwrap();
        to.display().to_string()
    }

    fn publish_ws(&self, ws: &str, url: &str, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["publish", ws, "--env", "production", "--key", "alice", "--accept-warnings", "--format", "json", "--to", url];
        args.extend(extra);
        self.run(&args)
    }

    fn pull(&self, ws: &str, url: &str) -> std::process::Output {
        let trust = self.path("trust.json").display().to_string();
        self.run(&["pull", ws, "--env", "production", "--from", url, "--trust", &trust, "--format", "json"])
    }

    fn add_segment(&self, ws: &str, name: &str) {
        self.ok(&["segment", "add", ws, "--name", name, "--when", r#"device = "desktop""#]);
    }

    fn segment_names(&self, ws: &str) -> Vec<String> {
        let list = json(&self.ok(&["segment", "list", ws, "--format", "json"]));
        list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
    }

    /// Sets the priority of plan entry `restock_hero` (a spec applied on top).
    fn set_priority(&self, ws: &str, priority: u32) {
        let spec = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/full-spec.yaml")).unwrap();
        let doc: serde_json::Value = serde_norway::from_str(&spec).unwrap();
        let mut entry = doc["plan"].as_array().unwrap().iter().find(|e| e["id"] == "restock_hero").unwrap().clone();
        entry["priority"] = priority.into();
        let file = self.path(&format!("priority-{priority}.yaml"));
        fs::write(&file, serde_norway::to_string(&serde_json::json!({"plan": [entry]})).unwrap()).unwrap();
        self.ok(&["apply", ws, file.to_str().unwrap()]);
    }

    fn priority(&self, ws: &str) -> serde_json::Value {
        let out = self.ok(&["export", ws]);
        let doc: serde_json::Value = serde_norway::from_str(&out).unwrap();
        doc["plan"].as_array().unwrap().iter().find(|e| e["id"] == "restock_hero").unwrap()["priority"].clone()
    }
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn succeeded(out: std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(&out));
    json(&String::from_utf8(out.stdout).unwrap())
}

/// The active bundle's version and its segments' names, from the service.
fn production(url: &str) -> (u64, Vec<String>) {
    let mut resp = ureq::get(format!("{url}/v1/bundles/production/envelope")).call().unwrap();
    let payload = tailor_bundle::payload_of_envelope(&resp.body_mut().read_to_vec().unwrap()).unwrap();
    (payload.version, payload.rules.segments.iter().map(|s| s.name.0.clone()).collect())
}

#[test]
fn a_publish_built_on_a_stale_base_is_refused_then_pulled_merged_and_published() {
    let env = Env::new();
    let svc = env.serve("data");
    let a = env.ws();
    // 1. A publishes v1; B starts from a copy of A's file.
    assert_eq!(succeeded(env.publish_ws(&a, &svc.url, &[]))["version"], 1);
    let b = env.copy_ws("b.tailor");
    // 2. A adds a_only and publishes v2.
    env.add_segment(&a, "a_only");
    assert_eq!(succeeded(env.publish_ws(&a, &svc.url, &[]))["version"], 2);
    // 3. B adds b_only and publishes: refused, naming v2 and what to run.
    env.add_segment(&b, "b_only");
    let out = env.publish_ws(&b, &svc.url, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("version 2") && said.contains("tailor pull"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "one sentence: {said}");

    // The service refuses it too, whoever builds it: a raw PUT of B's bundle.
    let bundle = env.path("b-bundle.json");
    env.ok(&["bundle", "build", &b, "--env", "production", "--key", "alice", "--version", "3", "-o", bundle.to_str().unwrap()]);
    let resp = ureq::put(format!("{}/v1/bundles/production", svc.url))
        .header("Authorization", &format!("Bearer {TOKEN}"))
        .config()
        .http_status_as_error(false)
        .build()
        .send(fs::read(&bundle).unwrap())
        .unwrap();
    assert_eq!(resp.status().as_u16(), 409);
    let body = json(&resp.into_body().read_to_string().unwrap());
    assert_eq!(body["error"]["code"], "stale_parent", "{body}");
    assert_eq!(body["error"]["active"]["version"], 2, "{body}");
    assert_eq!(body["error"]["active"]["author"], "test", "{body}");
    let (version, segments) = production(&svc.url);
    assert_eq!(version, 2);
    assert!(segments.contains(&"a_only".to_owned()) && !segments.contains(&"b_only".to_owned()));

    // B pulls: both segments, no conflict.
    let report = succeeded(env.pull(&b, &svc.url));
    assert_eq!(report["version"], 2);
    assert!(report["summary"]["conflicts"].as_array().unwrap().is_empty(), "{report}");
    let incoming: Vec<_> = report["summary"]["incoming"].as_array().unwrap().iter().map(|e| e["key"].clone()).collect();
    assert_eq!(incoming, ["a_only"], "{report}");
    let names = env.segment_names(&b);
    assert!(names.contains(&"a_only".into()) && names.contains(&"b_only".into()), "{names:?}");

    // B publishes v3; production serves both.
    assert_eq!(succeeded(env.publish_ws(&b, &svc.url, &[]))["version"], 3);
    let (version, segments) = production(&svc.url);
    assert_eq!(version, 3);
    assert!(segments.contains(&"a_only".to_owned()) && segments.contains(&"b_only".to_owned()), "{segments:?}");

    // And A, now behind, is refused until it pulls (a fast-forward).
    let out = env.publish_ws(&a, &svc.url, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = succeeded(env.pull(&a, &svc.url));
    assert_eq!(report["fast_forward"], true, "{report}");
    assert!(env.segment_names(&a).contains(&"b_only".into()));
}

/// A and B both change `restock_hero`'s priority after v1 (A to 20 and
/// publishes v2, B to 30): B's pull names one conflict.
fn priority_conflict(env: &Env, url: &str) -> String {
    let a = env.ws();
    succeeded(env.publish_ws(&a, url, &[]));
    let b = env.copy_ws("b.tailor");
    env.set_priority(&a, 20);
    succeeded(env.publish_ws(&a, url, &[]));
    env.set_priority(&b, 30);
    let report = succeeded(env.pull(&b, url));
    let conflicts = report["summary"]["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{report}");
    let c = &conflicts[0];
    assert_eq!((c["section"].as_str(), c["key"].as_str(), c["field"].as_str()), (Some("plan"), Some("restock_hero"), Some("priority")));
    assert_eq!((c["base"].clone(), c["theirs"].clone(), c["mine"].clone()), (10.into(), 20.into(), 30.into()));
    // Mine is kept until someone decides; publish refuses meanwhile.
    assert_eq!(env.priority(&b), 30);
    let out = env.publish_ws(&b, url, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 merge conflict(s) are open"), "{}", stderr(&out));
    let listed = json(&env.ok(&["conflicts", &b, "--format", "json"]));
    assert_eq!(listed[0]["id"], "plan/restock_hero#priority");
    b
}

#[test]
fn the_same_field_changed_on_both_sides_is_one_conflict_and_taking_theirs_gives_theirs() {
    let env = Env::new();
    let svc = env.serve("data");
    let b = priority_conflict(&env, &svc.url);
    env.ok(&["resolve", &b, "plan/restock_hero#priority", "--take", "theirs"]);
    assert_eq!(env.priority(&b), 20);
    assert_eq!(json(&env.ok(&["conflicts", &b, "--format", "json"])), serde_json::json!([]));
    assert_eq!(succeeded(env.publish_ws(&b, &svc.url, &[]))["version"], 3);
}

#[test]
fn keeping_mine_gives_mine_and_an_edit_then_keep_gives_the_edit() {
    let env = Env::new();
    let svc = env.serve("data");
    let b = priority_conflict(&env, &svc.url);
    env.ok(&["resolve", &b, "--all", "--take", "mine"]);
    assert_eq!(env.priority(&b), 30);
    succeeded(env.publish_ws(&b, &svc.url, &[]));

    // Edit: a third value written while the conflict is open, then kept.
    let env = Env::new();
    let svc = env.serve("data");
    let b = priority_conflict(&env, &svc.url);
    env.set_priority(&b, 25);
    env.ok(&["resolve", &b, "plan/restock_hero#priority", "--take", "mine"]);
    assert_eq!(env.priority(&b), 25);
    succeeded(env.publish_ws(&b, &svc.url, &[]));
    let mut resp = ureq::get(format!("{}/v1/bundles/production/envelope", svc.url)).call().unwrap();
    let payload = tailor_bundle::payload_of_envelope(&resp.body_mut().read_to_vec().unwrap()).unwrap();
    let entry = payload.rules.plan.iter().find(|e| e.id == "restock_hero").unwrap();
    assert_eq!(serde_json::to_value(entry).unwrap()["priority"], 25);
}

#[test]
fn a_value_of_ones_own_settles_a_conflict_too() {
    let env = Env::new();
    let svc = env.serve("data");
    let b = priority_conflict(&env, &svc.url);
    let out = env.run(&["resolve", &b, "plan/restock_hero#priority", "--value", "\"high\""]);
    assert_eq!(out.status.code(), Some(2), "a priority that is not a number is refused");
    assert_eq!(env.priority(&b), 30);
    env.ok(&["resolve", &b, "plan/restock_hero#priority", "--value", "15"]);
    assert_eq!(env.priority(&b), 15);
    assert_eq!(json(&env.ok(&["conflicts", &b, "--format", "json"])), serde_json::json!([]));
}

#[test]
fn undoing_a_merge_takes_it_back_whole() {
    let env = Env::new();
    let svc = env.serve("data");
    let b = priority_conflict(&env, &svc.url);
    env.ok(&["undo", &b]);
    assert_eq!(json(&env.ok(&["conflicts", &b, "--format", "json"])), serde_json::json!([]));
    assert_eq!(env.priority(&b), 30);
    // The base went back too: B is behind again.
    let out = env.publish_ws(&b, &svc.url, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

/// A publishes v1, B copies A's file, A adds `a_only` and publishes v2: B
/// is behind. Returns B's workspace and A's v2 publish report.
fn b_behind_a(env: &Env, url: &str) -> (String, serde_json::Value) {
    let a = env.ws();
    succeeded(env.publish_ws(&a, url, &[]));
    let b = env.copy_ws("b.tailor");
    env.add_segment(&a, "a_only");
    let v2 = succeeded(env.publish_ws(&a, url, &[]));
    (b, v2)
}

#[test]
fn a_pulled_envelope_that_does_not_verify_or_is_not_trusted_changes_nothing() {
    let env = Env::new();
    let svc = env.serve("data");
    let (b, _) = b_behind_a(&env, &svc.url);
    let before = env.ok(&["export", &b]);
    let history = env.ok(&["history", &b, "--format", "json"]);

    // A trust file that trusts another key for production.
    env.ok(&["keys", "generate", "mallory"]);
    let other = env.path("other-trust.json");
    env.ok(&["keys", "export", "mallory", "--env", "production", "-o", other.to_str().unwrap()]);
    let out = env.run(&["pull", &b, "--env", "production", "--from", &svc.url, "--trust", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("untrusted_key") && stderr(&out).contains("nothing was changed"), "{}", stderr(&out));

    // A source whose envelope was tampered with: the signature fails.
    let mut envelope: serde_json::Value =
        json(&ureq::get(format!("{}/v1/bundles/production/envelope", svc.url)).call().unwrap().body_mut().read_to_string().unwrap());
    let payload = tailor_bundle::payload_of_envelope(envelope.to_string().as_bytes()).unwrap();
    let mut forged = payload.clone();
    forged.author = "mallory".into();
    use base64::Engine as _;
    envelope["payload"] = base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(&forged).unwrap()).into();
    let source = StaticSource::serve(envelope.to_string());
    let trust = env.path("trust.json").display().to_string();
    let out = env.run(&["pull", &b, "--env", "production", "--from", &source.url, "--trust", &trust]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad_signature"), "{}", stderr(&out));

    assert_eq!(env.ok(&["export", &b]), before, "the rules did not change");
    assert_eq!(env.ok(&["history", &b, "--format", "json"]), history, "nothing was logged");
    assert_eq!(json(&env.ok(&["conflicts", &b, "--format", "json"])), serde_json::json!([]));
    // Nor did its base move: B is still behind version 2.
    let out = env.publish_ws(&b, &svc.url, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("version 2"), "{}", stderr(&out));
}

#[test]
fn a_new_colleague_starts_from_what_production_serves() {
    let env = Env::new();
    let svc = env.serve("data");
    succeeded(env.publish_ws(&env.ws(), &svc.url, &[]));
    let c = env.path("c.tailor").display().to_string();
    let trust = env.path("trust.json").display().to_string();
    let report = succeeded(env.run(&["init", &c, "--from", &svc.url, "--env", "production", "--trust", &trust, "--format", "json"]));
    assert_eq!(report["version"], 1);
    assert_eq!(env.ok(&["export", &c]), env.ok(&["export", &env.ws()]));
    // Its base is the active bundle: it publishes v2 straight away, to the saved URL.
    env.add_segment(&c, "c_only");
    let out = env.run(&["publish", &c, "--env", "production", "--key", "alice", "--accept-warnings", "--format", "json"]);
    assert_eq!(succeeded(out)["version"], 2);

    // Refused sources leave nothing behind.
    let d = env.path("d.tailor");
    let out = env.run(&["init", d.to_str().unwrap(), "--from", "http://127.0.0.1:9", "--env", "production", "--trust", &trust]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.exists(), "no half-made workspace");
}

#[test]
fn an_explicit_overwrite_replaces_what_it_has_not_seen_and_says_so() {
    let env = Env::new();
    let svc = env.serve("data");
    let (b, v2) = b_behind_a(&env, &svc.url);
    env.add_segment(&b, "b_only");
    let out = succeeded(env.publish_ws(&b, &svc.url, &["--overwrite"]));
    assert_eq!(out["version"], 3);
    assert_eq!(out["overwrites"], v2["digest"], "{out}");
    let active = get(&format!("{}/v1/bundles/production/active", svc.url));
    assert_eq!(active["overwrites"], v2["digest"], "{active}");
    let (_, segments) = production(&svc.url);
    assert!(!segments.contains(&"a_only".into()) && segments.contains(&"b_only".into()));
}

/// A plain HTTP server that answers every request with one body: a source
/// that is not a decision service (or one that was tampered with).
struct StaticSource {
    url: String,
    _thread: std::thread::JoinHandle<()>,
}

impl StaticSource {
    fn serve(body: String) -> Self {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        });
        Self { url, _thread: thread }
    }
}
