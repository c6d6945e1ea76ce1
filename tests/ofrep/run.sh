#!/usr/bin/env bash
# OpenFeature (OFREP) tests against the real debug `tailor` binary (builds
# nothing: `cargo build -p tailor-cli` first). Each test file starts its own
# `tailor serve`; the browser test needs an X display and starts Xvfb when
# none is set. Exits non-zero when a test fails.
set -euo pipefail
cd "$(dirname "$0")"
[ -x ../../target/debug/tailor ] || { echo "build the CLI first: cargo build -p tailor-cli"; exit 1; }
for dir in . ../../examples/storefront; do
  [ -d "$dir/node_modules" ] || { echo "npm packages missing in $dir: bash scripts/install-deps"; exit 1; }
done

xvfb_pid=""
cleanup() { [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
  display=":$((200 + RANDOM % 100))"
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY="$display"
  for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
fi
# Arguments: test files to run (default: all of them).
files=("$@")
((${#files[@]})) || files=(./*.test.mjs)
node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "${files[@]}"
