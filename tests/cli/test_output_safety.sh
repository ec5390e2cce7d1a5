# test_output_safety.sh: write failures leave no partial file and leave an
# existing output untouched, for what test_atomic.sh does not cover: a
# really full disk (a small tmpfs), a failure at the final flush (fclose:
# a full tmpfs, a file-size limit), PNM output cut mid-write, a read-only
# folder (a read-only tmpfs, or permission bits when not root), an output
# path that is a folder (empty, not empty, the output's own folder, '.'),
# a missing folder deeper down or a parent that is a file, the input as its
# own output, and stdout closed, read-only, full (/dev/full) or a broken
# pipe. Whatever cannot run here (no mount, not root) is skipped with a
# message; the script exits 77 only if nothing at all could run.
#
# An optional 4th argument runs one part alone: "device-node" is the check
# that an existing output that is not a regular file (a device such as
# /dev/null) is never replaced by a regular file. It is registered as its
# own CTest (cli.output_safety.device_node, hostile_tests.cmake): it needs
# mknod, and is skipped where that is not permitted.
. "$(dirname "$0")/lib.sh"
PART=${4:-all}
G="$SAMPLES/gradient.png"
MOUNTS=""
SKIPPED=0
RAN=0

cleanup() {
    for m in $MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

skip() {
    echo "SKIP: $*"
    SKIPPED=$((SKIPPED + 1))
}

# A 400 x 300 noise PPM: incompressible, so every format writes ~300 KB.
{ printf 'P6\n400 300\n255\n'; head -c 360000 /dev/urandom; } >"$WORK/noise.ppm"
# A 16 x 16 one: its output (under 1 KB) stays in the stdio buffer until
# fclose, so a failure shows only there.
{ printf 'P6\n16 16\n255\n'; head -c 768 /dev/urandom; } >"$WORK/tiny.ppm"
printf 'precious old content\n' >"$WORK/sentinel"

# keep_files DIR: put the sentinel into DIR as keep.png, keep.jpg, keep.ppm
keep_files() {
    for k in keep.png keep.jpg keep.ppm; do cp "$WORK/sentinel" "$1/$k"; done
}

# expect_clean DIR "NAMES": DIR holds exactly NAMES (no temporary, no
# partial output), each keep.* still the sentinel bytes.
expect_clean() {
    _got=$(files_in "$1")
    [ "$_got" = "$2" ] || fail "$1 holds '$_got', expected '$2' after: $CMDLINE"
    for _f in $2; do
        case $_f in keep.*) cmp -s "$1/$_f" "$WORK/sentinel" || fail "$1/$_f was modified by: $CMDLINE" ;; esac
    done
}

# expect_fail_clean DIR "NAMES" TEXT CMD...: CMD exits 1, names its output
# in "zeropix: OUTPUT: ..." with TEXT, and DIR is clean.
expect_fail_clean() {
    _dir=$1 _names=$2 _text=$3
    shift 3
    run "$@"
    RAN=$((RAN + 1))
    [ "$RC" -eq 1 ] || { fail "exit $RC, expected 1: $CMDLINE"; show_err; }
    [ -n "$_text" ] && expect_err "$_text"
    expect_clean "$_dir" "$_names"
}

# try_mount_tmpfs DIR OPTIONS: mount a tmpfs on DIR (made here); 1 if not possible.
try_mount_tmpfs() {
    mkdir -p "$1"
    if mount -t tmpfs -o "$2" tmpfs "$1" 2>/dev/null; then
        MOUNTS="$1 $MOUNTS"
        return 0
    fi
    return 1
}

unmount() {
    umount "$1" 2>/dev/null || umount -l "$1"
    MOUNTS=$(echo "$MOUNTS" | sed "s|$1 ||")
}

used_kb() { df -k "$1" | awk 'NR == 2 { print $3 }'; }

