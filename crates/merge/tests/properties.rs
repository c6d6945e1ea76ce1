//! The merge's promises over generated snapshots: base, and two sides made
//! from it by adds, deletes, field edits and moves.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::Value;
use tailor_merge::{CONSTRAINTS, SECTIONS, merge};
use tailor_model::plan::{Campaign, Constraints, Product};
use tailor_model::spec::Snapshot;

fn campaign(name: String, rank: u32, owner: Option<String>) -> Campaign {
    Campaign { name, rank, start: None, end: None, tz: "UTC".into(), owner }
}

fn product(id: String, title: String, price: Option<f64>) -> Product {
    Product {
        id,
        title,
        category: None,
        price,
        cost: None,
        margin: None,
        stock: None,
        collection: None,
        tags: vec![],
        attributes: Default::default(),
        reorder_interval_days: None,
        rank: None,
        image_url: None,
        updated: None,
    }
}

/// An edit of one side. Indexes are taken modulo the section's length.
#[derive(Clone, Debug)]
enum Op {
    AddCampaign(u8, u32),
    DeleteCampaign(usize),
    Rank(usize, u32),
    Owner(usize, Option<u8>),
    MoveCampaign(usize, usize),
    AddProduct(u8, u8),
    DeleteProduct(usize),
    Title(usize, u8),
    Price(usize, Option<u8>),
    MarginFloor(Option<u8>),
    MinStock(Option<u8>),
}

/// Keys an op may use: `pool` is 0..10 names; disjoint sides use halves.
fn op(lo: u8, hi: u8) -> impl Strategy<Value = Op> {
    prop_oneof![
        (lo..hi, 1..5u32).prop_map(|(k, r)| Op::AddCampaign(k, r)),
        (0..8usize).prop_map(Op::DeleteCampaign),
        (0..8usize, 1..5u32).prop_map(|(i, r)| Op::Rank(i, r)),
        (0..8usize, proptest::option::of(0..3u8)).prop_map(|(i, o)| Op::Owner(i, o)),
        (0..8usize, 0..8usize).prop_map(|(a, b)| Op::MoveCampaign(a, b)),
        (lo..hi, 0..3u8).prop_map(|(k, t)| Op::AddProduct(k, t)),
        (0..8usize).prop_map(Op::DeleteProduct),
        (0..8usize, 0..3u8).prop_map(|(i, t)| Op::Title(i, t)),
        (0..8usize, proptest::option::of(0..3u8)).prop_map(|(i, p)| Op::Price(i, p)),
        proptest::option::of(0..3u8).prop_map(Op::MarginFloor),
        proptest::option::of(0..3u8).prop_map(Op::MinStock),
    ]
}

fn base() -> impl Strategy<Value = Snapshot> {
    (proptest::collection::btree_set(0..10u8, 0..6), proptest::collection::btree_set(0..10u8, 0..6), proptest::option::of(0..3u8))
        .prop_map(|(cs, ps, floor)| Snapshot {
            campaigns: cs.into_iter().map(|k| campaign(format!("c{k}"), 1, None)).collect(),
            catalog: ps.into_iter().map(|k| product(format!("p{k}"), "t".into(), None)).collect(),
            constraints: Constraints { margin_floor: floor.map(|f| f64::from(f) / 10.0), ..Constraints::default() },
            ..Snapshot::default()
        })
}

