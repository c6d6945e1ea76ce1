//! Product sets: strategy candidates -> filters -> rank -> top `size`
//! (DESIGN §5 step 6).

use jiff::ToSpan;
use jiff::civil::Date;
use tailor_model::plan::{Product, ProductStrategy};

use super::trace::FilterCounts;
use super::{Catalog, Plan, ProductSetC};
use crate::shopper::Shopper;
use crate::value::Value;

/// Everything about the request that product sets read, worked out once per page.
pub(crate) struct ProductCtx<'a> {
    pub plan: &'a Plan,
    pub shopper: &'a Shopper,
    /// The current product (`context.product`), when in the catalog.
    pub current: Option<u32>,
    /// The UTC date of `at` (replenishment due dates).
    pub today: Date,
    /// Bit i set: seasonal window i is closed at `at`.
    pub closed_seasonal: u64,
}

/// A shopper's list item: a product id, optionally `id@YYYY-MM-DD`.
fn split_item(item: &str) -> (&str, Option<Date>) {
    match item.split_once('@') {
        Some((id, date)) => (id, date.parse().ok()),
        None => (item, None),
    }
}

fn list<'s>(shopper: &'s Shopper, slot: Option<usize>) -> &'s [Box<str>] {
    match slot.map(|s| shopper.value(s)) {
        Some(Value::List(items)) => items,
        _ => &[],
    }
}

/// A strategy's candidates in rank order.
enum Candidates<'a> {
    Slice(std::slice::Iter<'a, u32>),
    Owned(std::vec::IntoIter<u32>),
    /// Several best-seller-ordered lists, merged without duplicates.
    Merge(Merge<'a>),
    /// Dearer products of the category, cheapest first, that are upgrades.
    Upsell { iter: std::slice::Iter<'a, u32>, catalog: &'a Catalog, current: u32 },
}

struct Merge<'a> {
    lists: Vec<&'a [u32]>,
    order: &'a [u32],
    last: Option<u32>,
}

impl Iterator for Candidates<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match self {
            Candidates::Slice(it) => it.next().copied(),
            Candidates::Owned(it) => it.next(),
            Candidates::Upsell { iter, catalog, current } => {
                let current = *current;
                iter.by_ref().copied().find(|&i| catalog.is_upgrade(i, current))
            }
            Candidates::Merge(m) => loop {
                // The list whose head comes first in best-seller order.
                let (k, &head) = m
                    .lists
                    .iter()
                    .enumerate()
                    .filter_map(|(k, l)| l.first().map(|h| (k, h)))
                    .min_by_key(|(_, h)| m.order[**h as usize])?;
                m.lists[k] = &m.lists[k][1..];
                if m.last != Some(head) {
                    m.last = Some(head);
                    return Some(head);
                }
            },
        }
    }
}

/// Size words in increasing order, for upsell's "bigger size".
const SIZES: [&str; 9] = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "4XL"];

/// A comparable size: the leading number ("100ml" -> 100), else the
/// position of a size word.
pub(crate) fn size_value(s: &str) -> Option<f64> {
    let s = s.trim();
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    if end > 0 {
        return s[..end].parse().ok();
    }
    SIZES.iter().position(|w| w.eq_ignore_ascii_case(s)).map(|i| i as f64)
}

/// A product's category id when it has none ([`Catalog::category`]).
pub(crate) const NO_CATEGORY: u32 = u32::MAX;
/// A category filter naming a category no product has: it matches no
/// product, not even one without a category.
const NO_SUCH_CATEGORY: u32 = u32::MAX - 1;

/// An upgrade for upsell: tagged `premium` or `bundle`, or a bigger size.
pub(crate) fn upgrade_tagged(p: &Product) -> bool {
    p.tags.iter().any(|t| t == "premium" || t == "bundle")
}

impl Catalog {
    /// Product `candidate` is an upgrade of `current` (worked out from the
    /// per-product flags and sizes the catalog keeps).
    fn is_upgrade(&self, candidate: u32, current: u32) -> bool {
        let bigger = matches!(
            (self.size[candidate as usize], self.size[current as usize]),
            (Some(a), Some(b)) if a > b
        );
        self.upgrade_tagged[candidate as usize] || bigger
    }
}

