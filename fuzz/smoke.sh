#!/usr/bin/env bash
# CI smoke run of the fuzz targets: builds them all, replays each target's committed corpus, then
# fuzzes each for $SMOKE_SECONDS (default 20) more seconds. Any crash, panic, leak of the limits
# (-rss_limit_mb, -timeout) or build failure fails the script. Works from a clean clone: installs
# cargo-fuzz when missing and builds on stable Rust through RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
seconds=${SMOKE_SECONDS:-20}
flags=(--sanitizer none --debug-assertions)

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

started=$(date +%s)
cargo fuzz build "${flags[@]}"
for t in $(cargo fuzz list); do
  [ -d "corpus/$t" ] || { echo "fuzz/smoke.sh: no committed corpus for $t" >&2; exit 1; }
  scratch=$(mktemp -d)
  echo "== $t: $(ls "corpus/$t" | wc -l) corpus inputs, then ${seconds}s of new ones"
  # Fresh inputs go to a scratch directory, so the committed corpus stays as it is.
  log="$scratch.log"
  set +e
  cargo fuzz run "${flags[@]}" "$t" "$scratch" "corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|SUMMARY|thread .* panicked|Failing input|.*Test unit written)' "$log" || true
  [ "$status" -eq 0 ] || tail -n 40 "$log" >&2
  rm -f "$log"
  rm -rf "$scratch"
  if [ "$status" -ne 0 ]; then
    echo "fuzz/smoke.sh: $t failed (exit $status); the crashing input is under fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
echo "fuzz/smoke.sh: all targets clean in $(( $(date +%s) - started ))s"
