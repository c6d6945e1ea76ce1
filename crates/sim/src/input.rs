//! Streams of sample shoppers for simulation: from the in-memory table, from
//! JSON Lines or CSV files read a chunk at a time (a 1,000,000-row file is
//! never held in memory), or from any iterator (the generator, personas).
//!
//! A stream yields chunks of raw [`Record`]s; the simulator converts them to
//! typed shoppers in parallel with [`Record::typed`], so parsing does not
//! serialise a run.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;
use tailor_engine::plan::shopper_from_json_text;
use tailor_engine::{Shopper, ShopperTable, Value, ValueError, shopper_from_json, value_from_json as convert};

use crate::parquet::ParquetColumn;
use tailor_model::{AttrType, Attribute, Schema};

/// Shoppers per chunk: small enough that cancel lands quickly, large enough
/// to amortise the fan-out.
pub const CHUNK: usize = 4096;

type JsonMap = serde_json::Map<String, Json>;

/// A shopper input problem, naming the file and row (1-based data rows).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("{file}: row {row}: {message}")]
    Row { file: String, row: u64, message: String },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

/// One shopper as read, not yet typed.
#[derive(Clone, Debug)]
pub enum Record<'a> {
    /// Already typed (from a [`ShopperTable`]).
    Typed(Cow<'a, Shopper>),
    /// A JSON object with `"id"`; `row` for error messages.
    Map { source: Arc<str>, row: u64, map: JsonMap },
    /// One line of a JSON Lines file, as read (UTF-8 is checked as it is parsed).
    JsonLine { source: Arc<str>, row: u64, text: Vec<u8> },
    /// Row `index` of a Parquet record batch; `row` for error messages.
    Parquet { source: Arc<str>, row: u64, batch: Arc<ParquetBatch>, index: usize },
    /// One CSV record with the file's header.
    Csv { source: Arc<str>, row: u64, headers: Arc<csv::StringRecord>, record: csv::StringRecord, uci: bool },
}

impl<'a> Record<'a> {
    /// The typed shopper under `schema` (the plan's schema, possibly
    /// extended with breakdown attributes: see [`crate::simulate::sim_schema`]).
    pub fn typed(self, schema: &Schema) -> Result<Cow<'a, Shopper>, InputError> {
        match self {
            Record::Typed(s) => Ok(s),
            Record::Map { source, row, map } => map_to_shopper(&source, row, &map, schema).map(Cow::Owned),
            // Straight into the schema's slots: no map of every key.
            Record::JsonLine { source, row, text } => shopper_from_json_text(&text, schema)
                .map(Cow::Owned)
                .map_err(|e| InputError::Row { file: source.to_string(), row, message: e.to_string() }),
            Record::Parquet { source, row, batch, index } => {
                batch.shopper(index, row, schema).map(Cow::Owned).map_err(|message| InputError::Row {
                    file: source.to_string(),
                    row,
                    message,
                })
            }
            Record::Csv { source, row, headers, record, uci } => {
                let map = if uci {
                    crate::uci::map_row(&headers, &record, row)
                } else {
                    csv_map(&headers, &record, row)
                };
                map_to_shopper(&source, row, &map, schema).map(Cow::Owned)
            }
        }
    }
}

fn map_to_shopper(source: &str, row: u64, map: &JsonMap, schema: &Schema) -> Result<Shopper, InputError> {
    let err = |message: String| InputError::Row { file: source.to_owned(), row, message };
    let id = match map.get("id") {
        Some(Json::String(s)) if !s.is_empty() => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        _ => return Err(err("the shopper has no \"id\"".into())),
    };
    shopper_from_json(&id, map, schema).map_err(|e| err(e.to_string()))
}

/// A plain CSV row as a JSON object of strings (empty cells are null; the
/// engine's conversion accepts numeric strings, `TRUE`/`false` and
/// `a|b` lists). Without an `id` column the id is the row number, as on import.
fn csv_map(headers: &csv::StringRecord, record: &csv::StringRecord, row: u64) -> JsonMap {
    let mut map = JsonMap::with_capacity(headers.len() + 1);
    for (h, v) in headers.iter().zip(record.iter()) {
        let v = v.trim();
        map.insert(h.to_owned(), if v.is_empty() { Json::Null } else { Json::String(v.to_owned()) });
    }
    if !map.get("id").is_some_and(|v| !v.is_null()) {
        map.insert("id".into(), Json::String(row.to_string()));
    }
    map
}

