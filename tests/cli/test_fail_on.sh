# test_fail_on.sh: --fail-on decides how damaged an input may be; damage
# that is let through is reported as a warning, never hidden.
. "$(dirname "$0")/lib.sh"
G="$SAMPLES/gradient.png"
P="$SAMPLES/photo.jpg"
size=$(wc -c < "$G")
head -c $((size / 2)) "$G" > "$WORK/cut.png"
head -c 20000 "$P" > "$WORK/cut.jpg"

for f in cut.png cut.jpg; do
    # the default (error) and truncated: exit 1, no output
    expect_rc 1 "$ZP" convert "$WORK/$f" "$WORK/out.png"
    expect_err "zeropix: $WORK/$f: "
    [ -e "$WORK/out.png" ] && fail "output left after a failed $f"
    expect_rc 1 "$ZP" convert --fail-on truncated "$WORK/$f" "$WORK/out.png"
    expect_rc 1 "$ZP" convert --fail-on warning "$WORK/$f" "$WORK/out.png"
    # none: what is there, said on stderr, exit 0, full-size output
    expect_rc 0 "$ZP" convert --fail-on none "$WORK/$f" "$WORK/out.png"
    expect_err "zeropix: $WORK/$f: warning: "
    expect_err "file ends early (truncated)"
    expect_err "the rows past the end are blank"
    case $f in
        cut.png) expect_shape "$WORK/out.png" "256x192 4ch 8-bit" ;;
        cut.jpg) expect_shape "$WORK/out.png" "480x640 3ch 8-bit" ;;
    esac
    rm -f "$WORK/out.png"
done

# a whole file gives no warning at any level
expect_rc 0 "$ZP" convert --fail-on warning "$G" "$WORK/ok.png"
[ -s "$WORK/err" ] && { fail "warnings for a sound file"; show_err; }

expect_rc 2 "$ZP" convert --fail-on sometimes "$G" "$WORK/x.png"
expect_err "zeropix convert: --fail-on must be none, truncated, error or warning, got 'sometimes'"
finish
