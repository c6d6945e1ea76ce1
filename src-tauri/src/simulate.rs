//! IPC for the Simulate screens: preview, batch simulation, impact, personas.

use std::sync::atomic::Ordering;

use serde::Serialize;
use serde_json::{Map, Value};
use tailor_engine::plan::{Context, Decision, DecisionRequest};
use tailor_model::persona::Persona;
use tailor_sim::impact::ImpactReport;
use tailor_sim::simulate::{SimOptions, SimReport};
use tailor_store::types::{ErrorKind, ErrorReport, ShopperRow};
use tailor_store::{SavedSimulation, Workspace};
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

use crate::commands::{CmdResult, blocking, invalid, mutate_off_main_thread, off_main_thread, with_ws};
use crate::state;

fn timestamp(s: Option<&str>, what: &str) -> CmdResult<Option<jiff::Timestamp>> {
    s.filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|e| invalid(format!("{what}: {e} (expected RFC 3339, e.g. 2026-12-01T10:00:00Z)"))))
        .transpose()
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct PreviewPlacement {
    id: String,
    kind: tailor_model::plan::PlacementKind,
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct PreviewPage {
    name: String,
    stage: String,
    placements: Vec<PreviewPlacement>,
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct PreviewProduct {
    id: String,
    title: String,
    category: Option<String>,
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct PreviewContext {
    pages: Vec<PreviewPage>,
    personas: Vec<Persona>,
    boundaries: Vec<String>,
    sample_ids: Vec<String>,
    products: Vec<PreviewProduct>,
    digest: String,
}

#[tauri::command]
pub async fn preview_context(app: AppHandle) -> CmdResult<PreviewContext> {
    off_main_thread(app, |ws| {
        let snapshot = ws.snapshot()?;
        Ok(PreviewContext {
            pages: snapshot
                .page_types
                .iter()
                .map(|p| PreviewPage {
                    name: p.name.clone(),
                    stage: p.stage.clone(),
                    placements: p
                        .placements
                        .iter()
                        .map(|pl| PreviewPlacement { id: format!("{}.{}", p.name, pl.name), kind: pl.kind })
                        .collect(),
                })
                .collect(),
            personas: ws.items()?,
            boundaries: tailor_sim::boundaries::schedule_boundaries(&snapshot).iter().map(|t| t.to_string()).collect(),
            sample_ids: ws.shopper_page(0, 100)?.rows.into_iter().map(|r| r.id).collect(),
            products: ws
                .catalog_page(0, 200, Some("rank"), false, None)?
                .rows
                .into_iter()
                .map(|p| PreviewProduct { id: p.id, title: p.title, category: p.category })
                .collect(),
            digest: ws.rules_digest()?,
        })
    })
    .await
}

#[derive(Serialize)]
pub struct PreviewResult {
    decision: Decision,
    text: String,
    digest: String,
}

/// One shopper's whole page with the trace: the engine the service runs, on
/// the workspace's current rules.
#[tauri::command]
pub async fn preview_decide(
    app: AppHandle,
    shopper: Map<String, Value>,
    page: String,
    at: Option<String>,
    product: Option<String>,
) -> CmdResult<PreviewResult> {
    let at = timestamp(at.as_deref(), "time")?;
    blocking(app, move |app| {
        let (plan, digest) = with_ws(app, |ws| {
            let plan = ws.plan()?;
            let digest = ws.rules_digest()?;
            Ok((plan, digest))
        })?;
        let req = DecisionRequest {
            shopper,
            page,
            at,
            context: Context { product: product.filter(|p| !p.is_empty()), ..Context::default() },
            explain: true,
        };
        let mut decision =
            tailor_engine::plan::decide_json(&plan, &req, jiff::Timestamp::now()).map_err(|e| invalid(e.to_string()))?;
        decision.bundle_digest = Some(digest.clone());
        let text = decision.render_text(&plan);
        Ok(PreviewResult { decision, text, digest })
    })
    .await
}

#[tauri::command]
pub async fn shopper_get(app: AppHandle, id: String) -> CmdResult<ShopperRow> {
    off_main_thread(app, move |ws| ws.shopper(&id)).await
}

#[tauri::command]
pub async fn persona_list(app: AppHandle) -> CmdResult<Vec<Persona>> {
    off_main_thread(app, |ws| ws.items()).await
}

#[tauri::command]
pub async fn persona_save(app: AppHandle, persona: Persona) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| {
        let revision = ws.get::<Persona>(&persona.name).ok().map(|v| v.revision);
        ws.save(&persona, revision).map(drop)
    })
    .await
}

#[tauri::command]
pub async fn persona_delete(app: AppHandle, name: String) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| {
        let v = ws.get::<Persona>(&name)?;
        ws.delete::<Persona>(&name, v.revision)
    })
    .await
}

