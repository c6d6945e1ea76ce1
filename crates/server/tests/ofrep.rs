//! OFREP (`/ofrep/v1/evaluate/flags[/{key}]`), decision ids, the decide
//! token, CORS and `POST /v1/outcomes` over real HTTP on 127.0.0.1. The
//! official OpenFeature providers are exercised against `tailor serve` in
//! `tests/ofrep/` (Node).

mod common;

use std::fs;

use common::*;
use serde_json::{Value, json};

const AT: &str = "2026-12-01T10:00:00Z";

async fn with_v1() -> (tempfile::TempDir, Keys, Running, String) {
    with_v1_config(|_| {}).await
}

async fn with_v1_config(
    adjust: impl FnOnce(&mut tailor_server::ServerConfig),
) -> (tempfile::TempDir, Keys, Running, String) {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let mut c = config(tmp.path(), &k.trust);
    adjust(&mut c);
    let s = Running::start(c).await;
    let (body, digest) = sign(&payload("production", 1, "a"), &k.release);
    let (status, r) = publish(&s, "production", body).await;
    assert_eq!(status, 200, "{r}");
    (tmp, k, s, digest)
}

async fn post(
    s: &Running,
    path: &str,
    body: impl Into<reqwest::Body>,
    headers: &[(&str, &str)],
) -> (u16, Option<String>, Value) {
    let mut req = client().post(s.url(path)).body(body);
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let etag = resp.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
    let text = resp.text().await.unwrap();
    (
        status,
        etag,
        if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) },
    )
}

async fn flag(s: &Running, key: &str, context: Value) -> (u16, Value) {
    let (status, _, body) =
        post(s, &format!("/ofrep/v1/evaluate/flags/{key}"), json!({ "context": context }).to_string(), &[]).await;
    (status, body)
}

