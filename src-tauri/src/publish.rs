//! IPC for publishing: environments, signing keys, review, publish, rollback.

use serde::Serialize;
use tailor_publish::{PublishOptions, PublishOutcome, PublishPreview, Step, Target};
use tailor_store::types::{ErrorKind, ErrorReport};
use tailor_store::{Environment, PublishedBundle};
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

use crate::commands::{CmdResult, blocking, changed, mutate_off_main_thread, off_main_thread, on_blocking_thread, with_ws};

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
    /// Signatures the environment needs, from its saved trust file (none
    /// saved: unknown). 2 or more: publishing asks for approval.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold: Option<u32>,
    token_available: bool,
    /// Where the token comes from: "OS keyring (Secret Service)" (or the
    /// platform's keyring) or "TAILOR_PUBLISH_TOKEN".
    token_source: Option<String>,
}

/// The trust file saved with an environment, if it has one that loads.
fn saved_trust(env: &Environment) -> Option<tailor_bundle::TrustFile> {
    env.trust_file.as_deref().and_then(|f| tailor_bundle::TrustFile::load(f).ok())
}

#[tauri::command]
pub async fn environment_list(app: AppHandle) -> CmdResult<Vec<EnvironmentStatus>> {
    let envs = off_main_thread(app, |ws| ws.environments()).await?;
    // The keyring and the trust files, after the workspace is let go.
    on_blocking_thread(move || {
        let tokens = tailor_bundle::PublishTokens::open_default();
        Ok(envs
            .into_iter()
            .map(|environment| {
                let source = tokens.get(&environment.name).map(|t| t.source.to_string());
                let threshold = saved_trust(&environment)
                    .and_then(|t| t.environments.get(&environment.name).map(|e| e.threshold));
                EnvironmentStatus { environment, threshold, token_available: source.is_some(), token_source: source }
            })
            .collect())
    })
    .await
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
pub async fn secret_store_status() -> CmdResult<SecretStoreStatus> {
    on_blocking_thread(|| {
        let store = keystore()?;
        Ok(SecretStoreStatus {
            keyring: store.uses_keyring(),
            keys_stored_in: store.describe(),
            note: store.note().map(str::to_owned),
        })
    })
    .await
}

/// Saves `environment`'s upload token in the OS keyring (never in the workspace).
#[tauri::command]
pub async fn token_save(environment: String, token: String) -> CmdResult<()> {
    let token = zeroize::Zeroizing::new(token);
    on_blocking_thread(move || {
        tailor_bundle::PublishTokens::open_default()
            .set(&environment, &token)
            .map_err(|e| err(ErrorKind::Invalid, e.to_string()))
    })
    .await
}

/// Forgets `environment`'s upload token in the OS keyring; false if it had none.
#[tauri::command]
pub async fn token_delete(environment: String) -> CmdResult<bool> {
    on_blocking_thread(move || {
        tailor_bundle::PublishTokens::open_default()
            .delete(&environment)
            .map_err(|e| err(ErrorKind::Invalid, e.to_string()))
    })
    .await
}

#[tauri::command]
pub async fn environment_save(app: AppHandle, environment: Environment) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.save_environment(&environment)).await
}

#[tauri::command]
pub async fn environment_delete(app: AppHandle, name: String) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.delete_environment(&name)).await
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
pub async fn keys_list() -> CmdResult<Vec<KeyInfo>> {
    on_blocking_thread(|| {
        let store = keystore()?;
        let keys = store.list().map_err(|e| err(ErrorKind::Io, e.to_string()))?;
        Ok(keys
            .into_iter()
            .map(|k| KeyInfo { name: k.name, keyid: k.keyid.to_string(), stored_in: k.location.to_string() })
            .collect())
    })
    .await
}

#[tauri::command]
pub async fn keys_generate(name: String) -> CmdResult<KeyInfo> {
    on_blocking_thread(move || {
        let store = keystore()?;
        let keyid = store.generate(&name).map_err(|e| err(ErrorKind::Invalid, e.to_string()))?;
        let stored_in = store
            .location(&name)
            .map_err(|e| err(ErrorKind::Io, e.to_string()))?
            .map(|l| l.to_string())
            .unwrap_or_default();
        Ok(KeyInfo { name, keyid: keyid.to_string(), stored_in })
    })
    .await
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
    blocking(app, move |app| {
        let (target, _) = target(app, &environment)?;
        with_ws(app, |ws| Ok(tailor_publish::preview(ws, &target, std::time::Duration::from_secs(10))))?
            .map_err(publish_error)
    })
    .await
}

