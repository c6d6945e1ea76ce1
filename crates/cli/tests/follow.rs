//! Replicas that follow (docs/deployment.md), with real processes on
//! 127.0.0.1: one writer, followers polling it (or a static nginx), nginx
//! balancing decisions over the followers, kill -9 of the writer and of a
//! follower.

use std::fs;
use std::time::{Duration, Instant};

mod common;
use common::*;

const SHOPPER: &str = r#"{"id":"s-1","visitor_type":"returning","device":"mobile","viewed_categories":["running"],"recently_viewed":["sku-2","sku-1","sku-3"],"consent":true}"#;
const AT: &str = "2026-12-01T10:00:00Z";
/// Short for tests; the default is 5 s. One second leaves room for a busy
/// CI machine inside the "two intervals" bound.
const POLL: Duration = Duration::from_secs(1);
/// For waits that are not themselves the figure under test.
const SLACK: Duration = Duration::from_secs(10);

impl Env {
    fn follower(&self, data: &str, source: &str) -> Service {
        self.follower_on(data, source, free_port())
    }

    fn follower_on(&self, data: &str, source: &str, port: u16) -> Service {
        self.serve_with(data, &["--follow", source, "--env", "production", "--poll-interval", "1s"], port)
    }

    fn publish_to(&self, url: &str) -> String {
        let out = self.publish(&[url], &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        json(&String::from_utf8(out.stdout).unwrap())["digest"].as_str().unwrap().to_owned()
    }

    fn add_segment(&self, name: &str) {
        self.ok(&["segment", "add", &self.ws(), "--name", name, "--when", r#"device = "desktop""#]);
    }
}

fn active_digest(url: &str) -> Option<String> {
    let (status, body) = get_any(&format!("{url}/v1/bundles/production/active"));
    (status == 200).then(|| body["digest"].as_str().unwrap_or_default().to_owned())
}

fn ready(url: &str) -> bool {
    get_any(&format!("{url}/readyz")).0 == 200
}

fn metric(url: &str, line_prefix: &str) -> Option<String> {
    let mut r = ureq::get(format!("{url}/metrics")).call().ok()?;
    let text = r.body_mut().read_to_string().ok()?;
    text.lines().find_map(|l| l.strip_prefix(line_prefix).map(|v| v.trim().to_owned()))
}

fn decide(url: &str) -> serde_json::Value {
    post(&format!("{url}/v1/decide"), &serde_json::json!({"shopper": json(SHOPPER), "page": "home", "at": AT}))
}

#[test]
fn a_publish_to_the_writer_reaches_every_follower_and_nginx_routes_around_one_without_a_bundle() {
    let env = Env::new();
    let writer = env.serve("writer");
    let followers: Vec<Service> = (0..3).map(|i| env.follower(&format!("f{i}"), &writer.url)).collect();
    // A follower of a source that is not there: never ready, never a bundle.
    let stranded = env.follower("stranded", &format!("http://127.0.0.1:{}", free_port()));
    // A fourth follower, started only after v2 is published, already has
    // its place behind nginx: until then nothing listens there.
    let late_port = free_port();
    let late_url = format!("http://127.0.0.1:{late_port}");
    let mut upstreams: Vec<&str> = followers.iter().map(|f| f.url.as_str()).collect();
    upstreams.push(&stranded.url);
    upstreams.push(&late_url);
    let lb = Nginx::balance(&env.path("nginx"), &upstreams);

    for f in &followers {
        assert!(!ready(&f.url), "a fresh follower is not ready before it has a bundle");
        let (status, body) = get_any(&format!("{}/readyz", f.url));
        assert_eq!(status, 503);
        assert!(body["error"]["message"].as_str().unwrap().contains(&writer.url), "{body}");
    }

    // Publish v1 to the writer: every follower serves it within two intervals.
    let published = Instant::now();
    let v1 = env.publish_to(&writer.url);
    let took = wait_until(POLL * 2, "every follower serves v1", || {
        followers.iter().all(|f| active_digest(&f.url).as_deref() == Some(v1.as_str()))
    });
    eprintln!("propagation to 3 followers at a {POLL:?} poll interval: {:?} after the publish returned ({:?} since it started)", took, published.elapsed());
    for f in &followers {
        assert!(ready(&f.url));
        let (_, active) = get_any(&format!("{}/v1/bundles/production/active", f.url));
        assert_eq!(active["following"], writer.url.as_str(), "{active}");
        assert!(active["poll"]["last_success"].is_string(), "{active}");
        assert_eq!(metric(&f.url, r#"tailor_follow_source_up{env="production"}"#).as_deref(), Some("1"));
        assert_eq!(metric(&f.url, r#"tailor_active_bundle_version{env="production"}"#).as_deref(), Some("1"));
        // One writer: a follower refuses uploads, naming its source.
        let resp = ureq::put(format!("{}/v1/bundles/production", f.url))
            .header("Authorization", &format!("Bearer {TOKEN}"))
            .config()
            .http_status_as_error(false)
            .build()
            .send("{}")
            .unwrap();
        assert_eq!(resp.status().as_u16(), 405);
        let body = json(&resp.into_body().read_to_string().unwrap());
        assert_eq!(body["error"]["code"], "follower");
        assert!(body["error"]["message"].as_str().unwrap().contains(&writer.url));
    }
    assert!(!ready(&stranded.url));
    assert_eq!(metric(&stranded.url, r#"tailor_follow_source_up{env="production"}"#).as_deref(), Some("0"));

    // Decisions through nginx: always the new digest, never the stranded
    // follower's 503 nor the refused connection of the one not started yet.
    for _ in 0..40 {
        assert_eq!(decide(&lb.url)["bundle_digest"], v1.as_str());
    }

    // v2, and a fourth follower started after it: ready with v2, and only then.
    env.add_segment("late_segment");
    let v2 = env.publish_to(&writer.url);
    wait_until(POLL * 2, "every follower serves v2", || {
        followers.iter().all(|f| active_digest(&f.url).as_deref() == Some(v2.as_str()))
    });
    let late = env.follower_on("late", &writer.url, late_port);
    let became = wait_until(POLL * 2, "the late follower becomes ready", || ready(&late.url));
    assert_eq!(active_digest(&late.url).as_deref(), Some(v2.as_str()), "ready means it has the current bundle");
    eprintln!("a follower started after the publish was ready {became:?} after it listened");
    // Through nginx, the late follower included now: v2 from every one.
    for _ in 0..25 {
        assert_eq!(decide(&lb.url)["bundle_digest"], v2.as_str());
    }
}

#[test]
fn followers_keep_serving_when_the_writer_is_killed_and_resume_when_it_is_back() {
    let env = Env::new();
    let port = free_port();
    let mut writer = env.serve_with("writer", &[], port);
    let writer_url = writer.url.clone();
    let followers: Vec<Service> = (0..2).map(|i| env.follower(&format!("f{i}"), &writer_url)).collect();
    let v1 = env.publish_to(&writer_url);
    wait_until(SLACK, "followers serve v1", || followers.iter().all(|f| active_digest(&f.url).as_deref() == Some(v1.as_str())));

    let _ = writer.child.kill(); // SIGKILL
    let _ = writer.child.wait();
    wait_until(SLACK, "followers notice the source is down", || {
        followers.iter().all(|f| metric(&f.url, r#"tailor_follow_source_up{env="production"}"#).as_deref() == Some("0"))
    });
    for f in &followers {
        assert!(ready(&f.url), "ready while the source is down: serving the last good bundle is the point");
        for _ in 0..10 {
            assert_eq!(decide(&f.url)["bundle_digest"], v1.as_str());
        }
        let since: f64 = metric(&f.url, r#"tailor_follow_seconds_since_success{env="production"}"#).unwrap().parse().unwrap();
        assert!(since > 0.0, "{since}");
    }

    // The writer comes back on its address with its data: followers resume.
    drop(writer);
    let writer = env.serve_with("writer", &[], port);
    assert_eq!(active_digest(&writer.url).as_deref(), Some(v1.as_str()));
    env.add_segment("after_restart");
    let v2 = env.publish_to(&writer.url);
    // Backoff is capped at 8 intervals (min 1 s): they are back within that.
    wait_until(POLL * 8 + SLACK, "followers resume and serve v2", || {
        followers.iter().all(|f| active_digest(&f.url).as_deref() == Some(v2.as_str()))
    });
}

/// A static source: `tailor bundle build -o DIR/v1/bundles/ENV/envelope`
/// served by nginx. What is placed there is checked by the follower itself.
#[test]
fn a_static_source_works_and_every_bad_envelope_there_is_refused_while_the_last_good_one_serves() {
    let env = Env::new();
    let root = env.path("static");
    let envelope = root.join("v1/bundles/production/envelope");
    // Built beside the served tree, then moved in (a rename, as a deploy would).
    let build = |version: u64, key: &str| {
        let out = env.path(&format!("built-{version}.json"));
        env.ok(&["bundle", "build", &env.ws(), "--env", "production", "--key", key, "--version", &version.to_string(), "-o", out.to_str().unwrap()]);
        fs::read(&out).unwrap()
    };
    let v2 = build(2, "alice");
    env.ok(&["bundle", "build", &env.ws(), "--env", "production", "--key", "alice", "--version", "2", "-o", envelope.to_str().unwrap()]);
    let web = Nginx::files(&env.path("nginx"), &root);
    let followers = [env.follower("f", &web.url), env.follower("g", &web.url)];
    wait_until(SLACK, "the followers take v2 from nginx", || followers.iter().all(|f| ready(&f.url)));
    let (_, active) = get_any(&format!("{}/v1/bundles/production/active", followers[0].url));
    assert_eq!(active["version"], 2);
    let good = active["digest"].as_str().unwrap().to_owned();
    assert_eq!(active_digest(&followers[1].url).as_deref(), Some(good.as_str()));

    // Every follower refuses it, with the reason in its metrics, its log
    // and its poll status, and keeps serving the previous bundle.
    let place = |bytes: &[u8], reason: &str| {
        let rejects = |f: &Service| -> u64 {
            metric(&f.url, &format!(r#"tailor_bundle_rejects_total{{reason="{reason}"}}"#)).and_then(|v| v.parse().ok()).unwrap_or(0)
        };
        let refusals = |f: &Service| f.log_text().lines().filter(|l| l.contains("followed bundle refused") && l.contains(reason)).count();
        let before: Vec<(u64, usize)> = followers.iter().map(|f| (rejects(f), refusals(f))).collect();
        let tmp = root.join("tmp-envelope");
        fs::write(&tmp, bytes).unwrap();
        fs::rename(&tmp, &envelope).unwrap();
        for (f, (metric_before, log_before)) in followers.iter().zip(before) {
            wait_until(SLACK, &format!("{} refuses it as {reason} in its metrics", f.url), || rejects(f) > metric_before);
            wait_until(SLACK, &format!("{} logs the refusal as {reason}", f.url), || refusals(f) > log_before);
            assert_eq!(active_digest(&f.url).as_deref(), Some(good.as_str()), "the previous bundle keeps serving after {reason}");
            assert_eq!(decide(&f.url)["bundle_digest"], good.as_str());
            let (_, active) = get_any(&format!("{}/v1/bundles/production/active", f.url));
            assert!(active["poll"]["last_error"].as_str().unwrap_or_default().starts_with(reason), "{active}");
        }
    };

    // Tampered: the payload of a v3 under v2's signatures.
    let v3 = build(3, "alice");
    let mut forged: serde_json::Value = serde_json::from_slice(&v2).unwrap();
    forged["payload"] = serde_json::from_slice::<serde_json::Value>(&v3).unwrap()["payload"].clone();
    place(forged.to_string().as_bytes(), "bad_signature");

    // Signed by a key the follower does not trust.
    env.ok(&["keys", "generate", "mallory"]);
    place(&build(4, "mallory"), "untrusted_key");

    // Older than what it serves.
    place(&build(1, "alice"), "stale_version");

    // Expired: a v5 whose expiry has passed, signed by the trusted key.
    let mut payload = tailor_bundle::payload_of_envelope(&v3).unwrap();
    payload.version = 5;
    payload.created_at = jiff::Timestamp::now().checked_sub(jiff::SignedDuration::from_hours(48)).unwrap();
    payload.expires_at = jiff::Timestamp::now().checked_sub(jiff::SignedDuration::from_hours(24)).unwrap();
    let key = tailor_bundle::KeyStore::open(env.path("keys")).load("alice").unwrap();
    let expired = tailor_bundle::build(&payload, &[&key]).unwrap().envelope.to_json();
    place(&expired, "expired");

    // And a good v6 is taken again.
    fs::write(&envelope, build(6, "alice")).unwrap();
    wait_until(SLACK, "v6 is taken", || {
        followers.iter().all(|f| get_any(&format!("{}/v1/bundles/production/active", f.url)).1["version"] == 6)
    });
    drop(web);
}

/// The versions of the whole bundle files in a follower's folder, and the
/// names of the temp files (`.tmp-…`, a write cut short) beside them.
fn bundle_files(dir: &std::path::Path) -> (Vec<u64>, Vec<String>) {
    let (mut versions, mut temps) = (Vec::new(), Vec::new());
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with(".tmp-") {
            temps.push(name);
        } else if name.ends_with(".dsse.json") {
            let bytes = match fs::read(dir.join(&name)) {
                Ok(bytes) => bytes,
                // A running follower may prune a file between the listing and the read.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => panic!("{name}: {e}"),
            };
            let payload = tailor_bundle::payload_of_envelope(&bytes).unwrap_or_else(|e| panic!("{name} is not whole: {e}"));
            versions.push(payload.version);
        }
    }
    (versions, temps)
}

/// A follower polls its source as soon as it starts. Each round publishes a
/// new version, then starts the follower (so that its first poll fetches
/// that version) and kills it with SIGKILL after a delay that grows from 0:
/// before, during and after the download, the checks and the write. What it
/// leaves behind is whole bundle files only, and on restart it serves one
/// that was published, deletes any temp file and catches up.
#[test]
fn a_follower_killed_mid_download_or_mid_persist_restarts_on_its_last_good_bundle() {
    let env = Env::new();
    let writer = env.serve("writer");
    let mut digests = vec![env.publish_to(&writer.url)];
    let port = free_port();
    let mut f = env.follower_on("f", &writer.url, port);
    wait_until(SLACK, "the follower serves v1", || ready(&f.url));
    let dir = env.path("f/bundles/production");
    // Microseconds after it listens (the first poll takes a few ms here,
    // hence the fine steps); `None`: once it serves the new version.
    let mut delays: Vec<Option<u64>> = (0..=24).map(|i| Some(i * 500)).collect();
    delays.extend([Some(20_000), Some(50_000), None]);
    let (mut before_write, mut after_write, mut cut_writes) = (0, 0, 0);
    for (round, delay) in delays.into_iter().enumerate() {
        env.add_segment(&format!("round_{round}"));
        digests.push(env.publish_to(&writer.url));
        let version = digests.len() as u64;
        drop(f); // an idle follower, killed
        let killed = env.follower_on("f", &writer.url, port);
        match delay {
            Some(us) => std::thread::sleep(Duration::from_micros(us)),
            None => _ = wait_until(SLACK, "it takes the new version", || active_digest(&killed.url).as_deref() == digests.last().map(String::as_str)),
        }
        drop(killed); // SIGKILL
        let (versions, temps) = bundle_files(&dir);
        if versions.contains(&version) {
            after_write += 1;
        } else {
            before_write += 1;
        }
        cut_writes += usize::from(!temps.is_empty());

        f = env.follower_on("f", &writer.url, port);
        let served = active_digest(&f.url).expect("it restarts on a bundle of its own");
        assert!(digests.contains(&served), "round {round}: {served} is one that was published");
        wait_until(SLACK, "it catches up", || active_digest(&f.url).as_deref() == digests.last().map(String::as_str));
        let (_, temps) = bundle_files(&dir);
        assert!(temps.is_empty(), "round {round}: a restart deletes what a cut write left: {temps:?}");
    }
    eprintln!("killed before its new bundle was on disk in {before_write} rounds, after in {after_write}, with a temp file left in {cut_writes}");
    assert!(before_write > 0 && after_write > 0, "the kills fell on both sides of the write");
}

/// Decisions through nginx from `threads` keep-alive clients until `stop`:
/// every (status, digest) seen.
fn load(url: String, threads: usize, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Vec<std::thread::JoinHandle<Vec<(u16, String)>>> {
    (0..threads)
        .map(|_| {
            let (url, stop) = (url.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let body = serde_json::json!({"shopper": json(SHOPPER), "page": "home", "at": AT}).to_string();
                let mut seen = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match agent.post(format!("{url}/v1/decide")).header("Content-Type", "application/json").send(&body) {
                        Ok(mut r) => {
                            let status = r.status().as_u16();
                            let text = r.body_mut().read_to_string().unwrap_or_default();
                            let digest = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| v["bundle_digest"].as_str().map(str::to_owned));
                            seen.push((status, digest.unwrap_or(text)));
                        }
                        Err(e) => seen.push((0, e.to_string())),
                    }
                }
                seen
            })
        })
        .collect()
}

#[test]
fn under_load_through_nginx_a_publish_and_a_kill_of_the_writer_cost_no_answer() {
    let env = Env::new();
    let port = free_port();
    let mut writer = env.serve_with("writer", &[], port);
    let writer_url = writer.url.clone();
    let followers: Vec<Service> = (0..3).map(|i| env.follower(&format!("f{i}"), &writer_url)).collect();
    let v1 = env.publish_to(&writer_url);
    wait_until(SLACK, "followers serve v1", || followers.iter().all(|f| active_digest(&f.url).as_deref() == Some(v1.as_str())));
    let lb = Nginx::balance(&env.path("nginx"), &followers.iter().map(|f| f.url.as_str()).collect::<Vec<_>>());

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers = load(lb.url.clone(), 2, stop.clone());
    std::thread::sleep(Duration::from_millis(300));
    env.add_segment("under_load");
    let v2 = env.publish_to(&writer_url);
    wait_until(SLACK, "followers serve v2 under load", || followers.iter().all(|f| active_digest(&f.url).as_deref() == Some(v2.as_str())));
    std::thread::sleep(Duration::from_millis(300));
    let _ = writer.child.kill(); // SIGKILL
    let _ = writer.child.wait();
    let killed = Instant::now();
    std::thread::sleep(POLL * 3);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen: Vec<(u16, String)> = workers.into_iter().flat_map(|w| w.join().unwrap()).collect();

    let bad: Vec<_> = seen.iter().filter(|(status, _)| *status != 200).take(5).collect();
    assert!(bad.is_empty(), "non-2xx answers under load: {bad:?} (of {})", seen.len());
    let foreign: Vec<_> = seen.iter().filter(|(_, d)| *d != v1 && *d != v2).take(5).collect();
    assert!(foreign.is_empty(), "answers from neither bundle: {foreign:?}");
    assert!(seen.iter().any(|(_, d)| *d == v1) && seen.iter().any(|(_, d)| *d == v2), "both bundles answered");
    eprintln!("{} decisions through nginx during a publish and {:?} after a kill -9 of the writer: all 200", seen.len(), killed.elapsed());
    for f in &followers {
        assert!(ready(&f.url));
        assert_eq!(active_digest(&f.url).as_deref(), Some(v2.as_str()));
    }
}
