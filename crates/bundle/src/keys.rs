//! Private signing keys, kept outside the workspace as 0600 files.
//!
//! `NAME.key` holds the standard base64 of the 32-byte Ed25519 secret seed,
//! `NAME.pub` the base64 of the 32-byte public key. The directory is
//! `$TAILOR_KEY_DIR`, else `<data dir>/tailor/keys` (created 0700). An OS
//! keyring backend is future work (docs/bundle-format.md).

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::B64;
use crate::keyid::KeyId;
use crate::trust::PublicKey;

/// Environment variable that overrides the key directory (CI, headless machines).
pub const KEY_DIR_ENV: &str = "TAILOR_KEY_DIR";

/// Where signing keys live. `Debug` shows the directory only.
#[derive(Clone, Debug)]
pub struct KeyStore {
    dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "invalid key name {name:?}: use 1–64 letters, digits, '.', '_' or '-', not starting with '.' or '-'"
    )]
    InvalidName { name: String },
    #[error("a key named {name} already exists ({path})")]
    AlreadyExists { name: String, path: PathBuf },
    #[error("no key named {name} in {dir}")]
    NotFound { name: String, dir: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a Tailor key file: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path} is readable by other users (mode {mode:o}); run `chmod 600` on it")]
    InsecurePermissions { path: PathBuf, mode: u32 },
    #[error("no data directory on this system; set {KEY_DIR_ENV}")]
    NoDataDir,
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
}

/// A fresh signing key from the operating system's CSPRNG.
pub fn generate_signing_key() -> Result<SigningKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

impl KeyStore {
    /// `$TAILOR_KEY_DIR`, else `dirs::data_dir()/tailor/keys`. Nothing is
    /// created until a key is generated.
    pub fn open_default() -> Result<Self, KeyError> {
        match std::env::var_os(KEY_DIR_ENV) {
            Some(dir) if !dir.is_empty() => Ok(Self::open(dir)),
            _ => dirs::data_dir()
                .map(|d| Self::open(d.join("tailor").join("keys")))
                .ok_or(KeyError::NoDataDir),
        }
    }

    /// A store in `dir` (created 0700 on first [`Self::generate`]).
    pub fn open(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str, ext: &str) -> Result<PathBuf, KeyError> {
        check_name(name)?;
        Ok(self.dir.join(format!("{name}.{ext}")))
    }

    /// Generate a key named `name` and return its keyid. Refuses to replace
    /// an existing key of that name.
    pub fn generate(&self, name: &str) -> Result<KeyId, KeyError> {
        let key_path = self.path(name, "key")?;
        let pub_path = self.path(name, "pub")?;
        if key_path.exists() {
            return Err(KeyError::AlreadyExists {
                name: name.into(),
                path: key_path,
            });
        }
        create_private_dir(&self.dir).map_err(|source| KeyError::Io {
            path: self.dir.clone(),
            source,
        })?;
        let key = generate_signing_key()?;
        let secret = Zeroizing::new(format!("{}\n", B64.encode(key.as_bytes())));
        match write_atomic(&key_path, secret.as_bytes(), Some(0o600)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(KeyError::AlreadyExists {
                    name: name.into(),
                    path: key_path,
                });
            }
            Err(source) => {
                return Err(KeyError::Io {
                    path: key_path,
                    source,
                });
            }
        }
        let public = PublicKey(key.verifying_key());
        let _ = fs::remove_file(&pub_path);
        write_atomic(
            &pub_path,
            format!("{}\n", public.to_base64()).as_bytes(),
            Some(0o644),
        )
        .map_err(|source| KeyError::Io {
            path: pub_path,
            source,
        })?;
        Ok(public.keyid())
    }

    /// The signing key named `name`. Refuses a key file that other users can read.
    pub fn load(&self, name: &str) -> Result<SigningKey, KeyError> {
        let path = self.path(name, "key")?;
        let text = match read_private(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::NotFound {
                    name: name.into(),
                    dir: self.dir.clone(),
                });
            }
            Err(source) => return Err(KeyError::Io { path, source }),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(&path)
                .map_err(|source| KeyError::Io {
                    path: path.clone(),
                    source,
                })?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::InsecurePermissions {
                    path,
                    mode: mode & 0o777,
                });
            }
        }
        let corrupt = |reason: &str| KeyError::Corrupt {
            path: path.clone(),
            reason: reason.into(),
        };
        let text = std::str::from_utf8(&text).map_err(|_| corrupt("not text"))?;
        let bytes = Zeroizing::new(B64.decode(text.trim()).map_err(|_| corrupt("not base64"))?);
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
            bytes
                .as_slice()
                .try_into()
                .map_err(|_| corrupt("a secret key is 32 bytes"))?,
        );
        Ok(SigningKey::from_bytes(&seed))
    }

    /// The public key of `name`: from `NAME.pub`, else derived from `NAME.key`.
    pub fn public_key(&self, name: &str) -> Result<VerifyingKey, KeyError> {
        let path = self.path(name, "pub")?;
        match fs::read_to_string(&path) {
            Ok(text) => PublicKey::from_base64(&text)
                .map(|p| p.0)
                .map_err(|reason| KeyError::Corrupt { path, reason }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(self.load(name)?.verifying_key())
            }
            Err(source) => Err(KeyError::Io { path, source }),
        }
    }

    /// Every key in the store as (name, keyid), sorted by name.
    pub fn list(&self) -> Result<Vec<(String, KeyId)>, KeyError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(KeyError::Io {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| KeyError::Io {
                path: self.dir.clone(),
                source,
            })?;
            let file = entry.file_name();
            let Some(name) = file.to_str().and_then(|f| f.strip_suffix(".key")) else {
                continue;
            };
            if check_name(name).is_err() {
                continue;
            }
            out.push((name.to_owned(), KeyId::of(&self.public_key(name)?)));
        }
        out.sort();
        Ok(out)
    }
}

