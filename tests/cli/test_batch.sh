# test_batch.sh: `zeropix batch` over a folder of good and bad files, with
# -j 1 and -j 2: the good outputs equal `zeropix convert`'s, every bad file
# is reported (path and reason) and leaves no file, the exit status is 1,
# the report is valid JSON lines that match what happened; then inputs from
# lists and stdin, name templates, --fail-fast, --skip-existing, --quiet,
# progress lines, JSON escaping of odd names, and usage errors.
. "$(dirname "$0")/lib.sh"
need_python

OPS="blur:sigma=1.5"
IN=$WORK/in
mkdir -p "$IN/sub/deep"
cp "$SAMPLES/photo.jpg" "$IN/good1.jpg"
cp "$SAMPLES/gradient.png" "$IN/sub/good2.png"
cp "$SAMPLES/gray16.png" "$IN/sub/deep/g16.png"
"$ZP" convert "$SAMPLES/gradient.png" "$IN/img.ppm" || fail "cannot make a PPM"
# corrupt: a flipped byte inside the PNG's image data (CRC no longer matches)
cp "$SAMPLES/gradient.png" "$IN/corrupt.png"
size=$(wc -c < "$IN/corrupt.png")
printf '\377' | dd of="$IN/corrupt.png" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
# truncated: the first third of a JPEG
head -c $(($(wc -c < "$SAMPLES/photo.jpg") / 3)) "$SAMPLES/photo.jpg" > "$IN/cut.jpg"
echo "not an image at all" > "$IN/notimage.jpg"
echo "a folder is searched for image names only" > "$IN/notes.txt"
GOOD="good1 sub/good2 sub/deep/g16 img"
BAD="corrupt.png cut.jpg notimage.jpg"

# References: each good file through `zeropix convert`.
mkdir -p "$WORK/ref/sub/deep"
for g in good1.jpg sub/good2.png sub/deep/g16.png img.ppm; do
    "$ZP" convert "$IN/$g" "$WORK/ref/${g%.*}.png" $OPS || fail "convert $g"
done

# check_report FILE: JSON lines, one per input, statuses and sizes as on disk.
check_report() {
    python3 - "$1" "$ZP" <<'EOF' || fail "report $1 does not match (see above)"
import json, subprocess, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
by = {r["input"].split("/in/")[-1]: r for r in rows}
ok = True
def bad(msg):
    global ok
    ok = False
    print("report:", msg)
want = {"good1.jpg": "done", "sub/good2.png": "done", "sub/deep/g16.png": "done",
        "img.ppm": "done", "corrupt.png": "failed", "cut.jpg": "failed",
        "notimage.jpg": "failed"}
if sorted(by) != sorted(want) or len(rows) != len(want):
    bad("inputs %s" % sorted(by))
for name, status in want.items():
    r = by.get(name)
    if not r:
        continue
    keys = {"input", "output", "status", "error", "width", "height", "milliseconds"}
    if not keys <= set(r):
        bad("%s lacks %s" % (name, keys - set(r)))
    if r["status"] != status:
        bad("%s is %s, expected %s" % (name, r["status"], status))
    if not isinstance(r["milliseconds"], (int, float)) or r["milliseconds"] < 0:
        bad("%s milliseconds %r" % (name, r["milliseconds"]))
    if status == "done":
        info = json.loads(subprocess.run([sys.argv[2], "info", "--json", r["output"]],
                                         capture_output=True, text=True).stdout)
        if (info["width"], info["height"]) != (r["width"], r["height"]) or r["error"] is not None:
            bad("%s: %r vs info %r" % (name, r, info))
    elif not r["error"] or r["width"] is not None:
        bad("%s: failed without a reason or with a size: %r" % (name, r))
sys.exit(0 if ok else 1)
EOF
}

for j in 1 2; do
    OUT=$WORK/out$j
    expect_rc 1 "$ZP" batch -j $j -o "$OUT" -f png --report "$WORK/report$j.jsonl" $OPS -- "$IN"
    for g in $GOOD; do
        cmp -s "$OUT/$g.png" "$WORK/ref/$g.png" || fail "-j $j: $g.png differs from convert's"
    done
    for b in $BAD; do
        [ -e "$OUT/${b%.*}.png" ] && fail "-j $j: an output for the bad file $b"
        grep -q "zeropix: $IN/$b: ." "$WORK/err" || fail "-j $j: $b not reported with its path"
    done
    expect_err "4 done, 0 skipped, 3 failed (of 7)"
    expect_err "JPEG: file ends early"
    expect_err "not a JPEG, PNG or PNM"
    [ -e "$OUT/notes.png" ] && fail "-j $j: notes.txt was taken from a folder"
    [ "$(find "$OUT" -name '.*' | wc -l)" -eq 0 ] && [ "$(find "$OUT" -type f | wc -l)" -eq 4 ] ||
        fail "-j $j: expected exactly 4 files in the output: $(find "$OUT" -type f)"
    grep -q "$(printf '\r')" "$WORK/err" && fail "-j $j: a live progress line while not on a terminal"
    check_report "$WORK/report$j.jsonl"
