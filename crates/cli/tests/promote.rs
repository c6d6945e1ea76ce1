//! Promotion and the two-person rule (docs/collaboration.md, "Environments,
//! promotion and approvals"), with real processes: `tailor serve` on
//! 127.0.0.1, `tailor publish`, `tailor promote`, `tailor approve`.

use std::fs;

mod common;
use common::*;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn succeeded(out: std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(&out));
    json(&String::from_utf8(out.stdout).unwrap())
}

/// The payload an environment serves.
fn serving(url: &str, env: &str) -> tailor_bundle::BundlePayload {
    let mut resp = ureq::get(format!("{url}/v1/bundles/{env}/envelope")).call().unwrap();
    tailor_bundle::payload_of_envelope(&resp.body_mut().read_to_vec().unwrap()).unwrap()
}

fn segments(p: &tailor_bundle::BundlePayload) -> Vec<String> {
    p.rules.segments.iter().map(|s| s.name.0.clone()).collect()
}

fn active_version(url: &str, env: &str) -> (u16, serde_json::Value) {
    get_any(&format!("{url}/v1/bundles/{env}/active"))
}

#[test]
fn promote_puts_the_staging_rules_live_not_the_local_draft() {
    let env = Env::new();
    let trust = env.path("trust.json").display().to_string();
    env.ok(&["keys", "export", "alice", "--env", "staging", "-o", &trust]);
    let svc = env.serve("data");
    let ws = env.ws();

    // Staging gets the workspace's rules.
    let staged = succeeded(env.run(&[
        "publish",
        &ws,
        "--env",
        "staging",
        "--to",
        &svc.url,
        "--key",
        "alice",
        "--accept-warnings",
        "--format",
        "json",
    ]));
    let staging_digest = staged["digest"].as_str().unwrap().to_owned();
    // Then the draft moves on.
    env.ok(&[
        "segment",
        "add",
        &ws,
        "--name",
        "local_only",
        "--when",
        r#"device = "tablet""#,
    ]);

    let promote_with = |trust: &str, extra: &[&str]| {
        let mut args = vec![
            "promote",
            &ws,
            "--from",
            "staging",
            "--to",
            "production",
            "--url",
            &svc.url,
        ];
        args.extend(["--trust", trust, "--key", "alice", "--accept-warnings"]);
        args.extend(extra);
        env.run(&args)
    };
    let promote = |extra: &[&str]| promote_with(&trust, extra);
    // The review says the local draft differs, and how.
    let review = succeeded(promote(&["--dry-run", "--format", "json"]));
    assert_eq!(review["source"]["digest"], staging_digest.as_str(), "{review}");
    assert_eq!(review["local_differs"], true, "{review}");
    assert!(review["local_diff"].to_string().contains("local_only"), "{review}");
    let text = String::from_utf8(promote(&["--dry-run"]).stdout).unwrap();
    assert!(text.contains("the local draft differs from what is promoted"), "{text}");
    assert!(text.contains("local_only"), "{text}");

    let outcome = succeeded(promote(&["--format", "json"]));
    assert_eq!(outcome["local_differs"], true, "{outcome}");
    assert_eq!(outcome["published"]["version"], 1, "{outcome}");
    assert_eq!(
        outcome["published"]["promoted_from"]["digest"],
        staging_digest.as_str(),
        "{outcome}"
    );

    // Production serves staging's rules exactly, and says where they came from.
    let staging = serving(&svc.url, "staging");
    let production = serving(&svc.url, "production");
    assert_eq!(production.rules, staging.rules);
    assert!(!segments(&production).contains(&"local_only".to_owned()));
    let from = production.promoted_from.clone().expect("promoted_from");
    assert_eq!(
        (from.environment.as_str(), from.version, from.digest.as_str()),
        ("staging", 1, staging_digest.as_str())
    );
    let (_, active) = active_version(&svc.url, "production");
    assert_eq!(active["promoted_from"]["digest"], staging_digest.as_str(), "{active}");
    // The local edit is still there, unpublished.
    let list = json(&env.ok(&["segment", "list", &ws, "--format", "json"]));
    assert!(list.to_string().contains("local_only"));

    // A staging bundle that does not verify is not promoted: without the
    // trust file, the key store trusts only alice, so use a stranger's.
    let other = Env::bare();
    let stranger_trust = other.path("trust.json").display().to_string();
    other.ok(&["keys", "export", "alice", "--env", "staging", "-o", &stranger_trust]);
    let out = promote_with(&stranger_trust, &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("untrusted_key"), "{}", stderr(&out));
    assert_eq!(serving(&svc.url, "production").version, 1);
}

