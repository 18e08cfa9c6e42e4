#!/usr/bin/env bash
# Regenerates the built-in catalogs imported from their providers' published data:
#   fixtures/github  from @octokit/openapi-webhooks (OpenAPI 3.1 webhooks) with @octokit/webhooks-examples
#                    payloads.
# The packages are installed with npm into target/catalogs (pinned below).
#   scripts/regenerate-catalogs.sh           rewrite fixtures/github
#   scripts/regenerate-catalogs.sh --check   regenerate into target/ and fail if fixtures/ differs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/catalogs"
OPENAPI_WEBHOOKS=12.1.0
WEBHOOKS_EXAMPLES=7.6.1

check=false
[ "${1:-}" = "--check" ] && check=true

mkdir -p "$work"
cd "$work"
[ -f package.json ] || echo '{"private": true}' > package.json
npm install --silent --no-audit --no-fund --save-exact \
  "@octokit/openapi-webhooks@$OPENAPI_WEBHOOKS" "@octokit/webhooks-examples@$WEBHOOKS_EXAMPLES"
modules="$work/node_modules/@octokit"
for pinned in "openapi-webhooks $OPENAPI_WEBHOOKS" "webhooks-examples $WEBHOOKS_EXAMPLES"; do
  set -- $pinned
  installed=$(node -p "require('$modules/$1/package.json').version")
  [ "$installed" = "$2" ] || { echo "@octokit/$1 is $installed, expected $2" >&2; exit 1; }
done

cd "$root"
cargo build --quiet --locked
hookctl="$root/target/debug/hookctl"

examples="$work/github-examples"
rm -rf "$examples"
node "$root/scripts/github-examples.mjs" "$modules/webhooks-examples/api.github.com/index.json" "$examples"

out="$work/out"
rm -rf "$out"
mkdir -p "$out"
# The built-in github provider is both the base and the target: its scheme, headers and envelope are kept.
"$hookctl" providers import "$modules/openapi-webhooks/generated/api.github.com.json" \
  --scheme github --examples "$examples" -o "$out/github"

if $check; then
  if ! diff -r -q "$root/fixtures/github" "$out/github"; then
    echo "fixtures/github differs from what scripts/regenerate-catalogs.sh generates; run it and commit" >&2
    exit 1
  fi
  echo "fixtures/github is what the pinned packages generate"
else
  rm -rf "$root/fixtures/github"
  cp -r "$out/github" "$root/fixtures/github"
  echo "fixtures/github regenerated"
fi
