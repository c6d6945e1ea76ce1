//! Importing sample shoppers from CSV, JSON Lines or Parquet.
//!
//! Two passes over the file: the first infers each column's type, the second
//! converts and writes every row inside one transaction. A bad row aborts the
//! whole import (nothing is written) with the file, row and column. Parquet
//! cells are read as the JSON values they stand for (`import_parquet`), so
//! the three formats share inference, mapping and validation.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value as Json};
use tailor_model::{AttrType, Attribute, Schema};

use crate::entities::{put_attribute, validate_attribute};
use crate::error::{Result, StoreError};
use crate::import_parquet::{self, BatchColumn};
use crate::log::{Expect, Tx};
use crate::types::{ColumnPlan, EntityKind, ImportFormat, ImportOptions, ImportReport, ShopperRow};
use crate::workspace::Workspace;

const SAMPLE_ROWS: usize = 5;
const SAMPLE_VALUES: usize = 6;
/// Values of a Parquet column read for samples once its type is settled.
const PARQUET_SAMPLE_SCAN: u64 = 65_536;
/// Rows per chunk handed from the reading thread to the writing one, and
/// chunks in flight between them.
const CHUNK_ROWS: usize = 1024;
const CHUNKS_IN_FLIGHT: usize = 8;

/// What the first pass learned about one column.
#[derive(Debug)]
struct ColumnStats {
    /// Position of the column in a CSV record or a Parquet schema.
    index: usize,
    column: String,
    attribute: String,
    /// The type a typed file (Parquet) declares: the type of a column
    /// without any value.
    declared: Option<AttrType>,
    can_bool: bool,
    can_number: bool,
    can_date: bool,
    can_list: bool,
    only_lists: bool,
    seen: u64,
    samples: Vec<String>,
}

impl ColumnStats {
    fn new(index: usize, column: &str) -> Self {
        Self {
            index,
            column: column.into(),
            attribute: attribute_name(column),
            declared: None,
            can_bool: true,
            can_number: true,
            can_date: true,
            can_list: false,
            only_lists: true,
            seen: 0,
            samples: Vec::new(),
        }
    }

    fn observe_text(&mut self, cell: &str) {
        let cell = cell.trim();
        if cell.is_empty() {
            return;
        }
        self.seen += 1;
        self.only_lists = false;
        self.can_bool &= parse_bool(cell).is_some();
        self.can_number &= parse_number(cell).is_some();
        self.can_date &= parse_date(cell).is_some();
        self.sample(cell);
    }

    fn observe_json(&mut self, v: &Json) {
        match v {
            Json::Null => return,
            Json::Bool(_) => {
                self.can_number = false;
                self.can_date = false;
                self.only_lists = false;
            }
            Json::Number(_) => {
                self.can_bool = false;
                self.can_date = false;
                self.only_lists = false;
            }
            Json::String(s) => {
                self.can_bool = false;
                self.can_number = false;
                self.can_date &= parse_date(s).is_some();
                self.only_lists = false;
            }
            Json::Array(_) => {
                self.can_list = true;
                self.can_bool = false;
                self.can_number = false;
                self.can_date = false;
            }
            Json::Object(_) => {
                self.can_bool = false;
                self.can_number = false;
                self.can_date = false;
                self.only_lists = false;
            }
        }
        self.seen += 1;
        self.sample(&json_text(v));
    }

    /// Whether another Parquet cell can still change what this column
    /// reports: a string column may still turn out to hold only dates; a
    /// column of any other type is settled by its first value, and then
    /// read only for samples.
    fn wants_more(&self) -> bool {
        self.seen == 0
            || (self.declared == Some(AttrType::String) && self.can_date)
            || (self.samples.len() < SAMPLE_VALUES && self.seen < PARQUET_SAMPLE_SCAN)
    }

    fn sample(&mut self, text: &str) {
        if self.samples.len() < SAMPLE_VALUES && !self.samples.iter().any(|s| s == text) {
            self.samples.push(text.to_owned());
        }
    }

