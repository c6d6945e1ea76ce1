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

    /// Products sorted by `sort` (a column of [`CATALOG_SORTS`]) and filtered
    /// by `filter` (a case-insensitive substring of id, title, category or
    /// collection).
    pub fn catalog_page(
        &self,
        offset: u64,
        limit: u64,
        sort: Option<&str>,
        descending: bool,
        filter: Option<&str>,
    ) -> Result<CatalogPage> {
        let total = self.count("products")?;
        let sort = sort.unwrap_or("id");
        if !CATALOG_SORTS.contains(&sort) {
            return Err(StoreError::Invalid {
                kind: EntityKind::Product,
                key: String::new(),
                field: "sort".into(),
                message: format!("cannot sort by {sort} (columns: {})", CATALOG_SORTS.join(", ")),
            });
        }
        let order_expr = match sort {
            "id" => "key".to_string(),
            // Margin as stored, else derived from price and cost.
            "margin" => "coalesce(json_extract(body, '$.margin'), \
                (json_extract(body, '$.price') - json_extract(body, '$.cost')) / nullif(json_extract(body, '$.price'), 0))"
                .to_string(),
            other => format!("json_extract(body, '$.{other}')"),
        };
        let dir = if descending { "DESC" } else { "ASC" };
        let pattern = filter.filter(|f| !f.trim().is_empty()).map(|f| format!("%{}%", f.trim().to_lowercase()));
        let where_sql = "(?1 IS NULL OR lower(key) LIKE ?1 OR lower(json_extract(body, '$.title')) LIKE ?1 \
             OR lower(coalesce(json_extract(body, '$.category'), '')) LIKE ?1 \
             OR lower(coalesce(json_extract(body, '$.collection'), '')) LIKE ?1)";
        let matched: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM products WHERE {where_sql}"),
            [&pattern],
            |r| r.get(0),
        )?;
        // NULLs last in either direction, then id for a stable order.
        let sql = format!(
            "SELECT body FROM products WHERE {where_sql}
             ORDER BY ({order_expr}) IS NULL, {order_expr} {dir}, key ASC LIMIT ?2 OFFSET ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params![pattern, limit as i64, offset as i64], |r| {
            r.get::<_, String>(0)
        })?;
        let rows = rows
            .map(|b| Ok(serde_json::from_str(&b?)?))
            .collect::<Result<Vec<Product>>>()?;
        Ok(CatalogPage {
            total,
            matched: matched as u64,
            rows,
        })
    }
}

impl Workspace {
    /// Catalog hygiene as of today.
    pub fn catalog_hygiene(&self, stale_days: u32) -> Result<tailor_sim::hygiene::HygieneReport> {
        let products = self.items::<Product>()?;
        Ok(tailor_sim::hygiene::hygiene(&products, jiff::ZonedDateTime::now().date(), stale_days))
    }
}
