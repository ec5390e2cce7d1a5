# test_info_json.sh: `info --json` prints one valid JSON object per file,
# with every key and the right types, error objects for failed files, and
# file names escaped whatever bytes they hold.
. "$(dirname "$0")/lib.sh"
need_python

# Odd but legal file names: quotes, backslash, tab, newline, a byte that is
# not UTF-8, and real UTF-8.
cp "$SAMPLES/gradient.png" "$WORK/q\"uote\\back	tab
newline.png"
cp "$SAMPLES/gradient.png" "$WORK/$(printf 'bad\377utf8.png')"
cp "$SAMPLES/gradient.png" "$WORK/$(printf 'caf\303\251.png')"
printf 'not an image' >"$WORK/bad.png"

cd "$WORK" || exit 1
run "$ZP" info --json "$SAMPLES/gradient.png" "$SAMPLES/photo.jpg" "$SAMPLES/gray16.png" \
    bad.png missing.png q*.png bad*utf8.png caf*.png
[ "$RC" -eq 1 ] || fail "info --json with failed files: exit $RC, expected 1"
expect_err "zeropix: bad.png: "
expect_err "zeropix: missing.png: "

python3 - "$WORK/out" "$SAMPLES" <<'PY' || fail "JSON checks failed (see above)"
import json, sys
lines = open(sys.argv[1], 'rb').read().decode('utf-8').split('\n')
assert lines[-1] == '', 'output must end with a newline'
objs = [json.loads(l) for l in lines[:-1]]          # each line parses alone
assert len(objs) == 8, f'{len(objs)} objects, expected 8'
keys = {'file': str, 'format': str, 'width': int, 'height': int, 'channels': int,
        'bit_depth': int, 'dtype': str, 'color': str, 'orientation': int,
        'orientation_applied': bool, 'interlaced': bool, 'icc_size': int,
        'exif_size': int}
s = sys.argv[2]
want = {
    s + '/gradient.png': dict(format='png', width=256, height=192, channels=4,
                              bit_depth=8, dtype='u8', color='rgba', orientation=1,
                              icc_size=0, exif_size=0),
    s + '/photo.jpg': dict(format='jpeg', width=480, height=640, channels=3,
                           bit_depth=8, dtype='u8', color='rgb', orientation=6,
                           orientation_applied=True, interlaced=False),
    s + '/gray16.png': dict(format='png', width=512, height=128, channels=1,
                            bit_depth=16, dtype='u16', color='gray'),
}
bad = 0
for o in objs:
    f = o.get('file')
    if 'error' in o:
        if set(o) != {'file', 'error'} or not o['error']:
            print('bad error object:', o); bad += 1
        continue
    for k, t in keys.items():
        if type(o.get(k)) is not t:
            print(f'{f!r}: key {k!r} missing or not {t.__name__}: {o.get(k)!r}'); bad += 1
    for k, v in want.get(f, {}).items():
        if o.get(k) != v:
            print(f'{f!r}: {k} = {o.get(k)!r}, expected {v!r}'); bad += 1
photo = objs[1]
if not (photo['icc_size'] > 0 and photo['exif_size'] > 0):
    print('photo.jpg: ICC and EXIF expected'); bad += 1
files = [o['file'] for o in objs]
expect_files = [s + '/gradient.png', s + '/photo.jpg', s + '/gray16.png', 'bad.png',
                'missing.png', 'q"uote\\back\ttab\nnewline.png', 'bad\ufffdutf8.png',
                'caf\u00e9.png']
if files != expect_files:
    print('file names / order:', files, 'expected', expect_files); bad += 1
if [('error' in o) for o in objs] != [False, False, False, True, True, False, False, False]:
    print('error objects for the wrong files'); bad += 1
sys.exit(1 if bad else 0)
PY

# one object per line holds for stdin too
run sh -c '"$1" info --json - <"$2"' sh "$ZP" "$SAMPLES/photo.jpg"
python3 -c 'import json,sys; o = json.loads(sys.stdin.read()); assert o["file"] == "<stdin>", o' \
    <"$WORK/out" || fail "info --json - gave $(cat "$WORK/out")"
finish
