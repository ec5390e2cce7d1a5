# test_batch_sample.sh: samples/batch/thumbnails.sh, the batch job a user
# copies, on a folder of generated photos with a sub-folder and a broken
# file: thumbnails made and the right size, the failure in the summary and
# the exit status, and a second run that skips everything already made.
. "$(dirname "$0")/lib.sh"
need_python
SCRIPT=$SAMPLES/batch/thumbnails.sh
[ -f "$SCRIPT" ] || { fail "missing $SCRIPT"; finish; }

P=$WORK/photos
mkdir -p "$P/2024"
"$ZP" convert -q 92 "$SAMPLES/photo.jpg" "$P/portrait.jpg" resize:scale=2 || fail "make photos"
"$ZP" convert "$SAMPLES/gradient.png" "$P/2024/wide.png" drop_alpha resize:scale=3 || fail "make photos"
"$ZP" convert "$SAMPLES/gray16.png" "$P/2024/ramp.pnm" || fail "make photos"
head -c 2000 "$P/portrait.jpg" > "$P/2024/broken.jpg"

run env ZEROPIX="$ZP" JOBS=2 sh "$SCRIPT" "$P" "$WORK/thumbs" 128
[ "$RC" -eq 1 ] || { fail "exit $RC, expected 1 (one photo is broken)"; show_err; }
expect_out "thumbnails: 3 made, 0 already there, 1 failed, 0 not started"
expect_out "failed: $P/2024/broken.jpg: JPEG: file ends early"
expect_out "time per photo: median"
expect_shape "$WORK/thumbs/portrait_thumb.jpg" "96x128 3ch"
expect_shape "$WORK/thumbs/2024/wide_thumb.jpg" "128x96 3ch"
expect_shape "$WORK/thumbs/2024/ramp_thumb.jpg" "128x32 1ch"
[ -e "$WORK/thumbs/2024/broken_thumb.jpg" ] && fail "a thumbnail for the broken photo"

# Re-run (an interrupted run would do the same): nothing is made twice.
rm "$P/2024/broken.jpg"
run env ZEROPIX="$ZP" sh "$SCRIPT" "$P" "$WORK/thumbs" 128
[ "$RC" -eq 0 ] || { fail "second run: exit $RC"; show_err; }
expect_out "thumbnails: 0 made, 3 already there, 0 failed, 0 not started"

# Usage.
run sh "$SCRIPT" "$P"
[ "$RC" -eq 2 ] || fail "no THUMBS: exit $RC, expected 2"
finish
