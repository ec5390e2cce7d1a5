# lib.sh: what every CLI test script shares. Sourced by tests/cli/test_*.sh,
# which run as: sh test_NAME.sh ZEROPIX SAMPLES_DIR [MAKE_SAMPLES]
# Helpers keep their own variables _underscored, out of the scripts' way.
# A check that fails prints FAIL and the script goes on; finish() exits 1
# if any failed, so one run shows every problem.

set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 ZEROPIX SAMPLES_DIR [MAKE_SAMPLES]" >&2
    exit 2
fi
ZP=$1
SAMPLES=$2
MAKE_SAMPLES=${3:-}
if [ ! -x "$ZP" ]; then echo "not executable: $ZP" >&2; exit 1; fi
for s in gradient.png photo.jpg gray16.png; do
    if [ ! -f "$SAMPLES/$s" ]; then echo "missing sample: $SAMPLES/$s" >&2; exit 1; fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/zeropix-cli.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' HUP INT TERM
FAILS=0
CMDLINE=

fail() {
    echo "FAIL: $*" >&2
    FAILS=$((FAILS + 1))
}

# run CMD...: run it with stdout in $WORK/out and stderr in $WORK/err; the
# exit status is in $RC.
run() {
    CMDLINE="$*"
    "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    # In a sanitizer build an error exits 1, which some checks expect for
    # other reasons: look for the report itself.
    if grep -q -E 'Sanitizer|runtime error:' "$WORK/err"; then
        fail "sanitizer report from: $CMDLINE"
        show_err
    fi
}

show_err() { sed 's/^/    stderr: /' "$WORK/err" >&2; }

# expect_rc N CMD...: run CMD and check its exit status.
expect_rc() {
    _want=$1
    shift
    run "$@"
    if [ "$RC" -ne "$_want" ]; then
        fail "exit $RC, expected $_want: $CMDLINE"
        show_err
    fi
}

# expect_err TEXT: the last run's stderr contains TEXT (fixed string).
expect_err() {
    if ! grep -F -q -e "$1" "$WORK/err"; then
        fail "stderr lacks '$1': $CMDLINE"
        show_err
    fi
}

# expect_out TEXT: the last run's stdout contains TEXT.
expect_out() {
    if ! grep -F -q -e "$1" "$WORK/out"; then
        fail "stdout lacks '$1': $CMDLINE"
        sed 's/^/    stdout: /' "$WORK/out" >&2
    fi
}

# shape FILE: "FORMAT WxH Nch B-bit colour" from `zeropix info FILE`.
shape() {
    _line=$("$ZP" info "$1" 2>&1) || { echo "info failed: $_line"; return; }
    _line=${_line#"$1: "}
    echo "${_line%%,*}"
}

# expect_shape FILE "WxH Nch B-bit": the middle of shape's answer.
expect_shape() {
    _got=$(shape "$1")
    case "$_got" in
        *" $2 "*) ;;
        *) fail "$1: expected '$2', info says '$_got'" ;;
    esac
}

# json FILE KEY: one field of `zeropix info --json FILE` (python3 needed).
json() {
    "$ZP" info --json "$1" | python3 -c '
import json, sys
v = json.loads(sys.stdin.readline())[sys.argv[1]]
print(json.dumps(v) if isinstance(v, bool) else v)' "$2"
}

need_python() {
    if ! command -v python3 >/dev/null 2>&1; then
        echo "python3 not found: skipped"
        exit 77
    fi
}

# files_in DIR: the names in DIR, hidden ones included, one line, sorted.
files_in() { (cd "$1" && ls -A | sort | tr '\n' ' ' | sed 's/ $//'); }

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
