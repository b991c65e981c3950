#!/usr/bin/env bash
# Load on `drux serve`, all on loopback:
#   1. wrk on llama-server's /health (the baseline), then on GET /api/questions/ID of a
#      stored result, plain and conditional (If-None-Match) — requests/s and p99;
#   2. N Server-Sent Events clients on one running question: every client must receive
#      every event; the server's peak RSS.
#
#   bench/server_load.sh [--duration SECONDS] [--connections N] [--sse-clients N]
#
# Builds the release `drux` first. Prints one summary block at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10
connections=64
sse_clients=1000
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --sse-clients) sse_clients=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

log() { printf '[server_load] %s\n' "$*" >&2; }

scripts/bootstrap >/dev/null
prefix=$(scripts/bootstrap --print-llama-prefix)
llama_server=$(command -v llama-server || echo "$prefix/bin/llama-server")
cmake --preset release >/dev/null
cmake --build --preset release -j 2 --target drux >/dev/null
drux=build/release/src/cli/drux

work=$(mktemp -d "${TMPDIR:-/tmp}/drux-load.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for a "listening on http://127.0.0.1:PORT" style line in a log; prints PORT.
wait_for_port() {
  local log_file=$1 pattern=$2
  for _ in $(seq 1 300); do
    local port
    port=$(grep -oE "$pattern" "$log_file" 2>/dev/null | grep -oE '[0-9]+$' | head -1 || true)
    if [[ -n $port ]]; then echo "$port"; return; fi
    sleep 0.1
  done
  echo "no port in $log_file:" >&2; cat "$log_file" >&2; exit 1
}

/usr/bin/python3 tests/support/make_tiny_gguf.py "$work/tiny.gguf" --seed 7 \
  --gguf-py "$prefix/gguf-py" >/dev/null
"$llama_server" --model "$work/tiny.gguf" --host 127.0.0.1 --port 0 --parallel 2 \
  --threads 1 --no-webui --no-warmup --offline >"$work/llama.log" 2>&1 &
pids+=($!)
llama_port=$(wait_for_port "$work/llama.log" 'listening on http://127.0.0.1:[0-9]+')
until curl -sf "http://127.0.0.1:$llama_port/health" >/dev/null; do sleep 0.2; done
log "llama-server on port $llama_port"

cat >"$work/drux.toml" <<TOML
[defaults]
panel = "bench"

[models.tiny-a]
provider = "openai"
endpoint = "http://127.0.0.1:$llama_port/v1"
max_tokens = 48

[models.tiny-b]
provider = "openai"
endpoint = "http://127.0.0.1:$llama_port/v1"
max_tokens = 48
temperature = 1.0

[models.tiny-long]
provider = "openai"
endpoint = "http://127.0.0.1:$llama_port/v1"
max_tokens = 1500

[panels]
bench = ["tiny-a", "tiny-b"]
long = ["tiny-long", "tiny-a"]

[synthesis]
model = "extractive"
TOML

"$drux" serve --listen 127.0.0.1:0 --store "$work/drux.db" --config "$work/drux.toml" \
  >"$work/drux.log" 2>&1 &
drux_pid=$!
pids+=("$drux_pid")
drux_port=$(wait_for_port "$work/drux.log" 'listening on http://127.0.0.1:[0-9]+')
base=http://127.0.0.1:$drux_port
log "drux serve on port $drux_port"

csrf=$(curl -sf -c "$work/cookies" "$base/api/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
ask() {
  curl -sf -b "$work/cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d "{\"question\": \"$1\", \"panel\": \"$2\"}" "$base/api/questions" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
id=$(ask "What is a load test?" bench)
until curl -sf "$base/api/questions/$id" | grep -q '"state": *"complete"'; do sleep 0.2; done
etag=$(curl -sf -D - -o /dev/null "$base/api/questions/$id" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
log "stored result $id (ETag $etag)"

# wrk's summary: requests/s and the 99th percentile latency in ms.
run_wrk() {
  local output
  output=$(wrk -t 2 -c "$connections" -d "${duration}s" --latency "$@")
  local rps p99
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$output")
  p99=$(awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000} print v}' <<<"$output")
  local non2xx
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$output")
  echo "$rps $p99 ${non2xx:-0}"
}
read -r health_rps health_p99 _ < <(run_wrk "http://127.0.0.1:$llama_port/health")
read -r get_rps get_p99 get_non2xx < <(run_wrk "$base/api/questions/$id")
read -r cond_rps cond_p99 _ < <(run_wrk -H "If-None-Match: $etag" "$base/api/questions/$id")

long_id=$(ask "Tell a long story about load tests." long)
sse_line=$(node bench/sse_clients.mjs "$base/api/questions/$long_id/events" "$sse_clients") || true
rss_kb=$(awk '/VmHWM/{print $2}' "/proc/$drux_pid/status")

ratio=$(awk -v a="$get_rps" -v b="$health_rps" 'BEGIN{printf "%.2f", a/b}')
cat <<REPORT
llama-server GET /health          : $health_rps req/s, p99 $health_p99 ms
drux GET /api/questions/ID (200)  : $get_rps req/s, p99 $get_p99 ms (non-2xx: $get_non2xx) = ${ratio}x llama-server
drux GET ... If-None-Match (304)  : $cond_rps req/s, p99 $cond_p99 ms
SSE clients on one question       : $sse_line
drux serve peak RSS (VmHWM)       : $((rss_kb / 1024)) MB
(wrk -t 2 -c $connections -d ${duration}s on loopback; $(nproc) cores)
REPORT
