# test_help.sh: every --help exits 0, teaches (usage, examples) and names
# every option; every option named in a help text is one the parser knows.
. "$(dirname "$0")/lib.sh"

# expect_help WHAT... -- TEXTS...: `zeropix WHAT...` exits 0 and prints TEXTS
expect_help() {
    _cmd=
    while [ "$1" != "--" ]; do _cmd="$_cmd $1"; shift; done
    shift
    # shellcheck disable=SC2086
    expect_rc 0 "$ZP" $_cmd
    [ -s "$WORK/err" ] && fail "help wrote to stderr: $CMDLINE"
    for _t in "$@"; do expect_out "$_t"; done
}

for h in --help -h help; do
    expect_help $h -- "Usage: zeropix" convert info version help "Examples:" \
        "Exit status:" "  0 " "  1 " "  2 " "--version"
done

CONVERT_OPTS="--format -f --quality -q --progressive --optimize --subsampling --compression
              --depth --no-orient --strip --max-pixels --no-limits --help -h"
for h in --help -h; do
    # shellcheck disable=SC2086
    expect_help convert $h -- "Usage: zeropix convert" "INPUT OUTPUT" "Examples:" \
        "default 90" "1..100" "444, 422 or 420" "0..9" "default: the fast" "8 or 16" \
        "268435456" $CONVERT_OPTS
done
expect_help help convert -- "Usage: zeropix convert"
cp "$WORK/out" "$WORK/help1"
"$ZP" convert --help >"$WORK/help2"
cmp -s "$WORK/help1" "$WORK/help2" || fail "'help convert' differs from 'convert --help'"

INFO_OPTS="--json --help -h"
# shellcheck disable=SC2086
expect_help info --help -- "Usage: zeropix info" "FILE..." "Examples:" $INFO_OPTS
expect_help version --help -- "Usage: zeropix version" "--help"
expect_help help --help -- "Usage: zeropix help"

# --help wins over errors on the same line (it is read first)
expect_rc 0 "$ZP" convert --help --quality 500

# Every long option that a help text names is accepted by its parser: no
# drift between documentation and code.
for cmd in convert info; do
    # option lines look like "  -q, --quality N" or "      --strip"
    "$ZP" $cmd --help | grep -E -- '^ +(-[a-zA-Z], )?--[a-z]' |
        sed -E 's/^ +(-[a-zA-Z], )?(--[a-z][a-z-]*).*/\2/' | sort -u | while read -r opt; do
        "$ZP" $cmd "$opt" >/dev/null 2>"$WORK/err"
        if grep -q "unknown option" "$WORK/err"; then
            echo "FAIL: zeropix $cmd --help names $opt, which the parser rejects" >&2
            echo x >>"$WORK/drift"
        fi
    done
done
[ -e "$WORK/drift" ] && fail "help texts name options the parsers reject"
finish