    fn inferred(&self) -> AttrType {
        if self.seen == 0 {
            self.declared.unwrap_or(AttrType::String)
        } else if self.can_list && self.only_lists {
            AttrType::StringList
        } else if self.can_bool {
            AttrType::Bool
        } else if self.can_number {
            AttrType::Number
        } else if self.can_date {
            AttrType::Date
        } else {
            AttrType::String
        }
    }
}

fn json_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A column header as an attribute name: an identifier of the condition
/// syntax (other characters become `_`).
pub fn attribute_name(column: &str) -> String {
    let mut s: String = column
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "TRUE" | "true" | "True" => Some(true),
        "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn parse_number(s: &str) -> Option<Json> {
    // f64's parser also takes "inf" and "NaN"; data files mean text by those.
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Json::from(i));
    }
    let f: f64 = s.parse().ok()?;
    serde_json::Number::from_f64(f).map(Json::Number)
}

fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    if s.len() != 10 {
        return None;
    }
    s.parse().ok()
}

/// Converts one cell (text) to the JSON stored for an attribute type.
fn convert_text(cell: &str, ty: AttrType, attr: &Attribute) -> std::result::Result<Option<Json>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    let v = match ty {
        AttrType::Number => parse_number(cell).ok_or_else(|| format!("expected a number, found \"{cell}\""))?,
        AttrType::Bool => Json::Bool(
            parse_bool(cell).ok_or_else(|| format!("expected TRUE or FALSE, found \"{cell}\""))?,
        ),
        AttrType::Date => {
            parse_date(cell).ok_or_else(|| format!("expected a date YYYY-MM-DD, found \"{cell}\""))?;
            Json::String(cell.into())
        }
        AttrType::String => Json::String(cell.into()),
        AttrType::Enum => {
            if !attr.values.iter().any(|v| v == cell) {
                return Err(format!(
                    "\"{cell}\" is not one of the values of {} ({})",
                    attr.name,
                    attr.values.join(", ")
                ));
            }
            Json::String(cell.into())
        }
        AttrType::StringList => Json::Array(
            cell.split('|')
                .map(|s| Json::String(s.trim().to_owned()))
                .filter(|v| v.as_str() != Some(""))
                .collect(),
        ),
    };
    Ok(Some(v))
}

/// Converts one JSON value to the JSON stored for an attribute type.
fn convert_json(v: &Json, ty: AttrType, attr: &Attribute) -> std::result::Result<Option<Json>, String> {
    match (v, ty) {
        (Json::Null, _) => Ok(None),
        (Json::String(s), _) => convert_text(s, ty, attr),
        (Json::Bool(_), AttrType::Bool) | (Json::Number(_), AttrType::Number) => Ok(Some(v.clone())),
        (Json::Number(_) | Json::Bool(_), AttrType::String) => Ok(Some(Json::String(v.to_string()))),
        (Json::Array(items), AttrType::StringList) => items
            .iter()
            .map(|i| match i {
                Json::String(_) => Ok(i.clone()),
                Json::Number(_) | Json::Bool(_) => Ok(Json::String(i.to_string())),
                other => Err(format!("list items must be strings, found {other}")),
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(|v| Some(Json::Array(v))),
        (other, ty) => Err(format!("expected a {ty} value, found {other}")),
    }
}

/// [`convert_json`] for a value the caller no longer needs: a value already
/// in its stored form (a trimmed string, a list of strings) is moved, not
/// copied.
fn convert_owned(v: Json, ty: AttrType, attr: &Attribute) -> std::result::Result<Option<Json>, String> {
    match (v, ty) {
        (Json::String(s), AttrType::String) if !s.is_empty() && s.trim().len() == s.len() => Ok(Some(Json::String(s))),
        (Json::Array(items), AttrType::StringList) if items.iter().all(Json::is_string) => {
            Ok(Some(Json::Array(items)))
        }
        (v, ty) => convert_json(&v, ty, attr),
    }
}

fn file_label(path: &Path) -> String {
    path.display().to_string()
}

fn detect_format(path: &Path) -> Result<ImportFormat> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "jsonl" | "ndjson" | "json" => ImportFormat::Jsonl,
        "csv" | "txt" => ImportFormat::Csv,
        "parquet" | "parq" | "pq" => ImportFormat::Parquet,
        _ => {
            use std::io::Read;
            let mut head = Vec::new();
            std::fs::File::open(path)?.take(64 * 1024).read_to_end(&mut head)?;
            if head.starts_with(import_parquet::MAGIC) {
                ImportFormat::Parquet
            } else if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
                ImportFormat::Jsonl
            } else {
                ImportFormat::Csv
            }
        }
    })
}

