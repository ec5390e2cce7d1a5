#!/usr/bin/python3
"""bench/peers.py: the OpenCV and Pillow sides of bench/peers.sh.

    peers.py TOOL PIPELINE IN OUT [CROP_W CROP_H]
    peers.py TOOL P6 PHOTO_DIR OUT_DIR

TOOL is opencv or pillow; PIPELINE P1..P6 as in bench/peers.sh. Each tool
runs with its own defaults except where the pipeline fixes a setting:
JPEG quality 90, 4:2:0, no Huffman optimisation, baseline.

OpenCV (cv2 4.6): one thread per process (cv2.setNumThreads(1) only in P6,
where two processes share the two cores). JPEG: IMWRITE_JPEG_QUALITY 90;
its defaults are 4:2:0, baseline, IMWRITE_JPEG_OPTIMIZE 0. PNG: imwrite's
defaults (zlib level 1, Z_RLE, Sub filter on every row).
Pillow (PIL 9.4): JPEG quality=90, subsampling=2 (4:2:0), optimize=False;
PNG: save defaults (zlib level 6, Pillow's filter choice).
"""
import os
import sys
from multiprocessing import Pool

KERNEL = [-1, -1, -1, -1, 16, -1, -1, -1, -1]  # / 8


def run_opencv(pipeline, src, dst, crop_w=0, crop_h=0):
    import cv2
    import numpy as np

    jpeg = [cv2.IMWRITE_JPEG_QUALITY, 90, cv2.IMWRITE_JPEG_OPTIMIZE, 0]
    if pipeline == "P5":
        # Shrink on load: the JPEG decoder's 1/8 DCT scaling, then area.
        img = cv2.imread(src, cv2.IMREAD_REDUCED_COLOR_8)
        h = max(1, round(img.shape[0] * 256 / img.shape[1]))
        cv2.imwrite(dst, cv2.resize(img, (256, h), interpolation=cv2.INTER_AREA), jpeg)
        return
    img = cv2.imread(src, cv2.IMREAD_COLOR)
    if pipeline == "P1":
        cv2.imwrite(dst, img)
    elif pipeline == "P2":
        cv2.imwrite(dst, img[100:100 + crop_h, 100:100 + crop_w], jpeg)
    elif pipeline == "P3":
        cv2.imwrite(dst, cv2.GaussianBlur(img, (0, 0), 2), jpeg)
    elif pipeline == "P4":
        img = img[100:100 + crop_h, 100:100 + crop_w]
        w, h = round(crop_w * 0.9), round(crop_h * 0.9)
        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
        k = np.array(KERNEL, dtype=np.float32).reshape(3, 3) / 8
        cv2.imwrite(dst, cv2.filter2D(img, -1, k), jpeg)
    else:
        raise SystemExit("unknown pipeline " + pipeline)


def run_pillow(pipeline, src, dst, crop_w=0, crop_h=0):
    from PIL import Image, ImageFilter

    jpeg = dict(quality=90, subsampling=2, optimize=False, progressive=False)
    img = Image.open(src)
    if pipeline == "P5":
        img.thumbnail((256, 1 << 20))  # draft (DCT scaling) + resize
        img.save(dst, **jpeg)
        return
    if pipeline == "P1":
        img.save(dst)
    elif pipeline == "P2":
        img.crop((100, 100, 100 + crop_w, 100 + crop_h)).save(dst, **jpeg)
    elif pipeline == "P3":
        img.filter(ImageFilter.GaussianBlur(2)).save(dst, **jpeg)
    elif pipeline == "P4":
        img = img.crop((100, 100, 100 + crop_w, 100 + crop_h))
        img = img.resize((round(crop_w * 0.9), round(crop_h * 0.9)), Image.LANCZOS)
        img.filter(ImageFilter.Kernel((3, 3), KERNEL, scale=8)).save(dst, **jpeg)
    else:
        raise SystemExit("unknown pipeline " + pipeline)


def p6_one(job):
    tool, src, dst = job
    if tool == "opencv":
        import cv2
        cv2.setNumThreads(1)
        cv2.imwrite(dst, cv2.GaussianBlur(cv2.imread(src, cv2.IMREAD_COLOR), (0, 0), 1.5))
    else:
        from PIL import Image, ImageFilter
        Image.open(src).filter(ImageFilter.GaussianBlur(1.5)).save(dst)


def main():
    tool, pipeline = sys.argv[1], sys.argv[2]
    if pipeline == "P6":
        src_dir, out_dir = sys.argv[3], sys.argv[4]
        os.makedirs(out_dir, exist_ok=True)
        jobs = [(tool, os.path.join(src_dir, n), os.path.join(out_dir, n[:-4] + ".png"))
                for n in sorted(os.listdir(src_dir)) if n.endswith(".jpg")]
        with Pool(2) as pool:
            pool.map(p6_one, jobs, chunksize=1)
        return
    src, dst = sys.argv[3], sys.argv[4]
    crop = [int(a) for a in sys.argv[5:7]] if len(sys.argv) > 6 else [0, 0]
    (run_opencv if tool == "opencv" else run_pillow)(pipeline, src, dst, *crop)


if __name__ == "__main__":
    main()
