//! Importing the product catalog from CSV with a column mapping. Atomic: a
//! bad row aborts the import with file, row and column.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tailor_model::plan::Product;
use ts_rs::TS;

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

/// The catalog file formats the importer reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CatalogFormat {
    /// Any CSV, with a column mapping.
    #[default]
    Csv,
    /// Shopify's product export CSV (one row per variant).
    Shopify,
    /// Google Merchant Center feed, tab-separated.
    GmcTsv,
    /// Google Merchant Center feed, RSS 2.0 XML with `g:` fields.
    GmcXml,
}

#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct CatalogImportReport {
    pub file: String,
    pub format: CatalogFormat,
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub created: u64,
    #[ts(type = "number")]
    pub updated: u64,
    /// (column, field or "attributes.<name>") in file order.
    pub mapping: Vec<(String, String)>,
    /// The first products as they will be stored.
    pub sample: Vec<Product>,
    pub dry_run: bool,
}

/// Products read from a file, before anything is written.
pub(crate) struct Parsed {
    pub(crate) products: Vec<Product>,
    pub(crate) rows: u64,
    pub(crate) mapping: Vec<(String, String)>,
}

fn row_error(file: &str, row: u64, line: u64, column: &str, message: String) -> StoreError {
    StoreError::ImportRow { file: file.into(), row, line, column: column.into(), message }
}

impl Workspace {
    /// Imports products from generic CSV. `mapping` maps product fields to
    /// column names (`price -> "Variant Price"`); columns named like a field
    /// map to it.
    pub fn import_catalog(
        &mut self,
        path: &Path,
        mapping: &BTreeMap<String, String>,
        dry_run: bool,
    ) -> Result<CatalogImportReport> {
        self.import_catalog_as(path, CatalogFormat::Csv, mapping, dry_run)
    }

    /// Imports products from a file of the given format (atomic; upserts by id).
    pub fn import_catalog_as(
        &mut self,
        path: &Path,
        format: CatalogFormat,
        mapping: &BTreeMap<String, String>,
        dry_run: bool,
    ) -> Result<CatalogImportReport> {
        if !path.exists() {
            return Err(StoreError::NoSuchFile { path: path.to_path_buf() });
        }
        let file = path.display().to_string();
        let parsed = match format {
            CatalogFormat::Csv => parse_csv(path, &file, mapping)?,
            CatalogFormat::Shopify => crate::catalog_formats::parse_shopify(path, &file)?,
            CatalogFormat::GmcTsv => crate::catalog_formats::parse_gmc_tsv(path, &file)?,
            CatalogFormat::GmcXml => crate::catalog_formats::parse_gmc_xml(path, &file)?,
        };
        let mut created = 0;
        let mut updated = 0;
        if dry_run {
            for p in &parsed.products {
                match self.get::<Product>(&p.id) {
                    Ok(_) => updated += 1,
                    Err(StoreError::NotFound { .. }) => created += 1,
                    Err(e) => return Err(e),
                }
            }
        } else {
            let name = path.file_name().map_or(file.clone(), |n| n.to_string_lossy().into_owned());
            let products = &parsed.products;
            self.transact_checked(&format!("Import {} products from {name}", products.len()), |tx| {
                for p in products {
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
            format,
            rows: parsed.rows,
            created,
            updated,
            mapping: parsed.mapping,
            sample: parsed.products.iter().take(5).cloned().collect(),
            dry_run,
        })
    }
}

/// Refuses a second product with the same id in one file.
pub(crate) struct UniqueIds(HashSet<String>);

impl UniqueIds {
    pub(crate) fn new() -> Self {
        Self(HashSet::new())
    }

    pub(crate) fn check(&mut self, file: &str, row: u64, line: u64, column: &str, id: &str) -> Result<()> {
        if self.0.insert(id.to_owned()) {
            Ok(())
        } else {
            Err(row_error(file, row, line, column, format!("product id \"{id}\" appears twice in the file")))
        }
    }
}

fn parse_csv(path: &Path, file: &str, mapping: &BTreeMap<String, String>) -> Result<Parsed> {
    let file_err = |message: String| StoreError::ImportFile { file: file.to_owned(), message };
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
                    (CATALOG_FIELDS.contains(&lower.as_str()) && !mapping.contains_key(&lower)).then_some(lower)
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
    let id_column = headers[targets.iter().position(|t| t == "id").unwrap_or(0)].clone();
    let mut products = Vec::new();
    let mut ids = UniqueIds::new();
    let mut record = csv::StringRecord::new();
    let mut row = 0u64;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(row_error(file, row + 1, line, "-", e.to_string()));
            }
        }
        row += 1;
        let line = record.position().map_or(0, |p| p.line());
        let p = product_from_row(&record, &headers, &targets)
            .map_err(|(column, message)| row_error(file, row, line, &column, message))?;
        ids.check(file, row, line, &id_column, &p.id)?;
        products.push(p);
    }
    Ok(Parsed {
        products,
        rows: row,
        mapping: headers.into_iter().zip(targets).collect(),
    })
}

/// One CSV row as a product; errors are (column, message).
pub(crate) fn product_from_row(
    record: &csv::StringRecord,
    headers: &[String],
    targets: &[String],
) -> std::result::Result<Product, (String, String)> {
    let mut p = empty_product();
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

pub(crate) fn empty_product() -> Product {
    Product {
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
    }
}
