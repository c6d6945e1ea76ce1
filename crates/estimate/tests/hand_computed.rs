//! Small examples computed by hand (the arithmetic is in the comments), and
//! the refusals: below minimum support there is no number.

mod common;

use std::collections::BTreeMap;

use tailor_estimate::{EntryArms, Event, EstimateError, EstimateOptions, Status, Thresholds, estimate};

const SPEC: &str = r#"
attributes:
  - {name: device, type: string}
segments:
  - {name: mobile, when: 'device = "mobile"'}
page_types:
  - name: home
    stage: discovery
    max_blocks: 1
    placements:
      - {name: hero, kind: banner, default: hero_a}
content:
  - {id: hero_a, kind: banner, headline: A}
  - {id: hero_b, kind: banner, headline: B}
plan:
  - {id: mobile_b, segment: mobile, stage: discovery, placement: home.hero, content: hero_b}
"#;

fn ev(i: usize, device: &str, action: &str, p: f64, click: f64) -> Event {
    Event {
        id: i.to_string(),
        shopper: serde_json::json!({"id": format!("s{i}"), "device": device}).as_object().unwrap().clone(),
        page: "home".into(),
        placement: "home.hero".into(),
        action: action.into(),
        propensity: p,
        rewards: BTreeMap::from([("click".to_owned(), click)]),
        time: Some("2026-11-25T10:00:00Z".parse().unwrap()),
    }
}

/// Uniform A/B logging (p = 0.5). The draft shows B to mobile, A to desktop.
fn six() -> Vec<Event> {
    vec![
        ev(1, "mobile", "hero_b", 0.5, 1.0),  // draft B: w = 2
        ev(2, "mobile", "hero_a", 0.5, 0.0),  // w = 0
        ev(3, "desktop", "hero_a", 0.5, 1.0), // draft A: w = 2
        ev(4, "desktop", "hero_b", 0.5, 1.0), // w = 0
        ev(5, "mobile", "hero_b", 0.5, 0.0),  // w = 2
        ev(6, "desktop", "hero_a", 0.5, 0.0), // w = 2
    ]
}

