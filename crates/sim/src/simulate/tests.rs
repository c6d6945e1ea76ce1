use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tailor_engine::plan::{Context, PageRef, PageRequest, decide};
use tailor_engine::{CompiledCondition, ShopperTable};

use super::*;
use crate::input::{from_shoppers, from_table};
use crate::testkit;

fn no_progress(_: Progress) {}

fn run(plan: &Plan, table: &ShopperTable, opts: &SimOptions) -> SimReport {
    let mut r = simulate(plan, from_table(table), opts, &no_progress, &AtomicBool::new(false)).unwrap();
    r.elapsed_ms = 0;
    r
}

fn options(snapshot: &Snapshot) -> SimOptions {
    let mut o = SimOptions::for_snapshot(snapshot, testkit::at());
    // Two instants, one before and one inside the holiday campaign.
    o.times = vec!["2026-11-10T10:00:00Z".parse().unwrap(), testkit::at()];
    o
}

#[test]
fn batch_results_equal_one_decide_call_per_shopper() {
    let snapshot = testkit::snapshot();
    let plan = testkit::plan(&snapshot);
    let table: ShopperTable = testkit::shoppers(&plan, 500).into_iter().collect();
    let opts = options(&snapshot);
    let report = run(&plan, &table, &opts);

    // The plain loop: decide once per shopper × page × instant and count.
    let pages: Vec<_> = plan.page_types().map(|p| (p.name.to_owned(), p.placements.len())).collect();
    let mut views = 0u64;
    let mut hist: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut personalized: BTreeMap<String, u64> = BTreeMap::new();
    let mut fallbacks: BTreeMap<String, u64> = BTreeMap::new();
    let mut entry_views: BTreeMap<String, u64> = BTreeMap::new();
    let mut entry_holdout: BTreeMap<String, u64> = BTreeMap::new();
    let mut entry_shoppers: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    let mut device_views: BTreeMap<String, u64> = BTreeMap::new();
    let mut category_views: BTreeMap<String, u64> = BTreeMap::new();
    for (i, s) in table.iter().enumerate() {
        for (page, n) in &pages {
            for at in &opts.times {
                let product = opts.context_for(page, i as u64).map(str::to_owned);
                if let Some(p) = &product {
                    let c = plan.product(p).unwrap().category.clone().unwrap();
                    *category_views.entry(c).or_default() += 1;
                }
                let req = PageRequest {
                    page: PageRef::Name(page.clone()),
                    at: *at,
                    context: Context { product, ..Context::default() },
                    explain: false,
                };
                let d = decide(&plan, s, &req).unwrap();
                views += 1;
                let k = d.blocks.iter().filter(|b| b.personalized).count();
                hist.entry(page.clone()).or_insert_with(|| vec![0; n + 1])[k] += 1;
                let device = match s.value(plan.schema().slot("device").unwrap()) {
                    tailor_engine::Value::String(v) => v.to_string(),
                    _ => "(unknown)".into(),
                };
                *device_views.entry(device).or_default() += 1;
                for b in &d.blocks {
                    if b.personalized {
                        *personalized.entry(b.placement.clone()).or_default() += 1;
                        let e = b.entry.clone().unwrap();
                        *entry_views.entry(e.clone()).or_default() += 1;
                        entry_shoppers.entry(e).or_default().insert(s.id.clone());
                    }
                    if b.holdout {
                        *entry_holdout.entry(b.entry.clone().unwrap()).or_default() += 1;
                    }
                    if let Some(r) = b.fallback_reason {
                        *fallbacks.entry(r.as_str().to_owned()).or_default() += 1;
                    }
                }
            }
        }
    }
    assert_eq!(report.shoppers, 500);
    assert_eq!(report.page_views, views);
    for p in &report.pages {
        assert_eq!(p.blocks_histogram, hist[&p.page], "histogram of {}", p.page);
        for pl in &p.placements {
            assert_eq!(pl.personalized, personalized.get(&pl.placement).copied().unwrap_or(0), "{}", pl.placement);
        }
    }
    assert_eq!(report.fallbacks, fallbacks);
    for e in &report.entries {
        assert_eq!(e.views, entry_views.get(&e.entry).copied().unwrap_or(0), "views of {}", e.entry);
        assert_eq!(e.holdout, entry_holdout.get(&e.entry).copied().unwrap_or(0), "holdout of {}", e.entry);
        assert_eq!(e.shoppers, entry_shoppers.get(&e.entry).map_or(0, |s| s.len() as u64), "shoppers of {}", e.entry);
    }
    let device: BTreeMap<String, u64> = report.breakdowns.device.iter().map(|(k, c)| (k.clone(), c.views)).collect();
    assert_eq!(device, device_views);
    let category: BTreeMap<String, u64> = report.breakdowns.category.iter().map(|(k, c)| (k.clone(), c.views)).collect();
    assert_eq!(category, category_views);
    // Segment reach, condition only, on either simulated day.
    for (s, stats) in snapshot.segments.iter().zip(&report.segments) {
        let c = CompiledCondition::compile(&s.condition, plan.schema()).unwrap();
        let matched = table
            .iter()
            .filter(|sh| opts.times.iter().any(|t| c.matches(sh, jiff::tz::Offset::UTC.to_datetime(*t).date())))
            .count() as u64;
        assert_eq!(stats.matched, matched, "{}", s.name);
    }
    // The fixture exercises every kind of fallback the engine has but no_default.
    for reason in ["no_candidate", "no_consent", "holdout", "dropped_by_page_cap", "too_few_products"] {
        assert!(report.fallbacks.get(reason).copied().unwrap_or(0) > 0, "no {reason} fallback in {:?}", report.fallbacks);
    }
    assert_eq!(report.too_few_products.values().sum::<u64>(), report.fallbacks["too_few_products"]);
    assert_eq!(report.traces.len(), 5);
}

