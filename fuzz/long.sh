#!/usr/bin/env bash
# The long local runs behind fuzz/RESULTS.md: each target in turn (one process, one core) for
# $SECONDS_PER_TARGET seconds (default 600), starting from the committed corpus. New inputs go to
# fuzz/target/work-corpus/<target>; crashes to fuzz/artifacts/<target>; logs to fuzz/logs/.
# Each finished run appends a line of figures to fuzz/logs/long-results.tsv.
#   fuzz/long.sh [target...]      (default: every target)
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
seconds=${SECONDS_PER_TARGET:-600}
flags=(--sanitizer none --debug-assertions)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
mkdir -p logs
cargo fuzz build "${flags[@]}"
for t in "${targets[@]}"; do
  work="target/work-corpus/$t"
  mkdir -p "$work" "corpus/$t"
  log="logs/$t.log"
  cmd="cargo fuzz run ${flags[*]} $t $work corpus/$t -- -max_total_time=$seconds -print_final_stats=1 -rss_limit_mb=2048 -timeout=10"
  echo "$(date -u +%FT%TZ) start $t: $cmd" | tee -a logs/long.log
  set +e
  $cmd > "$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$log" | awk '{print $2}' | tail -1)
  rate=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$log" | awk '{print $2}' | tail -1)
  rss=$(grep -oE 'stat::peak_rss_mb: +[0-9]+' "$log" | awk '{print $2}' | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | awk '{print $2}')
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | awk '{print $2}')
  crashes=$(ls "artifacts/$t" 2>/dev/null | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$rc" "$crashes" | tee -a logs/long-results.tsv
  echo "$(date -u +%FT%TZ) end $t rc=$rc" | tee -a logs/long.log
done