/// Applies ops to a copy of `s`, touching only entities whose key number is
/// in `lo..hi` (and only the constraint fields `own`), so two sides with
/// disjoint ranges and fields never touch the same thing.
fn apply(s: &Snapshot, ops: &[Op], lo: u8, hi: u8, own: (bool, bool)) -> Snapshot {
    let mut s = s.clone();
    let ours = |key: &str| key[1..].parse::<u8>().is_ok_and(|n| (lo..hi).contains(&n));
    let pick = |len: usize, i: usize, key: &dyn Fn(usize) -> String| -> Option<usize> {
        (len > 0).then(|| i % len).filter(|&i| ours(&key(i)))
    };
    for op in ops {
        let cs = s.campaigns.clone();
        let ckey = |i: usize| cs[i].name.clone();
        let ps = s.catalog.clone();
        let pkey = |i: usize| ps[i].id.clone();
        match op {
            Op::AddCampaign(k, r) => {
                let name = format!("c{k}");
                if !s.campaigns.iter().any(|c| c.name == name) {
                    s.campaigns.push(campaign(name, *r, None));
                }
            }
            Op::DeleteCampaign(i) => {
                if let Some(i) = pick(cs.len(), *i, &ckey) {
                    s.campaigns.remove(i);
                }
            }
            Op::Rank(i, r) => {
                if let Some(i) = pick(cs.len(), *i, &ckey) {
                    s.campaigns[i].rank = *r;
                }
            }
            Op::Owner(i, o) => {
                if let Some(i) = pick(cs.len(), *i, &ckey) {
                    s.campaigns[i].owner = o.map(|o| format!("owner{o}"));
                }
            }
            Op::MoveCampaign(a, b) => {
                if let (Some(a), Some(b)) = (pick(cs.len(), *a, &ckey), pick(cs.len(), *b, &ckey)) {
                    let c = s.campaigns.remove(a);
                    s.campaigns.insert(b, c);
                }
            }
            Op::AddProduct(k, t) => {
                let id = format!("p{k}");
                if !s.catalog.iter().any(|p| p.id == id) {
                    s.catalog.push(product(id, format!("t{t}"), None));
                }
            }
            Op::DeleteProduct(i) => {
                if let Some(i) = pick(ps.len(), *i, &pkey) {
                    s.catalog.remove(i);
                }
            }
            Op::Title(i, t) => {
                if let Some(i) = pick(ps.len(), *i, &pkey) {
                    s.catalog[i].title = format!("t{t}");
                }
            }
            Op::Price(i, p) => {
                if let Some(i) = pick(ps.len(), *i, &pkey) {
                    s.catalog[i].price = p.map(f64::from);
                }
            }
            Op::MarginFloor(f) if own.0 => s.constraints.margin_floor = f.map(|f| f64::from(f) / 10.0),
            Op::MinStock(m) if own.1 => s.constraints.min_stock = m.map(i64::from),
            Op::MarginFloor(_) | Op::MinStock(_) => {}
        }
    }
    s
}

/// Every entity of a snapshot by `section/key`, as JSON.
fn entities(s: &Snapshot) -> BTreeMap<String, Value> {
    let v = serde_json::to_value(s).unwrap();
    let mut out = BTreeMap::new();
    for (section, key_field) in SECTIONS {
        for item in v[section].as_array().unwrap() {
            out.insert(format!("{section}/{}", item[key_field].as_str().unwrap()), item.clone());
        }
    }
    out.insert(format!("{CONSTRAINTS}/{CONSTRAINTS}"), v[CONSTRAINTS].clone());
    out
}

