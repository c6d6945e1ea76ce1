//! The IPC surface. Arguments arrive camelCase from JS (Tauri's convention).

use std::path::Path;

use tailor_model::condition::{self, Condition};
use tailor_model::{Attribute, Segment};
use tailor_sim::lint::Finding;
use tailor_store::types::{
    AttributeRow, ErrorKind, ErrorReport, HistoryEntry, ImportOptions, ImportReport, ReachReport,
    RecentWorkspace, SegmentRow, ShopperPage, ValueCount, WorkspaceInfo,
};
use tailor_store::{StoreError, Workspace};
use tauri::{AppHandle, Emitter, Manager};

use crate::{recent, state};

pub type CmdResult<T> = Result<T, ErrorReport>;

/// An input the command refuses, as a sentence for the UI.
pub fn invalid(message: impl Into<String>) -> ErrorReport {
    ErrorReport { kind: ErrorKind::Invalid, message: message.into(), position: None }
}

fn report(e: StoreError) -> ErrorReport {
    e.report()
}

fn no_workspace() -> ErrorReport {
    ErrorReport {
        kind: ErrorKind::NoWorkspace,
        message: "no workspace is open".into(),
        position: None,
    }
}

/// Runs `f` on the open workspace.
pub fn with_ws<T>(app: &AppHandle, f: impl FnOnce(&mut Workspace) -> tailor_store::Result<T>) -> CmdResult<T> {
    let st = state(app);
    let mut guard = st.workspace.lock().map_err(|_| ErrorReport {
        kind: ErrorKind::Internal,
        message: "workspace lock poisoned".into(),
        position: None,
    })?;
    let ws = guard.as_mut().ok_or_else(no_workspace)?;
    f(ws).map_err(report)
}

/// Runs a mutation, then tells the UI and updates the title.
pub fn mutate<T>(app: &AppHandle, f: impl FnOnce(&mut Workspace) -> tailor_store::Result<T>) -> CmdResult<T> {
    let out = with_ws(app, f)?;
    changed(app);
    Ok(out)
}

pub fn changed(app: &AppHandle) {
    let info = with_ws(app, |ws| ws.info()).ok();
    let title = match &info {
        Some(i) => format!("{} — Tailor", i.name),
        None => "Tailor".to_string(),
    };
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.set_title(&title);
    }
    let _ = app.emit("workspace-changed", info);
}

/// Opens a workspace file and makes it the current one.
pub fn open_path(app: &AppHandle, path: &str) -> CmdResult<WorkspaceInfo> {
    install(app, Workspace::open(path).map_err(report)?)
}

pub(crate) fn install(app: &AppHandle, ws: Workspace) -> CmdResult<WorkspaceInfo> {
    let info = ws.info().map_err(report)?;
    *state(app).workspace.lock().map_err(|_| no_workspace())? = Some(ws);
    recent::remember(app, &info.path, &info.name);
    crate::menu::refresh(app);
    changed(app);
    Ok(info)
}

pub(crate) fn absolute(path: &str) -> String {
    let p = Path::new(path);
    if p.is_absolute() {
        path.to_string()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p).display().to_string())
            .unwrap_or_else(|_| path.to_string())
    }
}

#[tauri::command]
pub fn workspace_create(app: AppHandle, path: String) -> CmdResult<WorkspaceInfo> {
    install(&app, Workspace::create(absolute(&path)).map_err(report)?)
}

#[tauri::command]
pub fn workspace_create_example(app: AppHandle, path: String, example: String) -> CmdResult<WorkspaceInfo> {
    let path = absolute(&path);
    let mut ws = Workspace::create(&path).map_err(report)?;
    if let Err(e) = tailor_store::load_example(&mut ws, &example) {
        drop(ws);
        // Leave no half-made example behind.
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return Err(report(e));
    }
    install(&app, ws)
}

#[derive(serde::Serialize)]
pub struct ExampleInfo {
    name: String,
    description: String,
}

#[tauri::command]
pub fn example_list() -> Vec<ExampleInfo> {
    tailor_store::EXAMPLES
        .iter()
        .map(|e| ExampleInfo { name: e.name.into(), description: e.description.split_whitespace().collect::<Vec<_>>().join(" ") })
        .collect()
}

#[tauri::command]
pub fn workspace_open(app: AppHandle, path: String) -> CmdResult<WorkspaceInfo> {
    open_path(&app, &absolute(&path))
}

#[tauri::command]
pub fn workspace_current(app: AppHandle) -> CmdResult<Option<WorkspaceInfo>> {
    match with_ws(&app, |ws| ws.info()) {
        Ok(i) => Ok(Some(i)),
        Err(e) if e.kind == ErrorKind::NoWorkspace => Ok(None),
        Err(e) => Err(e),
    }
}

#[tauri::command]
pub fn workspace_recent(app: AppHandle) -> Vec<RecentWorkspace> {
    recent::prune(&app)
}

#[tauri::command]
pub fn workspace_close(app: AppHandle) -> CmdResult<()> {
    *state(&app).workspace.lock().map_err(|_| no_workspace())? = None;
    changed(&app);
    Ok(())
}