fn loose() -> EstimateOptions {
    let snap = common::snapshot(SPEC);
    EstimateOptions { arms: EntryArms::from_snapshot(&snap), thresholds: Thresholds { min_matched: 1, min_positive: 1, min_ess: 1.0 }, ..Default::default() }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn ips_snips_and_dr_match_the_hand_computation() {
    let plan = common::plan(&common::snapshot(SPEC));
    let rep = estimate(&plan, &six(), "click", &loose()).unwrap();
    let o = &rep.overall;
    assert_eq!((o.events, o.matched, o.matched_positive), (6, 4, 2));
    // ESS = (Σw)² / Σw² = 8² / 16 = 4
    assert!((o.ess - 4.0).abs() < 1e-12);
    // logged: 3 clicks / 6
    assert!(close(o.logged.value, 0.5));
    // IPS: (2·1 + 2·1) / 6
    assert!(close(o.ips.value, 4.0 / 6.0));
    // IPS se: terms [2,0,2,0,0,0], mean 2/3, Σ(t − 2/3)² = 16/3; se = sqrt(16/3 / (6·5))
    assert!(close(o.ips.std_error, (16.0f64 / 3.0 / 30.0).sqrt()));
    assert!(close(o.ips.ci_low, 4.0 / 6.0 - 1.959963984540054 * (16.0f64 / 90.0).sqrt()));
    // SNIPS: Σwr / Σw = 4 / 8
    assert!(close(o.snips.value, 0.5));
    // DR: placement mean m = 0.5; q̂(A) = (1 + 10·0.5)/(3 + 10) = 6/13, q̂(B) = 7/13.
    // terms: 7/13 + 2(1 − 7/13), 7/13, 6/13 + 2(1 − 6/13), 6/13, 7/13 − 2·7/13, 6/13 − 2·6/13
    //      = (19 + 7 + 20 + 6 − 7 − 6) / 13 = 39/13 = 3 over 6 events
    assert!(close(o.dr.value, 0.5));
    // difference IPS − logged = 2/3 − 1/2
    assert!(close(o.difference.ips.value, 1.0 / 6.0));
    assert_eq!(rep.ci_method, tailor_estimate::CiMethod::Normal);
}

#[test]
fn entry_treatment_against_control_by_hand() {
    let plan = common::plan(&common::snapshot(SPEC));
    let rep = estimate(&plan, &six(), "click", &loose()).unwrap();
    assert_eq!(rep.entries.len(), 1);
    let e = &rep.entries[0];
    assert_eq!((e.entry.as_str(), e.draft.events), ("mobile_b", 3));
    // Audience = events 1, 2, 5 (mobile); r = [1, 0, 0].
    // treatment (B): w = [2, 0, 2] -> IPS 2/3; control (A): w = [0, 2, 0] -> IPS 0
    assert!(close(e.treatment.ips.value, 2.0 / 3.0));
    assert_eq!(e.control.content, vec!["hero_a".to_owned()]);
    assert!(!e.control.ips.is_ok(), "no click among control events: below min_positive = 1");
    assert!(e.control.ips.reason.as_deref().unwrap().contains("positive `click`"));
    assert_eq!(e.lift.ips.status, Status::InsufficientData);
    assert!(e.lift.ips.reason.as_deref().unwrap().starts_with("control: "));
}

#[test]
fn a_holdout_makes_the_draft_stochastic() {
    // 50% holdout: the draft shows A or B with 0.5 each to mobile shoppers,
    // so every mobile event matches with w = 0.5 / 0.5 = 1.
    let snap = common::snapshot(&SPEC.replace("content: hero_b}", "content: hero_b, holdout: 50}"));
    let plan = common::plan(&snap);
    let opts = EstimateOptions { arms: EntryArms::from_snapshot(&snap), ..loose() };
    let rep = estimate(&plan, &six(), "click", &opts).unwrap();
    let mobile = &rep.entries[0].draft;
    assert_eq!((mobile.events, mobile.matched), (3, 3));
    assert!((mobile.ess - 3.0).abs() < 1e-12);
    assert!(close(mobile.ips.value, 1.0 / 3.0));
    assert_eq!(rep.entries[0].holdout, Some(0.5));
}

#[test]
fn thin_support_gives_no_number_with_the_failed_thresholds() {
    let plan = common::plan(&common::snapshot(SPEC));
    let snap = common::snapshot(SPEC);
    let opts = EstimateOptions { arms: EntryArms::from_snapshot(&snap), ..Default::default() };
    let rep = estimate(&plan, &six(), "click", &opts).unwrap();
    let j = serde_json::to_value(&rep).unwrap();
    for k in ["ips", "snips", "dr"] {
        assert_eq!(j[k]["status"], "insufficient_data");
        assert!(j[k].get("value").is_none(), "no number for {k}");
        let why = j[k]["reason"].as_str().unwrap();
        assert!(why.contains("minimum 30") && why.contains("minimum 5") && why.contains("minimum 20"), "{why}");
        assert_eq!(j["difference"][k]["status"], "insufficient_data");
    }
    assert_eq!(j["events"], 6);
    assert_eq!(j["matched"], 4);
    assert!(j["ess"].as_f64().unwrap() > 3.9);
}

#[test]
fn many_matches_without_a_single_click_is_not_zero_percent_nor_a_lift() {
    // 200 events, all matched, no clicks for the draft's content: the answer
    // is "not enough data", never 0% or −100%.
    let plan = common::plan(&common::snapshot(SPEC));
    let mut events: Vec<Event> = (0..200).map(|i| ev(i, "mobile", "hero_b", 0.5, 0.0)).collect();
    events.extend((200..400).map(|i| ev(i, "mobile", "hero_a", 0.5, if i % 10 == 0 { 1.0 } else { 0.0 })));
    let rep = estimate(&plan, &events, "click", &EstimateOptions::default()).unwrap();
    assert_eq!(rep.overall.matched, 200);
    assert_eq!(rep.overall.ips.status, Status::InsufficientData);
    assert!(rep.overall.ips.reason.as_deref().unwrap().contains("only 0 of them with a positive `click` (minimum 5)"));
    assert_eq!(rep.overall.difference.snips.status, Status::InsufficientData);
    assert!(rep.overall.logged.is_ok(), "20 clicks in 400 events is enough for the logged value");
}

#[test]
fn events_the_engine_cannot_decide_are_errors_naming_the_event() {
    let plan = common::plan(&common::snapshot(SPEC));
    let mut events = six();
    events[2].placement = "home.heroo".into();
    let e = estimate(&plan, &events, "click", &loose()).unwrap_err();
    assert!(matches!(e, EstimateError::Event { index: 3, .. }), "{e}");
    assert!(e.to_string().contains("placement \"home.heroo\" is not on page \"home\" (placements: home.hero)"), "{e}");
    let e = estimate(&plan, &six(), "revenue", &loose()).unwrap_err().to_string();
    assert!(e.contains("has no reward `revenue` (it has: click)"), "{e}");
    let mut events = six();
    events[0].time = None;
    let e = estimate(&plan, &events, "click", &loose()).unwrap_err().to_string();
    assert!(e.contains("--at"), "{e}");
    assert!(matches!(estimate(&plan, &[], "click", &loose()), Err(EstimateError::NoEvents)));
}

#[test]
fn breakdowns_appear_for_the_dimensions_the_events_carry() {
    let plan = common::plan(&common::snapshot(SPEC));
    let rep = estimate(&plan, &six(), "click", &loose()).unwrap();
    assert_eq!(rep.breakdowns.keys().collect::<Vec<_>>(), vec!["device"]);
    assert_eq!(rep.breakdowns["device"]["mobile"].events, 3);
    assert_eq!(rep.breakdowns["device"]["desktop"].matched, 2);
}
