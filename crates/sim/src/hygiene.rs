//! Catalog hygiene: the product data problems that quietly break product
//! sets (DESIGN §8), with counts and the offending products.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tailor_model::plan::Product;
use ts_rs::TS;

/// How many offending product ids each check lists.
pub const MAX_LISTED: usize = 200;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HygieneCheck {
    /// Stable id, e.g. `missing_price`.
    pub rule: String,
    /// What a merchandiser reads.
    pub label: String,
    #[ts(type = "number")]
    pub count: u64,
    /// The first offending product ids (up to [`MAX_LISTED`]).
    pub products: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HygieneReport {
    #[ts(type = "number")]
    pub products: u64,
    pub stale_days: u32,
    pub checks: Vec<HygieneCheck>,
}

/// Checks every product. `stale_days`: products whose `updated` date is older
/// than this many days before `today` are stale.
pub fn hygiene(products: &[Product], today: Date, stale_days: u32) -> HygieneReport {
    let stale_before = today
        .checked_sub(jiff::Span::new().days(i64::from(stale_days)))
        .unwrap_or(today);
    let mut titles: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for p in products {
        titles.entry(p.title.trim().to_lowercase()).or_default().push(p.id.clone());
    }
    type Check<'a> = (&'static str, &'static str, Box<dyn Fn(&Product) -> bool + 'a>);
    let checks: Vec<Check<'_>> = vec![
        ("missing_price", "Missing price", Box::new(|p: &Product| p.price.is_none())),
        ("negative_price", "Zero or negative price", Box::new(|p: &Product| p.price.is_some_and(|x| x <= 0.0))),
        ("missing_image", "Missing image", Box::new(|p: &Product| p.image_url.as_deref().is_none_or(str::is_empty))),
        ("missing_stock", "Missing stock", Box::new(|p: &Product| p.stock.is_none())),
        ("negative_stock", "Negative stock", Box::new(|p: &Product| p.stock.is_some_and(|s| s < 0))),
        ("unknown_margin", "Margin unknown (no margin, no cost)", Box::new(|p: &Product| p.effective_margin().is_none())),
        ("missing_category", "Missing category", Box::new(|p: &Product| p.category.is_none())),
        (
            "duplicate_title",
            "Same title as another product (possible duplicate)",
            Box::new(move |p: &Product| titles.get(&p.title.trim().to_lowercase()).is_some_and(|ids| ids.len() > 1)),
        ),
        (
            "stale",
            "Not updated within the stale period (or never dated)",
            Box::new(move |p: &Product| p.updated.is_none_or(|d| d < stale_before)),
        ),
    ];
    let checks = checks
        .into_iter()
        .map(|(rule, label, f)| {
            let offending: Vec<&Product> = products.iter().filter(|p| f(p)).collect();
            HygieneCheck {
                rule: rule.into(),
                label: label.into(),
                count: offending.len() as u64,
                products: offending.iter().take(MAX_LISTED).map(|p| p.id.clone()).collect(),
            }
        })
        .collect();
    HygieneReport {
        products: products.len() as u64,
        stale_days,
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str, title: &str) -> Product {
        serde_json::from_value(serde_json::json!({"id": id, "title": title})).unwrap()
    }

    #[test]
    fn each_check_counts_its_offenders() {
        let mut a = product("a", "Boot");
        a.price = Some(10.0);
        a.cost = Some(5.0);
        a.stock = Some(-2);
        a.image_url = Some("/a.png".into());
        a.category = Some("shoes".into());
        a.updated = Some("2026-11-20".parse().unwrap());
        let b = product("b", "boot ");
        let r = hygiene(&[a, b], "2026-11-25".parse().unwrap(), 30);
        let count = |rule: &str| r.checks.iter().find(|c| c.rule == rule).unwrap().count;
        assert_eq!(count("missing_price"), 1);
        assert_eq!(count("negative_stock"), 1);
        assert_eq!(count("missing_stock"), 1);
        assert_eq!(count("unknown_margin"), 1);
        assert_eq!(count("duplicate_title"), 2);
        assert_eq!(count("stale"), 1);
        let stale = r.checks.iter().find(|c| c.rule == "stale").unwrap();
        assert_eq!(stale.products, ["b"]);
    }
}
