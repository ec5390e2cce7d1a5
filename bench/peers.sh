#!/usr/bin/env bash
# bench/peers.sh: zeropix against libvips, ImageMagick, GraphicsMagick,
# OpenCV and Pillow on six end-to-end pipelines, run from the shell as a
# user would, on a 20 MP and a 100 MP JPEG photo (bench/lib/photos.sh).
#
#   bench/peers.sh [-z ZEROPIX] [-r RUNS] [-s "20 100"] [-t TOOLS] [-p PIPELINES] [-o DIR] [-a] [-c]
#
#   -z  the zeropix binary (default build/release/src/zeropix)
#   -r  timed runs per tool and pipeline, after one warm-up (default 5)
#   -s  photo sizes in MP: 20, 100 or both (default "20 100")
#   -t  tools (default "zeropix vips magick gm opencv pillow"; a tool that
#       is not installed and cannot be installed is left out, said so)
#   -p  pipelines (default "P1 P2 P3 P4 P5 P6")
#   -o  where results go (default bench/.cache/peers): peers.csv, peers.txt
#       (the table) and peers.svg (gnuplot bar chart); -o docs/bench
#       refreshes the chart the README shows
#   -a  add to the results in -o: rows of the pipelines and sizes run now
#       replace theirs, the others are kept (the chart shows all)
#   -c  run nothing: redraw peers.svg from the peers.csv in -o (after
#       merging or editing results by hand)
#
# The pipelines (every tool is given the same work and output settings):
#   P1  JPEG to PNG, each tool's default PNG settings (stated below; the
#       sizes of the outputs are in the table)
#   P2  crop 100 px off each edge, JPEG
#   P3  Gaussian blur sigma 2, JPEG
#   P4  crop 100 px off each edge, resize to 90 %, sharpen with the 3x3
#       kernel (-1 -1 -1 / -1 16 -1 / -1 -1 -1) / 8, JPEG (the libvips
#       benchmark pipeline)
#   P5  thumbnail 256 px wide, JPEG
#   P6  100 photos of 1 to 2 MP (bench/batch_photos.sh), blur sigma 1.5, to
#       PNG (defaults again), 2 at a time
# JPEG output everywhere: quality 90, 4:2:0, baseline, standard Huffman
# tables (no optimisation). Tools that pick 4:4:4 at quality >= 90 by
# default (libvips, ImageMagick) are told 4:2:0.
#
# Tools and settings:
#   zeropix  zeropix convert -q 90 --subsampling 420 (its defaults: ISLOW
#            DCT, no optimisation); PNG defaults: compression -1, the fast
#            encoder (Paeth filter, Huffman codes with runs of equal bytes);
#            threads: one per core. P6: zeropix batch -j 2 -f png.
#   vips     libvips 8.x CLI, default threading. JPEG: [Q=90,subsample-mode=on,
#            optimize-coding=false]. PNG: pngsave defaults (zlib level 6, no
#            filter). P4: the CLI runs one operation per process, so three
#            vips commands joined by pipes (PPM between them); peak RSS is
#            the largest of the three. P5: vipsthumbnail -s 256x (shrink on
#            load). P6: vips gaussblur, 2 processes at a time (xargs -P 2).
#   magick   ImageMagick 6 convert, default threading (OpenMP). JPEG:
#            -quality 90 -sampling-factor 2x2 -define jpeg:optimize-coding=false.
#            PNG: defaults (quality 75: zlib level 7, adaptive filter). Blur:
#            -blur 0xS (separable Gaussian). P4: -resize 90% then -morphology
#            Convolve with -define convolve:scale=0.125. P5: -define
#            jpeg:size (DCT scaling on load) and -thumbnail 256x. P6: mogrify,
#            2 processes of 50 photos, -limit thread 1.
#   gm       GraphicsMagick convert, the same options as ImageMagick where
#            they exist (-convolve normalises the kernel: the sum is 8, so it
#            is the / 8 kernel); P5: -size (the JPEG size hint); P6: gm
#            mogrify, 2 processes, OMP_NUM_THREADS=1.
#   opencv   bench/peers.py with OpenCV (python3-opencv): see its header.
#   pillow   bench/peers.py with Pillow (python3-pil): see its header.
#
# Measured: wall time (date +%s%N around the command) and peak RSS (GNU time
# %M: the largest process) of each run; the medians of RUNS after one
# warm-up are reported; the tools take turns in every round so that drift
# hits them alike. Ratios are to libvips in the same run; the output size is
# that of the last run (the whole folder for P6). zeropix's P1 output is
# checked to hold exactly the pixels libjpeg-turbo decodes from the photo,
# and every zeropix PNG of P6 is read back by libpng (pngcheck).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zeropix=$here/../build/release/src/zeropix
runs=5
sizes="20 100"
tools="zeropix vips magick gm opencv pillow"
pipelines="P1 P2 P3 P4 P5 P6"
outdir=$here/.cache/peers
append=0
chart_only=0
while getopts z:r:s:t:p:o:ac opt; do
  case $opt in
    z) zeropix=$OPTARG ;;
    r) runs=$OPTARG ;;
    s) sizes=$OPTARG ;;
    t) tools=$OPTARG ;;
    p) pipelines=$OPTARG ;;
    o) outdir=$OPTARG ;;
    a) append=1 ;;
    c) chart_only=1 ;;
    *) sed -n '2,/^# The pipelines/p' "$0" | sed '$d' >&2; exit 2 ;;
  esac
