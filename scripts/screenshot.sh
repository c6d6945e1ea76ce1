#!/usr/bin/env bash
# Regenerates the docs' screenshots from the real app under Xvfb:
#   scripts/screenshot.sh WORKSPACE OUT_DIR   (make screenshot does this)
set -euo pipefail
ws=$(realpath "$1"); out=$(realpath -m "$2")
cd "$(dirname "$0")/../tests/e2e"
export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" node screenshot.mjs "$ws" "$out"
fi
node screenshot.mjs "$ws" "$out"
