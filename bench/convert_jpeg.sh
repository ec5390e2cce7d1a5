#!/usr/bin/env bash
# bench/convert_jpeg.sh: `zeropix convert` JPEG -> JPEG against libjpeg-turbo's
# own `djpeg | cjpeg` with the same settings, on a real photo of >= 20 MP.
#
#   bench/convert_jpeg.sh [ZEROPIX_BINARY] [RUNS]
#
# The photo (bench/lib/photos.sh): Elephants_5640x3172.jpg from Debian's
# mate-backgrounds package (fetched with apt-get download, unpacked into
# bench/.cache, not committed), scaled by 1.07 to 6035 x 3394 = 20.5 MP with
# libvips and re-encoded as a baseline JPEG, quality 92, 4:2:0 by cjpeg.
#
# Settings on both sides: decode with ISLOW IDCT and fancy upsampling
# (djpeg's defaults), encode baseline, quality 90, 4:2:0, standard Huffman
# tables (cjpeg's defaults), no metadata (zeropix --strip). The two outputs
# are compared byte for byte.
#
# Reports median wall time of RUNS (default 7) after one warm-up, the ratio
# zeropix / (djpeg | cjpeg), and zeropix's peak RSS against the size of one
# decoded image (width * height * 3 bytes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zeropix=${1:-$here/../build/release/src/zeropix}
runs=${2:-7}
cache=$here/.cache
mkdir -p "$cache"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need djpeg || ! need cjpeg || ! need vips || [ ! -x /usr/bin/time ]; then
  echo "installing libjpeg-turbo-progs libvips-tools time (needs root)" >&2
  apt-get update -qq && apt-get install -y -qq libjpeg-turbo-progs libvips-tools time >/dev/null
fi
[ -x "$zeropix" ] || { echo "no zeropix binary at $zeropix (build the release preset first)" >&2; exit 2; }

. "$here/lib/photos.sh"
photo=$(photo_20mp "$cache")

read -r w h < <(djpeg "$photo" | head -c 64 | tr -s ' \n' ' ' | awk '{print $2, $3}')
decoded=$((w * h * 3))

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

out_z=$cache/out-zeropix.jpg out_r=$cache/out-reference.jpg
run_zeropix() { "$zeropix" convert --strip -q 90 --subsampling 420 "$photo" "$out_z"; }
run_reference() { djpeg "$photo" | cjpeg -quality 90 -sample 2x2 > "$out_r"; }

run_zeropix; run_reference  # warm-up (page cache, CPU frequency)
tz=() tr=()
for ((i = 0; i < runs; i++)); do  # interleaved, so drift hits both alike
  t0=$(now); run_zeropix; t1=$(now); run_reference; t2=$(now)
  tz+=("$(echo "$t1 - $t0" | bc)"); tr+=("$(echo "$t2 - $t1" | bc)")
done
mz=$(printf '%s\n' "${tz[@]}" | median)
mr=$(printf '%s\n' "${tr[@]}" | median)
rss_kb=$(/usr/bin/time -f %M "$zeropix" convert --strip -q 90 "$photo" "$out_z" 2>&1 >/dev/null | tail -1)

same=no
cmp -s "$out_z" "$out_r" && same=yes
printf 'photo: %s, %d x %d = %.1f MP, %d bytes\n' "$(basename "$photo")" "$w" "$h" \
  "$(echo "$w * $h / 1000000" | bc -l)" "$(stat -c %s "$photo")"
printf '%-34s %10s\n' "pipeline (median of $runs)" "seconds"
printf '%-34s %10.3f\n' "zeropix convert" "$mz"
printf '%-34s %10.3f\n' "djpeg | cjpeg" "$mr"
printf 'ratio zeropix / (djpeg | cjpeg): %.2f (goal <= 1.10)\n' "$(echo "$mz / $mr" | bc -l)"
printf 'outputs byte-identical: %s\n' "$same"
printf 'peak RSS zeropix: %.1f MB; one decoded image: %.1f MB; ratio %.2f (goal <= 1.10)\n' \
  "$(echo "$rss_kb / 1024" | bc -l)" "$(echo "$decoded / 1048576" | bc -l)" \
  "$(echo "$rss_kb * 1024 / $decoded" | bc -l)"