done
cache=$here/.cache
work=$cache/peers-work
[ "$chart_only" = 1 ] && [ ! -d "$outdir" ] && { echo "no results to draw: $outdir is not a directory" >&2; exit 2; }
mkdir -p "$cache" "$work" "$outdir"
outdir=$(cd "$outdir" && pwd)
csv=$outdir/peers.csv
table=$outdir/peers.txt
need() { command -v "$1" >/dev/null 2>&1; }

# ---- The chart: wall time and peak RSS relative to libvips, from $csv ------
# Each panel's log axis starts a power of 2 below its smallest bar, so that
# every bar shows; the 0.6 goal is a dashed line named in the key.
draw_chart() {
  # every tool in the CSV, in order of appearance (with -a, earlier runs count)
  local tools_line ntools col when
  local -A lo=()
  tools_line=$(awk -F, 'NR > 1 && !($3 in t) { t[$3] = 1; printf "%s ", $3 }' "$csv")
  ntools=$(echo $tools_line | wc -w)
  # "DATE, N cores" of the newest run in the table (with -a it holds several)
  when=
  [ -f "$table" ] && when=$(sed -n 's/^zeropix peers benchmark, \([^,]*, [0-9]* cores\).*/\1/p' "$table" | tail -n 1)
  [ -n "$when" ] || when="$(date -u +%Y-%m-%d), $(nproc) cores"
  for col in 5 7; do
    awk -F, -v col=$col -v tools="$tools_line" 'NR > 1 {
        key = $1 == "batch" ? "P6" : $2 " " $1 "MP"; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
        v[key, $3] = ($col == "nan" ? "?" : $col) }
      END { nt = split(tools, t, " "); printf "pipeline"; for (i = 1; i <= nt; i++) printf " %s", t[i]; print ""
        for (k = 1; k <= n; k++) { printf "\"%s\"", order[k]; for (i = 1; i <= nt; i++) { x = v[order[k], t[i]]; printf " %s", x == "" ? "?" : x }; print "" } }' \
      "$csv" > "$work/chart-$col.dat"
    lo[$col]=$(awk -F, -v col=$col 'NR > 1 && $col != "nan" && $col + 0 > 0 && (m == "" || $col + 0 < m) { m = $col + 0 }
      END { l = 1; while (m != "" && l > m / 1.5) l /= 2; print l }' "$csv")
  done
  gnuplot <<EOF
set terminal svg size 1120,640 font "sans,12" background "white"
set output "$outdir/peers.svg"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 2
set grid ytics
set key outside right top
set multiplot layout 2,1 title "zeropix and peers, $when: ratio to libvips (lower is better; log scale)"
set ylabel "wall time / libvips"
set yrange [${lo[5]}:*]
set arrow 1 from graph 0, first 0.6 to graph 1, first 0.6 nohead dashtype 2 lw 1.5 lc rgb "red"
plot for [i=2:$((ntools + 1))] "$work/chart-5.dat" using i:xtic(1) title columnheader(i), \\
     NaN with lines dashtype 2 lw 1.5 lc rgb "red" title "0.6 (goal)"
unset arrow 1
set ylabel "peak RSS / libvips"
set yrange [${lo[7]}:*]
plot for [i=2:$((ntools + 1))] "$work/chart-7.dat" using i:xtic(1) title columnheader(i)
unset multiplot
EOF
  echo "chart: $outdir/peers.svg"
}

if [ "$chart_only" = 1 ]; then
  [ -s "$csv" ] || { echo "no results to draw: $csv is missing or empty (run without -c first)" >&2; exit 2; }
  need gnuplot || { echo "gnuplot is not installed (apt-get install gnuplot-nox)" >&2; exit 2; }
  draw_chart
  exit 0
