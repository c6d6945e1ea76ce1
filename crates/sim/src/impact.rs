//! Impact diff (DESIGN §8): the draft against another bundle (usually the
//! last published one) over the same shoppers, pages and instants — who
//! would see something different, on which placement, by segment, with
//! examples of both blocks.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tailor_engine::plan::{Block, PageRef, PageRequest, Plan, decide};
use tailor_engine::{Shopper, Value};
use tailor_model::Schema;
use ts_rs::TS;

use crate::input::{ShopperStream, with_breakdown_fields};
use crate::run::{Progress, SimError, run_chunks};
use crate::simulate::SimOptions;

/// What a shopper sees in one placement, for comparison.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BlockView {
    #[ts(optional)]
    pub content: Option<String>,
    #[ts(optional)]
    pub entry: Option<String>,
    #[ts(optional)]
    pub segment: Option<String>,
    pub personalized: bool,
    pub products: Vec<String>,
    #[ts(optional)]
    pub fallback_reason: Option<String>,
}

impl From<&Block> for BlockView {
    fn from(b: &Block) -> Self {
        Self {
            content: b.content.clone(),
            entry: b.entry.clone(),
            segment: b.segment.clone(),
            personalized: b.personalized,
            products: b.products.clone(),
            fallback_reason: b.fallback_reason.map(|r| r.as_str().to_owned()),
        }
    }
}