#[allow(clippy::too_many_arguments)]
fn run(
    app: &AppHandle,
    environment: &str,
    key: &str,
    accept_warnings: bool,
    approved_by: Option<String>,
    rollback_to: Option<u64>,
    overwrite: bool,
    request_approval: bool,
) -> CmdResult<PublishOutcome> {
    let _busy = crate::Busy::new(app, "A publish");
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
        request_approval,
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
    request_approval: Option<bool>,
) -> CmdResult<PublishOutcome> {
    let (overwrite, request_approval) = (overwrite.unwrap_or(false), request_approval.unwrap_or(false));
    blocking(app, move |app| {
        run(app, &environment, &key, accept_warnings, approved_by, None, overwrite, request_approval)
    })
    .await
}

#[tauri::command]
pub async fn rollback_run(app: AppHandle, environment: String, version: u64, key: String) -> CmdResult<PublishOutcome> {
    // A rollback republishes rules that were already reviewed: warnings about
    // today's workspace do not apply to them.
    blocking(app, move |app| run(app, &environment, &key, true, None, Some(version), false, false)).await
}

#[tauri::command]
pub async fn published_list(app: AppHandle) -> CmdResult<Vec<PublishedBundle>> {
    off_main_thread(app, |ws| ws.published(None, false)).await
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
    blocking(app, move |app| {
        let source = pull_source(app, &environment)?;
        let report = with_ws(app, |ws| Ok(tailor_publish::pull(ws, &source)))?.map_err(publish_error)?;
        changed(app);
        Ok(report)
    })
    .await
}

#[tauri::command]
pub async fn conflicts_list(app: AppHandle) -> CmdResult<Vec<tailor_store::ConflictRow>> {
    off_main_thread(app, |ws| ws.conflicts()).await
}

#[tauri::command]
pub async fn conflict_resolve(app: AppHandle, id: String, how: tailor_store::Resolution) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.resolve_conflict(&id, how)).await
}

/// Settles a conflict with a value the user typed (the field's value, or
/// the whole entity; `null` removes it).
#[tauri::command]
pub async fn conflict_edit(app: AppHandle, id: String, value: serde_json::Value) -> CmdResult<()> {
    mutate_off_main_thread(app, move |ws| ws.resolve_conflict_edit(&id, (!value.is_null()).then_some(value))).await
}

/// The bases this workspace stands on, per environment.
#[tauri::command]
pub async fn bases_list(app: AppHandle) -> CmdResult<Vec<tailor_store::Base>> {
    off_main_thread(app, |ws| ws.bases()).await
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
    blocking(app, move |app| {
        let trust_file = trust_file.filter(|t| !t.trim().is_empty());
        let (trust, _) = tailor_publish::trust_for(&environment, trust_file.as_deref().map(std::path::Path::new), None)
            .map_err(publish_error)?;
        let source = tailor_publish::PullSource {
            url,
            environment,
            trust,
            timeout: std::time::Duration::from_secs(30),
        };
        let path = crate::commands::absolute(&path);
        let (ws, _) =
            tailor_publish::init_from(std::path::Path::new(&path), &source, trust_file).map_err(publish_error)?;
        crate::commands::install(app, ws)
    })
    .await
}

// ------------------------------------------------------------------ promotion and approvals

const REVIEW_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The review of promoting what `from` serves to `to` (both saved environments).
#[tauri::command]
pub async fn promote_preview(app: AppHandle, from: String, to: String) -> CmdResult<tailor_publish::PromoteReview> {
    blocking(app, move |app| {
        let source = pull_source(app, &from)?;
        let (target, _) = target(app, &to)?;
        let said = trust_said(app, &from)?;
        with_ws(app, |ws| Ok(tailor_publish::promote_preview(ws, &source, &target, &said)))?.map_err(publish_error)
    })
    .await
}

/// Promotes what `from` serves to `to`, signed with `key` (submitted for
/// approval when `request_approval`, or when `to` needs more signatures).
#[tauri::command]
pub async fn promote_run(
    app: AppHandle,
    from: String,
    to: String,
    key: String,
    accept_warnings: bool,
    request_approval: Option<bool>,
) -> CmdResult<tailor_publish::PromoteOutcome> {
    let _busy = crate::Busy::new(&app, "A promotion");
    blocking(app, move |app| {
        let source = pull_source(app, &from)?;
        let (target, _) = target(app, &to)?;
        let key = keystore()?
            .load(&key)
            .map_err(|e| err(ErrorKind::NotFound, format!("signing key {key}: {e}")))?;
        let opts = PublishOptions {
            accept_warnings,
            request_approval: request_approval.unwrap_or(false),
            ..PublishOptions::default()
        };
        let handle = app.clone();
        let mut progress = move |s: Step| {
            let _ = handle.emit("publish-progress", s);
        };
        let outcome =
            with_ws(app, |ws| Ok(tailor_publish::promote(ws, &source, &target, &key, &opts, &mut progress)))?
                .map_err(publish_error)?;
        changed(app);
        Ok(outcome)
    })
    .await
}

