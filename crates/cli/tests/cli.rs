//! The `tailor` command as scripts use it: real binary, real workspace file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn tailor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tailor"))
        .args(args)
        .env("TAILOR_AUTHOR", "test")
        .output()
        .expect("run tailor")
}

fn ok(args: &[&str]) -> String {
    let out = tailor(args);
    assert!(
        out.status.success(),
        "tailor {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn shared_data(name: &str) -> PathBuf {
    // The vendored data sets (tests/data/README.md): nothing outside the repository.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data").join(name)
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn issue_example_reach_matches_a_direct_count_of_the_csv() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws.tailor");
    let ws = ws.to_str().unwrap();
    let data = shared_data("online_shoppers_intention.csv");
    ok(&["init", ws]);
    let report = json(&ok(&["import", "shoppers", ws, data.to_str().unwrap(), "--format", "json"]));
    assert_eq!(report["rows"], 12330);
    let ty = |name: &str| {
        report["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["attribute"] == name)
            .map(|c| c["type"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(ty("Revenue"), "bool");
    assert_eq!(ty("PageValues"), "number");
    assert_eq!(ty("VisitorType"), "string");
    ok(&[
        "segment", "add", ws, "--name", "returning_buyers", "--when",
        "VisitorType = \"Returning_Visitor\" and Revenue = true",
    ]);
    let reach = json(&ok(&["segment", "reach", ws, "returning_buyers", "--format", "json"]));

    // Count the same thing straight from the file.
    let text = std::fs::read_to_string(&data).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (vt, rev) = (col("VisitorType"), col("Revenue"));
    let expected = lines
        .filter(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f[vt] == "Returning_Visitor" && f[rev] == "TRUE"
        })
        .count();
    assert_eq!(reach["matched"], expected as u64);
    assert_eq!(reach["total"], 12330);
    let share = reach["share"].as_f64().unwrap();
    assert!((share - expected as f64 / 12330.0).abs() < 1e-12);
}

#[test]
fn malformed_condition_fails_with_position_on_stderr() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws.tailor");
    let ws = ws.to_str().unwrap();
    ok(&["init", ws]);
    ok(&["attribute", "add", ws, "--name", "spend", "--type", "number"]);
    let out = tailor(&["segment", "add", ws, "--name", "x", "--when", "spend >> 3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1, column 8"), "{err}");
    assert!(out.stdout.is_empty());
    let list = json(&ok(&["segment", "list", ws, "--format", "json"]));
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[test]
fn non_workspace_file_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("notes.txt");
    std::fs::write(&f, "just text").unwrap();
    let out = tailor(&["segment", "list", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a Tailor workspace"));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "just text");
}

#[test]
fn lint_exits_1_on_errors_and_0_on_warnings() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws.tailor");
    let ws = ws.to_str().unwrap();
    let csv = d.path().join("s.csv");
    std::fs::write(&csv, "spend,tier\n10,gold\n200,silver\n50,gold\n").unwrap();
    ok(&["init", ws]);
    ok(&["import", "shoppers", ws, csv.to_str().unwrap()]);
    ok(&["segment", "add", ws, "--name", "big", "--when", "spend > 100", "--owner", "merch"]);
    ok(&["segment", "add", ws, "--name", "all", "--when", "spend > 0", "--review-by", "2020-01-01"]);
    let out = tailor(&["lint", ws, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let findings = json(&String::from_utf8(out.stdout).unwrap());
    let rules: Vec<(&str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["item"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert!(rules.contains(&("segment:all", "missing_owner")), "{rules:?}");
    assert!(rules.contains(&("segment:all", "past_review_by")), "{rules:?}");
    assert!(rules.contains(&("segment:all", "matches_everybody")), "{rules:?}");
    assert!(!rules.iter().any(|(i, _)| *i == "segment:big"), "{rules:?}");

    // A spec whose segment reads an attribute of the wrong type is an
    // error: apply refuses it, so build the broken state the way an older
    // file could hold it - retype the attribute underneath the segment.
    let conn = rusqlite::Connection::open(ws).unwrap();
    conn.execute(
        "UPDATE attributes SET body = json_set(body, '$.type', 'string') WHERE key = 'spend'",
        [],
    )
    .unwrap();
    drop(conn);
    let out = tailor(&["lint", ws]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[invalid_condition] segment:big"), "{text}");
}

/// Two tied entries whose segments overlap only in theory: no sample
/// shoppers at all, and lint still proves the tie and names a shopper, who
/// then really gets the tie broken by id.
#[test]
fn lint_proves_a_tie_without_samples_and_names_a_shopper() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws.tailor");
    let ws = ws.to_str().unwrap();
    let spec = d.path().join("spec.yaml");
    std::fs::write(
        &spec,
        r#"
attributes:
  - {name: visitor_type, type: enum, values: [new, returning]}
  - {name: device, type: string}
  - {name: viewed_categories, type: string_list}
segments:
  - {name: returning, when: 'visitor_type = "returning"', owner: crm}
  - {name: mobile_runners, when: 'device = "mobile" and viewed_categories contains "running"', owner: crm}
  - {name: newcomers, when: 'visitor_type = "new"', owner: crm}
page_types:
  - {name: home, stage: discovery, max_blocks: 1, placements: [{name: hero, kind: banner, default: hero_generic}]}
content:
  - {id: hero_generic, kind: banner, headline: Hello, owner: crm}
  - {id: hero_a, kind: banner, headline: A, owner: crm}
  - {id: hero_b, kind: banner, headline: B, owner: crm}
plan:
  - {id: hero_a, segment: returning, stage: discovery, placement: home.hero, content: hero_a, owner: crm}
  - {id: hero_b, segment: mobile_runners, stage: discovery, placement: home.hero, content: hero_b, owner: crm}
"#,
    )
    .unwrap();
    ok(&["init", ws]);
    ok(&["apply", ws, spec.to_str().unwrap()]);
    let out = tailor(&["lint", ws]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(r#"error[conflicting_entries] entry:hero_a: ties with entry `hero_b` on home.hero (same campaign rank and priority) and a shopper can match both `returning` and `mobile_runners`, e.g. visitor_type = "returning", device = "mobile", viewed_categories = ["running"]; only the id order picks the winner"#),
        "{text}"
    );
    let findings = json(&String::from_utf8(tailor(&["lint", ws, "--format", "json"]).stdout).unwrap());
    let conflict = findings.as_array().unwrap().iter().find(|f| f["rule"] == "conflicting_entries").unwrap();
    let witness = &conflict["witness"];
    assert_eq!(
        *witness,
        serde_json::json!({"visitor_type": "returning", "device": "mobile", "viewed_categories": ["running"]})
    );
    assert!(findings.as_array().unwrap().iter().filter(|f| f["rule"] != "conflicting_entries").all(|f| f.get("witness").is_none()));

    // The named shopper gets hero_a, and hero_b loses on rank alone.
    let mut shopper = witness.as_object().unwrap().clone();
    shopper.insert("id".into(), "w".into());
    let shopper = serde_json::Value::Object(shopper).to_string();
    let decision = json(&ok(&["explain", ws, "--shopper-json", &shopper, "--page", "home", "--format", "json"]));
    assert_eq!(decision["blocks"][0]["entry"], "hero_a");
    let candidates = &decision["trace"]["placements"][0]["candidates"];
    assert_eq!(candidates[1]["entry"], "hero_b");
    assert_eq!(candidates[1]["outcome"]["result"], "lost_on_rank", "{candidates}");
}

#[test]
fn apply_and_export_round_trip_through_the_cli() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws.tailor");
    let ws = ws.to_str().unwrap();
    let spec = d.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "attributes:\n  - {name: tier, type: enum, values: [gold, silver]}\n  - {name: spend, type: number}\n\
         segments:\n  - name: gold_spenders\n    when: tier = \"gold\" and spend between 10 and 99.5\n    owner: crm\n    review_by: 2027-01-31\n",
    )
    .unwrap();
    ok(&["init", ws]);
    ok(&["apply", ws, spec.to_str().unwrap()]);
    let first = ok(&["export", ws]);
    let again = d.path().join("again.yaml");
    std::fs::write(&again, &first).unwrap();
    let report = json(&ok(&["apply", ws, again.to_str().unwrap(), "--format", "json"]));
    assert_eq!(report["created"].as_array().unwrap().len(), 0);
    assert_eq!(report["updated"].as_array().unwrap().len(), 0);
    assert_eq!(ok(&["export", ws]), first);
    assert!(first.contains("when: tier = \"gold\" and spend between 10 and 99.5"), "{first}");
}

/// kill -9 in the middle of a large import leaves a workspace that opens,
/// passes the integrity check and holds all of the rows or none.
#[test]
fn kill_during_import_leaves_all_or_nothing() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws.tailor");
    let csv = d.path().join("big.csv");
    let rows = 300_000;
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
        writeln!(f, "id,spend,visits,tier,member,note").unwrap();
        for i in 0..rows {
            writeln!(f, "s{i},{}.5,{},{},{},row number {i}", i % 997, i % 31, ["gold", "silver", "bronze"][i % 3], i % 2 == 0).unwrap();
        }
    }
    ok(&["init", ws.to_str().unwrap()]);
    let wal = PathBuf::from(format!("{}-wal", ws.display()));
    let wal_before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tailor"))
        .args(["import", "shoppers", ws.to_str().unwrap(), csv.to_str().unwrap(), "--id-column", "id"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is writing (the WAL grows), then kill it.
    let start = Instant::now();
    loop {
        let len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if len > wal_before + 4 * 1024 * 1024 {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "import finished before it could be killed; use a larger file");
        assert!(start.elapsed() < Duration::from_secs(120), "import never started writing");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import was killed, not finished");

    let conn = rusqlite::Connection::open(&ws).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let n: i64 = conn.query_row("SELECT count(*) FROM shoppers", [], |r| r.get(0)).unwrap();
    assert!(n == 0 || n == rows as i64, "partial import: {n} rows");
    drop(conn);
    // And the app's own open path accepts it.
    let info = json(&ok(&["segment", "list", ws.to_str().unwrap(), "--format", "json"]));
    assert!(info.is_array());
}

#[test]
fn bucket_prints_the_growthbook_hash_v2_value() {
    // Independent FNV-1a 32 here, so the test does not reuse the engine's code.
    fn fnv(s: &str) -> u32 {
        s.bytes().fold(0x811c9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x01000193))
    }
    for (seed, unit) in [("restock_hero", "s-1"), ("", "a"), ("entry-42", "shopper-9")] {
        let expected = (fnv(&fnv(&format!("{seed}{unit}")).to_string()) % 10000) as f64 / 10000.0;
        let out = ok(&["bucket", "--seed", seed, "--unit", unit]);
        assert_eq!(out.trim().parse::<f64>().unwrap(), expected, "{seed}/{unit}");
    }
}

#[test]
fn explain_json_has_the_one_decision_shape() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws.tailor");
    let ws = ws.to_str().unwrap();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/full-spec.yaml");
    ok(&["init", ws]);
    ok(&["apply", ws, spec.to_str().unwrap()]);
    let shopper = r#"{"id":"s-1","visitor_type":"returning","device":"mobile","viewed_categories":["running"],"recently_viewed":["sku-2","sku-1","sku-3"],"consent":true}"#;
    let out = ok(&[
        "explain", ws, "--shopper-json", shopper, "--page", "home", "--at", "2026-12-01T10:00:00Z", "--format", "json",
    ]);
    let d = json(&out);
    assert_eq!(d["page"], "home");
    let blocks = d["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 3);
    for b in blocks {
        for key in ["placement", "content", "entry", "personalized", "holdout", "propensity", "products"] {
            assert!(b.get(key).is_some(), "block lacks {key}: {b}");
        }
    }
    assert_eq!(blocks[0]["placement"], "home.hero");
    assert_eq!(blocks[0]["entry"], "restock_hero");
    assert_eq!(blocks[1]["entry"], "runner_recs");
    // sku-2 has stock 2 < min_stock 3; sku-3 is a winter product, in season on 1 December.
    assert_eq!(blocks[1]["products"], serde_json::json!(["sku-1", "sku-3"]));
    assert_eq!(blocks[2]["personalized"], false);
    assert_eq!(d["trace"]["placements"].as_array().unwrap().len(), 3, "explain asks for the trace");

    // Without consent every placement gets its default.
    let no_consent = shopper.replace("\"consent\":true", "\"consent\":false");
    let d = json(&ok(&["explain", ws, "--shopper-json", &no_consent, "--page", "home", "--format", "json"]));
    for b in d["blocks"].as_array().unwrap() {
        assert_eq!(b["personalized"], false, "{b}");
    }
    // An unknown page is a clear error.
    let out = tailor(&["explain", ws, "--shopper-json", shopper, "--page", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

const OBD_MAPPING: [&str; 16] = [
    "--page", "home",
    "--placement-column", "position",
    "--placement-map", "1=home.slot1,2=home.slot2,3=home.slot3",
    "--action-column", "item_id",
    "--action-prefix", "item_",
    "--propensity-column", "propensity_score",
    "--reward-column", "click",
    "--time-column", "timestamp",
];

fn obd_workspace(d: &Path) -> PathBuf {
    let ws = d.join("obd.tailor");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../estimate/tests/data/obd_rotation.yaml");
    ok(&["init", ws.to_str().unwrap()]);
    ok(&["apply", ws.to_str().unwrap(), spec.to_str().unwrap()]);
    ws
}

/// `tailor import events` stores the OBD sample; `tailor estimate WS` on
/// the stored events gives the same report as estimating from the file.
#[test]
fn imported_events_estimate_like_the_file_they_came_from() {
    let d = tempfile::tempdir().unwrap();
    let ws = obd_workspace(d.path());
    let csv = shared_data("obd/random/all/all.csv");
    let (ws_s, csv_s) = (ws.to_str().unwrap(), csv.to_str().unwrap());
    let ignore = ["--ignore-column", "user-item_affinity_*"];
    let mut import = vec!["import", "events", ws_s, csv_s, "--format", "json"];
    import.extend(OBD_MAPPING);
    import.extend(ignore);
    let set = json(&ok(&import));
    assert_eq!(set["count"], 10_000);
    assert_eq!(set["rewards"], serde_json::json!(["click"]));

    let stored = json(&ok(&["estimate", ws_s, "--format", "json"]));
    let mut from_file = vec!["estimate", ws_s, "--events", csv_s, "--format", "json"];
    from_file.extend(OBD_MAPPING);
    from_file.extend(ignore);
    let direct = json(&ok(&from_file));
    assert_eq!(stored, direct);
    assert_eq!(stored["events"], 10_000);
    assert_eq!(stored["matched"], 2565);
    let snips = stored["snips"]["value"].as_f64().unwrap();
    assert!((snips - 0.00421).abs() < 0.00001, "SNIPS {snips}");
    // Per slot there are too few clicks: a reason, never a number.
    let slot = &stored["placements"]["home.slot1"]["snips"];
    assert_eq!(slot["status"], "insufficient_data");
    assert!(slot["reason"].as_str().unwrap().contains("positive"), "{slot}");

    // A second import adds a set; `--set` picks one.
    let again = json(&ok(&import));
    assert_eq!(json(&ok(&["estimate", ws_s, "--format", "json"]))["events"], 20_000);
    let id = again["id"].to_string();
    assert_eq!(json(&ok(&["estimate", ws_s, "--set", &id, "--format", "json"]))["events"], 10_000);
}

/// A propensity outside (0, 1] fails the import with its row and column,
/// and nothing is stored.
#[test]
fn a_bad_event_row_stores_nothing_and_names_the_row() {
    let d = tempfile::tempdir().unwrap();
    let ws = obd_workspace(d.path());
    let src = std::fs::read_to_string(shared_data("obd/random/all/all.csv")).unwrap();
    let header: Vec<&str> = src.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "propensity_score").unwrap();
    let bad: String = src
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 7 {
                let mut cells: Vec<&str> = line.split(',').collect();
                cells[col] = "1.5";
                cells.join(",") + "\n"
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    let csv = d.path().join("bad.csv");
    std::fs::write(&csv, bad).unwrap();
    let mut import = vec!["import", "events", ws.to_str().unwrap(), csv.to_str().unwrap()];
    import.extend(OBD_MAPPING);
    let out = tailor(&import);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 7") && err.contains("propensity_score") && err.contains("(0, 1]"), "{err}");
    let out = tailor(&["estimate", ws.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no events"));
}

/// Every example opens lint-clean; the apparel example carries its logged
/// events, so `tailor estimate` answers at once, with "not enough data"
/// where the events are too few.
#[test]
fn examples_are_lint_clean_and_apparel_has_events_to_estimate() {
    let d = tempfile::tempdir().unwrap();
    for name in ["online-shoppers", "apparel", "beauty", "home"] {
        let ws = d.path().join(format!("{name}.tailor"));
        let ws = ws.to_str().unwrap();
        ok(&["init", ws, "--example", name]);
        let findings = json(&ok(&["lint", ws, "--format", "json"]));
        assert_eq!(findings, serde_json::json!([]), "{name}");
    }
    let ws = d.path().join("apparel.tailor");
    let r = json(&ok(&["estimate", ws.to_str().unwrap(), "--format", "json"]));
    assert_eq!(r["events"], 4000);
    assert_eq!(r["reward"], "click");
    let by_entry = |id: &str| r["entries"].as_array().unwrap().iter().find(|e| e["entry"] == id).cloned().unwrap();
    // The gifting banners were built to work on returning customers.
    let gifting = by_entry("home_hero_gifting");
    assert_eq!(gifting["snips"]["status"], "ok");
    assert!(gifting["lift"]["snips"]["value"].as_f64().unwrap() > 0.0, "{gifting}");
    // Few social arrivals reached the home page in the test: no number.
    let social = by_entry("home_hero_social");
    assert_eq!(social["snips"]["status"], "insufficient_data");
    assert!(social["snips"].get("value").is_none());
}

/// Numbers compared as numbers (Parquet doubles read back as `2.0` where
/// JSON Lines may say `2`).
fn numbers_as_f64(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect()),
        other => other,
    }
}

#[test]
fn parquet_import_stores_the_same_shoppers_as_json_lines() {
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| d.path().join(n).to_str().unwrap().to_owned();
    let (parquet, jsonl) = (p("s.parquet"), p("s.jsonl"));
    // The same seeded shoppers written both ways; the Parquet file is typed
    // (dictionary strings, doubles, date32, list<string>, nulls).
    ok(&["generate", "shoppers", "-n", "3000", "--seed", "3", "-o", &parquet]);
    ok(&["generate", "shoppers", "-n", "3000", "--seed", "3", "-o", &jsonl]);
    assert_eq!(&std::fs::read(&parquet).unwrap()[..4], b"PAR1");
    let mut imported = Vec::new();
    for (ws, file) in [(p("a.tailor"), &parquet), (p("b.tailor"), &jsonl)] {
        ok(&["init", &ws]);
        let report = json(&ok(&["import", "shoppers", &ws, file, "--format", "json"]));
        assert_eq!(report["rows"], 3000);
        let mut types: Vec<(String, String)> = report["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["attribute"].as_str().unwrap().to_owned(), c["type"].as_str().unwrap().to_owned()))
            .collect();
        types.sort();
        let conn = rusqlite::Connection::open(&ws).unwrap();
        let mut stmt = conn.prepare("SELECT key, body FROM shoppers ORDER BY key").unwrap();
        let rows: Vec<(String, serde_json::Value)> = stmt
            .query_map([], |r| Ok((r.get(0)?, numbers_as_f64(json(&r.get::<_, String>(1)?)))))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let when = "device = \"mobile\" and last_order after \"2026-06-01\"";
        let reach = json(&ok(&["segment", "reach", &ws, "--when", when, "--format", "json"]));
        imported.push((report["format"].clone(), types, rows, reach["matched"].clone()));
    }
    let (pq, jl) = (&imported[0], &imported[1]);
    assert_eq!((pq.0.as_str(), jl.0.as_str()), (Some("parquet"), Some("jsonl")));
    assert_eq!(pq.1, jl.1, "same attributes and inferred types");
    assert!(pq.1.contains(&("last_order".into(), "date".into())), "{:?}", pq.1);
    assert_eq!(pq.2.len(), 3000);
    assert!(pq.2 == jl.2, "the same shoppers with the same values");
    assert!(pq.3.as_u64().unwrap() > 0);
    assert_eq!(pq.3, jl.3);
}

#[test]
fn a_bad_parquet_row_fails_the_import_naming_row_and_column_and_stores_nothing() {
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| d.path().join(n).to_str().unwrap().to_owned();
    let (parquet, ws) = (p("s.parquet"), p("ws.tailor"));
    ok(&["generate", "shoppers", "-n", "2000", "--seed", "3", "-o", &parquet]);
    // The first shopper on a tablet, counted from the same shoppers as JSON Lines.
    let lines = ok(&["generate", "shoppers", "-n", "2000", "--seed", "3"]);
    let row = 1 + lines.lines().position(|l| json(l)["device"] == "tablet").expect("a tablet shopper");
    assert!(row > 1, "the bad row is not the first");
    ok(&["init", &ws]);
    ok(&["attribute", "add", &ws, "--name", "device", "--type", "enum", "--values", "desktop,mobile"]);
    let out = tailor(&["import", "shoppers", &ws, &parquet]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("s.parquet: row {row}, column device: \"tablet\" is not one of the values")), "{err}");
    let conn = rusqlite::Connection::open(&ws).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM shoppers"), 0);
    assert_eq!(count("SELECT count(*) FROM attributes"), 1, "no attribute from the file was kept");
}
