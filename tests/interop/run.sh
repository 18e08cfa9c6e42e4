#!/usr/bin/env bash
# Interop: the providers' own SDKs accept what hookctl signs, and hookctl accepts what they sign.
# Installs the SDKs into target/interop (git-ignored): a Python venv and an npm folder. Run by .ci/run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$root/target/interop"
mkdir -p "$work/npm"

echo "== interop: installing the SDKs"
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
cp "$here/package.json" "$here/github.mjs" "$here/github-webhooks.mjs" "$here/audit-github.mjs" "$here/asymmetric.mjs" "$work/npm/"
(cd "$work/npm" && npm install --silent --no-audit --no-fund)

cargo build --quiet --locked
export HOOKCTL="$root/target/debug/hookctl"

echo "== interop: stripe, standard-webhooks and slack_sdk (Python)"
"$work/venv/bin/python" "$here/sdk.py"
echo "== interop: hookctl audit of receivers built on those SDKs"
"$work/venv/bin/python" "$here/audit.py"
echo "== interop: github (@octokit/webhooks-methods)"
node "$work/npm/github.mjs"
echo "== interop: the imported GitHub catalog through @octokit/webhooks (a random sample)"
node "$work/npm/github-webhooks.mjs"
echo "== interop: a GitHub Enterprise Server catalog imported from @octokit/openapi-webhooks"
bash "$here/ghes-import.sh" "$work/npm"
echo "== interop: hookctl audit of a receiver built on @octokit/webhooks-methods"
node "$work/npm/audit-github.mjs"

# The providers added as data: their own SDKs (svix for Clerk and Resend, resend, @linear/sdk, @onfido/api,
# coinbase-commerce-node, @mux/mux-node; PyPI svix, razorpay, onfido-python, twitchAPI), each printing its matrix.
echo "== interop: providers' SDKs (npm)"
cp "$here/providers.mjs" "$work/npm/"
node "$work/npm/providers.mjs"
echo "== interop: providers' SDKs (PyPI)"
"$work/venv/bin/python" "$here/providers.py"
# Schemes that sign the URL, form fields or a ts=…;h1=… header.
echo "== interop: twilio, hubspot-api-client and paddle-python-sdk (Python)"
"$work/venv/bin/python" "$here/model.py"

# Key-pair schemes: keys generate, then the SDK's verifier with the printed public key, both directions.
echo "== interop: discord-interactions and @sendgrid/eventwebhook (Ed25519, ECDSA P-256), standard-webhooks v1a"
node "$work/npm/asymmetric.mjs"
echo "== interop: discord-interactions and sendgrid (PyPI)"
"$work/venv/bin/python" "$here/asymmetric.py"
echo "== catalogs: fixtures/github and fixtures/stripe are what the pinned packages generate"
bash "$root/scripts/regenerate-catalogs.sh" --check
