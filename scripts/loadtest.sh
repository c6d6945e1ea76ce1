#!/usr/bin/env bash
# Load test of the decision service with oha (`cargo install oha --locked`):
# POST /v1/decide on an example workspace's published bundle with realistic
# shoppers, against an empty handler on the same stack (POST /v1/noop) in the
# same run. The two alternate in ROUNDS rounds (this machine is shared and
# noisy: a neighbour's burst then hits both sides of a round), and the
# median of the per-round ratios is reported with throughput, p50 and p99.
#   scripts/loadtest.sh [EXAMPLE] [DURATION PER RUN] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
example=${1:-apparel}
duration=${2:-15s}
conns=${3:-32}
rounds=${4:-3}
command -v oha >/dev/null || { echo "oha missing: cargo install oha --locked"; exit 1; }
cargo build --release -p tailor-cli >/dev/null
T=$PWD/target/release/tailor
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
export TAILOR_KEY_DIR=$work/keys TAILOR_PUBLISH_TOKEN=loadtest-token
$T init "$work/ws.tailor" --example "$example" >/dev/null
$T keys generate loadtest >/dev/null
$T keys export loadtest --env production -o "$work/trust.json" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# PIN=1: the service on CPU 0 and oha on CPU 1, so that the generator does
# not take the service's cycles (the usual setup has it on another machine).
pin_service=() pin_oha=()
if [[ ${PIN:-0} == 1 ]]; then pin_service=(taskset -c 0) pin_oha=(taskset -c 1); fi
"${pin_service[@]}" $T serve --data-dir "$work/data" --trust "$work/trust.json" --listen "127.0.0.1:$port" --bench-endpoints ${SERVE_ARGS:-} > "$work/serve.log" 2>&1 &
server=$!
sleep 1
$T publish "$work/ws.tailor" --env production --to "http://127.0.0.1:$port" --key loadtest --accept-warnings >/dev/null 2>&1
# Realistic requests: sample shoppers of the example, on its home page.
page=$($T export "$work/ws.tailor" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["page_types"][0]["name"])')
python3 - "$work/ws.tailor" "$page" > "$work/body.json" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
body = json.loads(c.execute("select body from shoppers order by rowid limit 1 offset 7").fetchone()[0])
print(json.dumps({"shopper": body, "page": sys.argv[2]}))
PY
run() {
  "${pin_oha[@]}" oha -z "$duration" -c "$conns" --no-tui --output-format json -m POST \
    -H 'content-type: application/json' -D "$work/body.json" "http://127.0.0.1:$port$1"
}
for i in $(seq "$rounds"); do
  run /v1/noop > "$work/noop-$i.json"
  run /v1/decide > "$work/decide-$i.json"
done
python3 - "$work" "$rounds" "$duration" "$conns" "$example" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def row(d):
    s, p = d["summary"], d["latencyPercentiles"]
    return s["requestsPerSec"], p["p50"] * 1000, p["p99"] * 1000, d.get("statusCodeDistribution", {})
print(f"oha -z {sys.argv[3]} -c {sys.argv[4]}, example {sys.argv[5]}, loopback, {rounds} alternating rounds")
print(f"{'round':<6} {'endpoint':<12} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}  status codes")
ratios, p99s = [], []
for i in range(1, rounds + 1):
    noop, decide = (row(json.load(open(f"{work}/{name}-{i}.json"))) for name in ("noop", "decide"))
    for name, (rps, p50, p99, codes) in (("/v1/noop", noop), ("/v1/decide", decide)):
        print(f"{i:<6} {name:<12} {rps:>10.0f} {p50:>8.3f} {p99:>8.3f}  {codes}")
    ratios.append(decide[0] / noop[0])
    p99s.append(decide[2])
print(f"throughput ratio decide/noop per round: {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}")
print(f"decide p99 per round (ms): {', '.join(f'{p:.2f}' for p in p99s)}")
PY
