#!/usr/bin/env bash
# hookctl's benchmarks: every figure is a ratio against a baseline measured in this run, on this machine, back to
# back, because numbers on shared machines drift. Not part of the tests or CI.
#
#   bash bench/run.sh            # RUNS=3 DURATION=10 by default; each figure is the median of RUNS runs
#
# Installs what it needs: wrk (Debian), Express (npm) and Flask (PyPI) into target/bench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/bench"
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
mkdir -p "$work"
cd "$work"

say() { printf '%s\n' "$*" >&2; }

say "== setting up"
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
[ -x venv/bin/python ] || python3 -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check "flask>=3,<4"
[ -d node_modules/express ] || npm install --silent --no-audit --no-fund --prefix "$work" express@5
(cd "$root" && cargo build --release --locked --quiet)
cargo build --release --quiet --manifest-path "$root/bench/axum-baseline/Cargo.toml" --target-dir "$work/baseline-target"
HOOKCTL="$root/target/release/hookctl"
AXUM="$work/baseline-target/release/axum-baseline"
export WEBHOOK_SECRET=bench-secret PAYVOST_WEBHOOK_SECRET=bench-secret HOOKCTL_SECRET=bench-secret

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  say "!! nothing is listening on port $1 after 10 s"; return 1
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
report() { printf '%-58s %12s   %s\n' "$1" "$2" "$3"; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# One signed Payvost event for wrk.
"$HOOKCTL" sign payvost --event payment.succeeded --json > event.json
python3 - <<'PY'
import json
request = json.load(open("event.json"))
open("body.json", "w").write(request["body"])
open("signature.txt", "w").write(dict(request["headers"])["Payvost-Signature"])
PY
export BODY_FILE="$work/body.json" SIGNATURE
SIGNATURE=$(cat signature.txt)

# wrk against a server started by "$@" on $PORT: prints "requests/s p99_ms total non2xx".
wrk_run() {
  local port=$1 connections=$2
  wrk -t2 -c"$connections" -d"${DURATION}s" --latency -s "$root/bench/post.lua" "http://127.0.0.1:$port/webhooks/payvost" > wrk.out
  python3 - <<'PY'
import re
text = open("wrk.out").read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
total = int(re.search(r"(\d+) requests in", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(rps, p99_ms, total, int(non2xx.group(1)) if non2xx else 0)
PY
}

# Receivers under wrk, 32 connections: "name" then the command (it gets $PORT).
receiver() {
  local name=$1; shift
  local rates=() p99s=()
  for _ in $(seq "$RUNS"); do
    PORT=$(free_port); export PORT
    rm -f listen.db listen.db-wal listen.db-shm
    "$@" > /dev/null 2> receiver.err &
    local pid=$!
    wait_port "$PORT"
    read -r rps p99 total non2xx < <(wrk_run "$PORT" 32)
    stop "$pid"
    if [ "$name" = hookctl ]; then
      stored=$(python3 -c 'import sqlite3; print(sqlite3.connect("listen.db").execute("SELECT COUNT(*) FROM events WHERE answer_status BETWEEN 200 AND 299").fetchone()[0])')
      acknowledged=$((total - non2xx))
      [ "$stored" -ge "$acknowledged" ] || say "!! hookctl stored $stored events but wrk saw $acknowledged 2xx answers"
      say "   hookctl: wrk counted $acknowledged 2xx answers, the store holds $stored"
    fi
    rates+=("$rps"); p99s+=("$p99")
  done
  printf '%s %s\n' "$(printf '%s\n' "${rates[@]}" | median)" "$(printf '%s\n' "${p99s[@]}" | median)"
}

# CPU time the host took from this machine (steal) during the run: above a few percent, figures drift.
cpu_times() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat; }
read -r total_before steal_before < <(cpu_times)

say "== 1. receiving signed Payvost events (wrk -c32 -d${DURATION}s, median of $RUNS)"
read -r axum_rps axum_p99 < <(receiver axum sh -c "exec $AXUM \$PORT")
read -r listen_rps listen_p99 < <(receiver hookctl sh -c "exec $HOOKCTL listen --port \$PORT --store listen.db --json --no-ui > listen.ndjson")
read -r express_rps express_p99 < <(NODE_PATH="$work/node_modules" receiver express sh -c "exec node $root/bench/payvost-express.js")
read -r flask_rps flask_p99 < <(receiver flask sh -c "exec venv/bin/python $root/bench/payvost-flask.py")

say "== 2. replay of 10 000 stored events to bare axum, --concurrency 64"
python3 - <<'PY'
import json
body = open("body.json").read()
with open("events.jsonl", "w") as out:
    for i in range(100_000):
        event = json.loads(body)
        event["id"] = f"evt_bench{i:06d}"
        request = {"method": "POST", "target": "/webhooks/payvost", "headers": [["content-type", "application/json"]],
                   "body": json.dumps(event, separators=(",", ":"))}
        out.write(json.dumps(request) + "\n")
PY
head -n 10000 events.jsonl > events-10k.jsonl
rm -f replay-10k.db* replay-100k.db*
"$HOOKCTL" events import events-10k.jsonl --store replay-10k.db 2>/dev/null
"$HOOKCTL" events import events.jsonl --store replay-100k.db 2>/dev/null
PORT=$(free_port)
"$AXUM" "$PORT" & axum_pid=$!
wait_port "$PORT"
wrk64=(); replays=(); sends=()
for _ in $(seq "$RUNS"); do
  read -r rps _ < <(wrk_run "$PORT" 64)
  wrk64+=("$rps")
  replays+=("$("$HOOKCTL" replay --store replay-10k.db --to "$PORT" --concurrency 64 --json | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["per_second"])')")
  sends+=("$("$HOOKCTL" send payvost payment.succeeded --to "$PORT" --repeat 10000 --concurrency 64 --json | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["per_second"])')")
done
replay_memory=$( { /usr/bin/time -f '%M' "$HOOKCTL" replay --store replay-100k.db --to "$PORT" --concurrency 64 --json > /dev/null; } 2>&1 | tail -1)
stop "$axum_pid"
wrk64_rps=$(printf '%s\n' "${wrk64[@]}" | median)
replay_rps=$(printf '%s\n' "${replays[@]}" | median)
send_rps=$(printf '%s\n' "${sends[@]}" | median)

say "== 4. verify of a 64 MiB body against openssl dgst -sha256 -hmac"
python3 - <<'PY'
import os
chunk = b'{"id":"evt_big","type":"payment.succeeded","data":{"blob":"' + b"a" * (64 * 1024 * 1024 - 80) + b'"}}'
open("big.json", "wb").write(chunk)
PY
signature=$("$HOOKCTL" sign payvost big.json | sed -n 's/^Payvost-Signature: //p')
{ printf 'POST /webhooks/payvost HTTP/1.1\r\nContent-Type: application/json\r\nPayvost-Signature: %s\r\nContent-Length: %s\r\n\r\n' "$signature" "$(stat -c %s big.json)"; cat big.json; } > big.http
time_of() { python3 - "$@" <<'PY'
import subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
print(time.perf_counter() - start)
PY
}
openssl_times=(); verify_times=()
for _ in $(seq "$RUNS"); do
  openssl_times+=("$(time_of openssl dgst -sha256 -hmac bench-secret big.json)")
  verify_times+=("$(time_of "$HOOKCTL" verify big.http --provider payvost)")
done
verify_memory=$( { /usr/bin/time -f '%M' "$HOOKCTL" verify big.http --provider payvost > /dev/null; } 2>&1 | tail -1)
openssl_s=$(printf '%s\n' "${openssl_times[@]}" | median)
verify_s=$(printf '%s\n' "${verify_times[@]}" | median)

say "== 5. start-up (median of 200 runs each)"
startup() { python3 - "$@" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(200):
    start = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(f"{statistics.median(times) * 1000:.2f}")
PY
}
true_ms=$(startup /bin/true)
version_ms=$(startup "$HOOKCTL" --version)
sign_ms=$(startup "$HOOKCTL" sign payvost --event payment.succeeded)
# The largest built-in catalog: GitHub's, 261 events, read lazily.
github_ms=$(startup "$HOOKCTL" sign github --event pull_request.opened)

say "== 6. listen under attack ($DURATION s each): peak RSS and a healthy delivery's latency"
attack=$(python3 "$root/bench/attack.py" "$HOOKCTL" --duration "$DURATION")

say "== 7. the inspector: listen with a page on the live stream, and queries over 100 000 stored events"
inspector=$(python3 "$root/bench/inspector.py" "$HOOKCTL" --duration "$DURATION" --runs "$RUNS" --work "$work")

say "== 8. listen on PostgreSQL against listen on SQLite, same load, alternating"
postgres=$(HOOKCTL="$HOOKCTL" bash "$root/bench/postgres.sh")

say "   Flask $(venv/bin/python -c 'import importlib.metadata as m; print(m.version("flask"))'), Express $(node -p 'require("./node_modules/express/package.json").version'), Node $(node --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(openssl version)"

read -r total_after steal_after < <(cpu_times)
steal=$(awk -v s=$((steal_after - steal_before)) -v t=$((total_after - total_before)) 'BEGIN {printf "%.1f", (t > 0 ? 100 * s / t : 0)}')

met() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {print ((op == ">=" ? v >= t : v <= t) ? "met" : "MISSED")}'; }
echo
printf '%-58s %12s   %s\n' "figure" "median" "ratio / target"
report "1. listen req/s (verify, schema, store, --json)" "$listen_rps" "$(ratio "$listen_rps" "$axum_rps")× bare axum ($axum_rps), target ≥ 0.50: $(met "$(ratio "$listen_rps" "$axum_rps")" 0.5 '>=')"
report "   vs Payvost Express handler" "$express_rps" "$(ratio "$listen_rps" "$express_rps")×, target ≥ 4: $(met "$(ratio "$listen_rps" "$express_rps")" 4 '>=')"
report "   vs Payvost Flask handler" "$flask_rps" "$(ratio "$listen_rps" "$flask_rps")×, target ≥ 8: $(met "$(ratio "$listen_rps" "$flask_rps")" 8 '>=')"
report "   listen p99 latency (ms)" "$listen_p99" "bare axum $axum_p99, Express $express_p99, Flask $flask_p99"
report "2. replay 10k req/s (--concurrency 64)" "$replay_rps" "$(ratio "$replay_rps" "$wrk64_rps")× wrk -c64 ($wrk64_rps), target ≥ 0.40: $(met "$(ratio "$replay_rps" "$wrk64_rps")" 0.4 '>=')"
report "   replay of 100k events, peak RSS (KiB)" "$replay_memory" "target ≤ 102400: $(met "$replay_memory" 102400 '<=')"
report "3. send --repeat 10000 req/s (--concurrency 64)" "$send_rps" "$(ratio "$send_rps" "$wrk64_rps")× wrk -c64, target ≥ 0.40: $(met "$(ratio "$send_rps" "$wrk64_rps")" 0.4 '>=')"
report "4. verify 64 MiB wall (s)" "$verify_s" "$(ratio "$verify_s" "$openssl_s")× openssl ($openssl_s s), target ≤ 1.3: $(met "$(ratio "$verify_s" "$openssl_s")" 1.3 '<=')"
report "   verify 64 MiB peak RSS (KiB)" "$verify_memory" "$(ratio "$verify_memory" 65536)× the body, target ≤ 2: $(met "$(ratio "$verify_memory" 65536)" 2 '<=')"
report "5. hookctl --version (ms)" "$version_ms" "/bin/true $true_ms ms, target ≤ 5: $(met "$version_ms" 5 '<=')"
report "   hookctl sign payvost --event payment.succeeded (ms)" "$sign_ms" "target ≤ 5: $(met "$sign_ms" 5 '<=')"
report "   hookctl sign github --event pull_request.opened (ms)" "$github_ms" "target ≤ 5: $(met "$github_ms" 5 '<=')"
echo
echo "6. listen under attack: 256 MiB budget, 1024 connections (targets: peak RSS under 356 MiB, probe p99 under 50 ms)"
echo "$attack"
echo
echo "$inspector"
echo "$postgres"
report "host CPU steal during the run (%)" "$steal" "above ~5 the figures drift between runs; compare ratios, rerun"
