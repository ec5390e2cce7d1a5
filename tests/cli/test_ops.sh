# test_ops.sh: operations on the command line, end to end: the syntax
# (named, positional, lists of numbers, chains), the geometry they give, the
# exact usage errors (exit 2, parsed before the input is read) and plan-time
# errors (exit 1, naming the input), no output left behind by a failure,
# identical bytes for any --threads, `zeropix ops`, a missing --plugin, and
# view-only chains checked pixel by pixel against a naive reference.
. "$(dirname "$0")/lib.sh"
need_python
G="$SAMPLES/gradient.png"   # 256x192 RGBA
P="$SAMPLES/photo.jpg"      # 480x640 upright (EXIF orientation 6 applied)
G16="$SAMPLES/gray16.png"   # 512x128 gray 16-bit
OUTDIR="$WORK/o"    # conversions that may fail write here: it must stay empty
KEEPDIR="$WORK/k"   # an existing output that failures must not touch
mkdir "$OUTDIR" "$KEEPDIR" || exit 1
OUT="$OUTDIR/o.png"
# Plugins from the environment or the install would change `zeropix ops`.
unset ZEROPIX_PLUGIN_PATH

# expect_size FILE W H: `zeropix info --json FILE` says W x H.
expect_size() {
    _w=$(json "$1" width 2>/dev/null)
    _h=$(json "$1" height 2>/dev/null)
    [ "$_w x $_h" = "$2 x $3" ] || fail "$CMDLINE: size '$_w x $_h', expected '$2 x $3'"
}

# convert_size W H ARGS...: `zeropix convert ARGS...` succeeds, and $OUT
# (the OUTPUT in ARGS) has size W x H.
convert_size() {
    _cw=$1 _ch=$2
    shift 2
    rm -f "$OUT"
    expect_rc 0 "$ZP" convert "$@"
    if [ -f "$OUT" ]; then expect_size "$OUT" "$_cw" "$_ch"; else fail "no $OUT from: $CMDLINE"; fi
}

# usage_error MESSAGE OP...: converting the photo with these operations is
# a usage error (exit 2) whose stderr has the exact line
# "zeropix convert: MESSAGE", and writes nothing. A MESSAGE ending in "..."
# is the start of the line (the rest is a filter's help text).
usage_error() {
    _msg=$1
    shift
    rm -f "$OUT"
    expect_rc 2 "$ZP" convert "$P" "$OUT" "$@"
    case $_msg in
        *...) _found=$(awk -v p="zeropix convert: ${_msg%...}" 'index($0, p) == 1 { print "y" }' "$WORK/err") ;;
        *) _found=$(grep -F -x -e "zeropix convert: $_msg" "$WORK/err") ;;
    esac
    if [ -z "$_found" ]; then
        fail "stderr lacks the line 'zeropix convert: $_msg': $CMDLINE"
        show_err
    fi
    expect_err "Try 'zeropix convert --help'."
    [ -e "$OUT" ] && fail "a usage error wrote $OUT: $CMDLINE"
    no_leftovers
}

# no_leftovers: after a failure the output folder is empty (no output, no
# temporary file).
no_leftovers() {
    _left=$(files_in "$OUTDIR")
    [ -z "$_left" ] || fail "left in the output folder after '$CMDLINE': $_left"
}