/// Runs the batch simulation off the UI thread; progress arrives as
/// `simulation-progress` events; a finished run is saved with its digest.
#[tauri::command]
pub async fn simulation_run(
    app: AppHandle,
    pages: Option<Vec<String>>,
    at: Option<String>,
    from: Option<String>,
    to: Option<String>,
    step: Option<String>,
) -> CmdResult<SimReport> {
    let _busy = crate::Busy::new(&app, "A simulation");
    let at = timestamp(at.as_deref(), "time")?.unwrap_or_else(jiff::Timestamp::now);
    let range = match (timestamp(from.as_deref(), "from")?, timestamp(to.as_deref(), "to")?) {
        (Some(f), Some(t)) => {
            let step: jiff::Span = step
                .as_deref()
                .unwrap_or("1d")
                .parse()
                .map_err(|e| invalid(format!("step: {e} (e.g. 1d, 6h)")))?;
            Some(tailor_sim::simulate::times_between(f, t, step))
        }
        (None, None) => None,
        _ => return Err(invalid("a date range needs both from and to")),
    };
    // Take what the run needs, then let go of the workspace while it runs.
    let (plan, snapshot, table, digest) = off_main_thread(app.clone(), |ws: &mut Workspace| {
        Ok((ws.plan()?, ws.snapshot()?, ws.shopper_table()?.1, ws.rules_digest()?))
    })
    .await?;
    let cancel = state(&app).sim_cancel.clone();
    cancel.store(false, Ordering::SeqCst);
    let handle = app.clone();
    let report = tauri::async_runtime::spawn_blocking(move || {
        let mut opts = SimOptions::for_snapshot(&snapshot, at);
        opts.pages = pages.filter(|p| !p.is_empty());
        if let Some(times) = range {
            opts.times = times;
        }
        let progress = |p: tailor_sim::Progress| {
            let _ = handle.emit("simulation-progress", p);
        };
        tailor_sim::simulate::simulate(&plan, tailor_sim::from_table(&table), &opts, &progress, &cancel)
    })
    .await
    .map_err(|e| invalid(e.to_string()))?;
    let report = match report {
        Ok(r) => r,
        Err(tailor_sim::SimError::Cancelled) => {
            return Err(invalid("the simulation was cancelled; no results were saved"));
        }
        Err(e) => return Err(invalid(e.to_string())),
    };
    mutate_off_main_thread(app, move |ws| {
        ws.save_simulation(&report, &digest)?;
        Ok(report)
    })
    .await
}

#[tauri::command]
pub fn simulation_cancel(app: AppHandle) {
    state(&app).sim_cancel.store(true, Ordering::SeqCst);
}

#[tauri::command]
pub async fn simulation_last(app: AppHandle) -> CmdResult<Option<SavedSimulation>> {
    off_main_thread(app, |ws| ws.last_simulation()).await
}

#[tauri::command]
pub async fn simulation_export(app: AppHandle, format: String, path: String) -> CmdResult<()> {
    blocking(app, move |app| {
        let last = with_ws(app, |ws| ws.last_simulation())?.ok_or_else(|| invalid("run a simulation first"))?;
        let text = match format.as_str() {
            "csv" => last.report.to_csv(),
            "html" => last.report.to_html(),
            other => return Err(invalid(format!("unknown export format {other} (csv or html)"))),
        };
        std::fs::write(&path, text).map_err(|e| ErrorReport {
            kind: ErrorKind::Io,
            message: format!("writing {path}: {e}"),
            position: None,
        })
    })
    .await
}

#[tauri::command]
pub async fn simulation_drilldown(app: AppHandle, key: String) -> CmdResult<Vec<ShopperRow>> {
    off_main_thread(app, move |ws| {
        let ids = ws
            .last_simulation()?
            .and_then(|s| s.report.drilldown.get(&key).cloned())
            .unwrap_or_default();
        // Shoppers deleted since the run are skipped.
        Ok(ids.iter().filter_map(|id| ws.shopper(id).ok()).collect())
    })
    .await
}

/// The draft against the last bundle published (to `environment`, or any).
#[tauri::command]
pub async fn impact_run(app: AppHandle, environment: Option<String>) -> CmdResult<ImpactReport> {
    let (draft, snapshot, table, base) = off_main_thread(app.clone(), move |ws: &mut Workspace| {
        let published = ws.published(environment.as_deref().filter(|e| !e.is_empty()), true)?;
        Ok((ws.plan()?, ws.snapshot()?, ws.shopper_table()?.1, published.into_iter().next()))
    })
    .await?;
    let base = base.ok_or_else(|| invalid("nothing has been published from this workspace yet"))?;
    let rules = tailor_publish::rules_of_envelope(&base.envelope).map_err(|e| invalid(e.to_string()))?;
    let base_plan = tailor_engine::plan::Plan::compile(&rules)
        .map_err(|e| invalid(format!("the published rules do not compile: {}", e.len())))?;
    let cancel = state(&app).sim_cancel.clone();
    cancel.store(false, Ordering::SeqCst);
    tauri::async_runtime::spawn_blocking(move || {
        let opts = SimOptions::for_snapshot(&snapshot, jiff::Timestamp::now());
        tailor_sim::impact::impact(&draft, &base_plan, tailor_sim::from_table(&table), &opts, &|_| {}, &cancel)
    })
    .await
    .map_err(|e| invalid(e.to_string()))?
    .map_err(|e| invalid(e.to_string()))
}

