//! A bundle must be built on the active one: `parent_digest` is the active
//! digest (or absent on an empty environment), else 409 `stale_parent`
//! naming what is active; `overwrites` is the explicit override. And two
//! publishers racing on the same parent from two processes: exactly one
//! wins, every time.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use tokio::process::Command;

/// A service with production v1 ("a", no parent) active.
async fn with_v1() -> (tempfile::TempDir, Keys, Running, String) {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let s = Running::start(config(tmp.path(), &k.trust)).await;
    let (body, digest) = sign(&payload("production", 1, "a"), &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!((status, r["status"].as_str()), (200, Some("activated")), "{r}");
    (tmp, k, s, digest)
}

/// A `stale_parent` refusal whose `active` is what `/active` reports, and
/// `digest` (of tag `tag`) still serving.
async fn assert_stale_parent(s: &Running, (status, body): (u16, Value), digest: &str, tag: &str) {
    assert_eq!((status, code(&body)), (409, "stale_parent"), "{body}");
    let (_, active) = get(s, "/v1/bundles/production/active").await;
    assert_eq!(active["digest"], digest, "{active}");
    let error = body["error"].as_object().unwrap();
    assert_eq!(error.keys().collect::<Vec<_>>(), ["active", "code", "message"], "{body}");
    assert_eq!(
        error["active"],
        json!({
            "version": active["version"],
            "digest": digest,
            "author": "ana",
            "created_at": active["created_at"],
        }),
        "{body}"
    );
    let message = error["message"].as_str().unwrap();
    for part in [&format!("version {}", active["version"]), digest, "by ana", active["created_at"].as_str().unwrap()] {
        assert!(message.contains(part), "{part:?} not in {message:?}");
    }
    assert_serving(s, digest, tag).await;
}

async fn rejects(s: &Running, reason: &str) -> String {
    let metrics = client().get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let prefix = format!("tailor_bundle_rejects_total{{reason=\"{reason}\"}} ");
    metrics.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or("0").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_not_built_on_the_active_one_is_stale_parent_naming_the_active_bundle() {
    let (_tmp, k, s, v1) = with_v1().await;
    let (body, v2) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    assert_eq!(publish(&s, "production", body).await.0, 200);

    // Built on v1, which is no longer active; built on a digest never seen;
    // built on nothing although v2 is active.
    let unknown = format!("sha256:{}", "0".repeat(64));
    for (i, parent) in [Some(v1.as_str()), Some(unknown.as_str()), None].into_iter().enumerate() {
        let (body, _) = sign(&payload_on("production", 3, "c", parent), &k.release);
        let r = publish(&s, "production", body).await;
        if let Some(parent) = parent {
            let message = r.1["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains(&format!("built on {parent}")), "{message}");
        }
        assert_stale_parent(&s, r, &v2, "b").await;
        assert_eq!(rejects(&s, "stale_parent").await, (i + 1).to_string());
    }

    // Built on v2, the same version 3 activates.
    let (body, v3) = sign(&payload_on("production", 3, "c", Some(&v2)), &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!((status, r["status"].as_str()), (200, Some("activated")), "{r}");
    assert_serving(&s, &v3, "c").await;
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!(active["parent_digest"], v2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_with_a_parent_on_an_empty_environment_is_stale_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let s = Running::start(config(tmp.path(), &k.trust)).await;
    let elsewhere = format!("sha256:{}", "ab".repeat(32));

    let (body, _) = sign(&payload_on("production", 1, "a", Some(&elsewhere)), &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!((status, code(&r)), (409, "stale_parent"), "{r}");
    assert_eq!(r["error"]["active"], Value::Null, "{r}");
    assert!(r["error"].as_object().unwrap().contains_key("active"), "{r}");
    let message = r["error"]["message"].as_str().unwrap();
    assert!(message.contains(&elsewhere) && message.contains("no bundle is active"), "{message}");

    // An overwrite has nothing to overwrite either.
    let mut p = payload("production", 1, "a");
    p.overwrites = Some(elsewhere.clone());
    let (body, _) = sign(&p, &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!((status, code(&r)), (409, "stale_parent"), "{r}");
    assert_eq!(r["error"]["active"], Value::Null, "{r}");

    let (status, r) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!((status, code(&r)), (404, "no_bundle"));
    let (status, _) = get(&s, "/readyz").await;
    assert_eq!(status, 503);
    assert!(fs::read_dir(tmp.path().join("bundles/production")).map(|d| d.count()).unwrap_or(0) == 0);

    // Without a parent, the first bundle activates.
    let (body, v1) = sign(&payload("production", 1, "a"), &k.release);
    assert_eq!(publish(&s, "production", body).await.0, 200);
    assert_serving(&s, &v1, "a").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overwrite_naming_the_active_digest_activates_and_active_reports_it() {
    let (tmp, k, s, v1) = with_v1().await;
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert!(active.get("overwrites").is_none(), "reported only when set: {active}");

    // Built on some other bundle, but explicitly overwriting v1.
    let elsewhere = format!("sha256:{}", "cd".repeat(32));
    let mut p = payload_on("production", 2, "b", Some(&elsewhere));
    p.overwrites = Some(v1.clone());
    let (body, v2) = sign(&p, &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r, json!({"status": "activated", "environment": "production", "version": 2, "digest": v2}));
    assert_serving(&s, &v2, "b").await;
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!((&active["overwrites"], &active["parent_digest"]), (&json!(v1), &json!(elsewhere)), "{active}");

    // Still a version check: an overwrite of v2 as version 2 is stale_version.
    let mut p = payload("production", 2, "c");
    p.overwrites = Some(v2.clone());
    let (body, _) = sign(&p, &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!((status, code(&r)), (409, "stale_version"), "{r}");

    // Reported after a restart too; the next ordinary bundle carries none.
    s.stop().await;
    let s = Running::start(config(tmp.path(), &k.trust)).await;
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!((&active["digest"], &active["overwrites"]), (&json!(v2), &json!(v1)), "{active}");
    let (body, v3) = sign(&payload_on("production", 3, "c", Some(&v2)), &k.release);
    assert_eq!(publish(&s, "production", body).await.0, 200);
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!(active["digest"], v3);
    assert!(active.get("overwrites").is_none(), "{active}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overwrite_naming_another_digest_is_stale_parent() {
    let (_tmp, k, s, v1) = with_v1().await;
    let (body, v2) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    assert_eq!(publish(&s, "production", body).await.0, 200);

    // Overwriting v1, which is no longer active: refused, even built on v2.
    for parent in [Some(v1.as_str()), Some(v2.as_str()), None] {
        let mut p = payload_on("production", 3, "c", parent);
        p.overwrites = Some(v1.clone());
        let (body, _) = sign(&p, &k.release);
        let r = publish(&s, "production", body).await;
        let message = r.1["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("overwrites {v1}")), "{message}");
        assert_stale_parent(&s, r, &v2, "b").await;
    }
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert!(active.get("overwrites").is_none(), "{active}");
    s.stop().await;
}

/// `curl` uploading `file` in its own process; answers the status code on
/// stdout and writes the body to `out`.
fn curl_put(url: &str, file: &Path, out: &Path) -> tokio::process::Child {
    Command::new("curl")
        .args(["-s", "--max-time", "30", "-o"])
        .arg(out)
        .args(["-w", "%{http_code}", "-X", "PUT"])
        .args(["-H", &format!("Authorization: Bearer {TOKEN}"), "-H", "Content-Type: application/json"])
        .arg("--data-binary")
        .arg(format!("@{}", file.display()))
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("curl runs (/usr/bin/curl)")
}

/// 50 rounds; in each, two bundles built on the active digest (one version
/// active + 1, the other active + 2, the two swapping sides every round, so
/// the version check alone would let both through when the +1 lands first)
/// are uploaded at the same time by two `curl` processes. Every round:
/// one 200, one 409 `stale_parent` naming the winner; the winner is active
/// and decides, whole; the next round builds on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_uploading_on_the_same_parent_activate_exactly_one_every_round() {
    let (tmp, k, s, v1) = with_v1().await;
    let work = tmp.path().join("race");
    fs::create_dir_all(&work).unwrap();
    let url = s.url("/v1/bundles/production");
    let started = Instant::now();

    let rounds = async {
        let (mut parent, mut version, mut parent_tag) = (v1.clone(), 1u64, "a".to_owned());
        let mut wins = [0usize; 2]; // by the +1 and the +2 bundle
        for round in 0..50u64 {
            let ahead: [u64; 2] = if round.is_multiple_of(2) { [1, 2] } else { [2, 1] };
            let mut sides = Vec::new();
            for (i, side) in ["x", "y"].into_iter().enumerate() {
                let tag = format!("r{round}{side}");
                let p = payload_on("production", version + ahead[i], &tag, Some(&parent));
                let (body, digest) = sign(&p, &k.release);
                let file = work.join(format!("{round}-{side}.dsse.json"));
                fs::write(&file, &body).unwrap();
                sides.push((tag, digest, version + ahead[i], file, work.join(format!("{round}-{side}.out"))));
            }
            let tags: HashMap<&str, &str> = [(parent.as_str(), parent_tag.as_str())]
                .into_iter()
                .chain(sides.iter().map(|(tag, digest, ..)| (digest.as_str(), tag.as_str())))
                .collect();

            // Both files written; start both processes, then decide while they run.
            let children: Vec<_> = sides.iter().map(|(_, _, _, file, out)| curl_put(&url, file, out)).collect();
            let (status, d) = decide(&s, "", json!({"id": format!("during-{round}"), "visitor_type": "new"})).await;
            assert_eq!(status, 200, "{d}");
            let tag = tags.get(d["bundle_digest"].as_str().unwrap()).expect("a digest of this round");
            assert_eq!((&d["blocks"][0]["content"], &d["blocks"][1]["content"]), (&json!(format!("hero_{tag}")), &json!(format!("promo_{tag}"))), "round {round}: {d}");

            let mut answers = Vec::new();
            for (child, (_, _, _, _, out)) in children.into_iter().zip(&sides) {
                let output = child.wait_with_output().await.unwrap();
                assert!(output.status.success(), "curl: {}", String::from_utf8_lossy(&output.stderr));
                let code: u16 = String::from_utf8_lossy(&output.stdout).trim().parse().unwrap();
                let body: Value = serde_json::from_slice(&fs::read(out).unwrap()).unwrap_or(Value::Null);
                answers.push((code, body));
            }
            let winners: Vec<usize> = (0..2).filter(|&i| (200..300).contains(&answers[i].0)).collect();
            assert_eq!(winners.len(), 1, "round {round}: exactly one 2xx: {answers:?}");
            let (w, l) = (winners[0], 1 - winners[0]);
            let (win_tag, win_digest, win_version, ..) = sides[w].clone();
            assert_eq!(answers[w].1["status"], "activated", "round {round}: {answers:?}");
            assert_eq!(answers[w].1["digest"], win_digest, "round {round}: {answers:?}");
            assert_eq!((answers[l].0, code(&answers[l].1)), (409, "stale_parent"), "round {round}: {answers:?}");
            assert_eq!(answers[l].1["error"]["active"]["digest"], win_digest, "the refusal names the winner");
            wins[usize::from(ahead[w] == 2)] += 1;

            let (_, active) = get(&s, "/v1/bundles/production/active").await;
            assert_eq!(active["digest"], win_digest, "round {round}: {active}");
            assert!(sides.iter().any(|side| active["digest"] == side.1));
            let (status, d) = decide(&s, "", json!({"id": format!("after-{round}"), "visitor_type": "new"})).await;
            assert_eq!(status, 200, "{d}");
            assert_eq!(d["bundle_digest"], win_digest, "round {round}: {d}");
            assert_eq!(d["blocks"][0]["content"], format!("hero_{win_tag}"), "round {round}: {d}");
            assert_eq!(d["blocks"][1]["content"], format!("promo_{win_tag}"), "round {round}: {d}");

            (parent, version, parent_tag) = (win_digest, win_version, win_tag);
        }
        wins
    };
    let wins = tokio::time::timeout(Duration::from_secs(300), rounds).await.expect("50 rounds within 5 minutes");
    eprintln!("50 rounds in {:?}; won by the +1 bundle {}, by the +2 bundle {}", started.elapsed(), wins[0], wins[1]);
    let metrics = client().get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"tailor_bundle_rejects_total{reason="stale_parent"} 50"#), "{metrics}");
    assert!(metrics.contains(r#"tailor_bundle_activations_total{env="production"} 51"#), "{metrics}");
    s.stop().await;
}
