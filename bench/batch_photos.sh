#!/usr/bin/env bash
# bench/batch_photos.sh: make 100 real photos of 1 to 2 megapixels, for
# batch benchmarks (bench/batch.sh, and peer comparisons that want the same
# set).
#
#   bench/batch_photos.sh DIR
#
# The sources are the photographs in Debian's mate-backgrounds package
# (fetched with apt-get download into bench/.cache, not committed). Photo i
# (0..99) takes source i mod count (sorted by name), a size of
# 1.0 + ((i * 37) mod 100) / 100 megapixels in one of four shapes (3:2, 4:3,
# 16:9, 2:3 portrait), cut from the centre, top-left or bottom-right of the
# source after scaling it down (vips thumbnail --crop), and is saved as a
# baseline JPEG, quality 90, without metadata: DIR/photo-NNN.jpg. The same
# inputs give the same files. A DIR that already holds the 100 is kept.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
cache=$here/.cache

if ! command -v vips >/dev/null 2>&1; then
  echo "installing libvips-tools (needs root)" >&2
  apt-get update -qq && apt-get install -y -qq libvips-tools >/dev/null
fi
mkdir -p "$dir" "$cache"
if [ "$(find "$dir" -maxdepth 1 -name 'photo-*.jpg' | wc -l)" -eq 100 ]; then
  exit 0
fi

if [ ! -d "$cache/x/usr/share/backgrounds/mate" ]; then
  (cd "$cache" && apt-get download mate-backgrounds >/dev/null 2>&1) ||
    { echo "cannot fetch mate-backgrounds" >&2; exit 2; }
  dpkg -x "$cache"/mate-backgrounds_*.deb "$cache/x"
fi
# Photographs only (nature, and the photographic desktop and abstract ones).
mapfile -t sources < <(find "$cache/x/usr/share/backgrounds/mate" -name '*.jpg' | LC_ALL=C sort)
[ ${#sources[@]} -gt 0 ] || { echo "no photos in mate-backgrounds" >&2; exit 2; }

shapes=("3 2" "4 3" "16 9" "2 3")
crops=(centre low high)
for ((i = 0; i < 100; i++)); do
  out=$(printf '%s/photo-%03d.jpg' "$dir" "$i")
  [ -f "$out" ] && continue
  src=${sources[$((i % ${#sources[@]}))]}
  read -r aw ah <<< "${shapes[$((i % 4))]}"
  pixels=$((1000000 + (i * 37 % 100) * 10000))
  # w * h = pixels with w / h = aw / ah
  w=$(awk -v p=$pixels -v a=$aw -v b=$ah 'BEGIN { printf "%d", sqrt(p * a / b) }')
  h=$((pixels / w))
  vips thumbnail "$src" "$out.tmp.jpg[Q=90,strip]" "$w" --height "$h" --size both \
    --crop "${crops[$((i % 3))]}"
  mv "$out.tmp.jpg" "$out"
done
echo "made 100 photos in $dir" >&2
