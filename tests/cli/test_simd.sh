# test_simd.sh: the SIMD level on the command line: `version --simd` names
# every kernel family and follows ZEROPIX_SIMD and the cap; `--simd` checks
# its value (exit 2); and every integer filter gives the same bytes at every
# level this CPU has (the kernels' promise, end to end through convert).
. "$(dirname "$0")/lib.sh"
G="$SAMPLES/gradient.png"   # 256x192 RGBA
P="$SAMPLES/photo.jpg"
G16="$SAMPLES/gray16.png"   # 16-bit gray
unset ZEROPIX_SIMD

expect_rc 0 "$ZP" version --simd
for fam in conv resize point copy; do
    grep -q "^  $fam " "$WORK/out" || fail "version --simd: no line for family '$fam'"
done
cpu=$(sed -n 's/^simd: cpu \([a-z0-9]*\),.*/\1/p' "$WORK/out")
[ -n "$cpu" ] || fail "version --simd: no 'simd: cpu LEVEL' line"

export ZEROPIX_SIMD=none
expect_rc 0 "$ZP" version --simd
expect_out "active none"
if grep -E '^  [a-z]+ +(sse4|avx2|avx512)$' "$WORK/out" >/dev/null; then
    fail "ZEROPIX_SIMD=none: a family still reports a SIMD level"
fi
export ZEROPIX_SIMD=bogus
expect_rc 0 "$ZP" version --simd
expect_err "ignoring ZEROPIX_SIMD"
unset ZEROPIX_SIMD

expect_rc 2 "$ZP" version --bogus
expect_rc 2 "$ZP" convert --simd avx3 "$G" "$WORK/x.png"
expect_err "--simd must be none, sse4, avx2 or avx512"
[ ! -e "$WORK/x.png" ] || fail "a usage error wrote an output"

# Levels this CPU has, in order.
levels=none
case $cpu in
    sse4) levels="none sse4" ;;
    avx2) levels="none sse4 avx2" ;;
    avx512) levels="none sse4 avx2 avx512" ;;
esac

# same_bytes NAME INPUT OPS...: every level gives the bytes of level none.
same_bytes() {
    _name=$1 _in=$2
    shift 2
    for _l in $levels; do
        expect_rc 0 "$ZP" convert --simd "$_l" --threads 2 "$_in" "$WORK/$_name-$_l.png" "$@"
        if [ "$_l" != none ] && ! cmp -s "$WORK/$_name-none.png" "$WORK/$_name-$_l.png"; then
            fail "$_name: --simd $_l differs from --simd none ($*)"
        fi
    done
}
same_bytes blur "$P" blur:sigma=2
same_bytes blur_big "$G" blur:sigma=9
same_bytes box "$P" box_blur:radius=3
same_bytes sharpen "$P" sharpen
same_bytes conv3 "$G" "convolve:kernel=-1;-1;-1;-1;16;-1;-1;-1;-1,scale=0.125"
same_bytes lanczos "$P" resize:width=431 transpose
same_bytes bicubic "$P" resize:width=203
same_bytes bilinear "$G" resize:width=512
same_bytes levels "$P" levels:gamma=1.7
same_bytes invert "$G" invert
same_bytes gray "$P" grayscale threshold
same_bytes blur16 "$G16" blur:sigma=1.5
same_bytes resize16 "$G16" resize:width=300
same_bytes rotated "$P" rotate:90 blur:sigma=1

finish
