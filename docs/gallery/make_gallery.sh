#!/bin/sh
# make_gallery.sh: the filter gallery, made by zeropix itself.
#
#   docs/gallery/make_gallery.sh [ZEROPIX]
#
# ZEROPIX is the zeropix program to use (default: build/release/src/zeropix
# of this checkout, as `cmake --workflow --preset demo` builds it). Runs
# every built-in filter on samples/photo.jpg (samples/gradient.png for
# drop_alpha) and writes the images and README.md into docs/gallery/,
# replacing what an earlier run wrote there. Every command in README.md is
# the exact command that made its image, runnable from the top of the
# checkout. The same zeropix build gives the same bytes on every run; a
# different libjpeg-turbo or zlib may give other bytes for the same pixels.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -gt 1 ]; then
    echo "usage: $0 [ZEROPIX]" >&2
    exit 2
fi
if [ $# -eq 1 ]; then
    case $1 in
        /*) ZP=$1 ;;
        *) ZP=$(pwd)/$1 ;;
    esac
else
    ZP=$ROOT/build/release/src/zeropix
fi
if [ ! -x "$ZP" ]; then
    echo "$0: not an executable: $ZP (build zeropix first, or give its path)" >&2
    exit 1
fi
# Built-in filters only: plugins from the environment would change nothing
# here, but keep their warnings out.
unset ZEROPIX_PLUGIN_PATH

cd "$ROOT"
GALLERY=docs/gallery
MAX_BYTES=25600 # every image stays under 25 KB
# Everything is made in a staging folder first and moved into place when
# all of it succeeded: a failed run leaves the previous gallery as it was.
STAGE=$(mktemp -d "$GALLERY/.stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
trap 'exit 130' HUP INT TERM

PHOTO=samples/photo.jpg
SMALL=thumbnail:width=240,height=240 # 480x640 -> 180x240, first in every chain
NAMES=
SHOWN=    # filters whose summary is in the table already
ROWS=$STAGE/rows.md
: >"$ROWS"

# summary FILTER: its one-line summary, from `zeropix ops` (so it stays true).
summary() {
    "$ZP" ops | sed -n "s/^$1  *//p"
}

# shell_words WORD...: the words as a shell reads them back, quoting those
# with characters the shell would act on (';' in kernels).
shell_words() {
    _out=
    for _w in "$@"; do
        case $_w in
            *[!A-Za-z0-9_.,:=/+-]*) _w="'$_w'" ;;
        esac
        _out="$_out${_out:+ }$_w"
    done
    printf '%s' "$_out"
}

# shot FILE FILTER NOTE OPTIONS INPUT OPERATIONS: run
#   zeropix convert OPTIONS INPUT docs/gallery/FILE OPERATIONS
# (into the staging folder) and add a row to the table. FILTER is the
# filter the row shows ("" for none), NOTE what the setting does.
shot() {
    _file=$1 _filter=$2 _note=$3 _opts=$4 _input=$5 _ops=$6
    # shellcheck disable=SC2086 # options and operations are word lists
    if ! "$ZP" convert $_opts "$_input" "$STAGE/$_file" $_ops 2>"$STAGE/err"; then
        echo "$0: zeropix failed to make $_file:" >&2
        cat "$STAGE/err" >&2
        exit 1
    fi
    if [ -s "$STAGE/err" ]; then
        echo "$0: zeropix said something while making $_file:" >&2
        cat "$STAGE/err" >&2
        exit 1
    fi
    _bytes=$(wc -c <"$STAGE/$_file" | tr -d ' ')
    if [ "$_bytes" -ge "$MAX_BYTES" ]; then
        echo "$0: $_file is $_bytes bytes, over the $MAX_BYTES-byte budget" >&2
        exit 1
    fi
    # "FILE: JPEG 180x240 3ch 8-bit rgb, ..." -> "180x240"
    _size=$("$ZP" info "$STAGE/$_file" | sed -n 's/^.*: [A-Z]* \([0-9]*x[0-9]*\) .*$/\1/p')
    # shellcheck disable=SC2086 # options and operations are word lists
    _cmd="zeropix convert $(shell_words $_opts "$_input" "$GALLERY/$_file" $_ops)"
    if [ -z "$_filter" ]; then
        _what=$_note
    else
        case " $SHOWN " in
            *" $_filter "*) _what="**$_filter**<br>$_note" ;; # summary given above
            *)
                _what="**$_filter**: $(summary "$_filter")<br>$_note"
                SHOWN="$SHOWN $_filter"
                ;;
        esac
    fi
    # shellcheck disable=SC2016 # the backquotes are Markdown
    printf '| %s | `%s` | ![%s](%s)<br>%s |\n' "$_what" "$_cmd" "${_filter:-$_file}" \
        "$_file" "$_size" >>"$ROWS"
    NAMES="$NAMES $_file"
}

JPG="-q 80"            # photographic results: JPEG quality 80
PNG="--compression 9"  # where every pixel matters: PNG

shot original.jpg "" "The sample photo, shrunk to 180x240 (the start of every chain below)" \
    "$JPG" "$PHOTO" "$SMALL"
shot crop.jpg crop "The sun: 120x120 from (20, 0)" \
    "$JPG" "$PHOTO" "$SMALL crop:x=20,y=0,w=120,h=120"
shot flip.jpg flip "Mirrored left-right" \
    "$JPG" "$PHOTO" "$SMALL flip:axis=x"
