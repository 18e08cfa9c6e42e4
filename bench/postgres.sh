#!/usr/bin/env bash
# listen on PostgreSQL against listen on SQLite, in the same run, under the same load (wrk -c32 posting one signed
# Payvost event, as section 1 of run.sh), alternating, each figure the median of RUNS. After every run the store
# is counted: it must hold at least as many events as wrk saw 2xx answers.
#
#   bash bench/postgres.sh       # standalone; run.sh runs it as its section 8
#
# PostgreSQL is Debian's (installed when missing), a throwaway cluster under target/bench/pg on a free loopback
# port, run by the unprivileged `postgres` user when this runs as root, stopped at the end. Default settings
# (fsync and synchronous_commit on): an acknowledged event is on disk in both stores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/bench"
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
mkdir -p "$work"
cd "$work"
say() { printf '%s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  say "!! nothing is listening on port $1 after 10 s"; return 1
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
met() { awk -v v="$1" -v t="$2" 'BEGIN {print (v >= t ? "met" : "MISSED")}'; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
[ -n "$(pg_bin)" ] || { apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null; }
PG_BIN=$(pg_bin)
HOOKCTL=${HOOKCTL:-$root/target/release/hookctl}
[ -x "$HOOKCTL" ] || (cd "$root" && cargo build --release --locked --quiet)
export PAYVOST_WEBHOOK_SECRET=bench-secret HOOKCTL_SECRET=bench-secret

if [ -z "${BODY_FILE:-}" ]; then
  "$HOOKCTL" sign payvost --event payment.succeeded --json > event.json
  python3 -c 'import json; r = json.load(open("event.json")); open("body.json", "w").write(r["body"]); open("signature.txt", "w").write(dict(r["headers"])["Payvost-Signature"])'
  export BODY_FILE="$work/body.json"
  SIGNATURE=$(cat signature.txt); export SIGNATURE
fi

# The cluster.
cluster="$work/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
rm -rf "$cluster" && mkdir -p "$cluster"
[ "$(id -u)" = 0 ] && chown postgres "$cluster"
as_pg "$PG_BIN/initdb" -D "$cluster/data" -U hookctl -A trust -E UTF8 > "$cluster/initdb.log"
PG_PORT=$(free_port)
as_pg "$PG_BIN/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $cluster" start > /dev/null
trap 'as_pg "$PG_BIN/pg_ctl" -D "$cluster/data" -m fast -w stop > /dev/null' EXIT
psql_() { "$PG_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U hookctl "$@"; }

# One receiver under wrk -c32: prints "requests/s"; says what the store holds against wrk's 2xx count.
run() {
  local name=$1 store=$2 port
  port=$(free_port)
  "$HOOKCTL" listen --port "$port" --store "$store" --json --no-ui > /dev/null 2> "listen-$name.err" &
  local pid=$!
  wait_port "$port"
  wrk -t2 -c32 -d"${DURATION}s" -s "$root/bench/post.lua" "http://127.0.0.1:$port/webhooks/payvost" > wrk.out
  stop "$pid"
  python3 - "$name" "$store" <<'PY' > counts.txt
import re, sys
text = open("wrk.out").read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
total = int(re.search(r"(\d+) requests in", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(rps, total - (int(non2xx.group(1)) if non2xx else 0))
PY
  read -r rps acknowledged < counts.txt
  local stored
  if [ "$name" = sqlite ]; then
    stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM events").fetchone()[0])' "$store")
  else
    stored=$(psql_ -d bench -c "SELECT count(*) FROM events")
  fi
  [ "$stored" -ge "$acknowledged" ] || say "!! $name: the store holds $stored events but wrk saw $acknowledged 2xx answers"
  say "   $name: $rps req/s; wrk counted $acknowledged 2xx answers, the store holds $stored"
  echo "$rps"
}

sqlite=(); postgres=()
for _ in $(seq "$RUNS"); do
  rm -f pg-vs.db pg-vs.db-wal pg-vs.db-shm
  sqlite+=("$(run sqlite "$work/pg-vs.db")")
  psql_ -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
  postgres+=("$(run postgres "postgres://hookctl@127.0.0.1:$PG_PORT/bench")")
done
sqlite_rps=$(printf '%s\n' "${sqlite[@]}" | median)
postgres_rps=$(printf '%s\n' "${postgres[@]}" | median)
printf '%-58s %12s   %s\n' "8. listen on PostgreSQL req/s (wrk -c32)" "$postgres_rps" \
  "$(ratio "$postgres_rps" "$sqlite_rps")× listen on SQLite ($sqlite_rps), target ≥ 0.50: $(met "$(ratio "$postgres_rps" "$sqlite_rps")" 0.5)"
