# bench/lib/photos.sh: the benchmark photos, made once into a cache folder.
# Sourced by the bench scripts (bash); needs apt-get download (for the
# source photo), vips and cjpeg, which the calling script installs.
#
#   photo_20mp CACHE   prints CACHE/photo-20mp.jpg, making it when missing:
#                      6035 x 3394 = 20.5 MP
#   photo_100mp CACHE  prints CACHE/photo-100mp.jpg, making it when missing:
#                      13400 x 7536 = 101 MP
#
# Both are Elephants_5640x3172.jpg from Debian's mate-backgrounds package
# (fetched with apt-get download, unpacked into CACHE/x, not committed),
# scaled with libvips (vips resize: Lanczos 3) by 1.07 and by 2.376, and
# re-encoded by cjpeg as baseline JPEG, quality 92, 4:2:0, no metadata.

# The source photo's path (fetching and unpacking the package when needed).
photo_source() {
  local cache=$1 src
  if [ ! -d "$cache/x" ]; then
    (cd "$cache" && apt-get download mate-backgrounds >/dev/null 2>&1) ||
      { echo "cannot fetch mate-backgrounds" >&2; return 2; }
    dpkg -x "$cache"/mate-backgrounds_*.deb "$cache/x"
  fi
  src=$(find "$cache/x" -name 'Elephants_5640x3172.jpg' | head -1)
  [ -n "$src" ] || { echo "no Elephants_5640x3172.jpg in mate-backgrounds" >&2; return 2; }
  echo "$src"
}

# photo_scaled CACHE NAME SCALE: CACHE/NAME, the source scaled by SCALE.
photo_scaled() {
  local cache=$1 out=$1/$2 scale=$3 src
  if [ ! -f "$out" ]; then
    mkdir -p "$cache"
    src=$(photo_source "$cache") || return 2
    vips resize "$src" "$out.tmp.ppm" "$scale"
    cjpeg -quality 92 -sample 2x2 "$out.tmp.ppm" > "$out.tmp"
    rm -f "$out.tmp.ppm"
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

photo_20mp() { photo_scaled "$1" photo-20mp.jpg 1.07; }
photo_100mp() { photo_scaled "$1" photo-100mp.jpg 2.376; }