done

# --skip-existing: the good ones are skipped, the bad ones fail again.
expect_rc 1 "$ZP" batch -j 2 -o "$WORK/out2" -f png --skip-existing $OPS -- "$IN"
expect_err "0 done, 4 skipped, 3 failed (of 7)"
# An incomplete file (as a power loss can leave) and an empty one are redone.
head -c 100 "$WORK/ref/good1.png" > "$WORK/out2/good1.png"
: > "$WORK/out2/img.png"
expect_rc 0 "$ZP" batch -o "$WORK/out2" -f png --skip-existing $OPS -- "$IN/good1.jpg" \
    "$IN/img.ppm" "$IN/sub/good2.png"
expect_err "2 done, 1 skipped, 0 failed (of 3)"
cmp -s "$WORK/out2/good1.png" "$WORK/ref/good1.png" || fail "a cut output was not redone"
cmp -s "$WORK/out2/img.png" "$WORK/ref/img.png" || fail "an empty output was not redone"

# --fail-fast with one worker: the first input fails, the rest never start.
expect_rc 1 "$ZP" batch -j 1 --fail-fast -o "$WORK/ff" -f png --report "$WORK/ff.jsonl" \
    -- "$IN/cut.jpg" "$IN/good1.jpg" "$IN/img.ppm"
expect_err "0 done, 0 skipped, 1 failed, 2 not started (of 3)"
[ -e "$WORK/ff/good1.png" ] && fail "--fail-fast went on after the failure"
[ "$(grep -c '"status":"cancelled"' "$WORK/ff.jsonl")" -eq 2 ] || fail "--fail-fast: report lacks cancelled lines"

# Inputs from standard input (NUL-separated) and from a list file.
printf '%s\0%s\0' "$IN/good1.jpg" "$IN/sub/good2.png" > "$WORK/list0"
run sh -c '"$1" batch -0 -o "$2" -f png blur:sigma=1.5 < "$3"' sh "$ZP" "$WORK/stdin" "$WORK/list0"
[ "$RC" -eq 0 ] || { fail "batch -0 from stdin: exit $RC"; show_err; }
cmp -s "$WORK/stdin/good1.png" "$WORK/ref/good1.png" || fail "stdin -0: good1.png"
cmp -s "$WORK/stdin/sub/good2.png" "$WORK/ref/sub/good2.png" || fail "stdin -0: sub/good2.png"
printf '%s\n\n%s\n' "$IN/img.ppm" "$IN/sub/deep/g16.png" > "$WORK/list"
expect_rc 0 "$ZP" batch --list "$WORK/list" -o "$WORK/listed" -f png $OPS
[ -f "$WORK/listed/img.png" ] && [ -f "$WORK/listed/sub/deep/g16.png" ] ||
    fail "--list: outputs missing: $(find "$WORK/listed" -type f)"
# --base names outputs below another folder.
expect_rc 0 "$ZP" batch --base "$WORK" -o "$WORK/based" -- "$IN/good1.jpg"
[ -f "$WORK/based/in/good1.jpg" ] || fail "--base: expected based/in/good1.jpg"

# Templates: %s, %e, a folder (sub-folders kept), or next to the input.
expect_rc 0 "$ZP" batch -o "$WORK/tpl/%s_small.%e.jpg" thumbnail:32,32 -- "$IN/good1.jpg" "$IN/sub"
expect_shape "$WORK/tpl/good1_small.jpg.jpg" "24x32 3ch 8-bit"
expect_shape "$WORK/tpl/sub/good2_small.png.jpg" "32x24 3ch"
expect_shape "$WORK/tpl/sub/deep/g16_small.png.jpg" "32x8 1ch"
cp "$SAMPLES/gradient.png" "$WORK/beside.png"
expect_rc 0 "$ZP" batch -o '%s_t.jpg' -- "$WORK/beside.png"
[ -f "$WORK/beside_t.jpg" ] || fail "a template without a folder writes next to the input"

# --quiet: failures only; --progress plain: plain lines with the rate and ETA.
expect_rc 1 "$ZP" batch --quiet -o "$WORK/quiet" -- "$IN/cut.jpg" "$IN/good1.jpg"
expect_err "$IN/cut.jpg"
grep -q "done," "$WORK/err" && fail "--quiet printed the summary"
mkdir -p "$WORK/many"
for i in 1 2 3 4 5 6 7 8 9 10; do cp "$SAMPLES/photo.jpg" "$WORK/many/p$i.jpg"; done
expect_rc 0 "$ZP" batch -j 1 --threads 1 --progress plain --progress-interval 0.01 \
    -o "$WORK/manyout" blur:sigma=6 -- "$WORK/many"
