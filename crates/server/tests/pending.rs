//! The two-person rule on the service: a bundle signed by fewer keys than
//! the environment's threshold waits as a pending bundle while production
//! keeps serving; approvals add signatures over the same payload, the one
//! that reaches the threshold activates it (parent and version checked as
//! for any upload); the same key twice, the author's own key when the trust
//! file says `distinct_from_author`, an untrusted or forged signature and an
//! approval after expiry are refused.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};
use tailor_bundle::{BundlePayload, Envelope, SigningKey, TrustFile, build, cosign, generate_signing_key};

struct Team {
    ana: SigningKey,
    bo: SigningKey,
    stranger: SigningKey,
    trust: TrustFile,
}

/// Ana and Bo trusted for production (threshold 2, authors may not approve
/// their own bundles) and staging (threshold 2, no such rule).
fn team() -> Team {
    let (ana, bo, stranger) = (
        generate_signing_key().unwrap(),
        generate_signing_key().unwrap(),
        generate_signing_key().unwrap(),
    );
    let mut trust = TrustFile::default();
    for env in ["production", "staging"] {
        trust.trust(env, "ana", &ana.verifying_key());
        trust.trust(env, "bo", &bo.verifying_key());
        trust.environments.get_mut(env).unwrap().threshold = 2;
    }
    trust.environments.get_mut("production").unwrap().distinct_from_author = true;
    Team {
        ana,
        bo,
        stranger,
        trust,
    }
}

fn signed(p: &BundlePayload, keys: &[&SigningKey]) -> (Envelope, String) {
    let built = build(p, keys).unwrap();
    (built.envelope, built.digest)
}

async fn submit(s: &Running, env: &str, envelope: &Envelope) -> (u16, Value) {
    let req = client()
        .put(s.url(&format!("/v1/bundles/{env}/pending")))
        .bearer_auth(TOKEN)
        .body(envelope.to_json());
    read(req.send().await.unwrap()).await
}

async fn approve(
    s: &Running,
    env: &str,
    digest: &str,
    envelope: &Envelope,
    key: &SigningKey,
    note: &str,
) -> (u16, Value) {
    let body = json!({"signature": cosign(envelope, key).unwrap(), "approver": "someone", "note": note});
    let req = client()
        .post(s.url(&format!("/v1/bundles/{env}/pending/{digest}/approvals")))
        .bearer_auth(TOKEN)
        .body(serde_json::to_vec(&body).unwrap());
    read(req.send().await.unwrap()).await
}

/// Production v1 ("a"), signed by both, active.
async fn with_v1(t: &Team, ttl: Duration) -> (tempfile::TempDir, Running, String) {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = config(tmp.path(), &t.trust);
    c.pending_ttl = ttl;
    let s = Running::start(c).await;
    let (env1, d1) = signed(&payload("production", 1, "a"), &[&t.ana, &t.bo]);
    let (status, r) = publish(&s, "production", env1.to_json()).await;
    assert_eq!((status, r["status"].as_str()), (200, Some("activated")), "{r}");
    (tmp, s, d1)
}

