//! The measurement loop from production, with real processes and real HTTP
//! on 127.0.0.1: decisions through `/v1/decide` and OFREP, outcomes posted
//! to `/v1/outcomes` by `decision_id`, then `tailor estimate` on the
//! service's own logs.

use std::path::PathBuf;
use std::time::Duration;

mod common;
use common::*;
use serde_json::{Value, json};

const AT: &str = "2026-12-01T10:00:00Z";

fn shopper(i: usize) -> Value {
    let visitor = ["new", "returning", "other"][i % 3];
    let device = ["mobile", "desktop", "tablet"][(i / 3) % 3];
    let categories = if i % 4 == 0 { json!(["running"]) } else { json!(["hiking"]) };
    json!({"id": format!("s-{i}"), "visitor_type": visitor, "device": device, "viewed_categories": categories,
           "recently_viewed": ["sku-2", "sku-1", "sku-3"], "consent": true})
}

fn logs(dir: &std::path::Path, prefix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .collect();
    files.sort();
    files
}

fn lines(files: &[PathBuf]) -> usize {
    files.iter().map(|f| std::fs::read_to_string(f).unwrap().lines().count()).sum()
}

#[test]
fn outcomes_posted_by_decision_id_all_join_and_the_served_rules_estimate_to_the_logged_value() {
    let env = Env::new();
    let svc = env.serve("data");
    assert!(env.publish(&[&svc.url], &[]).status.success());

    let shoppers_file = env.path("shoppers.jsonl");
    let mut shoppers = String::new();
    let mut outcomes = String::new();
    let mut posted = 0;
    let mut shown = 0;
    for i in 0..240 {
        let s = shopper(i);
        shoppers.push_str(&format!("{s}\n"));
        // Half the page views through /v1/decide, half through OFREP flags.
        let blocks: Vec<(String, String, Option<String>)> = if i % 2 == 0 {
            let d = post(&format!("{}/v1/decide", svc.url), &json!({"shopper": s, "page": "home", "at": AT}));
            let id = d["decision_id"].as_str().unwrap().to_owned();
            d["blocks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    (id.clone(), b["placement"].as_str().unwrap().to_owned(), b["content"].as_str().map(str::to_owned))
                })
                .collect()
        } else {
            let mut context = s.as_object().unwrap().clone();
            let id = context.remove("id").unwrap();
            context.insert("targetingKey".into(), id);
            context.insert("instant".into(), json!(AT));
            ["home.hero", "home.recs", "home.note"]
                .iter()
                .map(|key| {
                    let f = post(&format!("{}/ofrep/v1/evaluate/flags/{key}", svc.url), &json!({ "context": context }));
                    (
                        f["metadata"]["decision_id"].as_str().unwrap().to_owned(),
                        key.to_string(),
                        f["variant"].as_str().map(str::to_owned),
                    )
                })
                .collect()
        };
        for (k, (id, placement, content)) in blocks.iter().enumerate() {
            shown += usize::from(content.is_some());
            // Every third shopper clicks the first block; some buy from the page.
            if i % 3 == 0 && k == 0 {
                outcomes.push_str(&format!("{}\n", json!({"decision_id": id, "placement": placement, "click": true})));
                posted += 1;
            } else if content.is_some() && i % 5 == 1 {
                outcomes.push_str(&format!("{}\n", json!({"decision_id": id, "placement": placement, "click": false})));
                posted += 1;
            }
        }
    }
    std::fs::write(&shoppers_file, shoppers).unwrap();
    let mut resp = ureq::post(format!("{}/v1/outcomes", svc.url))
        .header("Content-Type", "application/x-ndjson")
        .send(outcomes)
        .unwrap();
    let accepted: Value = json(&resp.body_mut().read_to_string().unwrap());
    assert_eq!(accepted["accepted"], posted);

    let dir = env.path("data").join("decisions");
    // Decision lines reach the file within the writer's 10 ms drain.
    wait_until(Duration::from_secs(10), "every decision logged", || lines(&logs(&dir, "decisions-")) == 240 * 3);
    let mut args =
        vec!["estimate".to_owned(), env.ws(), "--format".into(), "json".into(), "--reward".into(), "click".into()];
    args.push("--events".into());
    args.extend(logs(&dir, "decisions-").iter().map(|p| p.display().to_string()));
    args.push("--outcomes".into());
    args.extend(logs(&dir, "outcomes-").iter().map(|p| p.display().to_string()));
    args.extend(["--shoppers".into(), shoppers_file.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = json(&env.ok(&args));

    let join = &report["join"];
    assert_eq!(join["unmatched_outcomes"], 0, "every outcome joined: {join}");
    assert_eq!(join["with_outcomes"], posted, "{join}");
    assert_eq!(join["events"], shown, "{join}");
    assert_eq!(join["without_attributes"], 0, "{join}");
    // The draft is what was served: every event matches with weight 1.
    assert_eq!(report["matched"], shown);
    let logged = report["logged"]["value"].as_f64().unwrap();
    assert_eq!(report["ips"]["value"].as_f64().unwrap(), logged, "{report}");
    let clicks = 80; // i % 3 == 0 for i < 240, the first block of each
    assert!((logged - clicks as f64 / shown as f64).abs() < 1e-12, "logged {logged}");
}
