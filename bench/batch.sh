#!/usr/bin/env bash
# bench/batch.sh: `zeropix batch` against three peers on the same job: 100
# photos of 1 to 2 MP (bench/batch_photos.sh), Gaussian blur sigma 1.5,
# written as PNG, two at a time.
#
#   bench/batch.sh [ZEROPIX_BINARY] [RUNS]
#
# The tools and their settings (PNG settings are each tool's, stated):
#   zeropix  zeropix batch -j 2 -f png blur:sigma=1.5: two workers, one
#            thread each; PNG with zeropix's default settings (compression
#            -1: the fast encoder, Paeth filter on every row, Huffman codes
#            with runs, no LZ77 search).
#   vips     vips gaussblur IN OUT.png 1.5 for each photo, two processes at
#            a time (xargs -P 2), libvips' own threading (VIPS_CONCURRENCY
#            unset); pngsave defaults: zlib level 6, no row filter.
#   magick   ImageMagick 6 mogrify -blur 0x1.5 -format png, two processes of
#            50 photos each (xargs -P 2 -n 50), -limit thread 1; PNG defaults
#            (quality 75: zlib level 7, adaptive filtering).
#   opencv   bench/batch_opencv.py: two processes, one OpenCV thread each,
#            cv2.GaussianBlur((0,0), 1.5), cv2.imwrite at zlib level 1 with
#            the RLE strategy.
# Each run starts from an empty output folder; the tools take turns in
# every round, so drift hits all alike. Reports the median wall time of RUNS
# (default 3), the output folder's size, and zeropix's ratios to the
# fastest peer (goals: time <= 0.6x, folder no larger).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zeropix=${1:-$here/../build/release/src/zeropix}
runs=${2:-3}
cache=$here/.cache
photos=$cache/batch-photos
outs=$cache/batch-out

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need vips || missing+=(libvips-tools)
need mogrify || missing+=(imagemagick)
need bc || missing+=(bc)
/usr/bin/python3 -c 'import cv2' 2>/dev/null || missing+=(python3-opencv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (needs root)" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -x "$zeropix" ] || { echo "no zeropix binary at $zeropix (build the release preset first)" >&2; exit 2; }
"$here/batch_photos.sh" "$photos"

run_zeropix() { "$zeropix" batch --quiet -j 2 -f png -o "$1" blur:sigma=1.5 -- "$photos"; }
run_vips() {
  printf '%s\0' "$photos"/*.jpg |
    xargs -0 -P 2 -n 1 sh -c 'vips gaussblur "$1" "$0/$(basename "$1" .jpg).png" 1.5' "$1"
}
run_magick() {
  printf '%s\0' "$photos"/*.jpg |
    xargs -0 -P 2 -n 50 mogrify -limit thread 1 -path "$1" -format png -blur 0x1.5
}
run_opencv() { /usr/bin/python3 "$here/batch_opencv.py" "$1" "$photos"/*.jpg; }

tools=(zeropix vips magick opencv)
declare -A times size
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

cat "$photos"/*.jpg > /dev/null # into the page cache
for ((r = 0; r < runs; r++)); do
  for t in "${tools[@]}"; do
    out=$outs/$t
    rm -rf "$out" && mkdir -p "$out"
    t0=$(now)
    "run_$t" "$out"
    t1=$(now)
    times[$t]+="$(echo "$t1 - $t0" | bc) "
    n=$(find "$out" -name '*.png' | wc -l)
    [ "$n" -eq 100 ] || { echo "$t wrote $n files, not 100" >&2; exit 1; }
    size[$t]=$(du -sb "$out" | cut -f1)
  done
done

mp=$("$zeropix" info --json "$photos"/*.jpg | /usr/bin/python3 -c '
import json, sys
px = [json.loads(l)["width"] * json.loads(l)["height"] for l in sys.stdin]
print("%.2f %.2f %.0f" % (min(px) / 1e6, max(px) / 1e6, sum(px) / 1e6))')
read -r mp_min mp_max mp_sum <<< "$mp"
echo "100 photos, $mp_min to $mp_max MP ($mp_sum MP in all); blur sigma 1.5 -> PNG, 2 at a time"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %12s %10s %12s\n' tool "median s" "MB out" "images/s"
best=
for t in "${tools[@]}"; do
  m=$(printf '%s\n' ${times[$t]} | median)
  printf '%-8s %12.2f %10.1f %12.1f\n' "$t" "$m" "$(echo "${size[$t]} / 1000000" | bc -l)" \
    "$(echo "100 / $m" | bc -l)"
  declare "med_$t=$m"
  if [ "$t" != zeropix ] && { [ -z "$best" ] || (( $(echo "$m < $(eval echo \$med_$best)" | bc) )); }; then
    best=$t
  fi
done
mz=$med_zeropix
mb=$(eval echo \$med_$best)
printf 'fastest peer: %s; zeropix time / %s: %.2f (goal <= 0.60); output size / %s: %.2f (goal <= 1.00)\n' \
  "$best" "$best" "$(echo "$mz / $mb" | bc -l)" "$best" "$(echo "${size[zeropix]} / ${size[$best]}" | bc -l)"