#[tokio::test]
async fn a_pending_bundle_activates_with_a_second_key_and_not_before() {
    let t = team();
    let (tmp, s, d1) = with_v1(&t, Duration::from_secs(3600)).await;

    // Version 2 signed by Ana alone: a direct upload is refused…
    let (env2, d2) = signed(&payload_on("production", 2, "b", Some(&d1)), &[&t.ana]);
    let (status, r) = publish(&s, "production", env2.to_json()).await;
    assert_eq!((status, code(&r)), (422, "threshold_not_met"), "{r}");
    // …and submitted for approval it waits, production serving v1.
    let (status, r) = submit(&s, "production", &env2).await;
    assert_eq!(status, 202, "{r}");
    assert_eq!(r["status"], "pending");
    assert_eq!(r["digest"], d2.as_str());
    assert_eq!(
        (r["signatures"].as_u64(), r["threshold"].as_u64()),
        (Some(1), Some(2)),
        "{r}"
    );
    assert_eq!(r["submitted_by"][0]["key_name"], "ana");
    assert_serving(&s, &d1, "a").await;
    let hex = d2.strip_prefix("sha256:").unwrap();
    assert!(tmp.path().join(format!("pending/production/{hex}.json")).exists());
    // Submitting it again changes nothing.
    let (status, again) = submit(&s, "production", &env2).await;
    assert_eq!((status, &again["submitted_at"]), (202, &r["submitted_at"]));

    let (_, list) = get(&s, "/v1/bundles/production/pending").await;
    assert_eq!(list["pending"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["pending"][0]["digest"], d2.as_str());
    let (status, one) = get(&s, &format!("/v1/bundles/production/pending/{d2}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_value::<Envelope>(one["envelope"].clone()).unwrap(),
        env2
    );

    // Ana's own key again: the author may not approve here.
    let (status, r) = approve(&s, "production", &d2, &env2, &t.ana, "").await;
    assert_eq!((status, code(&r)), (403, "author_cannot_approve"), "{r}");
    // A key nobody trusts, and Bo's keyid on a stranger's signature.
    let (status, r) = approve(&s, "production", &d2, &env2, &t.stranger, "").await;
    assert_eq!((status, code(&r)), (403, "untrusted_key"), "{r}");
    let mut forged = cosign(&env2, &t.stranger).unwrap();
    forged.keyid = cosign(&env2, &t.bo).unwrap().keyid;
    let body = json!({"signature": forged});
    let req = client()
        .post(s.url(&format!("/v1/bundles/production/pending/{d2}/approvals")))
        .bearer_auth(TOKEN)
        .body(serde_json::to_vec(&body).unwrap());
    let (status, r) = read(req.send().await.unwrap()).await;
    assert_eq!((status, code(&r)), (422, "bad_signature"), "{r}");
    // Without the publish token nothing is taken.
    let req = client()
        .post(s.url(&format!("/v1/bundles/production/pending/{d2}/approvals")))
        .body(serde_json::to_vec(&json!({"signature": cosign(&env2, &t.bo).unwrap()})).unwrap());
    assert_eq!(read(req.send().await.unwrap()).await.0, 401);
    assert_serving(&s, &d1, "a").await;

    // Bo approves: version 2 is live, the digest unchanged, the approval recorded.
    let (status, r) = approve(&s, "production", &d2, &env2, &t.bo, "checked on staging").await;
    assert_eq!((status, r["status"].as_str()), (200, Some("activated")), "{r}");
    assert_eq!(
        (r["version"].as_u64(), r["digest"].as_str()),
        (Some(2), Some(d2.as_str()))
    );
    assert_serving(&s, &d2, "b").await;
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!(active["approvals"][0]["key_name"], "bo", "{active}");
    assert_eq!(active["approvals"][0]["note"], "checked on staging");
    let (_, served) = get(&s, "/v1/bundles/production/envelope").await;
    assert_eq!(
        served["signatures"].as_array().unwrap().len(),
        2,
        "the envelope served carries both signatures"
    );
    let (_, one) = get(&s, &format!("/v1/bundles/production/pending/{d2}")).await;
    assert_eq!(one["status"], "activated");
    let (status, r) = approve(&s, "production", &d2, &env2, &t.bo, "").await;
    assert_eq!((status, code(&r)), (409, "not_pending"), "{r}");
    // Submitting it again once it is active changes nothing.
    let (status, r) = submit(&s, "production", &env2).await;
    assert_eq!((status, r["status"].as_str()), (200, Some("unchanged")), "{r}");
    let (_, list) = get(&s, "/v1/bundles/production/pending").await;
    assert_eq!(list["pending"], json!([]));

    // A restart reads the approvals back from beside the bundle file.
    let dir = tmp.path().to_path_buf();
    s.stop().await;
    let s = Running::start(config(&dir, &t.trust)).await;
    let (_, active) = get(&s, "/v1/bundles/production/active").await;
    assert_eq!(
        (active["version"].as_u64(), &active["approvals"][0]["key_name"]),
        (Some(2), &json!("bo")),
        "{active}"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_same_key_twice_is_refused_where_authors_may_approve() {
    let t = team();
    let tmp = tempfile::tempdir().unwrap();
    let s = Running::start(config(tmp.path(), &t.trust)).await;
    let (env1, d1) = signed(&payload("staging", 1, "a"), &[&t.ana]);
    let (status, r) = submit(&s, "staging", &env1).await;
    assert_eq!(status, 202, "{r}");
    let (status, r) = approve(&s, "staging", &d1, &env1, &t.ana, "").await;
    assert_eq!((status, code(&r)), (409, "duplicate_signer"), "{r}");
    let (status, r) = approve(&s, "staging", &d1, &env1, &t.bo, "").await;
    assert_eq!((status, r["status"].as_str()), (200, Some("activated")), "{r}");
    // A pending bundle must be built on what is active, like any upload.
    let (stale, _) = signed(&payload("staging", 2, "b"), &[&t.ana]);
    let (status, r) = submit(&s, "staging", &stale).await;
    assert_eq!((status, code(&r)), (409, "stale_parent"), "{r}");
    s.stop().await;
}

#[tokio::test]
async fn an_approval_after_the_pending_bundle_expired_is_refused() {
    let t = team();
    let (_tmp, s, d1) = with_v1(&t, Duration::from_millis(800)).await;
    let (env2, d2) = signed(&payload_on("production", 2, "b", Some(&d1)), &[&t.ana]);
    assert_eq!(submit(&s, "production", &env2).await.0, 202);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (_, list) = get(&s, "/v1/bundles/production/pending").await;
    assert_eq!(list["pending"][0]["status"], "expired", "{list}");
    let (status, r) = approve(&s, "production", &d2, &env2, &t.bo, "").await;
    assert_eq!((status, code(&r)), (410, "pending_expired"), "{r}");
    assert_serving(&s, &d1, "a").await;
    s.stop().await;
}