/// One input row, already split into (column index, value) by format.
enum RowData<'a> {
    Csv(csv::StringRecord),
    Json(Map<String, Json>),
    /// Row `.1` of a Parquet record batch.
    Parquet(&'a [BatchColumn<'a>], usize),
}

struct Row<'a> {
    number: u64,
    /// Line in a text file; 0 for Parquet, which has none.
    line: u64,
    data: RowData<'a>,
}

/// Streams the rows of a file (pass 1 and pass 2 both use it).
fn for_each_row(
    path: &Path,
    format: ImportFormat,
    mut f: impl FnMut(Row<'_>) -> Result<()>,
) -> Result<()> {
    let file = file_label(path);
    match format {
        ImportFormat::Csv => {
            let mut rdr = csv::ReaderBuilder::new().from_path(path).map_err(|e| {
                StoreError::ImportFile { file: file.clone(), message: e.to_string() }
            })?;
            let mut record = csv::StringRecord::new();
            let mut number = 0;
            loop {
                match rdr.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        number += 1;
                        let line = record.position().map_or(0, |p| p.line());
                        f(Row { number, line, data: RowData::Csv(record.clone()) })?;
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        return Err(StoreError::ImportRow {
                            file,
                            row: number + 1,
                            line,
                            column: "-".into(),
                            message: match e.kind() {
                                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                                    format!("expected {expected_len} fields, found {len}")
                                }
                                _ => e.to_string(),
                            },
                        });
                    }
                }
            }
            Ok(())
        }
        ImportFormat::Jsonl => {
            use std::io::BufRead;
            let reader = std::io::BufReader::new(std::fs::File::open(path)?);
            let mut number = 0;
            for (i, line) in reader.lines().enumerate() {
                let line_no = i as u64 + 1;
                let text = line?;
                if text.trim().is_empty() {
                    continue;
                }
                number += 1;
                let obj: Map<String, Json> = serde_json::from_str(&text).map_err(|e| {
                    StoreError::ImportRow {
                        file: file.clone(),
                        row: number,
                        line: line_no,
                        column: format!("character {}", e.column()),
                        message: format!("not a JSON object: {e}"),
                    }
                })?;
                f(Row { number, line: line_no, data: RowData::Json(obj) })?;
            }
            Ok(())
        }
        ImportFormat::Parquet => {
            let columns = import_parquet::columns(path, &file)?;
            import_parquet::for_each_batch(path, &file, &columns, |first, rows, batch| {
                for r in 0..rows {
                    f(Row { number: first + r as u64 + 1, line: 0, data: RowData::Parquet(batch, r) })?;
                }
                Ok(true)
            })
            .map(|_| ())
        }
    }
}

fn csv_headers(path: &Path) -> Result<Vec<String>> {
    let file = file_label(path);
    let mut rdr = csv::Reader::from_path(path)
        .map_err(|e| StoreError::ImportFile { file: file.clone(), message: e.to_string() })?;
    Ok(rdr
        .headers()
        .map_err(|e| StoreError::ImportFile { file, message: e.to_string() })?
        .iter()
        .map(str::to_owned)
        .collect())
}

/// Progress and cancel for a long import (the app's progress bar and Cancel button).
pub struct ImportControl<'a> {
    /// Rows written so far and the rows in the file, after each chunk.
    pub progress: &'a dyn Fn(u64, u64),
    /// Raised to stop: the transaction rolls back and nothing is stored.
    pub cancel: &'a std::sync::atomic::AtomicBool,
}

/// The plan for a file: how each column maps onto an attribute.
struct Plan {
    format: ImportFormat,
    rows: u64,
    /// Per column: the stats and the attribute it lands in.
    columns: Vec<(ColumnStats, Attribute, bool)>,
    id_column: Option<String>,
    /// Position of the id column in a CSV record.
    id_index: Option<usize>,
}