grep -q -E '^zeropix batch: [0-9]+/10, 0 failed, 0 skipped, [0-9.]+ images/s, ETA ' "$WORK/err" ||
    { fail "--progress plain printed no progress line"; show_err; }

# Odd file names stay valid JSON in the report: quote, backslash, newline,
# tab, a byte that is not UTF-8.
odd=$(printf 'we"ird\\na\tme\nx\377')
cp "$SAMPLES/gradient.png" "$WORK/$odd.png"
expect_rc 0 "$ZP" batch -o "$WORK/odd" --report "$WORK/odd.jsonl" -- "$WORK/$odd.png"
python3 - "$WORK/odd.jsonl" <<'EOF' || fail "report with an odd file name"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], "rb").read().decode("utf-8").splitlines()]
want = 'we"ird\\na\tme\nx\ufffd.png'
assert len(rows) == 1 and rows[0]["input"].endswith("/" + want), rows
assert rows[0]["status"] == "done", rows
EOF

# Usage errors: exit 2 and nothing written.
expect_rc 2 "$ZP" batch $OPS -- "$IN/good1.jpg"
expect_err "missing -o"
expect_rc 2 "$ZP" batch -o "$WORK/u1" blurr:sigma=2 -- "$IN/good1.jpg"
expect_err "did you mean 'blur'"
expect_rc 2 "$ZP" batch -o "$WORK/u1" "$IN/good1.jpg"
expect_err "put the inputs after '--'"
mkdir -p "$WORK/clash"
cp "$SAMPLES/photo.jpg" "$WORK/clash/a.jpg"
cp "$SAMPLES/gradient.png" "$WORK/clash/a.png"
expect_rc 2 "$ZP" batch -o "$WORK/u1" -f png -- "$WORK/clash"
expect_err "would both be written to"
expect_rc 2 "$ZP" batch -o "$IN" -- "$IN/good1.jpg"
expect_err "is an input file"
expect_rc 2 "$ZP" batch -o "$WORK/u1" --shard 0/3 -- "$IN"
expect_rc 2 "$ZP" batch -o "$WORK/u1" --shard 4/3 -- "$IN"
expect_rc 2 "$ZP" batch -o "$WORK/u1" -o "$WORK/%x.png" -- "$IN"
expect_err "unknown placeholder"
[ -e "$WORK/u1" ] && fail "a usage error created the output folder"
# --overwrite-inputs allows it, atomically (the input is read whole first).
cp "$SAMPLES/gradient.png" "$WORK/inplace.png"
expect_rc 0 "$ZP" batch --overwrite-inputs -o "$WORK" invert -- "$WORK/inplace.png"
"$ZP" convert "$SAMPLES/gradient.png" "$WORK/inv.png" invert
cmp -s "$WORK/inplace.png" "$WORK/inv.png" || fail "--overwrite-inputs result"

# Folder walks: a link to an image file is taken, a link to a folder is not
# followed, a dangling link with an image name is left out; byte order.
L=$WORK/links
mkdir -p "$L/real" "$WORK/elsewhere"
cp "$SAMPLES/gradient.png" "$L/real/b.png"
cp "$SAMPLES/gradient.png" "$WORK/elsewhere/x.png"
ln -s real/b.png "$L/B_link.png"
ln -s ../elsewhere "$L/dirlink"
ln -s nowhere.png "$L/dangling.png"
expect_rc 0 "$ZP" batch -j 1 -o "$WORK/links_out" -f png --report "$WORK/links.jsonl" -- "$L"
expect_err "2 done, 0 skipped, 0 failed (of 2)"
python3 - "$WORK/links.jsonl" <<'EOF' || fail "folder walk with links: wrong inputs or order"
import json, sys
got = [json.loads(l)["input"].split("/links/")[-1] for l in open(sys.argv[1])]
sys.exit(0 if got == ["B_link.png", "real/b.png"] else print(got) or 1)
EOF

# --help teaches, and every option it names is one the parser knows.
expect_rc 0 "$ZP" batch --help
for t in "Usage: zeropix batch" "Examples:" "--skip-existing" "--shard K/N" "--report FILE" \
         "Exit status:" "exits 130"; do expect_out "$t"; done
"$ZP" batch --help | grep -E -- '^ +(-[a-zA-Z0-9], )?--[a-z]' |
    sed -E 's/^ +(-[a-zA-Z0-9], )?(--[a-z][a-z-]*).*/\2/' | sort -u > "$WORK/opts"
[ "$(wc -l < "$WORK/opts")" -ge 25 ] || fail "batch --help names few options"
while read -r opt; do
    "$ZP" batch "$opt" >/dev/null 2>"$WORK/err" </dev/null
    grep -q "unknown option" "$WORK/err" && fail "batch --help names $opt, which the parser rejects"
done < "$WORK/opts"
expect_rc 0 "$ZP" --help
expect_out "batch"

finish
