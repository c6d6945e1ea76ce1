//! `tailor generate shoppers -o FILE.parquet`: generated shoppers as a
//! Parquet file, typed the way a warehouse export would be (categories as
//! dictionary-encoded strings, numbers as doubles, dates as `date32`, string
//! lists as `list<string>`), so the Parquet import and the simulator can be
//! tried and measured on millions of realistic rows.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use arrow_array::builder::{BooleanBuilder, Date32Builder, Float64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value as Json;
use tailor_sim::generator::{Dist, GeneratorSpec};

/// Rows per record batch handed to the writer.
const BATCH_ROWS: u64 = 65_536;

/// The Parquet column of one generated attribute.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Text,
    Bool,
    Number,
    Date,
    List,
}

fn kind(dist: &Dist) -> Kind {
    match dist {
        Dist::Categorical(_) => Kind::Text,
        Dist::Bool { .. } => Kind::Bool,
        Dist::Normal { .. } | Dist::Lognormal { .. } | Dist::Uniform { .. } => Kind::Number,
        Dist::Date { .. } => Kind::Date,
        Dist::StringList { .. } => Kind::List,
        Dist::Constant(v) => match v {
            Json::Bool(_) => Kind::Bool,
            Json::Number(_) => Kind::Number,
            Json::Array(_) => Kind::List,
            _ => Kind::Text,
        },
    }
}

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Text => DataType::Utf8,
        Kind::Bool => DataType::Boolean,
        Kind::Number => DataType::Float64,
        Kind::Date => DataType::Date32,
        Kind::List => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
    }
}

enum Column {
    Text(StringBuilder),
    Bool(BooleanBuilder),
    Number(Float64Builder),
    Date(Date32Builder),
    List(ListBuilder<StringBuilder>),
}

impl Column {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Text => Column::Text(StringBuilder::new()),
            Kind::Bool => Column::Bool(BooleanBuilder::new()),
            Kind::Number => Column::Number(Float64Builder::new()),
            Kind::Date => Column::Date(Date32Builder::new()),
            Kind::List => Column::List(ListBuilder::new(StringBuilder::new())),
        }
    }

    /// Appends a generated value (`None`: the attribute was left out).
    fn append(&mut self, v: Option<&Json>) -> std::result::Result<(), String> {
        let v = v.filter(|v| !v.is_null());
        match (self, v) {
            (Column::Text(b), v) => b.append_option(v.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))),
            (Column::Bool(b), None) => b.append_null(),
            (Column::Bool(b), Some(Json::Bool(x))) => b.append_value(*x),
            (Column::Number(b), None) => b.append_null(),
            (Column::Number(b), Some(Json::Number(n))) => b.append_option(n.as_f64()),
            (Column::Date(b), None) => b.append_null(),
            (Column::Date(b), Some(Json::String(s))) => {
                let d: jiff::civil::Date = s.parse().map_err(|_| format!("\"{s}\" is not a date"))?;
                b.append_value((d - jiff::civil::date(1970, 1, 1)).get_days());
            }
            (Column::List(b), None) => b.append_null(),
            (Column::List(b), Some(Json::Array(items))) => {
                for item in items {
                    b.values().append_value(item.as_str().map_or_else(|| item.to_string(), str::to_owned));
                }
                b.append(true);
            }
            (_, Some(v)) => return Err(format!("{v} does not fit the column's type")),
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Text(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
            Column::Number(b) => Arc::new(b.finish()),
            Column::Date(b) => Arc::new(b.finish()),
            Column::List(b) => Arc::new(b.finish()),
        }
    }
}

/// Writes `count` shoppers of `spec` (the same ones `generate` gives for
/// `seed`) to `path` as Parquet, Snappy-compressed like most exports.
pub fn write_shoppers(spec: &GeneratorSpec, count: u64, seed: u64, path: &Path) -> Result<()> {
    let kinds: Vec<Kind> = spec.attributes.iter().map(|a| kind(&a.dist)).collect();
    let mut fields = vec![Field::new("id", DataType::Utf8, false)];
    fields.extend(spec.attributes.iter().zip(&kinds).map(|(a, k)| Field::new(&a.name, data_type(*k), true)));
    let schema = Arc::new(Schema::new(fields));
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
    let mut start = 0;
    while start < count {
        let end = (start + BATCH_ROWS).min(count);
        let mut ids = StringBuilder::new();
        let mut columns: Vec<Column> = kinds.iter().map(|k| Column::new(*k)).collect();
        for i in start..end {
            let shopper = tailor_sim::generator::shopper(spec, seed, i);
            ids.append_value(shopper.get("id").and_then(Json::as_str).unwrap_or_default());
            for (a, col) in spec.attributes.iter().zip(&mut columns) {
                if let Err(e) = col.append(shopper.get(&a.name)) {
                    bail!("generator attribute `{}`: {e} (Parquet columns have one type)", a.name);
                }
            }
        }
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(ids.finish())];
        arrays.extend(columns.iter_mut().map(Column::finish));
        writer.write(&RecordBatch::try_new(schema.clone(), arrays)?)?;
        start = end;
    }
    writer.close()?;
    Ok(())
}
