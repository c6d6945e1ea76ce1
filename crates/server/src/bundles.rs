//! Bundles on disk and their checks: verify an envelope for an environment,
//! compile its rules, persist it atomically, and find the newest valid one
//! at start-up.
//!
//! Layout: `DATA_DIR/bundles/{env}/v{version:010}-{digest hex, 16}.dsse.json`,
//! each file the envelope exactly as it was uploaded. Writes go to a
//! `.tmp-*` file in the same directory, which is synced, renamed into place,
//! and the directory synced: a crash leaves either the old set of files or
//! the new one, plus perhaps a temp file that start-up deletes.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::StatusCode;
use jiff::Timestamp;
use tailor_bundle::{TrustFile, Verified};
use tailor_engine::plan::Plan;

use crate::error::ApiError;
use crate::state::{Active, ActiveMeta};

const TEMP_PREFIX: &str = ".tmp-";
const SUFFIX: &str = ".dsse.json";

/// Directory of an environment's bundles.
pub(crate) fn env_dir(data_dir: &Path, env: &str) -> PathBuf {
    data_dir.join("bundles").join(env)
}

/// Environment names become directory names: keep them plain.
pub(crate) fn check_env_name(env: &str) -> Result<(), ApiError> {
    let ok = !env.is_empty()
        && env.len() <= 64
        && env.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !env.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_environment",
            format!("environment names are 1–64 letters, digits, '-' or '_'; got {env:?}"),
        ))
    }
}

/// A verified, compiled bundle, not yet active.
pub(crate) struct Checked {
    pub verified: Verified,
    pub plan: Plan,
}

impl Checked {
    pub fn version(&self) -> u64 {
        self.verified.payload.version
    }

    pub fn digest(&self) -> &str {
        &self.verified.digest
    }

    /// The payload's `parent_digest`: the bundle it was built on.
    pub fn parent_digest(&self) -> Option<&str> {
        self.verified.payload.parent_digest.as_deref()
    }

    /// The payload's `overwrites`: the active digest it explicitly replaces.
    pub fn overwrites(&self) -> Option<&str> {
        self.verified.payload.overwrites.as_deref()
    }

    /// `envelope` is the bytes the bundle was verified from (uploaded or
    /// read from `file`).
    pub fn into_active(self, env: &str, file: PathBuf, envelope: Bytes, loaded_at: Timestamp) -> Active {
        let p = &self.verified.payload;
        let meta = ActiveMeta {
            environment: env.to_owned(),
            version: p.version,
            digest: self.verified.digest.clone(),
            loaded_at,
            created_at: p.created_at,
            expires_at: p.expires_at,
            author: p.author.clone(),
            workspace_id: p.workspace_id.clone(),
            schema_version: p.schema_version,
            parent_digest: p.parent_digest.clone(),
            overwrites: p.overwrites.clone(),
            promoted_from: p.promoted_from.clone(),
            approvals: Vec::new(),
        };
        let flags = crate::ofrep::Flags::of(&self.plan);
        Active { plan: self.plan, environment: Arc::from(env), meta, file, envelope, flags }
    }
}

/// Verifies an uploaded envelope for `env` at `now` and compiles its rules.
/// CPU-bound: run it off the async workers.
pub(crate) fn check(bytes: &[u8], trust: &TrustFile, env: &str, now: Timestamp) -> Result<Checked, ApiError> {
    check_with(bytes, trust, env, now, false)
}