fn returning(id: &str) -> Value {
    json!({"targetingKey": id, "visitor_type": "returning", "instant": AT})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_is_its_placement_in_the_same_whole_page_decision_as_decide() {
    let (_tmp, _k, s, v1) = with_v1().await;
    let mut reasons = std::collections::BTreeSet::new();
    for i in 0..60 {
        let id = format!("r-{i}");
        let (status, page) = decide(&s, "", json!({"id": id, "visitor_type": "returning"})).await;
        assert_eq!(status, 200);
        for block in page["blocks"].as_array().unwrap() {
            let key = block["placement"].as_str().unwrap();
            let (status, f) = flag(&s, key, returning(&id)).await;
            assert_eq!(status, 200, "{f}");
            assert_eq!(f["key"], key);
            assert_eq!(f["variant"], block["content"], "{f} vs {block}");
            assert_eq!(f["value"]["id"], block["content"]);
            assert_eq!(f["metadata"]["propensity"], block["propensity"]);
            assert_eq!(f["metadata"]["bundle_digest"], v1.as_str());
            assert_eq!(f["metadata"]["version"], 1);
            assert_eq!(f["cacheable"], false);
            let id: uuid::Uuid = f["metadata"]["decision_id"].as_str().unwrap().parse().unwrap();
            assert_eq!(id.get_version_num(), 7);
            let reason = f["reason"].as_str().unwrap();
            let want = match (block["holdout"].as_bool().unwrap(), block["personalized"].as_bool().unwrap()) {
                (true, _) => "SPLIT",
                (false, true) => "TARGETING_MATCH",
                (false, false) => "DEFAULT",
            };
            assert_eq!(reason, want, "{f}");
            reasons.insert(reason.to_owned());
        }
    }
    // 60 returning shoppers: the hero's 10% holdout and its winners, and the promo's default.
    assert_eq!(reasons.into_iter().collect::<Vec<_>>(), ["DEFAULT", "SPLIT", "TARGETING_MATCH"]);
    let (_, f) = flag(&s, "home.hero", json!({"targetingKey": "n-1", "visitor_type": "new"})).await;
    assert_eq!(f["value"], json!({"id": "hero_a", "kind": "banner", "fields": {"headline": "Hero a"}, "products": []}));
    assert_eq!(f["metadata"]["fallback_reason"], "no_candidate");
    assert!(f["metadata"].get("entry").is_none(), "absent metadata is left out: {f}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ofrep_error_code_comes_from_the_request_that_should_produce_it() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys();
    let s = Running::start(config(tmp.path(), &k.trust)).await;
    let (status, f) = flag(&s, "home.hero", returning("s")).await;
    assert_eq!((status, &f["errorCode"], &f["key"]), (500, &json!("GENERAL"), &json!("home.hero")), "{f}");
    assert!(f["errorDetails"].as_str().unwrap().contains("no bundle"), "{f}");
    let (body, _) = sign(&payload("production", 1, "a"), &k.release);
    assert_eq!(publish(&s, "production", body).await.0, 200);

    let cases = [
        ("cart.hero", returning("s"), 404, "FLAG_NOT_FOUND"),
        ("home.nowhere", returning("s"), 404, "FLAG_NOT_FOUND"),
        ("hero", returning("s"), 404, "FLAG_NOT_FOUND"),
        ("home.hero", json!({"visitor_type": "new"}), 400, "TARGETING_KEY_MISSING"),
        ("home.hero", json!({"targetingKey": "s", "visitor_type": true}), 400, "INVALID_CONTEXT"),
        ("home.hero", json!({"targetingKey": "s", "visitor_type": ["new"]}), 400, "INVALID_CONTEXT"),
        ("home.hero", json!({"targetingKey": "s", "cart": "sku-1"}), 400, "INVALID_CONTEXT"),
        ("home.hero", json!({"targetingKey": "s", "instant": "yesterday"}), 400, "INVALID_CONTEXT"),
    ];
    for (key, context, want_status, want_code) in cases {
        let (status, f) = flag(&s, key, context.clone()).await;
        assert_eq!((status, f["errorCode"].as_str()), (want_status, Some(want_code)), "{key} {context}: {f}");
        assert_eq!(f["key"], key);
        assert!(f["errorDetails"].as_str().is_some_and(|d| !d.is_empty()), "{f}");
    }
    let (status, _, f) = post(&s, "/ofrep/v1/evaluate/flags/home.hero", "{not json", &[]).await;
    assert_eq!((status, f["errorCode"].as_str()), (400, Some("PARSE_ERROR")), "{f}");
    let metrics = client().get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains(r#"tailor_ofrep_requests_total{endpoint="single",outcome="FLAG_NOT_FOUND"} 3"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"tailor_ofrep_requests_total{endpoint="single",outcome="INVALID_CONTEXT"} 4"#),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_answers_every_placement_and_304_until_the_rules_change() {
    let (_tmp, k, s, v1) = with_v1().await;
    let context = json!({"context": {"targetingKey": "n-1", "visitor_type": "new", "page": "home"}}).to_string();
    let path = "/ofrep/v1/evaluate/flags";
    let (status, etag, first) = post(&s, path, context.clone(), &[]).await;
    assert_eq!(status, 200, "{first}");
    let keys: Vec<&str> = first["flags"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["home.hero", "home.promo"]);
    assert_eq!(first["flags"][0]["variant"], "hero_a");
    assert_eq!(first["flags"][1]["value"]["fields"], json!({"offer": "Promo a"}));
    let etag = etag.expect("an ETag");

    // The same shopper again: a new decision id, the same ETag.
    let (status, again, second) = post(&s, path, context.clone(), &[]).await;
    assert_eq!((status, again.as_deref()), (200, Some(etag.as_str())));
    assert_ne!(first["flags"][0]["metadata"]["decision_id"], second["flags"][0]["metadata"]["decision_id"]);
    let (status, _, body) = post(&s, path, context.clone(), &[("if-none-match", &etag)]).await;
    assert_eq!((status, body), (304, Value::Null));

    let (v2_body, _) = sign(&payload_on("production", 2, "b", Some(&v1)), &k.release);
    assert_eq!(publish(&s, "production", v2_body).await.0, 200);
    let (status, changed, third) = post(&s, path, context, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 200);
    assert_ne!(changed.unwrap(), etag);
    assert_eq!(third["flags"][0]["variant"], "hero_b");

    for (context, code) in [
        (json!({"targetingKey": "n-1"}), "INVALID_CONTEXT"),
        (json!({"targetingKey": "n-1", "page": "nowhere"}), "INVALID_CONTEXT"),
        (json!({"page": "home"}), "TARGETING_KEY_MISSING"),
    ] {
        let (status, _, f) = post(&s, path, json!({ "context": context }).to_string(), &[]).await;
        assert_eq!((status, f["errorCode"].as_str()), (400, Some(code)), "{f}");
        assert!(f.get("key").is_none(), "a bulk failure names no flag: {f}");
    }
    let metrics = client().get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"tailor_ofrep_requests_total{endpoint="bulk",outcome="not_modified"} 1"#), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_carry_an_id_and_time_that_the_log_repeats() {
    let (tmp, _k, s, _v1) = with_v1().await;
    let (status, d) = decide(&s, "", json!({"id": "r-1", "visitor_type": "returning"})).await;
    assert_eq!(status, 200);
    let id: uuid::Uuid = d["decision_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(id.get_version_num(), 7);
    assert!(d["decided_at"].as_str().unwrap().parse::<jiff::Timestamp>().is_ok(), "{d}");
    assert_eq!(d["blocks"].as_array().unwrap().len(), 2);
    let (_, f) = flag(&s, "home.promo", returning("r-2")).await;
    let flag_id = f["metadata"]["decision_id"].as_str().unwrap().to_owned();
    s.stop().await;

    let mut lines = Vec::new();
    for f in fs::read_dir(tmp.path().join("decisions")).unwrap() {
        for line in fs::read_to_string(f.unwrap().path()).unwrap().lines() {
            lines.push(serde_json::from_str::<Value>(line).unwrap());
        }
    }
    let of = |id: &str| lines.iter().filter(|l| l["decision_id"] == id).collect::<Vec<_>>();
    let decided = of(&id.to_string());
    assert_eq!(decided.len(), 2, "both blocks of the page: {lines:?}");
    assert!(decided.iter().all(|l| l["decided_at"] == d["decided_at"] && l["shopper"] == "r-1"));
    let flagged = of(&flag_id);
    assert_eq!(flagged.len(), 1, "a single flag logs the block it answered: {lines:?}");
    assert_eq!((&flagged[0]["placement"], &flagged[0]["time"]), (&json!("home.promo"), &json!(AT)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_decide_token_decisions_ofrep_and_outcomes_need_it() {
    let (_tmp, _k, s, _v1) = with_v1_config(|c| c.decide_token = Some("read-token".into())).await;
    let ofrep = json!({"context": returning("s")}).to_string();
    let outcome = r#"{"decision_id": "d", "click": true}"#;
    let decide_body = json!({"shopper": {"id": "s"}, "page": "home"}).to_string();
    for (path, body) in [
        ("/v1/decide", &decide_body),
        ("/ofrep/v1/evaluate/flags/home.hero", &ofrep),
        ("/v1/outcomes", &outcome.to_owned()),
    ] {
        let (status, _, r) = post(&s, path, body.clone(), &[]).await;
        assert_eq!(status, 401, "{path}: {r}");
        let (status, _, _) = post(&s, path, body.clone(), &[("authorization", "Bearer wrong")]).await;
        assert_eq!(status, 403, "{path}");
        let (status, _, r) = post(&s, path, body.clone(), &[("authorization", "Bearer read-token")]).await;
        assert_eq!(status, 200, "{path}: {r}");
    }
    // OFREP's 401 carries only errorDetails (the protocol defines no code for it).
    let (_, _, r) = post(&s, "/ofrep/v1/evaluate/flags/home.hero", ofrep, &[]).await;
    assert!(r.get("errorCode").is_none() && r["errorDetails"].is_string(), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_lets_the_configured_origin_call_ofrep_and_read_the_etag() {
    let (_tmp, _k, s, _v1) = with_v1_config(|c| c.allow_origins = vec!["http://127.0.0.1:9999".into()]).await;
    let preflight = client()
        .request(reqwest::Method::OPTIONS, s.url("/ofrep/v1/evaluate/flags"))
        .header("origin", "http://127.0.0.1:9999")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,if-none-match")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "http://127.0.0.1:9999");
    let (status, _, _) = post(
        &s,
        "/ofrep/v1/evaluate/flags",
        json!({"context": {"targetingKey": "s", "page": "home"}}).to_string(),
        &[("origin", "http://127.0.0.1:9999")],
    )
    .await;
    assert_eq!(status, 200);
    let resp = client()
        .post(s.url("/ofrep/v1/evaluate/flags"))
        .header("origin", "http://127.0.0.1:9999")
        .body(json!({"context": {"targetingKey": "s", "page": "home"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["access-control-expose-headers"].to_str().unwrap().to_ascii_lowercase(), "etag");
    let other = client()
        .post(s.url("/ofrep/v1/evaluate/flags"))
        .header("origin", "http://evil.example")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none(), "another origin is not allowed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_are_appended_whole_or_refused_whole_with_line_numbers() {
    // A small limit, so the oversized body below fits the socket buffers and
    // the client reads the 413 instead of a reset.
    let (tmp, _k, s, _v1) = with_v1_config(|c| c.max_decide_body_bytes = 64 * 1024).await;
    let (status, _, r) = post(
        &s,
        "/v1/outcomes",
        "{\"decision_id\": \"d-1\", \"placement\": \"home.hero\", \"click\": true}\n{\"decision_id\": \"d-2\", \"revenue\": 12.5, \"time\": \"2026-12-01T10:05:00Z\"}\n",
        &[("content-type", "application/x-ndjson")],
    )
    .await;
    assert_eq!((status, r), (200, json!({"accepted": 2})));
    let (status, _, r) =
        post(&s, "/v1/outcomes", json!([{"decision_id": "d-3", "click": false}]).to_string(), &[]).await;
    assert_eq!((status, r), (200, json!({"accepted": 1})));
    let (status, _, r) = post(
        &s,
        "/v1/outcomes",
        "{\"decision_id\": \"d-4\", \"click\": true}\n{\"click\": true}\n{\"decision_id\": \"d-5\", \"click\": \"yes\"}\n",
        &[("content-type", "application/x-ndjson")],
    )
    .await;
    assert_eq!((status, r["error"]["code"].as_str()), (400, Some("invalid_outcomes")), "{r}");
    let numbers: Vec<u64> =
        r["error"]["lines"].as_array().unwrap().iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [2, 3], "{r}");
    let (status, _, _) = post(&s, "/v1/outcomes", vec![b'x'; 100 * 1024], &[]).await;
    assert_eq!(status, 413, "the decide body limit applies");
    s.stop().await;

    let dir = tmp.path().join("decisions");
    let mut written = Vec::new();
    for f in fs::read_dir(&dir).unwrap() {
        let p = f.unwrap().path();
        if p.file_name().unwrap().to_str().unwrap().starts_with("outcomes-") {
            written.extend(fs::read_to_string(&p).unwrap().lines().map(|l| serde_json::from_str::<Value>(l).unwrap()));
        }
    }
    let ids: Vec<&str> = written.iter().map(|l| l["decision_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["d-1", "d-2", "d-3"], "nothing of the refused batch");
    assert!(written[0]["time"].as_str().unwrap().parse::<jiff::Timestamp>().is_ok(), "time defaults to receipt");
    assert_eq!(written[1]["time"], "2026-12-01T10:05:00Z");
}