/// A chunked stream of shoppers with an optional known total.
pub struct ShopperStream<'a> {
    chunks: Box<dyn Iterator<Item = Result<Vec<Record<'a>>, InputError>> + Send + 'a>,
    /// Number of shoppers, when known up front.
    pub total: Option<u64>,
    /// For files: bytes read so far and the file size (progress when the
    /// row count is unknown).
    pub bytes: Option<(Arc<std::sync::atomic::AtomicU64>, u64)>,
}

impl<'a> ShopperStream<'a> {
    /// The next chunk of at most [`CHUNK`] records.
    pub fn next_chunk(&mut self) -> Option<Result<Vec<Record<'a>>, InputError>> {
        self.chunks.next()
    }

    /// Share of the input consumed so far (files and known totals).
    pub fn fraction(&self, done: u64) -> Option<f64> {
        if let Some(total) = self.total {
            return Some(if total == 0 { 1.0 } else { done as f64 / total as f64 });
        }
        self.bytes.as_ref().map(|(read, size)| {
            if *size == 0 { 1.0 } else { read.load(std::sync::atomic::Ordering::Relaxed) as f64 / *size as f64 }
        })
    }

    /// From any iterator of records.
    pub fn from_records(records: impl Iterator<Item = Result<Record<'a>, InputError>> + Send + 'a, total: Option<u64>) -> Self {
        let mut records = records.peekable();
        let chunks = std::iter::from_fn(move || {
            records.peek()?;
            let mut chunk = Vec::with_capacity(CHUNK);
            for r in records.by_ref().take(CHUNK) {
                match r {
                    Ok(r) => chunk.push(r),
                    Err(e) => return Some(Err(e)),
                }
            }
            Some(Ok(chunk))
        });
        Self { chunks: Box::new(chunks), total, bytes: None }
    }
}

/// The sample shoppers already in memory (no copies).
pub fn from_table(table: &ShopperTable) -> ShopperStream<'_> {
    let n = table.len() as u64;
    ShopperStream::from_records(table.iter().map(|s| Ok(Record::Typed(Cow::Borrowed(s)))), Some(n))
}

/// Owned typed shoppers (tests, personas already converted).
pub fn from_shoppers<'a>(shoppers: impl Iterator<Item = Shopper> + Send + 'a, total: Option<u64>) -> ShopperStream<'a> {
    ShopperStream::from_records(shoppers.map(|s| Ok(Record::Typed(Cow::Owned(s)))), total)
}

/// JSON objects with `"id"` (the generator's output, personas' shoppers).
pub fn from_maps<'a>(maps: impl Iterator<Item = JsonMap> + Send + 'a, total: Option<u64>, source: &str) -> ShopperStream<'a> {
    let source: Arc<str> = source.into();
    ShopperStream::from_records(
        maps.enumerate().map(move |(i, map)| Ok(Record::Map { source: source.clone(), row: i as u64 + 1, map })),
        total,
    )
}