fi

[ -x "$zeropix" ] || { echo "no zeropix binary at $zeropix (build the release preset first)" >&2; exit 2; }
zeropix=$(cd "$(dirname "$zeropix")" && pwd)/$(basename "$zeropix")
py=/usr/bin/python3

# ---- What is needed, installed when missing (Debian; needs root) ----------
missing=()
need vips || missing+=(libvips-tools)
need cjpeg || missing+=(libjpeg-turbo-progs)
need gnuplot || missing+=(gnuplot-nox)
need pngcheck || missing+=(pngcheck)
[ -x /usr/bin/time ] || missing+=(time)
for t in $tools; do
  case $t in
    magick) need convert || missing+=(imagemagick) ;;
    gm) need gm || missing+=(graphicsmagick) ;;
    opencv) $py -c 'import cv2' 2>/dev/null || missing+=(python3-opencv) ;;
    pillow) $py -c 'import PIL' 2>/dev/null || missing+=(python3-pil) ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (needs root)" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null ||
    echo "could not install everything: tools without their package are left out" >&2
fi
have_tool() {
  case $1 in
    zeropix) return 0 ;;
    vips) need vips ;;
    magick) need convert ;;
    gm) need gm ;;
    opencv) $py -c 'import cv2' 2>/dev/null ;;
    pillow) $py -c 'import PIL' 2>/dev/null ;;
    *) return 1 ;;
  esac
}
active=()
for t in $tools; do
  if have_tool "$t"; then active+=("$t"); else echo "left out: $t (not installed)" >&2; fi
done

. "$here/lib/photos.sh"
printf '3 3 8 0\n-1 -1 -1\n-1 16 -1\n-1 -1 -1\n' > "$work/sharpen.mat"
jq="Q=90,subsample-mode=on,optimize-coding=false"
imjpeg="-quality 90 -sampling-factor 2x2 -define jpeg:optimize-coding=false"
kernel="-1;-1;-1;-1;16;-1;-1;-1;-1"

# The shell command for TOOL and PIPELINE on $in (w x h) writing $out.
command_for() {
  local tool=$1 p=$2 cw=$((w - 200)) ch=$((h - 200))
  local crop="crop:x=100,y=100,w=$cw,h=$ch" geo="${cw}x${ch}+100+100"
  local hint="512x$((512 * h / w))"
  case $tool:$p in
    zeropix:P1) echo "'$zeropix' convert '$in' '$out.png'" ;;
    zeropix:P2) echo "'$zeropix' convert -q 90 --subsampling 420 '$in' '$out.jpg' $crop" ;;
    zeropix:P3) echo "'$zeropix' convert -q 90 --subsampling 420 '$in' '$out.jpg' blur:sigma=2" ;;
    zeropix:P4) echo "'$zeropix' convert -q 90 --subsampling 420 '$in' '$out.jpg' $crop resize:scale=0.9 'convolve:kernel=$kernel,scale=0.125'" ;;
    zeropix:P5) echo "'$zeropix' convert -q 90 --subsampling 420 '$in' '$out.jpg' thumbnail:width=256" ;;
    zeropix:P6) echo "'$zeropix' batch --quiet -j 2 -f png -o '$out' blur:sigma=1.5 -- '$photos'" ;;
    vips:P1) echo "vips copy '$in' '$out.png'" ;;
    vips:P2) echo "vips crop '$in' '$out.jpg[$jq]' 100 100 $cw $ch" ;;
    vips:P3) echo "vips gaussblur '$in' '$out.jpg[$jq]' 2" ;;
    vips:P4) echo "vips crop '$in' .ppm 100 100 $cw $ch | vips resize stdin .ppm 0.9 | vips conv stdin '$out.jpg[$jq]' '$work/sharpen.mat' --precision integer" ;;
    vips:P5) echo "vipsthumbnail '$in' -s 256x -o '$out.jpg[$jq]'" ;;
    vips:P6) echo "mkdir -p '$out' && printf '%s\\0' '$photos'/*.jpg | xargs -0 -P 2 -n 1 sh -c 'vips gaussblur \"\$1\" \"\$0/\$(basename \"\$1\" .jpg).png\" 1.5' '$out'" ;;
    magick:P1) echo "convert '$in' '$out.png'" ;;
    magick:P2) echo "convert '$in' -crop $geo +repage $imjpeg '$out.jpg'" ;;
    magick:P3) echo "convert '$in' -blur 0x2 $imjpeg '$out.jpg'" ;;
    magick:P4) echo "convert '$in' -crop $geo +repage -resize 90% -define convolve:scale=0.125 -morphology Convolve '3x3:-1,-1,-1 -1,16,-1 -1,-1,-1' $imjpeg '$out.jpg'" ;;
    magick:P5) echo "convert -define jpeg:size=$hint '$in' -thumbnail 256x $imjpeg '$out.jpg'" ;;
    magick:P6) echo "mkdir -p '$out' && printf '%s\\0' '$photos'/*.jpg | xargs -0 -P 2 -n 50 mogrify -limit thread 1 -path '$out' -format png -blur 0x1.5" ;;
    gm:P1) echo "gm convert '$in' '$out.png'" ;;
    gm:P2) echo "gm convert '$in' -crop $geo $imjpeg '$out.jpg'" ;;
    gm:P3) echo "gm convert '$in' -blur 0x2 $imjpeg '$out.jpg'" ;;
    gm:P4) echo "gm convert '$in' -crop $geo -resize 90% -convolve -1,-1,-1,-1,16,-1,-1,-1,-1 $imjpeg '$out.jpg'" ;;
    gm:P5) echo "gm convert -size $hint '$in' -thumbnail 256x $imjpeg '$out.jpg'" ;;
    gm:P6) echo "mkdir -p '$out' && cd '$photos' && printf '%s\\0' *.jpg | OMP_NUM_THREADS=1 xargs -0 -P 2 -n 50 gm mogrify -output-directory '$out' -format png -blur 0x1.5" ;;
    opencv:P1 | pillow:P1) echo "$py '$here/peers.py' $tool P1 '$in' '$out.png'" ;;
    opencv:P6 | pillow:P6) echo "$py '$here/peers.py' $tool P6 '$photos' '$out'" ;;
    opencv:* | pillow:*) echo "$py '$here/peers.py' $tool $p '$in' '$out.jpg' $cw $ch" ;;
    *) return 1 ;;
  esac
}

