//! Reading sample shoppers from Parquet: for `tailor import shoppers`
//! (the store's importer) and for batch simulation ([`crate::input`]).
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
use tailor_engine::Value;
use tailor_model::AttrType;

use crate::input::InputError;

type Result<T> = std::result::Result<T, InputError>;

/// Rows per record batch read from the file.
pub const BATCH_ROWS: usize = 8192;

/// The four bytes every Parquet file starts (and ends) with.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// One top-level column of the file.
pub struct ParquetColumn {
    pub name: String,
    /// The attribute type the column's Arrow type stands for (used for a
    /// column with no value at all; values decide otherwise, as in JSON).
    pub declared: AttrType,
    /// Time zone of a timestamp column (UTC when it names none).
    tz: jiff::tz::TimeZone,
}

impl ParquetColumn {
    /// The cell at `row` of this column's `array` in a record batch, as
    /// [`BatchColumn::cell`] reads it.
    pub fn cell(&self, array: &ArrayRef, row: usize) -> std::result::Result<Json, String> {
        cell(array.as_ref(), row, &self.tz)
    }
}

/// One column of a record batch, ready to be read cell by cell.
pub struct BatchColumn<'a> {
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

fn open_error(file: &str, e: impl std::fmt::Display) -> InputError {
    InputError::File { file: file.into(), message: format!("not a readable Parquet file: {e}") }
}

fn open_file(path: &Path, file: &str) -> Result<File> {
    File::open(path).map_err(|e| InputError::File { file: file.into(), message: e.to_string() })
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
    fixed.map(jiff::tz::TimeZone::fixed).ok_or_else(|| InputError::File {
        file: file.into(),
        message: format!("column \"{column}\": unknown time zone \"{name}\""),
    })
}

/// The file's columns, each with the attribute type it stands for. A column
/// of a type Tailor cannot import (structs, maps, nested lists, …) is an
/// error naming it.
pub fn columns(path: &Path, file: &str) -> Result<Vec<ParquetColumn>> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(open_file(path, file)?).map_err(|e| open_error(file, e))?;
    builder
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let dt = read_type(f.data_type());
            let declared = declared(&dt).ok_or_else(|| InputError::File {
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
pub fn row_count(path: &Path, file: &str) -> Result<u64> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(open_file(path, file)?).map_err(|e| open_error(file, e))?;
    Ok(u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0))
}

/// The file's record batches of [`BATCH_ROWS`] rows, in file order, with
/// every column read as [`read_type`] says.
pub fn batches(path: &Path, file: &str) -> Result<impl Iterator<Item = Result<RecordBatch>> + Send + use<>> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(open_file(path, file)?).map_err(|e| open_error(file, e))?;
    let schema = builder.schema();
    let wanted = Schema::new_with_metadata(
        schema.fields().iter().map(|f| Arc::new(read_field(f))).collect::<Vec<_>>(),
        schema.metadata().clone(),
    );
    let builder = if wanted == **schema {
        builder
    } else {
        let options = ArrowReaderOptions::new().with_schema(Arc::new(wanted));
        ParquetRecordBatchReaderBuilder::try_new_with_options(open_file(path, file)?, options)
            .map_err(|e| open_error(file, e))?
    };
    let reader = builder.with_batch_size(BATCH_ROWS).build().map_err(|e| open_error(file, e))?;
    let file = file.to_owned();
    let mut first = 0u64;
    Ok(reader.map(move |batch| {
        let batch = batch.map_err(|e| InputError::File {
            file: file.clone(),
            message: format!("reading the rows after row {first}: {e}"),
        })?;
        first += batch.num_rows() as u64;
        Ok(batch)
    }))
}

/// The columns of `batch`, in the order [`columns`] gave, ready to be read
/// cell by cell.
pub fn batch_columns<'a>(batch: &'a RecordBatch, columns: &'a [ParquetColumn]) -> Vec<BatchColumn<'a>> {
    batch.columns().iter().zip(columns).map(|(array, c)| BatchColumn { array, tz: &c.tz }).collect()
}