# ---- disk full: a 192 KB tmpfs ------------------------------------------------
part_disk_full() {
    FULL="$WORK/full"
    if ! try_mount_tmpfs "$FULL" size=192k,mode=0755; then
        skip "disk full (tmpfs): 'mount -t tmpfs' is not possible here"
        return
    fi
    keep_files "$FULL"
    before=$(used_kb "$FULL")
    # mid-write: every format, new and existing outputs
    for target in new.png keep.png new.jpg keep.jpg new.ppm keep.ppm; do
        expect_fail_clean "$FULL" "keep.jpg keep.png keep.ppm" "zeropix: $FULL/$target: " \
            "$ZP" convert -q 100 --subsampling 444 --compression 0 "$WORK/noise.ppm" "$FULL/$target"
        expect_err "No space left on device"
    done
    # the same through a pipeline, from stdin
    run sh -c 'exec "$1" convert --format png - "$2" blur:sigma=0.5 <"$3"' sh "$ZP" "$FULL/new.png" "$WORK/noise.ppm"
    [ "$RC" -eq 1 ] || { fail "stdin to a full disk: exit $RC, expected 1"; show_err; }
    expect_clean "$FULL" "keep.jpg keep.png keep.ppm"
    after=$(used_kb "$FULL")
    [ "$before" = "$after" ] || fail "the full tmpfs went from $before to $after kB used: space not given back"
    # at fclose: fill the disk to the last block, then write a tiny image
    # (created fine, buffered fine, fails when flushed)
    dd if=/dev/zero of="$FULL/filler" bs=4096 2>/dev/null
    for target in new.ppm keep.ppm new.png keep.png new.jpg keep.jpg; do
        expect_fail_clean "$FULL" "filler keep.jpg keep.png keep.ppm" "zeropix: $FULL/$target: " \
            "$ZP" convert "$WORK/tiny.ppm" "$FULL/$target"
    done
    rm -f "$FULL/filler"
    # with room again, the same conversion works and replaces the sentinel
    expect_rc 0 "$ZP" convert "$WORK/tiny.ppm" "$FULL/keep.ppm"
    cmp -s "$FULL/keep.ppm" "$WORK/tiny.ppm" || fail "after the disk had room: keep.ppm is not the image"
    unmount "$FULL"
}

# ---- file-size limit: PNM mid-write, and every format at fclose -----------------
part_fsize() {
    D="$WORK/fsize"
    mkdir "$D"
    keep_files "$D"
    # (test_atomic.sh covers PNG and JPEG cut mid-write; the PNM writer is a
    # separate code path.) ulimit -f counts 512-byte blocks.
    for target in new.ppm keep.ppm; do
        expect_fail_clean "$D" "keep.jpg keep.png keep.ppm" "zeropix: $D/$target: " \
            sh -c 'trap "" XFSZ; ulimit -f 8 && exec "$@"' sh "$ZP" convert "$WORK/noise.ppm" "$D/$target"
        expect_err "File too large"
    done
    # under 1 KB of output over a 512-byte limit: only fclose sees it
    for target in new.ppm keep.ppm new.png keep.png new.jpg keep.jpg; do
        expect_fail_clean "$D" "keep.jpg keep.png keep.ppm" "zeropix: $D/$target: " \
            sh -c 'trap "" XFSZ; ulimit -f 1 && exec "$@"' sh "$ZP" convert -q 100 --compression 0 \
            "$WORK/tiny.ppm" "$D/$target"
    done
}

# ---- read-only folder ---------------------------------------------------------------
part_read_only() {
    RO="$WORK/ro"
    if [ "$(id -u)" -ne 0 ]; then
        # permission bits work for everyone but root
        mkdir "$RO"
        keep_files "$RO"
        chmod a-w "$RO"
        why="Permission denied"
    elif try_mount_tmpfs "$RO" size=1m,mode=0755; then
        # root ignores permission bits: a tmpfs remounted read-only
        keep_files "$RO"
        if ! mount -o remount,ro "$RO" 2>/dev/null; then
            skip "read-only folder: cannot remount the tmpfs read-only"
            unmount "$RO"
            return
        fi
        why="Read-only file system"
    else
        skip "read-only folder: running as root and 'mount' is not possible here"
        return
    fi
    for target in new.png keep.png new.jpg keep.jpg new.ppm keep.ppm; do
        expect_fail_clean "$RO" "keep.jpg keep.png keep.ppm" "zeropix: $RO/$target: " \
            "$ZP" convert "$G" "$RO/$target"
        expect_err "$why"
    done
    # a failure that comes first (the input) says so, not the folder
    expect_fail_clean "$RO" "keep.jpg keep.png keep.ppm" "zeropix: $WORK/none.png: " \
        "$ZP" convert "$WORK/none.png" "$RO/keep.png"
    if [ "$(id -u)" -ne 0 ]; then chmod u+w "$RO"; else unmount "$RO"; fi
}

