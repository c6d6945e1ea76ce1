//! IPC for Simulate → Estimates: event sets stored in the workspace and the
//! off-policy estimate of the draft. The figures come from
//! `tailor_estimate::estimate_draft`, the function `tailor estimate` calls.

use std::path::PathBuf;

use tailor_estimate::{EstimateReport, EstimateRequest};
use tailor_store::EventSet;
use tauri::AppHandle;

use crate::commands::{CmdResult, invalid, off_main_thread};

#[tauri::command]
pub async fn event_sets(app: AppHandle) -> CmdResult<Vec<EventSet>> {
    off_main_thread(app, |ws| ws.event_sets()).await
}

/// Imports a JSON Lines file of events as a new set (atomic; a bad line
/// fails the whole file with its row and line). CSV exports and decision
/// logs need a column mapping or an outcomes file: `tailor import events`.
#[tauri::command]
pub async fn events_import(app: AppHandle, path: String, name: Option<String>) -> CmdResult<EventSet> {
    let file = PathBuf::from(path.trim());
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !matches!(ext.as_str(), "jsonl" | "ndjson") {
        return Err(invalid(format!(
            "{}: the app imports JSON Lines events (.jsonl); for a CSV export or a decision log use `tailor import events` with its mapping flags",
            file.display()
        )));
    }
    let read = file.clone();
    let events = tauri::async_runtime::spawn_blocking(move || tailor_estimate::read::events_from_jsonl(&read))
        .await
        .map_err(|e| invalid(e.to_string()))?
        .map_err(|e| invalid(e.to_string()))?;
    let name = name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned()));
    off_main_thread(app, move |ws| ws.import_events(&name, &file.display().to_string(), &events)).await
}

#[tauri::command]
pub async fn event_set_delete(app: AppHandle, id: i64) -> CmdResult<()> {
    off_main_thread(app, move |ws| ws.delete_event_set(id)).await
}

/// Estimates the draft on the stored events (one set, or all).
#[tauri::command]
pub async fn estimate_run(app: AppHandle, request: EstimateRequest, set: Option<i64>) -> CmdResult<EstimateReport> {
    let (snapshot, plan, events) = off_main_thread(app, move |ws| Ok((ws.snapshot()?, ws.plan()?, ws.events(set)?))).await?;
    if events.is_empty() {
        return Err(invalid("no events in this workspace yet: import a JSON Lines file, or use `tailor import events`"));
    }
    tauri::async_runtime::spawn_blocking(move || {
        tailor_estimate::estimate_draft(&snapshot, &plan, &events, &request, jiff::Timestamp::now())
    })
    .await
    .map_err(|e| invalid(e.to_string()))?
    .map_err(|e| invalid(e.to_string()))
}
