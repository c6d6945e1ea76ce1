//! `tailor keys …` and `tailor bundle …`: signing keys and signed bundles,
//! over `tailor-bundle` (docs/bundle-format.md). Private key material is
//! never printed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tailor_bundle::{
    BUNDLE_SCHEMA_VERSION, BundlePayload, KEYRING_NAME, KeyStore, PUBLISH_TOKEN_ENV, PublishTokens,
    TrustFile,
};

#[derive(Subcommand)]
pub enum KeysCmd {
    /// Generate an Ed25519 signing key and print its keyid. The private key
    /// goes to the OS keyring, else a 0600 file in the data dir ($TAILOR_KEY_DIR
    /// forces files there); never in a workspace.
    Generate { name: String },
    /// List signing keys: name, keyid and where each lives.
    List,
    /// Trust a key's public half for an environment in a trust file (created or merged).
    Export {
        name: String,
        /// Environment the key may sign for, e.g. `production`.
        #[arg(long)]
        env: String,
        /// The trust file to write or merge into.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// Per-environment publish tokens in the OS keyring (`tailor publish` reads
/// the environment's, else $TAILOR_PUBLISH_TOKEN). A token is never printed.
#[derive(Subcommand)]
pub enum TokenCmd {
    /// Save ENV's publish token in the OS keyring, read from standard input
    /// (a prompt without echo on a terminal), never from the command line.
    Set { env: String },
    /// Where ENV's publish token comes from: the OS keyring or $TAILOR_PUBLISH_TOKEN.
    Show { env: String },
    /// Forget ENV's publish token in the OS keyring.
    Delete { env: String },
}

#[derive(Subcommand)]
pub enum BundleCmd {
    /// Build and sign a bundle of a workspace's rules.
    Build {
        workspace: PathBuf,
        /// Environment the bundle is for, e.g. `staging` or `production`.
        #[arg(long)]
        env: String,
        /// Signing key name (`tailor keys generate NAME`); repeat to add signatures.
        #[arg(long, required = true)]
        key: Vec<String>,
        /// Where to write the envelope (JSON).
        #[arg(short, long)]
        output: PathBuf,
        /// Bundle version (default 1; `tailor publish` passes the next one).
        #[arg(long)]
        version: Option<u64>,
        /// Days until the service refuses the bundle.
        #[arg(long, default_value_t = 30)]
        expires_in_days: u32,
        /// Author recorded in the bundle (default: $USER, else the first key's name).
        #[arg(long)]
        author: Option<String>,
    },
    /// Verify a signed bundle against a trust file (exit 1 if it is refused).
    Verify {
        file: PathBuf,
        /// Trust file (`tailor keys export`).
        #[arg(long)]
        trust: PathBuf,
        /// Environment the bundle must be valid for.
        #[arg(long)]
        env: String,
    },
}

fn print(json: bool, value: serde_json::Value, text: impl FnOnce() -> String) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!("{}", text());
    }
    Ok(())
}

