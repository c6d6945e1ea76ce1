//! The application menu (File, Edit, View, Help) through Tauri's menu API.
//! Items that need the page (dialogs, the current screen, text fields) are
//! sent to it as `menu` events; Open Recent and Quit are handled here.

use serde::Serialize;
use tauri::menu::{Menu, MenuBuilder, MenuItemBuilder, PredefinedMenuItem, Submenu, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Wry};
use ts_rs::TS;

use crate::recent;

/// The main screens and their shortcuts; ids are the UI's `SectionId`s.
pub const SCREENS: &[(&str, &str, &str)] = &[
    ("segments", "Segments", "CmdOrCtrl+1"),
    ("attributes", "Attributes", "CmdOrCtrl+2"),
    ("shoppers", "Shoppers", "CmdOrCtrl+3"),
    ("journey", "Journey && Pages", "CmdOrCtrl+4"),
    ("content", "Content", "CmdOrCtrl+5"),
    ("content-plan", "Content Plan", "CmdOrCtrl+6"),
    ("campaigns", "Campaigns", "CmdOrCtrl+7"),
    ("constraints", "Constraints", "CmdOrCtrl+8"),
    ("catalog", "Catalog", "CmdOrCtrl+9"),
    ("review", "Due for Review", "CmdOrCtrl+0"),
    ("simulate", "Simulate", "CmdOrCtrl+Alt+S"),
    ("publish", "Publish", "CmdOrCtrl+Alt+P"),
    ("history", "History", "CmdOrCtrl+Alt+H"),
];

/// What the page is asked to do: `file.new`, `edit.undo`, `view.segments`…
#[derive(Clone, Serialize, TS)]
#[ts(export)]
pub struct MenuAction {
    pub action: String,
    /// A failure the shell met itself (an Open Recent file that is gone).
    #[ts(optional)]
    pub error: Option<String>,
}

fn item(app: &AppHandle, id: &str, label: &str, accel: Option<&str>) -> tauri::Result<tauri::menu::MenuItem<Wry>> {
    let b = MenuItemBuilder::with_id(id, label);
    match accel {
        Some(a) => b.accelerator(a).build(app),
        None => b.build(app),
    }
}

fn recent_submenu(app: &AppHandle) -> tauri::Result<Submenu<Wry>> {
    let mut sub = SubmenuBuilder::with_id(app, "file.recent", "Open Recent");
    let list = recent::load(app);
    if list.is_empty() {
        sub = sub.item(&MenuItemBuilder::with_id("recent.none", "No recent workspaces").enabled(false).build(app)?);
    }
    for (i, r) in list.iter().enumerate() {
        sub = sub.item(&item(app, &format!("recent:{i}"), &format!("{} ({})", r.name, r.path), None)?);
    }
    sub.build()
}

pub fn build(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let file = SubmenuBuilder::new(app, "File")
        .item(&item(app, "file.new", "New Workspace…", Some("CmdOrCtrl+N"))?)
        .item(&item(app, "file.open", "Open…", Some("CmdOrCtrl+O"))?)
        .item(&recent_submenu(app)?)
        .item(&item(app, "file.close", "Close Workspace", Some("CmdOrCtrl+W"))?)
        .separator()
        .item(&item(app, "file.import_spec", "Import Spec…", Some("CmdOrCtrl+Shift+I"))?)
        .item(&item(app, "file.export_spec", "Export Spec…", Some("CmdOrCtrl+Shift+E"))?)
        .separator()
        .item(&item(app, "file.quit", "Quit", Some("CmdOrCtrl+Q"))?)
        .build()?;
    // Cut, copy, paste and select all stay the platform's own (the page's
    // text fields keep them); undo and redo go to the page, which undoes text
    // in a text field and the last workspace change elsewhere.
    let edit = SubmenuBuilder::new(app, "Edit")
        .item(&item(app, "edit.undo", "Undo", Some("CmdOrCtrl+Z"))?)
        .item(&item(app, "edit.redo", "Redo", Some("CmdOrCtrl+Shift+Z"))?)
        .separator()
        .item(&PredefinedMenuItem::cut(app, None)?)
        .item(&PredefinedMenuItem::copy(app, None)?)
        .item(&PredefinedMenuItem::paste(app, None)?)
        .item(&PredefinedMenuItem::select_all(app, None)?)
        .separator()
        .item(&item(app, "edit.find", "Find…", Some("CmdOrCtrl+F"))?)
        .build()?;
    let mut view = SubmenuBuilder::new(app, "View");
    for (id, label, accel) in SCREENS {
        view = view.item(&item(app, &format!("view.{id}"), label, Some(accel))?);
    }
    let help = SubmenuBuilder::new(app, "Help")
        .item(&item(app, "help.guide", "Guide", Some("F1"))?)
        .item(&item(app, "help.check_updates", "Check for Updates…", None)?)
        .separator()
        .item(&item(app, "help.about", "About Tailor", None)?)
        .build()?;
    MenuBuilder::new(app).item(&file).item(&edit).item(&view.build()?).item(&help).build()
}

/// Rebuilds the menu (the recent list changed).
pub fn refresh(app: &AppHandle) {
    match build(app) {
        Ok(menu) => {
            if let Err(e) = app.set_menu(menu) {
                eprintln!("could not update the menu: {e}");
            }
        }
        Err(e) => eprintln!("could not build the menu: {e}"),
    }
}

pub fn handle(app: &AppHandle, id: &str) {
    if id == "file.quit" {
        app.exit(0);
        return;
    }
    if let Some(i) = id.strip_prefix("recent:").and_then(|i| i.parse::<usize>().ok()) {
        let Some(r) = recent::load(app).into_iter().nth(i) else { return };
        open_in_background(app, r.path);
        return;
    }
    let _ = app.emit("menu", MenuAction { action: id.to_string(), error: None });
}

/// Opens a workspace for the shell (Open Recent, a file handed over by a
/// second start) on a blocking thread, so the menu's main thread never waits
/// for the workspace lock or the file; a failure reaches the page as a `menu`
/// error.
pub fn open_in_background(app: &AppHandle, path: String) {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(e) = crate::commands::open_path(&app, &path) {
            let _ = app.emit("menu", MenuAction { action: "error".into(), error: Some(e.message) });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::SCREENS;

    #[test]
    fn every_screen_has_its_own_shortcut() {
        let mut accels: Vec<_> = SCREENS.iter().map(|s| s.2).collect();
        accels.sort();
        accels.dedup();
        assert_eq!(accels.len(), SCREENS.len());
    }
}

/// Help → About: the versions a support request needs.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct AboutInfo {
    pub app_version: String,
    pub engine_version: String,
    /// Migrations a workspace file of this build has.
    #[ts(type = "number")]
    pub workspace_schema: i64,
    pub bundle_schema: u32,
    pub tauri_version: String,
    pub webkit_version: String,
}

#[tauri::command]
pub fn about_info(app: AppHandle) -> AboutInfo {
    AboutInfo {
        app_version: app.package_info().version.to_string(),
        engine_version: tailor_engine::VERSION.to_string(),
        workspace_schema: tailor_store::schema_version(),
        bundle_schema: tailor_bundle::BUNDLE_SCHEMA_VERSION,
        tauri_version: tauri::VERSION.to_string(),
        webkit_version: tauri::webview_version().unwrap_or_else(|e| format!("unknown ({e})")),
    }
}
