//! Publishing end to end with real processes and real HTTP on 127.0.0.1:
//! keys, `tailor serve`, `tailor publish`, `/v1/decide`, rollback, faults,
//! and two replicas behind nginx.

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

mod common;
use common::*;

const SHOPPER: &str = r#"{"id":"s-1","visitor_type":"returning","device":"mobile","viewed_categories":["running"],"recently_viewed":["sku-2","sku-1","sku-3"],"consent":true}"#;
const AT: &str = "2026-12-01T10:00:00Z";

#[test]
fn published_bundle_decides_like_tailor_explain() {
    let env = Env::new();
    let svc = env.serve("data");
    let out = env.publish(&[&svc.url], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let published = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(published["version"], 1);
    let digest = published["digest"].as_str().unwrap().to_owned();

    let active = get(&format!("{}/v1/bundles/production/active", svc.url));
    assert_eq!(active["digest"], digest.as_str());

    for page in ["home", "product"] {
        let decided = post(
            &format!("{}/v1/decide", svc.url),
            &serde_json::json!({"shopper": json(SHOPPER), "page": page, "at": AT}),
        );
        assert_eq!(decided["bundle_digest"], digest.as_str());
        let explained = json(&env.ok(&[
            "explain", &env.ws(), "--shopper-json", SHOPPER, "--page", page, "--at", AT, "--format", "json",
        ]));
        assert_eq!(decided["blocks"], explained["blocks"], "service and CLI disagree on {page}");
    }

    // Rollback republishes version 1's rules as version 3.
    env.ok(&["segment", "add", &env.ws(), "--name", "late", "--when", "device = \"tablet\"", "--owner", "x"]);
    assert!(env.publish(&[&svc.url], &[]).status.success());
    let out = env.run(&[
        "rollback", &env.ws(), "--env", "production", "--to-version", "1", "--to", &svc.url, "--key", "alice",
        "--accept-warnings", "--format", "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rolled = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(rolled["version"], 3);
    assert_eq!(rolled["diff"]["sections"][0]["removed"], serde_json::json!(["late"]));
    assert_eq!(get(&format!("{}/v1/bundles/production/active", svc.url))["version"], 3);
}

#[test]
fn publish_to_a_service_that_is_down_retries_then_says_so() {
    let env = Env::new();
    let url = format!("http://127.0.0.1:{}", free_port());
    let start = Instant::now();
    let out = env.publish(&[&url], &["--attempts", "3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not be reached after 3 attempt(s)"), "{err}");
    assert!(start.elapsed() >= Duration::from_millis(600), "backoff 200 + 400 ms");
}

/// A fake service that accepts connections and then misbehaves.
fn misbehaving(behaviour: fn(std::net::TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || behaviour(stream));
        }
    });
    url
}

#[test]
fn publish_to_a_slow_service_times_out() {
    let env = Env::new();
    let url = misbehaving(|mut s| {
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf);
        std::thread::sleep(Duration::from_secs(5));
    });
    let out = env.publish(&[&url], &["--attempts", "2", "--timeout", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("after 2 attempt(s)") && err.to_lowercase().contains("timeout"), "{err}");
}

#[test]
fn publish_to_a_service_that_resets_connections_fails_cleanly() {
    let env = Env::new();
    let url = misbehaving(|s| {
        // Close with the request unread: the kernel answers with a reset.
        std::thread::sleep(Duration::from_millis(20));
        drop(s);
    });
    let out = env.publish(&[&url], &["--attempts", "2"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not be reached after 2 attempt(s)"), "{err}");
}

#[test]
fn a_wrong_token_is_refused_and_nothing_changes() {
    let env = Env::new();
    let svc = env.serve("data");
    let ws = env.ws();
    let out = env
        .cmd(&["publish", &ws, "--env", "production", "--to", &svc.url, "--key", "alice", "--accept-warnings"])
        .env("TAILOR_PUBLISH_TOKEN", "wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unauthorized"));
    let resp = ureq::get(&format!("{}/v1/bundles/production/active", svc.url))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404, "nothing was activated");
}

/// Two replicas behind nginx (Debian's package): one publish reaches both,
/// and every request through the balancer sees the same bundle.
#[test]
fn two_replicas_behind_nginx_serve_the_same_bundle() {
    let env = Env::new();
    let a = env.serve("data-a");
    let b = env.serve("data-b");
    let lb = Nginx::balance(&env.path("nginx"), &[&a.url, &b.url]);

    let out = env.publish(&[&a.url, &b.url], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let digest = json(&String::from_utf8(out.stdout).unwrap())["digest"].as_str().unwrap().to_owned();
    for replica in [&a.url, &b.url] {
        assert_eq!(get(&format!("{replica}/v1/bundles/production/active"))["digest"], digest.as_str());
    }
    for _ in 0..20 {
        let d = post(&format!("{}/v1/decide", lb.url), &serde_json::json!({"shopper": json(SHOPPER), "page": "home", "at": AT}));
        assert_eq!(d["bundle_digest"], digest.as_str());
    }
    drop(lb);
}
