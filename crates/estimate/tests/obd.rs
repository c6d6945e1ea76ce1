//! The Open Bandit Dataset sample (`tests/data/obd`, see tests/data/README.md)
//! imports cleanly and gives sane estimates: the logged click rate with an
//! interval, a number for a plan the random log supports (rotating 20 items
//! per slot) and "not enough data" for one it cannot (a fixed item per
//! user segment). The figures are printed (`--nocapture`) and quoted in
//! docs/estimation.md.

mod common;

use std::collections::BTreeMap;

use tailor_estimate::read::{Mapping, PlacementSource, PropensitySource, events_from_csv, parse_pairs};
use tailor_estimate::{EntryArms, Estimate, EstimateOptions, EstimateReport, Status, estimate};

const RANDOM_ALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/obd/random/all/all.csv");

/// The mapping `docs/estimation.md` gives on the command line.
fn mapping() -> Mapping {
    Mapping {
        page: "home".into(),
        placement: PlacementSource::Column {
            column: "position".into(),
            map: parse_pairs("1=home.slot1,2=home.slot2,3=home.slot3").unwrap(),
        },
        action_column: "item_id".into(),
        action_map: BTreeMap::new(),
        action_prefix: "item_".into(),
        propensity: PropensitySource::Column("propensity_score".into()),
        reward_columns: vec!["click".into()],
        shopper_id_column: None,
        time_column: Some("timestamp".into()),
        ignore_columns: vec!["user-item_affinity_*".into()],
    }
}

fn show(name: &str, e: &Estimate) -> String {
    match e.status {
        Status::Ok => format!("{name} {:.4}% [{:.4}%, {:.4}%]", e.value.unwrap() * 100.0, e.ci_low.unwrap() * 100.0, e.ci_high.unwrap() * 100.0),
        Status::InsufficientData => format!("{name} insufficient_data ({})", e.reason.as_deref().unwrap_or("")),
    }
}

fn print(title: &str, r: &EstimateReport) {
    let o = &r.overall;
    eprintln!("== {title}: events {} matched {} (with a click {}) ess {:.1}", o.events, o.matched, o.matched_positive, o.ess);
    for (n, e) in [("logged", &o.logged), ("ips", &o.ips), ("snips", &o.snips), ("dr", &o.dr), ("diff ips", &o.difference.ips)] {
        eprintln!("   {}", show(n, e));
    }
    for e in &r.entries {
        eprintln!(
            "   entry {}: events {} matched {} | {} | treatment {} | control {} | lift {}",
            e.entry,
            e.draft.events,
            e.draft.matched,
            show("snips", &e.draft.snips),
            show("snips", &e.treatment.snips),
            show("snips", &e.control.snips),
            show("snips", &e.lift.snips)
        );
    }
}

fn run(spec: &str) -> EstimateReport {
    let events = events_from_csv(RANDOM_ALL, &mapping()).expect("OBD sample imports");
    let snap = common::snapshot(spec);
    let plan = common::plan(&snap);
    let opts = EstimateOptions { arms: EntryArms::from_snapshot(&snap), ..Default::default() };
    estimate(&plan, &events, "click", &opts).expect("estimates")
}

#[test]
fn obd_random_sample_imports_cleanly() {
    let events = events_from_csv(RANDOM_ALL, &mapping()).unwrap();
    assert_eq!(events.len(), 10_000);
    let e = &events[0];
    assert!(e.action.starts_with("item_") && e.placement.starts_with("home.slot"));
    assert!((e.propensity - 0.0125).abs() < 1e-12, "uniform over 80 items");
    assert_eq!(e.shopper.len(), 5, "id + user_feature_0..3: {:?}", e.shopper.keys().collect::<Vec<_>>());
    assert!(e.time.is_some());
    let clicks: f64 = events.iter().map(|e| e.rewards["click"]).sum();
    assert_eq!(clicks, 38.0);
}

#[test]
fn obd_rotation_plan_gets_a_sane_number_and_the_thin_control_gets_none() {
    let r = run(include_str!("data/obd_rotation.yaml"));
    print("rotation of 20 items per slot (10% holdout on slot 1)", &r);
    let o = &r.overall;
    let logged = o.logged.value.unwrap();
    assert!((0.003..0.007).contains(&logged), "logged CTR {logged}");
    // About a quarter of the log matches the rotation, weight 4 (0.9 × 0.05 / 0.0125 = 3.6 on slot 1).
    assert!((2000..3000).contains(&o.matched), "{}", o.matched);
    for e in [&o.ips, &o.snips, &o.dr] {
        assert!(e.is_ok(), "{e:?}");
        let (v, lo, hi) = (e.value.unwrap(), e.ci_low.unwrap(), e.ci_high.unwrap());
        assert!(lo < v && v < hi && (0.0..0.02).contains(&v) && hi < 0.03, "{e:?}");
    }
    // Control of slot 1 (the default item_0 in the 10% holdout): ~1/80 of slot-1 events, hardly any click.
    let e = r.entries.iter().find(|e| e.entry == "rotate_slot1").unwrap();
    assert_eq!(e.control.snips.status, Status::InsufficientData);
    assert_eq!(e.lift.snips.status, Status::InsufficientData);
}

#[test]
fn obd_fixed_item_rule_is_not_enough_data_rather_than_a_number() {
    let r = run(include_str!("data/obd_fixed_rule.yaml"));
    print("fixed item per user_feature_0", &r);
    let o = &r.overall;
    assert!(o.matched < 200, "{}", o.matched);
    for e in [&o.ips, &o.snips, &o.dr, &o.difference.ips] {
        assert_eq!(e.status, Status::InsufficientData, "{e:?}");
        assert!(e.value.is_none());
    }
    assert!(o.logged.is_ok());
}

#[test]
fn obd_uniform_plan_reproduces_the_logged_value_exactly() {
    // A draft that is the logging policy (every item with 1/80 per slot) has
    // weight 1 on every event: IPS = SNIPS = the logged click rate.
    let variants: String = (0..80).map(|i| format!("      - {{content: item_{i}, weight: 0.0125}}\n")).collect();
    let mut spec = include_str!("data/obd_rotation.yaml").split("plan:\n").next().unwrap().to_owned();
    spec.push_str("plan:\n");
    for s in 1..=3 {
        spec.push_str(&format!("  - id: uniform_{s}\n    segment: everyone\n    stage: discovery\n    placement: home.slot{s}\n    variants:\n{variants}"));
    }
    let r = run(&spec);
    let o = &r.overall;
    assert_eq!(o.matched, 10_000);
    assert!((o.ess - 10_000.0).abs() < 1e-6);
    let (ips, logged) = (o.ips.value.unwrap(), o.logged.value.unwrap());
    assert!((ips - logged).abs() < 1e-12 && (o.snips.value.unwrap() - logged).abs() < 1e-12);
    assert!(o.difference.ips.value.unwrap().abs() < 1e-12);
}
