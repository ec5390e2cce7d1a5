# test_atomic.sh: a failed conversion leaves no output file and no temporary
# file in the output folder, and an existing output file untouched, whether
# the input fails (truncated) or the output does (no folder, disk full).
. "$(dirname "$0")/lib.sh"
OUT="$WORK/out.d"
mkdir "$OUT"
printf 'precious old content\n' >"$WORK/sentinel"

# expect_clean "NAMES": OUT holds exactly NAMES, each still the sentinel bytes
expect_clean() {
    got=$(files_in "$OUT")
    [ "$got" = "$1" ] || fail "output folder holds '$got', expected '$1' after: $CMDLINE"
    for f in $1; do
        cmp -s "$OUT/$f" "$WORK/sentinel" || fail "$f was modified by: $CMDLINE"
    done
}

# truncated inputs: PNG and JPEG cut in half, and cut just after the headers
for s in gradient.png photo.jpg gray16.png; do
    size=$(wc -c <"$SAMPLES/$s")
    for keep in $((size / 2)) 1200 $((size - 10)); do
        head -c $keep "$SAMPLES/$s" >"$WORK/trunc-$s"
        for ext in png jpg pnm; do
            expect_rc 1 "$ZP" convert "$WORK/trunc-$s" "$OUT/new.$ext"
            expect_err "zeropix: $WORK/trunc-$s: "
            expect_clean ""
        done
        cp "$WORK/sentinel" "$OUT/keep.png"
        expect_rc 1 "$ZP" convert "$WORK/trunc-$s" "$OUT/keep.png"
        expect_clean "keep.png"
        rm -f "$OUT/keep.png"
    done
done

# output into a folder that does not exist
expect_rc 1 "$ZP" convert "$SAMPLES/gradient.png" "$WORK/missing/new.png"
expect_err "zeropix: $WORK/missing/new.png: "
[ -e "$WORK/missing" ] && fail "a folder was created for a failed output"

# output fails mid-write: a 512-byte file size limit (ulimit -f counts
# 512-byte blocks); SIGXFSZ ignored so write() fails with EFBIG instead of
# the signal killing the tool. The output is far larger than the limit.
cp "$WORK/sentinel" "$OUT/keep.png"
cp "$WORK/sentinel" "$OUT/keep.jpg"
for target in new.png keep.png new.jpg keep.jpg; do
    run sh -c 'trap "" XFSZ; ulimit -f 1 && exec "$@"' sh \
        "$ZP" convert --compression 0 "$SAMPLES/photo.jpg" "$OUT/$target"
    [ "$RC" -eq 1 ] || { fail "exit $RC, expected 1 for a full disk: $CMDLINE"; show_err; }
    expect_err "zeropix: $OUT/$target: "
    expect_clean "keep.jpg keep.png"
done

# killed mid-write (Ctrl-C, kill, hang-up): the temporary file is removed
# and the existing output is untouched. The input is 36 MB of noise, which
# takes seconds to deflate at level 9, so the signal lands mid-write.
{ printf 'P6\n4000 3000\n255\n'; head -c 36000000 /dev/urandom; } > "$WORK/noise.ppm"
# (SIGINT is not sent here: a shell starts background jobs with SIGINT
# ignored, and zeropix keeps an inherited "ignore", as programs should.)
for sig in TERM HUP; do
    "$ZP" convert --compression 9 "$WORK/noise.ppm" "$OUT/keep.png" 2>"$WORK/err" &
    pid=$!
    # wait until the temporary file exists, then signal
    for _ in $(seq 1 200); do
        ls -A "$OUT" | grep -q '^\.zeropix-' && break
        sleep 0.02
    done
    ls -A "$OUT" | grep -q '^\.zeropix-' || fail "SIG$sig: no temporary file appeared to interrupt"
    kill -s "$sig" "$pid"
    wait "$pid"; rc=$?
    [ "$rc" -gt 128 ] || fail "SIG$sig: exit $rc, expected death by the signal"
    expect_clean "keep.jpg keep.png"
done
rm -f "$WORK/noise.ppm"

# and the same conversions succeed without the limit, replacing keep.*
expect_rc 0 "$ZP" convert "$SAMPLES/photo.jpg" "$OUT/keep.png"
expect_rc 0 "$ZP" convert "$SAMPLES/photo.jpg" "$OUT/keep.jpg"
[ "$(files_in "$OUT")" = "keep.jpg keep.png" ] || fail "stray files after success: $(files_in "$OUT")"
expect_shape "$OUT/keep.png" "480x640 3ch 8-bit"
finish