/// Counts bytes as the reader consumes them, for progress on files.
struct Counting<R> {
    inner: R,
    read: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

fn open(path: &Path) -> Result<(Counting<File>, u64, Arc<std::sync::atomic::AtomicU64>), InputError> {
    let file = File::open(path).map_err(|e| InputError::File { file: path.display().to_string(), message: e.to_string() })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let read = Arc::new(std::sync::atomic::AtomicU64::new(0));
    Ok((Counting { inner: file, read: read.clone() }, size, read))
}

/// Streams a JSON Lines file (one object with `"id"` per line; blank lines
/// are skipped). Rows are numbered from 1 by line.
pub fn shoppers_from_jsonl<'a>(path: impl AsRef<Path>) -> Result<ShopperStream<'a>, InputError> {
    let path: PathBuf = path.as_ref().to_owned();
    let (reader, size, read) = open(&path)?;
    let source: Arc<str> = path.display().to_string().into();
    let mut lines = BufReader::with_capacity(1 << 16, reader).split(b'\n').enumerate();
    let records = std::iter::from_fn(move || {
        loop {
            let (i, line) = lines.next()?;
            let row = i as u64 + 1;
            match line {
                Err(e) => return Some(Err(InputError::Row { file: source.to_string(), row, message: e.to_string() })),
                Ok(text) if text.trim_ascii().is_empty() => continue,
                Ok(text) => return Some(Ok(Record::JsonLine { source: source.clone(), row, text })),
            }
        }
    });
    let mut stream = ShopperStream::from_records(records, None);
    stream.bytes = Some((read, size));
    Ok(stream)
}

/// Streams a CSV file with a header row. Column names are attribute names
/// (an `id` column gives the shopper id, else the row number). With `uci`,
/// rows of the UCI Online Shoppers data set are mapped by [`crate::uci::map_row`].
pub fn shoppers_from_csv<'a>(path: impl AsRef<Path>, uci: bool) -> Result<ShopperStream<'a>, InputError> {
    let path: PathBuf = path.as_ref().to_owned();
    let (reader, size, read) = open(&path)?;
    let source: Arc<str> = path.display().to_string().into();
    let mut csv = csv::ReaderBuilder::new().flexible(false).from_reader(BufReader::with_capacity(1 << 16, reader));
    let headers = Arc::new(
        csv.headers()
            .map_err(|e| InputError::File { file: source.to_string(), message: format!("reading the header: {e}") })?
            .clone(),
    );
    let mut row = 0u64;
    let records = std::iter::from_fn(move || {
        let mut record = csv::StringRecord::new();
        row += 1;
        match csv.read_record(&mut record) {
            Ok(false) => None,
            Ok(true) => Some(Ok(Record::Csv { source: source.clone(), row, headers: headers.clone(), record, uci })),
            Err(e) => Some(Err(InputError::Row { file: source.to_string(), row, message: e.to_string() })),
        }
    });
    let mut stream = ShopperStream::from_records(records, None);
    stream.bytes = Some((read, size));
    Ok(stream)
}

/// A record batch read from a Parquet file, with its columns' readers.
pub struct ParquetBatch {
    batch: arrow_array::RecordBatch,
    columns: Arc<Vec<ParquetColumn>>,
    /// Position of the `id` column, if any.
    id: Option<usize>,
    /// Each column's slot in the schema the batch was first typed with
    /// (identified by address: a run types every row with one schema), so
    /// rows do not look their columns up by name.
    slots: std::sync::OnceLock<(usize, Vec<Option<usize>>)>,
}

impl std::fmt::Debug for ParquetBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetBatch").field("rows", &self.batch.num_rows()).finish()
    }
}

impl ParquetBatch {
    /// Row `index` as a shopper: each column the schema knows is converted
    /// from the cell the importer would read (as for JSON Lines); the `id`
    /// column gives the id, else the row number (as for CSV).
    fn shopper(&self, index: usize, row: u64, schema: &Schema) -> Result<Shopper, String> {
        let arrays = self.batch.columns();
        let lookup = || self.columns.iter().map(|c| schema.slot(&c.name)).collect::<Vec<_>>();
        let address = schema as *const Schema as usize;
        let (first, cached) = self.slots.get_or_init(|| (address, lookup()));
        let slots = if *first == address { Cow::Borrowed(cached) } else { Cow::Owned(lookup()) };
        let mut values = vec![Value::Null; schema.len()];
        for ((c, array), slot) in self.columns.iter().zip(arrays).zip(slots.iter()) {
            let Some(slot) = *slot else { continue };
            let attr = &schema.attributes()[slot];
            values[slot] = match crate::parquet::typed_cell(array.as_ref(), index, attr.ty) {
                Some(value) => value,
                None => convert(attr.ty, &c.cell(array, index)?)
                    .map_err(|message| ValueError { attribute: attr.name.clone(), message }.to_string())?,
            };
        }
        let id = match self.id.map(|i| self.columns[i].cell(&arrays[i], index)).transpose()? {
            Some(Json::String(s)) if !s.is_empty() => s,
            Some(Json::Number(n)) => n.to_string(),
            Some(Json::Null) | None => row.to_string(),
            Some(other) => return Err(format!("the shopper id must be text or a number, found {other}")),
        };
        Ok(Shopper { id, values })
    }
}