# ---- output path is a folder ------------------------------------------------------------
part_folder() {
    D="$WORK/dirs"
    mkdir -p "$D/empty.png" "$D/full.png" "$D/full.png/sub"
    cp "$WORK/sentinel" "$D/full.png/keep.png"
    keep_files "$D"
    for target in empty.png full.png; do
        expect_fail_clean "$D" "empty.png full.png keep.jpg keep.png keep.ppm" "zeropix: $D/$target: " \
            "$ZP" convert "$G" "$D/$target"
        [ -d "$D/$target" ] || fail "$D/$target is no longer a folder"
    done
    [ "$(files_in "$D/empty.png")" = "" ] || fail "something was left in the folder empty.png: $(files_in "$D/empty.png")"
    [ "$(files_in "$D/full.png")" = "keep.png sub" ] || fail "the folder full.png changed: $(files_in "$D/full.png")"
    cmp -s "$D/full.png/keep.png" "$WORK/sentinel" || fail "a file inside the folder full.png changed"
    # the output's own folder, with and without a trailing slash, and '.'
    expect_fail_clean "$D" "empty.png full.png keep.jpg keep.png keep.ppm" "" \
        "$ZP" convert --format png "$G" "$D"
    expect_fail_clean "$D" "empty.png full.png keep.jpg keep.png keep.ppm" "" \
        "$ZP" convert --format png "$G" "$D/"
    expect_fail_clean "$D" "empty.png full.png keep.jpg keep.png keep.ppm" "" \
        sh -c 'cd "$1" && exec "$2" convert --format png "$3" .' sh "$D" "$ZP" "$G"
    [ -d "$D" ] || fail "$D is no longer a folder"
}

# ---- the output folder is missing, or is not a folder -------------------------------------
part_missing() {
    D="$WORK/miss"
    mkdir "$D"
    keep_files "$D"
    expect_fail_clean "$D" "keep.jpg keep.png keep.ppm" "zeropix: $D/a/b/c/new.png: " \
        "$ZP" convert "$G" "$D/a/b/c/new.png"
    expect_err "No such file or directory"
    # a parent that is a regular file
    expect_fail_clean "$D" "keep.jpg keep.png keep.ppm" "zeropix: $D/keep.ppm/new.png: " \
        "$ZP" convert "$G" "$D/keep.ppm/new.png"
    expect_err "Not a directory"
    # a parent that is a dangling symbolic link
    ln -s "$D/nowhere" "$D/link"
    expect_fail_clean "$D" "keep.jpg keep.png keep.ppm link" "zeropix: $D/link/new.png: " \
        "$ZP" convert "$G" "$D/link/new.png"
    [ -e "$D/nowhere" ] && fail "the dangling link's target was created"
    rm -f "$D/link"
}

# ---- the input is its own output --------------------------------------------------------------
part_in_place() {
    D="$WORK/inplace"
    mkdir "$D"
    cp "$G" "$D/img.png"
    # a failure (the crop is outside the image) leaves it as it was
    expect_fail_clean "$D" "img.png" "zeropix: $D/img.png: " "$ZP" convert "$D/img.png" "$D/img.png" crop:x=5000
    cmp -s "$D/img.png" "$G" || fail "a failed in-place conversion changed the file"
    # success replaces it with the result (decoded whole before writing)
    expect_rc 0 "$ZP" convert "$D/img.png" "$D/img.png" rotate:90
    RAN=$((RAN + 1))
    expect_clean "$D" "img.png"
    expect_shape "$D/img.png" "192x256 4ch 8-bit"
}

