//! File → Import Spec / Export Spec: the workspace as a YAML spec file, the
//! same format as `tailor spec apply` and `tailor spec export`.

use tauri::AppHandle;

use crate::commands::{CmdResult, blocking, invalid, mutate, with_ws};

/// What importing a spec changed, for the confirmation message.
#[derive(serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SpecImportReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    #[ts(type = "number")]
    pub unchanged: u64,
}

#[tauri::command]
pub async fn spec_export(app: AppHandle, path: String) -> CmdResult<()> {
    blocking(app, move |app| {
        let spec = with_ws(app, |ws| ws.export_spec())?;
        let yaml = serde_norway::to_string(&spec).map_err(|e| invalid(format!("could not write the spec: {e}")))?;
        // Write beside, then rename: a failed export never leaves half a file.
        let tmp = format!("{path}.partial");
        std::fs::write(&tmp, yaml)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| invalid(format!("could not write {path}: {e}")))
    })
    .await
}

/// Applies a spec in one transaction (never prunes: importing adds and
/// updates, it does not delete what the file leaves out). Undo reverts it.
#[tauri::command]
pub async fn spec_import(app: AppHandle, path: String) -> CmdResult<SpecImportReport> {
    blocking(app, move |app| {
        let text = std::fs::read_to_string(&path).map_err(|e| invalid(format!("could not read {path}: {e}")))?;
        let spec: tailor_model::spec::Spec =
            serde_norway::from_str(&text).map_err(|e| invalid(format!("{path} is not a valid spec file: {e}")))?;
        let report = mutate(app, |ws| ws.apply_spec(&spec, false))?;
        Ok(SpecImportReport { created: report.created, updated: report.updated, unchanged: report.unchanged as u64 })
    })
    .await
}
