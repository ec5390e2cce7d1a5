# test_roundtrip.sh: every sample to every format and back to PNG; info
# confirms size, channels and depth at each step; lossless paths keep every
# sample value (compared through PNM, which has one byte layout).
. "$(dirname "$0")/lib.sh"

# sample  "WxH Nch B-bit" as displayed
check_sample() { expect_shape "$SAMPLES/$1" "$2"; }
check_sample gradient.png "256x192 4ch 8-bit"
check_sample photo.jpg "480x640 3ch 8-bit"
check_sample gray16.png "512x128 1ch 16-bit"

# after SHAPE EXT: the "WxH Nch B-bit" that converting an image of SHAPE
# ("WxH Nch B-bit") to EXT gives. JPEG and PNM drop alpha; JPEG is 8-bit;
# PNG and PNM keep 16 bits.
after() {
    set -- $1 "$2"   # WxH Nch B-bit EXT
    size=$1 ch=${2%ch} depth=${3%-bit} ext=$4
    case "$ext" in
        jpg) depth=8; [ "$ch" = 4 ] && ch=3; [ "$ch" = 2 ] && ch=1 ;;
        pnm) [ "$ch" = 4 ] && ch=3; [ "$ch" = 2 ] && ch=1 ;;
    esac
    echo "$size ${ch}ch $depth-bit"
}

for s in "gradient.png:256x192 4ch 8-bit" "photo.jpg:480x640 3ch 8-bit" \
         "gray16.png:512x128 1ch 16-bit"; do
    name=${s%%:*}
    orig=${s#*:}
    base=${name%.*}
    for ext in jpg png pnm; do
        want=$(after "$orig" $ext)
        out="$WORK/$base.$ext"
        expect_rc 0 "$ZP" convert "$SAMPLES/$name" "$out"
        expect_shape "$out" "$want"
        # and back, to every format
        for ext2 in png jpg pnm; do
            expect_rc 0 "$ZP" convert "$out" "$WORK/$base.$ext.$ext2"
            expect_shape "$WORK/$base.$ext.$ext2" "$(after "$want" $ext2)"
        done
    done
done

# PNM output is .ppm for colour and .pgm for gray alike: format by name.
expect_rc 0 "$ZP" convert "$SAMPLES/gray16.png" "$WORK/g.pgm"
expect_shape "$WORK/g.pgm" "512x128 1ch 16-bit"
expect_rc 0 "$ZP" convert "$SAMPLES/photo.jpg" "$WORK/p.ppm"
expect_shape "$WORK/p.ppm" "480x640 3ch 8-bit"

# Lossless: PNG -> PNM -> PNG -> PNM gives the same PNM bytes.
for s in gradient.png gray16.png; do
    expect_rc 0 "$ZP" convert "$SAMPLES/$s" "$WORK/l1.pnm"
    expect_rc 0 "$ZP" convert "$WORK/l1.pnm" "$WORK/l2.png"
    expect_rc 0 "$ZP" convert "$WORK/l2.png" "$WORK/l3.pnm"
    cmp -s "$WORK/l1.pnm" "$WORK/l3.pnm" || fail "$s: PNG/PNM round trip changed pixels"
    # and PNG -> PNG at every compression level decodes to the same pixels
    for level in 0 9; do
        expect_rc 0 "$ZP" convert --compression $level "$SAMPLES/$s" "$WORK/c$level.png"
        expect_rc 0 "$ZP" convert "$WORK/c$level.png" "$WORK/c$level.pnm"
        expect_rc 0 "$ZP" convert "$SAMPLES/$s" "$WORK/direct.pnm"
        cmp -s "$WORK/c$level.pnm" "$WORK/direct.pnm" ||
            fail "$s: --compression $level changed pixels"
    done
done
s0=$(wc -c <"$WORK/c0.png")
s9=$(wc -c <"$WORK/c9.png")
[ "$s0" -gt "$s9" ] || fail "--compression 0 ($s0 bytes) not larger than 9 ($s9 bytes)"

# --depth: 16-bit gray forced to 8 and 8-bit RGBA widened to 16 (exactly:
# 8 -> 16 -> 8 is the identity).
expect_rc 0 "$ZP" convert --depth 8 "$SAMPLES/gray16.png" "$WORK/g8.png"
expect_shape "$WORK/g8.png" "512x128 1ch 8-bit"
expect_rc 0 "$ZP" convert --depth 8 "$SAMPLES/gray16.png" "$WORK/g8.pnm"
expect_shape "$WORK/g8.pnm" "512x128 1ch 8-bit"
expect_rc 0 "$ZP" convert --depth 16 "$SAMPLES/gradient.png" "$WORK/w16.png"
expect_shape "$WORK/w16.png" "256x192 4ch 16-bit"
expect_rc 0 "$ZP" convert --depth 8 "$WORK/w16.png" "$WORK/w8.pnm"
expect_rc 0 "$ZP" convert "$SAMPLES/gradient.png" "$WORK/w.pnm"
cmp -s "$WORK/w8.pnm" "$WORK/w.pnm" || fail "8 -> 16 -> 8 bit changed pixels"

# JPEG options change the file, and quality changes its size.
expect_rc 0 "$ZP" convert -q 30 "$SAMPLES/photo.jpg" "$WORK/q30.jpg"
expect_rc 0 "$ZP" convert -q 95 "$SAMPLES/photo.jpg" "$WORK/q95.jpg"
[ "$(wc -c <"$WORK/q30.jpg")" -lt "$(wc -c <"$WORK/q95.jpg")" ] ||
    fail "-q 30 is not smaller than -q 95"
expect_rc 0 "$ZP" convert --progressive "$SAMPLES/photo.jpg" "$WORK/prog.jpg"
run "$ZP" info "$WORK/prog.jpg"
expect_out "progressive"
run "$ZP" info "$WORK/q95.jpg"
grep -q progressive "$WORK/out" && fail "baseline JPEG reported as progressive"
# a note, not an error, for options that do not apply to the output format
expect_rc 0 "$ZP" convert -q 50 "$SAMPLES/photo.jpg" "$WORK/note.png"
expect_err "--quality applies to jpeg output only"
# --format wins over the extension (content decides on reading), with a note
expect_rc 0 "$ZP" convert --format png "$SAMPLES/photo.jpg" "$WORK/really-png.jpg"
expect_err "note: writing png into '$WORK/really-png.jpg'"
expect_shape "$WORK/really-png.jpg" "480x640 3ch 8-bit"
run "$ZP" info "$WORK/really-png.jpg"
expect_out "really-png.jpg: PNG "
finish
