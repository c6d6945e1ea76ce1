//! Signing keys and publish tokens through a real Secret Service: a
//! `gnome-keyring-daemon`, unlocked, in a private `dbus-run-session`, with
//! XDG dirs in a temp folder (`make test-keyring`, which sets
//! `TAILOR_KEYRING_TEST=1`). Ignored in the plain workspace run, where no
//! Secret Service answers; the fallback is tested in `keyring_fallback.rs`.

use std::path::Path;

use base64::Engine as _;
use tailor_bundle::{
    Backend, KEYRING_NAME, KeyError, KeyId, KeyLocation, KeyStore, PUBLISH_TOKEN_ENV,
    PublishTokens, StoredKey, TokenSource,
};

/// Refuses to run against a desktop's own keyring.
fn private_session() {
    assert_eq!(
        std::env::var("TAILOR_KEYRING_TEST").as_deref(),
        Ok("1"),
        "run through `make test-keyring` (a private gnome-keyring-daemon)"
    );
    assert!(
        std::env::var_os(tailor_bundle::KEY_DIR_ENV).is_none(),
        "TAILOR_KEY_DIR forces files"
    );
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    )
}

/// Every file under `root` whose bytes contain one of `needles`.
fn files_containing(root: &Path, needles: &[&[u8]]) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            needles
                .iter()
                .any(|n| bytes.windows(n.len()).any(|w| w == *n))
        })
        .map(|e| e.path().display().to_string())
        .collect()
}

/// The test's XDG data, config and cache dirs (the daemon's encrypted
/// keyring file is in the data dir).
fn xdg_dirs() -> Vec<std::path::PathBuf> {
    [dirs::data_dir(), dirs::config_dir(), dirs::cache_dir()]
        .into_iter()
        .flatten()
        .filter(|d| d.exists())
        .collect()
}

#[test]
#[ignore = "needs a Secret Service: run with `make test-keyring`"]
fn a_signing_key_round_trips_through_the_keyring_and_never_touches_disk() {
    private_session();
    let store = KeyStore::open_default().unwrap();
    assert!(
        store.uses_keyring(),
        "a Secret Service answered, so keys go there"
    );
    assert_eq!(store.note(), None);
    assert_eq!(store.describe(), KEYRING_NAME);

    let name = unique("release");
    let keyid = store.generate(&name).unwrap();
    let key = store.load(&name).unwrap();
    assert_eq!(KeyId::of(&key.verifying_key()), keyid);
    assert_eq!(store.public_key(&name).unwrap(), key.verifying_key());
    assert_eq!(store.location(&name).unwrap(), Some(KeyLocation::Keyring));
    assert!(store.list().unwrap().contains(&StoredKey {
        name: name.clone(),
        keyid: keyid.clone(),
        location: KeyLocation::Keyring,
    }));
    assert_eq!(
        KeyLocation::Keyring.to_string(),
        "OS keyring (Secret Service)"
    );
    assert!(matches!(
        store.generate(&name),
        Err(KeyError::AlreadyExists {
            at: KeyLocation::Keyring,
            ..
        })
    ));

    // A new connection reads the same key back: it lives in the daemon.
    let again = KeyStore::open_default().unwrap().load(&name).unwrap();
    assert_eq!(again.to_bytes(), key.to_bytes());

    // Never on disk: no key directory, and the secret (base64, hex or raw)
    // is in no file under the XDG dirs, the keyring daemon's own file
    // included (it is encrypted).
    let data = dirs::data_dir().unwrap();
    assert!(
        !data.join("tailor").exists(),
        "no key directory in {}",
        data.display()
    );
    let secret = key.to_bytes();
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    let hex = hex::encode(secret);
    for dir in xdg_dirs() {
        let found = files_containing(&dir, &[b64.as_bytes(), hex.as_bytes(), &secret]);
        assert!(found.is_empty(), "the secret key is on disk: {found:?}");
    }
    // The store's Debug output names the keyring, never the secret.
    let shown = format!("{store:?}");
    assert!(!shown.contains(&b64) && !shown.contains(&hex), "{shown}");
}

#[test]
#[ignore = "needs a Secret Service: run with `make test-keyring`"]
fn publish_tokens_round_trip_per_environment_and_never_touch_disk() {
    private_session();
    // nextest runs each test in its own process: the variable is ours.
    unsafe { std::env::remove_var(PUBLISH_TOKEN_ENV) };
    let tokens = PublishTokens::open_default();
    assert!(tokens.backend().keyring().is_some());
    let (prod, staging) = (unique("production"), unique("staging"));
    assert!(tokens.get(&prod).is_none());

    let prod_token = unique("tok-prod");
    let staging_token = unique("tok-staging");
    tokens.set(&prod, &prod_token).unwrap();
    tokens.set(&staging, &staging_token).unwrap();
    let got = PublishTokens::open_default().get(&prod).unwrap();
    assert_eq!(got.token.as_str(), prod_token);
    assert_eq!(got.source, TokenSource::Keyring);
    assert_eq!(got.source.to_string(), KEYRING_NAME);
    assert!(!format!("{got:?}").contains(&prod_token));
    assert_eq!(tokens.get(&staging).unwrap().token.as_str(), staging_token);

    // The keyring's token wins over the variable for its environment; an
    // environment without one falls back to the variable.
    unsafe { std::env::set_var(PUBLISH_TOKEN_ENV, "from-the-variable") };
    assert_eq!(tokens.get(&prod).unwrap().token.as_str(), prod_token);
    let other = tokens.get(&unique("qa")).unwrap();
    assert_eq!(
        (other.token.as_str(), other.source),
        ("from-the-variable", TokenSource::EnvVar)
    );

    for dir in xdg_dirs() {
        let found = files_containing(&dir, &[prod_token.as_bytes(), staging_token.as_bytes()]);
        assert!(found.is_empty(), "a token is on disk: {found:?}");
    }

    assert!(tokens.delete(&prod).unwrap());
    assert!(!tokens.delete(&prod).unwrap());
    assert_eq!(tokens.get(&prod).unwrap().source, TokenSource::EnvVar);
    assert!(tokens.delete(&staging).unwrap());
}

#[test]
#[ignore = "needs a Secret Service: run with `make test-keyring`"]
fn tailor_key_dir_forces_files_even_when_a_keyring_answers() {
    private_session();
    assert!(matches!(Backend::choose(), Backend::Keyring(_)));
    let dir = tempfile::tempdir().unwrap();
    unsafe { std::env::set_var(tailor_bundle::KEY_DIR_ENV, dir.path()) };
    let backend = Backend::choose();
    assert_eq!(backend.note(), Some("TAILOR_KEY_DIR is set"));
    let store = KeyStore::open_default().unwrap();
    assert!(!store.uses_keyring());
    let name = unique("ci");
    store.generate(&name).unwrap();
    assert_eq!(
        store.location(&name).unwrap(),
        Some(KeyLocation::File(dir.path().join(format!("{name}.key"))))
    );
    // Tokens too: nothing is saved in the keyring while files are forced.
    let err = PublishTokens::open_default()
        .set("production", "x")
        .unwrap_err();
    assert!(err.to_string().contains(PUBLISH_TOKEN_ENV), "{err}");
}