impl BlockView {
    /// Whether a shopper would notice: another content, other products, or
    /// personalized on one side only.
    pub fn differs(&self, other: &BlockView) -> bool {
        self.content != other.content || self.products != other.products || self.personalized != other.personalized
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImpactExample {
    pub shopper: String,
    pub before: BlockView,
    pub after: BlockView,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlacementImpact {
    pub page: String,
    pub placement: String,
    #[ts(type = "number")]
    pub views: u64,
    /// Views where the block differs.
    #[ts(type = "number")]
    pub changed: u64,
    /// Changed views by the draft winner's segment (`(default)` when the
    /// draft shows the default).
    #[ts(type = "Record<string, number>")]
    pub by_segment: BTreeMap<String, u64>,
    pub examples: Vec<ImpactExample>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImpactReport {
    #[ts(optional)]
    pub draft_digest: Option<String>,
    #[ts(optional)]
    pub base_digest: Option<String>,
    #[ts(type = "number")]
    pub shoppers: u64,
    #[ts(type = "number")]
    pub page_views: u64,
    /// Page views with at least one differing block.
    #[ts(type = "number")]
    pub changed_views: u64,
    /// Shoppers with at least one differing block.
    #[ts(type = "number")]
    pub changed_shoppers: u64,
    pub placements: Vec<PlacementImpact>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

#[derive(Default)]
struct Acc {
    shoppers: u64,
    views: u64,
    changed_views: u64,
    changed_shoppers: u64,
    /// (views, changed, by segment, examples) per (page, placement) in order.
    cells: Vec<(u64, u64, HashMap<String, u64>, Vec<ImpactExample>)>,
}

/// Base slot → slot of the shopper as read with the draft's schema, when
/// the schemas differ.
fn remap(base: &Schema, read: &Schema) -> Option<Vec<Option<usize>>> {
    let same = base.len() <= read.len()
        && base.attributes().iter().zip(read.attributes()).all(|(a, b)| a.name == b.name && a.ty == b.ty);
    if same {
        return None;
    }
    Some(
        base.attributes()
            .iter()
            .map(|a| read.slot(a.name.as_str()).filter(|&i| read.attributes()[i].ty == a.ty))
            .collect(),
    )
}

/// Compares `draft` with `base` over the stream, on `opts.pages` (the
/// draft's page types), at `opts.times`, with `opts.contexts`; keeps
/// `opts.drilldown_limit` examples per placement.
pub fn impact(
    draft: &Plan,
    base: &Plan,
    shoppers: ShopperStream<'_>,
    opts: &SimOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<ImpactReport, SimError> {
    let started = Instant::now();
    if opts.times.is_empty() {
        return Err(SimError::Options("no instant to simulate at".into()));
    }
    let infos: Vec<_> = draft.page_types().collect();
    let names: Vec<String> = opts.pages.clone().unwrap_or_else(|| infos.iter().map(|p| p.name.to_owned()).collect());
    // (page name, draft index, base index, placements)
    let mut pages = Vec::new();
    for name in names {
        let Some(i) = draft.page_index(&name) else {
            let known = infos.iter().map(|p| p.name).collect::<Vec<_>>().join(", ");
            return Err(SimError::UnknownPage { page: name, known });
        };
        let placements: Vec<String> = infos[i].placements.iter().map(|p| p.id.to_owned()).collect();
        pages.push((name.clone(), i, base.page_index(&name), placements));
    }
    let cell_start: Vec<usize> = pages
        .iter()
        .scan(0, |acc, p| {
            let s = *acc;
            *acc += p.3.len();
            Some(s)
        })
        .collect();
    let n_cells: usize = pages.iter().map(|p| p.3.len()).sum();
    let schema = with_breakdown_fields(draft.schema());
    let map = remap(base.schema(), &schema);
    let limit = opts.drilldown_limit;
    let new_acc = || Acc { cells: vec![(0, 0, HashMap::new(), Vec::new()); n_cells], ..Acc::default() };
    let per_shopper = |acc: &mut Acc, index: u64, s: &Shopper| -> Result<(), SimError> {
        acc.shoppers += 1;
        let remapped;
        let base_shopper = match &map {
            None => s,
            Some(m) => {
                let values = m.iter().map(|slot| slot.map_or(Value::Null, |i| s.value(i).clone())).collect();
                remapped = Shopper { id: s.id.clone(), values };
                &remapped
            }
        };
        let fail = |e: tailor_engine::plan::DecideError| SimError::Decide { shopper: s.id.clone(), message: e.to_string() };
        let mut any = false;
        for (pi, (name, di, bi, placements)) in pages.iter().enumerate() {
            for &at in &opts.times {
                let context = tailor_engine::plan::Context {
                    product: opts.context_for(name, index).map(str::to_owned),
                    ..Default::default()
                };
                let req = PageRequest { page: PageRef::Index(*di), at, context, explain: false };
                let after = decide(draft, s, &req).map_err(fail)?;
                let before = match bi {
                    Some(bi) => Some(decide(base, base_shopper, &PageRequest { page: PageRef::Index(*bi), ..req }).map_err(fail)?),
                    None => None,
                };
                acc.views += 1;
                let mut view_changed = false;
                for (j, placement) in placements.iter().enumerate() {
                    let a = BlockView::from(&after.blocks[j]);
                    let b = before
                        .as_ref()
                        .and_then(|d| d.blocks.iter().find(|b| &b.placement == placement))
                        .map(BlockView::from)
                        .unwrap_or_default();
                    let cell = &mut acc.cells[cell_start[pi] + j];
                    cell.0 += 1;
                    if a.differs(&b) {
                        view_changed = true;
                        cell.1 += 1;
                        let seg = a.segment.clone().filter(|_| a.personalized).unwrap_or_else(|| "(default)".into());
                        *cell.2.entry(seg).or_default() += 1;
                        if cell.3.len() < limit && cell.3.last().is_none_or(|e| e.shopper != s.id) {
                            cell.3.push(ImpactExample { shopper: s.id.clone(), before: b, after: a });
                        }
                    }
                }
                if view_changed {
                    acc.changed_views += 1;
                    any = true;
                }
            }
        }
        if any {
            acc.changed_shoppers += 1;
        }
        Ok(())
    };
    let merge = |a: &mut Acc, b: Acc| {
        a.shoppers += b.shoppers;
        a.views += b.views;
        a.changed_views += b.changed_views;
        a.changed_shoppers += b.changed_shoppers;
        for (x, y) in a.cells.iter_mut().zip(b.cells) {
            x.0 += y.0;
            x.1 += y.1;
            for (k, v) in y.2 {
                *x.2.entry(k).or_default() += v;
            }
            let room = limit.saturating_sub(x.3.len());
            x.3.extend(y.3.into_iter().take(room));
        }
    };
    let per_shopper = |acc: &mut Acc, i: u64, s: &Shopper, _: &(), _: usize| per_shopper(acc, i, s);
    let acc = run_chunks(shoppers, &schema, opts.threads, progress, cancel, new_acc, |_| (), per_shopper, merge)?;
    let mut cells = acc.cells.into_iter();
    let mut placements = Vec::new();
    for (name, _, _, pls) in &pages {
        for placement in pls {
            let (views, changed, by, examples) = cells.next().unwrap_or_default();
            placements.push(PlacementImpact {
                page: name.clone(),
                placement: placement.clone(),
                views,
                changed,
                by_segment: by.into_iter().collect(),
                examples,
            });
        }
    }
    Ok(ImpactReport {
        draft_digest: draft.digest.clone(),
        base_digest: base.digest.clone(),
        shoppers: acc.shoppers,
        page_views: acc.views,
        changed_views: acc.changed_views,
        changed_shoppers: acc.changed_shoppers,
        placements,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

#[cfg(test)]
mod tests {
    use tailor_engine::ShopperTable;

    use super::*;
    use crate::testkit;

    #[test]
    fn a_plan_against_itself_changes_nothing() {
        let snapshot = testkit::snapshot();
        let plan = testkit::plan(&snapshot);
        let table: ShopperTable = testkit::shoppers(&plan, 300).into_iter().collect();
        let opts = SimOptions::for_snapshot(&snapshot, testkit::at());
        let r = impact(&plan, &plan, crate::from_table(&table), &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
        assert_eq!(r.shoppers, 300);
        assert_eq!(r.page_views, 900);
        assert_eq!(r.changed_views, 0);
        assert!(r.placements.iter().all(|p| p.changed == 0 && p.examples.is_empty()));
    }

    #[test]
    fn pausing_an_entry_shows_who_loses_it() {
        let snapshot = testkit::snapshot();
        let base = testkit::plan(&snapshot);
        let mut draft_snapshot = snapshot.clone();
        let e = draft_snapshot.plan.iter_mut().find(|e| e.id == "vip_note").unwrap();
        e.status = tailor_model::plan::EntryStatus::Paused;
        let draft = testkit::plan(&draft_snapshot);
        let table: ShopperTable = testkit::shoppers(&base, 400).into_iter().collect();
        let opts = SimOptions::for_snapshot(&snapshot, testkit::at());
        let r = impact(&draft, &base, crate::from_table(&table), &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
        let note = r.placements.iter().find(|p| p.placement == "home.note").unwrap();
        // Exactly the shoppers who saw vip_note personalized on home.note.
        let sim = crate::simulate(&base, crate::from_table(&table), &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
        let had = sim.pages[0].placements[2].personalized;
        assert!(had > 0);
        assert_eq!(note.changed, had);
        assert_eq!(note.by_segment.get("(default)"), Some(&had));
        let ex = &note.examples[0];
        assert_eq!(ex.before.entry.as_deref(), Some("vip_note"));
        assert_eq!(ex.after.content.as_deref(), Some("free_shipping"));
        // Other placements of the home page are unaffected or change only
        // through the page cap (vip_note no longer takes a slot).
        assert!(r.placements.iter().filter(|p| p.page != "home").all(|p| p.changed == 0));
    }
}