impl Workspace {
    /// Imports shoppers (or, with `dry_run`, reports what would happen).
    pub fn import_shoppers(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        dry_run: bool,
    ) -> Result<ImportReport> {
        self.import_shoppers_with(path, options, dry_run, None)
    }

    /// [`Self::import_shoppers`] with progress after each chunk written and a
    /// cancel flag: a cancelled import rolls back and stores nothing.
    pub fn import_shoppers_with(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        dry_run: bool,
        control: Option<&ImportControl<'_>>,
    ) -> Result<ImportReport> {
        if !path.exists() {
            return Err(StoreError::NoSuchFile { path: path.to_path_buf() });
        }
        let schema = self.schema()?;
        let plan = infer(path, options, &schema)?;
        let file = file_label(path);
        let summary = format!(
            "Import {} shoppers from {}",
            plan.rows,
            path.file_name().map_or(file.clone(), |n| n.to_string_lossy().into_owned())
        );
        // Reading and converting the rows (a second thread) overlaps with
        // writing them (this one): the change-logged writes are most of the
        // time of a large import.
        let write = |mut tx: Option<&mut Tx<'_>>| -> Result<Vec<ShopperRow>> {
            // Shoppers already in the workspace (their before-images go in
            // the change log); the others are inserted without a lookup.
            let mut existing_ids = HashSet::new();
            if let Some(tx) = tx.as_deref_mut() {
                for (_, attr, existing) in &plan.columns {
                    if !existing {
                        put_attribute(tx, attr)?;
                    }
                }
                existing_ids = tx.keys(EntityKind::Shopper)?;
            }
            std::thread::scope(|s| {
                let (send, recv) = std::sync::mpsc::sync_channel(CHUNKS_IN_FLIGHT);
                let (plan, file) = (&plan, &file);
                let reader = s.spawn(move || read_rows(plan, path, file, &send));
                let mut written = Ok(());
                let mut done = 0u64;
                'chunks: for chunk in &recv {
                    match (chunk, tx.as_deref_mut()) {
                        (Err(e), _) => {
                            written = Err(e);
                            break;
                        }
                        (Ok(chunk), Some(tx)) => {
                            let n = chunk.len() as u64;
                            for (id, body) in chunk {
                                let expect = if existing_ids.contains(&id) { Expect::Any } else { Expect::Absent };
                                if let Err(e) = tx.put(EntityKind::Shopper, &id, expect, Some(&body)) {
                                    written = Err(e);
                                    break 'chunks;
                                }
                            }
                            done += n;
                            if let Some(c) = control {
                                (c.progress)(done, plan.rows);
                                if c.cancel.load(std::sync::atomic::Ordering::Relaxed) {
                                    written = Err(StoreError::Cancelled { what: "The import".into() });
                                    break 'chunks;
                                }
                            }
                        }
                        (Ok(_), None) => {}
                    }
                }
                // A writer that stopped early makes the reader stop at its next chunk.
                drop(recv);
                let sample = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                written.map(|()| sample)
            })
        };
        let sample = if dry_run { write(None)? } else { self.transact(&summary, |tx| write(Some(tx)))? };
        Ok(ImportReport {
            file,
            format: plan.format,
            rows: plan.rows,
            columns: plan
                .columns
                .iter()
                .map(|(stats, attr, existing)| ColumnPlan {
                    column: stats.column.clone(),
                    attribute: attr.name.0.clone(),
                    ty: attr.ty,
                    existing: *existing,
                    sample_values: stats.samples.clone(),
                })
                .collect(),
            sample,
            dry_run,
        })
    }
}

