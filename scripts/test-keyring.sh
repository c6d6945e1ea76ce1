#!/usr/bin/env bash
# The OS-keyring tests against a real Secret Service: a private D-Bus session
# (dbus-run-session) with gnome-keyring-daemon's login keyring created and
# unlocked with a throwaway password, and the XDG dirs in a temp folder, so
# nothing touches the user's own keyring. Runs the ignored tests of
# crates/bundle/tests/keyring.rs (keys and tokens round-trip, never on disk)
# and crates/cli/tests/keyring.rs (tailor publish with a keyring key and token).
# Usage: bash scripts/test-keyring.sh [extra nextest args]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "test-keyring: $tool missing: bash scripts/install-deps"; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data" "$tmp/config" "$tmp/cache"
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
export TAILOR_KEYRING_TEST=1
unset TAILOR_KEY_DIR TAILOR_PUBLISH_TOKEN

# shellcheck disable=SC2016 # expanded by the inner shell
dbus-run-session -- bash -c '
  set -euo pipefail
  printf %s tailor-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # The daemon claims org.freedesktop.secrets shortly after it forks; asking
  # before then would D-Bus-activate a second, locked one.
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true" && break
    sleep 0.1
  done
  cargo nextest run -p tailor-bundle -p tailor-cli --test keyring --run-ignored only --no-fail-fast "$@"
' test-keyring "$@"
