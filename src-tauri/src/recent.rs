//! Recently opened workspaces, kept in the app's data directory (never in a
//! workspace file).

use tailor_store::types::RecentWorkspace;
use tauri::Manager;

const MAX: usize = 10;

fn file(app: &tauri::AppHandle) -> Option<std::path::PathBuf> {
    app.path().app_data_dir().ok().map(|d| d.join("recent.json"))
}

pub fn load(app: &tauri::AppHandle) -> Vec<RecentWorkspace> {
    file(app)
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// Moves `path` to the top of the list. Failure to write is not fatal.
pub fn remember(app: &tauri::AppHandle, path: &str, name: &str) {
    let mut list = load(app);
    list.retain(|r| r.path != path);
    list.insert(
        0,
        RecentWorkspace {
            path: path.into(),
            name: name.into(),
            opened_at: jiff::Timestamp::now().to_string(),
        },
    );
    list.truncate(MAX);
    if let Some(f) = file(app) {
        if let Some(dir) = f.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // Write-then-rename so a crash never leaves a half-written list.
        let tmp = f.with_extension("json.tmp");
        if std::fs::write(&tmp, serde_json::to_vec_pretty(&list).unwrap_or_default()).is_ok() {
            let _ = std::fs::rename(&tmp, &f);
        }
    }
}

/// Drops entries whose file is gone.
pub fn prune(app: &tauri::AppHandle) -> Vec<RecentWorkspace> {
    load(app)
        .into_iter()
        .filter(|r| std::path::Path::new(&r.path).exists())
        .collect()
}
