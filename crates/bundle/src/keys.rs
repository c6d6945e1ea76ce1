//! Private signing keys, kept outside the workspace: in the OS keyring when
//! one answers, else as 0600 files.
//!
//! [`KeyStore::open_default`] follows [`Backend::choose`]: `$TAILOR_KEY_DIR`
//! set → files there (CI, servers); else the OS keyring; else files in
//! `<data dir>/tailor/keys` (created 0700), with the reason kept
//! ([`KeyStore::note`]). In the keyring, entry (`tailor.signing-key`, NAME)
//! holds the base64 of the 32-byte Ed25519 secret seed and entry
//! (`tailor.signing-keys`, `index`) a JSON object of names to base64 public
//! keys, so listing never reads a secret. As files, `NAME.key` holds the
//! base64 seed and `NAME.pub` the base64 public key. Keys already in files
//! stay usable (and listed, with their path) when a keyring appears.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::B64;
use crate::keyid::KeyId;
use crate::secrets::{
    Backend, KEYRING_NAME, KeyringError, OsKeyring, SIGNING_KEY_INDEX_SERVICE, SIGNING_KEY_SERVICE,
};
use crate::trust::PublicKey;

/// Environment variable that forces files in that directory (CI, headless machines).
pub const KEY_DIR_ENV: &str = "TAILOR_KEY_DIR";

/// Where signing keys live. `Debug` shows the backend and directory only.
#[derive(Clone, Debug)]
pub struct KeyStore {
    keyring: Option<OsKeyring>,
    /// Key files: written when there is no keyring, read in any case.
    dir: Option<PathBuf>,
    note: Option<String>,
}

/// Where one key lives, as the user should be told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    Keyring,
    File(PathBuf),
}

impl fmt::Display for KeyLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyLocation::Keyring => f.write_str(KEYRING_NAME),
            KeyLocation::File(p) => write!(f, "file: {} (0600)", p.display()),
        }
    }
}

/// A key in the store: its name, keyid and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredKey {
    pub name: String,
    pub keyid: KeyId,
    pub location: KeyLocation,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "invalid key name {name:?}: use 1–64 letters, digits, '.', '_' or '-', not starting with '.' or '-'"
    )]
    InvalidName { name: String },
    #[error("a key named {name} already exists ({at})")]
    AlreadyExists { name: String, at: KeyLocation },
    #[error("no key named {name} in {place}")]
    NotFound { name: String, place: String },
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
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error("the signing key {name} in the {KEYRING_NAME} is not a Tailor key: {reason}")]
    CorruptEntry { name: String, reason: String },
}

/// A fresh signing key from the operating system's CSPRNG.
pub fn generate_signing_key() -> Result<SigningKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

fn default_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("tailor").join("keys"))
}

fn decode_seed(text: &[u8]) -> Result<SigningKey, &'static str> {
    let text = std::str::from_utf8(text).map_err(|_| "not text")?;
    let bytes = Zeroizing::new(B64.decode(text.trim()).map_err(|_| "not base64")?);
    let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
        bytes
            .as_slice()
            .try_into()
            .map_err(|_| "a secret key is 32 bytes")?,
    );
    Ok(SigningKey::from_bytes(&seed))
}

impl KeyStore {
    /// As [`Backend::choose`] says: `$TAILOR_KEY_DIR` (files), else the OS
    /// keyring (files already in `<data dir>/tailor/keys` are read too), else
    /// files in `<data dir>/tailor/keys`. Nothing is created until a key is
    /// generated.
    pub fn open_default() -> Result<Self, KeyError> {
        Self::with_backend(Backend::choose())
    }

