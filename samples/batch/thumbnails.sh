#!/bin/sh
# thumbnails.sh: JPEG thumbnails of a photo folder (sub-folders kept), with a
# JSON-lines report and a summary made from it. Safe to re-run: finished
# thumbnails are skipped, so an interrupted run picks up where it stopped.
#
#   samples/batch/thumbnails.sh PHOTOS THUMBS [SIZE]
#
# PHOTOS  folder searched recursively for .jpg .jpeg .png .pnm .ppm .pgm
# THUMBS  where thumbnails go: THUMBS/<sub-folder>/<name>_thumb.jpg, plus
#         THUMBS/report.jsonl (one line per photo: status, error, size, time)
# SIZE    the box the thumbnails fit in, in pixels (default 256)
#
# ZEROPIX names the zeropix program (default: zeropix on the PATH); JOBS the
# number of photos converted at a time (default: one per core).
# Exit status: zeropix batch's (0 all done, 1 some photo failed, 2 usage).
set -u
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 PHOTOS THUMBS [SIZE]" >&2
    exit 2
fi
photos=$1 thumbs=$2 size=${3:-256}
zeropix=${ZEROPIX:-zeropix}
report=$thumbs/report.jsonl
mkdir -p "$thumbs" || exit 1

# Shrink, sharpen a little (thumbnails look soft otherwise), quality 85,
# no metadata (a thumbnail does not need the camera's EXIF).
"$zeropix" batch ${JOBS:+-j "$JOBS"} --skip-existing --report "$report" \
    -o "$thumbs/%s_thumb.jpg" -q 85 --strip \
    "thumbnail:width=$size,height=$size" sharpen:sigma=0.5,amount=0.6 \
    -- "$photos"
status=$?

# The summary, from the report (python3 reads JSON; awk would not).
if [ -f "$report" ] && command -v python3 >/dev/null 2>&1; then
    python3 - "$report" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
count = {}
for r in rows:
    count[r["status"]] = count.get(r["status"], 0) + 1
done = [r for r in rows if r["status"] == "done"]
print("thumbnails: %d made, %d already there, %d failed, %d not started"
      % (len(done), count.get("skipped", 0), count.get("failed", 0), count.get("cancelled", 0)))
if done:
    ms = sorted(r["milliseconds"] for r in done)
    print("time per photo: median %.0f ms, slowest %.0f ms (%s)"
          % (ms[len(ms) // 2], ms[-1], max(done, key=lambda r: r["milliseconds"])["input"]))
for r in rows:
    if r["status"] == "failed":
        print("failed: %s: %s" % (r["input"], r["error"]))
PY
fi
exit $status
