# test_metadata.sh: ICC and EXIF go from input to output (JPEG and PNG both
# ways, byte sizes preserved), and --strip writes neither.
. "$(dirname "$0")/lib.sh"
need_python
P="$SAMPLES/photo.jpg"

icc=$(json "$P" icc_size)
exif=$(json "$P" exif_size)
[ "$icc" -gt 0 ] && [ "$exif" -gt 0 ] || fail "samples/photo.jpg should carry ICC and EXIF"
run "$ZP" info "$P"
expect_out "ICC $icc bytes"
expect_out "EXIF $exif bytes"

# carried: JPEG -> PNG -> JPEG -> PNG, sizes kept (the orientation reset
# rewrites one value in place)
prev="$P"
for step in 1.png 2.jpg 3.png 4.jpg; do
    expect_rc 0 "$ZP" convert "$prev" "$WORK/$step"
    [ "$(json "$WORK/$step" icc_size)" = "$icc" ] || fail "$step: ICC not carried"
    [ "$(json "$WORK/$step" exif_size)" = "$exif" ] || fail "$step: EXIF not carried"
    prev="$WORK/$step"
done

# stripped, into each format that could hold them
for ext in png jpg; do
    expect_rc 0 "$ZP" convert --strip "$P" "$WORK/s.$ext"
    [ "$(json "$WORK/s.$ext" icc_size)" = 0 ] || fail "--strip to $ext kept ICC"
    [ "$(json "$WORK/s.$ext" exif_size)" = 0 ] || fail "--strip to $ext kept EXIF"
    run "$ZP" info "$WORK/s.$ext"
    grep -q -e ICC -e EXIF "$WORK/out" && fail "info of a stripped $ext mentions metadata"
    # the pixels are still upright: orientation applied before stripping
    expect_shape "$WORK/s.$ext" "480x640 3ch"
    # --strip --no-orient: stored pixels and no tag to say so
    expect_rc 0 "$ZP" convert --strip --no-orient "$P" "$WORK/sn.$ext"
    expect_shape "$WORK/sn.$ext" "640x480 3ch"
    # stripping a file that has no metadata is fine
    expect_rc 0 "$ZP" convert --strip "$SAMPLES/gradient.png" "$WORK/g.$ext"
done

# a file without metadata gets none
expect_rc 0 "$ZP" convert "$SAMPLES/gradient.png" "$WORK/g2.jpg"
[ "$(json "$WORK/g2.jpg" icc_size)" = 0 ] || fail "ICC appeared from nowhere"
[ "$(json "$WORK/g2.jpg" exif_size)" = 0 ] || fail "EXIF appeared from nowhere"
finish
