"""test_sample.py: samples/python/thumbnails.py run as a user would, on the
bundled samples into a temporary folder, and on a folder with a broken
file (reported, the rest still done, exit status 1)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import zeropix
from zpytest import GRADIENT, SAMPLES

SCRIPT = os.path.join(SAMPLES, "python", "thumbnails.py")


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          env=dict(os.environ))


class Thumbnails(unittest.TestCase):
    def test_bundled_samples(self):
        with tempfile.TemporaryDirectory() as out:
            p = run("--size", "64", "--workers", "3", SAMPLES, out)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            expected = {"photo.jpg": (48, 64, "u8"), "gradient.png": (64, 48, "u8"),
                        "gray16.png": (64, 16, "u16")}
            self.assertEqual(sorted(os.listdir(out)), sorted(expected))
            for name, (w, h, dtype) in expected.items():
                thumb = zeropix.open(os.path.join(out, name))
                self.assertEqual((thumb.width, thumb.height, thumb.dtype), (w, h, dtype), name)
                self.assertIn("%s: " % name, p.stdout)
            self.assertIn("3 thumbnails, 0 failed", p.stdout)

    def test_broken_file_is_reported_and_the_rest_done(self):
        with tempfile.TemporaryDirectory() as d:
            src, out = os.path.join(d, "in"), os.path.join(d, "out")
            os.mkdir(src)
            shutil.copy(GRADIENT, src)
            with open(os.path.join(src, "broken.jpg"), "wb") as f:
                f.write(b"\xff\xd8\xff\xe0 not a real JPEG")
            with open(os.path.join(src, "notes.txt"), "w") as f:
                f.write("not an image, not looked at\n")
            p = run("--size", "32", "--format", "png", src, out)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("broken.jpg: FAILED: %s: " % os.path.join(src, "broken.jpg"), p.stdout)
            self.assertEqual(os.listdir(out), ["gradient.png"])
            self.assertIn("1 thumbnail, 1 failed", p.stdout)

    def test_usage(self):
        p = run("--size", "0", SAMPLES, "/tmp/unused")
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
