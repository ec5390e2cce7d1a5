#!/usr/bin/env python3
"""check_reference.py: the sample plugin's filters checked against a
reference written here from their definitions, through the zeropix tool.

    check_reference.py ZEROPIX PLUGIN.so WORKDIR

Writes test images (8-bit RGB PPM, 16-bit gray PGM, odd sizes) into WORKDIR,
runs `ZEROPIX convert --plugin PLUGIN.so IN OUT OPERATION` on them and
compares every output sample with the reference: posterize and despeckle
exactly, vignette within 1 (the reference computes in the same double
arithmetic, but a C compiler may contract a multiply-add). Standard library
only; exit 0 when every sample matches.
"""
import math
import os
import random
import subprocess
import sys


def write_pnm(path, width, height, channels, maxval, samples):
    with open(path, "wb") as f:
        f.write(b"P%d\n%d %d\n%d\n" % (6 if channels == 3 else 5, width, height, maxval))
        if maxval < 256:
            f.write(bytes(samples))
        else:
            f.write(b"".join(v.to_bytes(2, "big") for v in samples))


def read_pnm(path):
    """(width, height, channels, maxval, samples) of a binary PGM/PPM."""
    data = open(path, "rb").read()
    fields, pos = [], 2
    while len(fields) < 3:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(int(data[start:pos]))
    pos += 1  # the single whitespace byte before the pixels
    width, height, maxval = fields
    channels = 3 if data[:2] == b"P6" else 1
    raw = data[pos:]
    if maxval < 256:
        samples = list(raw)
    else:
        samples = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
    return width, height, channels, maxval, samples


def clamp_round(v, maxval):
    """As the plugin stores integers: round half up, clamp."""
    return 0 if not v > 0 else maxval if v >= maxval else int(v + 0.5)


# ---- The filters, from their definitions ------------------------------------

def vignette(img, strength=0.5, radius=1.0, softness=0.5, shape="circle"):
    w, h, ch, maxval, s = img
    outer, inner = radius, radius * (1.0 - softness)
    if shape == "ellipse":
        sx, sy = 1.0 / (0.5 * w * math.sqrt(2.0)), 1.0 / (0.5 * h * math.sqrt(2.0))
    else:
        sx = sy = 1.0 / (0.5 * math.sqrt(float(w) * w + float(h) * h))
    out = []
    for y in range(h):
        py = (y + 0.5 - 0.5 * h) * sy
        for x in range(w):
            px = (x + 0.5 - 0.5 * w) * sx
            d = math.sqrt(px * px + py * py)
            if d <= inner:
                gain = 1.0
            elif d >= outer:
                gain = 1.0 - strength
            else:
                t = (d - inner) / (outer - inner)
                gain = 1.0 - strength * (t * t * (3.0 - 2.0 * t))
            out.extend(clamp_round(v * gain, maxval) for v in s[(y * w + x) * ch:(y * w + x + 1) * ch])
    return out


def posterize(img, levels=4):
    w, h, ch, maxval, s = img
    n = levels - 1
    out = []
    for v in s:
        q = (2 * v * n + maxval) // (2 * maxval)
        out.append((2 * q * maxval + n) // (2 * n))
    return out


def despeckle(img, radius=1):
    w, h, ch, maxval, s = img
    out = []
    for y in range(h):
        for x in range(w):
            for c in range(ch):
                window = sorted(
                    s[(min(max(wy, 0), h - 1) * w + min(max(wx, 0), w - 1)) * ch + c]
                    for wy in range(y - radius, y + radius + 1)
                    for wx in range(x - radius, x + radius + 1))
                out.append(window[len(window) // 2])
    return out


# ---- Test images and cases ---------------------------------------------------

def make_images(workdir):
    rnd = random.Random(1234)
    w, h = 97, 150  # odd, and taller than one band of rows
    rgb = []
    for y in range(h):
        for x in range(w):
            base = [x * 255 // (w - 1), y * 255 // (h - 1), (x + y) * 255 // (w + h - 2)]
            speck = rnd.random() < 0.03
            rgb.extend(rnd.choice((0, 255)) if speck else v for v in base)
    write_pnm(os.path.join(workdir, "rgb.ppm"), w, h, 3, 255, rgb)
    w, h = 61, 83
    gray = [(x * 1103 + y * 787 + rnd.randrange(300)) % 65536 for y in range(h) for x in range(w)]
    write_pnm(os.path.join(workdir, "gray16.pgm"), w, h, 1, 65535, gray)
    return ["rgb.ppm", "gray16.pgm"]


CASES = [  # (operation, reference, tolerance)
    ("vignette", lambda i: vignette(i), 1),
    ("vignette:strength=0.8,radius=0.7,softness=0.3", lambda i: vignette(i, 0.8, 0.7, 0.3), 1),
    ("vignette:strength=1,radius=0.8,softness=0,shape=ellipse",
     lambda i: vignette(i, 1.0, 0.8, 0.0, "ellipse"), 1),
    ("posterize:levels=2", lambda i: posterize(i, 2), 0),
    ("posterize:5", lambda i: posterize(i, 5), 0),
    ("posterize:levels=256", lambda i: posterize(i, 256), 0),
    ("despeckle", lambda i: despeckle(i, 1), 0),
    ("despeckle:radius=2", lambda i: despeckle(i, 2), 0),
]


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: check_reference.py ZEROPIX PLUGIN.so WORKDIR")
    zeropix, plugin, workdir = sys.argv[1:]
    os.makedirs(workdir, exist_ok=True)
    failures = 0
    for name in make_images(workdir):
        src = os.path.join(workdir, name)
        img = read_pnm(src)
        for k, (op, reference, tolerance) in enumerate(CASES):
            dst = os.path.join(workdir, "out%d-%s" % (k, name))
            run = subprocess.run([zeropix, "convert", "--plugin", plugin, src, dst, op],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print("FAIL %s on %s: exit %d: %s" % (op, name, run.returncode, run.stderr.strip()))
                failures += 1
                continue
            got = read_pnm(dst)
            want = reference(img)
            if got[:4] != img[:4] or len(got[4]) != len(want):
                print("FAIL %s on %s: shape %s, expected %s" % (op, name, got[:4], img[:4]))
                failures += 1
                continue
            bad = [i for i, (g, e) in enumerate(zip(got[4], want)) if abs(g - e) > tolerance]
            if bad:
                i = bad[0]
                w, ch = img[0], img[2]
                print("FAIL %s on %s: %d samples off; first at x=%d y=%d c=%d: %d, expected %d"
                      % (op, name, len(bad), i // ch % w, i // ch // w, i % ch, got[4][i], want[i]))
                failures += 1
            else:
                print("ok   %s on %s" % (op, name))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
