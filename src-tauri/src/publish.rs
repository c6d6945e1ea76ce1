//! IPC for publishing: environments, signing keys, review, publish, rollback.

use serde::Serialize;
use tailor_publish::{PublishOptions, PublishOutcome, PublishPreview, Step, Target};
use tailor_store::types::{ErrorKind, ErrorReport};
use tailor_store::{Environment, PublishedBundle};
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

use crate::commands::{CmdResult, changed, with_ws};

fn err(kind: ErrorKind, message: impl Into<String>) -> ErrorReport {
    ErrorReport { kind, message: message.into(), position: None }
}

fn publish_error(e: tailor_publish::PublishError) -> ErrorReport {
    let kind = match &e {
        tailor_publish::PublishError::Unreachable { .. } => ErrorKind::Io,
        tailor_publish::PublishError::Behind { .. } | tailor_publish::PublishError::OpenConflicts(_) => ErrorKind::Conflict,
        tailor_publish::PublishError::Store(s) => s.kind(),
        _ => ErrorKind::Invalid,
    };
    err(kind, e.to_string())
}

/// The upload token: the environment's in the OS keyring, else
/// `TAILOR_PUBLISH_TOKEN`; never from the workspace.
fn token(environment: &str) -> Option<String> {
    tailor_bundle::PublishTokens::open_default().get(environment).map(|t| t.token.to_string())
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct EnvironmentStatus {
    environment: Environment,
    token_available: bool,
    /// Where the token comes from: "OS keyring (Secret Service)" (or the
    /// platform's keyring) or "TAILOR_PUBLISH_TOKEN".
    token_source: Option<String>,
}

#[tauri::command]
pub fn environment_list(app: AppHandle) -> CmdResult<Vec<EnvironmentStatus>> {
    let envs = with_ws(&app, |ws| ws.environments())?;
    let tokens = tailor_bundle::PublishTokens::open_default();
    Ok(envs
        .into_iter()
        .map(|environment| {
            let source = tokens.get(&environment.name).map(|t| t.source.to_string());
            EnvironmentStatus { environment, token_available: source.is_some(), token_source: source }
        })
        .collect())
}

/// Where secrets go on this machine, for the Publish screen.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct SecretStoreStatus {
    /// Whether the OS keyring answered (new keys and saved tokens go there).
    keyring: bool,
    /// Where new signing keys go: the keyring's name, or "0600 files in DIR".
    keys_stored_in: String,
    /// Why keys are files and tokens only `TAILOR_PUBLISH_TOKEN`, when so.
    note: Option<String>,
}

#[tauri::command]
pub fn secret_store_status() -> CmdResult<SecretStoreStatus> {
    let store = keystore()?;
    Ok(SecretStoreStatus {
        keyring: store.uses_keyring(),
        keys_stored_in: store.describe(),
        note: store.note().map(str::to_owned),
    })
}

/// Saves `environment`'s upload token in the OS keyring (never in the workspace).
#[tauri::command]
pub fn token_save(environment: String, token: String) -> CmdResult<()> {
    tailor_bundle::PublishTokens::open_default()
        .set(&environment, &zeroize::Zeroizing::new(token))
        .map_err(|e| err(ErrorKind::Invalid, e.to_string()))
}

/// Forgets `environment`'s upload token in the OS keyring; false if it had none.
#[tauri::command]
pub fn token_delete(environment: String) -> CmdResult<bool> {
    tailor_bundle::PublishTokens::open_default()
        .delete(&environment)
        .map_err(|e| err(ErrorKind::Invalid, e.to_string()))
}

#[tauri::command]
pub fn environment_save(app: AppHandle, environment: Environment) -> CmdResult<()> {
    with_ws(&app, |ws| ws.save_environment(&environment))?;
    changed(&app);
    Ok(())
}

