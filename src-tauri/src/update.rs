//! Signed automatic updates through the official updater plugin: check a
//! `latest.json`, download with progress, verify the signature against the
//! public key built into the app, install on restart. The policy file can turn
//! the check off or point it elsewhere for managed fleets.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tailor_store::types::ErrorReport;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_updater::{Update, UpdaterExt};
use ts_rs::TS;

use crate::commands::{CmdResult, invalid};

/// Where fleets put the policy; `TAILOR_POLICY_FILE` points elsewhere (tests).
const POLICY_FILE: &str = "/etc/tailor/policy.json";

/// What an administrator can decide for every user of a machine.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// `false` turns every update check off (locked-down fleets).
    #[serde(default)]
    pub update_check: Option<bool>,
    /// The `latest.json` to check instead of the built-in one.
    #[serde(default)]
    pub update_url: Option<String>,
}

fn policy_path() -> PathBuf {
    std::env::var_os("TAILOR_POLICY_FILE").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(POLICY_FILE))
}

/// No file is no policy; a file that does not parse is an error, never "allowed".
pub fn load_policy() -> Result<Policy, String> {
    let path = policy_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{} is not a valid policy: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Policy::default()),
        Err(e) => Err(format!("could not read {}: {e}", path.display())),
    }
}

/// The update this session offered, and the verified package waiting for a restart.
#[derive(Default)]
pub struct UpdateState {
    offered: Mutex<Option<Update>>,
    ready: Mutex<Option<(Update, Vec<u8>)>>,
    /// An automatic check reports a failure once per session, then stays quiet.
    auto_failure_reported: AtomicBool,
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> ErrorReport {
    invalid("update state poisoned")
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct UpdateOffer {
    pub version: String,
    pub current_version: String,
    #[ts(optional)]
    pub notes: Option<String>,
    #[ts(optional)]
    pub date: Option<String>,
}

#[derive(Serialize, TS)]
#[ts(export)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateCheck {
    /// The policy turned checks off.
    Disabled {
        reason: String,
    },
    /// No update URL is built in or configured (developer builds).
    NotConfigured {
        current_version: String,
    },
    UpToDate {
        current_version: String,
    },
    Available {
        offer: UpdateOffer,
    },
    /// `quiet`: an automatic check that already reported a failure this session.
    Failed {
        message: String,
        quiet: bool,
    },
}

#[derive(Clone, Serialize, TS)]
#[ts(export)]
pub struct UpdateProgress {
    #[ts(type = "number")]
    pub downloaded: u64,
    #[ts(optional, type = "number")]
    pub total: Option<u64>,
}

fn endpoint(app: &AppHandle, policy: &Policy) -> Option<String> {
    policy.update_url.clone().or_else(|| std::env::var("TAILOR_UPDATE_URL").ok().filter(|u| !u.is_empty())).or_else(
        || {
            let config = app.config().plugins.0.get("updater")?;
            config.get("endpoints")?.as_array()?.first()?.as_str().map(str::to_string)
        },
    )
}

/// Says why a check or download failed in words a merchandiser can act on.
fn explain(e: &tauri_plugin_updater::Error, url: &str) -> String {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Reqwest(r) if r.is_connect() || r.is_timeout() => {
            format!("Could not reach the update server ({url}). Check your network; Tailor keeps working.")
        }
        E::Reqwest(r) => format!("The update server ({url}) could not be read: {r}"),
        E::Network(m) => format!("The update server ({url}) answered with an error: {m}"),
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => "The update was refused: its signature does not match \
             the key built into Tailor. Nothing was installed, and you can keep working."
            .to_string(),
        E::ReleaseNotFound | E::Serialization(_) => format!("{url} is not a valid update manifest ({e})."),
        other => format!("Update failed: {other}"),
    }
}

