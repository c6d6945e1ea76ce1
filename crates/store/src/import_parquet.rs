//! Reading sample shoppers from Parquet for [`crate::import`].
//!
//! Parquet carries its own schema, so a column's Arrow type says what it
//! holds: strings (plain, large, view or dictionary-encoded) are strings,
//! integers, floats and decimals are numbers, booleans are bools, dates and
//! timestamps are dates (`YYYY-MM-DD`, as the CSV and JSON Lines importers
//! store them; a timestamp's date is taken in its own time zone, UTC when it
//! has none), and lists of scalars are string lists. Each cell becomes the
//! JSON value the JSON Lines importer would have read, so type inference,
//! mapping onto existing attributes and validation are the importer's own.
//!
//! The file is streamed in record batches of [`BATCH_ROWS`] rows; nothing
//! holds more than one batch.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use serde_json::Value as Json;
use tailor_model::AttrType;

use crate::error::{Result, StoreError};

/// Rows per record batch read from the file.
pub(crate) const BATCH_ROWS: usize = 8192;

/// The four bytes every Parquet file starts (and ends) with.
pub(crate) const MAGIC: &[u8; 4] = b"PAR1";

/// One top-level column of the file.
pub(crate) struct ParquetColumn {
    pub name: String,
    /// The attribute type the column's Arrow type stands for (used for a
    /// column with no value at all; values decide otherwise, as in JSON).
    pub declared: AttrType,
    /// Time zone of a timestamp column (UTC when it names none).
    tz: jiff::tz::TimeZone,
}

/// One column of a record batch, ready to be read cell by cell.
pub(crate) struct BatchColumn<'a> {
    array: &'a ArrayRef,
    tz: &'a jiff::tz::TimeZone,
}

impl BatchColumn<'_> {
    /// The cell at `row` of the batch as the JSON Lines importer would read
    /// it (`Null` for a null), or a message naming what is wrong with it.
    pub fn cell(&self, row: usize) -> std::result::Result<Json, String> {
        cell(self.array.as_ref(), row, self.tz)
    }
}

fn open_error(file: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::ImportFile { file: file.into(), message: format!("not a readable Parquet file: {e}") }
}

/// The type a column is read as: dictionary-encoded and view strings are
/// read as plain strings (the reader decodes them; no per-batch dictionary
/// handling below).
fn read_type(dt: &DataType) -> DataType {
    match dt {
        DataType::Dictionary(_, v) => read_type(v),
        DataType::Utf8View => DataType::Utf8,
        DataType::BinaryView => DataType::Binary,
        DataType::List(f) => DataType::List(Arc::new(read_field(f))),
        DataType::LargeList(f) => DataType::LargeList(Arc::new(read_field(f))),
        other => other.clone(),
    }
}

fn read_field(f: &Field) -> Field {
    f.clone().with_data_type(read_type(f.data_type()))
}

/// The attribute type of an Arrow type, or `None` when Tailor cannot import it.
fn declared(dt: &DataType) -> Option<AttrType> {
    use DataType as D;
    Some(match dt {
        D::Null | D::Utf8 | D::LargeUtf8 | D::Binary | D::LargeBinary => AttrType::String,
        D::Boolean => AttrType::Bool,
        D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64 => AttrType::Number,
        D::Float32 | D::Float64 | D::Decimal128(..) => AttrType::Number,
        D::Date32 | D::Date64 | D::Timestamp(..) => AttrType::Date,
        D::List(f) | D::LargeList(f) | D::FixedSizeList(f, _) => {
            declared(f.data_type())?;
            if matches!(f.data_type(), D::List(_) | D::LargeList(_) | D::FixedSizeList(..)) {
                return None;
            }
            AttrType::StringList
        }
        _ => return None,
    })
}

