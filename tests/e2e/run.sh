#!/usr/bin/env bash
# Runs the end-to-end tests against the real debug app: starts Xvfb when no
# display is set; each test file starts tauri-driver (WebDriver) itself.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH"
[ -x ../../target/debug/tailor-app ] || { echo "build the app first: make app"; exit 1; }
command -v tauri-driver >/dev/null || { echo "tauri-driver missing: bash scripts/install-deps"; exit 1; }

xvfb_pid=""
cleanup() { [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
  display=":$((90 + RANDOM % 100))"
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY="$display"
  for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
fi
node --test --test-concurrency=1 --test-timeout=600000 ./*.test.mjs
