#!/usr/bin/env bash
# A GitHub Enterprise Server catalog imported from @octokit/openapi-webhooks (the newest GHES document of the
# package, not the one the built-in provider comes from) is a provider whose every fixture is accepted: each is
# sent, signed with GitHub's scheme, to a listener that answers non-2xx to any payload its schema rejects.
set -euo pipefail
npm_dir=$1
work=$(mktemp -d)
trap 'kill "$listener" 2>/dev/null || true; rm -rf "$work"' EXIT
generated="$npm_dir/node_modules/@octokit/openapi-webhooks/generated"
spec=$(ls "$generated"/ghes-*.json | sort -V | tail -1)
echo "  importing $(basename "$spec")"
"$HOOKCTL" providers import "$spec" --scheme github --name ghes -o "$work/providers/ghes"
events=$("$HOOKCTL" fixtures ghes --providers "$work/providers" --json | grep -c '"default":true')
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOOKCTL_SECRET=ghes-interop "$HOOKCTL" listen --port "$port" --store "$work/events.db" --providers "$work/providers" \
  --reject-invalid >"$work/listen.log" 2>&1 &
listener=$!
for _ in $(seq 100); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
if ! HOOKCTL_SECRET=ghes-interop "$HOOKCTL" send ghes '*' --to "$port" --providers "$work/providers" >"$work/send.log" 2>&1; then
  grep -v ' 2[0-9][0-9] ' "$work/send.log" | head -20 >&2
  cat "$work/listen.log" | grep -v '✓ schema' | head -20 >&2
  echo "  FAIL: a GHES fixture was refused (listener: $(grep -c -v '✓ schema' "$work/listen.log") lines without ✓ schema)" >&2
  exit 1
fi
# The listener prints each delivery after answering it: give the last line a moment.
for _ in $(seq 50); do
  accepted=$(grep -c '✓ schema' "$work/listen.log" || true)
  [ "$accepted" -ge "$events" ] && break
  sleep 0.1
done
[ "$accepted" -ge "$events" ] || {
  grep -v '✓ schema' "$work/listen.log" | head -20 >&2
  echo "  FAIL: $accepted of $events fixtures validated" >&2
  exit 1
}
echo "  $(basename "$spec"): $events events imported, every fixture sent, verified and valid ($accepted deliveries)"
