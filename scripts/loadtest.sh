#!/usr/bin/env bash
# Load test of the decision service with oha (`cargo install oha --locked`):
# POST /v1/decide on an example workspace's published bundle with realistic
# shoppers, against an empty handler on the same stack (POST /v1/noop) in the
# same run. The two alternate in ROUNDS rounds (this machine is shared and
# noisy: a neighbour's burst then hits both sides of a round), and the
# median of the per-round ratios is reported with throughput, p50 and p99.
# OFREP=1 adds the OpenFeature endpoints to every round: one flag (the
# page's first placement) and the bulk evaluation of the page, for the same
# shopper, each compared with /v1/decide of the same round.
#   [OFREP=1] scripts/loadtest.sh [EXAMPLE] [DURATION PER RUN] [CONNECTIONS] [ROUNDS]
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
placement=$($T export "$work/ws.tailor" --format json | python3 -c 'import json,sys; p=json.load(sys.stdin)["page_types"][0]; print(p["name"] + "." + p["placements"][0]["name"])')
python3 - "$work" "$work/ws.tailor" "$page" <<'PY'
import json, sqlite3, sys
work, ws, page = sys.argv[1:]
c = sqlite3.connect(ws)
shopper = json.loads(c.execute("select body from shoppers order by rowid limit 1 offset 7").fetchone()[0])
json.dump({"shopper": shopper, "page": page}, open(f"{work}/body.json", "w"))
# The same shopper as an OpenFeature evaluation context.
context = {k: v for k, v in shopper.items() if k != "id"} | {"targetingKey": shopper["id"]}
json.dump({"context": context}, open(f"{work}/ofrep-single.json", "w"))
json.dump({"context": context | {"page": page}}, open(f"{work}/ofrep-bulk.json", "w"))
PY
run() { # PATH BODY-FILE
  "${pin_oha[@]}" oha -z "$duration" -c "$conns" --no-tui --output-format json -m POST \
    -H 'content-type: application/json' -D "$2" "http://127.0.0.1:$port$1"
}
for i in $(seq "$rounds"); do
  run /v1/noop "$work/body.json" > "$work/noop-$i.json"
  run /v1/decide "$work/body.json" > "$work/decide-$i.json"
  if [[ ${OFREP:-0} == 1 ]]; then
    run "/ofrep/v1/evaluate/flags/$placement" "$work/ofrep-single.json" > "$work/ofrep-single-$i.json"
    run /ofrep/v1/evaluate/flags "$work/ofrep-bulk.json" > "$work/ofrep-bulk-$i.json"
  fi
done
python3 - "$work" "$rounds" "$duration" "$conns" "$example" "${OFREP:-0}" "$placement" <<'PY'
import json, statistics, sys
work, rounds, ofrep = sys.argv[1], int(sys.argv[2]), sys.argv[6] == "1"
def row(name, i):
    d = json.load(open(f"{work}/{name}-{i}.json"))
    s, p = d["summary"], d["latencyPercentiles"]
    return s["requestsPerSec"], p["p50"] * 1000, p["p99"] * 1000, d.get("statusCodeDistribution", {})
names = [("noop", "/v1/noop"), ("decide", "/v1/decide")]
if ofrep:
    names += [("ofrep-single", f"OFREP {sys.argv[7]}"), ("ofrep-bulk", "OFREP bulk")]
print(f"oha -z {sys.argv[3]} -c {sys.argv[4]}, example {sys.argv[5]}, loopback, {rounds} alternating rounds")
print(f"{'round':<6} {'endpoint':<20} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}  status codes")
ratios = {n: [] for n, _ in names}
p99s = []
for i in range(1, rounds + 1):
    rows = {n: row(n, i) for n, _ in names}
    for n, label in names:
        rps, p50, p99, codes = rows[n]
        print(f"{i:<6} {label:<20} {rps:>10.0f} {p50:>8.3f} {p99:>8.3f}  {codes}")
    ratios["decide"].append(rows["decide"][0] / rows["noop"][0])
    for n in ("ofrep-single", "ofrep-bulk"):
        if ofrep:
            ratios[n].append(rows[n][0] / rows["decide"][0])
    p99s.append(rows["decide"][2])
print(f"throughput ratio decide/noop per round: {', '.join(f'{r:.2f}' for r in ratios['decide'])}; median {statistics.median(ratios['decide']):.2f}")
print(f"decide p99 per round (ms): {', '.join(f'{p:.2f}' for p in p99s)}")
if ofrep:
    for n in ("ofrep-single", "ofrep-bulk"):
        print(f"throughput ratio {n}/decide per round: {', '.join(f'{r:.2f}' for r in ratios[n])}; median {statistics.median(ratios[n]):.2f}")
PY
