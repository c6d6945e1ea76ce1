//! Example workspaces bundled into the binary (the spec and the shoppers),
//! so `tailor init --example` and the app's welcome screen work anywhere.

use crate::error::{Result, StoreError};
use crate::types::{EntityKind, ImportOptions};
use crate::workspace::Workspace;

struct Example {
    name: &'static str,
    spec: &'static str,
    shoppers_csv: &'static str,
}

const EXAMPLES: &[Example] = &[Example {
    name: "online-shoppers",
    spec: include_str!("../../../examples/online-shoppers/workspace.yaml"),
    shoppers_csv: include_str!("../../../examples/online-shoppers/shoppers.csv"),
}];

/// Names accepted by [`load_example`].
pub const EXAMPLE_NAMES: &[&str] = &["online-shoppers"];

/// Fills a (new) workspace with an example: shoppers first, then the spec.
pub fn load_example(ws: &mut Workspace, name: &str) -> Result<()> {
    let ex = EXAMPLES
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| StoreError::NotFound { kind: EntityKind::Setting, key: format!("example {name}") })?;
    let dir = std::env::temp_dir().join(format!("tailor-example-{}-{}", std::process::id(), uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("shoppers.csv");
    std::fs::write(&csv, ex.shoppers_csv)?;
    let imported = ws.import_shoppers(&csv, &ImportOptions::default(), false);
    let _ = std::fs::remove_dir_all(&dir);
    imported?;
    let spec: tailor_model::spec::Spec = serde_norway::from_str(ex.spec).map_err(|e| StoreError::ImportFile {
        file: format!("examples/{name}/workspace.yaml"),
        message: e.to_string(),
    })?;
    ws.apply_spec(&spec, false)?;
    Ok(())
}
