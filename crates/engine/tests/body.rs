//! The decision service's body path (`decide_body`: shopper attributes read
//! straight into slots) gives what `decide_json` gives for the same bytes:
//! the same decision, the same shopper id and instant, the same errors.

use jiff::Timestamp;
use proptest::prelude::*;
use serde_json::{Value as Json, json};
use tailor_engine::plan::{
    BodyDecision, BodyError, CONTEXT_KEYS, ContextError, DecisionRequest, Plan, decide_body, decide_context_body, decide_json,
    shopper_from_json_text,
};
use tailor_engine::shopper_from_json;
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

/// The same request as a flat evaluation context (OFREP): attributes beside
/// `targetingKey`, `instant` and the page context; `None` for what a flat
/// context cannot say (an explanation, unknown members).
fn flattened(req: &Json) -> (Json, String) {
    let mut flat = serde_json::Map::new();
    for (k, v) in req["shopper"].as_object().unwrap() {
        match k.as_str() {
            "id" => {
                flat.insert("targetingKey".into(), v.clone());
            }
            k if CONTEXT_KEYS.contains(&k) => {}
            _ => {
                flat.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(at) = req.get("at") {
        flat.insert("instant".into(), at.clone());
    }
    if let Some(Json::Object(c)) = req.get("context") {
        for k in ["product", "cart", "stage"] {
            if let Some(v) = c.get(k) {
                flat.insert(k.into(), v.clone());
            }
        }
    }
    (json!({ "context": flat }), req["page"].as_str().unwrap().to_owned())
}

#[test]
fn the_flat_context_path_decides_like_the_body_path() {
    let plan = plan();
    let now: Timestamp = "2026-11-25T12:00:00Z".parse().unwrap();
    let decided = std::cell::Cell::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(2000));
    runner
        .run(&body(&plan), |mut req| {
            let obj = req.as_object_mut().unwrap();
            obj.retain(|k, _| matches!(k.as_str(), "shopper" | "page" | "at" | "context"));
            if let Some(Json::Object(c)) = obj.get_mut("context") {
                c.remove("unknown");
            }
            let (flat, page) = flattened(&req);
            let flat = serde_json::to_vec(&flat).unwrap();
            // The page named by the caller (single flag) or in the context (bulk).
            let mut in_context = serde_json::from_slice::<Json>(&flat).unwrap();
            in_context["context"]["page"] = json!(page);
            let in_context = serde_json::to_vec(&in_context).unwrap();
            let direct = decide_body(&plan, &serde_json::to_vec(&req).unwrap(), now);
            for got in [decide_context_body(&plan, &flat, Some(&page), now), decide_context_body(&plan, &in_context, None, now)] {
                match (&direct, got) {
                    (Ok(a), Ok(b)) => {
                        decided.set(decided.get() + 1);
                        prop_assert_eq!(&a.decision, &b.decision);
                        prop_assert_eq!(&a.shopper, &b.shopper);
                        prop_assert_eq!(a.at, b.at);
                    }
                    (Err(BodyError::Decide(a)), Err(ContextError::Decide(b))) => prop_assert_eq!(a.to_string(), b.to_string()),
                    // `at: "yesterday"`: malformed for the body, a bad reserved key for the context.
                    (Err(BodyError::Malformed(_)), Err(ContextError::Reserved { key: "instant", .. })) => {}
                    (a, b) => prop_assert!(false, "body path {a:?}, context path {b:?} for {req}"),
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(decided.get() > 1000, "only {} of 4000 cases were decided", decided.get());
}

#[test]
fn flat_context_errors_name_what_is_wrong() {
    let plan = plan();
    let now = Timestamp::UNIX_EPOCH;
    let decide = |body: &str, page: Option<&str>| decide_context_body(&plan, body.as_bytes(), page, now);
    assert!(matches!(decide("not json", Some("home")), Err(ContextError::Malformed(_))));
    assert!(matches!(decide(r#"{"context": []}"#, Some("home")), Err(ContextError::Malformed(_))));
    assert!(matches!(decide(r#"{}"#, Some("home")), Err(ContextError::Decide(tailor_engine::plan::DecideError::MissingShopperId))));
    assert!(matches!(decide(r#"{"context": {"targetingKey": "s"}}"#, None), Err(ContextError::MissingPage)));
    assert!(matches!(
        decide(r#"{"context": {"targetingKey": "s"}}"#, Some("nowhere")),
        Err(ContextError::Decide(tailor_engine::plan::DecideError::UnknownPage { .. }))
    ));
    let e = decide(r#"{"context": {"targetingKey": "s", "cart": "p1"}}"#, Some("home")).unwrap_err();
    assert!(matches!(e, ContextError::Reserved { key: "cart", .. }), "{e}");
    let e = decide(r#"{"context": {"targetingKey": "s", "product": 7}}"#, Some("home")).unwrap_err();
    assert!(matches!(e, ContextError::Reserved { key: "product", .. }), "{e}");
    // The environment is the service's to read; other members are skipped.
    let ok = decide(r#"{"flagKey": 1, "context": {"targetingKey": "s", "environment": "production"}}"#, Some("home")).unwrap();
    assert_eq!(ok.shopper, "s");
    assert_eq!(ok.at, now);
}

/// A JSON Lines shopper (batch simulation's input) read straight into slots
/// is the shopper `shopper_from_json` makes of the parsed object, and a bad
/// one gets the same message.
#[test]
fn a_shopper_line_converts_like_the_parsed_object() {
    let plan = plan();
    let schema = plan.schema();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
    let (converted, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner
        .run(&body(&plan), |req| {
            let line = serde_json::to_vec(&req["shopper"]).unwrap();
            let map: serde_json::Map<String, Json> = serde_json::from_slice(&line).unwrap();
            let parsed = match map.get("id") {
                Some(Json::String(s)) if !s.is_empty() => Ok(s.clone()),
                Some(Json::Number(n)) => Ok(n.to_string()),
                _ => Err("the shopper has no \"id\"".to_owned()),
            }
            .and_then(|id| shopper_from_json(&id, &map, schema).map_err(|e| e.to_string()));
            let direct = shopper_from_json_text(&line, schema).map_err(|e| e.to_string());
            match &direct {
                Ok(_) => converted.set(converted.get() + 1),
                Err(_) => refused.set(refused.get() + 1),
            }
            prop_assert_eq!(direct, parsed);
            Ok(())
        })
        .unwrap();
    let (converted, refused) = (converted.get(), refused.get());
    assert!(converted > 500 && refused > 100, "{converted} converted, {refused} refused: both paths must be exercised");
    for line in [&b"[]"[..], b"{\"id\": \"s\"", b"{\"id\": \"s\"} {}", b"\xff"] {
        let e = shopper_from_json_text(line, schema).unwrap_err().to_string();
        assert!(e.starts_with("not a JSON object: "), "{e}");
    }
}
