#!/usr/bin/env bash
# Issue #15: batch simulation of the apparel example, 1,000,000 shoppers ×
# its 7 page types on 2 threads, from JSON Lines (target < 2.5 s) and from
# Parquet (target < 1.5 s). Figures go in docs/PERFORMANCE.md.
#
#   cargo build --release -p tailor-cli && benches/simulate_1m.sh [N] [RUNS]
#
# The shoppers come from the apparel example's own generator spec, seed 5
# (the same files as benches/import_parquet_1m.sh). Each input is simulated
# RUNS times (default 3), alternating, so both see the same machine load;
# the figure is the report's own `elapsed_ms` (reading, typing, deciding
# and merging; not the workspace's opening).
set -euo pipefail
cd "$(dirname "$0")/.."
tailor=${TAILOR:-$PWD/target/release/tailor}
n=${1:-1000000}
runs=${2:-3}
dir=${SIM_DIR:-$(mktemp -d)}
[ -n "${SIM_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT

[ -f "$dir/ap.tailor" ] || "$tailor" init "$dir/ap.tailor" --example apparel >/dev/null
python3 -c "import sys, yaml; d = yaml.safe_load(open('examples/apparel/shoppers.yaml')); yaml.safe_dump(d['spec'], open(sys.argv[1], 'w'))" "$dir/spec.yaml"
for ext in parquet jsonl; do
  [ -f "$dir/shoppers-$n.$ext" ] || "$tailor" generate shoppers --spec "$dir/spec.yaml" -n "$n" --seed 5 -o "$dir/shoppers-$n.$ext"
done

for run in $(seq "$runs"); do
  for ext in jsonl parquet; do
    /usr/bin/time -f "%e s wall, %M KB max RSS" -o "$dir/time.txt" \
      "$tailor" simulate "$dir/ap.tailor" --shoppers "$dir/shoppers-$n.$ext" --threads 2 \
      --at 2026-12-01T10:00:00Z --format json >"$dir/report.json"
    python3 - "$dir/report.json" "$ext" "$run" "$(cat "$dir/time.txt")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"run {sys.argv[3]} {sys.argv[2]:8} shoppers {r['shoppers']:,} page views {r['page_views']:,} elapsed_ms {r['elapsed_ms']:,} ({sys.argv[4]})")
PY
  done
done