/// What the trust of an environment is (for the review's "verified against").
fn trust_said(app: &AppHandle, environment: &str) -> CmdResult<String> {
    let saved = with_ws(app, |ws| ws.environments())?.into_iter().find(|e| e.name == environment).and_then(|e| e.trust_file);
    Ok(tailor_publish::trust_for(environment, None, saved.as_deref()).map_err(publish_error)?.1)
}

/// A decision service and the trust to verify its bundles with: the saved
/// environment's, unless a URL or trust file is given.
fn service(
    app: &AppHandle,
    environment: &str,
    url: Option<String>,
    trust_file: Option<String>,
) -> CmdResult<(String, tailor_bundle::TrustFile, String)> {
    let saved = with_ws(app, |ws| ws.environments())
        .ok()
        .and_then(|envs| envs.into_iter().find(|e| e.name == environment));
    let url = url
        .filter(|u| !u.trim().is_empty())
        .or_else(|| saved.as_ref().and_then(|e| e.urls.first().cloned()))
        .ok_or_else(|| err(ErrorKind::Invalid, format!("no URL for {environment}: enter the service's URL or add the environment")))?;
    let explicit = trust_file.filter(|t| !t.trim().is_empty());
    let (trust, said) = tailor_publish::trust_for(
        environment,
        explicit.as_deref().map(std::path::Path::new),
        saved.as_ref().and_then(|e| e.trust_file.as_deref()),
    )
    .map_err(publish_error)?;
    Ok((url.trim().to_owned(), trust, said))
}

/// The bundles waiting for approval on `environment`.
#[tauri::command]
pub async fn pending_list(app: AppHandle, environment: String, url: Option<String>) -> CmdResult<Vec<tailor_publish::PendingSummary>> {
    blocking(app, move |app| {
        let (url, _, _) = service(app, &environment, url, None)?;
        tailor_publish::list_pending(&url, &environment, REVIEW_TIMEOUT).map_err(publish_error)
    })
    .await
}

/// Opens a pending bundle: verified, the diff against what the environment
/// serves, lint, and the impact on this workspace's sample shoppers.
#[tauri::command]
pub async fn pending_open(
    app: AppHandle,
    environment: String,
    digest: String,
    url: Option<String>,
    trust_file: Option<String>,
) -> CmdResult<tailor_publish::PendingReview> {
    blocking(app, move |app| {
        let (url, trust, said) = service(app, &environment, url, trust_file)?;
        let digest = digest.trim().to_owned();
        with_ws(app, |ws| {
            Ok(tailor_publish::open_pending(&url, &environment, &digest, &trust, &said, Some(ws), REVIEW_TIMEOUT))
        })?
        .map_err(publish_error)
    })
    .await
}

/// Signs a pending bundle with `key` and sends the approval.
#[tauri::command]
pub async fn pending_approve(
    app: AppHandle,
    environment: String,
    digest: String,
    key: String,
    note: Option<String>,
    url: Option<String>,
    trust_file: Option<String>,
) -> CmdResult<tailor_publish::ApproveOutcome> {
    let _busy = crate::Busy::new(&app, "An approval");
    blocking(app, move |app| {
        let (url, trust, _) = service(app, &environment, url, trust_file)?;
        let signing = keystore()?
            .load(&key)
            .map_err(|e| err(ErrorKind::NotFound, format!("signing key {key}: {e}")))?;
        let approver = with_ws(app, |ws| Ok(ws.author().to_owned())).unwrap_or_else(|_| key.clone());
        let note = note.filter(|n| !n.trim().is_empty());
        tailor_publish::approve(
            &url,
            &environment,
            digest.trim(),
            &trust,
            &signing,
            &approver,
            note.as_deref(),
            token(&environment).as_deref(),
            REVIEW_TIMEOUT,
        )
        .map_err(publish_error)
    })
    .await
}

/// Who authored, signed and promoted each published version (History).
#[tauri::command]
pub async fn published_provenance(app: AppHandle) -> CmdResult<Vec<tailor_publish::Provenance>> {
    blocking(app, |app| {
        let envs = with_ws(app, |ws| ws.environments())?;
        let trust = |name: &str| envs.iter().find(|e| e.name == name).and_then(saved_trust);
        with_ws(app, |ws| Ok(tailor_publish::provenance(ws, &trust)))?.map_err(publish_error)
    })
    .await
}
