//! Sample shoppers: paging, distinct values, and an in-memory table for
//! reach that is rebuilt only when the workspace changed.

use std::collections::HashMap;
use std::sync::Arc;

use tailor_engine::plan::{ShopperTextError, shopper_from_json_text_with_id};
use tailor_engine::{ColumnarTable, CompiledCondition, ShopperTable};
use tailor_model::condition::Condition;
use tailor_model::Schema;

use crate::error::{Result, StoreError};
use crate::types::{EntityKind, ReachReport, ShopperPage, ShopperRow, ValueCount};
use crate::workspace::Workspace;

pub(crate) struct ShopperCache {
    key: crate::workspace::CacheKey,
    schema: Arc<Schema>,
    table: Arc<ShopperTable>,
    /// The same shoppers as typed columns, built on first use.
    columns: Option<Arc<ColumnarTable>>,
}

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

    /// All sample shoppers, typed by the current schema. Cached until the
    /// workspace changes (through this handle or another process).
    pub fn shopper_table(&mut self) -> Result<(Arc<Schema>, Arc<ShopperTable>)> {
        let key = self.cache_key()?;
        if let Some(c) = &self.shopper_cache {
            if c.key == key {
                return Ok((c.schema.clone(), c.table.clone()));
            }
        }
        let schema = Arc::new(self.schema()?);
        let mut shoppers = Vec::with_capacity(self.count("shoppers")? as usize);
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT key, body FROM shoppers ORDER BY rowid")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let key: String = r.get(0)?;
                let body: String = r.get(1)?;
                // Straight into the schema's slots (no map of every key):
                // the first reach after opening reads every shopper.
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
                shoppers.push(shopper);
            }
        }
        let table = Arc::new(ShopperTable::new(shoppers));
        self.shopper_cache = Some(ShopperCache {
            key,
            schema: schema.clone(),
            table: table.clone(),
            columns: None,
        });
        Ok((schema, table))
    }

    /// The sample shoppers as [`Workspace::shopper_table`] has them, plus the
    /// same shoppers as typed columns for evaluating conditions over all of
    /// them at once. Both are cached until the workspace changes; the columns
    /// are built on first use.
    pub fn shopper_columns(&mut self) -> Result<(Arc<Schema>, Arc<ShopperTable>, Arc<ColumnarTable>)> {
        let (schema, table) = self.shopper_table()?;
        let cache = self.shopper_cache.as_mut().expect("shopper_table fills the cache");
        let columns = cache
            .columns
            .get_or_insert_with(|| Arc::new(ColumnarTable::new(&schema, &table)))
            .clone();
        Ok((schema, table, columns))
    }

    /// How many sample shoppers match a condition, with a few examples.
    pub fn reach(&mut self, condition: &Condition, examples: usize) -> Result<ReachReport> {
        let (schema, table, columns) = self.shopper_columns()?;
        let compiled = CompiledCondition::compile(condition, &schema).map_err(|e| {
            StoreError::Invalid {
                kind: EntityKind::Segment,
                key: String::new(),
                field: "condition".into(),
                message: e.to_string(),
            }
        })?;
        let today = jiff::ZonedDateTime::now().date();
        let r = tailor_engine::columnar::reach(&compiled, &columns, &table, today, examples);
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
        let (_, table, columns) = self.shopper_columns()?;
        match self.plan() {
            Ok(plan) => Ok(tailor_sim::lint::lint_workspace_with(&snapshot, &plan, &columns, today, &Default::default())),
            // Only a file written before plans were checked can get here: say
            // so as an error next to what the segment rules find.
            Err(StoreError::Plan { message, .. }) => {
                let schema = self.schema()?;
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
