# test_exit_codes.sh: 0 on success, 1 when an input or output fails, 2 for
# usage errors; every message names the file or option and the reason.
. "$(dirname "$0")/lib.sh"
G="$SAMPLES/gradient.png"
P="$SAMPLES/photo.jpg"

# ---- success -------------------------------------------------------------
expect_rc 0 "$ZP" version
expect_out "zeropix 0."
expect_rc 0 "$ZP" --version
expect_out "zeropix 0."
expect_rc 0 "$ZP" convert "$G" "$WORK/a.png"
expect_rc 0 "$ZP" convert -q 50 --subsampling 444 --progressive --optimize "$P" "$WORK/a.jpg"
expect_rc 0 "$ZP" convert --compression 0 --depth 16 "$G" "$WORK/b.png"
expect_rc 0 "$ZP" convert --max-pixels 0 "$P" "$WORK/b.pnm"
expect_rc 0 "$ZP" convert --max-pixels 307200 "$P" "$WORK/c.pnm"    # exactly 640*480
expect_rc 0 "$ZP" convert --no-limits "$P" "$WORK/d.pgm"
expect_rc 0 "$ZP" convert "$P" --format png "$WORK/noext"           # options after operands
expect_rc 0 "$ZP" convert --quality=75 "$P" "$WORK/e.JPEG"          # --opt=value, upper-case ext
expect_rc 0 "$ZP" info "$G" "$P"

# ---- usage errors: 2, nothing written -----------------------------------
expect_rc 2 "$ZP"
expect_err "zeropix --help"
expect_rc 2 "$ZP" conver "$G" "$WORK/x.png"
expect_err "unknown command 'conver'"
expect_err "zeropix convert"
expect_rc 2 "$ZP" "$G" "$WORK/x.png"
expect_err "zeropix convert"
expect_rc 2 "$ZP" --bogus
expect_err "unknown option '--bogus'"
expect_rc 2 "$ZP" convert
expect_err "missing INPUT and OUTPUT"
expect_rc 2 "$ZP" convert "$G"
expect_err "missing OUTPUT"
expect_rc 2 "$ZP" convert "$G" "$WORK/x.png" "$WORK/y.png"
expect_err "y.png': unknown filter ('zeropix ops' lists them)"
expect_rc 2 "$ZP" convert --quality 120 "$P" "$WORK/x.jpg"
expect_err "zeropix convert: --quality must be 1..100, got 120"
expect_rc 2 "$ZP" convert -q 0 "$P" "$WORK/x.jpg"
expect_err "--quality must be 1..100, got 0"
expect_rc 2 "$ZP" convert -q abc "$P" "$WORK/x.jpg"
expect_err "--quality must be a whole number 1..100, got 'abc'"
expect_rc 2 "$ZP" convert -q 9x "$P" "$WORK/x.jpg"
expect_err "got '9x'"
expect_rc 2 "$ZP" convert "$P" "$WORK/x.jpg" --quality
expect_err "option '--quality' needs a value"
expect_rc 2 "$ZP" convert "$P" "$WORK/x.jpg" -q
expect_err "needs a value"
expect_rc 2 "$ZP" convert --bogus "$P" "$WORK/x.jpg"
expect_err "zeropix convert: unknown option '--bogus'"
expect_err "zeropix convert --help"
expect_rc 2 "$ZP" convert --no "$P" "$WORK/x.jpg"
expect_err "ambiguous option '--no' (could be --no-orient, --no-limits)"
expect_rc 2 "$ZP" convert -z "$P" "$WORK/x.jpg"
expect_err "unknown option '-z'"
expect_rc 2 "$ZP" convert --strip=yes "$P" "$WORK/x.jpg"
expect_err "'--strip' takes no value"
expect_rc 2 "$ZP" convert --subsampling 411 "$P" "$WORK/x.jpg"
expect_err "--subsampling must be 444, 422 or 420, got 411"
expect_rc 2 "$ZP" convert --compression 10 "$G" "$WORK/x.png"
expect_err "--compression must be 0..9, got 10"
expect_rc 2 "$ZP" convert --depth 12 "$G" "$WORK/x.png"
expect_err "--depth must be 8 or 16, got 12"
expect_rc 2 "$ZP" convert --depth 16 "$G" "$WORK/x.jpg"
expect_err "not possible for JPEG"
expect_rc 2 "$ZP" convert --max-pixels -1 "$G" "$WORK/x.png"
expect_err "--max-pixels must be a whole number >= 0, got '-1'"
expect_rc 2 "$ZP" convert --max-pixels 99999999999999999999999 "$G" "$WORK/x.png"
expect_err "--max-pixels"
expect_rc 2 "$ZP" convert --format gif "$G" "$WORK/x.gif"
expect_err "--format must be jpeg, png or pnm, got 'gif'"
expect_rc 2 "$ZP" convert "$G" "$WORK/x.gif"
expect_err "cannot tell the output format from '$WORK/x.gif'"
expect_rc 2 "$ZP" convert "$G" "$WORK/noextension"
expect_err "cannot tell the output format"
expect_rc 2 "$ZP" convert "$G" -
expect_err "--format is required when OUTPUT is '-'"
# a usage error is found before any input is touched
expect_rc 2 "$ZP" convert "$WORK/does-not-exist.png" "$WORK/x.gif"
expect_rc 2 "$ZP" info
expect_err "missing FILE"
expect_rc 2 "$ZP" info --xml "$G"
expect_err "unknown option '--xml'"
expect_rc 2 "$ZP" version extra
expect_rc 2 "$ZP" help nosuchcommand
expect_err "unknown command 'nosuchcommand'"
for f in x.png x.jpg x.gif; do
    [ -e "$WORK/$f" ] && fail "a usage error wrote $WORK/$f"