#[tauri::command]
pub fn attribute_list(app: AppHandle) -> CmdResult<Vec<AttributeRow>> {
    with_ws(&app, |ws| ws.attributes())
}

#[tauri::command]
pub fn attribute_save(app: AppHandle, attribute: Attribute, expected_revision: Option<i64>) -> CmdResult<AttributeRow> {
    mutate(&app, |ws| ws.save_attribute(&attribute, expected_revision))
}

#[tauri::command]
pub fn attribute_delete(app: AppHandle, name: String, expected_revision: i64) -> CmdResult<()> {
    mutate(&app, |ws| ws.delete_attribute(&name, expected_revision))
}

#[tauri::command]
pub fn attribute_values(app: AppHandle, name: String) -> CmdResult<Vec<ValueCount>> {
    with_ws(&app, |ws| ws.attribute_values(&name, 50))
}

#[tauri::command]
pub fn shopper_page(app: AppHandle, offset: u64, limit: u64) -> CmdResult<ShopperPage> {
    with_ws(&app, |ws| ws.shopper_page(offset, limit.min(500)))
}

#[tauri::command]
pub async fn import_shoppers(
    app: AppHandle,
    path: String,
    options: ImportOptions,
    dry_run: bool,
) -> CmdResult<ImportReport> {
    // Async so a large import does not block the UI thread.
    if dry_run {
        return with_ws(&app, |ws| ws.import_shoppers(Path::new(&path), &options, true));
    }
    let _busy = crate::Busy::new(&app, "A shopper import");
    let cancel = state(&app).import_cancel.clone();
    cancel.store(false, std::sync::atomic::Ordering::SeqCst);
    // At most one event per 100 ms, and the last one always.
    let last = std::cell::Cell::new(None::<std::time::Instant>);
    let progress = |done: u64, total: u64| {
        if done < total && last.get().is_some_and(|t| t.elapsed() < std::time::Duration::from_millis(100)) {
            return;
        }
        last.set(Some(std::time::Instant::now()));
        let _ = app.emit("import-progress", ImportProgress { done, total });
    };
    let control = tailor_store::ImportControl { progress: &progress, cancel: &cancel };
    mutate(&app, |ws| ws.import_shoppers_with(Path::new(&path), &options, false, Some(&control)))
}

/// Rows of a running import written so far (the progress bar).
#[derive(Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// The import's Cancel button: the import rolls back at its next chunk.
#[tauri::command]
pub fn import_cancel(app: AppHandle) {
    state(&app).import_cancel.store(true, std::sync::atomic::Ordering::SeqCst);
}

#[tauri::command]
pub fn segment_list(app: AppHandle) -> CmdResult<Vec<SegmentRow>> {
    with_ws(&app, |ws| ws.segments())
}

#[tauri::command]
pub fn segment_save(app: AppHandle, segment: Segment, expected_revision: Option<i64>) -> CmdResult<SegmentRow> {
    mutate(&app, |ws| ws.save_segment(&segment, expected_revision))
}

#[tauri::command]
pub fn segment_delete(app: AppHandle, name: String, expected_revision: i64) -> CmdResult<()> {
    mutate(&app, |ws| ws.delete_segment(&name, expected_revision))
}

/// Runs `f` on the workspace on a blocking thread, so the window stays
/// responsive while it waits: the first reach or lint after opening a large
/// workspace (or after its shoppers changed) reads every shopper.
async fn off_main_thread<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut Workspace) -> tailor_store::Result<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(move || with_ws(&app, f)).await.map_err(|e| ErrorReport {
        kind: ErrorKind::Internal,
        message: e.to_string(),
        position: None,
    })?
}

#[tauri::command]
pub async fn condition_parse(app: AppHandle, text: String) -> CmdResult<Condition> {
    off_main_thread(app, move |ws| ws.parse_condition(&text)).await
}

#[tauri::command]
pub fn condition_print(condition: Condition) -> String {
    condition::print(&condition)
}

#[tauri::command]
pub async fn reach(app: AppHandle, condition: Condition) -> CmdResult<ReachReport> {
    off_main_thread(app, move |ws| ws.reach(&condition, 5)).await
}

#[tauri::command]
pub async fn lint(app: AppHandle) -> CmdResult<Vec<Finding>> {
    off_main_thread(app, |ws| ws.lint()).await
}

#[tauri::command]
pub fn history_list(app: AppHandle, limit: u64) -> CmdResult<Vec<HistoryEntry>> {
    with_ws(&app, |ws| ws.history(limit, 50, None))
}

#[tauri::command]
pub fn undo(app: AppHandle) -> CmdResult<WorkspaceInfo> {
    mutate(&app, |ws| {
        ws.undo()?;
        ws.info()
    })
}

#[tauri::command]
pub fn redo(app: AppHandle) -> CmdResult<WorkspaceInfo> {
    mutate(&app, |ws| {
        ws.redo()?;
        ws.info()
    })
}