#[test]
fn results_do_not_depend_on_threads_or_input_shape() {
    let snapshot = testkit::snapshot();
    let plan = testkit::plan(&snapshot);
    let shoppers = testkit::shoppers(&plan, 5_000);
    let table: ShopperTable = shoppers.clone().into_iter().collect();
    let mut opts = options(&snapshot);
    opts.threads = Some(1);
    let one = run(&plan, &table, &opts);
    opts.threads = Some(3);
    let three = run(&plan, &table, &opts);
    assert_eq!(one, three);
    let mut owned = simulate(&plan, from_shoppers(shoppers.into_iter(), None), &opts, &no_progress, &AtomicBool::new(false)).unwrap();
    owned.elapsed_ms = 0;
    assert_eq!(one, owned);
    // Drill-down lists are the first shoppers in input order.
    let ex = &one.drilldown["entry:loyal_hero"];
    assert_eq!(ex.len(), 20);
    let pos = |id: &String| table.iter().position(|s| &s.id == id).unwrap();
    assert!(ex.windows(2).all(|w| pos(&w[0]) < pos(&w[1])));
    assert!(one.drilldown.contains_key("overlap:returning:mobile"));
    assert_eq!(one.overlap.counts[0][0], one.segments[0].matched);
}

#[test]
fn cancel_stops_the_run_without_a_report() {
    let snapshot = testkit::snapshot();
    let plan = testkit::plan(&snapshot);
    let spec = crate::generator::default_spec();
    let opts = options(&snapshot);
    let cancel = AtomicBool::new(false);
    let reports = Mutex::new(Vec::new());
    let progress = |p: Progress| {
        reports.lock().unwrap().push(p);
        if p.done >= 20_000 {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let stream = crate::input::from_maps(crate::generator::generate(&spec, 1_000_000, 1), Some(1_000_000), "generated");
    let r = simulate(&plan, stream, &opts, &progress, &cancel);
    assert_eq!(r.unwrap_err(), SimError::Cancelled);
    let seen = reports.lock().unwrap();
    let last = seen.last().unwrap();
    assert!(last.done < 200_000, "ran on after cancel: {last:?}");
    assert_eq!(last.total, Some(1_000_000));
    assert!(last.eta_ms.is_some());
}

#[test]
fn an_unknown_page_is_refused_with_the_known_ones() {
    let snapshot = testkit::snapshot();
    let plan = testkit::plan(&snapshot);
    let mut opts = options(&snapshot);
    opts.pages = Some(vec!["checkout".into()]);
    let err = simulate(&plan, from_table(&ShopperTable::default()), &opts, &no_progress, &AtomicBool::new(false)).unwrap_err();
    assert_eq!(err.to_string(), "no page type \"checkout\" (page types: home, product, cart)");
}

#[test]
fn a_date_range_expands_to_instants() {
    let t = times_between("2026-11-01T00:00:00Z".parse().unwrap(), "2026-11-03T00:00:00Z".parse().unwrap(), Span::new().days(1));
    assert_eq!(t.len(), 3);
    assert!(times_between(t[0], t[2], Span::new()).len() == 1);
}

#[test]
fn the_report_round_trips_through_json() {
    let snapshot = testkit::snapshot();
    let plan = testkit::plan(&snapshot);
    let table: ShopperTable = testkit::shoppers(&plan, 300).into_iter().collect();
    let r = run(&plan, &table, &options(&snapshot));
    let back: SimReport = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
}