done

# ---- failed inputs and outputs: 1, message names the file ---------------
expect_rc 1 "$ZP" convert "$WORK/does-not-exist.png" "$WORK/x.png"
expect_err "zeropix: $WORK/does-not-exist.png: "
printf 'this is not an image, just some text\n' >"$WORK/text.png"
expect_rc 1 "$ZP" convert "$WORK/text.png" "$WORK/x.png"
expect_err "zeropix: $WORK/text.png: "
# corrupt: a valid PNG signature and IHDR length, then garbage
head -c 16 "$G" >"$WORK/corrupt.png"
printf 'garbage garbage garbage garbage garbage garbage' >>"$WORK/corrupt.png"
expect_rc 1 "$ZP" convert "$WORK/corrupt.png" "$WORK/x.png"
expect_err "zeropix: $WORK/corrupt.png: "
# JPEG with its entropy-coded data overwritten
make_corrupt_jpeg() {
    # the headers (first 1000 bytes), then 4000 bytes of bogus markers and noise
    head -c 1000 "$P" >"$WORK/corrupt.jpg"
    i=0
    while [ $i -lt 100 ]; do printf '\377\001\377\002ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab' >>"$WORK/corrupt.jpg"; i=$((i + 1)); done
}
make_corrupt_jpeg
expect_rc 1 "$ZP" convert "$WORK/corrupt.jpg" "$WORK/x.png"
expect_err "zeropix: $WORK/corrupt.jpg: "
: >"$WORK/empty.png"
expect_rc 1 "$ZP" convert "$WORK/empty.png" "$WORK/x.png"
expect_err "zeropix: $WORK/empty.png: "
expect_rc 1 "$ZP" convert - "$WORK/x.png" </dev/null
expect_err "zeropix: <stdin>: "
expect_rc 1 "$ZP" convert --max-pixels 307199 "$P" "$WORK/x.png"
expect_err "zeropix: $P: "
expect_err "limit"
expect_rc 1 "$ZP" convert "$G" "$WORK/no/such/folder/x.png"
expect_err "zeropix: $WORK/no/such/folder/x.png: "
[ -e "$WORK/x.png" ] && fail "a failed conversion wrote $WORK/x.png"
# a full disk on stdout is a failed output too
if [ -w /dev/full ]; then
    run sh -c '"$1" convert --format png "$2" - >/dev/full' sh "$ZP" "$G"
    [ "$RC" -eq 1 ] || fail "convert to a full stdout: exit $RC, expected 1"
    expect_err "zeropix: <stdout>: "
    run sh -c '"$1" info "$2" >/dev/full' sh "$ZP" "$G"
    [ "$RC" -eq 1 ] || fail "info to a full stdout: exit $RC, expected 1"
    expect_err "zeropix: <stdout>: "
fi
# info: goes on past failures, exit 1, names each failed file
expect_rc 1 "$ZP" info "$G" "$WORK/text.png" "$P" "$WORK/does-not-exist.png"
expect_out "$G: PNG"
expect_out "$P: JPEG"
expect_err "zeropix: $WORK/text.png: "
expect_err "zeropix: $WORK/does-not-exist.png: "
# every error line is "zeropix: NAME: reason" with a non-empty reason
if grep -v -q -E '^zeropix: .+: .+$' "$WORK/err"; then
    fail "info error lines not in 'zeropix: NAME: reason' form"
    show_err
fi
finish