fn check_name(name: &str) -> Result<(), KeyError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with(['.', '-'])
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(KeyError::InvalidName { name: name.into() })
    }
}

fn read_private(path: &Path) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(64));
    std::io::Read::read_to_end(&mut fs::File::open(path)?, &mut buf)?;
    Ok(buf)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Write `bytes` to `path` atomically: a new temp file in the same directory
/// (created with `mode` from the start on Unix), fsync, then move it into
/// place. With a `mode` the final name must not exist yet (hard link, which
/// never replaces: `AlreadyExists`); without one an existing file is replaced.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{file_name}.{}.{n}.tmp", std::process::id()));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            opts.mode(mode.unwrap_or(0o644));
        }
        match opts.open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if mode.is_some() {
            match fs::hard_link(&tmp, path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
                // Filesystems without hard links: check, then rename (a small race).
                Err(_) if !path.exists() => return fs::rename(&tmp, path),
                Err(_) => return Err(std::io::ErrorKind::AlreadyExists.into()),
            }
            fs::remove_file(&tmp)
        } else {
            fs::rename(&tmp, path)
        }
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_is_0600_in_a_0700_dir_and_listed_with_its_keyid() {
        let root = tempfile::tempdir().unwrap();
        let store = KeyStore::open(root.path().join("nested").join("keys"));
        let keyid = store.generate("alice").unwrap();
        let key = store.load("alice").unwrap();
        assert_eq!(KeyId::of(&key.verifying_key()), keyid);
        assert_eq!(store.public_key("alice").unwrap(), key.verifying_key());
        assert_eq!(store.list().unwrap(), vec![("alice".to_owned(), keyid)]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&store.dir().join("alice.key")), 0o600);
            assert_eq!(mode(store.dir()), 0o700);
        }
        // No temp files left behind.
        let mut names: Vec<_> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["alice.key", "alice.pub"]);
    }

    #[test]
    fn generate_refuses_to_overwrite_an_existing_key() {
        let root = tempfile::tempdir().unwrap();
        let store = KeyStore::open(root.path());
        store.generate("alice").unwrap();
        let before = fs::read(root.path().join("alice.key")).unwrap();
        assert!(matches!(
            store.generate("alice"),
            Err(KeyError::AlreadyExists { .. })
        ));
        assert_eq!(fs::read(root.path().join("alice.key")).unwrap(), before);
    }

    #[test]
    fn debug_output_never_contains_the_secret() {
        let root = tempfile::tempdir().unwrap();
        let store = KeyStore::open(root.path());
        store.generate("alice").unwrap();
        let key = store.load("alice").unwrap();
        let secret = key.to_bytes();
        let shown = format!("{key:?} {key:#?} {store:?}");
        assert!(!shown.contains(&hex::encode(secret)), "{shown}");
        assert!(!shown.contains(&B64.encode(secret)), "{shown}");
        assert!(!shown.contains(&format!("{:?}", secret)), "{shown}");
        assert!(
            !shown.contains(&format!("{}, {}, {}", secret[0], secret[1], secret[2])),
            "{shown}"
        );
        let file = fs::read_to_string(root.path().join("alice.key")).unwrap();
        for err in [
            store.generate("alice").unwrap_err().to_string(),
            KeyError::Corrupt {
                path: "x".into(),
                reason: "not base64".into(),
            }
            .to_string(),
        ] {
            assert!(!err.contains(file.trim()));
        }
    }

    #[test]
    fn names_that_could_escape_the_directory_are_refused() {
        let store = KeyStore::open("/nonexistent");
        for bad in ["", "../x", "a/b", ".hidden", "-rf", "a b", &"x".repeat(65)] {
            assert!(
                matches!(store.generate(bad), Err(KeyError::InvalidName { .. })),
                "{bad:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_key_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let root = tempfile::tempdir().unwrap();
        let store = KeyStore::open(root.path());
        store.generate("alice").unwrap();
        let path = root.path().join("alice.key");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            store.load("alice"),
            Err(KeyError::InsecurePermissions { mode: 0o644, .. })
        ));
    }

    #[test]
    fn missing_store_lists_nothing_and_missing_key_is_not_found() {
        let root = tempfile::tempdir().unwrap();
        let store = KeyStore::open(root.path().join("none"));
        assert!(store.list().unwrap().is_empty());
        assert!(matches!(store.load("bob"), Err(KeyError::NotFound { .. })));
    }
}
