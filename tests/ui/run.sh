#!/usr/bin/env bash
# The inspector in a real browser: Debian's chromium and chromedriver (never a downloaded browser), driven by
# Selenium from a venv under target/ (git-ignored). Run by .ci/run; screenshots go to target/ui-screenshots/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$root/target/ui"
mkdir -p "$work"

for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  if [ ! -x "$tool" ]; then
    echo "tests/ui: $tool is missing: apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
done

echo "== ui: installing Selenium"
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

cargo build --quiet --locked
export HOOKCTL="$root/target/debug/hookctl"
export SCREENSHOTS="$root/target/ui-screenshots"
echo "== ui: the inspector in chromium"
"$work/venv/bin/python" "$here/browser.py"
