#!/usr/bin/env bash
# Followers benchmark (docs/deployment.md, figures in docs/PERFORMANCE.md):
# one writer, 1..MAX followers behind nginx, on loopback, release build.
#  1. propagation: PUBLISHES publishes to the writer, each timed from the
#     moment `tailor publish` returns until every follower serves it;
#  2. decisions per second through nginx with 1, 2, …, MAX followers
#     (oha, `cargo install oha --locked`), with the count of non-2xx answers,
#     after a baseline straight to one follower (no nginx) in the same run.
#   scripts/follow-bench.sh [MAX FOLLOWERS] [POLL INTERVAL] [OHA DURATION] [CONNECTIONS] [PUBLISHES]
# TAILOR=path/to/tailor runs that (release) binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
max=${1:-3}
poll=${2:-1s}
duration=${3:-10s}
conns=${4:-32}
publishes=${5:-5}
command -v oha >/dev/null || { echo "oha missing: cargo install oha --locked"; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx missing: bash scripts/install-deps"; exit 1; }
if [ -n "${TAILOR:-}" ]; then T=$(realpath "$TAILOR")
else cargo build --release -p tailor-cli >/dev/null; T=$PWD/target/release/tailor; fi
work=$(mktemp -d)
pids=()
cleanup() {
  [ -f "$work/nginx/nginx.conf" ] && "$nginx" -c "$work/nginx/nginx.conf" -p "$work/nginx" -s stop 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export TAILOR_KEY_DIR=$work/keys TAILOR_PUBLISH_TOKEN=bench-token
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
$T init "$work/ws.tailor" --example apparel >/dev/null
$T keys generate bench >/dev/null
$T keys export bench --env production -o "$work/trust.json" >/dev/null

serve() { # NAME PORT [ARGS…]: starts a service, waits until it listens
  local name=$1 port=$2; shift 2
  $T serve --data-dir "$work/$name" --trust "$work/trust.json" --listen "127.0.0.1:$port" --no-decision-log "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  until curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.05; done
}
writer_port=$(free_port)
serve writer "$writer_port"
writer=http://127.0.0.1:$writer_port
publish() { $T publish "$work/ws.tailor" --env production --to "$writer" --key bench --accept-warnings --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])'; }
publish >/dev/null
follower_ports=()
for i in $(seq "$max"); do
  p=$(free_port); follower_ports+=("$p")
  serve "f$i" "$p" --follow "$writer" --env production --poll-interval "$poll"
done
digest_of() { curl -s "http://127.0.0.1:$1/v1/bundles/production/active" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("digest",""))' 2>/dev/null || true; }
until [ "$(digest_of "${follower_ports[-1]}")" != "" ]; do sleep 0.05; done

echo "propagation to $max followers at a $poll poll interval ($publishes publishes):"
times=()
for n in $(seq "$publishes"); do
  $T segment add "$work/ws.tailor" --name "bench_$n" --when 'device = "desktop"' >/dev/null
  d=$(publish)
  start=$(date +%s.%N)
  for p in "${follower_ports[@]}"; do until [ "$(digest_of "$p")" = "$d" ]; do sleep 0.01; done; done
  t=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$start" "$(date +%s.%N)")
  times+=("$t"); echo "  publish $n: ${t} s"
done
python3 -c "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f'  median {statistics.median(v):.3f} s, max {max(v):.3f} s')" "${times[@]}"

# A realistic request: one of the example's sample shoppers on its first page type.
page=$($T export "$work/ws.tailor" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["page_types"][0]["name"])')
python3 - "$work/ws.tailor" "$page" > "$work/body.json" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
body = json.loads(c.execute("select body from shoppers order by rowid limit 1 offset 7").fetchone()[0])
print(json.dumps({"shopper": body, "page": sys.argv[2]}))
PY

lb_port=$(free_port)
mkdir -p "$work/nginx/logs"
oha_run() { # URL LABEL
  oha -z "$duration" -c "$conns" --no-tui --output-format json -m POST -H 'content-type: application/json' \
    -D "$work/body.json" "$1/v1/decide" > "$work/oha.json"
  python3 - "$work/oha.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s, p = d["summary"], d["latencyPercentiles"]
print(f"  {sys.argv[2]:<10} {s['requestsPerSec']:>10.0f} {p['p50'] * 1000:>8.3f} {p['p99'] * 1000:>8.3f}  {d.get('statusCodeDistribution', {})}")
PY
}
echo "oha -z $duration -c $conns POST /v1/decide, straight to one follower, then through nginx (1 worker process):"
printf '  %-10s %10s %8s %8s  %s\n' followers req/s 'p50 ms' 'p99 ms' 'status codes'
oha_run "http://127.0.0.1:${follower_ports[0]}" "1, direct"
for k in $(seq "$max"); do
  servers=""
  for p in "${follower_ports[@]:0:$k}"; do servers+="server 127.0.0.1:$p max_fails=0; "; done
  cat > "$work/nginx/nginx.conf" <<EOF
daemon on; worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off; client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  upstream tailor { $servers keepalive 64; }
  server { listen 127.0.0.1:$lb_port; location / { proxy_pass http://tailor; proxy_http_version 1.1; proxy_set_header Connection "";
    proxy_next_upstream error timeout http_502 http_503 non_idempotent; proxy_next_upstream_tries 0; } }
}
EOF
  if [ -f "$work/nginx/nginx.pid" ]; then "$nginx" -c "$work/nginx/nginx.conf" -p "$work/nginx" -s reload 2>/dev/null; sleep 0.5
  else "$nginx" -c "$work/nginx/nginx.conf" -p "$work/nginx"; fi
  until curl -s -o /dev/null "http://127.0.0.1:$lb_port/healthz"; do sleep 0.05; done
  oha_run "http://127.0.0.1:$lb_port" "$k"
done
