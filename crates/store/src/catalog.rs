//! Importing the product catalog from CSV with a column mapping. Atomic: a
//! bad row aborts the import with file, row and column.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Serialize;
use tailor_model::plan::Product;

use crate::error::{Result, StoreError};
use crate::log::Expect;
use crate::types::EntityKind;
use crate::workspace::Workspace;

/// The product fields a column can map to; other columns become free-form
/// product attributes.
pub const CATALOG_FIELDS: &[&str] = &[
    "id", "title", "category", "price", "cost", "margin", "stock", "collection", "tags",
    "reorder_interval_days", "rank", "image_url", "updated",
];

#[derive(Debug, Serialize)]
pub struct CatalogImportReport {
    pub file: String,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    /// (column, field or "attributes.<name>") in file order.
    pub mapping: Vec<(String, String)>,
    pub dry_run: bool,
}

impl Workspace {
    /// Imports products. `mapping` maps product fields to column names
    /// (`price -> "Variant Price"`); columns named like a field map to it.
    pub fn import_catalog(
        &mut self,
        path: &Path,
        mapping: &BTreeMap<String, String>,
        dry_run: bool,
    ) -> Result<CatalogImportReport> {
        let file = path.display().to_string();
        let file_err = |message: String| StoreError::ImportFile { file: file.clone(), message };
        for field in mapping.keys() {
            if !CATALOG_FIELDS.contains(&field.as_str()) {
                return Err(file_err(format!(
                    "unknown product field \"{field}\" in the mapping (fields: {})",
                    CATALOG_FIELDS.join(", ")
                )));
            }
        }
        let mut rdr = csv::Reader::from_path(path).map_err(|e| file_err(e.to_string()))?;
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| file_err(e.to_string()))?
            .iter()
            .map(str::to_owned)
            .collect();
        for (field, column) in mapping {
            if !headers.contains(column) {
                return Err(file_err(format!("no column \"{column}\" (mapped to {field})")));
            }
        }
        // Column index -> field ("attributes.x" for the rest).
        let targets: Vec<String> = headers
            .iter()
            .map(|h| {
                mapping
                    .iter()
                    .find(|(_, c)| *c == h)
                    .map(|(f, _)| f.clone())
                    .or_else(|| {
                        let lower = h.trim().to_ascii_lowercase();
                        (CATALOG_FIELDS.contains(&lower.as_str()) && !mapping.contains_key(&lower))
                            .then_some(lower)
                    })
                    .unwrap_or_else(|| format!("attributes.{}", h.trim()))
            })
            .collect();
        for required in ["id", "title"] {
            if !targets.iter().any(|t| t == required) {
                return Err(file_err(format!(
                    "no column for the product {required}: name one with --map {required}=COLUMN"
                )));
            }
        }
        let mut products = Vec::new();
        let mut ids = HashSet::new();
        let mut record = csv::StringRecord::new();
        let mut row = 0u64;
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    return Err(StoreError::ImportRow {
                        file,
                        row: row + 1,
                        line: e.position().map_or(0, |p| p.line()),
                        column: "-".into(),
                        message: e.to_string(),
                    });
                }
            }
            row += 1;
            let line = record.position().map_or(0, |p| p.line());
            let p = product_from_row(&record, &headers, &targets).map_err(|(column, message)| {
                StoreError::ImportRow { file: file.clone(), row, line, column, message }
            })?;
            if !ids.insert(p.id.clone()) {
                return Err(StoreError::ImportRow {
                    file,
                    row,
                    line,
                    column: headers[targets.iter().position(|t| t == "id").unwrap_or(0)].clone(),
                    message: format!("product id \"{}\" appears twice in the file", p.id),
                });
            }
            products.push(p);
        }
        let mut created = 0;
        let mut updated = 0;
        if dry_run {
            for p in &products {
                match self.get::<Product>(&p.id) {
                    Ok(_) => updated += 1,
                    Err(StoreError::NotFound { .. }) => created += 1,
                    Err(e) => return Err(e),
                }
            }
        } else {
            let name = path.file_name().map_or(file.clone(), |n| n.to_string_lossy().into_owned());
            self.transact_checked(&format!("Import {} products from {name}", products.len()), |tx| {
                for p in &products {
                    if tx.get(EntityKind::Product, &p.id)?.is_some() {
                        updated += 1;
                    } else {
                        created += 1;
                    }
                    tx.put_json(EntityKind::Product, &p.id, Expect::Any, p)?;
                }
                Ok(())
            })?;
        }
        Ok(CatalogImportReport {
            file,
            rows: row,
            created,
            updated,
            mapping: headers.into_iter().zip(targets).collect(),
            dry_run,
        })
    }
}

/// One CSV row as a product; errors are (column, message).
fn product_from_row(
    record: &csv::StringRecord,
    headers: &[String],
    targets: &[String],
) -> std::result::Result<Product, (String, String)> {
    let mut p = Product {
        id: String::new(),
        title: String::new(),
        category: None,
        price: None,
        cost: None,
        margin: None,
        stock: None,
        collection: None,
        tags: Vec::new(),
        attributes: BTreeMap::new(),
        reorder_interval_days: None,
        rank: None,
        image_url: None,
        updated: None,
    };
    for (i, cell) in record.iter().enumerate() {
        let cell = cell.trim();
        let (Some(target), Some(column)) = (targets.get(i), headers.get(i)) else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        let err = |what: &str| (column.clone(), format!("expected {what}, found \"{cell}\""));
        let number = || cell.trim_start_matches('$').replace(',', "").parse::<f64>().ok().filter(|f| f.is_finite());
        match target.as_str() {
            "id" => p.id = cell.into(),
            "title" => p.title = cell.into(),
            "category" => p.category = Some(cell.into()),
            "collection" => p.collection = Some(cell.into()),
            "image_url" => p.image_url = Some(cell.into()),
            "price" => p.price = Some(number().ok_or_else(|| err("a price"))?),
            "cost" => p.cost = Some(number().ok_or_else(|| err("a cost"))?),
            "margin" => {
                let m = number().ok_or_else(|| err("a margin between 0 and 1"))?;
                p.margin = Some(m);
            }
            "stock" => p.stock = Some(cell.parse().map_err(|_| err("a whole number of units"))?),
            "reorder_interval_days" => {
                p.reorder_interval_days = Some(cell.parse().map_err(|_| err("a whole number of days"))?)
            }
            "rank" => p.rank = Some(cell.parse().map_err(|_| err("a whole number"))?),
            "updated" => {
                let date = cell.get(..10).unwrap_or(cell);
                p.updated = Some(date.parse().map_err(|_| err("a date YYYY-MM-DD"))?)
            }
            "tags" => {
                p.tags = cell
                    .split(['|', ';'])
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect()
            }
            other => {
                let name = other.strip_prefix("attributes.").unwrap_or(other);
                p.attributes.insert(name.to_owned(), cell.to_owned());
            }
        }
    }
    if p.id.is_empty() {
        return Err(("id".into(), "the product id is empty".into()));
    }
    if p.title.is_empty() {
        return Err(("title".into(), "the product title is empty".into()));
    }
    Ok(p)
}