fn time_zone(file: &str, column: &str, dt: &DataType) -> Result<jiff::tz::TimeZone> {
    let DataType::Timestamp(_, Some(name)) = dt else { return Ok(jiff::tz::TimeZone::UTC) };
    if let Ok(tz) = jiff::tz::TimeZone::get(name) {
        return Ok(tz);
    }
    // Arrow also allows a fixed offset: "+01:00", "-0530".
    let fixed = (|| {
        let (sign, rest) = match name.as_bytes().first()? {
            b'+' => (1, &name[1..]),
            b'-' => (-1, &name[1..]),
            _ => return None,
        };
        let digits: String = rest.chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let seconds = sign * (digits[..2].parse::<i32>().ok()? * 3600 + digits[2..].parse::<i32>().ok()? * 60);
        jiff::tz::Offset::from_seconds(seconds).ok()
    })();
    fixed.map(jiff::tz::TimeZone::fixed).ok_or_else(|| StoreError::ImportFile {
        file: file.into(),
        message: format!("column \"{column}\": unknown time zone \"{name}\""),
    })
}

/// The file's columns, each with the attribute type it stands for. A column
/// of a type Tailor cannot import (structs, maps, nested lists, …) is an
/// error naming it.
pub(crate) fn columns(path: &Path, file: &str) -> Result<Vec<ParquetColumn>> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?).map_err(|e| open_error(file, e))?;
    builder
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let dt = read_type(f.data_type());
            let declared = declared(&dt).ok_or_else(|| StoreError::ImportFile {
                file: file.into(),
                message: format!(
                    "column \"{}\" has the Parquet type {}, which Tailor cannot import \
                     (strings, numbers, booleans, dates, timestamps and lists of these can be)",
                    f.name(),
                    f.data_type()
                ),
            })?;
            Ok(ParquetColumn { name: f.name().clone(), declared, tz: time_zone(file, f.name(), &dt)? })
        })
        .collect()
}

/// The number of rows the file's metadata gives.
pub(crate) fn row_count(path: &Path, file: &str) -> Result<u64> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?).map_err(|e| open_error(file, e))?;
    Ok(u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0))
}

/// Streams the file batch by batch: `f(first_row, rows, columns)`, where
/// `first_row` counts rows of the file from 0 and `columns` are in the order
/// [`columns`] gave, until `f` answers `false` (no more wanted).
pub(crate) fn for_each_batch(
    path: &Path,
    file: &str,
    columns: &[ParquetColumn],
    mut f: impl FnMut(u64, usize, &[BatchColumn<'_>]) -> Result<bool>,
) -> Result<bool> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?).map_err(|e| open_error(file, e))?;
    let schema = builder.schema();
    let wanted = Schema::new_with_metadata(
        schema.fields().iter().map(|f| Arc::new(read_field(f))).collect::<Vec<_>>(),
        schema.metadata().clone(),
    );
    let builder = if wanted == **schema {
        builder
    } else {
        let options = ArrowReaderOptions::new().with_schema(Arc::new(wanted));
        ParquetRecordBatchReaderBuilder::try_new_with_options(File::open(path)?, options)
            .map_err(|e| open_error(file, e))?
    };
    let reader = builder.with_batch_size(BATCH_ROWS).build().map_err(|e| open_error(file, e))?;
    let mut first = 0u64;
    for batch in reader {
        let batch: RecordBatch = batch.map_err(|e| StoreError::ImportFile {
            file: file.into(),
            message: format!("reading the rows after row {first}: {e}"),
        })?;
        let cols: Vec<BatchColumn<'_>> =
            batch.columns().iter().zip(columns).map(|(array, c)| BatchColumn { array, tz: &c.tz }).collect();
        if !f(first, batch.num_rows(), &cols)? {
            return Ok(false);
        }
        first += batch.num_rows() as u64;
    }
    Ok(true)
}

fn date_json(date: Option<jiff::civil::Date>) -> std::result::Result<Json, String> {
    date.map(|d| Json::String(d.to_string())).ok_or_else(|| "the date is out of range".to_owned())
}

fn days_date(days: i64) -> Option<jiff::civil::Date> {
    let ts = jiff::Timestamp::from_second(days.checked_mul(86_400)?).ok()?;
    Some(jiff::tz::TimeZone::UTC.to_datetime(ts).date())
}