# ---- geometry: named, positional, chains ------------------------------------
convert_size 200 100 "$P" "$OUT" crop:x=10,y=20,w=200,h=100
convert_size 200 100 "$P" "$OUT" crop:10,20,200,100            # positional
convert_size 470 620 "$P" "$OUT" crop:x=10,y=20                # w=h=0: to the edges
convert_size 200 100 "$P" "$OUT" crop:w=200,h=100              # x=y=0 by default
convert_size 640 480 "$P" "$OUT" rotate:90
convert_size 640 480 "$P" "$OUT" rotate:angle=270
convert_size 640 480 "$P" "$OUT" rotate:-90
convert_size 480 640 "$P" "$OUT" rotate:180
convert_size 640 480 "$P" "$OUT" rotate                        # default 90
convert_size 640 480 "$P" "$OUT" transpose
convert_size 480 640 "$P" "$OUT" flip:y
convert_size 64 85 "$P" "$OUT" resize:64                       # width, height from ratio
convert_size 48 64 "$P" "$OUT" resize:height=64
convert_size 240 320 "$P" "$OUT" resize:scale=0.5
convert_size 100 50 "$P" "$OUT" resize:100,50,kernel=nearest   # positional then named
convert_size 180 240 "$P" "$OUT" thumbnail:width=240,height=240
convert_size 180 240 "$P" "$OUT" thumbnail:240,240
convert_size 480 640 "$P" "$OUT" thumbnail:1000,1000           # never enlarges by default
convert_size 750 1000 "$P" "$OUT" thumbnail:1000,1000,upscale=yes
convert_size 750 1000 "$P" "$OUT" thumbnail:1000,1000,upscale=on
# chains: crop 200x100 -> rotate 100x200 -> resize width 64 -> 64x128
convert_size 64 128 "$P" "$OUT" crop:x=10,y=20,w=200,h=100 rotate:90 resize:64
convert_size 32 24 "$P" "$OUT" rotate:90 flip:x crop:0,0,320,240 blur:sigma=2 resize:width=32 sharpen grayscale levels:gamma=1.2 invert
[ "$(json "$OUT" channels)" = 1 ] || fail "grayscale in a chain: $(json "$OUT" channels) channels, expected 1"
# channel picks change the channel count
rm -f "$OUT"
expect_rc 0 "$ZP" convert "$G" "$OUT" extract:channels=3
[ "$(json "$OUT" channels)" = 1 ] || fail "extract:channels=3 of RGBA: expected 1 channel"
expect_rc 0 "$ZP" convert "$G" "$OUT" drop_alpha
[ "$(json "$OUT" channels)" = 3 ] || fail "drop_alpha of RGBA: expected 3 channels"
expect_rc 0 "$ZP" convert "$G" "$OUT" grayscale
[ "$(json "$OUT" channels)" = 2 ] || fail "grayscale of RGBA: expected gray + alpha (2 channels)"
# 16-bit stays 16-bit through pixel filters
expect_rc 0 "$ZP" convert "$G16" "$OUT" blur:sigma=1.5 levels:contrast=1.2
[ "$(json "$OUT" bit_depth)" = 16 ] || fail "16-bit input through blur/levels: not 16-bit"

# ---- lists of numbers: the identity kernel changes nothing --------------------
expect_rc 0 "$ZP" convert "$P" "$WORK/id0.ppm"
expect_rc 0 "$ZP" convert "$P" "$WORK/id1.ppm" "convolve:kernel=0;0;0;0;1;0;0;0;0"
cmp -s "$WORK/id0.ppm" "$WORK/id1.ppm" || fail "convolve with the 3x3 identity kernel changed pixels"
expect_rc 0 "$ZP" convert "$P" "$WORK/id2.ppm" "convolve:kernel=0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0,scale=1"
cmp -s "$WORK/id0.ppm" "$WORK/id2.ppm" || fail "convolve with the 5x5 identity kernel (space-separated) changed pixels"
expect_rc 0 "$ZP" convert "$G16" "$WORK/id3.pgm"
expect_rc 0 "$ZP" convert "$G16" "$WORK/id4.pgm" "convolve:0;0;0;0;1;0;0;0;0"
cmp -s "$WORK/id3.pgm" "$WORK/id4.pgm" || fail "16-bit: convolve with the identity kernel (positional) changed pixels"
# a non-identity kernel does change them (the check above can fail)
expect_rc 0 "$ZP" convert "$P" "$WORK/id5.ppm" "convolve:kernel=1;2;1;2;4;2;1;2;1,scale=0.0625"
cmp -s "$WORK/id0.ppm" "$WORK/id5.ppm" && fail "a 3x3 blur kernel left the pixels as they were"
# other neutral settings are neutral too
for op in levels "levels:brightness=0,contrast=1,gamma=1" sharpen:amount=0 "extract:0;1;2" drop_alpha "rotate:180 rotate:180" "flip:x flip:x" "transpose transpose"; do
    rm -f "$WORK/id6.ppm"
    # shellcheck disable=SC2086 # one string may hold several operations
    expect_rc 0 "$ZP" convert "$P" "$WORK/id6.ppm" $op
    cmp -s "$WORK/id0.ppm" "$WORK/id6.ppm" || fail "'$op' should leave the pixels as they are"
