//! The OS keyring (macOS Keychain, Windows Credential Manager, the Secret
//! Service of GNOME Keyring or KWallet on Linux) through `keyring-core` and
//! the platform's store crate, and the choice between it and files.
//!
//! [`Backend::choose`] decides once per call site: `$TAILOR_KEY_DIR` set →
//! files (CI, servers); else the keyring if its service answers; else files,
//! with the reason kept for the user ([`Backend::note`]). Signing keys
//! ([`crate::KeyStore`]) and publish tokens ([`PublishTokens`]) both use it.
//! Secrets never appear in `Debug` output or in error messages.

use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use zeroize::Zeroizing;

use crate::keys::KEY_DIR_ENV;

/// How the user sees the keyring, per platform.
#[cfg(target_os = "macos")]
pub const KEYRING_NAME: &str = "OS keyring (macOS Keychain)";
#[cfg(windows)]
pub const KEYRING_NAME: &str = "OS keyring (Windows Credential Manager)";
#[cfg(not(any(target_os = "macos", windows)))]
pub const KEYRING_NAME: &str = "OS keyring (Secret Service)";

/// Environment variable with the publish token when none is in the keyring.
pub const PUBLISH_TOKEN_ENV: &str = "TAILOR_PUBLISH_TOKEN";

/// Keyring "service" names of Tailor's entries (the "user" is the key's or
/// the environment's name).
pub(crate) const SIGNING_KEY_SERVICE: &str = "tailor.signing-key";
pub(crate) const SIGNING_KEY_INDEX_SERVICE: &str = "tailor.signing-keys";
pub(crate) const PUBLISH_TOKEN_SERVICE: &str = "tailor.publish-token";

/// A connection to the platform's credential store. `Debug` names the store only.
#[derive(Clone)]
pub struct OsKeyring {
    store: Arc<CredentialStore>,
}

impl fmt::Debug for OsKeyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(KEYRING_NAME)
    }
}

/// A keyring operation failed (the store's message, never a secret).
#[derive(Debug, thiserror::Error)]
#[error("{KEYRING_NAME}: {0}")]
pub struct KeyringError(String);

impl From<keyring_core::Error> for KeyringError {
    fn from(e: keyring_core::Error) -> Self {
        // The store's errors carry no secret (keyring-core's `BadEncoding`
        // holds bytes read back; it is shown by kind only).
        match e {
            keyring_core::Error::BadEncoding(_) => {
                KeyringError("a stored value is not UTF-8".into())
            }
            keyring_core::Error::BadDataFormat(_, _) => {
                KeyringError("a stored value has the wrong format".into())
            }
            other => KeyringError(other.to_string()),
        }
    }
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}
#[cfg(windows)]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}
#[cfg(all(unix, not(target_os = "macos")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = dbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}
#[cfg(not(any(unix, windows)))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NoDefaultStore)
}

impl OsKeyring {
    /// The platform's credential store if its service answers (on Linux: a
    /// session D-Bus with a Secret Service that opens a session), else why not.
    pub fn connect() -> Result<Self, String> {
        platform_store()
            .map(|store| Self { store })
            .map_err(|e| e.to_string())
    }

    fn entry(&self, service: &str, user: &str) -> Result<Entry, KeyringError> {
        Ok(Entry::new_in_store(&self.store, service, user)?)
    }

