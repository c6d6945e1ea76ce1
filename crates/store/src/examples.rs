//! Example workspaces bundled into the binary, so `tailor init --example` and
//! the app's welcome screen work anywhere. Each is a folder under `examples/`:
//! `workspace.yaml` (the spec), and optionally `catalog.csv` (products),
//! `shoppers.csv` (real sample shoppers) or `shoppers.yaml` (a generator spec:
//! see `tailor_sim::generator`), and `personas.yaml`.

use serde::Deserialize;
use tailor_model::persona::Persona;

use crate::error::{Result, StoreError};
use crate::types::{EntityKind, ImportOptions};
use crate::workspace::Workspace;

/// An example's files, embedded at build time.
pub struct Example {
    pub name: &'static str,
    /// One paragraph for the welcome screen.
    pub description: &'static str,
    spec: &'static str,
    catalog_csv: Option<&'static str>,
    shoppers_csv: Option<&'static str>,
    shoppers_generator: Option<&'static str>,
    personas: Option<&'static str>,
    /// Logged events (JSON Lines) for Simulate → Estimates.
    events_jsonl: Option<&'static str>,
}

/// `shoppers.yaml`: how many shoppers to generate, from which seed, by which spec.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GeneratedShoppers {
    count: u64,
    seed: u64,
    spec: tailor_sim::generator::GeneratorSpec,
}

pub const EXAMPLES: &[Example] = &[Example {
    name: "online-shoppers",
    description: "Segments with live reach on 3,083 real sessions of an online retailer \
                  (UCI Online Shoppers Purchasing Intention data set): who returns, who buys, \
                  who browses at weekends. No content plan: a first look at segments.",
    spec: include_str!("../../../examples/online-shoppers/workspace.yaml"),
    catalog_csv: None,
    shoppers_csv: Some(include_str!("../../../examples/online-shoppers/shoppers.csv")),
    shoppers_generator: None,
    personas: None,
    events_jsonl: None,
},
Example {
    name: "apparel",
    description: "A fashion store (378 products: womenswear, menswear, denim, outerwear, shoes, \
                  accessories) and 12,000 generated shoppers with gender interest, size profile, \
                  browsing, wishlist and order history. A full plan over all five journey stages: \
                  recently viewed items, size advice and restock alerts for returning shoppers, fit \
                  help and first-order reassurance for new ones, a holiday gifting A/B test, \
                  holdouts, margin, stock and seasonal constraints.",
    spec: include_str!("../../../examples/apparel/workspace.yaml"),
    catalog_csv: Some(include_str!("../../../examples/apparel/catalog.csv")),
    shoppers_csv: None,
    shoppers_generator: Some(include_str!("../../../examples/apparel/shoppers.yaml")),
    personas: Some(include_str!("../../../examples/apparel/personas.yaml")),
    events_jsonl: Some(include_str!("../../../examples/apparel/events.jsonl")),
},
Example {
    name: "beauty",
    description: "A skincare-led beauty store (345 products with actives, skin types, sizes, refills \
                  and routine sets; reorder intervals on consumables) and 12,000 generated shoppers. \
                  The skin-concern quiz answer is sensitive and consent-gated (no consent by default). \
                  Routine builders and education for first-time buyers, refill bundles and \
                  replenishment reminders timed from reorder intervals for repeat buyers, and \
                  compatibility rules on product pages (actives with SPF, gentle pairings).",
    spec: include_str!("../../../examples/beauty/workspace.yaml"),
    catalog_csv: Some(include_str!("../../../examples/beauty/catalog.csv")),
    shoppers_csv: None,
    shoppers_generator: Some(include_str!("../../../examples/beauty/shoppers.yaml")),
    personas: Some(include_str!("../../../examples/beauty/personas.yaml")),
    events_jsonl: None,
},
Example {
    name: "home",
    description: "A home goods store (366 products: furniture, lighting, textiles, tableware, decor \
                  and home fragrance, each with room, style, material, colour, collection and price \
                  band) and 12,000 generated shoppers with a room interest, style preference and \
                  price range. Product pages show coordinated items matching collection, material or \
                  colour (an A/B test of the two), price-aware sorts, moving-home help, holiday \
                  hosting campaigns and refill reminders for diffusers and candles.",
    spec: include_str!("../../../examples/home/workspace.yaml"),
    catalog_csv: Some(include_str!("../../../examples/home/catalog.csv")),
    shoppers_csv: None,
    shoppers_generator: Some(include_str!("../../../examples/home/shoppers.yaml")),
    personas: Some(include_str!("../../../examples/home/personas.yaml")),
    events_jsonl: None,
}];

/// Names accepted by [`load_example`].
pub fn example_names() -> Vec<&'static str> {
    EXAMPLES.iter().map(|e| e.name).collect()
}

fn bad_file(name: &str, file: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::ImportFile {
        file: format!("examples/{name}/{file}"),
        message: e.to_string(),
    }
}

/// Fills a (new) workspace with an example: catalog, shoppers, then the spec
/// and the personas.
pub fn load_example(ws: &mut Workspace, name: &str) -> Result<()> {
    let ex = EXAMPLES
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| StoreError::NotFound { kind: EntityKind::Setting, key: format!("example {name}") })?;
    let dir = std::env::temp_dir().join(format!("tailor-example-{}-{}", std::process::id(), uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    let result = load_into(ws, ex, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn load_into(ws: &mut Workspace, ex: &Example, dir: &std::path::Path) -> Result<()> {
    if let Some(csv) = ex.catalog_csv {
        let path = dir.join("catalog.csv");
        std::fs::write(&path, csv)?;
        ws.import_catalog(&path, &Default::default(), false)?;
    }
    // The spec's attributes first, so shoppers map onto their types.
    let spec: tailor_model::spec::Spec =
        serde_norway::from_str(ex.spec).map_err(|e| bad_file(ex.name, "workspace.yaml", e))?;
    let attributes_only = tailor_model::spec::Spec { attributes: spec.attributes.clone(), ..Default::default() };
    ws.apply_spec(&attributes_only, false)?;
    if let Some(csv) = ex.shoppers_csv {
        let path = dir.join("shoppers.csv");
        std::fs::write(&path, csv)?;
        ws.import_shoppers(&path, &ImportOptions::default(), false)?;
    }
    if let Some(yaml) = ex.shoppers_generator {
        let g: GeneratedShoppers = serde_norway::from_str(yaml).map_err(|e| bad_file(ex.name, "shoppers.yaml", e))?;
        let path = dir.join("shoppers.jsonl");
        let mut out = String::new();
        for row in tailor_sim::generator::generate(&g.spec, g.count, g.seed) {
            out.push_str(&serde_json::to_string(&row)?);
            out.push('\n');
        }
        std::fs::write(&path, out)?;
        ws.import_shoppers(&path, &ImportOptions { id_column: Some("id".into()) }, false)?;
    }
    ws.apply_spec(&spec, false)?;
    if let Some(yaml) = ex.personas {
        let personas: Vec<Persona> = serde_norway::from_str(yaml).map_err(|e| bad_file(ex.name, "personas.yaml", e))?;
        for p in &personas {
            ws.save(p, None)?;
        }
    }
    if let Some(jsonl) = ex.events_jsonl {
        let path = dir.join("events.jsonl");
        std::fs::write(&path, jsonl)?;
        let events = tailor_estimate::read::events_from_jsonl(&path).map_err(|e| bad_file(ex.name, "events.jsonl", e))?;
        ws.import_events("Home page randomized test (example)", &format!("examples/{}/events.jsonl", ex.name), &events)?;
    }
    Ok(())
}
