//! The decision service over real HTTP on 127.0.0.1: publishing, every
//! refusal with its code (the active bundle keeps serving), restarts,
//! swaps under load, metrics and the decision log.

mod common;

use std::collections::HashMap;
use std::fs;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};
use tailor_bundle::Envelope;

/// A service with production v1 ("a") active.
async fn with_v1() -> (tempfile::TempDir, Keys, Running, String) {
    let (tmp, k, s, digest, _) = with_v1_body().await;
    (tmp, k, s, digest)
}

/// [`with_v1`], and the envelope published.
async fn with_v1_body() -> (tempfile::TempDir, Keys, Running, String, Vec<u8>) {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let s = Running::start(config(tmp.path(), &k.trust)).await;
    let (body, digest) = sign(&payload("production", 1, "a"), &k.release);
    let (status, r) = publish(&s, "production", body.clone()).await;
    assert_eq!((status, r["status"].as_str()), (200, Some("activated")), "{r}");
    (tmp, k, s, digest, body)
}

/// A refusal: its status and code, counted in metrics, and v1 still serves.
async fn assert_refused(s: &Running, v1: &str, (status, body): (u16, Value), want_status: u16, want_code: &str) {
    assert_eq!((status, code(&body)), (want_status, want_code), "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_serving(s, v1, "a").await;
    let (_, active) = get(s, "/v1/bundles/production/active").await;
    assert_eq!(active["digest"], v1);
    let metrics = client().get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains(&format!("tailor_bundle_rejects_total{{reason=\"{want_code}\"}} 1")),
        "reject not counted: {metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_bundle_serves_decisions_that_echo_its_digest_and_version() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let s = Running::start(config(tmp.path(), &k.trust)).await;

    let (status, _) = get(&s, "/healthz").await;
    assert_eq!(status, 200);
    let (status, r) = get(&s, "/readyz").await;
    assert_eq!((status, code(&r)), (503, "not_ready"));
    let (status, r) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!((status, code(&r)), (404, "no_bundle"));
    let (status, r) = decide(&s, "", json!({"id": "s-1"})).await;
    assert_eq!((status, code(&r)), (503, "no_bundle"));

    let (body, digest) = sign(&payload("production", 1, "a"), &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r, json!({"status": "activated", "environment": "production", "version": 1, "digest": digest}));

    let (status, r) = get(&s, "/readyz").await;
    assert_eq!((status, &r["environments"]), (200, &json!(["production"])));
    let (status, active) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!(status, 200);
    assert_eq!(active["environment"], "production");
    assert_eq!(active["version"], 1);
    assert_eq!(active["digest"], digest);
    assert_eq!(active["author"], "ana");
    for field in ["loaded_at", "created_at", "expires_at"] {
        assert!(active[field].as_str().unwrap().parse::<Timestamp>().is_ok(), "{field}: {active}");
    }

    let (status, d) = decide(&s, "?env=production", json!({"id": "s-1", "visitor_type": "new"})).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["bundle_digest"], digest);
    assert_eq!(d["version"], 1);
    assert_eq!(d["page"], "home");
    assert_eq!(d["blocks"][0]["content"], "hero_a");
    assert_eq!(d["blocks"][1]["content"], "promo_a");
    assert!(d.get("trace").is_none());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decide_requests_the_engine_refuses_answer_400_with_a_code() {
    let (_tmp, _k, s, _v1) = with_v1().await;
    let post = |body: &'static str| {
        let url = s.url("/v1/decide");
        async move { read(client().post(url).body(body).send().await.unwrap()).await }
    };
    let (status, r) = post(r#"{"shopper": {"id": "s"}, "page": "nowhere"}"#).await;
    assert_eq!((status, code(&r)), (400, "unknown_page"), "{r}");
    let (status, r) = post(r#"{"shopper": {}, "page": "home"}"#).await;
    assert_eq!((status, code(&r)), (400, "missing_shopper_id"), "{r}");
    let (status, r) = post(r#"{"shopper": {"id": "s"}, "page": "home", "bogus": 1}"#).await;
    assert_eq!((status, code(&r)), (400, "malformed"), "{r}");
    let (status, r) = post(r#"{"shopper": {"id": "s"}, "pa"#).await;
    assert_eq!((status, code(&r)), (400, "malformed"), "{r}");
    let (status, r) = decide(&s, "?env=staging", json!({"id": "s"})).await;
    assert_eq!((status, code(&r)), (503, "no_bundle"), "{r}");

    // With explain, the trace comes back.
    let body = json!({"shopper": {"id": "s-2", "visitor_type": "returning"}, "page": "home", "explain": true});
    let (status, d) = read(client().post(s.url("/v1/decide")).body(body.to_string()).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(d["trace"].is_object(), "{d}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_environments_need_env_in_decide() {
    let (_tmp, k, s, v1) = with_v1().await;
    let (body, staging) = sign(&payload("staging", 1, "b"), &k.release);
    assert_eq!(publish(&s, "staging", body).await.0, 200);
    let (status, r) = decide(&s, "", json!({"id": "s"})).await;
    assert_eq!((status, code(&r)), (400, "environment_required"), "{r}");
    let (_, d) = decide(&s, "?env=staging", json!({"id": "s"})).await;
    assert_eq!((d["bundle_digest"].as_str(), d["blocks"][0]["content"].as_str()), (Some(&*staging), Some("hero_b")));
    let (_, d) = decide(&s, "?env=production", json!({"id": "s"})).await;
    assert_eq!(d["bundle_digest"], v1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn republishing_the_active_digest_is_idempotent() {
    let (_tmp, _k, s, v1, body) = with_v1_body().await;
    let (status, r) = publish(&s, "production", body.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(r, json!({"status": "unchanged", "environment": "production", "version": 1, "digest": v1}));
    assert_serving(&s, &v1, "a").await;
    // Neither an activation nor a rejection.
    let metrics = client().get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"tailor_bundle_activations_total{env="production"} 1"#), "{metrics}");
    assert!(!metrics.contains("tailor_bundle_rejects_total{"), "{metrics}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_version_swaps_and_an_older_one_is_stale_version() {
    let (_tmp, k, s, v1) = with_v1().await;
    let (v1_body, _) = sign(&payload("production", 1, "a"), &k.release);
    let (v2_body, v2) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    assert_eq!(publish(&s, "production", v2_body).await.0, 200);
    assert_serving(&s, &v2, "b").await;

    // Version 1 again, and a different bundle claiming version 2, both built
    // on the active v2 (so they pass the parent check).
    let (old_v1, _) = sign(&payload_on("production", 1, "a", Some(&v2)), &k.release);
    let (status, r) = publish(&s, "production", old_v1).await;
    assert_eq!((status, code(&r)), (409, "stale_version"), "{r}");
    let (other_v2, _) = sign(&payload_on("production", 2, "c", Some(&v2)), &k.release);
    let (status, r) = publish(&s, "production", other_v2).await;
    assert_eq!((status, code(&r)), (409, "stale_version"), "{r}");
    // A replay of v1 itself was built on nothing: the parent check comes first.
    let (status, r) = publish(&s, "production", v1_body).await;
    assert_eq!((status, code(&r)), (409, "stale_parent"), "{r}");
    assert_serving(&s, &v2, "b").await;
    assert_ne!(v1, v2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_payload_is_bad_signature() {
    let (_tmp, k, s, v1) = with_v1().await;
    // v2's signature over another payload (v3's): a payload changed after signing.
    let (v2, _) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    let (v3, _) = sign(&payload("production", 3, "c"), &k.release);
    let mut forged: Envelope = serde_json::from_slice(&v2).unwrap();
    forged.payload = serde_json::from_slice::<Envelope>(&v3).unwrap().payload;
    let r = publish(&s, "production", forged.to_json()).await;
    assert_refused(&s, &v1, r, 422, "bad_signature").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_by_an_untrusted_key_is_untrusted_key() {
    let (_tmp, k, s, v1) = with_v1().await;
    let (body, _) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.stranger);
    let r = publish(&s, "production", body).await;
    assert_refused(&s, &v1, r, 422, "untrusted_key").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_bundle_is_refused() {
    let (_tmp, k, s, v1) = with_v1().await;
    let mut p = payload_on("production", 2, "b", Some(&v1));
    p.created_at = Timestamp::now().checked_sub(48.hours()).unwrap();
    p.expires_at = Timestamp::now().checked_sub(24.hours()).unwrap();
    let (body, _) = sign(&p, &k.release);
    let r = publish(&s, "production", body).await;
    assert_refused(&s, &v1, r, 422, "expired").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_for_another_environment_is_wrong_environment() {
    let (_tmp, k, s, v1) = with_v1().await;
    let (body, _) = sign(&payload("staging", 2, "b"), &k.release);
    let r = publish(&s, "production", body).await;
    assert_refused(&s, &v1, r, 422, "wrong_environment").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_schema_version_is_unsupported_schema() {
    let (_tmp, k, s, v1) = with_v1().await;
    let mut p = payload_on("production", 2, "b", Some(&v1));
    p.schema_version = 99;
    let (body, _) = sign(&p, &k.release);
    let r = publish(&s, "production", body).await;
    assert_refused(&s, &v1, r, 422, "unsupported_schema").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_that_do_not_compile_are_invalid_rules() {
    let (_tmp, k, s, v1) = with_v1().await;
    let mut p = payload_on("production", 2, "b", Some(&v1));
    p.rules.plan[0].placement = "home.nowhere".into();
    let (body, _) = sign(&p, &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert!(r["error"]["message"].as_str().unwrap().contains("home.nowhere"), "{r}");
    assert_refused(&s, &v1, (status, r), 422, "invalid_rules").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_body_is_malformed() {
    let (_tmp, k, s, v1) = with_v1().await;
    let (body, _) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    let r = publish(&s, "production", body[..body.len() / 2].to_vec()).await;
    assert_refused(&s, &v1, r, 400, "malformed").await;

    // A connection that closes before the announced length: the service
    // shrugs it off and keeps serving.
    let head = format!(
        "PUT /v1/bundles/production HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut req = head.into_bytes();
    req.extend_from_slice(&body[..body.len() / 3]);
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, &req).await.unwrap();
    drop(stream);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_serving(&s, &v1, "a").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_too_large_whether_announced_or_streamed() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let mut c = config(tmp.path(), &k.trust);
    c.max_body_bytes = 64 * 1024;
    let s = Running::start(c).await;
    let (body, v1) = sign(&payload("production", 1, "a"), &k.release);
    assert!(body.len() < 64 * 1024);
    assert_eq!(publish(&s, "production", body).await.0, 200);

    let r = publish(&s, "production", vec![b' '; 100 * 1024]).await;
    assert_refused(&s, &v1, r, 413, "too_large").await;

    // Chunked, so the size is only known while reading.
    let chunk = vec![b' '; 16 * 1024];
    let mut req = format!(
        "PUT /v1/bundles/production HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..6 {
        req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend_from_slice(&chunk);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let answer = raw_http(s.addr, &req, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""code":"too_large""#), "{answer}");
    assert_serving(&s, &v1, "a").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_arrive_in_time_is_a_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let mut c = config(tmp.path(), &k.trust);
    c.request_timeout = Duration::from_millis(300);
    let s = Running::start(c).await;
    let req = format!(
        "PUT /v1/bundles/production HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 1000\r\n\r\n{{\"pay"
    );
    let answer = raw_http(s.addr, req.as_bytes(), Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""code":"timeout""#), "{answer}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_needs_the_bearer_token() {
    let (_tmp, k, s, v1) = with_v1().await;
    let (body, _) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    let (status, r) = publish_with(&s, "production", body.clone(), None).await;
    assert_eq!((status, code(&r)), (401, "unauthorized"), "{r}");
    let (status, r) = publish_with(&s, "production", body.clone(), Some("s3cret-publish-tokeN")).await;
    assert_eq!((status, code(&r)), (403, "unauthorized"), "{r}");
    let (status, r) = publish_with(&s, "production", body, Some("")).await;
    assert_eq!((status, code(&r)), (401, "unauthorized"), "an empty token is no token: {r}");
    assert!(!r.to_string().contains(TOKEN), "the token is never echoed");
    assert_serving(&s, &v1, "a").await;
    let metrics = client().get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"tailor_bundle_rejects_total{reason="unauthorized"} 3"#), "{metrics}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_publish_token_every_upload_is_unauthorized() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let mut c = config(tmp.path(), &k.trust);
    c.publish_token = None;
    let s = Running::start(c).await;
    let (body, _) = sign(&payload("production", 1, "a"), &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!((status, code(&r)), (401, "unauthorized"), "{r}");
    assert!(r["error"]["message"].as_str().unwrap().contains("TAILOR_PUBLISH_TOKEN"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environment_name_that_is_not_plain_is_refused() {
    let (_tmp, k, s, _v1) = with_v1().await;
    let (body, _) = sign(&payload("production", 2, "b"), &k.release);
    let (status, r) = publish(&s, "prod%2E%2E", body).await;
    assert_eq!((status, code(&r)), (400, "invalid_environment"), "{r}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_reloads_the_newest_valid_bundle_skipping_corrupt_and_temp_files() {
    let (tmp, k, s, v1) = with_v1().await;
    let (v2_body, v2) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    assert_eq!(publish(&s, "production", v2_body).await.0, 200);
    s.stop().await;

    let dir = tmp.path().join("bundles/production");
    // A newer file cut short, a newer file signed by a stranger, and a temp
    // file left by a crash mid-write.
    let (v3_body, _) = sign(&payload("production", 3, "c"), &k.release);
    fs::write(dir.join("v0000000003-00000000000000aa.dsse.json"), &v3_body[..v3_body.len() / 2]).unwrap();
    let (v4_body, _) = sign(&payload("production", 4, "d"), &k.stranger);
    fs::write(dir.join("v0000000004-00000000000000bb.dsse.json"), &v4_body).unwrap();
    let temp = dir.join(".tmp-123-0-v0000000005-00000000000000cc.dsse.json");
    fs::write(&temp, b"{\"payloadType\":").unwrap();

    let s = Running::start(config(tmp.path(), &k.trust)).await;
    assert_serving(&s, &v2, "b").await;
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!(active["version"], 2);
    assert!(!temp.exists(), "the temp file is deleted at start");
    assert!(dir.join("v0000000003-00000000000000aa.dsse.json").exists(), "invalid files are kept for a human");

    // The next publish must still be newer than the active version.
    let (v3_good, v3) = sign(&payload_on("production", 3, "c", Some(&v2)), &k.release);
    assert_eq!(publish(&s, "production", v3_good).await.0, 200);
    assert_serving(&s, &v3, "c").await;
    s.stop().await;

    let s = Running::start(config(tmp.path(), &k.trust)).await;
    assert_serving(&s, &v3, "c").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_skips_a_newest_bundle_that_has_since_expired() {
    let (tmp, k, s, v1) = with_v1().await;
    let mut p = payload_on("production", 2, "b", Some(&v1));
    p.expires_at = Timestamp::now().checked_add(1.second()).unwrap();
    let (body, _) = sign(&p, &k.release);
    assert_eq!(publish(&s, "production", body).await.0, 200);
    s.stop().await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let s = Running::start(config(tmp.path(), &k.trust)).await;
    assert_serving(&s, &v1, "a").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_decisions_during_swaps_never_fail_nor_mix_two_bundles() {
    let (tmp, k, s, v1) = with_v1().await;
    let s = Arc::new(s);
    // digest -> tag of its content; filled before each publish.
    let tags = Arc::new(Mutex::new(HashMap::from([(v1.clone(), "a".to_owned())])));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));

    let publisher = {
        let (s, tags, done) = (s.clone(), tags.clone(), done.clone());
        let key = k.release.clone();
        let mut parent = v1.clone();
        tokio::spawn(async move {
            let mut version: u64 = 2;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let tag = if version.is_multiple_of(2) { "b" } else { "a" };
                let (body, digest) = sign(&payload_on("production", version, tag, Some(&parent)), &key);
                tags.lock().unwrap().insert(digest.clone(), tag.to_owned());
                let (status, r) = publish(&s, "production", body).await;
                assert_eq!(status, 200, "{r}");
                parent = digest;
                version += 1;
            }
            version - 2
        })
    };

    let client = client();
    let mut workers = Vec::new();
    for w in 0..8 {
        let (s, tags, client) = (s.clone(), tags.clone(), client.clone());
        workers.push(tokio::spawn(async move {
            let mut seen = HashMap::<String, usize>::new();
            for i in 0..300 {
                let body = json!({"shopper": {"id": format!("w{w}-{i}"), "visitor_type": "new"}, "page": "home"});
                let resp = client.post(s.url("/v1/decide")).body(body.to_string()).send().await.unwrap();
                let (status, d) = read(resp).await;
                assert_eq!(status, 200, "{d}");
                let digest = d["bundle_digest"].as_str().unwrap().to_owned();
                let tag = tags.lock().unwrap().get(&digest).cloned().expect("a digest that was published");
                assert_eq!(d["blocks"][0]["content"], format!("hero_{tag}"), "{d}");
                assert_eq!(d["blocks"][1]["content"], format!("promo_{tag}"), "{d}");
                *seen.entry(digest).or_default() += 1;
            }
            seen
        }));
    }
    let mut digests = HashMap::<String, usize>::new();
    for w in workers {
        for (d, n) in w.await.unwrap() {
            *digests.entry(d).or_default() += n;
        }
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let swaps = publisher.await.unwrap();
    assert!(swaps >= 2, "only {swaps} swaps happened");
    assert!(digests.len() >= 2, "decisions saw a single bundle: {digests:?}");
    assert_eq!(digests.values().sum::<usize>(), 8 * 300);

    let metrics = client.get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"tailor_decisions_total{env="production"} 2400"#), "{metrics}");
    Arc::into_inner(s).expect("no other handle").stop().await;
    let dir = tmp.path().join("bundles/production");
    assert!(fs::read_dir(dir).unwrap().count() <= 10, "old bundle files are pruned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_expose_decisions_latency_rejects_and_active_version() {
    let (_tmp, k, s, _v1) = with_v1().await;
    decide(&s, "", json!({"id": "s-1"})).await;
    let (body, _) = sign(&payload("production", 2, "b"), &k.stranger);
    publish(&s, "production", body).await;
    let resp = client().get(s.url("/metrics")).send().await.unwrap();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    for series in [
        r#"tailor_decisions_total{env="production"} 1"#,
        "tailor_decide_latency_seconds_bucket{le=",
        "tailor_decide_latency_seconds_count 1",
        r#"tailor_bundle_rejects_total{reason="untrusted_key"} 1"#,
        r#"tailor_active_bundle_version{env="production"} 1"#,
        r#"tailor_bundle_activations_total{env="production"} 1"#,
        "tailor_decision_log_dropped_total 0",
    ] {
        assert!(text.contains(series), "missing {series} in\n{text}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decision_log_has_one_line_per_block_with_propensity() {
    let (tmp, _k, s, v1) = with_v1().await;
    for i in 0..50 {
        let (status, _) = decide(&s, "", json!({"id": format!("r-{i}"), "visitor_type": "returning"})).await;
        assert_eq!(status, 200);
    }
    s.stop().await; // flushes the log

    let dir = tmp.path().join("decisions");
    let mut lines = Vec::new();
    for f in fs::read_dir(&dir).unwrap() {
        let f = f.unwrap().path();
        assert!(f.file_name().unwrap().to_str().unwrap().starts_with("decisions-"));
        for line in fs::read_to_string(&f).unwrap().lines() {
            lines.push(serde_json::from_str::<Value>(line).unwrap());
        }
    }
    assert_eq!(lines.len(), 100, "two blocks per decision");
    let heroes: Vec<&Value> = lines.iter().filter(|l| l["placement"] == "home.hero").collect();
    assert_eq!(heroes.len(), 50);
    for l in &heroes {
        assert_eq!(l["environment"], "production");
        assert_eq!(l["bundle_digest"], v1);
        assert_eq!(l["version"], 1);
        assert_eq!(l["page"], "home");
        assert_eq!(l["entry"], "returning_hero");
        assert_eq!(l["segment"], "returning");
        assert!(l["time"].as_str().unwrap().parse::<Timestamp>().is_ok());
        assert!(l["shopper"].as_str().unwrap().starts_with("r-"));
        let holdout = l["holdout"].as_bool().unwrap();
        let (content, propensity) = if holdout { ("hero_a", 0.1) } else { ("hero_back", 0.9) };
        assert_eq!(l["content"], content, "{l}");
        assert!((l["propensity"].as_f64().unwrap() - propensity).abs() < 1e-9, "{l}");
    }
}

/// GET of the envelope endpoint with an optional `If-None-Match`: status,
/// ETag, Content-Type and body bytes.
async fn get_envelope(s: &Running, env: &str, if_none_match: Option<&str>) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let mut req = client().get(s.url(&format!("/v1/bundles/{env}/envelope")));
    if let Some(tag) = if_none_match {
        req = req.header("If-None-Match", tag);
    }
    let resp = req.send().await.unwrap();
    let header = |name: &str| resp.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let (status, etag, content_type) = (resp.status().as_u16(), header("etag"), header("content-type"));
    (status, etag, content_type, resp.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_envelope_endpoint_serves_the_active_envelope_as_uploaded_with_its_digest_as_etag() {
    let (tmp, k, s, v1, v1_body) = with_v1_body().await;
    let v1_tag = format!("\"{v1}\"");

    let (status, etag, content_type, bytes) = get_envelope(&s, "production", None).await;
    assert_eq!(status, 200);
    assert_eq!(etag.as_deref(), Some(&*v1_tag));
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert!(bytes == v1_body, "the bytes as uploaded");

    // The ETag quoted, bare, in a list, or `*`: 304 with the ETag and no body.
    for tag in [v1_tag.clone(), v1.clone(), format!("\"sha256:00\", {v1_tag}"), "*".to_owned()] {
        let (status, etag, _, bytes) = get_envelope(&s, "production", Some(&tag)).await;
        assert_eq!((status, etag.as_deref(), bytes.len()), (304, Some(&*v1_tag), 0), "If-None-Match: {tag}");
    }
    let (status, _, _, bytes) = get_envelope(&s, "production", Some("\"sha256:00\"")).await;
    assert!(status == 200 && bytes == v1_body, "another ETag gets the envelope");

    // A new version: the old ETag no longer matches.
    let (v2_body, v2) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    assert_eq!(publish(&s, "production", v2_body.clone()).await.0, 200);
    let (status, etag, _, bytes) = get_envelope(&s, "production", Some(&v1_tag)).await;
    assert_eq!((status, etag), (200, Some(format!("\"{v2}\""))));
    assert!(bytes == v2_body);
    let (status, _, _, _) = get_envelope(&s, "production", Some(&format!("\"{v2}\""))).await;
    assert_eq!(status, 304);

    // An environment without a bundle, and a name that is not plain.
    let (status, _, _, bytes) = get_envelope(&s, "staging", None).await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, code(&body)), (404, "no_bundle"), "{body}");
    let (status, _, _, bytes) = get_envelope(&s, "prod%2E%2E", None).await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, code(&body)), (400, "invalid_environment"), "{body}");

    // After a restart: the same bytes, read back from the bundle file.
    s.stop().await;
    let s = Running::start(config(tmp.path(), &k.trust)).await;
    let (status, etag, _, bytes) = get_envelope(&s, "production", None).await;
    assert_eq!((status, etag), (200, Some(format!("\"{v2}\""))));
    assert!(bytes == v2_body);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_envelope_of_an_empty_environment_is_no_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let s = Running::start(config(tmp.path(), &k.trust)).await;
    let (status, etag, _, bytes) = get_envelope(&s, "production", Some("*")).await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, code(&body), etag), (404, "no_bundle", None), "{body}");
    s.stop().await;
}