shot rotate.jpg rotate "A quarter turn clockwise" \
    "$JPG" "$PHOTO" "$SMALL rotate:90"
shot transpose.jpg transpose "Rows become columns: the sun moves from top left down the diagonal" \
    "$JPG" "$PHOTO" "$SMALL transpose"
shot extract.jpg extract "The red channel alone, as gray" \
    "$JPG" "$PHOTO" "$SMALL extract:channels=0"
shot extract_bgr.jpg extract "Channels reversed, RGB read as BGR" \
    "$JPG" "$PHOTO" "$SMALL extract:channels=2;1;0"
shot gradient.png "" "The RGBA sample: alpha fades to 15 % at the bottom (PNG keeps it)" \
    "$PNG" samples/gradient.png ""
shot drop_alpha.png drop_alpha "The same without its alpha channel: the colours as stored" \
    "$PNG" samples/gradient.png "drop_alpha"
shot grayscale.jpg grayscale "Luma" \
    "$JPG" "$PHOTO" "$SMALL grayscale"
shot invert.jpg invert "The negative" \
    "$JPG" "$PHOTO" "$SMALL invert"
shot levels.jpg levels "More contrast, mid-tones lighter" \
    "$JPG" "$PHOTO" "$SMALL levels:brightness=0.05,contrast=1.5,gamma=1.3"
shot threshold.png threshold "Each colour sample to 0 or 255 at half scale: eight colours" \
    "$PNG" "$PHOTO" "$SMALL threshold:value=0.5"
shot blur.jpg blur "Gaussian, sigma 3 pixels" \
    "$JPG" "$PHOTO" "$SMALL blur:sigma=3"
shot box_blur.jpg box_blur "Mean of 9x9 pixels" \
    "$JPG" "$PHOTO" "$SMALL box_blur:radius=4"
shot sharpen.jpg sharpen "Unsharp mask, strong: sigma 2, amount 3" \
    "$JPG" "$PHOTO" "$SMALL sharpen:sigma=2,amount=3"
shot convolve_edges.png convolve "Edge detection (Laplacian, 3x3): flat areas go black" \
    "$PNG" "$PHOTO" "$SMALL grayscale convolve:kernel=-1;-1;-1;-1;8;-1;-1;-1;-1"
shot convolve_emboss.jpg convolve "Emboss (3x3), on mid-grey" \
    "$JPG" "$PHOTO" "$SMALL convolve:kernel=-2;-1;0;-1;0;1;0;1;2,scale=1,offset=0.5"
shot resize_source.png "" "A 40x40 crop of the full-size photo (a mountain ridge against the pink sky)" \
    "$PNG" "$PHOTO" "crop:x=220,y=324,w=40,h=40"
shot resize_nearest.png resize "That crop enlarged 4x, nearest: blocks" \
    "$PNG" "$PHOTO" "crop:x=220,y=324,w=40,h=40 resize:width=160,kernel=nearest"
shot resize_bilinear.png resize "4x, bilinear: soft" \
    "$PNG" "$PHOTO" "crop:x=220,y=324,w=40,h=40 resize:width=160,kernel=bilinear"
shot resize_bicubic.png resize "4x, bicubic" \
    "$PNG" "$PHOTO" "crop:x=220,y=324,w=40,h=40 resize:width=160,kernel=bicubic"
shot resize_lanczos3.png resize "4x, Lanczos3 (the default): sharpest edges" \
    "$PNG" "$PHOTO" "crop:x=220,y=324,w=40,h=40 resize:width=160,kernel=lanczos3"
shot thumbnail.jpg thumbnail "Fit inside 96x96, keeping the aspect ratio (from the full-size photo)" \
    "$JPG" "$PHOTO" "thumbnail:width=96,height=96"

VERSION=$("$ZP" version)
{
    cat <<EOF
# Filter gallery

Every built-in filter of zeropix on the bundled sample images. This page and
the images are generated by [\`make_gallery.sh\`](make_gallery.sh) with
zeropix itself: **do not edit them by hand**; after changing a filter, run

\`\`\`sh
docs/gallery/make_gallery.sh [path/to/zeropix]   # default build/release/src/zeropix
\`\`\`

from anywhere in the checkout and commit the result. Each command below is
the exact one that made its image (run from the top of the checkout).
\`samples/photo.jpg\` is 480x640 once its EXIF orientation is applied; most
chains first shrink it with \`$SMALL\` (to 180x240) to keep
the images small. Photographic results are JPEG at quality 80; where every
pixel matters (threshold, edges, resampling kernels, alpha) they are PNG.
\`zeropix ops NAME\` lists every parameter of a filter, with its range and
default.

Made with \`$VERSION\`.

| Filter | Command | Result |
|--------|---------|--------|
EOF
    cat "$ROWS"
} >"$STAGE/README.md"
rm -f "$ROWS" "$STAGE/err"

# Into place, and away with images an earlier run made that this one did not.
for f in "$GALLERY"/*.jpg "$GALLERY"/*.png; do
    [ -e "$f" ] || continue
    case " $NAMES " in
        *" ${f##*/} "*) ;;
        *) rm -f "$f" ;;
    esac
done
for f in $NAMES README.md; do
    mv -f "$STAGE/$f" "$GALLERY/$f"
done
# shellcheck disable=SC2086 # a word list
set -- $NAMES
echo "gallery: $# images and README.md in $GALLERY"
