# test_stdio.sh: '-' reads stdin and writes stdout, and gives the same bytes
# as files do, through pipes (not seekable) as well as redirected files.
. "$(dirname "$0")/lib.sh"

for s in gradient.png photo.jpg gray16.png; do
    for fmt in jpeg png pnm; do
        in="$SAMPLES/$s"
        expect_rc 0 "$ZP" convert "$in" "$WORK/file.$fmt"
        [ -s "$WORK/file.$fmt" ] || fail "$s -> $fmt: empty output"

        "$ZP" convert --format $fmt - - <"$in" >"$WORK/stdio.$fmt" 2>"$WORK/err" ||
            fail "$s -> $fmt: stdin to stdout failed"
        cmp -s "$WORK/file.$fmt" "$WORK/stdio.$fmt" ||
            fail "$s -> $fmt: stdin to stdout differs from file to file"

        cat "$in" | "$ZP" convert --format $fmt - - 2>"$WORK/err" | cat >"$WORK/pipe.$fmt"
        cmp -s "$WORK/file.$fmt" "$WORK/pipe.$fmt" ||
            fail "$s -> $fmt: pipe to pipe differs from file to file"

        "$ZP" convert --format $fmt "$in" - >"$WORK/tostdout.$fmt" ||
            fail "$s -> $fmt: file to stdout failed"
        cmp -s "$WORK/file.$fmt" "$WORK/tostdout.$fmt" ||
            fail "$s -> $fmt: file to stdout differs from file to file"

        cat "$in" | "$ZP" convert - "$WORK/fromstdin.$fmt" ||
            fail "$s -> $fmt: stdin to file failed"
        cmp -s "$WORK/file.$fmt" "$WORK/fromstdin.$fmt" ||
            fail "$s -> $fmt: stdin to file differs from file to file"
    done
done

# nothing but the image goes to stdout, nothing at all to stderr
expect_rc 0 "$ZP" convert --format png "$SAMPLES/gray16.png" -
expect_rc 0 "$ZP" convert "$SAMPLES/gray16.png" "$WORK/g.png"
"$ZP" convert --format png "$SAMPLES/gray16.png" - >"$WORK/g-stdout.png" 2>"$WORK/err"
cmp -s "$WORK/g-stdout.png" "$WORK/g.png" || fail "stdout carries more than the image"
[ -s "$WORK/err" ] && { fail "convert to stdout wrote to stderr"; show_err; }

# info reads stdin too, and names it <stdin>
run sh -c '"$1" info - <"$2"' sh "$ZP" "$SAMPLES/photo.jpg"
[ "$RC" -eq 0 ] || fail "info - failed"
expect_out "<stdin>: JPEG 480x640"
run sh -c 'cat "$2" | "$1" info -' sh "$ZP" "$SAMPLES/gradient.png"
expect_out "<stdin>: PNG 256x192"
# a pipeline: convert to stdout, info from stdin
run sh -c '"$1" convert --format pnm "$2" - | "$1" info -' sh "$ZP" "$SAMPLES/photo.jpg"
expect_out "<stdin>: PNM 480x640 3ch 8-bit"
finish
