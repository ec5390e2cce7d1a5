#!/usr/bin/env bash
# run_fuzz.sh: build the libFuzzer targets (clang, ASan + UBSan) and fuzz
# them one after another, one fuzzing process at a time.
#
#   tests/fuzz/run_fuzz.sh [options] [TARGET[:MINUTES]]...
#
# TARGETs: jpeg png pnm pipeline ops. With none given:
#   jpeg:20 png:20 pipeline:20 pnm:10 ops:10   (80 minutes)
# Options:
#   -b DIR   build folder (default /tmp/build-fuzz); configured and built
#            unless --no-build (same settings as the 'fuzz' CMake preset)
#   -o DIR   output root (default /tmp): logs in DIR/fuzz-logs/<t>.log,
#            crashes, timeouts and OOMs in DIR/fuzz-artifacts/<t>/, the
#            growing corpus in DIR/fuzz-corpus/<t>/ (kept between runs)
#   --no-build
#   --merge  do not fuzz: add to the committed corpus (tests/fuzz/corpus/<t>/)
#            only those inputs of DIR/fuzz-corpus/<t>/ that reach code edges
#            the committed corpus does not (libFuzzer -merge=1
#            -use_counters=0 into a copy of it)
#
# Each target runs in-process (no -jobs/-fork: a single libFuzzer process,
# which also keeps the log in <t>.log), with -rss_limit_mb=2048, -timeout=10,
# -max_len 65536 for images and 4096 for operation chains, its dictionary
# (tests/fuzz/<t>.dict) and as seeds the committed corpus (for png also
# PngSuite, ../shared/corpus/pngsuite, when present). libFuzzer stops at the
# first crash; the script then starts it again with the time that is left
# (at most 20 times per target), so one shallow bug does not end the run.
# Run it in the background to keep it going after you log out:
#   nohup tests/fuzz/run_fuzz.sh > /tmp/fuzz-logs/run.log 2>&1 &
# Then: tests/fuzz/README.md (triage, minimising, merging the corpus back).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=/tmp/build-fuzz
out=/tmp
do_build=1
merge=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -b) build=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --merge) merge=1; shift ;;
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run_fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(jpeg:20 png:20 pipeline:20 pnm:10 ops:10)

for spec in "${targets[@]}"; do
  t=${spec%%:*}
  case "$t" in jpeg|png|pnm|pipeline|ops) ;; *) echo "run_fuzz: unknown target '$t'" >&2; exit 2 ;; esac
  m=${spec#*:}; [ "$m" = "$spec" ] && m=10
  [[ "$m" =~ ^[0-9]+$ ]] || { echo "run_fuzz: minutes must be a whole number: $spec" >&2; exit 2; }
done

if [ $do_build = 1 ]; then
  echo "run_fuzz: building in $build"
  cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DZEROPIX_FUZZ=ON -DZEROPIX_BUILD_SHARED=OFF >/dev/null || exit 1
  cmake --build "$build" --target fuzzers -j 2 >/dev/null || { echo "run_fuzz: build failed" >&2; exit 1; }
fi

if [ $merge = 1 ]; then
  for spec in "${targets[@]}"; do
    t=${spec%%:*}
    work="$out/fuzz-corpus/$t"
    [ -d "$work" ] || { echo "run_fuzz: $work: no fuzzing corpus to merge" >&2; continue; }
    max_len=65536; [ "$t" = ops ] && max_len=4096
    tmp=$(mktemp -d)
    cp "$here/corpus/$t"/* "$tmp/"
    before=$(ls "$tmp" | wc -l)
    # -use_counters=0: keep inputs for new edges, not for new hit counts of
    # known ones (for the pipeline, 260 files instead of 1360)
    "$build/tests/fuzz_$t" -merge=1 -use_counters=0 -max_len=$max_len -rss_limit_mb=2048 -timeout=10 \
        "$tmp" "$work" > "$out/fuzz-logs/merge-$t.log" 2>&1 ||
      { echo "run_fuzz: merge of $t failed: $out/fuzz-logs/merge-$t.log" >&2; rm -rf "$tmp"; exit 1; }
    added=0
    for f in "$tmp"/*; do
      n=$(basename "$f")
      [ -e "$here/corpus/$t/$n" ] || { cp "$f" "$here/corpus/$t/"; added=$((added + 1)); }
    done
    rm -rf "$tmp"
    echo "run_fuzz: merged $t: $added new inputs (had $before); $(du -sh --apparent-size "$here/corpus/$t" | cut -f1) now"
  done
  exit 0
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$out/fuzz-logs"
echo "run_fuzz: started $(date -Is): ${targets[*]}"
for spec in "${targets[@]}"; do
  t=${spec%%:*}
  m=${spec#*:}; [ "$m" = "$spec" ] && m=10
  bin="$build/tests/fuzz_$t"
  [ -x "$bin" ] || { echo "run_fuzz: $bin is missing (build with -DZEROPIX_FUZZ=ON)" >&2; exit 1; }
  log="$out/fuzz-logs/$t.log"
  art="$out/fuzz-artifacts/$t"
  work="$out/fuzz-corpus/$t"
  mkdir -p "$art" "$work"
  max_len=65536; [ "$t" = ops ] && max_len=4096
  seeds=("$here/corpus/$t")
  [ "$t" = png ] && [ -d "$src/../shared/corpus/pngsuite" ] && seeds+=("$src/../shared/corpus/pngsuite")
  dict=(); [ -f "$here/$t.dict" ] && dict=("-dict=$here/$t.dict")
  : > "$log"
  end=$(( $(date +%s) + m * 60 ))
  echo "run_fuzz: $t for $m min until $(date -d @$end +%H:%M:%S), log $log"
  for attempt in $(seq 1 20); do
    left=$(( end - $(date +%s) ))
    [ $left -ge 10 ] || break
    cmd=("$bin" -max_total_time=$left -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10
         -max_len=$max_len "${dict[@]}" -print_final_stats=1 -artifact_prefix="$art/"
         "$work" "${seeds[@]}")
    echo "run_fuzz: [$t run $attempt] ${cmd[*]}" | tee -a "$log"
    "${cmd[@]}" >> "$log" 2>&1
    rc=$?
    echo "run_fuzz: [$t run $attempt] exit $rc at $(date -Is)" | tee -a "$log"
    [ $rc = 0 ] && break
  done
  grep -E "^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units|^stat::peak_rss_mb" "$log" | tail -3
  ls "$art" | sed "s|^|run_fuzz: $t artifact: $art/|"
done
echo "run_fuzz: finished $(date -Is)"