fn timestamp_date(value: i64, unit: TimeUnit, tz: &jiff::tz::TimeZone) -> Option<jiff::civil::Date> {
    let ts = match unit {
        TimeUnit::Second => jiff::Timestamp::from_second(value),
        TimeUnit::Millisecond => jiff::Timestamp::from_millisecond(value),
        TimeUnit::Microsecond => jiff::Timestamp::from_microsecond(value),
        TimeUnit::Nanosecond => jiff::Timestamp::from_nanosecond(value.into()),
    }
    .ok()?;
    Some(tz.to_datetime(ts).date())
}

fn float_json(f: f64) -> std::result::Result<Json, String> {
    serde_json::Number::from_f64(f).map(Json::Number).ok_or_else(|| format!("expected a number, found {f}"))
}

fn cell(a: &dyn Array, i: usize, tz: &jiff::tz::TimeZone) -> std::result::Result<Json, String> {
    use DataType as D;
    if a.is_null(i) {
        return Ok(Json::Null);
    }
    Ok(match a.data_type() {
        D::Null => Json::Null,
        D::Boolean => Json::Bool(a.as_boolean().value(i)),
        D::Int8 => a.as_primitive::<Int8Type>().value(i).into(),
        D::Int16 => a.as_primitive::<Int16Type>().value(i).into(),
        D::Int32 => a.as_primitive::<Int32Type>().value(i).into(),
        D::Int64 => a.as_primitive::<Int64Type>().value(i).into(),
        D::UInt8 => a.as_primitive::<UInt8Type>().value(i).into(),
        D::UInt16 => a.as_primitive::<UInt16Type>().value(i).into(),
        D::UInt32 => a.as_primitive::<UInt32Type>().value(i).into(),
        D::UInt64 => a.as_primitive::<UInt64Type>().value(i).into(),
        D::Float32 => float_json(f64::from(a.as_primitive::<Float32Type>().value(i)))?,
        D::Float64 => float_json(a.as_primitive::<Float64Type>().value(i))?,
        D::Decimal128(_, scale) => {
            let v = a.as_primitive::<Decimal128Type>().value(i);
            if *scale <= 0 {
                match i64::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(10i64.checked_pow(u32::from(scale.unsigned_abs()))?))
                {
                    Some(v) => v.into(),
                    None => float_json(v as f64 * 10f64.powi(-i32::from(*scale)))?,
                }
            } else {
                float_json(v as f64 / 10f64.powi(i32::from(*scale)))?
            }
        }
        D::Utf8 => Json::String(a.as_string::<i32>().value(i).to_owned()),
        D::LargeUtf8 => Json::String(a.as_string::<i64>().value(i).to_owned()),
        D::Utf8View => Json::String(a.as_string_view().value(i).to_owned()),
        D::Binary | D::LargeBinary => {
            let bytes = if let Some(b) = a.as_binary_opt::<i32>() { b.value(i) } else { a.as_binary::<i64>().value(i) };
            Json::String(
                std::str::from_utf8(bytes)
                    .map_err(|_| "expected text, found bytes that are not UTF-8".to_owned())?
                    .into(),
            )
        }
        D::Date32 => date_json(days_date(a.as_primitive::<Date32Type>().value(i).into()))?,
        D::Date64 => date_json(days_date(a.as_primitive::<Date64Type>().value(i).div_euclid(86_400_000)))?,
        D::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(i),
                TimeUnit::Millisecond => a.as_primitive::<TimestampMillisecondType>().value(i),
                TimeUnit::Microsecond => a.as_primitive::<TimestampMicrosecondType>().value(i),
                TimeUnit::Nanosecond => a.as_primitive::<TimestampNanosecondType>().value(i),
            };
            date_json(timestamp_date(v, *unit, tz))?
        }
        D::List(_) => items(a.as_list::<i32>().value(i).as_ref(), tz)?,
        D::LargeList(_) => items(a.as_list::<i64>().value(i).as_ref(), tz)?,
        D::FixedSizeList(..) => items(a.as_fixed_size_list().value(i).as_ref(), tz)?,
        other => return Err(format!("the Parquet type {other} cannot be imported")),
    })
}

