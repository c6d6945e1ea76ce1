//! Without a Secret Service (the session D-Bus address points nowhere),
//! signing keys are 0600 files in the data dir and the publish token comes
//! from `TAILOR_PUBLISH_TOKEN`, and the stores say so.

use std::path::PathBuf;
use std::sync::OnceLock;

use tailor_bundle::{
    Backend, KeyLocation, KeyStore, PUBLISH_TOKEN_ENV, PublishTokens, TokenError, TokenSource,
};

/// One process-wide setup (the variables are process-wide): no session bus,
/// no forced key dir, a temp data dir.
fn no_keyring() -> &'static PathBuf {
    static DATA: OnceLock<PathBuf> = OnceLock::new();
    DATA.get_or_init(|| {
        let data = tempfile::tempdir().unwrap().keep();
        unsafe {
            std::env::set_var(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/tailor-no-session-bus",
            );
            std::env::remove_var(tailor_bundle::KEY_DIR_ENV);
            std::env::set_var("XDG_DATA_HOME", &data);
            std::env::set_var(PUBLISH_TOKEN_ENV, "token-from-the-variable");
        }
        data
    })
}

#[test]
fn without_a_secret_service_keys_are_0600_files_and_the_store_says_why() {
    let data = no_keyring();
    let backend = Backend::choose();
    assert!(backend.keyring().is_none());
    assert!(
        backend
            .note()
            .unwrap()
            .starts_with("no OS keyring answered ("),
        "{backend:?}"
    );

    let store = KeyStore::open_default().unwrap();
    assert!(!store.uses_keyring());
    let dir = data.join("tailor").join("keys");
    let note = store.note().unwrap();
    assert!(note.starts_with("no OS keyring answered ("), "{note}");
    assert!(
        note.ends_with(&format!("signing keys are 0600 files in {}", dir.display())),
        "{note}"
    );
    assert_eq!(store.describe(), format!("0600 files in {}", dir.display()));

    store.generate("fallback").unwrap();
    let path = dir.join("fallback.key");
    assert_eq!(
        store.location("fallback").unwrap(),
        Some(KeyLocation::File(path.clone()))
    );
    assert_eq!(
        store.list().unwrap()[0].location.to_string(),
        format!("file: {} (0600)", path.display())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    store.load("fallback").unwrap();
}

#[test]
fn without_a_secret_service_the_token_comes_from_the_variable_and_saving_one_says_why() {
    no_keyring();
    let tokens = PublishTokens::open_default();
    let got = tokens.get("production").unwrap();
    assert_eq!(got.token.as_str(), "token-from-the-variable");
    assert_eq!(got.source, TokenSource::EnvVar);
    assert_eq!(got.source.to_string(), "TAILOR_PUBLISH_TOKEN");
    let err = tokens.set("production", "s3cret").unwrap_err();
    assert!(matches!(err, TokenError::NoKeyring { .. }));
    let shown = err.to_string();
    assert!(
        shown.starts_with("no OS keyring to save the token in (no OS keyring answered ("),
        "{shown}"
    );
    assert!(
        shown.ends_with("set TAILOR_PUBLISH_TOKEN instead"),
        "{shown}"
    );
    assert!(!shown.contains("s3cret"));
}