pub fn run_keys(cmd: KeysCmd, json: bool) -> Result<()> {
    let store = KeyStore::open_default()?;
    // Say when keys are files because no keyring answered (stderr: stdout
    // stays the keyid / the list).
    let fallback_note = || {
        if let Some(note) = store.note() {
            eprintln!("note: {note}");
        }
    };
    match cmd {
        KeysCmd::Generate { name } => {
            let keyid = store.generate(&name)?;
            let stored_in = store
                .location(&name)?
                .map(|l| l.to_string())
                .unwrap_or_default();
            fallback_note();
            print(
                json,
                json!({"name": name, "keyid": keyid, "stored_in": stored_in}),
                || keyid.to_string(),
            )?;
        }
        KeysCmd::List => {
            let keys = store.list()?;
            fallback_note();
            let rows: Vec<_> = keys
                .iter()
                .map(|k| json!({"name": k.name, "keyid": k.keyid, "stored_in": k.location.to_string()}))
                .collect();
            print(json, json!(rows), || {
                if keys.is_empty() {
                    format!(
                        "no keys in {} (tailor keys generate NAME)",
                        store.describe()
                    )
                } else {
                    keys.iter()
                        .map(|k| format!("{}\t{}\t{}", k.name, k.keyid, k.location))
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            })?;
        }
        KeysCmd::Export { name, env, output } => {
            let public = store.public_key(&name)?;
            let mut trust = TrustFile::load_or_default(&output)?;
            let added = trust.trust(&env, &name, &public);
            if added {
                trust.save(&output)?;
            }
            let keyid = tailor_bundle::KeyId::of(&public);
            print(
                json,
                json!({"name": name, "keyid": keyid, "environment": env, "trust_file": output, "added": added}),
                || {
                    let what = if added {
                        "now trusted"
                    } else {
                        "already trusted"
                    };
                    format!("{name} ({keyid}) {what} for {env} in {}", output.display())
                },
            )?;
        }
    }
    Ok(())
}

pub fn run_token(cmd: TokenCmd, json: bool) -> Result<()> {
    use std::io::{BufRead as _, IsTerminal as _};
    let tokens = PublishTokens::open_default();
    match cmd {
        TokenCmd::Set { env } => {
            // Say there is no keyring before asking for the token.
            tokens.keyring()?;
            let token = zeroize::Zeroizing::new(if std::io::stdin().is_terminal() {
                rpassword::prompt_password(format!("publish token for {env}: "))?
            } else {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line
            });
            tokens.set(&env, &token)?;
            print(
                json,
                json!({"environment": env, "stored_in": KEYRING_NAME}),
                || format!("saved the publish token for {env} in the {KEYRING_NAME}"),
            )?;
        }
        TokenCmd::Show { env } => {
            let source = tokens.get(&env).map(|t| t.source.to_string());
            print(
                json,
                json!({"environment": env, "source": source, "keyring_note": tokens.backend().note()}),
                || match &source {
                    Some(s) => format!("{env}: token from {s}"),
                    None => format!(
                        "{env}: no publish token (tailor token set {env}, or set {PUBLISH_TOKEN_ENV}){}",
                        tokens
                            .backend()
                            .note()
                            .map(|n| format!("; {n}"))
                            .unwrap_or_default()
                    ),
                },
            )?;
        }
        TokenCmd::Delete { env } => {
            let deleted = tokens.delete(&env)?;
            print(json, json!({"environment": env, "deleted": deleted}), || {
                if deleted {
                    format!("forgot the publish token for {env}")
                } else {
                    format!("no publish token for {env} in the {KEYRING_NAME}")
                }
            })?;
        }
    }
    Ok(())
}

pub fn run_bundle(cmd: BundleCmd, json: bool) -> Result<ExitCode> {
    match cmd {
        BundleCmd::Build {
            workspace,
            env,
            key,
            output,
            version,
            expires_in_days,
            author,
        } => {
            build(
                &workspace,
                &env,
                &key,
                &output,
                version.unwrap_or(1),
                expires_in_days,
                author,
                json,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        BundleCmd::Verify { file, trust, env } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let trust = TrustFile::load(&trust)?;
            match tailor_bundle::verify_strict(&bytes, &trust, &env, Timestamp::now()) {
                Ok(v) => {
                    let p = &v.payload;
                    print(
                        json,
                        json!({"ok": true, "digest": v.digest, "environment": p.environment, "version": p.version,
                               "workspace_id": p.workspace_id, "author": p.author, "created_at": p.created_at,
                               "expires_at": p.expires_at, "keyids": v.keyids}),
                        || {
                            format!(
                                "ok: {} version {} for {} (expires {}), signed by {}",
                                v.digest,
                                p.version,
                                p.environment,
                                p.expires_at,
                                v.keyids
                                    .iter()
                                    .map(|k| k.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        },
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{}: {e}", e.code());
                    if json {
                        println!(
                            "{}",
                            serde_json::to_string_pretty(
                                &json!({"ok": false, "code": e.code(), "message": e.to_string()})
                            )?
                        );
                    }
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// Writes `bytes` to `path` through a temp file in the same folder (made if
/// missing) and a rename: a web server serving `path` as a follower's
/// static source (`-o DIR/v1/bundles/ENV/envelope`) never serves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("writing into {}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, bytes).with_context(|| format!("writing {}", path.display()))?;
    tmp.as_file().sync_all().with_context(|| format!("writing {}", path.display()))?;
    // Readable by the web server, like a file written with `std::fs::write`.
    #[cfg(unix)]
    std::fs::set_permissions(tmp.path(), std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
    tmp.persist(path).map_err(|e| e.error).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn build(
    workspace: &Path,
    env: &str,
    keys: &[String],
    output: &Path,
    version: u64,
    expires_in_days: u32,
    author: Option<String>,
    json: bool,
) -> Result<()> {
    if expires_in_days == 0 {
        bail!("--expires-in-days must be at least 1");
    }
    let ws = tailor_store::Workspace::open(workspace)?;
    let rules = ws.snapshot()?;
    let workspace_id = ws.workspace_id()?;
    if let Err(errors) = tailor_engine::plan::Plan::compile(&rules) {
        let shown: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        bail!(
            "the workspace's rules do not compile ({} problems):\n{}",
            errors.len(),
            shown.join("\n")
        );
    }
    let store = KeyStore::open_default()?;
    let signers = keys
        .iter()
        .map(|k| {
            store
                .load(k)
                .with_context(|| format!("loading signing key {k}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let author = author
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .or_else(|| std::env::var("USERNAME").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| keys[0].clone());
    let created_at = Timestamp::now();
    let expires_at = created_at
        .checked_add(SignedDuration::from_hours(24 * i64::from(expires_in_days)))
        .context("--expires-in-days is too far in the future")?;
    let payload = BundlePayload {
        schema_version: BUNDLE_SCHEMA_VERSION,
        workspace_id,
        environment: env.to_owned(),
        version,
        created_at,
        expires_at,
        // Built on the workspace's base, so the service accepts it only while
        // that base is still what the environment serves.
        parent_digest: ws.base(env)?.map(|b| b.digest),
        overwrites: None,
        author,
        approvals: Vec::new(),
        promoted_from: None,
        rules,
    };
    let built = tailor_bundle::build(&payload, &signers.iter().collect::<Vec<_>>())?;
    let mut bytes = built.envelope.to_json();
    bytes.push(b'\n');
    write_atomically(output, &bytes)?;
    let keyids: Vec<_> = built
        .envelope
        .signatures
        .iter()
        .map(|s| s.keyid.clone())
        .collect();
    print(
        json,
        json!({"output": output, "digest": built.digest, "environment": env, "version": version,
               "expires_at": expires_at, "canonical_len": built.canonical_len, "keyids": keyids}),
        || {
            format!(
                "wrote {} ({} version {} for {}, expires {})",
                output.display(),
                built.digest,
                version,
                env,
                expires_at
            )
        },
    )
}