done

# ---- usage errors: exit 2, exact message, nothing written ---------------------
usage_error "operation 1 'blurr': unknown filter (did you mean 'blur'?)" blurr
usage_error "operation 2 'blurr': unknown filter (did you mean 'blur'?)" resize:64 blurr:sigma=2
usage_error "operation 1 'sharpn': unknown filter (did you mean 'sharpen'?)" sharpn
usage_error "operation 1 'thumbnale': unknown filter (did you mean 'thumbnail'?)" thumbnale
usage_error "operation 1 'sepia': unknown filter ('zeropix ops' lists them)" sepia
usage_error "operation 1 'blur': unknown parameter 'sigm' (did you mean 'sigma'?)" blur:sigm=2
usage_error "operation 3 'resize': unknown parameter 'widht' (did you mean 'width'?)" rotate:90 flip resize:widht=64
usage_error "operation 1 'blur': unknown parameter 'radius' (parameters: sigma)" blur:radius=2
usage_error "operation 1 'blur': sigma must be 0.1..1000, got 0" blur:sigma=0
usage_error "operation 1 'blur': sigma must be 0.1..1000, got 1001" blur:1001
usage_error "operation 1 'levels': gamma must be 0.1..10, got 11" levels:gamma=11
usage_error "operation 1 'crop': x must be 0..2147483647, got -1" crop:x=-1
usage_error "operation 1 'box_blur': radius must be 1..2000, got 0" box_blur:radius=0
usage_error "operation 1 'blur': sigma must be a finite number, got 'abc'" blur:sigma=abc
usage_error "operation 1 'blur': sigma must be a finite number, got '2px'" blur:sigma=2px
usage_error "operation 1 'blur': sigma must be a finite number, got ''" blur:sigma=
usage_error "operation 1 'box_blur': radius must be a whole number, got '1.5'" box_blur:radius=1.5
usage_error "operation 1 'crop': w must be a whole number, got 'ten'" crop:w=ten
usage_error "operation 1 'blur': sigma must be a finite number, got 'nan'" blur:sigma=nan
usage_error "operation 1 'blur': sigma must be a finite number, got 'NaN'" blur:sigma=NaN
usage_error "operation 1 'blur': sigma must be a finite number, got 'inf'" blur:sigma=inf
usage_error "operation 1 'blur': sigma must be a finite number, got '-inf'" blur:sigma=-inf
usage_error "operation 1 'blur': sigma must be a finite number, got 'infinity'" blur:sigma=infinity
usage_error "operation 1 'blur': sigma must be a finite number, got '1e999'" blur:sigma=1e999
usage_error "operation 1 'crop': x must be a whole number, got 'nan'" crop:x=nan
usage_error "operation 1 'convolve': kernel: 'nan' is not a finite number" "convolve:kernel=0;0;0;0;nan;0;0;0;0"
usage_error "operation 1 'convolve': kernel: 'inf' is not a finite number" "convolve:kernel=0;0;0;0;inf;0;0;0;0"
usage_error "operation 1 'convolve': kernel: 'x' is not a finite number" "convolve:kernel=1;2;x;1;1;1;1;1;1"
usage_error "operation 1 'convolve': kernel needs 9..225 numbers, got 3" "convolve:kernel=1;2;3"
usage_error "operation 1 'flip': axis must be one of x|y|both, got 'z'" flip:axis=z
usage_error "operation 1 'resize': kernel must be one of nearest|bilinear|bicubic|lanczos3, got 'lanczos'" resize:64,kernel=lanczos
usage_error "operation 1 'thumbnail': upscale must be true or false (1/0, yes/no, on/off), got 'maybe'" thumbnail:64,64,upscale=maybe
usage_error "operation 1 'extract': channels is required (..." extract
usage_error "operation 2 'convolve': kernel is required (..." blur convolve:scale=2
usage_error "operation 1 'blur': sigma is given twice" blur:sigma=1,sigma=2
usage_error "operation 1 'blur': sigma is given twice" blur:2,sigma=2
usage_error "operation 1 'crop': x is given twice" crop:10,x=5
usage_error "operation 1 'rotate': too many values: '180' has no parameter to go to" rotate:90,180
usage_error "operation 1 'transpose': too many values: '1' has no parameter to go to" transpose:1
usage_error "operation 1 ':': not NAME or NAME:PARAM=VALUE,..." :
usage_error "operation 1 ':blur': not NAME or NAME:PARAM=VALUE,..." :blur
# the chain is checked before the input is read: a missing input does not matter
rm -f "$OUT"
expect_rc 2 "$ZP" convert "$WORK/does-not-exist.png" "$OUT" blurr
expect_err "operation 1 'blurr': unknown filter (did you mean 'blur'?)"
# an existing output is left alone by a usage error
cp "$G" "$KEEPDIR/keep.png"
expect_rc 2 "$ZP" convert "$P" "$KEEPDIR/keep.png" blur:sigma=0
cmp -s "$G" "$KEEPDIR/keep.png" || fail "a usage error changed an existing output"
[ "$(files_in "$KEEPDIR")" = keep.png ] || fail "a usage error left files: $(files_in "$KEEPDIR")"

