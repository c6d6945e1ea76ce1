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

/// Runs `f` on a blocking thread and waits for it without holding the
/// thread that awaits: neither the main (GTK) thread nor a tokio worker ever
/// waits for the workspace lock or for I/O. Every command that takes the
/// workspace, reads or writes a file, or talks to the network goes through
/// here (or [`off_main_thread`] / [`mutate_off_main_thread`]), so the window
/// keeps painting while the first reach after opening a large workspace holds
/// the lock for seconds.
pub async fn blocking<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppHandle) -> CmdResult<T> + Send + 'static,
) -> CmdResult<T> {
    on_blocking_thread(move || f(&app)).await
}

/// [`blocking`] for work that needs no app handle (the OS keyring, key files).
pub async fn on_blocking_thread<T: Send + 'static>(f: impl FnOnce() -> CmdResult<T> + Send + 'static) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| ErrorReport {
        kind: ErrorKind::Internal,
        message: e.to_string(),
        position: None,
    })?
}

/// [`with_ws`] on a blocking thread.
pub async fn off_main_thread<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut Workspace) -> tailor_store::Result<T> + Send + 'static,
) -> CmdResult<T> {
    blocking(app, move |app| with_ws(app, f)).await
}

/// [`mutate`] on a blocking thread: the change, then the event and the title.
pub async fn mutate_off_main_thread<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut Workspace) -> tailor_store::Result<T> + Send + 'static,
) -> CmdResult<T> {
    blocking(app, move |app| mutate(app, f)).await
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
pub async fn workspace_create(app: AppHandle, path: String) -> CmdResult<WorkspaceInfo> {
    blocking(app, move |app| install(app, Workspace::create(absolute(&path)).map_err(report)?)).await
}

#[tauri::command]
pub async fn workspace_create_example(app: AppHandle, path: String, example: String) -> CmdResult<WorkspaceInfo> {
    blocking(app, move |app| {
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
        install(app, ws)
    })
    .await
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
pub async fn workspace_open(app: AppHandle, path: String) -> CmdResult<WorkspaceInfo> {
    blocking(app, move |app| open_path(app, &absolute(&path))).await
}

#[tauri::command]
pub async fn workspace_current(app: AppHandle) -> CmdResult<Option<WorkspaceInfo>> {
    match off_main_thread(app, |ws| ws.info()).await {
        Ok(i) => Ok(Some(i)),
        Err(e) if e.kind == ErrorKind::NoWorkspace => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads the recent list and checks each file is still there (file I/O).
#[tauri::command]
pub async fn workspace_recent(app: AppHandle) -> Vec<RecentWorkspace> {
    blocking(app, |app| Ok(recent::prune(app))).await.unwrap_or_default()
}

#[tauri::command]
pub async fn workspace_close(app: AppHandle) -> CmdResult<()> {
    blocking(app, |app| {
        // Closing checkpoints the file and frees the shopper columns: both
        // after the lock is released.
        let closed = state(app).workspace.lock().map_err(|_| no_workspace())?.take();
        drop(closed);
        changed(app);
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn attribute_list(app: AppHandle) -> CmdResult<Vec<AttributeRow>> {
    off_main_thread(app, |ws| ws.attributes()).await
}

#[tauri::command]
pub async fn attribute_save(
    app: AppHandle,
    attribute: Attribute,
    expected_revision: Option<i64>,
) -> CmdResult<AttributeRow> {
    mutate_off_main_thread(app, move |ws| ws.save_attribute(&attribute, expected_revision)).await
}

#[tauri::command]
pub async fn attribute_delete(app: AppHandle, name: String, expected_revision: i64) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.delete_attribute(&name, expected_revision)).await
}

#[tauri::command]
pub async fn attribute_values(app: AppHandle, name: String) -> CmdResult<Vec<ValueCount>> {
    off_main_thread(app, move |ws| ws.attribute_values(&name, 50)).await
}

#[tauri::command]
pub async fn shopper_page(app: AppHandle, offset: u64, limit: u64) -> CmdResult<ShopperPage> {
    off_main_thread(app, move |ws| ws.shopper_page(offset, limit.min(500))).await
}

#[tauri::command]
pub async fn import_shoppers(
    app: AppHandle,
    path: String,
    options: ImportOptions,
    dry_run: bool,
) -> CmdResult<ImportReport> {
    // On a blocking thread so a large import blocks neither the UI thread
    // nor a tokio worker.
    if dry_run {
        return off_main_thread(app, move |ws| ws.import_shoppers(Path::new(&path), &options, true)).await;
    }
    let _busy = crate::Busy::new(&app, "A shopper import");
    let cancel = state(&app).import_cancel.clone();
    cancel.store(false, std::sync::atomic::Ordering::SeqCst);
    blocking(app, move |app| {
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
        mutate(app, |ws| ws.import_shoppers_with(Path::new(&path), &options, false, Some(&control)))
    })
    .await
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
pub async fn segment_list(app: AppHandle) -> CmdResult<Vec<SegmentRow>> {
    off_main_thread(app, |ws| ws.segments()).await
}

#[tauri::command]
pub async fn segment_save(app: AppHandle, segment: Segment, expected_revision: Option<i64>) -> CmdResult<SegmentRow> {
    mutate_off_main_thread(app, move |ws| ws.save_segment(&segment, expected_revision)).await
}

#[tauri::command]
pub async fn segment_delete(app: AppHandle, name: String, expected_revision: i64) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.delete_segment(&name, expected_revision)).await
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
pub async fn history_list(app: AppHandle, limit: u64) -> CmdResult<Vec<HistoryEntry>> {
    off_main_thread(app, move |ws| ws.history(limit, 50, None)).await
}

#[tauri::command]
pub async fn undo(app: AppHandle) -> CmdResult<WorkspaceInfo> {
    mutate_off_main_thread(app, |ws| {
        ws.undo()?;
        ws.info()
    })
    .await
}

#[tauri::command]
pub async fn redo(app: AppHandle) -> CmdResult<WorkspaceInfo> {
    mutate_off_main_thread(app, |ws| {
        ws.redo()?;
        ws.info()
    })
    .await
}
