# test_batch_shard.sh: --shard K/N for N = 1..5: the shards' outputs are
# disjoint and together cover every input exactly once, whatever the order
# the inputs are given in; --shard auto reads Slurm's and Kubernetes'
# variables.
. "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/in/a" "$WORK/in/b/c"
i=0
for d in "" a/ b/ b/c/; do
    for n in 1 2 3 4 5 6; do
        i=$((i + 1))
        "$ZP" convert "$SAMPLES/gradient.png" "$WORK/in/${d}g$n.png" crop:0,0,$((8 + i)),8 ||
            fail "cannot make inputs"
    done
done
TOTAL=$i
(cd "$WORK/in" && find . -name '*.png' | sed 's|^\./||' | sort) > "$WORK/all"
# The same inputs in reverse order, as another machine might list them.
(cd "$WORK/in" && find . -name '*.png' | sort -r) | sed "s|^\.|$WORK/in|" > "$WORK/reversed"

for n in 1 2 3 4 5; do
    k=1
    rm -rf "$WORK/res"
    : > "$WORK/outputs"
    while [ $k -le $n ]; do
        if [ $((k % 2)) -eq 0 ]; then   # alternate the ways of listing
            expect_rc 0 "$ZP" batch --shard $k/$n --base "$WORK/in" -o "$WORK/res/$k" \
                --list "$WORK/reversed"
        else
            expect_rc 0 "$ZP" batch --shard $k/$n -o "$WORK/res/$k" -- "$WORK/in"
        fi
        [ $n -gt 1 ] && expect_err "shard $k/$n: "
        (cd "$WORK/res/$k" 2>/dev/null && find . -name '*.png' | sed 's|^\./||') >> "$WORK/outputs"
        k=$((k + 1))
    done
    sort "$WORK/outputs" > "$WORK/union"
    if ! cmp -s "$WORK/union" "$WORK/all"; then
        fail "N=$n: the shards' outputs are not every input exactly once"
        diff "$WORK/all" "$WORK/union" | head -5 >&2
    fi
    # No shard is empty or holds everything (for N > 1, with 24 inputs).
    if [ $n -gt 1 ]; then
        for k in $(seq 1 $n); do
            c=$(find "$WORK/res/$k" -name '*.png' 2>/dev/null | wc -l)
            [ "$c" -gt 0 ] && [ "$c" -lt $TOTAL ] || fail "N=$n: shard $k has $c of $TOTAL"
        done
    fi
done

# --shard auto: the part from the scheduler's variables.
rm -rf "$WORK/res"
expect_rc 0 "$ZP" batch --shard 3/4 -o "$WORK/res/ref" -- "$WORK/in"
expect_rc 0 env SLURM_ARRAY_TASK_ID=12 SLURM_ARRAY_TASK_MIN=10 SLURM_ARRAY_TASK_STEP=1 \
    SLURM_ARRAY_TASK_COUNT=4 "$ZP" batch --shard auto -o "$WORK/res/slurm" -- "$WORK/in"
expect_err "shard 3/4"
expect_rc 0 env JOB_COMPLETION_INDEX=2 "$ZP" batch --shard auto --shard-count 4 \
    -o "$WORK/res/k8s" -- "$WORK/in"
expect_err "shard 3/4"
tree() { (cd "$1" && find . -type f | sort | tr '\n' ' '); }
[ -n "$(tree "$WORK/res/ref")" ] || fail "shard 3/4 is empty"
[ "$(tree "$WORK/res/ref")" = "$(tree "$WORK/res/slurm")" ] || fail "Slurm shard differs"
[ "$(tree "$WORK/res/ref")" = "$(tree "$WORK/res/k8s")" ] || fail "Kubernetes shard differs"
expect_rc 2 env JOB_COMPLETION_INDEX=2 "$ZP" batch --shard auto -o "$WORK/res/x" -- "$WORK/in"
expect_err "shard count is unknown"
expect_rc 2 env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX "$ZP" batch --shard auto \
    -o "$WORK/res/x" -- "$WORK/in"
expect_err "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX"
expect_rc 2 env JOB_COMPLETION_INDEX=7 ZEROPIX_SHARD_COUNT=4 "$ZP" batch --shard auto \
    -o "$WORK/res/x" -- "$WORK/in"
expect_err "outside 1..4"

finish
