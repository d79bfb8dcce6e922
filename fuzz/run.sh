#!/usr/bin/env bash
# `make fuzz`: builds the fuzz targets with libFuzzer and the address sanitizer (their own
# scratch directory, .build/fuzz), seeds the corpora, runs each target for FUZZ_SECONDS
# (default 60) and prints exec/s and the result per target. A crash, trap, timeout, leak
# or sanitizer report leaves its input in .build/fuzz-artifacts/<target>/ and fails the run;
# fix it and copy the input to fuzz/regressions/<target>/ (docs/fuzzing.md).
# FUZZ_TARGETS limits the run (e.g. FUZZ_TARGETS="front-end spec").
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-front-end spec fault-rule junit}
swift=${SWIFT:-swift}
scratch=.build/fuzz

products=""
for t in $targets; do products="$products --product fuzz-$t"; done
echo "fuzz: building$products (-sanitize=fuzzer,address, scratch $scratch)"
mkdir -p .build/fuzz-logs
for t in $targets; do
  # ld.gold prints a warning per local ASan symbol it cannot export: harmless, filtered.
  if ! $swift build -c debug --scratch-path "$scratch" --product "fuzz-$t" \
      -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING > .build/fuzz-logs/build-$t.log 2>&1; then
    grep -v -e "Cannot export local symbol" .build/fuzz-logs/build-$t.log | tail -30
    echo "fuzz: build of fuzz-$t failed"; exit 1
  fi
done
bin=$($swift build -c debug --scratch-path "$scratch" --show-bin-path)
bash fuzz/gather-corpus.sh

status=0
summary=""
for t in $targets; do
  corpus=.build/fuzz-corpus/$t
  artifacts=.build/fuzz-artifacts/$t
  log=.build/fuzz-logs/$t.log
  mkdir -p "$artifacts" "$(dirname "$log")"
  # -timeout: one input may take at most 30 s of wall time on a loaded machine (the targets' step budgets end loops in milliseconds);
  # -rss_limit_mb: the targets' memory budgets are far below it, so hitting it is a finding.
  # The dictionaries of keywords help the mutator through the lexer.
  dict=fuzz/dictionaries/$t.dict
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1} SWIFT_BACKTRACE=enable=no \
    "$bin/fuzz-$t" "$corpus" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 \
      -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      $( [ -f "$dict" ] && echo "-dict=$dict" ) > "$log" 2>&1
  rc=$?
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
  speed=$(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo "?")
  if [ $rc -eq 0 ]; then result=clean; else result="FOUND (exit $rc; see $log and $artifacts)"; status=1; fi
  line=$(printf 'fuzz-%-11s %5ss  %9s runs  %6s exec/s  cov %5s  %s' "$t" "$seconds" "$runs" "$speed" "$cov" "$result")
  echo "$line"
  summary="$summary$line"$'\n'
done
echo "---"
printf '%s' "$summary"
exit $status