out_file() { # what the command wrote
  case $2 in
    P1) echo "$1.png" ;;
    P6) echo "$1" ;;
    *) echo "$1.jpg" ;;
  esac
}

# One run: prints "seconds rss_kib bytes".
run_once() {
  local tool=$1 p=$2 cmd t0 t1 target
  out=$work/$tool-$p
  rm -rf "$out" "$out.png" "$out.jpg"
  cmd=$(command_for "$tool" "$p")
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%M' -o "$work/rss" bash -c "$cmd" >"$work/log" 2>&1; then
    echo "FAILED: $tool $p: $cmd" >&2
    sed 's/^/  /' "$work/log" | tail -5 >&2
    echo "nan nan nan"
    return
  fi
  t1=$(date +%s%N)
  target=$(out_file "$out" "$p")
  echo "$(echo "($t1 - $t0) / 1000000000" | bc -l) $(tail -1 "$work/rss") $(du -sb "$target" | cut -f1)"
}

median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0 || a[1] == "nan") print "nan"; else print a[int((NR + 1) / 2)]}'; }

if [ $append = 1 ] && [ -f "$csv" ]; then
  # keep the rows of other pipelines and sizes
  awk -F, -v p=" $pipelines " -v s=" $sizes " 'NR == 1 || index(p, " " $2 " ") == 0 ||
    ($1 != "batch" && index(s, " " $1 " ") == 0)' "$csv" > "$csv.tmp" && mv "$csv.tmp" "$csv"
  # and drop their old tables from the text (paragraphs "Pn, SIZE MP ...")
  awk -v p=" $pipelines " -v s=" $sizes " 'BEGIN { RS = ""; ORS = "\n\n" }
    { pp = substr($0, 1, 2); split(substr($0, 5), w, " ") }
    /^P[0-9], / && index(p, " " pp " ") && (pp == "P6" || index(s, " " w[1] " ")) { next }
    { print }' "$table" > "$table.tmp" && mv "$table.tmp" "$table"
else
  echo "size_mp,pipeline,tool,wall_s,wall_vs_vips,rss_mib,rss_vs_vips,output_bytes" > "$csv"
  : > "$table"
fi
{
  echo "zeropix peers benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "median of $runs runs after one warm-up; ratios to libvips in the same run"
} | tee -a "$table"