/// [`check`]; with `partial`, fewer valid signatures than the threshold
/// pass (a pending bundle still collecting approvals).
pub(crate) fn check_with(bytes: &[u8], trust: &TrustFile, env: &str, now: Timestamp, partial: bool) -> Result<Checked, ApiError> {
    let verify = if partial { tailor_bundle::verify_partial } else { tailor_bundle::verify };
    let verified = verify(bytes, trust, env, now).map_err(|e| {
        let code = e.code();
        let status = if code.starts_with("malformed") { StatusCode::BAD_REQUEST } else { StatusCode::UNPROCESSABLE_ENTITY };
        ApiError::new(status, code, e.to_string())
    })?;
    // `verify` checks the environment against the trust file; check the
    // payload's own field too, whatever it does.
    if verified.payload.environment != env {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_environment",
            format!("the bundle is for environment \"{}\", not \"{env}\"", verified.payload.environment),
        ));
    }
    let mut plan = Plan::compile(&verified.payload.rules).map_err(|errors| {
        let shown: Vec<String> = errors.iter().take(5).map(|e| e.to_string()).collect();
        let more = errors.len().saturating_sub(shown.len());
        let mut message = format!("the bundle's rules do not compile: {}", shown.join("; "));
        if more > 0 {
            message.push_str(&format!(" (and {more} more)"));
        }
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_rules", message)
    })?;
    plan.digest = Some(verified.digest.clone());
    plan.version = Some(verified.payload.version);
    Ok(Checked { verified, plan })
}

/// The file name of a bundle: sorts by version, names the digest.
pub(crate) fn file_name(version: u64, digest: &str) -> String {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    let short: String = hex.chars().filter(|c| c.is_ascii_hexdigit()).take(16).collect();
    format!("v{version:010}-{short}{SUFFIX}")
}

fn parse_file_name(name: &str) -> Option<u64> {
    let rest = name.strip_prefix('v')?.strip_suffix(SUFFIX)?;
    let (version, hex) = rest.split_once('-')?;
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    version.parse().ok()
}

/// Writes `bytes` as the bundle file of `version`/`digest` in `dir`: temp
/// file in the same directory, `sync_all`, rename, sync of the directory.
pub(crate) fn persist(dir: &Path, version: u64, digest: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    write_atomic(dir, &file_name(version, digest), bytes)
}

/// The approvals sidecar of a bundle file: `….approvals.json` beside it.
pub(crate) fn approvals_path(bundle_file: &Path) -> PathBuf {
    let name = bundle_file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let stem = name.strip_suffix(SUFFIX).unwrap_or(name);
    bundle_file.with_file_name(format!("{stem}.approvals.json"))
}

/// Writes the approvals that activated the bundle in `bundle_file` beside it.
pub(crate) fn persist_approvals(bundle_file: &Path, approvals: &[crate::state::ApprovalRecord]) -> std::io::Result<PathBuf> {
    let path = approvals_path(bundle_file);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("approvals.json").to_owned();
    let json = serde_json::to_vec_pretty(approvals).map_err(std::io::Error::other)?;
    write_atomic(dir, &name, &json)
}

/// The approvals recorded beside a bundle file (none when there is no sidecar).
pub(crate) fn load_approvals(bundle_file: &Path) -> Vec<crate::state::ApprovalRecord> {
    let path = approvals_path(bundle_file);
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!(file = %path.display(), error = %e, "ignoring an unreadable approvals file");
            Vec::new()
        }),
        Err(_) => Vec::new(),
    }
}

/// Writes `bytes` as `dir/name`: temp file in the same directory,
/// `sync_all`, rename, sync of the directory.
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    fs::create_dir_all(dir)?;
    let target = dir.join(name);
    let temp = dir.join(format!(
        "{TEMP_PREFIX}{}-{}-{name}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&temp, &target)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map(|()| target)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Deletes all but the `keep` newest bundle files of a directory, never
/// `active_file`.
pub(crate) fn prune(dir: &Path, keep: usize, active_file: &Path) {
    let mut files = bundle_files(dir);
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    for (_, path) in files.into_iter().skip(keep.max(1)) {
        if path != active_file {
            if let Err(e) = fs::remove_file(&path) {
                tracing::warn!(error = %e, file = %path.display(), "could not delete an old bundle");
            }
            let _ = fs::remove_file(approvals_path(&path));
        }
    }
}

fn bundle_files(dir: &Path) -> Vec<(u64, PathBuf)> {
    let Ok(read) = fs::read_dir(dir) else { return Vec::new() };
    read.filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            parse_file_name(&name).map(|v| (v, e.path()))
        })
        .collect()
}

