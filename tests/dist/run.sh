#!/usr/bin/env bash
# Tests of what `make dist` built (target/dist): the packages' metadata, the
# AppImage under Xvfb through WebDriver, signed updates against a real nginx
# over TLS, and single instance. A private D-Bus session carries the
# single-instance handoff; Xvfb the windows.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH"
[ -f ../../target/dist/latest.json ] || { echo "tests/dist: run make dist first"; exit 1; }
[ -x ../../target/debug/tailor-app ] || { echo "tests/dist: build the app first: make app"; exit 1; }
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  node --test --test-concurrency=1 --test-timeout=600000 ./*.test.mjs
