//! Unit tests of compile and decide: one test per rule and per trace reason.

use jiff::Timestamp;
use serde_json::{Value as Json, json};
use tailor_model::spec::{Snapshot, Spec};

use super::*;
use crate::bucket::bucket;

/// Spec YAML -> Snapshot (segments' `when` parsed).
pub(crate) fn snapshot(yaml: &str) -> Snapshot {
    let spec: Spec = serde_norway::from_str(yaml).expect("spec yaml");
    spec.into_snapshot().expect("spec conditions parse")
}

fn compile(yaml: &str) -> Plan {
    match Plan::compile(&snapshot(yaml)) {
        Ok(p) => p,
        Err(errors) => panic!("{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

fn errors(yaml: &str) -> Vec<String> {
    Plan::compile(&snapshot(yaml)).err().unwrap_or_default().iter().map(|e| e.to_string()).collect()
}

const AT: &str = "2026-11-25T12:00:00Z";

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn run(plan: &Plan, shopper: Json, page: &str, at: &str, context: Json) -> Decision {
    let req: DecisionRequest =
        serde_json::from_value(json!({"shopper": shopper, "page": page, "at": at, "context": context, "explain": true}))
            .unwrap();
    decide_json(plan, &req, ts(AT)).unwrap()
}

fn home(plan: &Plan, shopper: Json) -> Decision {
    run(plan, shopper, "home", AT, json!({}))
}

/// The outcome of one candidate entry in a traced decision.
fn outcome<'d>(d: &'d Decision, entry: &str) -> &'d Outcome {
    let trace = d.trace.as_ref().unwrap();
    trace
        .placements
        .iter()
        .flat_map(|p| &p.candidates)
        .find(|c| c.entry == entry)
        .map(|c| &c.outcome)
        .unwrap_or_else(|| panic!("{entry} not traced"))
}

const BASE: &str = r#"
attributes:
  - {name: visitor_type, type: enum, values: [new, returning]}
  - {name: device, type: string}
  - {name: skin_concern, type: string, requires_consent: true}
  - {name: recently_viewed, type: string_list}
  - {name: saved_items, type: string_list}
  - {name: purchased_items, type: string_list}
segments:
  - {name: everyone, when: ""}
  - {name: returning, when: 'visitor_type = "returning"'}
  - {name: returning_mobile, when: 'visitor_type = "returning" and device = "mobile"'}
  - {name: dry_skin, when: 'skin_concern = "dry"'}
page_types:
  - name: home
    stage: discovery
    max_blocks: 2
    placements:
      - {name: hero, kind: banner, default: hero_generic}
      - {name: promo, kind: promotion, default: promo_generic}
      - {name: recs, kind: product_set, default: bestsellers}
  - name: product
    stage: evaluation
    max_blocks: 2
    placements:
      - {name: recs, kind: product_set, default: bestsellers}
      - {name: more, kind: product_set}
content:
  - {id: hero_generic, kind: banner, headline: New season}
  - {id: hero_a, kind: banner, headline: Welcome back}
  - {id: hero_b, kind: banner, headline: Hello again}
  - {id: hero_c, kind: banner, headline: Dry skin care}
  - {id: promo_generic, kind: promotion, offer: Free shipping}
  - {id: promo_vip, kind: promotion, offer: 20% off, discount: 20}
  - {id: bestsellers, kind: product_set, strategy: top_in_category, category: shirts, size: 2}
  - {id: viewed, kind: product_set, strategy: recently_viewed, size: 3, min_size: 2}
  - {id: coordinated, kind: product_set, strategy: coordinated, match_on: [collection], size: 4}
  - {id: compatible, kind: product_set, strategy: compatible, compatible: ["cleanser -> toner"], size: 4}
  - {id: refill, kind: product_set, strategy: replenishment, size: 4}
  - {id: restock, kind: product_set, strategy: restock_saved, size: 4}
  - {id: upsell, kind: product_set, strategy: upsell, size: 4}
campaigns:
  - {name: holiday, rank: 1, start: 2026-11-20, end: 2026-12-31, tz: Europe/Paris}
  - {name: spring, rank: 2, start: 2026-03-01, end: 2026-03-31}
plan:
  - {id: a_hero, segment: returning, stage: discovery, placement: home.hero, content: hero_a, priority: 5}
  - {id: b_hero, segment: returning, stage: discovery, placement: home.hero, content: hero_b, priority: 5}
  - {id: vip_promo, segment: everyone, stage: discovery, placement: home.promo, content: promo_vip, priority: 1}
catalog:
  - {id: s1, title: Linen shirt, category: shirts, price: 50, margin: 0.5, stock: 10, rank: 1, collection: linen}
  - {id: s2, title: Oxford shirt, category: shirts, price: 60, margin: 0.1, stock: 10, rank: 2, collection: linen}
  - {id: s3, title: Flannel shirt, category: shirts, price: 70, margin: 0.4, stock: 0, rank: 3}
  - {id: s4, title: Denim shirt, category: shirts, price: 80, margin: 0.4, stock: 5, rank: 4, collection: linen, tags: [premium]}
"#;

fn base_with(extra_plan: &str) -> String {
    BASE.replace("catalog:\n", &format!("{extra_plan}catalog:\n"))
}

// ---------------------------------------------------------------- compile

#[test]
fn unknown_placement_error_names_entity_field_and_the_page_types() {
    let yaml = base_with("  - {id: restock_hero, segment: returning, stage: discovery, placement: home.heroo, content: hero_a}\n");
    assert_eq!(
        errors(&yaml),
        vec![r#"plan entry "restock_hero": placement: no placement "home.heroo" (page types: home, product)"#]
    );
}

#[test]
fn compile_reports_every_error_at_once() {
    let yaml = base_with(
        r#"  - {id: e1, segment: nobody, stage: nowhere, placement: home.hero, content: missing}
  - {id: e2, segment: everyone, stage: discovery, placement: home.hero, content: promo_vip, holdout: 120}
  - {id: e3, segment: everyone, stage: discovery, placement: home.hero, variants: [{content: hero_a, weight: 0.5}, {content: hero_b, weight: 0.4}]}
  - {id: e4, segment: everyone, stage: discovery, placement: home.hero, variants: []}
  - {id: e5, segment: everyone, stage: discovery, placement: home.hero, content: hero_a, campaign: nope, schedule: {start: 2026-02-01T00:00, end: 2026-01-01T00:00, tz: Mars/Olympus}}
  - {id: e5, segment: everyone, stage: discovery, placement: home.hero, content: hero_a}
"#,
    );
    let errs = errors(&yaml);
    let expect = [
        r#"plan entry "e1": segment: no segment "nobody""#,
        r#"plan entry "e1": stage: no journey stage "nowhere""#,
        r#"plan entry "e1": content: no content "missing""#,
        r#"plan entry "e2": holdout: must be a percentage between 0 and 100, got 120"#,
        r#"plan entry "e2": content: content "promo_vip" is a promotion but placement "home.hero" shows banner"#,
        r#"plan entry "e3": variants: variant weights sum to 0.9, not 1"#,
        r#"plan entry "e4": variants: an A/B/n test needs at least one variant"#,
        r#"plan entry "e5": campaign: no campaign "nope""#,
        r#"plan entry "e5": schedule.tz: unknown IANA time zone "Mars/Olympus""#,
        r#"plan entry "e5": name: duplicate plan entry "e5""#,
    ];
    for e in expect {
        assert!(errs.iter().any(|x| x.starts_with(e)), "missing {e}\nin {errs:#?}");
    }
}

#[test]
fn schedule_start_must_be_before_end() {
    let yaml = base_with("  - {id: e, segment: everyone, stage: discovery, placement: home.hero, content: hero_a, schedule: {start: 2026-02-01T00:00, end: 2026-02-01T00:00, tz: UTC}}\n");
    assert_eq!(errors(&yaml), vec![r#"plan entry "e": schedule: start 2026-02-01T00:00:00 is not before end 2026-02-01T00:00:00"#]);
}

#[test]
fn page_types_placements_and_defaults_are_checked() {
    let yaml = BASE
        .replace("stage: evaluation\n    max_blocks: 2", "stage: browsing\n    max_blocks: 3")
        .replace("{name: promo, kind: promotion, default: promo_generic}", "{name: promo, kind: promotion, default: hero_a}")
        .replace("{name: more, kind: product_set}", "{name: more, kind: product_set, default: nothing}");
    let errs = errors(&yaml);
    assert!(errs.contains(&r#"page type "home": placements.promo.default: content "hero_a" is a banner but the placement shows promotion"#.to_owned()), "{errs:#?}");
    assert!(errs.contains(&r#"page type "product": stage: no journey stage "browsing" (stages: discovery, evaluation, cart, checkout, post_purchase)"#.to_owned()));
    assert!(!errs.iter().any(|e| e.contains("max_blocks")), "a cap above the placements is no cap: {errs:#?}");
    assert!(errs.contains(&r#"page type "product": placements.more.default: no content "nothing""#.to_owned()));
}

#[test]
fn duplicates_bad_conditions_and_constraints_are_errors() {
    let yaml = BASE
        .replace("  - {name: everyone, when: \"\"}", "  - {name: everyone, when: \"\"}\n  - {name: everyone, when: \"\"}\n  - {name: typo, when: 'device > 3'}")
        .replace("  - {id: hero_b,", "  - {id: hero_a, kind: banner, headline: again}\n  - {id: hero_b,")
        .replace("catalog:\n", "constraints:\n  margin_floor: 1.5\n  max_price_jump: -0.1\n  seasonal:\n    - {name: xmas, tag: xmas, start: 12-40, end: '1-06', tz: Nowhere/City}\ncatalog:\n  - {id: s1, title: dup}\n")
        .replace("{name: holiday, rank: 1, start: 2026-11-20, end: 2026-12-31, tz: Europe/Paris}", "{name: holiday, rank: 1, start: 2026-12-31, end: 2026-11-20, tz: Europe/Paris}");
    let errs = errors(&yaml);
    for e in [
        r#"segment "everyone": name: duplicate segment "everyone""#,
        r#"segment "typo": condition: "#,
        r#"content "hero_a": name: duplicate content "hero_a""#,
        r#"constraint "margin_floor": value: must be a fraction between 0 and 1, got 1.5"#,
        r#"constraint "max_price_jump": value: must be 0 or more, got -0.1"#,
        r#"constraint "seasonal.xmas": start: "12-40" is not a month-day MM-DD"#,
        r#"constraint "seasonal.xmas": end: "1-06" is not a month-day MM-DD"#,
        r#"constraint "seasonal.xmas": tz: unknown IANA time zone "Nowhere/City""#,
        r#"product "s1": name: duplicate product "s1""#,
        r#"campaign "holiday": end: end 2026-11-20 is before start 2026-12-31"#,
    ] {
        assert!(errs.iter().any(|x| x.starts_with(e)), "missing {e}\nin {errs:#?}");
    }
}

#[test]
fn negative_price_and_stock_are_left_to_lint() {
    let yaml = BASE.replace("price: 50, margin: 0.5, stock: 10", "price: -50, margin: 0.5, stock: -10");
    assert!(errors(&yaml).is_empty());
}

#[test]
fn plan_is_send_sync_and_exposes_what_a_renderer_needs() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Plan>();
    let plan = compile(BASE);
    assert_eq!(plan.content("hero_a").map(|c| c.id.as_str()), Some("hero_a"));
    assert_eq!(plan.product("s2").map(|p| p.title.as_str()), Some("Oxford shirt"));
    assert!(plan.schema().get("consent").is_some(), "consent is always in the schema");
    let home = plan.page_types().next().unwrap();
    assert_eq!((home.name, home.stage, home.max_blocks), ("home", "discovery", 2));
    assert_eq!(home.placements[0].id, "home.hero");
    assert_eq!(home.placements[0].default, Some("hero_generic"));
}

// ---------------------------------------------------------------- ranking and trace reasons

#[test]
fn equal_rank_falls_back_to_entry_id_and_the_loser_names_the_winner() {
    let plan = compile(BASE);
    let d = home(&plan, json!({"id": "s-1", "visitor_type": "returning"}));
    assert_eq!(d.blocks[0].entry.as_deref(), Some("a_hero"));
    assert_eq!(outcome(&d, "a_hero"), &Outcome::Won);
    assert_eq!(outcome(&d, "b_hero"), &Outcome::LostOnRank { winner: "a_hero".into() });
}

#[test]
fn campaign_rank_beats_priority_and_priority_beats_id() {
    let yaml = base_with(
        r#"  - {id: z_campaign, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, campaign: holiday}
  - {id: y_high, segment: everyone, stage: discovery, placement: home.hero, content: hero_b, priority: 99}
"#,
    );
    let plan = compile(&yaml);
    let d = home(&plan, json!({"id": "s-1", "visitor_type": "returning"}));
    assert_eq!(d.blocks[0].entry.as_deref(), Some("z_campaign"));
    let order: Vec<&str> =
        d.trace.as_ref().unwrap().placements[0].candidates.iter().map(|c| c.entry.as_str()).collect();
    assert_eq!(order, ["z_campaign", "y_high", "a_hero", "b_hero"]);
}

#[test]
fn each_check_reports_its_own_first_failing_reason() {
    let yaml = base_with(
        r#"  - {id: c1_paused, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, priority: 90, status: paused}
  - {id: c2_stage, segment: everyone, stage: cart, placement: home.hero, content: hero_c, priority: 80, status: paused}
  - {id: c3_stage, segment: everyone, stage: cart, placement: home.hero, content: hero_c, priority: 80}
  - {id: c4_campaign, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, priority: 70, campaign: spring}
  - {id: c5_schedule, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, priority: 60, schedule: {start: 2026-12-01T09:00, tz: America/New_York}}
  - {id: c6_segment, segment: returning_mobile, stage: discovery, placement: home.hero, content: hero_c, priority: 50}
"#,
    );
    let plan = compile(&yaml);
    let d = home(&plan, json!({"id": "s-1", "visitor_type": "returning", "device": "desktop"}));
    assert_eq!(outcome(&d, "c1_paused"), &Outcome::NotActive { status: tailor_model::plan::EntryStatus::Paused });
    assert_eq!(outcome(&d, "c2_stage"), &Outcome::NotActive { status: tailor_model::plan::EntryStatus::Paused });
    assert_eq!(outcome(&d, "c3_stage"), &Outcome::WrongStage { entry_stage: "cart".into(), stage: "discovery".into() });
    assert!(matches!(outcome(&d, "c4_campaign"), Outcome::CampaignClosed { campaign, .. } if campaign == "spring"));
    let Outcome::ScheduleClosed { local, tz, .. } = outcome(&d, "c5_schedule") else { panic!() };
    assert_eq!((tz.as_str(), local.to_string().as_str()), ("America/New_York", "2026-11-25T07:00:00"));
    assert_eq!(
        outcome(&d, "c6_segment"),
        &Outcome::SegmentMismatch {
            path: vec![1],
            condition: r#"device = "mobile""#.into(),
            attribute: Some("device".into()),
            actual: Some(r#""desktop""#.into()),
        }
    );
    assert_eq!(d.blocks[0].entry.as_deref(), Some("a_hero"));
    let text = d.render_text(&plan);
    assert!(
        text.contains(r#"c6_segment: lost — segment returning_mobile: device = "mobile" is false (device is "desktop")"#),
        "{text}"
    );
    assert!(text.contains("c5_schedule: lost — scheduled 2026-12-01 09:00 to open (America/New_York); it is 2026-11-25 07:00 there"), "{text}");
}

#[test]
fn campaign_window_is_inclusive_in_the_campaign_zone() {
    let yaml = base_with("  - {id: xmas, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, campaign: holiday}\n");
    let plan = compile(&yaml);
    let s = json!({"id": "s-1"});
    // 2026-11-20 00:00 in Paris is 2026-11-19T23:00Z; the last day ends 2026-12-31T23:00Z.
    let entry_at = |at: &str| run(&plan, s.clone(), "home", at, json!({})).blocks[0].entry.clone();
    assert_eq!(entry_at("2026-11-19T22:59:59Z"), None);
    assert_eq!(entry_at("2026-11-19T23:00:00Z").as_deref(), Some("xmas"));
    assert_eq!(entry_at("2026-12-31T22:59:59Z").as_deref(), Some("xmas"));
    assert_eq!(entry_at("2026-12-31T23:00:00Z"), None);
}

// ---------------------------------------------------------------- consent

#[test]
fn without_consent_every_placement_shows_its_default() {
    let yaml = base_with("  - {id: dry, segment: dry_skin, stage: discovery, placement: home.hero, content: hero_c, priority: 100}\n");
    let plan = compile(&yaml);
    let d = home(&plan, json!({"id": "s-1", "visitor_type": "returning", "skin_concern": "dry", "consent": false}));
    for b in &d.blocks {
        assert!(!b.personalized);
        assert_eq!(b.fallback_reason, Some(FallbackReason::NoConsent));
        assert_eq!(b.propensity, 1.0);
    }
    assert_eq!(outcome(&d, "dry"), &Outcome::NoConsent { attributes: vec!["skin_concern".into()] });
    assert_eq!(outcome(&d, "a_hero"), &Outcome::NoConsent { attributes: vec![] });
    // Consent absent: the workspace default (granted) applies.
    let d = home(&plan, json!({"id": "s-1", "skin_concern": "dry"}));
    assert_eq!(d.blocks[0].entry.as_deref(), Some("dry"));
    // Workspace default refused.
    let plan = compile(&yaml.replace("catalog:\n", "constraints: {consent_by_default: false}\ncatalog:\n"));
    let d = home(&plan, json!({"id": "s-1", "skin_concern": "dry"}));
    assert_eq!(d.blocks[0].fallback_reason, Some(FallbackReason::NoConsent));
}

// ---------------------------------------------------------------- holdout and variants

/// A shopper id whose bucket for `seed` satisfies `pred`.
fn shopper_where(seed: &str, pred: impl Fn(f64) -> bool) -> String {
    (0..10_000).map(|i| format!("s-{i}")).find(|id| pred(bucket(seed, id))).unwrap()
}

#[test]
fn holdout_keeps_low_buckets_on_the_default_with_propensity_h() {
    let yaml = base_with("  - {id: held, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, priority: 100, holdout: 10}\n");
    let plan = compile(&yaml);
    let control = shopper_where("held", |b| b < 0.1);
    let d = home(&plan, json!({"id": control}));
    let b = &d.blocks[0];
    assert_eq!((b.content.as_deref(), b.entry.as_deref()), (Some("hero_generic"), Some("held")));
    assert!(b.holdout && !b.personalized);
    assert_eq!(b.propensity, 0.1);
    assert_eq!(b.fallback_reason, Some(FallbackReason::Holdout));
    let w = d.trace.as_ref().unwrap().placements[0].winner.clone().unwrap();
    assert!(w.holdout.unwrap().control);

    let treated = shopper_where("held", |b| b >= 0.1);
    let b = home(&plan, json!({"id": treated})).blocks[0].clone();
    assert_eq!((b.content.as_deref(), b.personalized, b.holdout), (Some("hero_c"), true, false));
    assert_eq!(b.propensity, 0.9);
    assert_eq!(b.variant, None, "single-content entries carry no variant");
}

#[test]
fn variants_split_the_non_holdout_range_by_weight() {
    let yaml = base_with("  - {id: ab, segment: everyone, stage: discovery, placement: home.hero, variants: [{content: hero_b, weight: 0.25}, {content: hero_c, weight: 0.75}], priority: 100, holdout: 20}\n");
    let plan = compile(&yaml);
    // Rescaled position = (b - 0.2) / 0.8; variant 0 below 0.25, i.e. b in [0.2, 0.4).
    let first = shopper_where("ab", |b| (0.2..0.4).contains(&b));
    let b = home(&plan, json!({"id": first})).blocks[0].clone();
    assert_eq!((b.content.as_deref(), b.variant), (Some("hero_b"), Some(0)));
    assert!((b.propensity - 0.8 * 0.25).abs() < 1e-12);
    let second = shopper_where("ab", |b| b >= 0.4);
    let b = home(&plan, json!({"id": second})).blocks[0].clone();
    assert_eq!((b.content.as_deref(), b.variant), (Some("hero_c"), Some(1)));
    assert!((b.propensity - 0.8 * 0.75).abs() < 1e-12);
}

// ---------------------------------------------------------------- page cap

#[test]
fn page_cap_keeps_the_best_ranked_winners_not_the_first_placements() {
    // Three personalized winners, cap 2: recs (campaign) and promo (priority
    // 50) outrank the hero (priority 5), which is dropped although it comes first.
    let yaml = base_with(
        r#"  - {id: recs_viewed, segment: everyone, stage: discovery, placement: home.recs, content: viewed, campaign: holiday}
  - {id: promo_top, segment: everyone, stage: discovery, placement: home.promo, content: promo_vip, priority: 50}
"#,
    );
    let plan = compile(&yaml);
    let d = home(&plan, json!({"id": "s-1", "visitor_type": "returning", "recently_viewed": ["s1", "s2"]}));
    let b = &d.blocks[0];
    assert_eq!((b.content.as_deref(), b.entry.as_deref()), (Some("hero_generic"), None));
    assert_eq!(b.fallback_reason, Some(FallbackReason::DroppedByPageCap));
    assert!(d.blocks[1].personalized && d.blocks[2].personalized);
    let w = d.trace.as_ref().unwrap().placements[0].winner.clone().unwrap();
    assert!(w.dropped_by_page_cap);
    assert_eq!(w.page_rank, 2);
    assert_eq!(d.blocks.iter().filter(|b| b.personalized).count(), 2);
}

// ---------------------------------------------------------------- products

#[test]
fn default_product_sets_resolve_with_all_filters() {
    let yaml = BASE.replace("catalog:\n", "constraints: {margin_floor: 0.2, min_stock: 1}\ncatalog:\n");
    let plan = compile(&yaml);
    let d = home(&plan, json!({"id": "s-1"}));
    // s2 fails the margin floor, s3 is out of stock.
    assert_eq!(d.blocks[2].products, ["s1", "s4"]);
    let pt = &d.trace.as_ref().unwrap().placements[2].products[0];
    assert_eq!(
        pt.counts,
        FilterCounts { candidates: 4, in_stock: 3, margin: 2, price_jump: 2, seasonal: 2, not_purchased: 2, not_on_page: 2 }
    );
}

#[test]
fn too_few_products_falls_back_to_the_default_set() {
    let yaml = base_with("  - {id: recs_viewed, segment: everyone, stage: discovery, placement: home.recs, content: viewed}\n");
    let plan = compile(&yaml);
    // min_size 2, but one viewed product is known.
    let d = home(&plan, json!({"id": "s-1", "recently_viewed": ["s4", "unknown-sku"]}));
    let b = &d.blocks[2];
    assert_eq!(b.fallback_reason, Some(FallbackReason::TooFewProducts));
    assert_eq!((b.content.as_deref(), b.entry.as_deref(), b.personalized), (Some("bestsellers"), None, false));
    assert_eq!(b.products, ["s1", "s2"]);
    let traces = &d.trace.as_ref().unwrap().placements[2].products;
    assert_eq!((traces[0].content.as_str(), traces[0].chosen.len()), ("viewed", 1));
    let d = home(&plan, json!({"id": "s-1", "recently_viewed": ["s4", "s3", "s4"]}));
    assert_eq!(d.blocks[2].products, ["s4", "s3"]);
}

#[test]
fn no_product_is_shown_twice_on_a_page() {
    let yaml = base_with("  - {id: more_viewed, segment: everyone, stage: evaluation, placement: product.more, content: viewed}\n");
    let plan = compile(&yaml);
    let d = run(&plan, json!({"id": "s-1", "recently_viewed": ["s1", "s3", "s4"]}), "product", AT, json!({}));
    assert_eq!(d.blocks[0].products, ["s1", "s2"]);
    assert_eq!(d.blocks[1].products, ["s3", "s4"]);
    // Allowed when the constraint is off.
    let plan = compile(&yaml.replace("catalog:\n", "constraints: {no_duplicate_products: false}\ncatalog:\n"));
    let d = run(&plan, json!({"id": "s-1", "recently_viewed": ["s1", "s3", "s4"]}), "product", AT, json!({}));
    assert_eq!(d.blocks[1].products, ["s1", "s3", "s4"]);
}

#[test]
fn price_jump_margin_seasonal_and_purchased_filters_apply() {
    let yaml = base_with(
        "  - {id: more_viewed, segment: everyone, stage: evaluation, placement: product.more, content: viewed_x}\n",
    )
    .replace("  - {id: viewed,", "  - {id: viewed_x, kind: product_set, strategy: recently_viewed, size: 4, exclude_purchased: true}\n  - {id: viewed,")
    .replace(
        "catalog:\n",
        "constraints:\n  max_price_jump: 0.3\n  seasonal: [{name: summer, tag: summer, start: '06-01', end: '08-31'}]\ncatalog:\n  - {id: p0, title: Anchor, category: tops, price: 100, stock: 1}\n  - {id: p1, title: Pricey, price: 131, stock: 1}\n  - {id: p2, title: Swimsuit, price: 120, stock: 1, tags: [summer]}\n  - {id: p3, title: Bought, price: 90, stock: 1}\n  - {id: p4, title: Fine, price: 130, stock: 1}\n",
    );
    let plan = compile(&yaml);
    let shopper = json!({"id": "s-1", "recently_viewed": ["p1", "p2", "p3", "p4"], "purchased_items": ["p3@2026-01-01"]});
    let d = run(&plan, shopper.clone(), "product", AT, json!({"product": "p0"}));
    assert_eq!(d.blocks[1].products, ["p4"]);
    let c = d.trace.as_ref().unwrap().placements[1].products[0].counts;
    assert_eq!((c.candidates, c.price_jump, c.seasonal, c.not_purchased), (4, 3, 2, 1));
    // In July the swimsuit is in season; without a current product there is no price anchor.
    let d = run(&plan, shopper, "product", "2026-07-01T12:00:00Z", json!({}));
    assert_eq!(d.blocks[1].products, ["p1", "p2", "p4"]);
}

#[test]
fn a_set_s_category_filter_keeps_only_that_category() {
    // p1 has no category: neither a known nor an unknown category keeps it.
    let with_category = |category: &str| {
        let yaml = base_with(
            "  - {id: more_viewed, segment: everyone, stage: evaluation, placement: product.more, content: viewed_x}\n",
        )
        .replace(
            "  - {id: viewed,",
            &format!("  - {{id: viewed_x, kind: product_set, strategy: recently_viewed, size: 4, category: {category}}}\n  - {{id: viewed,"),
        )
        .replace(
            "catalog:\n",
            "catalog:\n  - {id: p0, title: Tee, category: tops, price: 10, stock: 1}\n  - {id: p1, title: Loose, price: 12, stock: 1}\n",
        );
        let plan = compile(&yaml);
        let shopper = json!({"id": "s-1", "recently_viewed": ["p0", "p1"]});
        run(&plan, shopper, "product", AT, json!({})).blocks[1].products.clone()
    };
    assert_eq!(with_category("tops"), ["p0"]);
    assert!(with_category("hats").is_empty(), "no product is in that category");
}

#[test]
fn unknown_current_product_is_absent_and_noted() {
    let plan = compile(BASE);
    let d = run(&plan, json!({"id": "s-1"}), "product", AT, json!({"product": "nope"}));
    assert_eq!(d.blocks[0].products, ["s1", "s2"]);
    assert_eq!(d.trace.unwrap().notes, ["product \"nope\" in the context is not in the catalog; treated as absent"]);
}

fn strategy_products(content: &str, shopper: Json, context: Json, catalog: &str) -> Vec<String> {
    let yaml = base_with(&format!(
        "  - {{id: more_e, segment: everyone, stage: evaluation, placement: product.more, content: {content}}}\n"
    ))
    .replace("catalog:\n", &format!("catalog:\n{catalog}"));
    let plan = compile(&yaml);
    run(&plan, shopper, "product", AT, context).blocks[1].products.clone()
}

#[test]
fn coordinated_and_compatible_follow_the_current_product() {
    let p = strategy_products("coordinated", json!({"id": "x"}), json!({"product": "s1"}), "");
    // s1 is current; s2 already shows in the default recs above.
    assert_eq!(p, ["s4"]);
    let cat = "  - {id: c1, title: Cleanser, tags: [cleanser], stock: 3}\n  - {id: t1, title: Toner, tags: [toner], stock: 3, rank: 2}\n  - {id: t2, title: Toner 2, tags: [toner], stock: 3, rank: 1}\n";
    let p = strategy_products("compatible", json!({"id": "x"}), json!({"product": "c1"}), cat);
    assert_eq!(p, ["t2", "t1"]);
}

#[test]
fn replenishment_restock_and_upsell_strategies() {
    let cat = "  - {id: r1, title: Serum, reorder_interval_days: 30, stock: 5}\n  - {id: r2, title: Cream, reorder_interval_days: 90, stock: 5}\n  - {id: r3, title: Mask, reorder_interval_days: 10, stock: 5}\n";
    let shopper = json!({"id": "x", "purchased_items": ["r1@2026-10-01", "r2@2026-10-01", "r3@2026-11-01", "s1"]});
    let p = strategy_products("refill", shopper, json!({}), cat);
    assert_eq!(p, ["r1", "r3"], "most overdue first; r2 not yet due, s1 has no date");

    let shopper = json!({"id": "x", "saved_items": ["s3", "s4", "s1"]});
    assert_eq!(strategy_products("restock", shopper, json!({}), ""), ["s4"], "s3 out of stock; s1 is shown above");

    let cat = "  - {id: u0, title: Cream 50ml, category: cream, price: 20, stock: 5, attributes: {size: 50ml}}\n  - {id: u1, title: Cream 100ml, category: cream, price: 30, stock: 5, attributes: {size: 100ml}}\n  - {id: u2, title: Cream gift, category: cream, price: 25, stock: 5, tags: [bundle]}\n  - {id: u3, title: Cream 30ml, category: cream, price: 22, stock: 5, attributes: {size: 30ml}}\n";
    assert_eq!(strategy_products("upsell", json!({"id": "x"}), json!({"product": "u0"}), cat), ["u2", "u1"]);
}

// ---------------------------------------------------------------- errors and defaults

#[test]
fn unknown_page_wrong_values_and_missing_ids_are_errors() {
    let plan = compile(BASE);
    let req = |shopper: Json, page: &str| {
        let r: DecisionRequest = serde_json::from_value(json!({"shopper": shopper, "page": page})).unwrap();
        decide_json(&plan, &r, ts(AT)).unwrap_err().to_string()
    };
    assert_eq!(req(json!({"id": "s"}), "cart"), r#"no page type "cart" (page types: home, product)"#);
    assert_eq!(req(json!({"id": "s", "consent": "maybe"}), "home"), "shopper attribute `consent`: expected true or false, found a string \"maybe\"");
    assert_eq!(req(json!({"visitor_type": "new"}), "home"), "the shopper has no \"id\"");
    let r: DecisionRequest =
        serde_json::from_value(json!({"shopper": {"id": "s"}, "page": "home", "context": {"stage": "nope"}})).unwrap();
    assert!(decide_json(&plan, &r, ts(AT)).unwrap_err().to_string().starts_with("no journey stage \"nope\""));
}

#[test]
fn request_without_at_uses_now_and_blocks_without_candidates_say_so() {
    let mut plan = compile(BASE);
    plan.digest = Some("sha256:abc".into());
    plan.version = Some(7);
    let r: DecisionRequest = serde_json::from_value(json!({"shopper": {"id": "s", "visitor_type": "new"}, "page": "home"})).unwrap();
    let d = decide_json(&plan, &r, ts(AT)).unwrap();
    assert_eq!((d.bundle_digest.as_deref(), d.version, d.trace.is_none()), (Some("sha256:abc"), Some(7), true));
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(
        json["blocks"][0],
        json!({"placement": "home.hero", "content": "hero_generic", "entry": null, "segment": null, "personalized": false,
               "holdout": false, "propensity": 1.0, "products": [], "fallback_reason": "no_candidate"})
    );
    assert_eq!(serde_json::from_value::<Decision>(json).unwrap(), d);
}

#[test]
fn a_placement_without_default_shows_nothing() {
    let plan = compile(BASE);
    let d = run(&plan, json!({"id": "s"}), "product", AT, json!({}));
    assert_eq!(d.blocks[1].content, None);
    assert_eq!(d.blocks[1].fallback_reason, Some(FallbackReason::NoDefault));
}

#[test]
fn stage_from_the_context_overrides_the_page_stage() {
    let yaml = base_with("  - {id: cart_hero, segment: everyone, stage: cart, placement: home.hero, content: hero_c}\n");
    let plan = compile(&yaml);
    let d = run(&plan, json!({"id": "s"}), "home", AT, json!({"stage": "cart"}));
    assert_eq!(d.blocks[0].entry.as_deref(), Some("cart_hero"));
}

// ---------------------------------------------------------------- time zones and DST

fn window_of(plan: &Plan, entry: &str) -> Window {
    plan.entries.iter().find(|e| e.id == entry).and_then(|e| e.schedule.as_ref()).unwrap().window
}

#[test]
fn schedules_convert_local_times_across_dst_changes() {
    let yaml = base_with(
        r#"  - {id: paris_spring, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, schedule: {start: 2026-03-29T02:30, tz: Europe/Paris}}
  - {id: paris_fall, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, schedule: {end: 2026-10-25T01:30, tz: Europe/Paris}}
  - {id: paris_fall_overlap, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, schedule: {end: 2026-10-25T02:30, tz: Europe/Paris}}
  - {id: ny_spring, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, schedule: {start: 2026-03-08T02:30, tz: America/New_York}}
  - {id: ny_fall, segment: everyone, stage: discovery, placement: home.hero, content: hero_c, schedule: {end: 2026-11-01T01:30, tz: America/New_York}}
"#,
    );
    let plan = compile(&yaml);
    // 02:30 does not exist on spring-forward day: it opens at 03:30 local (summer time).
    assert_eq!(window_of(&plan, "paris_spring").start, Some(ts("2026-03-29T01:30:00Z")));
    assert_eq!(window_of(&plan, "ny_spring").start, Some(ts("2026-03-08T07:30:00Z")));
    // 01:30 in Paris on fall-back day is before the change (still summer time).
    assert_eq!(window_of(&plan, "paris_fall").end, Some(ts("2026-10-24T23:30:00Z")));
    // Times that occur twice take the first occurrence (summer time).
    assert_eq!(window_of(&plan, "paris_fall_overlap").end, Some(ts("2026-10-25T00:30:00Z")));
    assert_eq!(window_of(&plan, "ny_fall").end, Some(ts("2026-11-01T05:30:00Z")));

    let open = |entry: &str, at: &str| {
        let d = run(&plan, json!({"id": "s"}), "home", at, json!({}));
        matches!(outcome(&d, entry), Outcome::Won | Outcome::LostOnRank { .. })
    };
    assert!(!open("paris_spring", "2026-03-29T01:29:59Z"));
    assert!(open("paris_spring", "2026-03-29T01:30:00Z"));
    assert!(open("ny_fall", "2026-11-01T05:29:59Z"));
    assert!(!open("ny_fall", "2026-11-01T05:30:00Z"), "end is exclusive");
}

// ---------------------------------------------------------------- rendering

#[test]
fn render_text_shows_content_products_and_reasons() {
    let plan = compile(BASE);
    let d = home(&plan, json!({"id": "s-1", "visitor_type": "new"}));
    let text = d.render_text(&plan);
    assert!(text.contains("home.hero — default (no entry matched), propensity 1"), "{text}");
    assert!(text.contains("hero_generic: banner \"New season\""), "{text}");
    assert!(text.contains("s1  Linen shirt — 50.00, stock 10"), "{text}");
    assert!(text.contains(r#"a_hero: lost — segment returning: visitor_type = "returning" is false (visitor_type is "new")"#), "{text}");
    assert!(text.contains("vip_promo: won"), "{text}");
}

// ---------------------------------------------------------------- statistics

#[test]
fn ten_percent_holdout_controls_ten_percent_and_entries_are_independent() {
    let n = 100_000;
    let (mut a, mut both) = (0u32, 0u32);
    let mut b_only = 0u32;
    for i in 0..n {
        let id = format!("shopper-{i}");
        let in_a = bucket("restock_hero", &id) < 0.1;
        let in_b = bucket("winter_promo", &id) < 0.1;
        a += u32::from(in_a);
        b_only += u32::from(in_b);
        both += u32::from(in_a && in_b);
    }
    let share = |k: u32| f64::from(k) / f64::from(n);
    assert!((share(a) - 0.10).abs() <= 0.005, "control share {}", share(a));
    assert!((share(b_only) - 0.10).abs() <= 0.005, "control share {}", share(b_only));
    assert!((share(both) - 0.01).abs() <= 0.002, "joint control share {}", share(both));
}
