#!/usr/bin/python3
"""bench/batch_opencv.py: the OpenCV peer of bench/batch.sh.

    batch_opencv.py OUT_DIR PHOTO...

Two worker processes (multiprocessing.Pool(2)), each with one OpenCV thread
(cv2.setNumThreads(1), as zeropix's workers have one thread each), read
each photo (cv2.imread, BGR 8-bit), blur it with cv2.GaussianBlur(img,
(0, 0), 1.5) (kernel size from sigma) and write OUT_DIR/NAME.png with
cv2.imwrite at zlib level 1 and the RLE strategy
(IMWRITE_PNG_COMPRESSION 1, IMWRITE_PNG_STRATEGY_RLE), OpenCV's fastest
PNG settings. Exits 1 if a photo could not be read or written.
"""
import os
import sys
from multiprocessing import Pool

import cv2

PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE]


def init():
    cv2.setNumThreads(1)


def convert(job):
    src, dst = job
    img = cv2.imread(src, cv2.IMREAD_COLOR)
    if img is None:
        return "%s: cannot read" % src
    out = cv2.GaussianBlur(img, (0, 0), 1.5)
    return None if cv2.imwrite(dst, out, PARAMS) else "%s: cannot write" % dst


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: batch_opencv.py OUT_DIR PHOTO...")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    jobs = [(p, os.path.join(out_dir, os.path.splitext(os.path.basename(p))[0] + ".png"))
            for p in sys.argv[2:]]
    with Pool(2, initializer=init) as pool:
        errors = [e for e in pool.imap_unordered(convert, jobs, chunksize=4) if e]
    for e in errors:
        print(e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
