//! The decision service's body path (`decide_body`: shopper attributes read
//! straight into slots) gives what `decide_json` gives for the same bytes:
//! the same decision, the same shopper id and instant, the same errors.

use jiff::Timestamp;
use proptest::prelude::*;
use serde_json::{Value as Json, json};
use tailor_engine::plan::{BodyDecision, BodyError, DecisionRequest, Plan, decide_body, decide_json};
use tailor_model::AttrType;
use tailor_model::spec::Spec;

/// The general path: parse a `DecisionRequest`, then `decide_json`.
fn decide_parsed(plan: &Plan, body: &[u8], now: Timestamp) -> Result<BodyDecision, BodyError> {
    let req: DecisionRequest = serde_json::from_slice(body).map_err(BodyError::Malformed)?;
    let decision = decide_json(plan, &req, now)?;
    let shopper = match req.shopper.get("id") {
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    Ok(BodyDecision { decision, shopper, at: req.at.unwrap_or(now) })
}

fn plan() -> Plan {
    let yaml = include_str!("../../../tests/fixtures/full-spec.yaml");
    let spec: Spec = serde_norway::from_str(yaml).expect("spec YAML");
    Plan::compile(&spec.into_snapshot().expect("conditions parse")).expect("compiles")
}

/// A JSON value of any kind, including the forms the lenient conversion
/// accepts (numbers as text, `|`-separated lists, RFC 3339 dates).
fn any_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        (-1000i64..100_000).prop_map(Json::from),
        (-1e4f64..1e6).prop_map(|f| json!(f)),
        prop_oneof![
            Just("returning".to_owned()),
            Just("new".to_owned()),
            Just("12.5".to_owned()),
            Just("TRUE".to_owned()),
            Just("2026-11-20".to_owned()),
            Just("2026-11-20T10:00:00Z".to_owned()),
            Just("a|b|running".to_owned()),
            Just("gold".to_owned()),
            Just("mobile".to_owned()),
            "[a-z\"\\\\é]{0,8}",
        ]
        .prop_map(Json::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::from),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..3).prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// Mostly a value its attribute's type accepts; sometimes anything.
fn value_for(ty: AttrType) -> BoxedStrategy<Json> {
    let valid: BoxedStrategy<Json> = match ty {
        AttrType::Number => prop_oneof![(-50i64..5000).prop_map(Json::from), Just(json!("12.5")), Just(json!(0.25))].boxed(),
        AttrType::Bool => prop_oneof![any::<bool>().prop_map(Json::from), Just(json!("TRUE")), Just(json!("false"))].boxed(),
        AttrType::Date => prop_oneof![Just(json!("2026-11-20")), Just(json!("2025-01-31T23:00:00Z")), Just(json!("2026-06-01"))].boxed(),
        AttrType::String | AttrType::Enum => prop_oneof![
            prop::sample::select(vec!["returning", "new", "gold", "silver", "mobile", "desktop", "social", "email"]).prop_map(Json::from),
            Just(json!(7)),
            "[a-z\"\\\\é]{0,6}".prop_map(Json::from),
        ]
        .boxed(),
        AttrType::StringList => prop_oneof![
            prop::collection::vec(prop::sample::select(vec!["running", "p1", "p2", "outerwear", "a"]), 0..4).prop_map(Json::from),
            Just(json!("a|b|running")),
        ]
        .boxed(),
    };
    prop_oneof![10 => valid, 1 => Just(Json::Null), 1 => any_value()].boxed()
}