/// Streams the file batch by batch: `f(first_row, rows, columns)`, where
/// `first_row` counts rows of the file from 0 and `columns` are in the order
/// [`columns`] gave, until `f` answers `false` (no more wanted).
pub fn for_each_batch<E: From<InputError>>(
    path: &Path,
    file: &str,
    columns: &[ParquetColumn],
    mut f: impl FnMut(u64, usize, &[BatchColumn<'_>]) -> std::result::Result<bool, E>,
) -> std::result::Result<bool, E> {
    let mut first = 0u64;
    for batch in batches(path, file)? {
        let batch = batch?;
        if !f(first, batch.num_rows(), &batch_columns(&batch, columns))? {
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

/// A cell as the attribute's typed value when the conversion is direct (a
/// string column into a string or enum attribute, integers and finite
/// floats into numbers, booleans, dates, lists of strings): the value
/// `value_from_json(ty, &cell(…))` gives, without the JSON in between, for
/// batch simulation. `None` in every other case, which takes that path
/// (and gets its errors).
pub(crate) fn typed_cell(a: &dyn Array, i: usize, ty: AttrType) -> Option<Value> {
    use DataType as D;
    if a.is_null(i) {
        return Some(Value::Null);
    }
    let number = |n: f64| Value::Number(n);
    Some(match (ty, a.data_type()) {
        (AttrType::String | AttrType::Enum, D::Utf8) => Value::String(a.as_string::<i32>().value(i).into()),
        (AttrType::String | AttrType::Enum, D::LargeUtf8) => Value::String(a.as_string::<i64>().value(i).into()),
        (AttrType::Bool, D::Boolean) => Value::Bool(a.as_boolean().value(i)),
        (AttrType::Number, D::Int8) => number(a.as_primitive::<Int8Type>().value(i).into()),
        (AttrType::Number, D::Int16) => number(a.as_primitive::<Int16Type>().value(i).into()),
        (AttrType::Number, D::Int32) => number(a.as_primitive::<Int32Type>().value(i).into()),
        (AttrType::Number, D::Int64) => number(a.as_primitive::<Int64Type>().value(i) as f64),
        (AttrType::Number, D::UInt8) => number(a.as_primitive::<UInt8Type>().value(i).into()),
        (AttrType::Number, D::UInt16) => number(a.as_primitive::<UInt16Type>().value(i).into()),
        (AttrType::Number, D::UInt32) => number(a.as_primitive::<UInt32Type>().value(i).into()),
        (AttrType::Number, D::UInt64) => number(a.as_primitive::<UInt64Type>().value(i) as f64),
        (AttrType::Number, D::Float32) => Some(f64::from(a.as_primitive::<Float32Type>().value(i)))
            .filter(|f| f.is_finite())
            .map(number)?,
        (AttrType::Number, D::Float64) => {
            Some(a.as_primitive::<Float64Type>().value(i)).filter(|f| f.is_finite()).map(number)?
        }
        // Years 0–9999 print as YYYY-MM-DD and read back as the same date.
        (AttrType::Date, D::Date32) => days_date(a.as_primitive::<Date32Type>().value(i).into())
            .filter(|d| (0..=9999).contains(&d.year()))
            .map(Value::Date)?,
        (AttrType::StringList, D::List(f)) if *f.data_type() == D::Utf8 => {
            // Read through the offsets: `value(i)` would make an array per row.
            let list = a.as_list::<i32>();
            let items = list.values().as_string::<i32>();
            let range = list.value_offsets()[i] as usize..list.value_offsets()[i + 1] as usize;
            Value::List(range.filter(|&k| !items.is_null(k)).map(|k| items.value(k).into()).collect())
        }
        _ => return None,
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
    use super::*;
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{
        BooleanArray, Date32Array, Float32Array, Float64Array, Int8Array, Int64Array, LargeStringArray, StringArray,
        UInt64Array,
    };
    use tailor_engine::value_from_json;

    /// Wherever the direct conversion answers, it is the JSON route's value,
    /// for every attribute type, nulls, non-finite floats and far dates included.
    #[test]
    fn a_direct_cell_is_the_json_route_s_value() {
        let mut lists = ListBuilder::new(StringBuilder::new());
        lists.values().append_value("AP-1");
        lists.values().append_null();
        lists.values().append_value("");
        lists.append(true);
        lists.append(false);
        lists.append(true);
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec![Some("gold"), None, Some(" 12 "), Some("")])),
            Arc::new(LargeStringArray::from(vec![Some("x"), Some("true"), None])),
            Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
            Arc::new(Int8Array::from(vec![Some(-3), None])),
            Arc::new(Int64Array::from(vec![i64::MAX, -1, 0])),
            Arc::new(UInt64Array::from(vec![u64::MAX, 7])),
            Arc::new(Float32Array::from(vec![1.5, f32::NAN, f32::INFINITY])),
            Arc::new(Float64Array::from(vec![-0.0, 2.25, f64::NAN, f64::NEG_INFINITY])),
            Arc::new(Date32Array::from(vec![Some(0), Some(20_000), Some(3_000_000), Some(-800_000), None])),
            Arc::new(lists.finish()),
        ];
        let types = [AttrType::String, AttrType::Enum, AttrType::Number, AttrType::Bool, AttrType::Date, AttrType::StringList];
        let mut direct = 0;
        for array in &arrays {
            for row in 0..array.len() {
                for ty in types {
                    let Some(fast) = typed_cell(array.as_ref(), row, ty) else { continue };
                    direct += 1;
                    let json = cell(array.as_ref(), row, &jiff::tz::TimeZone::UTC);
                    let slow = json.and_then(|j| value_from_json(ty, &j));
                    assert_eq!(Ok(fast), slow, "{} row {row} as {ty:?}", array.data_type());
                }
            }
        }
        // Every column has a direct case (the nulls alone give one per type).
        assert!(direct > arrays.len() * types.len(), "only {direct} direct conversions");
    }
}
