#!/usr/bin/env python3
"""thumbnails.py: make a thumbnail of every image in a folder, with a pool
of worker threads.

    python3 thumbnails.py [--size 256] [--workers N] [--format jpg|png|pnm]
                          [--quality 85] INPUT_DIR OUTPUT_DIR

Every JPEG, PNG and PNM file in INPUT_DIR is decoded, shrunk to fit inside
SIZE x SIZE (aspect ratio kept, never enlarged) and written to OUTPUT_DIR
under the same name, in the same format unless --format says otherwise
(16-bit PNGs stay 16-bit; alpha stays in PNG). One line per file as it
completes; a file that fails is reported with the reason and the others go
on. Exit status: 0 when all succeeded, 1 when any failed, 2 for usage.

zeropix releases the GIL while it decodes, resizes and encodes, so plain
threads run those steps in parallel on all cores: the summary line compares
the wall time with the sum of the per-file times. Each file's pipeline runs
on one thread (threads=1): the pool is where the parallelism is.

zeropix must be importable: installed, or PYTHONPATH=BUILD/python.
"""
import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

try:
    import zeropix
except ImportError as e:
    sys.exit("thumbnails.py: cannot import zeropix (%s): build it with CMake and set "
             "PYTHONPATH=BUILD/python, or install it" % e)

EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".pnm", ".ppm", ".pgm"}


def make_thumbnail(src, dst, size, quality):
    """Decode, shrink, encode one file; returns a line for the report."""
    start = time.perf_counter()
    img = zeropix.open(src)
    thumb = img.apply(("thumbnail", {"width": size, "height": size}), threads=1)
    thumb.save(dst, quality=quality)
    took = time.perf_counter() - start
    return took, "%dx%d -> %dx%d %s" % (img.width, img.height, thumb.width, thumb.height,
                                        os.path.basename(dst))


def main(argv=None):
    p = argparse.ArgumentParser(description="Thumbnails of every image in a folder.")
    p.add_argument("input_dir")
    p.add_argument("output_dir")
    p.add_argument("--size", type=int, default=256, help="box side in pixels (default 256)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="worker threads (default: one per core)")
    p.add_argument("--format", choices=["jpg", "png", "pnm"],
                   help="output format (default: the input's)")
    p.add_argument("--quality", type=int, default=85, help="JPEG quality 1..100 (default 85)")
    args = p.parse_args(argv)
    if args.size < 1 or args.workers < 1 or not 1 <= args.quality <= 100:
        p.error("--size and --workers must be >= 1, --quality 1..100")

    try:
        names = sorted(n for n in os.listdir(args.input_dir)
                       if os.path.splitext(n)[1].lower() in EXTENSIONS)
    except OSError as e:
        p.error(str(e))
    os.makedirs(args.output_dir, exist_ok=True)

    jobs = {}
    failed = 0
    work = 0.0
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        for name in names:
            stem, ext = os.path.splitext(name)
            out = os.path.join(args.output_dir, stem + ("." + args.format if args.format else ext))
            future = pool.submit(make_thumbnail, os.path.join(args.input_dir, name), out,
                                 args.size, args.quality)
            jobs[future] = name
        for future in as_completed(jobs):
            name = jobs[future]
            try:
                took, line = future.result()
            except (zeropix.Error, OSError, ValueError) as e:
                # str(e) names the file and the reason, as the CLI does
                failed += 1
                print("%s: FAILED: %s" % (name, e), flush=True)
                continue
            work += took
            print("%s: %s (%.1f ms)" % (name, line, took * 1000), flush=True)
    wall = time.perf_counter() - start
    done = len(names) - failed
    print("%d thumbnail%s, %d failed, in %.2f s with %d worker%s (%.2f s of work%s)"
          % (done, "" if done == 1 else "s", failed, wall, args.workers,
             "" if args.workers == 1 else "s", work,
             ", %.1fx" % (work / wall) if wall > 0 and work > 0 else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
