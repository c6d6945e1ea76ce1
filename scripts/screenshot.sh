#!/usr/bin/env bash
# Regenerates the docs' screenshots from the real app under Xvfb
# (`make screenshots`): scripts/screenshot.sh [OUT_DIR]
set -euo pipefail
out=$(realpath -m "${1:-docs/img}")
cd "$(dirname "$0")/../tests/e2e"
export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" node screenshot.mjs "$out"
fi
node screenshot.mjs "$out"