# ---- plan-time errors: exit 1, naming the input, the operation, the parameter --
plan_error() {
    _msg=$1
    shift
    rm -f "$OUT"
    expect_rc 1 "$ZP" convert "$P" "$OUT" "$@"
    if ! grep -F -x -q -e "zeropix: $P: $_msg" "$WORK/err"; then
        fail "stderr lacks the line 'zeropix: $P: $_msg': $CMDLINE"
        show_err
    fi
    [ -e "$OUT" ] && fail "a failed conversion wrote $OUT: $CMDLINE"
    no_leftovers
}
plan_error "operation 1 'crop': x + w = 600 is past the image width 480 (w may be at most 80, or 0 for up to the edge)" crop:x=400,y=0,w=200,h=10
plan_error "operation 1 'crop': x = 480 is past the image width 480 (x must be 0..479)" crop:x=480
# after rotate:90 the photo is 640 x 480: the crop is checked against that
plan_error "operation 2 'crop': x + w = 700 is past the image width 640 (w may be at most 640, or 0 for up to the edge)" rotate:90 crop:x=0,y=0,w=700,h=10
expect_rc 0 "$ZP" convert "$P" "$OUT" rotate:90 crop:x=0,y=0,w=640,h=10
# the message names the operation, the filter and the parameter in any case
rm -f "$OUT"
expect_rc 1 "$ZP" convert "$P" "$OUT" resize:100 crop:x=0,y=200,w=10,h=10
expect_err "zeropix: $P: operation 2 'crop': "
grep -q -E "operation 2 'crop': .*\\by\\b" "$WORK/err" || { fail "crop y outside: message does not name y"; show_err; }
[ -e "$OUT" ] && fail "a failed conversion wrote $OUT"
plan_error "operation 1 'rotate': angle = 45: must be 90, 180, 270 or -90 (degrees clockwise)" rotate:45
# an existing output is left alone by a plan-time failure
cp "$G" "$KEEPDIR/keep.png"
expect_rc 1 "$ZP" convert "$P" "$KEEPDIR/keep.png" blur crop:x=5000
cmp -s "$G" "$KEEPDIR/keep.png" || fail "a failed conversion changed an existing output"
[ "$(files_in "$KEEPDIR")" = keep.png ] || fail "a failed conversion left files: $(files_in "$KEEPDIR")"

# ---- determinism: any --threads gives the same bytes ---------------------------
CHAIN="crop:x=7,y=11,w=397,h=533 blur:sigma=1.7 sharpen:sigma=1.2,amount=1.5,threshold=0.02 resize:width=211,kernel=lanczos3"
for n in 1 2 5; do
    # shellcheck disable=SC2086
    expect_rc 0 "$ZP" convert --threads $n "$P" "$WORK/t$n.ppm" $CHAIN
