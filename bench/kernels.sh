#!/usr/bin/env bash
# bench/kernels.sh: the kernel benchmark (bench_kernels) and the same
# operations through OpenCV, in one run, with the zeropix / OpenCV ratio of
# the comparable rows.
#
#   bench/kernels.sh [BUILD_DIR] [RUNS]
#
# BUILD_DIR is an existing, configured build tree (default build/release);
# bench_kernels is (re)built in it. RUNS (default 5) is the number of timed
# runs after a warm-up; each figure is their median. The synthetic 20 MP
# image is written once to a temporary PPM that OpenCV reads, so both sides
# measure the same pixels. Without python3-opencv the comparison is skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/release}
runs=${2:-5}
[ -f "$build/CMakeCache.txt" ] || { echo "no configured build tree at $build" >&2; exit 2; }
cmake --build "$build" --target bench_kernels -j"$(nproc)" >/dev/null
bench=$build/bench/bench_kernels

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bench" --runs "$runs" --csv "$work/zeropix.csv"
echo

"$bench" --write-ppm "$work/image.ppm"
# The first python3 that has cv2 (a pyenv or venv python3 on PATH may lack
# the Debian package's module); PYTHON overrides.
py=${PYTHON:-python3}
if [ -z "${PYTHON:-}" ] && ! python3 -c 'import cv2' 2>/dev/null && [ -x /usr/bin/python3 ]; then
  py=/usr/bin/python3
fi
status=0
"$py" "$here/kernels_opencv.py" "$work/image.ppm" --runs "$runs" --csv "$work/opencv.csv" || status=$?
if [ "$status" = 77 ]; then echo "python3-opencv not installed: no comparison"; exit 0; fi
[ "$status" = 0 ] || exit "$status"
echo

# zeropix at its best level (the last level listed per op) over OpenCV,
# one thread and all threads; > 1 means zeropix is faster.
awk -F, '
  FNR == 1 { next }
  FILENAME ~ /zeropix/ { key = $1 "," ($3 == 1 ? "1" : "all"); z[key] = $4; lvl[$1] = $2; next }
  { key = $1 "," ($2 == 1 ? "1" : "all"); o[key] = $3; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
  END {
    printf "%-21s %-7s %11s %11s %7s %11s %11s %7s\n", "op", "level", "zeropix 1t", "OpenCV 1t",
           "ratio", "zeropix all", "OpenCV all", "ratio"
    for (i = 0; i < n; i++) {
      op = order[i]
      if (!((op ",1") in z)) continue
      printf "%-21s %-7s %11.1f %11.1f %7.2f %11.1f %11.1f %7.2f\n", op, lvl[op], z[op ",1"], o[op ",1"],
             z[op ",1"] / o[op ",1"], z[op ",all"], o[op ",all"], z[op ",all"] / o[op ",all"]
    }
    print "MP/s; ratio = zeropix / OpenCV (> 1: zeropix faster)"
  }' "$work/zeropix.csv" "$work/opencv.csv"