/// A list's items (nulls in a list are left out, as empty items are in a
/// CSV cell).
fn items(a: &dyn Array, tz: &jiff::tz::TimeZone) -> std::result::Result<Json, String> {
    let mut out = Vec::with_capacity(a.len());
    for i in 0..a.len() {
        match cell(a, i, tz)? {
            Json::Null => {}
            v => out.push(v),
        }
    }
    Ok(Json::Array(out))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::types::Int32Type;
    use arrow_array::{
        ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array, RecordBatch, StringArray,
        StructArray, TimestampMicrosecondArray,
    };
    use arrow_schema::{DataType, Field};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    use tailor_model::{AttrType, Attribute};

    use crate::types::{EntityKind, ImportFormat, ImportOptions};
    use crate::{Expect, Workspace};

    /// Writes `batches` (one schema) as a Parquet file, several row groups
    /// when there are many rows.
    fn write_parquet(dir: &Path, name: &str, batches: &[RecordBatch]) -> PathBuf {
        let path = dir.join(name);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(5_000))
            .build();
        let mut w =
            ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batches[0].schema(), Some(props)).unwrap();
        for b in batches {
            w.write(b).unwrap();
        }
        w.close().unwrap();
        path
    }

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn tags(rows: &[Option<&[Option<&str>]>]) -> ArrayRef {
        let mut b = ListBuilder::new(StringBuilder::new());
        for row in rows {
            match row {
                Some(items) => {
                    for item in *items {
                        b.values().append_option(*item);
                    }
                    b.append(true);
                }
                None => b.append(false),
            }
        }
        Arc::new(b.finish())
    }

    fn day(date: &str) -> i32 {
        let d: jiff::civil::Date = date.parse().unwrap();
        (d - jiff::civil::date(1970, 1, 1)).get_days()
    }

    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(dir.path().join("ws.tailor")).unwrap();
        (dir, ws)
    }

    #[test]
    fn parquet_columns_become_attributes_of_the_matching_types() {
        let (d, mut ws) = workspace();
        // 22:30 UTC on 2026-03-01 is already 2026-03-02 in Tokyo.
        let late = jiff::Timestamp::from_second(1_772_404_200).unwrap();
        assert_eq!(late.to_string(), "2026-03-01T22:30:00Z");
        let visitor: DictionaryArray<Int32Type> = vec![Some("returning"), Some("new"), None].into_iter().collect();
        let b = batch(vec![
            ("id", Arc::new(StringArray::from(vec!["s-1", "s-2", "s-3"])) as ArrayRef),
            ("visitor", Arc::new(visitor)),
            ("spend", Arc::new(Float64Array::from(vec![Some(120.5), None, Some(35.0)]))),
            ("orders", Arc::new(Int64Array::from(vec![Some(3), Some(0), None]))),
            ("member", Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]))),
            ("first_seen", Arc::new(Date32Array::from(vec![Some(day("2026-01-03")), None, Some(day("2025-12-24"))]))),
            (
                "last_visit",
                Arc::new(
                    TimestampMicrosecondArray::from(vec![Some(late.as_microsecond()), None, None])
                        .with_timezone("Asia/Tokyo"),
                ),
            ),
            ("signup", Arc::new(StringArray::from(vec![Some("2024-05-01"), None, Some("2023-11-30")]))),
            ("tags", tags(&[Some(&[Some("running"), None, Some("trail")]), Some(&[]), None])),
            ("never", Arc::new(Int64Array::from(vec![None, None, None]))),
        ]);
        let f = write_parquet(d.path(), "s.parquet", &[b]);
        let r = ws.import_shoppers(&f, &ImportOptions::default(), false).unwrap();
        assert_eq!((r.rows, r.format), (3, ImportFormat::Parquet));
        let types: Vec<_> = r.columns.iter().map(|c| (c.attribute.as_str(), c.ty)).collect();
        assert_eq!(
            types,
            [
                ("visitor", AttrType::String),
                ("spend", AttrType::Number),
                ("orders", AttrType::Number),
                ("member", AttrType::Bool),
                ("first_seen", AttrType::Date),
                ("last_visit", AttrType::Date),
                ("signup", AttrType::Date),
                ("tags", AttrType::StringList),
                ("never", AttrType::Number),
            ],
            "the id column is the shopper id, not an attribute"
        );
        let s1 = ws.shopper("s-1").unwrap();
        assert_eq!(s1.values["visitor"], "returning");
        assert_eq!(s1.values["spend"], 120.5);
        assert_eq!(s1.values["orders"], 3);
        assert_eq!(s1.values["member"], true);
        assert_eq!(s1.values["first_seen"], "2026-01-03");
        assert_eq!(s1.values["last_visit"], "2026-03-02", "a timestamp's date in its own time zone");
        assert_eq!(s1.values["tags"], serde_json::json!(["running", "trail"]), "null items are left out");
        // Nulls are missing values, as empty CSV cells are.
        let s3 = ws.shopper("s-3").unwrap();
        for missing in ["visitor", "orders", "member", "last_visit", "tags", "never"] {
            assert!(!s3.values.contains_key(missing), "{missing}: {:?}", s3.values);
        }
        assert_eq!(ws.shopper("s-2").unwrap().values["tags"], serde_json::json!([]));
        let cond =
            ws.parse_condition("\"trail\" in tags and first_seen after \"2026-01-01\" and member = true").unwrap();
        assert_eq!(ws.reach(&cond, 5).unwrap().matched, 1);
    }

    #[test]
    fn a_bad_parquet_value_names_its_row_and_column_and_stores_nothing() {
        let (d, mut ws) = workspace();
        ws.save_attribute(&Attribute::new("spend", AttrType::Number), None).unwrap();
        let before = ws.info().unwrap();
        // 12,000 rows in three batches: the bad one is in the second
        // record batch the importer reads and the third row group.
        let bad_row = 10_123; // 1-based
        let batches: Vec<RecordBatch> = (0..3)
            .map(|b| {
                let rows = b * 4_000..(b + 1) * 4_000;
                let ids: Vec<String> = rows.clone().map(|i| format!("s{i}")).collect();
                let spend: Vec<String> = rows
                    .clone()
                    .map(|i| if i + 1 == bad_row { "lots".into() } else { format!("{}.5", i % 97) })
                    .collect();
                let tier: Vec<&str> = rows.map(|i| ["gold", "silver"][i % 2]).collect();
                batch(vec![
                    ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
                    ("spend", Arc::new(StringArray::from(spend))),
                    ("tier", Arc::new(StringArray::from(tier))),
                ])
            })
            .collect();
        let f = write_parquet(d.path(), "bad.parquet", &batches);
        let err = ws.import_shoppers(&f, &ImportOptions::default(), false).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("bad.parquet: row 10123, column spend: expected a number, found \"lots\""), "{msg}");
        let after = ws.info().unwrap();
        assert_eq!((after.shopper_count, after.attribute_count), (0, 1), "no shopper, no `tier` attribute");
        assert_eq!(after.undo, before.undo, "no edit was logged");
    }

    #[test]
    fn parquet_is_recognised_by_its_magic_and_ids_are_checked() {
        let (d, mut ws) = workspace();
        let customers = |ids: Vec<i64>| {
            let spend = Float64Array::from(vec![1.0; ids.len()]);
            batch(vec![("customer", Arc::new(Int64Array::from(ids)) as ArrayRef), ("spend", Arc::new(spend))])
        };
        let opts = ImportOptions { id_column: Some("customer".into()) };
        let f = write_parquet(d.path(), "export.bin", &[customers(vec![7, 8, 9])]);
        let r = ws.import_shoppers(&f, &opts, true).unwrap();
        assert_eq!((r.format, r.rows, r.sample[0].id.as_str()), (ImportFormat::Parquet, 3, "7"));
        let f = write_parquet(d.path(), "export.bin", &[customers(vec![7, 8, 7])]);
        let msg = ws.import_shoppers(&f, &opts, false).unwrap_err().to_string();
        assert!(msg.contains("export.bin: row 3, column customer") && msg.contains("appears twice"), "{msg}");
        assert_eq!(ws.info().unwrap().shopper_count, 0);
    }

    #[test]
    fn a_column_of_a_type_tailor_cannot_hold_is_named() {
        let (d, mut ws) = workspace();
        let address = StructArray::from(vec![(
            Arc::new(Field::new("city", DataType::Utf8, false)),
            Arc::new(StringArray::from(vec!["Lyon"])) as ArrayRef,
        )]);
        let b = batch(vec![("id", Arc::new(StringArray::from(vec!["a"])) as ArrayRef), ("address", Arc::new(address))]);
        let f = write_parquet(d.path(), "nested.parquet", &[b]);
        let msg = ws.import_shoppers(&f, &ImportOptions::default(), false).unwrap_err().to_string();
        assert!(msg.contains("column \"address\" has the Parquet type Struct"), "{msg}");
        let not_parquet = d.path().join("broken.parquet");
        std::fs::write(&not_parquet, "id,spend\n1,2\n").unwrap();
        let msg = ws.import_shoppers(&not_parquet, &ImportOptions::default(), false).unwrap_err().to_string();
        assert!(msg.contains("broken.parquet: not a readable Parquet file"), "{msg}");
    }

    #[test]
    fn a_parquet_column_maps_onto_an_existing_enum_and_is_checked_against_it() {
        let (d, mut ws) = workspace();
        let mut tier = Attribute::new("tier", AttrType::Enum);
        tier.values = vec!["gold".into(), "silver".into()];
        ws.save_attribute(&tier, None).unwrap();
        let good = batch(vec![("tier", Arc::new(StringArray::from(vec!["gold", "silver"])) as ArrayRef)]);
        let r = ws.import_shoppers(&write_parquet(d.path(), "a.parquet", &[good]), &ImportOptions::default(), false);
        let col = &r.unwrap().columns[0];
        assert_eq!((col.ty, col.existing), (AttrType::Enum, true));
        let bad = batch(vec![("tier", Arc::new(StringArray::from(vec!["gold", "vip"])) as ArrayRef)]);
        let f = write_parquet(d.path(), "b.parquet", &[bad]);
        let msg = ws.import_shoppers(&f, &ImportOptions::default(), false).unwrap_err().to_string();
        assert!(msg.contains("row 2, column tier: \"vip\" is not one of the values of tier"), "{msg}");
    }

    #[test]
    fn reimporting_overwrites_known_shoppers_adds_new_ones_and_undoes_as_one_step() {
        let (d, mut ws) = workspace();
        let spend = |ids: Vec<&str>, values: Vec<f64>| {
            batch(vec![
                ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
                ("spend", Arc::new(Float64Array::from(values))),
            ])
        };
        let first = write_parquet(d.path(), "first.parquet", &[spend(vec!["a", "b"], vec![1.0, 2.0])]);
        ws.import_shoppers(&first, &ImportOptions::default(), false).unwrap();
        let second = write_parquet(d.path(), "second.parquet", &[spend(vec!["b", "c"], vec![20.0, 30.0])]);
        ws.import_shoppers(&second, &ImportOptions::default(), false).unwrap();
        let value = |ws: &Workspace, id: &str| ws.shopper(id).ok().map(|s| s.values["spend"].as_f64().unwrap());
        assert_eq!([value(&ws, "a"), value(&ws, "b"), value(&ws, "c")], [Some(1.0), Some(20.0), Some(30.0)]);
        ws.undo().unwrap();
        assert_eq!([value(&ws, "a"), value(&ws, "b"), value(&ws, "c")], [Some(1.0), Some(2.0), None]);
        ws.redo().unwrap();
        assert_eq!([value(&ws, "b"), value(&ws, "c")], [Some(20.0), Some(30.0)]);
    }

    #[test]
    fn an_insert_said_to_be_absent_fails_when_the_entity_exists() {
        let (_d, mut ws) = workspace();
        let put = |ws: &mut Workspace, expect| {
            ws.transact("put", |tx| tx.put(EntityKind::Shopper, "s", expect, Some(r#"{"id":"s"}"#)))
        };
        put(&mut ws, Expect::Absent).unwrap();
        assert!(put(&mut ws, Expect::Absent).is_err());
        assert_eq!(ws.info().unwrap().shopper_count, 1);
    }
}
