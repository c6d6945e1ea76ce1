//! Sample shoppers: paging, distinct values, and an in-memory table for
//! reach that is rebuilt only when the workspace changed.

use std::collections::HashMap;
use std::sync::Arc;

use tailor_engine::plan::{ShopperTextError, shopper_from_json_text_with_id};
use tailor_engine::{ColumnarBuilder, ColumnarTable, CompiledCondition, Shopper, ShopperTable};
use tailor_model::condition::Condition;
use tailor_model::Schema;

use crate::error::{Result, StoreError};
use crate::types::{EntityKind, ReachReport, ShopperPage, ShopperRow, ValueCount};
use crate::workspace::Workspace;

/// The sample shoppers as typed columns (a million shoppers take about a
/// tenth of the memory they take as rows), with their ids in table order.
pub(crate) struct ShopperCache {
    key: crate::workspace::CacheKey,
    schema: Arc<Schema>,
    ids: ShopperIds,
    columns: Arc<ColumnarTable>,
}

/// The sample shoppers' ids, in the order of the cached columns' rows.
pub type ShopperIds = Arc<Vec<Box<str>>>;

type JsonMap = serde_json::Map<String, serde_json::Value>;

fn row_from_body(key: String, body: &str) -> Result<ShopperRow> {
    let mut values: JsonMap = serde_json::from_str(body)?;
    values.remove("id");
    Ok(ShopperRow { id: key, values })
}

impl Workspace {
    pub fn shopper_page(&self, offset: u64, limit: u64) -> Result<ShopperPage> {
        let total = self.count("shoppers")?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, body FROM shoppers ORDER BY rowid LIMIT ?1 OFFSET ?2")?;
        let rows = stmt.query_map([limit as i64, offset as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let rows = rows
            .map(|r| {
                let (k, b) = r?;
                row_from_body(k, &b)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ShopperPage {
            total,
            offset,
            rows,
        })
    }

    pub fn shopper(&self, id: &str) -> Result<ShopperRow> {
        let body: Option<String> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT body FROM shoppers WHERE key = ?1",
            [id],
            |r| r.get(0),
        ))?;
        let body = body.ok_or_else(|| StoreError::NotFound {
            kind: EntityKind::Shopper,
            key: id.into(),
        })?;
        row_from_body(id.into(), &body)
    }

    /// Distinct values of an attribute in the sample shoppers, most frequent
    /// first (list attributes count each item), at most `limit`.
    pub fn attribute_values(&self, name: &str, limit: usize) -> Result<Vec<ValueCount>> {
        self.attribute(name)?;
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT json_extract(body, '$.' || ?1) FROM shoppers",
        )?;
        // json_extract returns arrays as JSON text; scalars as themselves.
        let mut rows = stmt.query([format!("\"{name}\"")])?;
        while let Some(r) = rows.next()? {
            let v: rusqlite::types::Value = r.get(0)?;
            let texts: Vec<String> = match v {
                rusqlite::types::Value::Null => continue,
                rusqlite::types::Value::Integer(i) => vec![i.to_string()],
                rusqlite::types::Value::Real(f) => vec![f.to_string()],
                rusqlite::types::Value::Text(t) if t.starts_with('[') => {
                    serde_json::from_str::<Vec<serde_json::Value>>(&t)
                        .map(|items| {
                            items
                                .into_iter()
                                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                                .collect()
                        })
                        .unwrap_or_else(|_| vec![t])
                }
                rusqlite::types::Value::Text(t) => vec![t],
                rusqlite::types::Value::Blob(_) => continue,
            };
            for t in texts {
                *counts.entry(t).or_default() += 1;
            }
        }
        let mut out: Vec<ValueCount> = counts
            .into_iter()
            .map(|(value, count)| ValueCount { value, count })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out.truncate(limit);
        Ok(out)
    }