    /// The value stored under (`service`, `user`), if any.
    pub(crate) fn get(
        &self,
        service: &str,
        user: &str,
    ) -> Result<Option<Zeroizing<String>>, KeyringError> {
        match self.entry(service, user)?.get_password() {
            Ok(v) => Ok(Some(Zeroizing::new(v))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Store `value` under (`service`, `user`), replacing what was there.
    pub(crate) fn set(&self, service: &str, user: &str, value: &str) -> Result<(), KeyringError> {
        Ok(self.entry(service, user)?.set_password(value)?)
    }

    /// Remove the value under (`service`, `user`); `false` if there was none.
    pub(crate) fn delete(&self, service: &str, user: &str) -> Result<bool, KeyringError> {
        match self.entry(service, user)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// Where secrets go on this machine, and why.
#[derive(Clone, Debug)]
pub enum Backend {
    /// The OS keyring answered.
    Keyring(OsKeyring),
    /// Files (keys) and `TAILOR_PUBLISH_TOKEN` (tokens): `reason` says why,
    /// for the user.
    Files { reason: String },
}

impl Backend {
    /// `$TAILOR_KEY_DIR` set → files; else the OS keyring if it answers;
    /// else files, saying why.
    pub fn choose() -> Self {
        if std::env::var_os(KEY_DIR_ENV).is_some_and(|d| !d.is_empty()) {
            return Backend::Files {
                reason: format!("{KEY_DIR_ENV} is set"),
            };
        }
        match OsKeyring::connect() {
            Ok(k) => Backend::Keyring(k),
            Err(why) => Backend::Files {
                reason: format!("no OS keyring answered ({why})"),
            },
        }
    }

    pub fn keyring(&self) -> Option<&OsKeyring> {
        match self {
            Backend::Keyring(k) => Some(k),
            Backend::Files { .. } => None,
        }
    }

    /// Why files are used, or `None` with the keyring.
    pub fn note(&self) -> Option<&str> {
        match self {
            Backend::Keyring(_) => None,
            Backend::Files { reason } => Some(reason),
        }
    }
}

/// Where an environment's publish token came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// Saved for this environment in the OS keyring.
    Keyring,
    /// The `TAILOR_PUBLISH_TOKEN` environment variable.
    EnvVar,
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenSource::Keyring => KEYRING_NAME,
            TokenSource::EnvVar => PUBLISH_TOKEN_ENV,
        })
    }
}

/// A publish token and where it came from. `Debug` never shows the token.
pub struct PublishToken {
    pub token: Zeroizing<String>,
    pub source: TokenSource,
}

impl fmt::Debug for PublishToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublishToken(from {})", self.source)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("no OS keyring to save the token in ({reason}): set {PUBLISH_TOKEN_ENV} instead")]
    NoKeyring { reason: String },
    #[error("invalid environment name {0:?}")]
    InvalidEnvironment(String),
    #[error("the token is empty")]
    Empty,
    #[error(transparent)]
    Keyring(#[from] KeyringError),
}

/// Per-environment publish tokens: the environment's entry in the OS keyring,
/// else `$TAILOR_PUBLISH_TOKEN`. Never in a workspace.
#[derive(Clone, Debug)]
pub struct PublishTokens {
    backend: Backend,
}

impl PublishTokens {
    /// With [`Backend::choose`].
    pub fn open_default() -> Self {
        Self::with_backend(Backend::choose())
    }

    pub fn with_backend(backend: Backend) -> Self {
        Self { backend }
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    fn check(environment: &str) -> Result<(), TokenError> {
        if environment.trim().is_empty() || environment.len() > 200 {
            return Err(TokenError::InvalidEnvironment(environment.into()));
        }
        Ok(())
    }

    /// The token for `environment`: its keyring entry, else the environment
    /// variable. A keyring that fails to answer falls through to the variable.
    pub fn get(&self, environment: &str) -> Option<PublishToken> {
        if let Some(k) = self.backend.keyring()
            && let Ok(Some(token)) = k.get(PUBLISH_TOKEN_SERVICE, environment)
            && !token.trim().is_empty()
        {
            return Some(PublishToken {
                token,
                source: TokenSource::Keyring,
            });
        }
        std::env::var(PUBLISH_TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(|t| PublishToken {
                token: Zeroizing::new(t),
                source: TokenSource::EnvVar,
            })
    }

    /// The keyring tokens are saved in, or why there is none.
    pub fn keyring(&self) -> Result<&OsKeyring, TokenError> {
        match &self.backend {
            Backend::Keyring(k) => Ok(k),
            Backend::Files { reason } => Err(TokenError::NoKeyring {
                reason: reason.clone(),
            }),
        }
    }

    /// Save `token` for `environment` in the OS keyring (replacing any).
    pub fn set(&self, environment: &str, token: &str) -> Result<(), TokenError> {
        let k = self.keyring()?;
        Self::check(environment)?;
        let token = token.trim();
        if token.is_empty() {
            return Err(TokenError::Empty);
        }
        Ok(k.set(PUBLISH_TOKEN_SERVICE, environment, token)?)
    }

    /// Forget `environment`'s token in the keyring; `false` if there was none.
    pub fn delete(&self, environment: &str) -> Result<bool, TokenError> {
        let k = self.keyring()?;
        Self::check(environment)?;
        Ok(k.delete(PUBLISH_TOKEN_SERVICE, environment)?)
    }
}
