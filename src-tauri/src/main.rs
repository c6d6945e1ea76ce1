//! Tailor's desktop shell. Each command parses its arguments, calls a crate
//! and maps the error to an [`ErrorReport`]; no business logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Simulation in the app allocates as much as the CLI's: same allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod authoring;
mod commands;
mod estimate;
mod menu;
mod publish;
mod recent;
mod simulate;
mod spec;
mod update;

use std::sync::Mutex;

use tauri::Manager;

/// The open workspace, if any. One per window (the app has one window).
#[derive(Default)]
pub struct AppState {
    pub workspace: Mutex<Option<tailor_store::Workspace>>,
    /// Raised by the Cancel button of a running simulation.
    pub sim_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Raised by the Cancel button of a running shopper import.
    pub import_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Work an update must not interrupt ("A simulation", "A publish").
    busy: std::sync::Arc<BusyList>,
}

/// What is running that an update must wait for.
#[derive(Default)]
pub struct BusyList(Mutex<Vec<&'static str>>);

impl BusyList {
    /// The first piece of work still running, if any.
    pub fn first(&self) -> Option<&'static str> {
        self.0.lock().ok()?.first().copied()
    }
}

/// Marks work an update must wait for, while it lives.
pub struct Busy(std::sync::Arc<BusyList>, &'static str);

impl Busy {
    pub fn new(app: &tauri::AppHandle, what: &'static str) -> Self {
        Self::on(state(app).busy.clone(), what)
    }

    fn on(list: std::sync::Arc<BusyList>, what: &'static str) -> Self {
        if let Ok(mut b) = list.0.lock() {
            b.push(what);
        }
        Busy(list, what)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Ok(mut b) = self.0.0.lock()
            && let Some(i) = b.iter().position(|w| *w == self.1)
        {
            b.remove(i);
        }
    }
}

/// The running work an update would interrupt, if any.
pub fn busy_with(app: &tauri::AppHandle) -> Option<&'static str> {
    state(app).busy.first()
}

fn main() {
    // A workspace path given on the command line wins over the recent list.
    let path_arg = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    tauri::Builder::default()
        // First, so a second start hands its file to the running app and exits.
        .plugin(tauri_plugin_single_instance::init(|app, argv, cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
            if let Some(path) = argv.iter().skip(1).find(|a| !a.starts_with('-')) {
                let path = std::path::Path::new(&cwd).join(path).display().to_string();
                menu::open_in_background(app, path);
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(AppState::default())
        .manage(update::UpdateState::default())
        .menu(|app| menu::build(app))
        .on_menu_event(|app, event| menu::handle(app, event.id().as_ref()))
        .setup(move |app| {
            let handle = app.handle().clone();
            let start = path_arg
                .clone()
                .or_else(|| recent::load(&handle).first().map(|r| r.path.clone()));
            if let Some(path) = start {
                // A missing or broken last workspace just shows the welcome screen.
                if let Err(e) = commands::open_path(&handle, &path) {
                    eprintln!("could not reopen {path}: {}", e.message);
                }
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspace_create,
            commands::workspace_open,
            commands::workspace_create_example,
            commands::workspace_current,
            commands::workspace_recent,
            commands::workspace_close,
            commands::example_list,
            commands::attribute_list,
            commands::attribute_save,
            commands::attribute_delete,
            commands::attribute_values,
            commands::shopper_page,
            commands::import_shoppers,
            commands::import_cancel,
            commands::segment_list,
            commands::segment_save,
            commands::segment_delete,
            commands::condition_parse,
            commands::condition_print,
            commands::reach,
            commands::lint,
            commands::history_list,
            commands::undo,
            commands::redo,
            authoring::plan_data,
            authoring::stage_save,
            authoring::stage_delete,
            authoring::page_type_save,
            authoring::page_type_delete,
            authoring::content_save,
            authoring::content_delete,
            authoring::campaign_save,
            authoring::campaign_delete,
            authoring::entry_save,
            authoring::entry_delete,
            authoring::constraints_save,
            authoring::entry_reorder,
            authoring::item_history,
            authoring::item_revert,
            authoring::catalog_page,
            authoring::catalog_import,
            authoring::catalog_hygiene,
            simulate::preview_context,
            simulate::preview_decide,
            simulate::shopper_get,
            simulate::persona_list,
            simulate::persona_save,
            simulate::persona_delete,
            simulate::simulation_run,
            simulate::simulation_cancel,
            simulate::simulation_last,
            simulate::simulation_export,
            simulate::simulation_drilldown,
            simulate::impact_run,
            estimate::event_sets,
            estimate::events_import,
            estimate::event_set_delete,
            estimate::estimate_run,
            publish::environment_list,
            publish::environment_save,
            publish::environment_delete,
            publish::keys_list,
            publish::keys_generate,
            publish::secret_store_status,
            publish::token_save,
            publish::token_delete,
            publish::publish_preview,
            publish::publish_run,
            publish::rollback_run,
            publish::published_list,
            publish::pull_run,
            publish::conflicts_list,
            publish::conflict_resolve,
            publish::conflict_edit,
            publish::bases_list,
            publish::workspace_init_from,
            publish::promote_preview,
            publish::promote_run,
            publish::pending_list,
            publish::pending_open,
            publish::pending_approve,
            publish::published_provenance,
            spec::spec_export,
            spec::spec_import,
            menu::about_info,
            update::update_check,
            update::update_download,
            update::update_install,
        ])
        .build(tauri::generate_context!())
        .expect("error while starting Tailor")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                update::install_on_exit(app);
            }
        });
}

/// Convenience for commands: the managed state.
pub fn state(app: &tauri::AppHandle) -> tauri::State<'_, AppState> {
    app.state::<AppState>()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Busy, BusyList};

    #[test]
    fn work_is_busy_until_its_guard_is_dropped_even_when_two_overlap() {
        let list = Arc::new(BusyList::default());
        assert_eq!(list.first(), None);
        let sim = Busy::on(list.clone(), "A simulation");
        let publish = Busy::on(list.clone(), "A publish");
        assert_eq!(list.first(), Some("A simulation"));
        drop(sim);
        assert_eq!(list.first(), Some("A publish"));
        // A publish that fails with `?` drops its guard on the way out too.
        let failed = || -> Result<(), ()> {
            let _busy = Busy::on(list.clone(), "A promotion");
            Err(())
        };
        assert!(failed().is_err());
        assert_eq!(list.first(), Some("A publish"));
        drop(publish);
        assert_eq!(list.first(), None);
    }
}