#[tauri::command]
pub async fn update_check(app: AppHandle, manual: bool) -> CmdResult<UpdateCheck> {
    let current_version = app.package_info().version.to_string();
    let policy = load_policy().map_err(invalid)?;
    if policy.update_check == Some(false) {
        return Ok(UpdateCheck::Disabled {
            reason: format!(
                "Update checks are turned off by your organisation's policy ({}).",
                policy_path().display()
            ),
        });
    }
    let Some(url) = endpoint(&app, &policy) else {
        return Ok(UpdateCheck::NotConfigured { current_version });
    };
    let parsed = url.parse().map_err(|e| invalid(format!("update URL {url}: {e}")))?;
    let built = app.updater_builder().timeout(Duration::from_secs(30)).endpoints(vec![parsed]).and_then(|b| b.build());
    let checked = match built {
        Ok(updater) => updater.check().await,
        Err(e) => Err(e),
    };
    let state = app.state::<UpdateState>();
    match checked {
        Ok(Some(update)) => {
            let offer = UpdateOffer {
                version: update.version.clone(),
                current_version: update.current_version.clone(),
                notes: update.body.clone(),
                // The day is what a person reads; the time of day is noise here.
                date: update.date.map(|d| format!("{}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())),
            };
            *state.offered.lock().map_err(poisoned)? = Some(update);
            Ok(UpdateCheck::Available { offer })
        }
        Ok(None) => Ok(UpdateCheck::UpToDate { current_version }),
        Err(e) => {
            let message = explain(&e, &url);
            eprintln!("update check: {e}");
            let quiet = !manual && state.auto_failure_reported.swap(true, Ordering::SeqCst);
            Ok(UpdateCheck::Failed { message, quiet })
        }
    }
}

/// Downloads the offered update with `update-progress` events and verifies
/// its signature; the verified package waits for [`update_install`].
#[tauri::command]
pub async fn update_download(app: AppHandle) -> CmdResult<String> {
    let state = app.state::<UpdateState>();
    let update = state
        .offered
        .lock()
        .map_err(poisoned)?
        .take()
        .ok_or_else(|| invalid("No update is on offer: check for updates first."))?;
    let url = update.download_url.to_string();
    let handle = app.clone();
    let mut downloaded = 0u64;
    let bytes = update
        .download(
            move |chunk, total| {
                downloaded += chunk as u64;
                let _ = handle.emit("update-progress", UpdateProgress { downloaded, total });
            },
            || {},
        )
        .await
        .map_err(|e| {
            eprintln!("update download: {e}");
            invalid(explain(&e, &url))
        })?;
    let version = update.version.clone();
    *state.ready.lock().map_err(poisoned)? = Some((update, bytes));
    Ok(version)
}

/// Installs the verified update and restarts, unless work is running. It
/// stays on the main thread: it takes no workspace lock, and the restart is
/// the path the installer tests exercise.
#[tauri::command]
pub fn update_install(app: AppHandle) -> CmdResult<()> {
    if let Some(what) = crate::busy_with(&app) {
        return Err(invalid(format!("{what} is running: the update installs when it has finished.")));
    }
    install_ready(&app)?;
    app.restart();
}

fn install_ready(app: &AppHandle) -> CmdResult<bool> {
    let state = app.state::<UpdateState>();
    let Some((update, bytes)) = state.ready.lock().map_err(poisoned)?.take() else {
        return Ok(false);
    };
    update.install(&bytes).map_err(|e| invalid(format!("The update could not be installed: {e}")))?;
    Ok(true)
}

/// On quit, a verified update that is waiting is installed for the next start.
pub fn install_on_exit(app: &AppHandle) {
    if crate::busy_with(app).is_none() {
        match install_ready(app) {
            Ok(true) => eprintln!("update installed; it runs from the next start"),
            Ok(false) => {}
            Err(e) => eprintln!("{}", e.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_names_only_known_settings() {
        let p: Policy = serde_json::from_str(r#"{"update_check": false}"#).unwrap();
        assert_eq!(p.update_check, Some(false));
        let p: Policy = serde_json::from_str(r#"{"update_url": "https://updates.example/latest.json"}"#).unwrap();
        assert_eq!(p.update_url.as_deref(), Some("https://updates.example/latest.json"));
        // A typo must not silently leave checks on.
        assert!(serde_json::from_str::<Policy>(r#"{"update_checks": false}"#).is_err());
    }
}