fn ops(lo: u8, hi: u8) -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(op(lo, hi), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn disjoint_edits_merge_without_conflict_to_the_same_result_in_either_order(
        b in base(), t_ops in ops(0, 5), m_ops in ops(5, 10),
    ) {
        let t = apply(&b, &t_ops, 0, 5, (true, false));
        let m = apply(&b, &m_ops, 5, 10, (false, true));
        let tm = merge(&b, &t, &m).unwrap();
        let mt = merge(&b, &m, &t).unwrap();
        prop_assert!(tm.summary.conflicts.is_empty(), "{:?}", tm.summary.conflicts);
        prop_assert!(mt.summary.conflicts.is_empty(), "{:?}", mt.summary.conflicts);
        // The same entities with the same values (order may differ where
        // both sides added next to the same neighbour).
        prop_assert_eq!(entities(&tm.result), entities(&mt.result));
        // And each side's changes are all in it.
        let (eb, et, em, er) = (entities(&b), entities(&t), entities(&m), entities(&tm.result));
        for key in eb.keys().chain(et.keys()).chain(em.keys()) {
            let changed_by_t = eb.get(key) != et.get(key);
            let expected = if changed_by_t { et.get(key) } else { em.get(key) };
            if key.starts_with("constraints/") {
                // Theirs owns margin_floor, mine min_stock.
                prop_assert_eq!(er[key].get("margin_floor"), et[key].get("margin_floor"));
                prop_assert_eq!(er[key].get("min_stock"), em[key].get("min_stock"));
            } else {
                prop_assert_eq!(er.get(key), expected, "{}", key);
            }
        }
    }

    #[test]
    fn nothing_changed_by_either_side_is_silently_dropped(
        b in base(), t_ops in ops(0, 10), m_ops in ops(0, 10),
    ) {
        let t = apply(&b, &t_ops, 0, 10, (true, true));
        let m = apply(&b, &m_ops, 0, 10, (true, true));
        let merged = merge(&b, &t, &m).unwrap();
        let (eb, et, em, er) = (entities(&b), entities(&t), entities(&m), entities(&merged.result));
        let conflicted: std::collections::BTreeSet<String> =
            merged.summary.conflicts.iter().map(|c| format!("{}/{}", c.section, c.key)).collect();
        for key in eb.keys().chain(et.keys()).chain(em.keys()) {
            let (vb, vt, vm) = (eb.get(key), et.get(key), em.get(key));
            if vb == vt && vb == vm {
                prop_assert_eq!(er.get(key), vb, "{} unchanged by both", key);
                continue;
            }
            if conflicted.contains(key) {
                // A conflict keeps mine until it is resolved: the whole
                // entity, or each field in conflict, while the entity's
                // other fields merge as below (nothing of it is dropped).
                let fields: Vec<Option<&str>> = merged.summary.conflicts.iter()
                    .filter(|c| format!("{}/{}", c.section, c.key) == *key)
                    .map(|c| c.field.as_deref())
                    .collect();
                if fields.contains(&None) {
                    prop_assert_eq!(er.get(key), vm, "{}", key);
                } else {
                    let empty = serde_json::Map::new();
                    let obj = |v: Option<&Value>| v.and_then(Value::as_object).cloned().unwrap_or_default();
                    let (fb, ft, fm) = (obj(vb), obj(vt), obj(vm));
                    let r = er.get(key).and_then(Value::as_object);
                    prop_assert!(r.is_some(), "{}: an entity with a field in conflict is in the result", key);
                    let r = r.unwrap_or(&empty);
                    for f in fb.keys().chain(ft.keys()).chain(fm.keys()) {
                        let want = if fields.contains(&Some(f.as_str())) || fb.get(f) == ft.get(f) { fm.get(f) } else { ft.get(f) };
                        prop_assert_eq!(r.get(f), want, "{} field {}", key, f);
                    }
                }
                continue;
            }
            // Not in conflict: a change on one side only is that side's
            // value (a delete included); a change on both sides has, field
            // by field, the value of the side that changed the field.
            if vb == vt || vt == vm {
                prop_assert_eq!(er.get(key), vm, "{} changed here only", key);
            } else if vb == vm {
                prop_assert_eq!(er.get(key), vt, "{} changed there only", key);
            } else {
                let r = er.get(key).and_then(Value::as_object);
                let (ft, fm) = (vt.and_then(Value::as_object), vm.and_then(Value::as_object));
                let (Some(r), Some(ft), Some(fm)) = (r, ft, fm) else {
                    return Err(TestCaseError::fail(format!("{key}: an edit against a delete must conflict")));
                };
                let empty = serde_json::Map::new();
                let fb = vb.and_then(Value::as_object).unwrap_or(&empty);
                for f in fb.keys().chain(ft.keys()).chain(fm.keys()) {
                    let want = if fb.get(f) != ft.get(f) { ft.get(f) } else { fm.get(f) };
                    prop_assert_eq!(r.get(f), want, "{} field {}", key, f);
                }
            }
        }
    }

    #[test]
    fn same_conflicts_whichever_side_is_mine(b in base(), t_ops in ops(0, 10), m_ops in ops(0, 10)) {
        let t = apply(&b, &t_ops, 0, 10, (true, true));
        let m = apply(&b, &m_ops, 0, 10, (true, true));
        let ids = |x: &Snapshot, y: &Snapshot| {
            let mut v: Vec<_> = merge(&b, x, y).unwrap().summary.conflicts.iter()
                .map(|c| (c.id(), c.base.clone(), c.theirs.clone(), c.mine.clone())).collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        let swapped: Vec<_> = ids(&m, &t).into_iter().map(|(id, b, t, m)| (id, b, m, t)).collect();
        prop_assert_eq!(ids(&t, &m), swapped);
    }

    #[test]
    fn a_change_on_one_side_only_is_that_side_exactly(b in base(), x_ops in ops(0, 10)) {
        let x = apply(&b, &x_ops, 0, 10, (true, true));
        let theirs_only = merge(&b, &x, &b).unwrap();
        prop_assert_eq!(&theirs_only.result, &x);
        prop_assert!(theirs_only.summary.conflicts.is_empty());
        let mine_only = merge(&b, &b, &x).unwrap();
        prop_assert_eq!(&mine_only.result, &x);
        prop_assert!(mine_only.writes.is_empty(), "nothing to write into mine");
        prop_assert!(mine_only.summary.incoming.is_empty());
    }
}