/// Streams a Parquet file (columns are attributes; an `id` column gives the
/// shopper id, else the row number), a record batch at a time; the row
/// count comes from the file's metadata.
pub fn shoppers_from_parquet<'a>(path: impl AsRef<Path>) -> Result<ShopperStream<'a>, InputError> {
    let path: PathBuf = path.as_ref().to_owned();
    let file = path.display().to_string();
    let columns = Arc::new(crate::parquet::columns(&path, &file)?);
    let total = crate::parquet::row_count(&path, &file)?;
    let id = columns.iter().position(|c| c.name == "id");
    let source: Arc<str> = file.as_str().into();
    let mut batches = crate::parquet::batches(&path, &file)?;
    let mut current: Option<(Arc<ParquetBatch>, usize)> = None;
    let mut row = 0u64;
    let records = std::iter::from_fn(move || {
        loop {
            if let Some((batch, next)) = &mut current
                && *next < batch.batch.num_rows()
            {
                let index = *next;
                *next += 1;
                row += 1;
                return Some(Ok(Record::Parquet { source: source.clone(), row, batch: batch.clone(), index }));
            }
            match batches.next()? {
                Err(e) => return Some(Err(e)),
                Ok(batch) => {
                    let slots = std::sync::OnceLock::new();
                    current = Some((Arc::new(ParquetBatch { batch, columns: columns.clone(), id, slots }), 0))
                }
            }
        }
    });
    Ok(ShopperStream::from_records(records, Some(total)))
}