done
cmp -s "$WORK/t1.ppm" "$WORK/t2.ppm" || fail "--threads 1 and --threads 2 differ: $CHAIN"
cmp -s "$WORK/t1.ppm" "$WORK/t5.ppm" || fail "--threads 1 and --threads 5 differ: $CHAIN"
# the default (one per core) too, and 16-bit with the other pixel filters
# shellcheck disable=SC2086
expect_rc 0 "$ZP" convert "$P" "$WORK/t0.ppm" $CHAIN
cmp -s "$WORK/t1.ppm" "$WORK/t0.ppm" || fail "default threads and --threads 1 differ: $CHAIN"
CHAIN16="box_blur:radius=3 convolve:kernel=-1;-1;-1;-1;8;-1;-1;-1;-1,offset=0.5 levels:0.05,1.3,0.9 resize:scale=1.37,kernel=bicubic thumbnail:300,77,kernel=bilinear"
for n in 1 3 7; do
    # shellcheck disable=SC2086
    expect_rc 0 "$ZP" convert --threads $n "$G16" "$WORK/t$n.pgm" $CHAIN16
done
cmp -s "$WORK/t1.pgm" "$WORK/t3.pgm" || fail "16-bit: --threads 1 and --threads 3 differ: $CHAIN16"
cmp -s "$WORK/t1.pgm" "$WORK/t7.pgm" || fail "16-bit: --threads 1 and --threads 7 differ: $CHAIN16"
usage_error_threads() {
    expect_rc 2 "$ZP" convert --threads "$1" "$P" "$OUT" blur
    expect_err "zeropix convert: --threads must be 1..64, got $1"
}
usage_error_threads 0
usage_error_threads 65

# ---- zeropix ops -----------------------------------------------------------------
BUILTINS="crop flip rotate transpose extract drop_alpha grayscale invert levels threshold blur box_blur sharpen convolve resize thumbnail"
VIEWS="crop flip rotate transpose extract drop_alpha"
expect_rc 0 "$ZP" ops
for f in $BUILTINS; do
    grep -q -E "^$f +[^ ].*" "$WORK/out" || fail "'zeropix ops' does not list $f with a summary"
done
expect_out "'zeropix ops NAME' shows a filter's parameters."
[ -s "$WORK/err" ] && { fail "'zeropix ops' wrote to stderr"; show_err; }
# the parameters of every built-in, in table order (scripts depend on them)
params_of() {
    case $1 in
        crop) echo "x y w h" ;;
        flip) echo "axis" ;;
        rotate) echo "angle" ;;
        extract) echo "channels" ;;
        levels) echo "brightness contrast gamma" ;;
        threshold) echo "value" ;;
        blur) echo "sigma" ;;
        box_blur) echo "radius" ;;
        sharpen) echo "sigma amount threshold" ;;
        convolve) echo "kernel scale offset" ;;
        resize) echo "width height scale kernel" ;;
        thumbnail) echo "width height kernel upscale" ;;
        *) echo "" ;;
    esac
}
for f in $BUILTINS; do
    expect_rc 0 "$ZP" ops "$f"
    grep -q -E "^$f: [^ ]" "$WORK/out" || fail "'zeropix ops $f': no '$f: summary' line"
    case " $VIEWS " in
        *" $f "*) expect_out "  kind: view (no pixel is copied)" ;;
        *) expect_out "  kind: pixel" ;;
    esac
    want=$(params_of "$f")
    if [ -z "$want" ]; then
        expect_out "  no parameters"
        continue
    fi
    # each parameter line: "    NAME  TYPE, RANGE, default X | required | no default"
    got=$(sed -n -E 's/^    ([a-z0-9_]+) +(integer|number|boolean|choice|numbers), [^ ].*, (default [^ ]+|required|no default)$/\1/p' "$WORK/out" | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] || { fail "'zeropix ops $f': parameters with type, range and default are '$got', expected '$want'"; sed 's/^/    stdout: /' "$WORK/out" >&2; }
