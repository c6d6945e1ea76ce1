//! Reading Shopify product exports and Google Merchant Center feeds into
//! products. Each returns every product or the first bad row.

use std::collections::BTreeMap;
use std::path::Path;

use tailor_model::plan::Product;

use crate::catalog::{Parsed, UniqueIds, empty_product};
use crate::error::{Result, StoreError};

fn file_err(file: &str, message: impl Into<String>) -> StoreError {
    StoreError::ImportFile { file: file.into(), message: message.into() }
}

fn row_err(file: &str, row: u64, line: u64, column: &str, message: String) -> StoreError {
    StoreError::ImportRow { file: file.into(), row, line, column: column.into(), message }
}

/// "15.00 USD", "$15", "15,00" → 15.0
fn money(s: &str) -> Option<f64> {
    let num: String = s
        .trim()
        .split_whitespace()
        .next()?
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-' || *c == ',')
        .collect();
    let num = if num.contains('.') { num.replace(',', "") } else { num.replace(',', ".") };
    num.parse().ok().filter(|f: &f64| f.is_finite())
}

fn read_table(path: &Path, file: &str, delimiter: u8) -> Result<(Vec<String>, Vec<(u64, u64, csv::StringRecord)>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(delimiter == b'\t')
        .quoting(delimiter != b'\t')
        .from_path(path)
        .map_err(|e| file_err(file, e.to_string()))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| file_err(file, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| {
            row_err(file, i as u64 + 1, e.position().map_or(0, |p| p.line()), "-", e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((i as u64 + 1, line, rec));
    }
    Ok((headers, rows))
}

/// Shopify's product CSV: one row per variant; rows after the first of a
/// handle leave the product columns empty. Each variant with a SKU (else the
/// handle) becomes a product.
pub(crate) fn parse_shopify(path: &Path, file: &str) -> Result<Parsed> {
    let (headers, rows) = read_table(path, file, b',')?;
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let handle = col("Handle").ok_or_else(|| file_err(file, "not a Shopify product export: no \"Handle\" column"))?;
    let get = |rec: &csv::StringRecord, name: &str| {
        col(name).and_then(|i| rec.get(i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
    };
    let mut products: Vec<Product> = Vec::new();
    let mut ids = UniqueIds::new();
    // The product-level columns of the first row of the current handle.
    let mut parent: Option<(String, Product)> = None;
    // Option names appear on a handle's first row only.
    let mut option_names: [Option<String>; 3] = [None, None, None];
    for (row, line, rec) in &rows {
        let h = rec.get(handle).unwrap_or("").trim().to_owned();
        if h.is_empty() {
            return Err(row_err(file, *row, *line, "Handle", "the handle is empty".into()));
        }
        if get(rec, "Title").is_some() || parent.as_ref().is_none_or(|(ph, _)| *ph != h) {
            let mut p = empty_product();
            p.title = get(rec, "Title").unwrap_or_else(|| h.clone());
            p.category = get(rec, "Type").or_else(|| {
                get(rec, "Product Category").map(|c| c.rsplit('>').next().unwrap_or(&c).trim().to_owned())
            });
            p.collection = Some(h.clone());
            p.tags = get(rec, "Tags")
                .map(|t| t.split(',').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect())
                .unwrap_or_default();
            p.image_url = get(rec, "Image Src");
            if let Some(v) = get(rec, "Vendor") {
                p.attributes.insert("vendor".into(), v);
            }
            parent = Some((h.clone(), p));
            for (n, slot) in option_names.iter_mut().enumerate() {
                *slot = get(rec, &format!("Option{} Name", n + 1));
            }
        }
        let Some((_, base)) = &parent else { continue };
        // Image-only continuation rows carry no variant.
        let sku = get(rec, "Variant SKU");
        let price = get(rec, "Variant Price");
        if sku.is_none() && price.is_none() {
            continue;
        }
        let mut p = base.clone();
        p.id = sku.unwrap_or_else(|| h.clone());
        if let Some(price) = price {
            p.price = Some(money(&price).ok_or_else(|| {
                row_err(file, *row, *line, "Variant Price", format!("expected a price, found \"{price}\""))
            })?);
        }
        if let Some(cost) = get(rec, "Cost per item") {
            p.cost = Some(money(&cost).ok_or_else(|| {
                row_err(file, *row, *line, "Cost per item", format!("expected a cost, found \"{cost}\""))
            })?);
        }
        if let Some(qty) = get(rec, "Variant Inventory Qty") {
            p.stock = Some(qty.parse().map_err(|_| {
                row_err(file, *row, *line, "Variant Inventory Qty", format!("expected a whole number, found \"{qty}\""))
            })?);
        }
        if let Some(img) = get(rec, "Variant Image") {
            p.image_url = Some(img);
        }
        // Option1 Name / Option1 Value … become attributes (size, colour…).
        let mut values = Vec::new();
        for (n, name) in option_names.iter().enumerate() {
            if let (Some(name), Some(value)) = (name, get(rec, &format!("Option{} Value", n + 1))) {
                if name != "Title" {
                    p.attributes.insert(name.to_lowercase(), value.clone());
                    values.push(value);
                }
            }
        }
        if !values.is_empty() {
            p.title = format!("{} — {}", base.title, values.join(" / "));
        }
        ids.check(file, *row, *line, "Variant SKU", &p.id)?;
        products.push(p);
    }
    let mapping = [
        ("Variant SKU", "id"), ("Title", "title"), ("Type", "category"), ("Variant Price", "price"),
        ("Cost per item", "cost"), ("Variant Inventory Qty", "stock"), ("Handle", "collection"),
        ("Tags", "tags"), ("Image Src", "image_url"),
    ]
    .iter()
    .filter(|(c, _)| col(c).is_some())
    .map(|(c, f)| (c.to_string(), f.to_string()))
    .collect();
    Ok(Parsed { products, rows: rows.len() as u64, mapping })
}

/// One Merchant Center item (field name without `g:` → value) as a product.
fn gmc_product(fields: &BTreeMap<String, String>) -> std::result::Result<Product, (String, String)> {
    let get = |k: &str| fields.get(k).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut p = empty_product();
    p.id = get("id").ok_or(("id".to_string(), "the product id is empty".to_string()))?;
    p.title = get("title").ok_or(("title".to_string(), "the product title is empty".to_string()))?;
    if let Some(price) = get("sale_price").or_else(|| get("price")) {
        p.price = Some(money(&price).ok_or(("price".to_string(), format!("expected a price like \"15.00 USD\", found \"{price}\"")))?);
    }
    if let Some(cost) = get("cost_of_goods_sold") {
        p.cost = Some(money(&cost).ok_or(("cost_of_goods_sold".to_string(), format!("expected a price, found \"{cost}\"")))?);
    }
    p.category = get("product_type")
        .or_else(|| get("google_product_category"))
        .map(|c| c.rsplit('>').next().unwrap_or(&c).trim().to_owned());
    p.collection = get("item_group_id");
    p.image_url = get("image_link");
    // The feed says availability, not a count: out of stock is 0, otherwise unknown.
    if get("availability").is_some_and(|a| a.replace(' ', "_").eq_ignore_ascii_case("out_of_stock")) {
        p.stock = Some(0);
    }
    for key in ["brand", "color", "size", "material", "pattern", "gender", "age_group", "condition"] {
        if let Some(v) = get(key) {
            p.attributes.insert(if key == "color" { "colour".into() } else { key.into() }, v);
        }
    }
    p.tags = (0..5).filter_map(|i| get(&format!("custom_label_{i}"))).collect();
    Ok(p)
}

const GMC_MAPPING: &[(&str, &str)] = &[
    ("id", "id"), ("title", "title"), ("price", "price"), ("product_type", "category"),
    ("item_group_id", "collection"), ("image_link", "image_url"), ("availability", "stock"),
    ("custom_label_0..4", "tags"),
];

pub(crate) fn parse_gmc_tsv(path: &Path, file: &str) -> Result<Parsed> {
    let (headers, rows) = read_table(path, file, b'\t')?;
    if !headers.iter().any(|h| h == "id") {
        return Err(file_err(file, "not a Merchant Center feed: no \"id\" column"));
    }
    let mut products = Vec::new();
    let mut ids = UniqueIds::new();
    for (row, line, rec) in &rows {
        let fields: BTreeMap<String, String> = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.trim_start_matches("g:").replace(' ', "_"), v.to_owned()))
            .collect();
        let p = gmc_product(&fields).map_err(|(c, m)| row_err(file, *row, *line, &c, m))?;
        ids.check(file, *row, *line, "id", &p.id)?;
        products.push(p);
    }
    let mapping = GMC_MAPPING.iter().map(|(c, f)| (c.to_string(), f.to_string())).collect();
    Ok(Parsed { products, rows: rows.len() as u64, mapping })
}

pub(crate) fn parse_gmc_xml(path: &Path, file: &str) -> Result<Parsed> {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(path)?;
    let line_of = |pos: usize| text[..pos.min(text.len())].bytes().filter(|b| *b == b'\n').count() as u64 + 1;
    let mut reader = quick_xml::Reader::from_str(&text);
    // Text is kept whole (entities arrive as separate events); values are
    // trimmed when read.
    let mut products = Vec::new();
    let mut ids = UniqueIds::new();
    let mut item: Option<(BTreeMap<String, String>, u64)> = None;
    let mut field: Option<String> = None;
    let mut row = 0;
    loop {
        let ev = reader.read_event().map_err(|e| {
            row_err(file, row + 1, line_of(reader.buffer_position() as usize), "-", format!("malformed XML: {e}"))
        })?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "item" || name == "entry" {
                    // Just past `<item>`: the item's own line.
                    item = Some((BTreeMap::new(), line_of(reader.buffer_position() as usize)));
                } else if item.is_some() {
                    field = Some(name);
                }
            }
            Event::Text(t) => {
                if let (Some((fields, _)), Some(f)) = (&mut item, &field) {
                    let v = t.decode().map_err(|e| file_err(file, e.to_string()))?;
                    fields.entry(f.clone()).or_default().push_str(&v);
                }
            }
            Event::GeneralRef(r) => {
                if let (Some((fields, _)), Some(f)) = (&mut item, &field) {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let ch = match name.as_str() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => r.resolve_char_ref().ok().flatten(),
                    };
                    let ch = ch.ok_or_else(|| file_err(file, format!("unknown XML entity &{name};")))?;
                    fields.entry(f.clone()).or_default().push(ch);
                }
            }
            Event::CData(t) => {
                if let (Some((fields, _)), Some(f)) = (&mut item, &field) {
                    fields.entry(f.clone()).or_default().push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "item" || name == "entry" {
                    if let Some((fields, line)) = item.take() {
                        row += 1;
                        let p = gmc_product(&fields).map_err(|(c, m)| row_err(file, row, line, &c, m))?;
                        ids.check(file, row, line, "id", &p.id)?;
                        products.push(p);
                    }
                }
                field = None;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if row == 0 {
        return Err(file_err(file, "no <item> elements: not a Merchant Center RSS feed"));
    }
    let mapping = GMC_MAPPING.iter().map(|(c, f)| (format!("g:{c}"), f.to_string())).collect();
    Ok(Parsed { products, rows: row, mapping })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_feed_prices() {
        assert_eq!(money("15.00 USD"), Some(15.0));
        assert_eq!(money("$1,299.50"), Some(1299.5));
        assert_eq!(money("12,5 EUR"), Some(12.5));
        assert_eq!(money("free"), None);
    }
}
