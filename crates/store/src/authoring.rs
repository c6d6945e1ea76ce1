//! Authoring helpers the app needs beyond plain saves: reordering entries,
//! reverting an item to an earlier version, and browsing the catalog.

use serde::{Deserialize, Serialize};
use tailor_model::plan::{PlanEntry, Product};
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::log::Expect;
use crate::types::EntityKind;
use crate::workspace::Workspace;

/// One page of the catalog, sorted and filtered in SQL.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CatalogPage {
    #[ts(type = "number")]
    pub total: u64,
    /// Products matching the filter.
    #[ts(type = "number")]
    pub matched: u64,
    pub rows: Vec<Product>,
}

/// Sortable catalog columns.
pub const CATALOG_SORTS: &[&str] = &["id", "title", "category", "price", "margin", "stock", "collection", "updated", "rank"];

impl Workspace {
    /// Gives the entries, in the order given, descending priorities
    /// (10 × position from the end), as one undo step.
    pub fn reorder_entries(&mut self, ordered_ids: &[String]) -> Result<Vec<i64>> {
        let entries = self.items::<PlanEntry>()?;
        let n = ordered_ids.len() as i64;
        let mut updated = Vec::new();
        for (i, id) in ordered_ids.iter().enumerate() {
            let mut e = entries
                .iter()
                .find(|e| &e.id == id)
                .cloned()
                .ok_or_else(|| StoreError::NotFound { kind: EntityKind::Entry, key: id.clone() })?;
            e.priority = (n - i as i64) * 10;
            updated.push(e);
        }
        self.transact_checked("Reorder plan entries", |tx| {
            updated
                .iter()
                .map(|e| tx.put_json(EntityKind::Entry, &e.id, Expect::Any, e))
                .collect::<Result<Vec<_>>>()
        })
    }

    /// Restores an item to its state right after transaction `txn` (deleting
    /// it if that transaction deleted it), as a new undoable edit.
    pub fn revert(&mut self, kind: EntityKind, key: &str, txn: i64) -> Result<()> {
        let after: Option<Option<String>> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT after FROM changes WHERE txn = ?1 AND entity = ?2 AND entity_id = ?3 ORDER BY id DESC LIMIT 1",
            rusqlite::params![txn, kind.as_str(), key],
            |r| r.get(0),
        ))?;
        let after = after.ok_or_else(|| StoreError::NotFound {
            kind,
            key: format!("{key} in change #{txn}"),
        })?;
        self.transact_checked(&format!("Revert {kind} {key} to change #{txn}"), |tx| {
            tx.put(kind, key, Expect::Any, after.as_deref())
        })?;
        Ok(())
    }

    /// Products sorted by `sort` (a column of [`CATALOG_SORTS`]; products
    /// without a value last, then by id) and filtered by `filter` (a
    /// case-insensitive substring of id, title, category or collection).
    ///
    /// Works on an in-memory copy of the catalog, rebuilt only when the
    /// workspace changes: sorting 50,000 products in memory takes a few
    /// milliseconds, where SQLite re-reading every JSON body per page took
    /// over 100 ms (benches/catalog.rs).
    pub fn catalog_page(
        &mut self,
        offset: u64,
        limit: u64,
        sort: Option<&str>,
        descending: bool,
        filter: Option<&str>,
    ) -> Result<CatalogPage> {
        let sort = sort.unwrap_or("id");
        if !CATALOG_SORTS.contains(&sort) {
            return Err(StoreError::Invalid {
                kind: EntityKind::Product,
                key: String::new(),
                field: "sort".into(),
                message: format!("cannot sort by {sort} (columns: {})", CATALOG_SORTS.join(", ")),
            });
        }
        let catalog = self.catalog()?;
        let needle = filter.map(|f| f.trim().to_lowercase()).filter(|f| !f.is_empty());
        let mut rows: Vec<&Product> = match &needle {
            None => catalog.iter().collect(),
            Some(n) => catalog
                .iter()
                .filter(|p| {
                    let has = |s: &str| s.to_lowercase().contains(n.as_str());
                    has(&p.id)
                        || has(&p.title)
                        || p.category.as_deref().is_some_and(has)
                        || p.collection.as_deref().is_some_and(has)
                })
                .collect(),
        };
        sort_products(&mut rows, sort, descending);
        let matched = rows.len() as u64;
        let page = rows
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .cloned()
            .collect();
        Ok(CatalogPage {
            total: catalog.len() as u64,
            matched,
            rows: page,
        })
    }

    /// Every product, cached until the workspace changes.
    fn catalog(&mut self) -> Result<std::sync::Arc<Vec<Product>>> {
        let key = self.cache_key()?;
        if let Some((k, products)) = &self.catalog_cache {
            if *k == key {
                return Ok(products.clone());
            }
        }
        let products = std::sync::Arc::new(self.items::<Product>()?);
        self.catalog_cache = Some((key, products.clone()));
        Ok(products)
    }
}

/// Orders products by one column, missing values last in either direction,
/// ties by id.
fn sort_products(rows: &mut [&Product], sort: &str, descending: bool) {
    use std::cmp::Ordering;
    fn num(p: &Product, sort: &str) -> Option<f64> {
        match sort {
            "price" => p.price,
            "margin" => p.effective_margin(),
            "stock" => p.stock.map(|s| s as f64),
            "rank" => p.rank.map(f64::from),
            _ => None,
        }
    }
    fn text<'a>(p: &'a Product, sort: &str) -> Option<&'a str> {
        match sort {
            "id" => Some(&p.id),
            "title" => Some(&p.title),
            "category" => p.category.as_deref(),
            "collection" => p.collection.as_deref(),
            _ => None,
        }
    }
    let numeric = matches!(sort, "price" | "margin" | "stock" | "rank");
    rows.sort_by(|a, b| {
        let by_value = if numeric {
            match (num(a, sort), num(b, sort)) {
                (Some(x), Some(y)) => {
                    let o = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
                    if descending { o.reverse() } else { o }
                }
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        } else if sort == "updated" {
            match (a.updated, b.updated) {
                (Some(x), Some(y)) => if descending { y.cmp(&x) } else { x.cmp(&y) },
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        } else {
            match (text(a, sort), text(b, sort)) {
                (Some(x), Some(y)) => if descending { y.cmp(x) } else { x.cmp(y) },
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        };
        by_value.then_with(|| a.id.cmp(&b.id))
    });
}

impl Workspace {
    /// Catalog hygiene as of today.
    pub fn catalog_hygiene(&self, stale_days: u32) -> Result<tailor_sim::hygiene::HygieneReport> {
        let products = self.items::<Product>()?;
        Ok(tailor_sim::hygiene::hygiene(&products, jiff::ZonedDateTime::now().date(), stale_days))
    }
}
