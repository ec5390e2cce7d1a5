#!/usr/bin/env bash
# check_plugin.sh: the plugin author's path, end to end. Installs the build
# into a temporary prefix; builds samples/plugin out of tree against it
# twice (the CMake package, then pkg-config through the sample's Makefile)
# and runs the sample's own tests; installs it into the prefix's plugin
# folder; then, with the INSTALLED zeropix tool, loads it through
# ZEROPIX_PLUGIN_PATH and --plugin, lists it, runs it in conversions (the
# result checked against the input, identical bytes for any thread count,
# a crop treated as an isolated image), and checks that broken plugins in
# the same folder are reported by path and reason while the run succeeds.
# Finally, every C and CMake snippet of docs/plugin-guide.md must be a
# verbatim excerpt of samples/plugin (which is built here), so the guide's
# code compiles. Usage: check_plugin.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
image=$src/samples/gradient.png
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "-- $*"; }

step "install into a temporary prefix"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
zeropix=$prefix/bin/zeropix
pcfile=$(ls "$prefix"/lib*/pkgconfig/zeropix.pc)
export PKG_CONFIG_PATH=${pcfile%/*}
major=$(sed -n 's/^#define ZP_PLUGIN_ABI_MAJOR \([0-9]*\).*/\1/p' "$prefix/include/zeropix/plugin.h")
plugindir=$(pkg-config --variable=plugindir zeropix)
[[ -d $plugindir ]] && plugindir=$(cd "$plugindir" && pwd -P) # canonical, as zeropix reports it
[[ $plugindir == */zeropix/plugins-$major ]] || fail "pkg-config plugindir '$plugindir' is not .../zeropix/plugins-$major"
[[ -d $plugindir ]] || fail "the install has no (empty) plugin folder $plugindir"
[[ -z $(ls -A "$plugindir") ]] || fail "the installed plugin folder is not empty"

step "CMake package: configure, build, run the sample's tests, install"
cmake -S "$src/samples/plugin" -B "$work/cm" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$work/cm.log" 2>&1 || { cat "$work/cm.log"; fail "configure"; }
cmake --build "$work/cm" >"$work/cm.log" 2>&1 || { cat "$work/cm.log"; fail "build"; }
ctest --test-dir "$work/cm" --output-on-failure >"$work/ctest.log" 2>&1 ||
  { cat "$work/ctest.log"; fail "the sample plugin's own tests"; }
grep -E "tests passed" "$work/ctest.log"
cmake --install "$work/cm" >/dev/null
[[ -f $plugindir/vignette.so ]] || fail "cmake --install did not put vignette.so into $plugindir"
if command -v nm >/dev/null; then
  exported=$(nm -D --defined-only "$plugindir/vignette.so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' |
             grep -v -E '^(_init|_fini|_edata|_end|__bss_start)$' || true)
  [[ $exported == zeropix_plugin_entry ]] || fail "vignette.so exports more than its entry: $exported"
fi

step "pkg-config: the sample's Makefile, out of tree"
mkdir "$work/pc"
make -s -C "$work/pc" -f "$src/samples/plugin/Makefile" >/dev/null
make -s -C "$work/pc" -f "$src/samples/plugin/Makefile" install DESTDIR="$work/stage" >/dev/null
[[ -f $work/stage$plugindir/vignette.so ]] || fail "make install did not use pkg-config's plugindir"

run() { "$zeropix" "$@"; }

step "the installed zeropix finds its own plugin folder, with no environment"
[[ $(ZEROPIX_PLUGIN_PATH= run ops --help) == *"$plugindir"* ]] ||
  fail "zeropix ops --help does not name $plugindir as the plugin folder"
ZEROPIX_PLUGIN_PATH= run ops >"$work/ops0.txt" 2>"$work/ops0.err"
grep -qE "^vignette .*\[$plugindir/vignette.so\]" "$work/ops0.txt" ||
  { cat "$work/ops0.txt" "$work/ops0.err"; fail "a plugin dropped into $plugindir is not found"; }

# From here on also through ZEROPIX_PLUGIN_PATH (the same folder: loaded once).
export ZEROPIX_PLUGIN_PATH=$plugindir

step "zeropix ops lists the plugin's filters, from the plugin folder"
run ops >"$work/ops.txt" 2>"$work/ops.err"
for f in vignette posterize despeckle; do
  line=$(grep -E "^$f " "$work/ops.txt") || { cat "$work/ops.err"; fail "zeropix ops does not list $f"; }
  if [[ $line != *"[$plugindir/vignette.so]"* ]]; then
    [[ $line == *"["*"]"* ]] &&
      { echo "a '$f' filter is installed elsewhere on this machine ($line): skipped"; exit 77; }
    fail "zeropix ops: $f does not come from $plugindir/vignette.so: $line"
  fi
done
[[ ! -s $work/ops.err ]] || { cat "$work/ops.err"; fail "warnings while loading a good plugin"; }
run ops vignette >"$work/ops-vignette.txt"
for want in "strength     number, 0..1, default 0.5" "radius       number, 0.1..2, default 1" \
            "softness" "shape        choice, circle|ellipse, default circle" "kind: pixel, from $plugindir/vignette.so"; do
  grep -qF -- "$want" "$work/ops-vignette.txt" || { cat "$work/ops-vignette.txt"; fail "zeropix ops vignette lacks '$want'"; }
done
ZEROPIX_PLUGIN_PATH= run ops --plugin "$work/pc/vignette.so" posterize | grep -qF "levels       integer, 2..256, default 4" ||
  fail "zeropix ops --plugin FILE posterize does not show its parameter"

step "zeropix convert with vignette: corners darker, centre unchanged, alpha kept"
run convert "$image" "$work/v.png" vignette:strength=0.8
run convert "$work/v.png" "$work/v.ppm"
run convert "$image" "$work/in.ppm"
read -r w h < <(run info "$work/in.ppm" | sed -n 's/.* \([0-9]*\)x\([0-9]*\) .*/\1 \2/p')
header=$(printf 'P6\n%d %d\n255\n' "$w" "$h" | wc -c)
rgb() { od -An -tu1 -j $((header + ($3 * w + $2) * 3)) -N3 "$1"; }
for xy in "0 0" "$((w - 1)) 0" "0 $((h - 1))" "$((w - 1)) $((h - 1))"; do
  read -r -a a < <(rgb "$work/in.ppm" $xy)
  read -r -a b < <(rgb "$work/v.ppm" $xy)
  for c in 0 1 2; do # at a corner the gain is 1 - 0.8 (to within 0.001)
    (( b[c] * 5 <= a[c] + 5 && b[c] * 5 >= a[c] - 5 )) ||
      fail "corner ($xy) channel $c: ${b[c]} from ${a[c]}, expected about a fifth"
  done
  (( a[0] + a[1] + a[2] == 0 || b[0] + b[1] + b[2] < a[0] + a[1] + a[2] )) ||
    fail "corner ($xy) is not darker"
done
[[ $(rgb "$work/v.ppm" $((w / 2)) $((h / 2))) == "$(rgb "$work/in.ppm" $((w / 2)) $((h / 2)))" ]] ||
  fail "the centre pixel changed"
run convert "$image" "$work/alpha-in.pgm" extract:channels=3
run convert "$work/v.png" "$work/alpha-out.pgm" extract:channels=3
cmp -s "$work/alpha-in.pgm" "$work/alpha-out.pgm" || fail "vignette changed the alpha channel"

step "identical bytes for --threads 1 and 2; the CMake and pkg-config builds agree"
chain=(despeckle:radius=2 vignette:strength=0.8,shape=ellipse posterize:levels=6)
run convert --threads 1 "$image" "$work/t1.png" "${chain[@]}"
run convert --threads 2 "$image" "$work/t2.png" "${chain[@]}"
cmp "$work/t1.png" "$work/t2.png" || fail "--threads 1 and --threads 2 differ"
run convert --threads 2 "$image" "$work/v2.png" vignette:strength=0.8
cmp "$work/v.png" "$work/v2.png" || fail "vignette: --threads 2 differs from the default"
ZEROPIX_PLUGIN_PATH= run convert --plugin "$work/pc/vignette.so" "$image" "$work/pc.png" "${chain[@]}"
cmp "$work/t1.png" "$work/pc.png" || fail "the pkg-config build gives other bytes than the CMake build"

step "a crop is an isolated image: despeckle of a crop view = despeckle of the cropped file"
run convert "$image" "$work/c.png" crop:x=31,y=17,w=150,h=121 despeckle:radius=2
run convert "$image" "$work/c0.png" crop:x=31,y=17,w=150,h=121
run convert "$work/c0.png" "$work/c1.png" despeckle:radius=2
cmp "$work/c.png" "$work/c1.png" || fail "despeckle read pixels outside the crop"

step "broken plugins beside a good one: warnings with path and reason, the run succeeds"
bad=$work/plugins
mkdir "$bad"
cp "$plugindir/vignette.so" "$bad/vignette.so"
cp "$plugindir/vignette.so" "$bad/vignette_copy.so"
printf 'this is a text file, not a shared library\n' >"$bad/bad.so"
printf 'int not_a_plugin(void);\nint not_a_plugin(void) { return 1; }\n' >"$work/noentry.c"
cc -shared -fPIC -o "$bad/noentry.so" "$work/noentry.c"
cat >"$work/wrongabi.c" <<'C'
#include <zeropix/plugin.h>
static const zp_plugin plugin = {ZP_PLUGIN_ABI_MAJOR + 1, 0, sizeof(zp_plugin), "future", "9", 0, 0};
ZP_PLUGIN_ENTRY { (void)host; return &plugin; }
C
cc -std=c11 -shared -fPIC $(pkg-config --cflags zeropix) -o "$bad/wrongabi.so" "$work/wrongabi.c"
ZEROPIX_PLUGIN_PATH=$bad run convert "$image" "$work/b.png" vignette:strength=0.8 2>"$work/b.err" ||
  { cat "$work/b.err"; fail "the conversion failed beside broken plugins"; }
cmp "$work/v.png" "$work/b.png" || fail "the result differs beside broken plugins"
expect_warning() {
  grep -F -- "$1" "$work/b.err" | grep -qF -- "$2" ||
    { cat "$work/b.err"; fail "no warning naming $1 with '$2'"; }
}
expect_warning "$bad/bad.so: " "not loaded: "
expect_warning "$bad/noentry.so: " "not a zeropix plugin (no zeropix_plugin_entry symbol)"
expect_warning "$bad/wrongabi.so: " "built for plugin ABI $((major + 1)).0"
# The install's own folder is searched first, so both copies in $bad clash
# with the installed vignette.so (3 filters each).
expect_warning "$bad/vignette.so: " "filter 'vignette' skipped: the name is taken by $plugindir/vignette.so"
expect_warning "$bad/vignette_copy.so: " "filter 'vignette' skipped: the name is taken by $plugindir/vignette.so"
[[ $(grep -cF "zeropix: warning: $bad/" "$work/b.err") == 9 ]] ||
  { cat "$work/b.err"; fail "expected 9 warnings (bad, noentry, wrongabi, 3 duplicates in each copy)"; }
ZEROPIX_PLUGIN_PATH=$bad run ops >/dev/null 2>&1 || fail "zeropix ops failed beside broken plugins"

step "every C and CMake snippet of docs/plugin-guide.md is an excerpt of samples/plugin"
if command -v python3 >/dev/null; then
  python3 - "$src/docs/plugin-guide.md" "$src/samples/plugin" <<'PY'
import glob, re, sys
guide, sample = sys.argv[1], sys.argv[2]
text = open(guide).read()
sources = {"c": "".join(open(f).read() for f in sorted(glob.glob(sample + "/*.[ch]"))),
           "cmake": open(sample + "/CMakeLists.txt").read()}
count, bad = 0, 0
for lang, code in sources.items():
    for block in re.findall(r"```%s\n(.*?)```" % lang, text, re.S):
        count += 1
        if block not in code:
            bad += 1
            print("a %s snippet is not in samples/plugin:\n%s" % (lang, block), file=sys.stderr)
print("%d snippets, all excerpts of samples/plugin" % count if not bad else "%d of %d snippets differ" % (bad, count))
sys.exit(1 if bad or count < 10 else 0)
PY
else
  echo "python3 not found: snippet check skipped"
fi
echo "plugin: built with the CMake package and pkg-config, installed, loaded and run"