    /// A store for `backend`: files in `$TAILOR_KEY_DIR` or the data dir.
    pub fn with_backend(backend: Backend) -> Result<Self, KeyError> {
        let forced = std::env::var_os(KEY_DIR_ENV)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from);
        match backend {
            Backend::Keyring(k) => Ok(Self::open_keyring(k, forced.or_else(default_dir))),
            Backend::Files { reason } => {
                let dir = forced.or_else(default_dir).ok_or(KeyError::NoDataDir)?;
                let mut store = Self::open(&dir);
                store.note = Some(format!(
                    "{reason}: signing keys are 0600 files in {}",
                    dir.display()
                ));
                Ok(store)
            }
        }
    }

    /// Files only, in `dir` (created 0700 on first [`Self::generate`]).
    pub fn open(dir: impl Into<PathBuf>) -> Self {
        Self {
            keyring: None,
            dir: Some(dir.into()),
            note: None,
        }
    }

    /// New keys in `keyring`; key files already in `legacy_dir` stay readable.
    pub fn open_keyring(keyring: OsKeyring, legacy_dir: Option<PathBuf>) -> Self {
        Self {
            keyring: Some(keyring),
            dir: legacy_dir,
            note: None,
        }
    }

    /// The key files' directory (written only without a keyring).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Whether new keys go to the OS keyring.
    pub fn uses_keyring(&self) -> bool {
        self.keyring.is_some()
    }

    /// Where new keys go, for the user: the keyring's name, or the directory.
    pub fn describe(&self) -> String {
        match (&self.keyring, &self.dir) {
            (Some(_), _) => KEYRING_NAME.to_owned(),
            (None, Some(d)) => format!("0600 files in {}", d.display()),
            (None, None) => "nowhere".to_owned(),
        }
    }

    /// Why keys are files (no keyring answered, or `$TAILOR_KEY_DIR`), if
    /// the store came from [`Self::open_default`] and uses files.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    fn file(&self, name: &str, ext: &str) -> Result<Option<PathBuf>, KeyError> {
        check_name(name)?;
        Ok(self.dir.as_ref().map(|d| d.join(format!("{name}.{ext}"))))
    }

    fn index(&self, k: &OsKeyring) -> Result<BTreeMap<String, String>, KeyError> {
        match k.get(SIGNING_KEY_INDEX_SERVICE, "index")? {
            None => Ok(BTreeMap::new()),
            Some(text) => serde_json::from_str(&text).map_err(|e| KeyError::CorruptEntry {
                name: "index".into(),
                reason: e.to_string(),
            }),
        }
    }

    /// Where the key `name` is, if it exists.
    pub fn location(&self, name: &str) -> Result<Option<KeyLocation>, KeyError> {
        let file = self.file(name, "key")?;
        if let Some(k) = &self.keyring
            && k.get(SIGNING_KEY_SERVICE, name)?.is_some()
        {
            return Ok(Some(KeyLocation::Keyring));
        }
        Ok(file.filter(|p| p.exists()).map(KeyLocation::File))
    }

    /// Generate a key named `name` and return its keyid. Refuses to replace
    /// an existing key of that name (in the keyring or a file).
    pub fn generate(&self, name: &str) -> Result<KeyId, KeyError> {
        if let Some(at) = self.location(name)? {
            return Err(KeyError::AlreadyExists {
                name: name.into(),
                at,
            });
        }
        match &self.keyring {
            Some(k) => self.generate_in_keyring(k, name),
            None => self.generate_file(name),
        }
    }

    fn generate_in_keyring(&self, k: &OsKeyring, name: &str) -> Result<KeyId, KeyError> {
        let key = generate_signing_key()?;
        let secret = Zeroizing::new(B64.encode(key.as_bytes()));
        let public = PublicKey(key.verifying_key());
        let mut index = self.index(k)?;
        k.set(SIGNING_KEY_SERVICE, name, &secret)?;
        index.insert(name.to_owned(), public.to_base64());
        let json = serde_json::to_string(&index).expect("a map of strings serialises");
        k.set(SIGNING_KEY_INDEX_SERVICE, "index", &json)?;
        Ok(public.keyid())
    }

    fn generate_file(&self, name: &str) -> Result<KeyId, KeyError> {
        let (Some(key_path), Some(pub_path), Some(dir)) = (
            self.file(name, "key")?,
            self.file(name, "pub")?,
            self.dir.as_ref(),
        ) else {
            return Err(KeyError::NoDataDir);
        };
        create_private_dir(dir).map_err(|source| KeyError::Io {
            path: dir.clone(),
            source,
        })?;
        let key = generate_signing_key()?;
        let secret = Zeroizing::new(format!("{}\n", B64.encode(key.as_bytes())));
        match write_atomic(&key_path, secret.as_bytes(), Some(0o600)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(KeyError::AlreadyExists {
                    name: name.into(),
                    at: KeyLocation::File(key_path),
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

    fn not_found(&self, name: &str) -> KeyError {
        let mut place = Vec::new();
        if self.keyring.is_some() {
            place.push(KEYRING_NAME.to_owned());
        }
        if let Some(d) = &self.dir {
            place.push(d.display().to_string());
        }
        KeyError::NotFound {
            name: name.into(),
            place: place.join(" or "),
        }
    }

    /// The signing key named `name`: from the keyring, else its file.
    /// Refuses a key file that other users can read.
    pub fn load(&self, name: &str) -> Result<SigningKey, KeyError> {
        let path = self.file(name, "key")?;
        if let Some(k) = &self.keyring
            && let Some(text) = k.get(SIGNING_KEY_SERVICE, name)?
        {
            return decode_seed(text.as_bytes()).map_err(|reason| KeyError::CorruptEntry {
                name: name.into(),
                reason: reason.into(),
            });
        }
        let Some(path) = path else {
            return Err(self.not_found(name));
        };
        let text = match read_private(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(self.not_found(name)),
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
        decode_seed(&text).map_err(|reason| KeyError::Corrupt {
            path,
            reason: reason.into(),
        })
    }

    /// The public key of `name`: from the keyring's index or `NAME.pub`,
    /// else derived from the secret.
    pub fn public_key(&self, name: &str) -> Result<VerifyingKey, KeyError> {
        let path = self.file(name, "pub")?;
        if let Some(k) = &self.keyring
            && k.get(SIGNING_KEY_SERVICE, name)?.is_some()
        {
            return match self.index(k)?.get(name) {
                Some(b64) => PublicKey::from_base64(b64).map(|p| p.0).map_err(|reason| {
                    KeyError::CorruptEntry {
                        name: "index".into(),
                        reason,
                    }
                }),
                None => Ok(self.load(name)?.verifying_key()),
            };
        }
        let Some(path) = path else {
            return Err(self.not_found(name));
        };
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

    /// Every key in the store with its keyid and location, sorted by name
    /// (keyring first when a name is in both).
    pub fn list(&self) -> Result<Vec<StoredKey>, KeyError> {
        let mut out = Vec::new();
        if let Some(k) = &self.keyring {
            for (name, b64) in self.index(k)? {
                // The index may name a key deleted by hand from the keyring.
                if k.get(SIGNING_KEY_SERVICE, &name)?.is_none() {
                    continue;
                }
                let public =
                    PublicKey::from_base64(&b64).map_err(|reason| KeyError::CorruptEntry {
                        name: "index".into(),
                        reason,
                    })?;
                out.push(StoredKey {
                    name,
                    keyid: public.keyid(),
                    location: KeyLocation::Keyring,
                });
            }
        }
        let in_keyring = out.len();
        for name in self.file_names()? {
            if out[..in_keyring].iter().any(|s| s.name == name) {
                continue;
            }
            let path = self
                .file(&name, "key")?
                .expect("file names come from the dir");
            out.push(StoredKey {
                keyid: KeyId::of(&self.file_public_key(&name)?),
                name,
                location: KeyLocation::File(path),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn file_public_key(&self, name: &str) -> Result<VerifyingKey, KeyError> {
        Self::open(self.dir.clone().unwrap_or_default()).public_key(name)
    }

    fn file_names(&self) -> Result<Vec<String>, KeyError> {
        let Some(dir) = &self.dir else {
            return Ok(Vec::new());
        };
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(KeyError::Io {
                    path: dir.clone(),
                    source,
                });
            }
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| KeyError::Io {
                path: dir.clone(),
                source,
            })?;
            let file = entry.file_name();
            let Some(name) = file.to_str().and_then(|f| f.strip_suffix(".key")) else {
                continue;
            };
            if check_name(name).is_ok() {
                out.push(name.to_owned());
            }
        }
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
        let dir = store.dir().unwrap();
        assert_eq!(
            store.list().unwrap(),
            vec![StoredKey {
                name: "alice".to_owned(),
                keyid,
                location: KeyLocation::File(dir.join("alice.key")),
            }]
        );
        assert_eq!(
            store.location("alice").unwrap().unwrap().to_string(),
            format!("file: {} (0600)", dir.join("alice.key").display())
        );
        assert!(!store.uses_keyring());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir.join("alice.key")), 0o600);
            assert_eq!(mode(dir), 0o700);
        }
        // No temp files left behind.
        let mut names: Vec<_> = fs::read_dir(dir)
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