/// At start-up: every environment directory's newest bundle that verifies
/// (trusted, not expired, right environment, supported schema) and
/// compiles. Temp files left by a crash are deleted; unreadable or invalid
/// files are skipped with a warning (and kept, for a human to look at).
pub(crate) fn load_all(data_dir: &Path, trust: &TrustFile, now: Timestamp) -> std::io::Result<Vec<Active>> {
    let root = data_dir.join("bundles");
    fs::create_dir_all(&root)?;
    let mut out = Vec::new();
    let mut envs: Vec<(String, PathBuf)> = fs::read_dir(&root)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .collect();
    envs.sort();
    for (env, dir) in envs {
        if check_env_name(&env).is_err() {
            tracing::warn!(dir = %dir.display(), "skipping a directory that is not an environment name");
            continue;
        }
        if let Some(active) = load_env(&env, &dir, trust, now) {
            out.push(active);
        }
    }
    Ok(out)
}

fn load_env(env: &str, dir: &Path, trust: &TrustFile, now: Timestamp) -> Option<Active> {
    if let Ok(read) = fs::read_dir(dir) {
        for e in read.filter_map(|e| e.ok()) {
            let name = e.file_name();
            if name.to_string_lossy().starts_with(TEMP_PREFIX) {
                match fs::remove_file(e.path()) {
                    Ok(()) => tracing::warn!(file = %e.path().display(), "deleted a partial upload left by a crash"),
                    Err(err) => tracing::warn!(file = %e.path().display(), error = %err, "could not delete a temp file"),
                }
            }
        }
    }
    let mut files = bundle_files(dir);
    files.sort_by(|a, b| b.cmp(a));
    for (file_version, path) in files {
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "skipping an unreadable bundle");
                continue;
            }
        };
        match check(&bytes, trust, env, now) {
            Ok(checked) if checked.version() == file_version => {
                tracing::info!(
                    environment = env,
                    version = checked.version(),
                    digest = checked.digest(),
                    file = %path.display(),
                    "loaded bundle"
                );
                let mut active = checked.into_active(env, path, Bytes::from(bytes), now);
                active.meta.approvals = load_approvals(&active.file);
                return Some(active);
            }
            Ok(checked) => tracing::warn!(
                file = %path.display(),
                version = checked.version(),
                "skipping a bundle whose file name does not match its version"
            ),
            Err(e) => tracing::warn!(file = %path.display(), code = e.code, reason = %e.message, "skipping a bundle"),
        }
    }
    tracing::warn!(environment = env, dir = %dir.display(), "no valid bundle for this environment");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_sort_by_version_and_parse_back() {
        let a = file_name(9, "sha256:00ff00ff00ff00ff00ff");
        let b = file_name(10, "sha256:abcdef");
        assert_eq!(a, "v0000000009-00ff00ff00ff00ff.dsse.json");
        assert!(a < b);
        assert_eq!(parse_file_name(&a), Some(9));
        assert_eq!(parse_file_name(&b), Some(10));
        assert_eq!(parse_file_name(".tmp-1-0-v0000000009-00ff.dsse.json"), None);
        assert_eq!(parse_file_name("v12-.dsse.json"), None);
        assert_eq!(parse_file_name("notes.txt"), None);
    }

    #[test]
    fn environment_names_that_are_not_plain_are_refused() {
        for ok in ["production", "staging", "eu-west_1"] {
            assert!(check_env_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "..", "a/b", "-x", "prod uction", &"x".repeat(65)] {
            assert_eq!(check_env_name(bad).unwrap_err().code, "invalid_environment", "{bad}");
        }
    }

    #[test]
    fn persist_writes_the_final_file_and_leaves_no_temp_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("bundles/production");
        let path = persist(&dir, 3, "sha256:0123456789abcdef0123", b"{}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{}");
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("v0000000003-0123456789abcdef.dsse.json")]);
    }

    #[test]
    fn prune_keeps_the_newest_and_the_active_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let paths: Vec<_> = (1..=5).map(|v| persist(dir, v, "sha256:aa", b"{}").unwrap()).collect();
        prune(dir, 2, &paths[0]);
        let mut left: Vec<_> = bundle_files(dir).into_iter().map(|(v, _)| v).collect();
        left.sort();
        assert_eq!(left, vec![1, 4, 5]);
    }
}
