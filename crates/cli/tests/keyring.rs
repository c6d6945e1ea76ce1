//! `tailor keys`, `tailor token` and `tailor publish` with the OS keyring
//! (ignored here: `make test-keyring` runs them against a real
//! gnome-keyring-daemon) and without one (the 0600-file and
//! `TAILOR_PUBLISH_TOKEN` fallback, said on stderr).

mod common;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use common::{Env, TOKEN};

/// `tailor` as a desktop user runs it: no forced key dir, no token variable.
fn desktop(env: &Env, args: &[&str]) -> Command {
    let mut c = env.cmd(args);
    c.env_remove("TAILOR_KEY_DIR")
        .env_remove("TAILOR_PUBLISH_TOKEN");
    c
}

fn ok(mut c: Command) -> Output {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{c:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
#[ignore = "needs a Secret Service: run with `make test-keyring`"]
fn publish_signs_with_a_keyring_key_and_uploads_with_the_environments_keyring_token() {
    assert_eq!(
        std::env::var("TAILOR_KEYRING_TEST").as_deref(),
        Ok("1"),
        "run through `make test-keyring`"
    );
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };
    let key = format!("kr-{}", std::process::id());

    let out = ok(desktop(&env, &["keys", "generate", &key]));
    assert!(
        !text(&out.stderr).contains("note:"),
        "{}",
        text(&out.stderr)
    );
    let list = text(&ok(desktop(&env, &["keys", "list"])).stdout);
    let row = list
        .lines()
        .find(|l| l.starts_with(&format!("{key}\t")))
        .unwrap();
    assert!(row.ends_with("\tOS keyring (Secret Service)"), "{row}");
    let data = std::path::PathBuf::from(
        std::env::var_os("XDG_DATA_HOME").expect("make test-keyring sets XDG_DATA_HOME"),
    );
    assert!(
        !data.join("tailor").exists() && !env.path("keys").exists(),
        "no key files"
    );

    let trust = env.path("trust.json").display().to_string();
    ok(desktop(
        &env,
        &["keys", "export", &key, "--env", "production", "-o", &trust],
    ));
    let ws = env.ws();
    env.ok(&["init", &ws]);
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/full-spec.yaml");
    env.ok(&["apply", &ws, spec.to_str().unwrap()]);

    // The token goes in through standard input, never the command line.
    let mut set = desktop(&env, &["token", "set", "production"]);
    let mut child = set
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{TOKEN}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains(TOKEN));
    let shown = text(&ok(desktop(&env, &["token", "show", "production"])).stdout);
    assert_eq!(
        shown.trim(),
        "production: token from OS keyring (Secret Service)"
    );

    // The service has the token; the publisher only its keyring.
    let service = env.serve("data");
    let publish = |env: &Env| {
        desktop(
            env,
            &[
                "publish",
                &ws,
                "--env",
                "production",
                "--to",
                &service.url,
                "--key",
                &key,
                "--accept-warnings",
                "--format",
                "json",
            ],
        )
        .output()
        .unwrap()
    };
    let out = publish(&env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["version"], 1);

    // Without the keyring's token the same upload is refused.
    ok(desktop(&env, &["token", "delete", "production"]));
    env.ok(&["apply", &ws, spec.to_str().unwrap()]);
    let out = publish(&env);
    assert!(!out.status.success());
    let refused = text(&out.stderr);
    assert!(refused.contains("a bearer token is required to publish"), "{refused}");
    let shown = text(&ok(desktop(&env, &["token", "show", "production"])).stdout);
    assert!(shown.starts_with("production: no publish token"), "{shown}");
}

#[test]
fn without_a_keyring_keys_are_files_the_token_is_the_variable_and_the_cli_says_so() {
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };
    let data = env.path("data-home");
    let plain = |args: &[&str]| {
        let mut c = desktop(&env, args);
        c.env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/tailor-no-session-bus",
        )
        .env("XDG_DATA_HOME", &data);
        c
    };
    let out = ok(plain(&["keys", "generate", "fallback"]));
    let keys = data.join("tailor").join("keys");
    let note = text(&out.stderr);
    assert!(note.starts_with("note: no OS keyring answered ("), "{note}");
    assert!(
        note.contains(&format!(
            "signing keys are 0600 files in {}",
            keys.display()
        )),
        "{note}"
    );
    let list = text(&ok(plain(&["keys", "list"])).stdout);
    assert!(
        list.trim().ends_with(&format!(
            "\tfile: {} (0600)",
            keys.join("fallback.key").display()
        )),
        "{list}"
    );

    let mut show = plain(&["token", "show", "production"]);
    show.env("TAILOR_PUBLISH_TOKEN", TOKEN);
    let shown = text(&ok(show).stdout);
    assert_eq!(shown.trim(), "production: token from TAILOR_PUBLISH_TOKEN");
    let mut set = plain(&["token", "set", "production"]);
    set.stdin(Stdio::null());
    let out = set.output().unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("set TAILOR_PUBLISH_TOKEN instead"),
        "{}",
        text(&out.stderr)
    );
}
