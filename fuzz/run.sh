#!/usr/bin/env bash
# Fuzzes every target for SECONDS_PER_TARGET (default 300) each, one after another, then minimises the corpora.
# Prints per target: runs, executions per second, coverage (edges) and features at half time and at the end,
# and the share of the run after which coverage stopped growing: the plateau.
#
#   bash fuzz/run.sh                       # all targets
#   SECONDS_PER_TARGET=30 bash fuzz/run.sh inspect capture_http
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). A crash stops the run and leaves its
# input in fuzz/artifacts/TARGET/; add it to fuzz/corpus/TARGET/ once fixed, so `cargo test` replays it.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${SECONDS_PER_TARGET:-300}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
mkdir -p target/logs
for target in "${targets[@]}"; do
  log="target/logs/$target.log"
  if ! cargo +nightly fuzz run -O "$target" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 > "$log" 2>&1; then
    echo "$target: FAILED (crash, hang or out of memory); its input is in fuzz/artifacts/$target/"
    grep -E "ERROR|panicked|SUMMARY" "$log" | head -5
    exit 1
  fi
  cargo +nightly fuzz cmin -O "$target" > /dev/null 2>&1
  python3 - "$target" "$log" "$seconds" <<'PY'
import re, sys
target, log, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
points = [(int(m[1]), int(m[2]), int(m[3])) for m in re.finditer(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+)", open(log).read(), re.M)]
runs = int(re.search(r"stat::number_of_executed_units:\s+(\d+)", open(log).read()).group(1))
last_growth = max((n for n, cov, ft in points if cov == points[-1][1]), default=0)
first_at_final = min(n for n, cov, ft in points if cov == points[-1][1])
half = [p for p in points if p[0] <= runs // 2][-1]
print(f"{target:17} {seconds}s  {runs:>10} runs  {runs // seconds:>7}/s  cov {half[1]:>5} at half time, "
      f"{points[-1][1]:>5} at the end (ft {half[2]} -> {points[-1][2]}); last new edge after {100 * first_at_final / runs:.0f}% of the runs")
PY
done