photos=$cache/batch-photos
if [[ " $pipelines " == *" P6 "* ]]; then
  if [ -x "$here/batch_photos.sh" ]; then
    "$here/batch_photos.sh" "$photos"
  else
    echo "P6 skipped: bench/batch_photos.sh is missing" >&2
    pipelines=${pipelines//P6/}
  fi
fi

for mp in $sizes; do
  case $mp in
    20) in=$(photo_20mp "$cache") ;;
    100) in=$(photo_100mp "$cache") ;;
    *) echo "size $mp: 20 or 100" >&2; exit 2 ;;
  esac
  w=$(vipsheader -f width "$in"); h=$(vipsheader -f height "$in")
  for p in $pipelines; do
    label=$mp; [ "$p" = P6 ] && label=batch
    # P6 does not depend on the photo size: measured once.
    if [ "$p" = P6 ] && [ "$mp" != "$(echo $sizes | cut -d' ' -f1)" ]; then continue; fi
    declare -A times=() rsss=() bytes=()
    for t in "${active[@]}"; do run_once "$t" "$p" >/dev/null; done # warm-up
    for ((r = 0; r < runs; r++)); do
      for t in "${active[@]}"; do
        read -r s k b < <(run_once "$t" "$p")
        times[$t]+="$s "; rsss[$t]+="$k "; bytes[$t]=$b
      done
    done
    printf '\n%s, %s (%s x %s)\n' "$p" "$([ "$p" = P6 ] && echo "100 photos of 1-2 MP" || echo "$mp MP")" \
      "$w" "$h" | tee -a "$table"
    printf '%-8s %9s %8s %9s %8s %12s\n' tool "wall s" "x vips" "RSS MiB" "x vips" "out bytes" | tee -a "$table"
    vt=$(printf '%s\n' ${times[vips]:-nan} | median); vr=$(printf '%s\n' ${rsss[vips]:-nan} | median)
    for t in "${active[@]}"; do
      mt=$(printf '%s\n' ${times[$t]} | median); mr=$(printf '%s\n' ${rsss[$t]} | median)
      rt=nan; rr=nan
      if [ "$vt" != nan ] && [ "$mt" != nan ]; then
        rt=$(echo "$mt / $vt" | bc -l); rr=$(echo "$mr / $vr" | bc -l)
      fi
      mib=nan; [ "$mr" != nan ] && mib=$(echo "$mr / 1024" | bc -l)
      printf '%-8s %9.3f %8.2f %9.1f %8.2f %12s\n' "$t" "$mt" "$rt" "$mib" "$rr" "${bytes[$t]}" | tee -a "$table"
      printf '%s,%s,%s,%.4f,%.4f,%.1f,%.4f,%s\n' "$label" "$p" "$t" "$mt" "$rt" "$mib" "$rr" "${bytes[$t]}" >> "$csv"
    done
    if [ "$p" = P1 ] || [ "$p" = P6 ]; then # goal: 0.6x the fastest peer, output no larger
      best=""; bt=""
      for t in "${active[@]}"; do
        [ "$t" = zeropix ] && continue
        mt=$(printf '%s\n' ${times[$t]} | median)
        [ "$mt" = nan ] && continue
        if [ -z "$bt" ] || [ "$(echo "$mt < $bt" | bc -l)" = 1 ]; then best=$t; bt=$mt; fi
      done
      if [ -n "$best" ]; then
        zt=$(printf '%s\n' ${times[zeropix]} | median)
        printf 'fastest peer: %s; zeropix / %s: time %.2f, output size %.2f\n' "$best" "$best" \
          "$(echo "$zt / $bt" | bc -l)" "$(echo "${bytes[zeropix]} / ${bytes[$best]}" | bc -l)" | tee -a "$table"
      fi
    fi
    # Checks on zeropix's output.
    if [ "$p" = P1 ]; then
      run_once zeropix P1 >/dev/null
      $py - "$in" "$work/zeropix-P1.png" <<'PYEOF' | tee -a "$table"
import sys, cv2, numpy as np
a = cv2.imread(sys.argv[1], cv2.IMREAD_COLOR)       # libjpeg-turbo
b = cv2.imread(sys.argv[2], cv2.IMREAD_UNCHANGED)   # libpng
same = a is not None and b is not None and a.shape == b.shape and np.array_equal(a, b)
print("check: zeropix PNG == the photo's pixels (libjpeg-turbo decode, libpng read):", "yes" if same else "NO")
PYEOF
    fi
    if [ "$p" = P6 ]; then
      run_once zeropix P6 >/dev/null
      bad=$(pngcheck -q "$work"/zeropix-P6/*.png 2>&1 | wc -l || true)
      echo "check: pngcheck on zeropix's $(ls "$work"/zeropix-P6 | wc -l) PNGs: $bad problems" | tee -a "$table"
    fi
    unset times rsss bytes
  done
done

if need gnuplot; then draw_chart; else echo "no chart: gnuplot is not installed" >&2; fi
echo "table: $table; CSV: $csv"