done
# a few lines in full (they come from the parameter tables)
expect_rc 0 "$ZP" ops blur
grep -q -x -E '    sigma +number, 0\.1\.\.1000, default 1' "$WORK/out" || fail "ops blur: sigma line"
expect_rc 0 "$ZP" ops resize
grep -q -x -E '    kernel +choice, nearest\|bilinear\|bicubic\|lanczos3, default lanczos3' "$WORK/out" || fail "ops resize: kernel line"
expect_rc 0 "$ZP" ops convolve
grep -q -x -E '    kernel +numbers, 9\.\.225 numbers, required' "$WORK/out" || fail "ops convolve: kernel line"
expect_rc 0 "$ZP" ops thumbnail
grep -q -x -E '    upscale +boolean, true\|false, default false' "$WORK/out" || fail "ops thumbnail: upscale line"
expect_rc 0 "$ZP" ops crop
grep -q -x -E '    w +integer, 0\.\.2147483647, default 0' "$WORK/out" || fail "ops crop: w line"
expect_rc 2 "$ZP" ops blurr
expect_err "zeropix ops: no filter 'blurr' (did you mean 'blur'?)"
[ -s "$WORK/out" ] && fail "'zeropix ops blurr' printed to stdout"
expect_rc 2 "$ZP" ops sepia
expect_err "zeropix ops: no filter 'sepia' ('zeropix ops' lists them)"
expect_rc 2 "$ZP" ops blur crop
expect_err "expected at most one filter NAME"

# ---- a plugin that cannot be loaded: a warning, and the work goes on ------------
expect_rc 0 "$ZP" convert "$P" "$WORK/id7.ppm"
rm -f "$OUT"
expect_rc 0 "$ZP" convert --plugin /nonexistent.so "$P" "$WORK/v1.ppm" rotate:90
expect_err "zeropix: warning: /nonexistent.so"
[ -s "$WORK/v1.ppm" ] || fail "--plugin /nonexistent.so: no output"
expect_rc 0 "$ZP" convert "$P" "$WORK/v2.ppm" rotate:90
cmp -s "$WORK/v1.ppm" "$WORK/v2.ppm" || fail "--plugin /nonexistent.so changed the result"
expect_rc 0 "$ZP" convert --plugin /nonexistent.so "$P" "$WORK/v3.ppm"
expect_err "zeropix: warning: /nonexistent.so"
cmp -s "$WORK/id7.ppm" "$WORK/v3.ppm" || fail "--plugin /nonexistent.so without operations: different result"
printf 'not a shared library\n' >"$WORK/bogus.txt"
expect_rc 0 "$ZP" convert --plugin "$WORK/bogus.txt" "$P" "$WORK/v4.ppm" rotate:90
expect_err "zeropix: warning: $WORK/bogus.txt"
cmp -s "$WORK/v2.ppm" "$WORK/v4.ppm" || fail "--plugin (not a plugin) changed the result"
expect_rc 0 "$ZP" ops --plugin /nonexistent.so
expect_err "zeropix: warning: /nonexistent.so"
expect_out "thumbnail"

# ---- view-only chains are pixel-exact -------------------------------------------
# A 5x3 RGB image, every sample distinct: R = 40x + y + 1, G = 100 + 10y + x,
# B = 255 - 7(5y + x).
{
    printf 'P6\n5 3\n255\n'
    y=0
    while [ $y -lt 3 ]; do
        x=0
        while [ $x -lt 5 ]; do
            for v in $((40 * x + y + 1)) $((100 + 10 * y + x)) $((255 - 7 * (5 * y + x))); do
                # shellcheck disable=SC2059 # the format is the octal escape
                printf "\\$(printf %o "$v")"
            done
            x=$((x + 1))
        done
        y=$((y + 1))
    done
} >"$WORK/src.ppm"
[ "$(wc -c <"$WORK/src.ppm")" -eq $((11 + 45)) ] || fail "the generated PPM has $(wc -c <"$WORK/src.ppm") bytes"

# ref.py IN OUT OP...: OUT's pixels are IN's through the operations, applied
# naively to nested lists. Only the view filters and their parameters in use.
cat >"$WORK/ref.py" <<'EOF'
import sys

def read_pnm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    ch = {b"P5": 1, b"P6": 3}[magic]
    assert maxval == 255, maxval
    px = data[pos:]
    assert len(px) == w * h * ch, (len(px), w, h, ch)
    return [[tuple(px[(y * w + x) * ch:(y * w + x + 1) * ch]) for x in range(w)] for y in range(h)]

