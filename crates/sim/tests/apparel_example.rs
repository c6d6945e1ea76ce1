//! The apparel example's generated shoppers, counted as docs/guide.md
//! quotes them. The counts pin the generator's output (seed 7, 12,000
//! shoppers): a change to its random stream would move every one of them.

use jiff::civil::Date;
use tailor_engine::{CompiledCondition, Shopper, shopper_from_json};
use tailor_model::Schema;
use tailor_model::condition::parse;
use tailor_model::spec::Spec;
use tailor_sim::generator::{GeneratorSpec, generate};

#[derive(serde::Deserialize)]
struct Generated {
    count: u64,
    seed: u64,
    spec: GeneratorSpec,
}

fn apparel() -> (Schema, Vec<Shopper>) {
    let workspace: Spec =
        serde_norway::from_str(include_str!("../../../examples/apparel/workspace.yaml")).unwrap();
    let schema = Schema::new(workspace.attributes);
    let g: Generated =
        serde_norway::from_str(include_str!("../../../examples/apparel/shoppers.yaml")).unwrap();
    let shoppers = generate(&g.spec, g.count, g.seed)
        .map(|row| {
            let id = row["id"].as_str().unwrap().to_owned();
            shopper_from_json(&id, &row, &schema).unwrap()
        })
        .collect();
    (schema, shoppers)
}

#[test]
fn guide_figures_of_the_apparel_example_hold() {
    let (schema, shoppers) = apparel();
    let today = Date::constant(2026, 11, 25);
    let count = |text: &str| {
        let c = CompiledCondition::compile(&parse(text).unwrap(), &schema).unwrap();
        let on = c.on(today);
        shoppers.iter().filter(|s| on.matches(s)).count()
    };
    assert_eq!(shoppers.len(), 12_000);
    // §4 and the condition syntax reference.
    assert_eq!(
        count(r#"customer_type = "returning" and recently_viewed is_not_empty"#),
        4899
    );
    assert_eq!(count(r#"size_profile = "M""#), 2250);
    assert_eq!(count(r#"size_profile != "M""#), 4993);
    assert_eq!(count("size_profile is_null"), 4757);
    assert_eq!(count("last_order within_last 30 days"), 471);
    // The generator leaves a list out rather than send `[]`, so on these
    // shoppers emptiness and nullness agree.
    for list in [
        "saved_items",
        "recently_viewed",
        "viewed_categories",
        "purchased_items",
    ] {
        assert_eq!(
            count(&format!("{list} is_not_empty")),
            count(&format!("{list} is_not_null")),
            "{list}"
        );
        assert_eq!(
            count(&format!("{list} is_empty")),
            count(&format!("{list} is_null")),
            "{list}"
        );
    }
    assert_eq!(count("saved_items is_not_empty"), 4280);
}
