# test_make_samples.sh: samples/make_samples.c regenerates the bundled
# samples: the same headers, and the same pixels for the lossless PNGs (the
# JPEG's bytes depend on the libjpeg-turbo version, so only its header).
. "$(dirname "$0")/lib.sh"
if [ -z "$MAKE_SAMPLES" ]; then echo "no zeropix_make_samples given: skipped"; exit 77; fi
mkdir "$WORK/gen"
expect_rc 0 "$MAKE_SAMPLES" "$WORK/gen"
expect_rc 2 "$MAKE_SAMPLES"
for s in gradient.png photo.jpg gray16.png; do
    a=$("$ZP" info "$SAMPLES/$s") b=$("$ZP" info "$WORK/gen/$s")
    [ "${a#*: }" = "${b#*: }" ] || fail "$s: bundled '${a#*: }', regenerated '${b#*: }'"
done
for s in gradient.png gray16.png; do
    expect_rc 0 "$ZP" convert "$SAMPLES/$s" "$WORK/bundled.pnm"
    expect_rc 0 "$ZP" convert "$WORK/gen/$s" "$WORK/regen.pnm"
    cmp -s "$WORK/bundled.pnm" "$WORK/regen.pnm" || fail "$s: regenerated pixels differ"
done
finish