impl<'a> ProductCtx<'a> {
    fn product(&self, i: u32) -> &'a Product {
        &self.plan.catalog.products[i as usize]
    }

    fn index_of(&self, id: &str) -> Option<u32> {
        self.plan.catalog.index.get(id).copied()
    }

    /// The strategy's candidates, ranked, before the filters; lazy where the
    /// indexes allow, so a set stops reading once it has `size` products.
    fn candidates(&self, set: &'a ProductSetC) -> Candidates<'a> {
        let cat = &self.plan.catalog;
        let current = self.current.map(|i| &cat.products[i as usize]);
        match set.strategy {
            ProductStrategy::TopInCategory => {
                let category = set.category.as_deref().or(current.and_then(|p| p.category.as_deref()));
                match category.and_then(|c| cat.by_category.get(c)) {
                    Some(list) => Candidates::Slice(list.iter()),
                    None => Candidates::Slice([].iter()),
                }
            }
            ProductStrategy::RecentlyViewed | ProductStrategy::RestockSaved => {
                let floor = self.plan.constraints.min_stock.unwrap_or(0).max(1);
                let restock = set.strategy == ProductStrategy::RestockSaved;
                let mut out: Vec<u32> = Vec::new();
                for item in list(self.shopper, set.source_slot) {
                    let Some(i) = self.index_of(split_item(item).0) else { continue };
                    if restock && self.product(i).stock.is_none_or(|s| s < floor) {
                        continue;
                    }
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
                Candidates::Owned(out.into_iter())
            }
            ProductStrategy::Coordinated => {
                let Some(cur) = current else { return Candidates::Slice([].iter()) };
                let lists = set
                    .match_on
                    .iter()
                    .filter_map(|key| {
                        let value = if key == "collection" { cur.collection.as_ref() } else { cur.attributes.get(key) };
                        value.and_then(|v| cat.by_value.get(key).and_then(|m| m.get(v))).map(Vec::as_slice)
                    })
                    .collect();
                Candidates::Merge(Merge { lists, order: &cat.order, last: None })
            }
            ProductStrategy::Compatible => {
                let Some(cur) = current else { return Candidates::Slice([].iter()) };
                let lists = set
                    .compatible
                    .iter()
                    .filter(|(a, _)| cur.tags.iter().any(|t| t == a))
                    .filter_map(|(_, b)| cat.by_tag.get(b).map(Vec::as_slice))
                    .collect();
                Candidates::Merge(Merge { lists, order: &cat.order, last: None })
            }
            ProductStrategy::Replenishment => {
                let mut due: Vec<(Date, &str, u32)> = Vec::new();
                for item in list(self.shopper, set.source_slot) {
                    let (id, date) = split_item(item);
                    let (Some(i), Some(date)) = (self.index_of(id), date) else { continue };
                    let Some(days) = self.product(i).reorder_interval_days else { continue };
                    let Some(when) = date.checked_add(i64::from(days).days()).ok() else { continue };
                    if when <= self.today && !due.iter().any(|d| d.2 == i) {
                        due.push((when, id, i));
                    }
                }
                // Most overdue first.
                due.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
                Candidates::Owned(due.into_iter().map(|d| d.2).collect::<Vec<_>>().into_iter())
            }
            ProductStrategy::Upsell => {
                let (Some(cur_i), Some(cur)) = (self.current, current) else { return Candidates::Slice([].iter()) };
                let Some(anchor) = cur.price else { return Candidates::Slice([].iter()) };
                let Some(list) = cur.category.as_deref().and_then(|c| cat.by_category_price.get(c)) else {
                    return Candidates::Slice([].iter());
                };
                // The list is sorted by price: skip to the first dearer product.
                let from = list.partition_point(|&i| cat.products[i as usize].price.is_none_or(|p| p <= anchor));
                Candidates::Upsell { iter: list[from..].iter(), catalog: cat, current: cur_i }
            }
        }
    }

    /// Resolves a product set: fills `chosen` (catalog indices, at most
    /// `size`) and returns the counts after each filter. Without `explain`
    /// it stops at `size`, so the counts are partial.
    pub fn resolve(&self, set: &'a ProductSetC, shown: &[u32], explain: bool, chosen: &mut Vec<u32>) -> FilterCounts {
        let candidates = self.candidates(set);
        let k = &self.plan.constraints;
        let cat = &self.plan.catalog;
        let anchor = match (k.max_price_jump, self.current) {
            (Some(jump), Some(cur)) => self.product(cur).price.map(|p| p * (1.0 + jump)),
            _ => None,
        };
        let purchased = list(self.shopper, set.purchased_slot);
        // Only non-top strategies use the set's category as a filter, by id
        // (`NO_SUCH_CATEGORY` when no product has it: nothing passes).
        let category_filter = match set.strategy {
            ProductStrategy::TopInCategory => None,
            _ => set.category.as_deref().map(|c| cat.category_index.get(c).copied().unwrap_or(NO_SUCH_CATEGORY)),
        };
        // The purchased products by catalog position, looked up once the
        // first candidate gets that far (ids are unique in the catalog).
        let mut purchased_ids: Option<Vec<u32>> = None;
        let mut counts = [0u32; 7];
        const FILTERS: usize = 6;
        for i in candidates {
            if Some(i) == self.current || category_filter.is_some_and(|c| cat.category[i as usize] != c) {
                continue;
            }
            // The filters in order; `passed` counts those before the first
            // that fails (each asked only if the ones before it passed).
            let passed = 'filters: {
                // Stock, then margin (worked out when the plan was compiled).
                let stock_margin = usize::from(cat.stock_margin[i as usize]);
                if stock_margin < 2 {
                    break 'filters stock_margin;
                }
                if !anchor.is_none_or(|max| cat.price[i as usize].is_some_and(|price| price <= max)) {
                    break 'filters 2;
                }
                if cat.seasonal_mask[i as usize] & self.closed_seasonal != 0 {
                    break 'filters 3;
                }
                if !purchased.is_empty() {
                    let ids = purchased_ids.get_or_insert_with(|| {
                        purchased.iter().filter_map(|item| self.index_of(split_item(item).0)).collect()
                    });
                    if ids.contains(&i) {
                        break 'filters 4;
                    }
                }
                if k.no_duplicate_products && shown.contains(&i) {
                    break 'filters 5;
                }
                FILTERS
            };
            for c in counts.iter_mut().take(passed + 1) {
                *c += 1;
            }
            if passed == FILTERS {
                chosen.push(i);
                if chosen.len() >= set.size && !explain {
                    break;
                }
            }
        }
        chosen.truncate(set.size);
        let [candidates, in_stock, margin, price_jump, seasonal, not_purchased, not_on_page] = counts;
        FilterCounts { candidates, in_stock, margin, price_jump, seasonal, not_purchased, not_on_page }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_compare_by_number_then_by_size_word() {
        assert!(size_value("100ml") > size_value("50ml"));
        assert!(size_value("XL") > size_value("M"));
        assert_eq!(size_value("huge"), None);
    }

    #[test]
    fn list_items_may_carry_a_date() {
        assert_eq!(split_item("sku-1@2026-01-02"), ("sku-1", Some(Date::constant(2026, 1, 2))));
        assert_eq!(split_item("sku-1"), ("sku-1", None));
    }
}