/// The schema shoppers are read with: the plan's, plus string attributes for
/// breakdown fields a file may carry but the workspace does not declare
/// (`traffic_source`, `customer_type`, `device`). The engine only reads the
/// plan's slots, which come first, so decisions are unchanged.
pub fn with_breakdown_fields(schema: &Schema) -> Schema {
    let mut attrs = schema.attributes().to_vec();
    for name in crate::simulate::BREAKDOWN_FIELDS {
        if schema.get(name).is_none() {
            attrs.push(Attribute::new(name, AttrType::String));
        }
    }
    Schema::new(attrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema::new(vec![Attribute::new("n", AttrType::Number), Attribute::new("ok", AttrType::Bool)])
    }

    #[test]
    fn jsonl_streams_in_chunks_and_names_the_bad_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let mut text = String::new();
        for i in 0..(CHUNK + 5) {
            text.push_str(&format!("{{\"id\":\"s{i}\",\"n\":{i}}}\n"));
        }
        text.push('\n');
        text.push_str("{\"id\":\"bad\",\"n\":\"x\"}\n");
        std::fs::write(&path, text).unwrap();
        let mut stream = shoppers_from_jsonl(&path).unwrap();
        let first = stream.next_chunk().unwrap().unwrap();
        assert_eq!(first.len(), CHUNK);
        let second = stream.next_chunk().unwrap().unwrap();
        assert_eq!(second.len(), 6);
        let errs: Vec<_> = second.into_iter().filter_map(|r| r.typed(&schema()).err()).collect();
        assert_eq!(errs.len(), 1);
        let msg = errs[0].to_string();
        // After CHUNK + 5 rows and a blank line.
        assert!(msg.contains(&format!("row {}:", CHUNK + 7)) && msg.contains("attribute `n`"), "{msg}");
        assert!(stream.next_chunk().is_none());
        assert_eq!(stream.fraction(0), Some(1.0));
    }

    #[test]
    fn csv_rows_without_an_id_column_are_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.csv");
        std::fs::write(&path, "n,ok\n1,TRUE\n,false\n").unwrap();
        let mut stream = shoppers_from_csv(&path, false).unwrap();
        let chunk = stream.next_chunk().unwrap().unwrap();
        let shoppers: Vec<_> = chunk.into_iter().map(|r| r.typed(&schema()).unwrap().into_owned()).collect();
        assert_eq!(shoppers[0].id, "1");
        assert_eq!(shoppers[1].id, "2");
        assert_eq!(shoppers[1].values[0], tailor_engine::Value::Null);
        assert_eq!(shoppers[1].values[1], tailor_engine::Value::Bool(false));
    }

    /// Writes `columns` as one Parquet file with row groups of 1,000 rows.
    fn write_parquet(path: &Path, columns: Vec<(&str, arrow_array::ArrayRef)>) {
        let batch = arrow_array::RecordBatch::try_from_iter(columns).unwrap();
        let props = parquet::file::properties::WriterProperties::builder().set_max_row_group_row_count(Some(1_000)).build();
        let mut w =
            parquet::arrow::ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    #[test]
    fn parquet_shoppers_are_the_json_lines_shoppers_and_a_bad_cell_names_its_row() {
        use arrow_array::builder::{ListBuilder, StringBuilder};
        use arrow_array::{ArrayRef, BooleanArray, Float64Array, StringArray};
        let schema = Schema::new(vec![
            Attribute::new("n", AttrType::Number),
            Attribute::new("ok", AttrType::Bool),
            Attribute::new("tags", AttrType::StringList),
            Attribute::new("tier", AttrType::String),
        ]);
        let rows = CHUNK + 700;
        let dir = tempfile::tempdir().unwrap();
        let mut jsonl = String::new();
        let mut tags = ListBuilder::new(StringBuilder::new());
        for i in 0..rows {
            let (n, ok, tier) = (i as f64 / 4.0, i % 3 == 0, ["gold", "silver"][i % 2]);
            let list: Vec<String> = (0..i % 3).map(|k| format!("t{k}")).collect();
            let n_json = if i % 7 == 0 { "null".to_owned() } else { n.to_string() };
            jsonl.push_str(&format!(
                "{{\"id\":\"s{i}\",\"n\":{n_json},\"ok\":{ok},\"tags\":{},\"tier\":\"{tier}\"}}\n",
                serde_json::to_string(&list).unwrap()
            ));
            for t in &list {
                tags.values().append_value(t);
            }
            tags.append(true);
        }
        let ids: ArrayRef = Arc::new(StringArray::from_iter_values((0..rows).map(|i| format!("s{i}"))));
        let ns: ArrayRef =
            Arc::new(Float64Array::from_iter((0..rows).map(|i| (i % 7 != 0).then_some(i as f64 / 4.0))));
        let oks: ArrayRef = Arc::new(BooleanArray::from_iter((0..rows).map(|i| Some(i % 3 == 0))));
        let tiers: ArrayRef = Arc::new(StringArray::from_iter_values((0..rows).map(|i| ["gold", "silver"][i % 2])));
        let pq = dir.path().join("s.parquet");
        write_parquet(&pq, vec![("id", ids), ("n", ns), ("ok", oks), ("tags", Arc::new(tags.finish())), ("tier", tiers)]);
        let jl = dir.path().join("s.jsonl");
        std::fs::write(&jl, jsonl).unwrap();

        let all = |mut stream: ShopperStream<'_>| -> Vec<Shopper> {
            let mut out = Vec::new();
            while let Some(chunk) = stream.next_chunk() {
                out.extend(chunk.unwrap().into_iter().map(|r| r.typed(&schema).unwrap().into_owned()));
            }
            out
        };
        let from_parquet = shoppers_from_parquet(&pq).unwrap();
        assert_eq!(from_parquet.total, Some(rows as u64), "the row count comes from the file's metadata");
        let (a, b) = (all(from_parquet), all(shoppers_from_jsonl(&jl).unwrap()));
        assert_eq!(a.len(), rows);
        assert_eq!(a, b);

        // No id column: ids are row numbers. A string where a number belongs
        // is an error naming the row and the attribute.
        let bad = dir.path().join("bad.parquet");
        let ns: ArrayRef = Arc::new(StringArray::from(vec!["1", "2", "lots"]));
        write_parquet(&bad, vec![("n", ns)]);
        let records = shoppers_from_parquet(&bad).unwrap().next_chunk().unwrap().unwrap();
        let typed: Vec<_> = records.into_iter().map(|r| r.typed(&schema)).collect();
        assert_eq!(typed[1].as_ref().unwrap().id, "2");
        assert_eq!(typed[1].as_ref().unwrap().values[0], Value::Number(2.0));
        let msg = typed[2].as_ref().unwrap_err().to_string();
        assert!(msg.contains("bad.parquet: row 3: attribute `n`: expected a number"), "{msg}");

        let not_parquet = dir.path().join("x.parquet");
        std::fs::write(&not_parquet, "id,n\n").unwrap();
        let e = shoppers_from_parquet(&not_parquet).err().unwrap().to_string();
        assert!(e.contains("not a readable Parquet file"), "{e}");
    }
}