/// Alice and Bob trusted for production, threshold 2, authors may not approve.
fn two_person(env: &Env) -> String {
    let trust = env.path("trust.json");
    env.ok(&["keys", "generate", "bob"]);
    env.ok(&[
        "keys",
        "export",
        "bob",
        "--env",
        "production",
        "-o",
        trust.to_str().unwrap(),
    ]);
    let mut t: serde_json::Value = json(&fs::read_to_string(&trust).unwrap());
    t["environments"]["production"]["threshold"] = 2.into();
    t["environments"]["production"]["distinct_from_author"] = true.into();
    fs::write(&trust, t.to_string()).unwrap();
    trust.display().to_string()
}

#[test]
fn a_publish_needing_two_signatures_waits_for_a_second_key() {
    let env = Env::new();
    let trust = two_person(&env);
    let svc = env.serve("data");
    let ws = env.ws();
    let approve = |digest: &str, key: &str, extra: &[&str]| {
        let mut args = vec![
            "approve",
            &svc.url,
            "--env",
            "production",
            "--digest",
            digest,
            "--key",
            key,
            "--trust",
            &trust,
        ];
        args.extend(extra);
        env.run(&args)
    };

    // Version 1: Alice's publish waits; Bob's approval puts it live.
    let first = succeeded(env.publish(&[&svc.url], &[]));
    assert_eq!(first["pending"]["status"], "pending", "{first}");
    assert_eq!(
        active_version(&svc.url, "production").0,
        404,
        "nothing is live before the approval"
    );
    let d1 = first["digest"].as_str().unwrap().to_owned();
    succeeded(approve(&d1, "bob", &["--format", "json"]));
    assert_eq!(serving(&svc.url, "production").version, 1);
    env.ok(&[
        "pull",
        &ws,
        "--env",
        "production",
        "--from",
        &svc.url,
        "--trust",
        &trust,
    ]);

    // Version 2 waits while production keeps serving version 1.
    env.ok(&[
        "segment",
        "add",
        &ws,
        "--name",
        "needs_review",
        "--when",
        r#"device = "tablet""#,
    ]);
    let out = env.publish(&[&svc.url], &[]);
    let second = succeeded(out);
    let d2 = second["digest"].as_str().unwrap().to_owned();
    assert_eq!(
        (second["version"].as_u64(), second["pending"]["signatures"].as_u64()),
        (Some(2), Some(1)),
        "{second}"
    );
    assert_eq!(second["pending"]["threshold"], 2);
    let (_, active) = active_version(&svc.url, "production");
    assert_eq!(active["version"], 1, "{active}");
    let list = json(&env.ok(&[
        "approve",
        &svc.url,
        "--env",
        "production",
        "--trust",
        &trust,
        "--format",
        "json",
    ]));
    assert_eq!(list[0]["digest"], d2.as_str(), "{list}");

    // Alice's own key again is refused; production still on version 1.
    let out = approve(&d2, "alice", &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("author_cannot_approve"), "{}", stderr(&out));
    assert_eq!(serving(&svc.url, "production").version, 1);

    // Bob, in his own workspace started from production with sample
    // shoppers, reviews: the diff, lint and the impact on his shoppers.
    let bob_ws = env.path("bob.tailor").display().to_string();
    env.ok(&[
        "init",
        &bob_ws,
        "--from",
        &svc.url,
        "--env",
        "production",
        "--trust",
        &trust,
    ]);
    let shoppers = env.path("shoppers.jsonl");
    let lines: Vec<String> = (0..40)
        .map(|i| {
            let device = ["mobile", "desktop", "tablet"][i % 3];
            let visitor = ["new", "returning"][i % 2];
            format!(r#"{{"id": "s{i}", "device": "{device}", "visitor_type": "{visitor}", "cart_value": {i}}}"#)
        })
        .collect();
    fs::write(&shoppers, lines.join("\n")).unwrap();
    env.ok(&[
        "import",
        "shoppers",
        &bob_ws,
        shoppers.to_str().unwrap(),
        "--id-column",
        "id",
    ]);
    let bob_approve = |extra: &[&str]| {
        let mut args = vec!["approve", &svc.url, &bob_ws, "--env", "production", "--digest", &d2];
        args.extend(extra);
        env.run(&args)
    };
    let review = succeeded(bob_approve(&["--dry-run", "--format", "json"]));
    assert_eq!(review["pending"]["digest"], d2.as_str(), "{review}");
    assert!(review["diff"].to_string().contains("needs_review"), "{review}");
    assert_eq!(review["impact"]["shoppers"], 40, "{review}");
    assert_eq!(review["active"]["version"], 1, "{review}");
    assert!(review["findings"].is_array());
    let text = String::from_utf8(bob_approve(&["--dry-run"]).stdout).unwrap();
    assert!(
        text.contains("impact on 40 sample shopper(s)") && text.contains("1 of 2 signature(s)"),
        "{text}"
    );

    // Bob approves: version 2 is live with his approval recorded.
    let done = succeeded(bob_approve(&[
        "--key",
        "bob",
        "--note",
        "looks right",
        "--format",
        "json",
    ]));
    assert_eq!(
        (done["status"].as_str(), done["version"].as_u64()),
        (Some("activated"), Some(2)),
        "{done}"
    );
    let production = serving(&svc.url, "production");
    assert_eq!(production.version, 2);
    assert!(segments(&production).contains(&"needs_review".to_owned()));
    let (_, active) = active_version(&svc.url, "production");
    assert_eq!(active["approvals"][0]["key_name"], "bob", "{active}");
    assert_eq!(active["approvals"][0]["note"], "looks right", "{active}");
    // A second approval of the same bundle is refused: it is no longer pending.
    let out = approve(&d2, "bob", &[]);
    assert!(stderr(&out).contains("not_pending"), "{}", stderr(&out));
}

#[test]
fn an_approval_after_the_pending_bundle_expired_is_refused() {
    let env = Env::new();
    let trust = two_person(&env);
    let svc = env.serve_with("data", &["--pending-ttl", "1s"], free_port());
    let first = succeeded(env.publish(&[&svc.url], &[]));
    let digest = first["digest"].as_str().unwrap().to_owned();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let out = env.run(&[
        "approve",
        &svc.url,
        "--env",
        "production",
        "--digest",
        &digest,
        "--key",
        "bob",
        "--trust",
        &trust,
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("pending_expired"), "{}", stderr(&out));
    assert_eq!(active_version(&svc.url, "production").0, 404);
}

#[test]
fn an_offline_bundle_file_collects_a_second_signature() {
    let env = Env::new();
    let trust = two_person(&env);
    let ws = env.ws();
    let file = env.path("bundle.json").display().to_string();
    env.ok(&[
        "bundle",
        "build",
        &ws,
        "--env",
        "production",
        "--key",
        "alice",
        "-o",
        &file,
    ]);
    let out = env.run(&["bundle", "verify", &file, "--trust", &trust, "--env", "production"]);
    assert!(stderr(&out).contains("threshold_not_met"), "{}", stderr(&out));
    // The same key cannot sign twice.
    let out = env.run(&[
        "approve",
        &file,
        "--env",
        "production",
        "--key",
        "alice",
        "--trust",
        &trust,
    ]);
    assert!(stderr(&out).contains("already signed"), "{}", stderr(&out));
    env.ok(&[
        "approve",
        &file,
        "--env",
        "production",
        "--key",
        "bob",
        "--trust",
        &trust,
    ]);
    let out = env.run(&["bundle", "verify", &file, "--trust", &trust, "--env", "production"]);
    assert!(out.status.success(), "{}", stderr(&out));
}
