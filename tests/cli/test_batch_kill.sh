# test_batch_kill.sh: a batch interrupted mid-way, by SIGINT (a clean stop:
# running files finish, the rest are reported as cancelled, exit 130) and by
# SIGKILL (nothing can run), then run again with --skip-existing: every
# output present and byte-identical to an uninterrupted run, no temporary
# or partial file left, and no input converted twice.
. "$(dirname "$0")/lib.sh"
need_python
if ! env --default-signal=INT true 2>/dev/null; then
    echo "env --default-signal (coreutils >= 8.31) not found: skipped"
    exit 77
fi

N=40
OPS="blur:sigma=8"
mkdir -p "$WORK/in"
i=1
while [ $i -le $N ]; do
    cp "$SAMPLES/photo.jpg" "$WORK/in/p$(printf %02d $i).jpg"
    i=$((i + 1))
done

# The expected outputs, from an uninterrupted run.
expect_rc 0 "$ZP" batch -j 2 --quiet -o "$WORK/ref" -f png $OPS -- "$WORK/in"

# start REPORT: a one-worker batch in the background, its pid in $PID.
# (A shell without job control starts background commands with SIGINT
# ignored; env gives the batch the default action back, as a terminal would.)
start() {
    env --default-signal=INT "$ZP" batch -j 1 --threads 1 -o "$WORK/res" -f png \
        --report "$1" $OPS -- "$WORK/in" 2>"$WORK/bg.err" &
    PID=$!
}

# wait_lines FILE N: until FILE has N lines (at most about 60 s).
wait_lines() {
    _t=0
    while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ] && [ $_t -lt 3000 ] &&
        kill -0 $PID 2>/dev/null; do
        sleep 0.02
        _t=$((_t + 1))
    done
}

# analyse FIRST SECOND: checks the two reports against each other and the
# files; prints "done1 skipped2 done2".
analyse() {
    python3 - "$1" "$2" "$N" <<'EOF'
import json, sys
def load(path):
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    return rows
first, second, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
done1 = {r["input"] for r in first if r["status"] == "done"}
done2 = {r["input"] for r in second if r["status"] == "done"}
skipped2 = {r["input"] for r in second if r["status"] == "skipped"}
twice = done1 & done2
if twice:
    print("converted twice:", sorted(twice))
    sys.exit(1)
if len(second) != n or len(done2 | skipped2) != n:
    print("second run did not cover every input once:", len(second), len(done2 | skipped2))
    sys.exit(1)
print(len(done1), len(skipped2), len(done2))
EOF
}

# same_as_ref: every output there and identical to the reference; no
# hidden (temporary) file.
same_as_ref() {
    for f in "$WORK"/ref/*.png; do
        cmp -s "$f" "$WORK/res/${f##*/}" || fail "$1: ${f##*/} missing or different"
    done
    [ -z "$(find "$WORK/res" -name '.*' -type f)" ] || fail "$1: files left: $(find "$WORK/res" -name '.*')"
}

# all_whole NAME: every output there is whole (identical to the reference).
all_whole() {
    for f in "$WORK"/res/*.png; do
        [ -e "$f" ] || continue
        cmp -s "$f" "$WORK/ref/${f##*/}" || fail "$1: ${f##*/} is there but not whole"
    done
}

# rerun NAME FIRST_REPORT SKIPPED: the same batch with --skip-existing
# skips exactly SKIPPED inputs, converts none twice, and completes the set.
rerun() {
    expect_rc 0 "$ZP" batch -j 2 --skip-existing -o "$WORK/res" -f png \
        --report "$WORK/$1-2.jsonl" $OPS -- "$WORK/in"
    counts=$(analyse "$2" "$WORK/$1-2.jsonl") || fail "$1 rerun: $counts"
    set -- "$1" "$3" $counts
    [ "${4:-x}" = "$2" ] || fail "$1 rerun skipped ${4:-?}, expected $2"
    same_as_ref "$1"
}

# ---- SIGINT: a clean stop ----
start "$WORK/int1.jsonl"
wait_lines "$WORK/int1.jsonl" 3
kill -INT $PID
wait $PID
rc=$?
[ $rc -eq 130 ] || { fail "SIGINT: exit $rc, expected 130"; sed 's/^/    /' "$WORK/bg.err" >&2; }
grep -q "no more files are started" "$WORK/bg.err" || fail "SIGINT: no notice of the stop"
grep -q "not started (of $N)" "$WORK/bg.err" || { fail "SIGINT: no summary"; cat "$WORK/bg.err" >&2; }
lines=$(wc -l < "$WORK/int1.jsonl")
cancelled=$(grep -c '"status":"cancelled"' "$WORK/int1.jsonl")
done1=$(grep -c '"status":"done"' "$WORK/int1.jsonl")
[ "$lines" -eq $N ] || fail "SIGINT: the report has $lines lines, expected $N"
[ "$cancelled" -gt 0 ] || fail "SIGINT: the batch was not interrupted (too fast?)"
[ "$(find "$WORK/res" -type f | wc -l)" -eq "$done1" ] ||
    fail "SIGINT: $done1 done but $(find "$WORK/res" -type f | wc -l) files"
all_whole SIGINT
rerun SIGINT "$WORK/int1.jsonl" "$done1"

# ---- SIGKILL: no chance to clean up; the rerun does ----
rm -rf "$WORK/res"
start "$WORK/kill1.jsonl"
wait_lines "$WORK/kill1.jsonl" 3
sleep 0.03 # most likely in the middle of a file
kill -KILL $PID
wait $PID 2>/dev/null
rm -f "$WORK/bg.err"
existing=$(find "$WORK/res" -name '*.png' -type f | wc -l)
[ "$existing" -lt $N ] || fail "SIGKILL: the batch was not interrupted (too fast?)"
all_whole SIGKILL
rerun SIGKILL "$WORK/kill1.jsonl" "$existing"

finish
