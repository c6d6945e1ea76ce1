//! Reading sample shoppers from Parquet for [`crate::import`]: the reader
//! is the simulator's ([`tailor_sim::parquet`]), so an import and a batch
//! simulation read a file the same way.

pub(crate) use tailor_sim::parquet::{BatchColumn, MAGIC, columns, for_each_batch, row_count};

impl From<tailor_sim::input::InputError> for crate::error::StoreError {
    fn from(e: tailor_sim::input::InputError) -> Self {
        use tailor_sim::input::InputError;
        match e {
            InputError::File { file, message } => crate::error::StoreError::ImportFile { file, message },
            InputError::Row { file, row, message } => {
                crate::error::StoreError::ImportFile { file, message: format!("row {row}: {message}") }
            }
        }
    }
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