/// Pass 1 over one Parquet row: the columns still unsettled look at it.
fn observe_parquet(stats: &mut [ColumnStats], file: &str, columns: &[BatchColumn<'_>], r: usize, row: u64) -> Result<()> {
    for s in stats.iter_mut().filter(|s| s.wants_more()) {
        let v = columns[s.index].cell(r).map_err(|message| StoreError::ImportRow {
            file: file.into(),
            row,
            line: 0,
            column: s.column.clone(),
            message,
        })?;
        s.observe_json(&v);
    }
    Ok(())
}

/// Reads, converts and checks every row (pass 2), sending `(id, body)`
/// chunks to the writer; an error is sent as the last item. Returns the
/// first rows for the report.
fn read_rows(
    plan: &Plan,
    path: &Path,
    file: &str,
    out: &std::sync::mpsc::SyncSender<Result<Vec<(String, String)>>>,
) -> Vec<ShopperRow> {
    let mut sample = Vec::new();
    let mut ids = HashSet::new();
    let mut chunk = Vec::with_capacity(CHUNK_ROWS);
    let read = for_each_row(path, plan.format, |row| {
        let (id, obj) = convert_row(plan, file, &row)?;
        if !ids.insert(id.clone()) {
            return Err(StoreError::ImportRow {
                file: file.into(),
                row: row.number,
                line: row.line,
                column: plan.id_column.clone().unwrap_or_else(|| "id".into()),
                message: format!("shopper id \"{id}\" appears twice in the file"),
            });
        }
        let mut body = obj;
        if sample.len() < SAMPLE_ROWS {
            sample.push(ShopperRow { id: id.clone(), values: body.clone() });
        }
        body.insert("id".into(), Json::String(id.clone()));
        chunk.push((id, serde_json::to_string(&body)?));
        if chunk.len() == CHUNK_ROWS && out.send(Ok(std::mem::take(&mut chunk))).is_err() {
            // The writer has failed; its error is the one reported.
            return Err(StoreError::ImportFile { file: file.into(), message: "stopped".into() });
        }
        Ok(())
    });
    let _ = out.send(read.map(|()| chunk));
    sample
}

fn infer(path: &Path, options: &ImportOptions, schema: &Schema) -> Result<Plan> {
    let format = detect_format(path)?;
    let file = file_label(path);
    let mut stats: Vec<ColumnStats> = match format {
        ImportFormat::Csv => csv_headers(path)?
            .iter()
            .enumerate()
            .map(|(i, c)| ColumnStats::new(i, c))
            .collect(),
        ImportFormat::Jsonl => Vec::new(),
        ImportFormat::Parquet => import_parquet::columns(path, &file)?
            .into_iter()
            .enumerate()
            .map(|(i, c)| ColumnStats { declared: Some(c.declared), ..ColumnStats::new(i, &c.name) })
            .collect(),
    };
    let mut rows = 0;
    if format == ImportFormat::Parquet {
        // Types come with the file: read only until every column is settled
        // and sampled (a column of strings that are all dates is read to the
        // end), and take the row count from the file's metadata. Pass 2
        // still converts and checks every row.
        let columns = import_parquet::columns(path, &file)?;
        import_parquet::for_each_batch(path, &file, &columns, |first, n, batch| {
            for r in 0..n {
                observe_parquet(&mut stats, &file, batch, r, first + r as u64 + 1)?;
            }
            Ok::<_, StoreError>(stats.iter().any(ColumnStats::wants_more))
        })?;
        rows = import_parquet::row_count(path, &file)?;
    } else {
        for_each_row(path, format, |row| {
            rows += 1;
            match &row.data {
                RowData::Csv(rec) => {
                    for (s, cell) in stats.iter_mut().zip(rec.iter()) {
                        s.observe_text(cell);
                    }
                }
                RowData::Json(obj) => {
                    for (k, v) in obj {
                        let i = match stats.iter().position(|s| &s.column == k) {
                            Some(i) => i,
                            None => {
                                stats.push(ColumnStats::new(stats.len(), k));
                                stats.len() - 1
                            }
                        };
                        stats[i].observe_json(v);
                    }
                }
                RowData::Parquet(columns, r) => observe_parquet(&mut stats, &file, columns, *r, row.number)?,
            }
            Ok(())
        })?;
    }
    if format == ImportFormat::Csv && stats.is_empty() {
        return Err(StoreError::ImportFile { file, message: "no header row".into() });
    }
    if format == ImportFormat::Parquet && stats.is_empty() {
        return Err(StoreError::ImportFile { file, message: "no columns".into() });
    }
    let id_column = match &options.id_column {
        Some(c) => {
            if !stats.iter().any(|s| &s.column == c) {
                return Err(StoreError::ImportFile {
                    file,
                    message: format!("no column named \"{c}\" for the shopper id"),
                });
            }
            Some(c.clone())
        }
        None if format != ImportFormat::Csv && stats.iter().any(|s| s.column == "id") => {
            Some("id".into())
        }
        None => None,
    };
    let id_index = id_column
        .as_ref()
        .and_then(|c| stats.iter().find(|s| &s.column == c).map(|s| s.index));
    let mut seen_names: Vec<String> = Vec::new();
    let mut columns = Vec::new();
    for s in stats {
        if Some(&s.column) == id_column.as_ref() {
            continue;
        }
        if seen_names.contains(&s.attribute) {
            return Err(StoreError::ImportFile {
                file,
                message: format!(
                    "columns \"{}\" and another both map to attribute \"{}\"",
                    s.column, s.attribute
                ),
            });
        }
        seen_names.push(s.attribute.clone());
        let (attr, existing) = match schema.get(&s.attribute) {
            Some(a) => (a.clone(), true),
            None => {
                let a = Attribute {
                    source: Some(format!("imported from {}", path.file_name().map_or(file.clone(), |n| n.to_string_lossy().into_owned()))),
                    ..Attribute::new(&s.attribute, s.inferred())
                };
                validate_attribute(&a).map_err(|e| StoreError::ImportFile {
                    file: file.clone(),
                    message: format!("column \"{}\": {e}", s.column),
                })?;
                (a, false)
            }
        };
        columns.push((s, attr, existing));
    }
    Ok(Plan { format, rows, columns, id_column, id_index })
}

/// Converts one row to (shopper id, attribute values).
fn convert_row(plan: &Plan, file: &str, row: &Row) -> Result<(String, Map<String, Json>)> {
    let err = |column: &str, message: String| StoreError::ImportRow {
        file: file.into(),
        row: row.number,
        line: row.line,
        column: column.into(),
        message,
    };
    let mut obj = Map::new();
    let id = match &row.data {
        RowData::Csv(rec) => {
            for (stats, attr, _) in &plan.columns {
                let cell = rec.get(stats.index).unwrap_or("");
                if let Some(v) = convert_text(cell, attr.ty, attr).map_err(|m| err(&stats.column, m))? {
                    obj.insert(attr.name.0.clone(), v);
                }
            }
            match plan.id_index {
                Some(i) => {
                    let id = rec.get(i).unwrap_or("").trim();
                    if id.is_empty() {
                        let column = plan.id_column.as_deref().unwrap_or("id");
                        return Err(err(column, "the shopper id is empty".into()));
                    }
                    id.to_owned()
                }
                None => row.number.to_string(),
            }
        }
        RowData::Json(map) => {
            for (stats, attr, _) in &plan.columns {
                if let Some(v) = map.get(&stats.column) {
                    if let Some(v) = convert_json(v, attr.ty, attr).map_err(|m| err(&stats.column, m))? {
                        obj.insert(attr.name.0.clone(), v);
                    }
                }
            }
            match &plan.id_column {
                Some(c) => json_id(map.get(c)).ok_or_else(|| err(c, "the shopper id is missing or empty".into()))?,
                None => row.number.to_string(),
            }
        }
        RowData::Parquet(columns, r) => {
            for (stats, attr, _) in &plan.columns {
                let v = columns[stats.index].cell(*r).map_err(|m| err(&stats.column, m))?;
                if let Some(v) = convert_owned(v, attr.ty, attr).map_err(|m| err(&stats.column, m))? {
                    obj.insert(attr.name.0.clone(), v);
                }
            }
            match (&plan.id_column, plan.id_index) {
                (Some(c), Some(i)) => {
                    let v = columns[i].cell(*r).map_err(|m| err(c, m))?;
                    json_id(Some(&v)).ok_or_else(|| err(c, "the shopper id is missing or empty".into()))?
                }
                _ => row.number.to_string(),
            }
        }
    };
    Ok((id, obj))
}

/// A shopper id read from a JSON value (JSON Lines, Parquet): a non-empty
/// string or a number.
fn json_id(v: Option<&Json>) -> Option<String> {
    match v {
        Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Json::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}
