#!/usr/bin/env bash
# OpenFeature (OFREP) tests against the real debug `tailor` binary (builds
# nothing: `cargo build -p tailor-cli` first). Each test file starts its own
# `tailor serve`; the browser test needs an X display and starts Xvfb when
# none is set (xvfb-run). Exits non-zero when a test fails.
set -euo pipefail
cd "$(dirname "$0")"
[ -x ../../target/debug/tailor ] || { echo "build the CLI first: cargo build -p tailor-cli"; exit 1; }
for dir in . ../../examples/storefront; do
  [ -d "$dir/node_modules" ] || { echo "npm packages missing in $dir: bash scripts/install-deps"; exit 1; }
done

# Arguments: test files to run (default: all of them).
files=("$@")
((${#files[@]})) || files=(./*.test.mjs)
run=(node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "${files[@]}")
# The browser test needs an X display: Xvfb (xvfb-run -a picks a free one) when none is set.
if [ -n "${DISPLAY:-}" ]; then "${run[@]}"; else xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "${run[@]}"; fi