def params(op, names, defaults):
    name, _, rest = op.partition(":")
    vals, i = dict(defaults), 0
    for item in filter(None, rest.split(",")):
        if "=" in item:
            k, v = item.split("=", 1)
            i = names.index(k) + 1
        else:
            k, v, i = names[i], item, i + 1
        vals[k] = v
    return vals

def apply(img, op):
    name = op.split(":")[0]
    h, w = len(img), len(img[0])
    if name == "crop":
        p = params(op, ["x", "y", "w", "h"], {"x": "0", "y": "0", "w": "0", "h": "0"})
        x, y, cw, chh = (int(p[k]) for k in "xywh")
        cw, chh = cw or w - x, chh or h - y
        return [row[x:x + cw] for row in img[y:y + chh]]
    if name == "flip":
        a = params(op, ["axis"], {"axis": "x"})["axis"]
        if a in ("x", "both"):
            img = [row[::-1] for row in img]
        if a in ("y", "both"):
            img = img[::-1]
        return img
    if name == "transpose":
        return [[img[c][r] for c in range(h)] for r in range(w)]
    if name == "rotate":
        a = int(params(op, ["angle"], {"angle": "90"})["angle"]) % 360
        for _ in range(a // 90):  # clockwise: new[r][c] = old[H-1-c][r]
            h, w = len(img), len(img[0])
            img = [[img[h - 1 - c][r] for c in range(h)] for r in range(w)]
        return img
    if name == "extract":
        chans = [int(c) for c in params(op, ["channels"], {})["channels"].split(";")]
        return [[tuple(px[c] for c in chans) for px in row] for row in img]
    raise SystemExit("ref.py: no reference for " + op)

img = read_pnm(sys.argv[1])
for op in sys.argv[3:]:
    img = apply(img, op)
if len(img[0][0]) in (2, 4):  # PNM has no alpha: the writer drops it
    img = [[px[:-1] for px in row] for row in img]
got = read_pnm(sys.argv[2])
if got != img:
    print("expected %dx%d %r" % (len(img[0]), len(img), img))
    print("got      %dx%d %r" % (len(got[0]), len(got), got))
    sys.exit(1)
EOF

# view_exact OP...: converting src.ppm through OP... to PNM matches ref.py.
view_exact() {
    rm -f "$WORK/ref.pnm"
    expect_rc 0 "$ZP" convert "$WORK/src.ppm" "$WORK/ref.pnm" "$@"
    if [ -f "$WORK/ref.pnm" ]; then
        if ! python3 "$WORK/ref.py" "$WORK/src.ppm" "$WORK/ref.pnm" "$@" >"$WORK/out" 2>&1; then
            fail "view chain '$*' is not pixel-exact"
            sed 's/^/    /' "$WORK/out" >&2
        fi
    fi
}
view_exact                                   # no operation: the image itself
view_exact crop:x=1,y=1,w=3,h=2
view_exact crop:4,2,1,1
view_exact crop:x=2                          # to the right and bottom edges
view_exact rotate:90
view_exact rotate:180
view_exact rotate:270
view_exact rotate:-90
view_exact flip:x
view_exact flip:y
view_exact flip:both
view_exact transpose
view_exact crop:1,0,3,3 rotate:90 flip:y
view_exact rotate:90 crop:x=1,y=2,w=2,h=2 flip:x rotate:270
view_exact flip:both crop:0,1,4,2 transpose crop:1,0 rotate:180
view_exact "extract:2;1;0" rotate:90
view_exact crop:1,1 "extract:1"
view_exact "extract:channels=2;0"      # gray + alpha: PNM keeps the gray (the blue)
view_exact transpose "extract:channels=1;1;1" flip:y crop:0,1,3,3
# the same through a larger image: a crop of the photo, turned and mirrored
expect_rc 0 "$ZP" convert "$P" "$WORK/src.ppm"
view_exact crop:x=13,y=17,w=31,h=23 rotate:270 flip:x crop:2,3,19,25 transpose
view_exact rotate:90 rotate:90 rotate:90 crop:101,37,5,9 flip:both

finish