#[tauri::command]
pub fn environment_delete(app: AppHandle, name: String) -> CmdResult<()> {
    with_ws(&app, |ws| ws.delete_environment(&name))?;
    changed(&app);
    Ok(())
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct KeyInfo {
    name: String,
    keyid: String,
    /// Where the private key lives: "OS keyring (Secret Service)" (or the
    /// platform's keyring) or "file: PATH (0600)".
    stored_in: String,
}

fn keystore() -> CmdResult<tailor_bundle::KeyStore> {
    tailor_bundle::KeyStore::open_default().map_err(|e| err(ErrorKind::Io, e.to_string()))
}

#[tauri::command]
pub fn keys_list() -> CmdResult<Vec<KeyInfo>> {
    let store = keystore()?;
    let keys = store.list().map_err(|e| err(ErrorKind::Io, e.to_string()))?;
    Ok(keys
        .into_iter()
        .map(|k| KeyInfo { name: k.name, keyid: k.keyid.to_string(), stored_in: k.location.to_string() })
        .collect())
}

#[tauri::command]
pub fn keys_generate(name: String) -> CmdResult<KeyInfo> {
    let store = keystore()?;
    let keyid = store.generate(&name).map_err(|e| err(ErrorKind::Invalid, e.to_string()))?;
    let stored_in = store
        .location(&name)
        .map_err(|e| err(ErrorKind::Io, e.to_string()))?
        .map(|l| l.to_string())
        .unwrap_or_default();
    Ok(KeyInfo { name, keyid: keyid.to_string(), stored_in })
}

fn target(app: &AppHandle, environment: &str) -> CmdResult<(Target, Environment)> {
    let env = with_ws(app, |ws| ws.environments())?
        .into_iter()
        .find(|e| e.name == environment)
        .ok_or_else(|| err(ErrorKind::NotFound, format!("no environment \"{environment}\": add it first")))?;
    let target = Target {
        url: env.urls.first().cloned().unwrap_or_default(),
        replicas: env.urls.iter().skip(1).cloned().collect(),
        environment: env.name.clone(),
        token: token(&env.name),
    };
    Ok((target, env))
}

#[tauri::command]
pub async fn publish_preview(app: AppHandle, environment: String) -> CmdResult<PublishPreview> {
    let (target, _) = target(&app, &environment)?;
    with_ws(&app, |ws| Ok(tailor_publish::preview(ws, &target, std::time::Duration::from_secs(10))))?
        .map_err(publish_error)
}

fn run(
    app: &AppHandle,
    environment: &str,
    key: &str,
    accept_warnings: bool,
    approved_by: Option<String>,
    rollback_to: Option<u64>,
    overwrite: bool,
) -> CmdResult<PublishOutcome> {
    let (target, env) = target(app, environment)?;
    let key = keystore()?
        .load(key)
        .map_err(|e| err(ErrorKind::NotFound, format!("signing key {key}: {e}")))?;
    let opts = PublishOptions {
        accept_warnings,
        approvals: approved_by
            .filter(|b| !b.trim().is_empty())
            .map(|by| tailor_bundle::Approval { by, at: jiff::Timestamp::now(), note: None })
            .into_iter()
            .collect(),
        require_approval: env.require_approval,
        overwrite,
        ..PublishOptions::default()
    };
    let handle = app.clone();
    let mut progress = move |s: Step| {
        let _ = handle.emit("publish-progress", s);
    };
    let outcome = with_ws(app, |ws| {
        Ok(match rollback_to {
            None => tailor_publish::publish(ws, &target, &key, &opts, &mut progress),
            Some(v) => tailor_publish::rollback(ws, &target, v, &key, &opts, &mut progress),
        })
    })?
    .map_err(publish_error)?;
    changed(app);
    Ok(outcome)
}

#[tauri::command]
pub async fn publish_run(
    app: AppHandle,
    environment: String,
    key: String,
    accept_warnings: bool,
    approved_by: Option<String>,
    overwrite: Option<bool>,
) -> CmdResult<PublishOutcome> {
    run(&app, &environment, &key, accept_warnings, approved_by, None, overwrite.unwrap_or(false))
}

#[tauri::command]
pub async fn rollback_run(app: AppHandle, environment: String, version: u64, key: String) -> CmdResult<PublishOutcome> {
    // A rollback republishes rules that were already reviewed: warnings about
    // today's workspace do not apply to them.
    run(&app, &environment, &key, true, None, Some(version), false)
}

#[tauri::command]
pub fn published_list(app: AppHandle) -> CmdResult<Vec<PublishedBundle>> {
    with_ws(&app, |ws| ws.published(None, false))
}

// ------------------------------------------------------------------ several authors

fn pull_source(app: &AppHandle, environment: &str) -> CmdResult<tailor_publish::PullSource> {
    let (target, env) = target(app, environment)?;
    let (trust, _) = tailor_publish::trust_for(environment, None, env.trust_file.as_deref()).map_err(publish_error)?;
    Ok(tailor_publish::PullSource {
        url: target.url,
        environment: env.name,
        trust,
        timeout: std::time::Duration::from_secs(30),
    })
}

/// Merges what the environment serves into the workspace (one undoable edit).
#[tauri::command]
pub async fn pull_run(app: AppHandle, environment: String) -> CmdResult<tailor_publish::PullReport> {
    let source = pull_source(&app, &environment)?;
    let report = with_ws(&app, |ws| Ok(tailor_publish::pull(ws, &source)))?.map_err(publish_error)?;
    changed(&app);
    Ok(report)
}

#[tauri::command]
pub fn conflicts_list(app: AppHandle) -> CmdResult<Vec<tailor_store::ConflictRow>> {
    with_ws(&app, |ws| ws.conflicts())
}

#[tauri::command]
pub fn conflict_resolve(app: AppHandle, id: String, how: tailor_store::Resolution) -> CmdResult<()> {
    with_ws(&app, |ws| ws.resolve_conflict(&id, how))?;
    changed(&app);
    Ok(())
}

/// Settles a conflict with a value the user typed (the field's value, or
/// the whole entity; `null` removes it).
#[tauri::command]
pub fn conflict_edit(app: AppHandle, id: String, value: serde_json::Value) -> CmdResult<()> {
    with_ws(&app, |ws| ws.resolve_conflict_edit(&id, (!value.is_null()).then_some(value)))?;
    changed(&app);
    Ok(())
}

/// The bases this workspace stands on, per environment.
#[tauri::command]
pub fn bases_list(app: AppHandle) -> CmdResult<Vec<tailor_store::Base>> {
    with_ws(&app, |ws| ws.bases())
}

/// "Start from a decision service": a new workspace at `path` whose rules
/// and base are what `environment` serves at `url`.
#[tauri::command]
pub async fn workspace_init_from(
    app: AppHandle,
    path: String,
    url: String,
    environment: String,
    trust_file: Option<String>,
) -> CmdResult<tailor_store::types::WorkspaceInfo> {
    let trust_file = trust_file.filter(|t| !t.trim().is_empty());
    let (trust, _) =
        tailor_publish::trust_for(&environment, trust_file.as_deref().map(std::path::Path::new), None).map_err(publish_error)?;
    let source = tailor_publish::PullSource {
        url,
        environment,
        trust,
        timeout: std::time::Duration::from_secs(30),
    };
    let path = crate::commands::absolute(&path);
    let (ws, _) = tailor_publish::init_from(std::path::Path::new(&path), &source, trust_file).map_err(publish_error)?;
    crate::commands::install(&app, ws)
}
