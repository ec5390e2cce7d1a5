#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds samples/c-example
# out of tree twice, with find_package(zeropix) and with pkg-config, and
# runs both on a sample image.
set -euo pipefail
build=$1 src=$2 sample=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/zeropix/view.h"
test -x "$work/prefix/bin/zeropix"
ls "$work"/prefix/lib*/libzeropix.a >/dev/null
ls "$work"/prefix/lib*/libzeropix.so* >/dev/null

# CMake package
cmake -S "$src/samples/c-example" -B "$work/cm" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cm" >/dev/null
LD_LIBRARY_PATH="$(echo "$work"/prefix/lib*)" "$work/cm/example" "$sample" "$work/out-cmake.png"
test -s "$work/out-cmake.png"

# pkg-config
libdir=$(echo "$work"/prefix/lib*)
PKG_CONFIG_PATH="$libdir/pkgconfig" cc -std=c11 -o "$work/ex-pc" "$src/samples/c-example/example.c" \
  $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs zeropix)
LD_LIBRARY_PATH="$libdir" "$work/ex-pc" "$sample" "$work/out-pc.png"
cmp "$work/out-cmake.png" "$work/out-pc.png"
echo "install: CMake package and pkg-config consumers built and ran"
