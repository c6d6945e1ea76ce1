//! IPC for authoring the content plan: one save/delete pair per entity kind,
//! plus reorder, revert, constraints and the catalog.

use serde::Serialize;
use tailor_model::plan::{Campaign, Constraints, Content, PageType, PlanEntry, Stage};
use tailor_sim::hygiene::HygieneReport;
use tailor_store::types::{EntityKind, HistoryEntry, SegmentRow};
use tailor_store::{CatalogImportReport, CatalogPage, Versioned};
use tauri::AppHandle;
use ts_rs::TS;

use crate::commands::{CmdResult, blocking, mutate, mutate_off_main_thread, off_main_thread, with_ws};

/// Everything the plan screens show, in one round trip.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct PlanData {
    pub stages: Vec<Versioned<Stage>>,
    pub page_types: Vec<Versioned<PageType>>,
    pub content: Vec<Versioned<Content>>,
    pub campaigns: Vec<Versioned<Campaign>>,
    pub entries: Vec<Versioned<PlanEntry>>,
    pub constraints: Constraints,
    pub segments: Vec<SegmentRow>,
    #[ts(type = "number")]
    pub product_count: u64,
}

#[tauri::command]
pub async fn plan_data(app: AppHandle) -> CmdResult<PlanData> {
    off_main_thread(app, |ws| {
        Ok(PlanData {
            stages: ws.list()?,
            page_types: ws.list()?,
            content: ws.list()?,
            campaigns: ws.list()?,
            entries: ws.list()?,
            constraints: ws.constraints()?,
            segments: ws.segments()?,
            product_count: ws.catalog_page(0, 0, None, false, None)?.total,
        })
    })
    .await
}

macro_rules! save_delete {
    ($ty:ty, $save:ident, $delete:ident) => {
        #[tauri::command]
        pub async fn $save(app: AppHandle, item: $ty, expected_revision: Option<i64>) -> CmdResult<Versioned<$ty>> {
            mutate_off_main_thread(app, move |ws| ws.save(&item, expected_revision)).await
        }

        #[tauri::command]
        pub async fn $delete(app: AppHandle, key: String, expected_revision: i64) -> CmdResult<()> {
            mutate_off_main_thread(app, move |ws| ws.delete::<$ty>(&key, expected_revision)).await
        }
    };
}

save_delete!(Stage, stage_save, stage_delete);
save_delete!(PageType, page_type_save, page_type_delete);
save_delete!(Content, content_save, content_delete);
save_delete!(Campaign, campaign_save, campaign_delete);
save_delete!(PlanEntry, entry_save, entry_delete);

#[tauri::command]
pub async fn constraints_save(app: AppHandle, constraints: Constraints) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.save_constraints(&constraints)).await
}

#[tauri::command]
pub async fn entry_reorder(app: AppHandle, ordered_ids: Vec<String>) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.reorder_entries(&ordered_ids).map(drop)).await
}

#[tauri::command]
pub async fn item_history(app: AppHandle, kind: EntityKind, key: String) -> CmdResult<Vec<HistoryEntry>> {
    off_main_thread(app, move |ws| ws.history(100, 50, Some((kind, &key)))).await
}

#[tauri::command]
pub async fn item_revert(app: AppHandle, kind: EntityKind, key: String, txn: i64) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.revert(kind, &key, txn)).await
}

#[tauri::command]
pub async fn catalog_page(
    app: AppHandle,
    offset: u64,
    limit: u64,
    sort: Option<String>,
    descending: bool,
    filter: Option<String>,
) -> CmdResult<CatalogPage> {
    off_main_thread(app, move |ws| {
        ws.catalog_page(offset, limit.min(500), sort.as_deref(), descending, filter.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn catalog_import(
    app: AppHandle,
    path: String,
    format: tailor_store::CatalogFormat,
    mapping: std::collections::BTreeMap<String, String>,
    dry_run: bool,
) -> CmdResult<CatalogImportReport> {
    blocking(app, move |app| {
        let run = |ws: &mut tailor_store::Workspace| {
            ws.import_catalog_as(std::path::Path::new(&path), format, &mapping, dry_run)
        };
        if dry_run { with_ws(app, run) } else { mutate(app, run) }
    })
    .await
}

#[tauri::command]
pub async fn catalog_hygiene(app: AppHandle, stale_days: u32) -> CmdResult<HygieneReport> {
    off_main_thread(app, move |ws| ws.catalog_hygiene(stale_days)).await
}
