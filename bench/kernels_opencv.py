#!/usr/bin/env python3
"""kernels_opencv.py: the operations of bench_kernels through OpenCV, for
comparison: megapixels per second with one thread and with OpenCV's default
thread count, median of N runs after a warm-up, on the same image.

    bench/kernels_opencv.py IMAGE.ppm [--runs N] [--csv FILE]

IMAGE.ppm is the synthetic image bench_kernels writes with --write-ppm, so
both programs measure the same pixels. Timing starts after cv2 is imported
and the image is read. Each row names the bench_kernels row it matches:

    blur             GaussianBlur, ksize (0, 0), sigma 2
    box_blur         blur, ksize 7 x 7 (radius 3)
    convolve3/5      filter2D with the same kernels and scale
    resize_*         resize by 0.9, INTER_NEAREST / LINEAR / CUBIC / LANCZOS4
                     (OpenCV does not widen its kernels when shrinking;
                     zeropix does, so it reads more pixels per output)
    levels           LUT of the same gamma curve (1.8)
    invert           bitwise_not
    grayscale        cvtColor RGB -> GRAY
    threshold        threshold at 127, THRESH_BINARY (>= 128 -> 255)
"""
import argparse
import statistics
import sys
import time

try:
    import cv2
    import numpy as np
except ImportError as e:  # the runner skips the comparison
    print(f"kernels_opencv: {e}", file=sys.stderr)
    sys.exit(77)


def operations():
    k3 = np.array([[-1, -1, -1], [-1, 16, -1], [-1, -1, -1]], np.float32) / 8
    b = np.array([1, 4, 6, 4, 1], np.float32)
    k5 = np.outer(b, b) / 256
    lut = np.array([round(255 * (i / 255) ** (1 / 1.8)) for i in range(256)], np.uint8)

    def resize(interp):
        return lambda im: cv2.resize(im, None, fx=0.9, fy=0.9, interpolation=interp)

    return [
        ("blur", lambda im: cv2.GaussianBlur(im, (0, 0), 2)),
        ("box_blur", lambda im: cv2.blur(im, (7, 7))),
        ("convolve3", lambda im: cv2.filter2D(im, -1, k3)),
        ("convolve5", lambda im: cv2.filter2D(im, -1, k5)),
        ("resize_nearest", resize(cv2.INTER_NEAREST)),
        ("resize_bilinear", resize(cv2.INTER_LINEAR)),
        ("resize_bicubic", resize(cv2.INTER_CUBIC)),
        ("resize_lanczos3", resize(cv2.INTER_LANCZOS4)),
        ("levels", lambda im: cv2.LUT(im, lut)),
        ("invert", lambda im: cv2.bitwise_not(im)),
        ("grayscale", lambda im: cv2.cvtColor(im, cv2.COLOR_RGB2GRAY)),
        ("threshold", lambda im: cv2.threshold(im, 127, 255, cv2.THRESH_BINARY)[1]),
    ]


def median_seconds(fn, image, runs):
    fn(image)  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(image)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--csv")
    a = ap.parse_args()
    image = cv2.imread(a.image, cv2.IMREAD_UNCHANGED)
    if image is None:
        sys.exit(f"kernels_opencv: cannot read {a.image}")
    image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)  # the same channel order as zeropix
    h, w = image.shape[:2]
    mp = w * h / 1e6
    default_threads = cv2.getNumThreads()
    rows = []
    for name, fn in operations():
        mps = []
        for threads in (1, default_threads):
            cv2.setNumThreads(threads)
            mps.append(mp / median_seconds(fn, image, a.runs))
        rows.append((name, mps))
    cv2.setNumThreads(default_threads)

    print(f"OpenCV {cv2.__version__}: {w} x {h} RGB u8 ({mp:.1f} MP), median of {a.runs} runs "
          f"after a warm-up; default threads = {default_threads}")
    print(f"{'op':<21} {'MP/s 1t':>9} {'MP/s all':>9}")
    for name, (one, every) in rows:
        print(f"{name:<21} {one:9.1f} {every:9.1f}")
    if a.csv:
        with open(a.csv, "w") as f:
            f.write("op,threads,mps\n")
            for name, (one, every) in rows:
                f.write(f"{name},1,{one:.2f}\n{name},{default_threads},{every:.2f}\n")


if __name__ == "__main__":
    main()