# ---- stdout ---------------------------------------------------------------------------------------
part_stdout() {
    for fmt in png jpeg pnm; do
        for in in "$WORK/noise.ppm" "$WORK/tiny.ppm"; do
            # closed
            run sh -c 'exec "$1" convert --format "$2" "$3" - >&-' sh "$ZP" "$fmt" "$in"
            RAN=$((RAN + 1))
            [ "$RC" -eq 1 ] || { fail "$fmt to a closed stdout: exit $RC, expected 1"; show_err; }
            expect_err "zeropix: <stdout>: "
            # open for reading only
            run sh -c 'exec "$1" convert --format "$2" "$3" - 1<"$3"' sh "$ZP" "$fmt" "$in"
            [ "$RC" -eq 1 ] || { fail "$fmt to a read-only stdout: exit $RC, expected 1"; show_err; }
            expect_err "zeropix: <stdout>: "
            # full (test_exit_codes.sh does PNG of a sample; here every
            # format, and a tiny output that only the final flush writes)
            if [ -w /dev/full ]; then
                run sh -c 'exec "$1" convert --format "$2" "$3" - >/dev/full' sh "$ZP" "$fmt" "$in"
                [ "$RC" -eq 1 ] || { fail "$fmt to /dev/full: exit $RC, expected 1"; show_err; }
                expect_err "No space left on device"
            fi
        done
        # a reader that goes away: with SIGPIPE ignored, EPIPE is an error
        # (exit 1, a message); with it, the default kills the writer. Never 0.
        rm -f "$WORK/rc"
        { sh -c 'trap "" PIPE; "$@"; echo $? >"'"$WORK"'/rc"' sh "$ZP" convert --format "$fmt" \
            "$WORK/noise.ppm" - 2>"$WORK/err"; } | head -c 100 >/dev/null
        rc=$(cat "$WORK/rc" 2>/dev/null)
        [ "$rc" = 1 ] || { fail "$fmt into a closed pipe, SIGPIPE ignored: exit '$rc', expected 1"; show_err; }
        grep -q "zeropix: <stdout>: .*Broken pipe" "$WORK/err" || { fail "$fmt into a closed pipe: no 'Broken pipe' message"; show_err; }
        { "$ZP" convert --format "$fmt" "$WORK/noise.ppm" - 2>/dev/null; echo $? >"$WORK/rc"; } | head -c 100 >/dev/null
        rc=$(cat "$WORK/rc")
        [ "$rc" -ne 0 ] || fail "$fmt into a closed pipe: exit 0"
    done
}

# ---- an existing output that is not a regular file ------------------------------------------------
# An existing OUTPUT that is not a regular file (a device such as /dev/null,
# a FIFO) is written into, never replaced by a regular file (found by this
# test; zp_image_encode_file() renamed its temporary over it before).
# Checked on a copy of the null device made in the work folder.
part_device_node() {
    D="$WORK/dev"
    mkdir "$D"
    if ! mknod "$D/null.png" c 1 3 2>/dev/null; then
        skip "device node: mknod is not permitted here"
        return
    fi
    run "$ZP" convert "$G" "$D/null.png"
    RAN=$((RAN + 1))
    [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ] || { fail "a device as OUTPUT: exit $RC"; show_err; }
    if [ ! -c "$D/null.png" ]; then
        fail "the device node OUTPUT was replaced by a regular file (exit $RC): $(ls -l "$D/null.png")"
    fi
    [ "$(files_in "$D")" = "null.png" ] || fail "left in $D: $(files_in "$D")"
}

case $PART in
    all)
        part_disk_full
        part_fsize
        part_read_only
        part_folder
        part_missing
        part_in_place
        part_stdout
        ;;
    device-node) part_device_node ;;
    *) echo "unknown part '$PART'" >&2; exit 2 ;;
esac
echo "$RAN conversions checked, $SKIPPED part(s) skipped"
if [ "$RAN" -eq 0 ]; then
    echo "nothing could run here: skipped"
    exit 77
fi
finish