fn body(plan: &Plan) -> impl Strategy<Value = Json> + use<> {
    let attrs: Vec<(String, AttrType)> = plan.schema().attributes().iter().map(|a| (a.name.0.clone(), a.ty)).collect();
    let names: Vec<String> = attrs.iter().map(|a| a.0.clone()).collect();
    let pages: Vec<String> = plan.page_types().map(|p| p.name.to_owned()).collect();
    let pair = prop_oneof![
        8 => prop::sample::select(attrs).prop_flat_map(|(name, ty)| (Just(name), value_for(ty))),
        1 => (prop::sample::select(names), any_value()),
        1 => (prop_oneof![Just("id".to_owned()), "[a-z_]{1,6}", Just("esc\\u0061ped".to_owned())], any_value()),
    ];
    let id = prop_oneof![
        6 => "s-[0-9]{1,4}".prop_map(Json::from),
        1 => Just(json!("s-\"quoted\"")),
        1 => Just(json!(42)),
        1 => Just(json!("")),
        1 => Just(Json::Null),
        1 => Just(json!(["x"])),
    ];
    let page = prop_oneof![12 => prop::sample::select(pages), 1 => Just("nowhere".to_owned())];
    (
        prop::collection::vec(pair, 0..12),
        prop::option::weighted(0.95, id),
        page,
        prop::option::of(prop_oneof![
            8 => Just(json!("2026-12-01T10:00:00Z")),
            1 => Just(json!("yesterday")),
            1 => Just(Json::Null),
        ]),
        prop::option::of(prop_oneof![
            8 => Just(json!({"product": "p1", "cart": ["p2"]})),
            4 => Just(json!({"stage": "cart"})),
            1 => Just(json!({"stage": "nope"})),
            1 => Just(json!({"unknown": 1})),
        ]),
        prop::option::of(any::<bool>()),
        prop::option::weighted(0.02, "[a-z]{1,5}"),
    )
        .prop_map(|(pairs, id, page, at, context, explain, extra)| {
            let mut shopper = serde_json::Map::new();
            if let Some(id) = id {
                shopper.insert("id".into(), id);
            }
            for (k, v) in pairs {
                shopper.insert(k, v);
            }
            let mut req = json!({"shopper": shopper, "page": page});
            let obj = req.as_object_mut().unwrap();
            if let Some(at) = at {
                obj.insert("at".into(), at);
            }
            if let Some(c) = context {
                obj.insert("context".into(), c);
            }
            if let Some(e) = explain {
                obj.insert("explain".into(), e.into());
            }
            if let Some(x) = extra {
                obj.insert(x, json!(1));
            }
            req
        })
}

static DECIDED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn same(plan: &Plan, bytes: &[u8]) -> Result<(), TestCaseError> {
    let now: Timestamp = "2026-11-25T12:00:00Z".parse().unwrap();
    match (decide_body(plan, bytes, now), decide_parsed(plan, bytes, now)) {
        (Ok(a), Ok(b)) => {
            DECIDED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            prop_assert_eq!(a.decision, b.decision);
            prop_assert_eq!(a.shopper, b.shopper);
            prop_assert_eq!(a.at, b.at);
        }
        (Err(BodyError::Decide(a)), Err(BodyError::Decide(b))) => prop_assert_eq!(a.to_string(), b.to_string()),
        (Err(BodyError::Malformed(_)), Err(BodyError::Malformed(_))) => {}
        (a, b) => prop_assert!(false, "body path {a:?}, parsed path {b:?} for {}", String::from_utf8_lossy(bytes)),
    }
    Ok(())
}

#[test]
fn the_body_path_decides_like_the_parsed_request() {
    let plan = plan();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
    runner.run(&body(&plan), |req| same(&plan, &serde_json::to_vec(&req).unwrap())).unwrap();
    // Most cases must get as far as a decision, or the comparison is hollow.
    let decided = DECIDED.load(std::sync::atomic::Ordering::Relaxed);
    assert!(decided > 600, "only {decided} of 3000 cases were decided");
}

#[test]
fn malformed_bodies_are_refused_by_both_paths() {
    let plan = plan();
    for bytes in [
        &b""[..],
        b"[]",
        b"{\"shopper\": {\"id\": \"s\"}}",
        b"{\"shopper\": \"s\", \"page\": \"home\"}",
        b"{\"shopper\": {\"id\": \"s\"}, \"page\": \"home\", \"page\": \"home\"}",
        b"{\"shopper\": {\"id\": \"s\"}, \"page\": \"home\"} trailing",
        b"{\"shopper\": {\"id\": \"s\", }, \"page\": \"home\"}",
    ] {
        same(&plan, bytes).unwrap();
        assert!(matches!(decide_body(&plan, bytes, Timestamp::UNIX_EPOCH), Err(BodyError::Malformed(_))));
    }
}
