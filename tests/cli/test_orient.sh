# test_orient.sh: EXIF orientation. samples/photo.jpg is stored 640x480 with
# orientation 6: by default convert turns it upright (480x640) and resets
# the copied tag to 1; --no-orient keeps the stored pixels and the tag 6.
. "$(dirname "$0")/lib.sh"
need_python
P="$SAMPLES/photo.jpg"

run "$ZP" info "$P"
expect_out "$P: JPEG 480x640 3ch 8-bit rgb, orientation 6 (applied)"

# PNM holds no EXIF: the pixel grid itself shows the difference.
expect_rc 0 "$ZP" convert "$P" "$WORK/upright.pnm"
expect_shape "$WORK/upright.pnm" "480x640 3ch"
expect_rc 0 "$ZP" convert --no-orient "$P" "$WORK/stored.pnm"
expect_shape "$WORK/stored.pnm" "640x480 3ch"

# PNG and JPEG carry EXIF: upright pixels with tag 1, or stored pixels with 6.
for ext in png jpg; do
    expect_rc 0 "$ZP" convert "$P" "$WORK/upright.$ext"
    [ "$(json "$WORK/upright.$ext" orientation)" = 1 ] ||
        fail "default convert to $ext: orientation tag not reset to 1"
    [ "$(json "$WORK/upright.$ext" exif_size)" -gt 0 ] || fail "default convert to $ext lost EXIF"
    expect_shape "$WORK/upright.$ext" "480x640 3ch"

    expect_rc 0 "$ZP" convert --no-orient "$P" "$WORK/stored.$ext"
    [ "$(json "$WORK/stored.$ext" orientation)" = 6 ] ||
        fail "--no-orient to $ext: orientation tag is not kept at 6"
    [ "$(json "$WORK/stored.$ext" orientation_applied)" = true ] ||
        fail "--no-orient output read back: orientation not applied"
    # displayed size is upright either way
    expect_shape "$WORK/stored.$ext" "480x640 3ch"
    # and the stored grid is the sideways one
    expect_rc 0 "$ZP" convert --no-orient "$WORK/stored.$ext" "$WORK/stored-$ext.pnm"
    expect_shape "$WORK/stored-$ext.pnm" "640x480 3ch"
done

# Lossless check: PNG written with --no-orient and turned upright on reading
# has exactly the pixels of the PNG turned upright on writing.
expect_rc 0 "$ZP" convert "$WORK/stored.png" "$WORK/a.pnm"
expect_rc 0 "$ZP" convert "$WORK/upright.png" "$WORK/b.pnm"
cmp -s "$WORK/a.pnm" "$WORK/b.pnm" ||
    fail "orientation applied on write and on read give different pixels"
cmp -s "$WORK/a.pnm" "$WORK/upright.pnm" || fail "JPEG -> PNG -> PNM differs from JPEG -> PNM"
# Upright output converted again stays upright (the tag is 1, not 6 twice).
expect_rc 0 "$ZP" convert "$WORK/upright.jpg" "$WORK/twice.pnm"
expect_shape "$WORK/twice.pnm" "480x640 3ch"
finish
