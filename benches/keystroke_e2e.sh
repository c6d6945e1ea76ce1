#!/usr/bin/env bash
# Issue #15: a keystroke in the segment editor, end to end through the real
# release app (see benches/keystroke_e2e.mjs). Figures go in
# docs/PERFORMANCE.md.
#
#   cd ui && npm run build && cd .. && cargo build --release -p tailor-app -p tailor-cli
#   benches/keystroke_e2e.sh [SHOPPERS] [options of keystroke_e2e.mjs: --n 20 --pattern fresh|alternate …]
#
# SHOPPERS (default 1000000): the apparel example as `tailor init` makes it
# (12,000 shoppers) when 12000, else the example with its shoppers generated
# from its own spec, seed 5, and imported (as benches/import_parquet_1m.sh
# does). The workspace is made once and kept in $KS_DIR (/tmp/tailor-ks).
# Starts Xvfb (xvfb-run) when there is no display; the driver helpers are
# tests/e2e's.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
tailor=${TAILOR:-$PWD/target/release/tailor}
n=${1:-1000000}
[ $# -gt 0 ] && shift
dir=${KS_DIR:-/tmp/tailor-ks}
ws="$dir/apparel-$n.tailor"

[ -x target/release/tailor-app ] || { echo "build the release app first (see the top of $0)"; exit 1; }
command -v tauri-driver >/dev/null || { echo "tauri-driver missing: bash scripts/install-deps"; exit 1; }

if [ ! -f "$ws.ok" ]; then
  mkdir -p "$dir"
  rm -f "$ws" "$ws"-*
  "$tailor" init "$ws" --example apparel >/dev/null
  if [ "$n" != 12000 ]; then
    python3 -c "import sys, yaml; d = yaml.safe_load(open('examples/apparel/shoppers.yaml')); yaml.safe_dump(d['spec'], open(sys.argv[1], 'w'))" "$dir/spec.yaml"
    "$tailor" generate shoppers --spec "$dir/spec.yaml" -n "$n" --seed 5 -o "$dir/shoppers-$n.parquet"
    "$tailor" import shoppers "$ws" "$dir/shoppers-$n.parquet" | head -1
    rm -f "$dir/shoppers-$n.parquet"
  fi
  touch "$ws.ok"
fi

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" node benches/keystroke_e2e.mjs "$ws" "$@"
else
  exec node benches/keystroke_e2e.mjs "$ws" "$@"
fi
