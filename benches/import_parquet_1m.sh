#!/usr/bin/env bash
# Issue #15: import 1,000,000 apparel-like shoppers from Parquet into a
# workspace (target < 10 s, peak memory < 1 GB), next to the same shoppers
# from JSON Lines. Figures go in docs/PERFORMANCE.md.
#
#   cargo build --release -p tailor-cli && benches/import_parquet_1m.sh [N]
#
# The shoppers come from the apparel example's own generator spec (the one
# `tailor init --example apparel` samples its 12,000 shoppers from), seed 5,
# so ap-000001 … ap-012000 overwrite the example's and the rest are new.
set -euo pipefail
cd "$(dirname "$0")/.."
tailor=${TAILOR:-$PWD/target/release/tailor}
n=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$tailor" init "$dir/ap.tailor" --example apparel >/dev/null
python3 -c "import sys, yaml; d = yaml.safe_load(open('examples/apparel/shoppers.yaml')); yaml.safe_dump(d['spec'], open(sys.argv[1], 'w'))" "$dir/spec.yaml"
"$tailor" generate shoppers --spec "$dir/spec.yaml" -n "$n" --seed 5 -o "$dir/shoppers.parquet"
"$tailor" generate shoppers --spec "$dir/spec.yaml" -n "$n" --seed 5 -o "$dir/shoppers.jsonl"
ls -l "$dir/shoppers.parquet" "$dir/shoppers.jsonl" | awk '{ printf "%s: %.1f MB\n", $NF, $5 / 1e6 }'

for input in shoppers.parquet shoppers.jsonl; do
  cp "$dir/ap.tailor" "$dir/run.tailor"
  /usr/bin/time -v "$tailor" import shoppers "$dir/run.tailor" "$dir/$input" >"$dir/out.txt" 2>"$dir/time.txt"
  head -1 "$dir/out.txt"
  grep -E "Elapsed|Maximum resident|User time|System time" "$dir/time.txt" | sed 's/^\t*/  /'
  ls -l "$dir/run.tailor" | awk '{ printf "  workspace file: %.0f MB\n", $5 / 1e6 }'
  rm -f "$dir"/run.tailor*
done