    /// The sample shoppers as typed columns and their ids, in table order.
    /// Cached until the workspace changes (through this handle or another
    /// process); each stored shopper is read once and not kept as a row.
    fn shopper_cache(&mut self) -> Result<&ShopperCache> {
        let key = self.shopper_cache_key()?;
        if self.shopper_cache.as_ref().is_some_and(|c| c.key == key) {
            return Ok(self.shopper_cache.as_ref().expect("checked"));
        }
        let schema = Arc::new(self.schema()?);
        let count = self.count("shoppers")? as usize;
        let mut ids = Vec::with_capacity(count);
        let mut columns = ColumnarBuilder::new(&schema, count);
        {
            let mut stmt = self.conn.prepare_cached("SELECT key, body FROM shoppers ORDER BY rowid")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let key: String = r.get(0)?;
                let body: String = r.get(1)?;
                // Straight into the schema's slots (no map of every key).
                let shopper = shopper_from_json_text_with_id(&key, body.as_bytes(), &schema).map_err(|e| match e {
                    ShopperTextError::Value(e) => StoreError::Invalid {
                        kind: EntityKind::Shopper,
                        key: key.clone(),
                        field: e.attribute.to_string(),
                        message: e.to_string(),
                    },
                    ShopperTextError::Malformed(e) => StoreError::from(e),
                    ShopperTextError::MissingId => unreachable!("the id is the row's key"),
                })?;
                columns.push(&shopper);
                ids.push(key.into_boxed_str());
            }
        }
        self.shopper_cache =
            Some(ShopperCache { key, schema, ids: Arc::new(ids), columns: Arc::new(columns.finish()) });
        Ok(self.shopper_cache.as_ref().expect("just filled"))
    }

    /// All sample shoppers as rows, typed by the current schema, made from
    /// the cached columns on each call (for simulation, impact and approval;
    /// reach and lint read the columns).
    pub fn shopper_table(&mut self) -> Result<(Arc<Schema>, Arc<ShopperTable>)> {
        let cache = self.shopper_cache()?;
        let shoppers = cache
            .ids
            .iter()
            .enumerate()
            .map(|(row, id)| Shopper { id: id.to_string(), values: cache.columns.values(row) })
            .collect();
        Ok((cache.schema.clone(), Arc::new(ShopperTable::new(shoppers))))
    }

    /// The sample shoppers as typed columns for evaluating conditions over
    /// all of them at once, with their ids in table order; cached until the
    /// workspace changes.
    pub fn shopper_columns(&mut self) -> Result<(Arc<Schema>, ShopperIds, Arc<ColumnarTable>)> {
        let cache = self.shopper_cache()?;
        Ok((cache.schema.clone(), cache.ids.clone(), cache.columns.clone()))
    }

    /// How many sample shoppers match a condition, with a few examples.
    pub fn reach(&mut self, condition: &Condition, examples: usize) -> Result<ReachReport> {
        let (schema, ids, columns) = self.shopper_columns()?;
        let compiled = CompiledCondition::compile(condition, &schema).map_err(|e| {
            StoreError::Invalid {
                kind: EntityKind::Segment,
                key: String::new(),
                field: "condition".into(),
                message: e.to_string(),
            }
        })?;
        let today = jiff::ZonedDateTime::now().date();
        let r = tailor_engine::columnar::reach_with_ids(&compiled, &columns, |row| ids.get(row).map(|id| &**id), today, examples);
        let examples = r
            .examples
            .iter()
            .map(|id| self.shopper(id))
            .collect::<Result<Vec<_>>>()?;
        Ok(ReachReport {
            matched: r.matched,
            total: r.total,
            share: r.share,
            examples,
        })
    }
}

impl Workspace {
    /// Lint findings for the workspace (every rule of DESIGN §8), errors first.
    pub fn lint(&mut self) -> Result<Vec<tailor_sim::lint::Finding>> {
        let today = jiff::ZonedDateTime::now().date();
        let snapshot = self.snapshot()?;
        let (_, _, columns) = self.shopper_columns()?;
        match self.plan() {
            Ok(plan) => Ok(tailor_sim::lint::lint_workspace_with(&snapshot, &plan, &columns, today, &Default::default())),
            // Only a file written before plans were checked can get here: say
            // so as an error next to what the segment rules find.
            Err(StoreError::Plan { message, .. }) => {
                let (schema, table) = self.shopper_table()?;
                let mut findings =
                    tailor_sim::lint::lint_segments(&snapshot.segments, &schema, &table, today, &Default::default());
                findings.insert(
                    0,
                    tailor_sim::lint::Finding::new(
                        tailor_sim::lint::Severity::Error,
                        "plan_does_not_compile",
                        "workspace".into(),
                        message,
                    ),
                );
                Ok(findings)
            }
            Err(e) => Err(e),
        }
    }
}
