#!/usr/bin/env bash
# Regenerates the built-in catalogs imported from their providers' published data:
#   fixtures/github  from @octokit/openapi-webhooks (OpenAPI 3.1 webhooks) with @octokit/webhooks-examples
#                    payloads; the scheme, headers and delivery from scripts/catalogs/github/provider.toml and
#                    the hand-written variants from scripts/catalogs/github/variants/ (EVENT@VARIANT.json).
#   fixtures/stripe  every event type of stripe-node's type definitions (npm `stripe`), data.object from
#                    scripts/catalogs/stripe/stripe-fixtures3.json (Stripe's public OpenAPI fixtures, MIT licence
#                    beside it); the scheme and the hand-written events from scripts/catalogs/stripe/.
# The packages are installed with npm into target/catalogs (pinned below).
#   scripts/regenerate-catalogs.sh           rewrite fixtures/github and fixtures/stripe
#   scripts/regenerate-catalogs.sh --check   regenerate into target/ and fail if fixtures/ differs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/catalogs"
OPENAPI_WEBHOOKS=12.1.0
WEBHOOKS_EXAMPLES=7.6.1
STRIPE=23.1.0

check=false
[ "${1:-}" = "--check" ] && check=true

mkdir -p "$work"
cd "$work"
[ -f package.json ] || echo '{"private": true}' > package.json
npm install --silent --no-audit --no-fund --save-exact \
  "@octokit/openapi-webhooks@$OPENAPI_WEBHOOKS" "@octokit/webhooks-examples@$WEBHOOKS_EXAMPLES" "stripe@$STRIPE"
modules="$work/node_modules"
for pinned in "@octokit/openapi-webhooks $OPENAPI_WEBHOOKS" "@octokit/webhooks-examples $WEBHOOKS_EXAMPLES" "stripe $STRIPE"; do
  set -- $pinned
  installed=$(node -p "require('$modules/$1/package.json').version")
  [ "$installed" = "$2" ] || { echo "$1 is $installed, expected $2" >&2; exit 1; }
done

cd "$root"
cargo build --quiet --locked
hookctl="$root/target/debug/hookctl"

examples="$work/github-examples"
rm -rf "$examples"
node "$root/scripts/github-examples.mjs" "$modules/@octokit/webhooks-examples/api.github.com/index.json" "$examples"
cp "$root"/scripts/catalogs/github/variants/*.json "$examples/"

out="$work/out"
rm -rf "$out"
mkdir -p "$out"
"$hookctl" providers import "$modules/@octokit/openapi-webhooks/generated/api.github.com.json" \
  --from-provider "$root/scripts/catalogs/github" --examples "$examples" -o "$out/github"

node "$root/scripts/stripe-catalog.mjs" "$modules/stripe" "$root/scripts/catalogs/stripe/stripe-fixtures3.json" \
  "$root/scripts/catalogs/stripe" "$out/stripe"

# Scenarios are hand-written flows over the generated events.
for provider in github stripe; do
  if [ -d "$root/scripts/catalogs/$provider/scenarios" ]; then
    cp -r "$root/scripts/catalogs/$provider/scenarios" "$out/$provider/"
  fi
done

status=0
for provider in github stripe; do
  if $check; then
    if ! diff -r -q "$root/fixtures/$provider" "$out/$provider"; then
      echo "fixtures/$provider differs from what scripts/regenerate-catalogs.sh generates; run it and commit" >&2
      status=1
    else
      echo "fixtures/$provider is what the pinned packages generate"
    fi
  else
    rm -rf "$root/fixtures/$provider"
    cp -r "$out/$provider" "$root/fixtures/$provider"
    echo "fixtures/$provider regenerated"
  fi
done
exit $status
