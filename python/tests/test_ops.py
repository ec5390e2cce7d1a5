"""test_ops.py: operations, saving and errors from Python: both forms of
apply() and their equality with the CLI (same bytes out), save/encode
options, metadata and properties, the exception classes with the CLI's
messages, and the GIL released during decode, filtering and encode."""
import array
import faulthandler
import os
import subprocess
import tempfile
import threading
import time
import unittest

import zeropix
from zpytest import CLI, GRADIENT, GRAY16, PHOTO, cli_stderr, needs_cli


def raw(img):
    return memoryview(img).tobytes()


class Apply(unittest.TestCase):
    def setUp(self):
        self.img = zeropix.open(PHOTO)

    def test_string_and_keyword_forms_agree(self):
        a = self.img.apply("crop:x=10,y=10,w=200,h=200", "blur:sigma=2")
        b = self.img.apply("crop:x=10,y=10,w=200,h=200 blur:sigma=2")      # one string, two ops
        c = self.img.apply(("crop", {"x": 10, "y": 10, "w": 200, "h": 200}), ("blur", {"sigma": 2.0}))
        d = self.img.apply("crop:10,10,200,200", ("blur", {"sigma": 2}))   # positional, mixed
        self.assertEqual(a.shape, (200, 200, 3))
        for other in (b, c, d):
            self.assertEqual(raw(a), raw(other))

    def test_keyword_values(self):
        kernel = [0, -1, 0, -1, 5, -1, 0, -1, 0]
        a = self.img.apply(("convolve", {"kernel": kernel}))
        b = self.img.apply("convolve:kernel=0;-1;0;-1;5;-1;0;-1;0")
        self.assertEqual(raw(a), raw(b))
        t = self.img.apply(("thumbnail", {"width": 50, "height": 50, "kernel": "bilinear",
                                          "upscale": True}))
        self.assertEqual(raw(t), raw(self.img.apply("thumbnail:50,50,kernel=bilinear,upscale=1")))
        self.assertEqual(raw(self.img.apply(("flip",))), raw(self.img.flip("x")))
        self.assertEqual(raw(self.img.apply(("levels", {"gamma": 1e-1 * 12}))),
                         raw(self.img.apply("levels:gamma=1.2")))

    def test_keyword_form_rejects_injection(self):
        with self.assertRaises(ValueError):
            self.img.apply(("blur", {"sigma": "2,radius=3"}))
        with self.assertRaises(ValueError):
            self.img.apply(("blur:sigma=2", {}))
        with self.assertRaises(TypeError):
            self.img.apply(("blur", {"sigma": object()}))
        with self.assertRaises(TypeError):
            self.img.apply(42)

    def test_threads_do_not_change_the_result(self):
        one = self.img.apply("resize:width=333", "sharpen", threads=1)
        four = self.img.apply("resize:width=333", "sharpen", threads=4)
        self.assertEqual(raw(one), raw(four))

    def test_no_operations_is_a_view(self):
        same = self.img.apply()
        self.assertEqual(same.address, self.img.address)

    def test_module_level_on_buffers(self):
        data = bytearray(range(256)) * 3                # 16 x 16 x 3
        out = zeropix.apply(data, "invert", "flip:y", shape=(16, 16, 3))
        self.assertEqual(memoryview(out)[15, 0, 0], 255)
        self.assertEqual(zeropix.apply(zeropix.Image(data, shape=(16, 16, 3)), "invert").shape,
                         (16, 16, 3))
        png = zeropix.encode(array.array("B", data), "png", shape=(16, 16, 3))
        self.assertEqual(raw(zeropix.open(png)), bytes(data))

    def test_max_pixels(self):
        with self.assertRaises(zeropix.LimitError):
            self.img.apply("resize:width=5000", max_pixels=1000000)
        self.assertEqual(self.img.apply("resize:width=5000", max_pixels=0).width, 5000)

    def test_filters(self):
        f = zeropix.filters()
        for name in ("crop", "blur", "resize", "thumbnail", "invert"):
            self.assertIn(name, f)
        self.assertIn("Gaussian", f["blur"])


@needs_cli
class SameAsCli(unittest.TestCase):
    """The binding and the command line run the same code: the same file
    in, the same operations, the same bytes out."""

    def test_convert_with_operations(self):
        ops = ["crop:x=10,y=10,w=200,h=200", "blur:sigma=2", "rotate:90"]
        with tempfile.TemporaryDirectory() as d:
            for ext in ("png", "jpg"):
                by_cli, by_py = os.path.join(d, "cli." + ext), os.path.join(d, "py." + ext)
                subprocess.run([CLI, "convert", "-q", "85", PHOTO, by_cli, *ops], check=True)
                zeropix.open(PHOTO).apply(*ops).save(by_py, quality=85)
                with open(by_cli, "rb") as a, open(by_py, "rb") as b:
                    self.assertEqual(a.read(), b.read(), ext)

    def test_convert_16bit(self):
        with tempfile.TemporaryDirectory() as d:
            by_cli, by_py = os.path.join(d, "cli.png"), os.path.join(d, "py.png")
            subprocess.run([CLI, "convert", "--compression", "9", GRAY16, by_cli, "resize:200"],
                           check=True)
            zeropix.open(GRAY16).apply(("resize", {"width": 200})).save(by_py, compression=9)
            with open(by_cli, "rb") as a, open(by_py, "rb") as b:
                self.assertEqual(a.read(), b.read())


class Errors(unittest.TestCase):
    """Exceptions carry the message the CLI prints after 'zeropix: ' (or
    after 'zeropix convert: ' for mistakes in a chain)."""

    def assert_like_cli(self, exc, args, prefix="zeropix: "):
        if not CLI:
            return
        rc, line = cli_stderr(*args)
        self.assertNotEqual(rc, 0)
        self.assertTrue(line.startswith(prefix), line)
        self.assertEqual(str(exc), line[len(prefix):])

    def test_unknown_filter(self):
        with self.assertRaises(zeropix.OperationError) as cm:
            zeropix.open(PHOTO).apply("blurr")
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertIsInstance(e, zeropix.Error)
        self.assertEqual(str(e), "operation 1 'blurr': unknown filter (did you mean 'blur'?)")
        self.assert_like_cli(e, ["convert", PHOTO, "/tmp/x.png", "blurr"], "zeropix convert: ")

    def test_unknown_parameter_in_keyword_form(self):
        with self.assertRaises(zeropix.OperationError) as cm:
            zeropix.open(PHOTO).apply("invert", ("resize", {"widht": 3}))
        self.assertEqual(str(cm.exception),
                         "operation 2 'resize': unknown parameter 'widht' (did you mean 'width'?)")

    def test_chain_that_does_not_fit(self):
        with self.assertRaises(zeropix.OperationError) as cm:
            zeropix.open(PHOTO).apply("crop:x=0,y=0,w=9999,h=1")
        self.assertTrue(str(cm.exception).startswith(PHOTO + ": operation 1 'crop': "))
        self.assertEqual(cm.exception.path, PHOTO)
        self.assert_like_cli(cm.exception, ["convert", PHOTO, "/tmp/x.png", "crop:x=0,y=0,w=9999,h=1"])

    def test_missing_file(self):
        path = "/nonexistent/zeropix/in.png"
        with self.assertRaises(zeropix.FileError) as cm:
            zeropix.open(path)
        e = cm.exception
        self.assertIsInstance(e, OSError)
        self.assertEqual(str(e), path + ": cannot open: No such file or directory")
        self.assertEqual((e.path, e.status), (path, "input/output error"))
        self.assert_like_cli(e, ["convert", path, "/tmp/x.png"])

    def test_truncated_and_unknown(self):
        with tempfile.TemporaryDirectory() as d:
            cut = os.path.join(d, "cut.png")
            with open(GRADIENT, "rb") as f, open(cut, "wb") as g:
                g.write(f.read(300))
            with self.assertRaises(zeropix.FormatError) as cm:
                zeropix.open(cut)
            self.assertIsInstance(cm.exception, ValueError)
            self.assertEqual(cm.exception.status, "truncated data")
            self.assert_like_cli(cm.exception, ["convert", cut, os.path.join(d, "x.png")])
        with self.assertRaises(zeropix.FormatError) as cm:
            zeropix.open(b"GIF89a not really")
        self.assertTrue(str(cm.exception).startswith("<bytes>: "))

    def test_limit(self):
        with self.assertRaises(zeropix.LimitError) as cm:
            zeropix.open(PHOTO, max_pixels=1000)
        self.assertIn("over the limit of 1000 pixels (max_pixels)", str(cm.exception))
        self.assertIn("max_pixels=0", str(cm.exception))
        if CLI:
            _, line = cli_stderr("convert", "--max-pixels", "1000", PHOTO, "/tmp/x.png")
            self.assertEqual(str(cm.exception).split(" (max_pixels=N")[0],
                             line[len("zeropix: "):].split(" (--max-pixels")[0])
        self.assertEqual(zeropix.open(PHOTO, limits=False).width, 480)

    def test_unwritable_output(self):
        out = "/nonexistent/zeropix/out.png"
        with self.assertRaises(zeropix.FileError) as cm:
            zeropix.open(GRADIENT).save(out)
        self.assertTrue(str(cm.exception).startswith(out + ": "))
        self.assert_like_cli(cm.exception, ["convert", GRADIENT, out])

    def test_argument_errors(self):
        img = zeropix.open(GRADIENT)
        with self.assertRaises(ValueError) as cm:
            img.save("/tmp/x.gif")
        self.assertIn("cannot tell the output format from '/tmp/x.gif'", str(cm.exception))
        for kwargs in ({"quality": 0}, {"subsampling": 411}, {"compression": 10}, {"depth": 12},
                       {"format": "gif"}):
            with self.assertRaises(ValueError, msg=str(kwargs)):
                img.encode(kwargs.pop("format", "png"), **kwargs)
        with self.assertRaises(ValueError):
            img.encode("jpeg", depth=16)
        with self.assertRaises(TypeError):
            zeropix.open(12)
        with self.assertRaises(TypeError):
            zeropix.Image("not a buffer")
        with self.assertRaises(ValueError):
            img.apply("invert", threads=-1)


class SaveAndMetadata(unittest.TestCase):
    def test_properties(self):
        img = zeropix.open(PHOTO)
        self.assertEqual((img.format, img.orientation, img.bit_depth), ("jpeg", 6, 8))
        self.assertEqual((len(img.icc), len(img.exif)), (504, 107))
        self.assertEqual(img.name, PHOTO)
        part = img.crop(0, 0, 10, 10)                    # derived images keep the file facts
        self.assertIs(part.icc, img.icc)
        self.assertEqual(part.format, "jpeg")
        png = zeropix.open(GRADIENT)
        self.assertEqual((png.icc, png.exif, png.format), (None, None, "png"))
        self.assertIsNone(zeropix.new(2, 2).format)
        self.assertIsNone(zeropix.open(PHOTO, metadata=False).icc)
        self.assertIn("480x640 3ch u8", repr(img))

    def test_options(self):
        img = zeropix.open(PHOTO)
        low, high = img.encode("jpeg", quality=30), img.encode("jpeg", quality=95)
        self.assertLess(len(low), len(high))
        self.assertNotEqual(img.encode("jpeg", progressive=True), img.encode("jpeg"))
        self.assertEqual(zeropix.open(img.encode("jpeg", subsampling=444)).shape, img.shape)
        self.assertLess(len(img.encode("png", compression=9)), len(img.encode("png", compression=0)))
        self.assertEqual(zeropix.open(img.encode("png", depth=16)).dtype, "u16")
        kept = zeropix.open(img.encode("png"))
        self.assertEqual(kept.icc, img.icc)
        self.assertEqual(kept.exif, img.exif)
        self.assertEqual(kept.orientation, 1)           # pixels upright: the tag was reset
        stripped = zeropix.open(img.encode("png", strip=True))
        self.assertIsNone(stripped.icc)
        self.assertIsNone(stripped.exif)

    def test_save_to_path(self):
        img = zeropix.open(GRADIENT)
        with tempfile.TemporaryDirectory() as d:
            import pathlib
            p = pathlib.Path(d) / "out.dat"
            img.save(p, format="png")                    # PathLike, format given
            self.assertEqual(raw(zeropix.open(p)), raw(img))
            q = os.path.join(d, "out.ppm")
            img.save(q)                                  # from the extension; alpha dropped
            self.assertEqual(zeropix.open(q).channels, 3)
            zeropix.save(bytearray(48), os.path.join(d, "flat.png"), shape=(4, 4, 3))
            self.assertEqual(zeropix.open(os.path.join(d, "flat.png")).shape, (4, 4, 3))

    def test_open_from_buffers(self):
        data = open(GRADIENT, "rb").read()
        for source in (data, bytearray(data), memoryview(data), array.array("B", data)):
            self.assertEqual(zeropix.open(source).shape, (192, 256, 4))


def max_gap_while(fn):
    """Run fn() while a Python thread ticks every millisecond; return (the
    longest stretch during fn's call in which the ticker could not run, the
    call's duration). A call that held the GIL throughout stalls the ticker
    for all of it."""
    ticks, done = [], threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    time.sleep(0.02)
    start = time.perf_counter()
    fn()
    end = time.perf_counter()
    time.sleep(0.02)
    done.set()
    t.join()
    before = [x for x in ticks if x < start][-1:]
    after = [x for x in ticks if x > end][:1]
    seq = before + [x for x in ticks if start <= x <= end] + after
    return max(b - a for a, b in zip(seq, seq[1:])), end - start


class GilReleased(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.big = zeropix.open(PHOTO).apply("resize:width=1200")   # 1200 x 1600

    def setUp(self):
        faulthandler.dump_traceback_later(120, exit=True)  # a held GIL would hang, not fail

    def tearDown(self):
        faulthandler.cancel_dump_traceback_later()

    def check(self, fn, what):
        gap, took = max_gap_while(fn)
        if took < 0.1:
            self.skipTest("%s took %.3f s: too fast to tell" % (what, took))
        self.assertLess(gap, took / 2, "%s: other threads stalled %.3f s of %.3f s" % (what, gap, took))

    def test_filtering(self):
        # a blur costs in proportion to sigma: pick one that takes ~0.3 s here
        start = time.perf_counter()
        self.big.apply("blur:sigma=4", threads=1)
        sigma = min(64.0, max(4.0, 4 * 0.3 / (time.perf_counter() - start)))
        self.check(lambda: self.big.apply("blur:sigma=%.1f" % sigma, threads=1), "apply")

    def test_encoding(self):
        self.check(lambda: self.big.encode("png"), "encode")

    def test_decoding_from_a_pipe(self):
        # Deterministic: open() blocks reading a FIFO that only this Python
        # thread writes to. If the GIL were held there, this would hang.
        with tempfile.TemporaryDirectory() as d:
            fifo = os.path.join(d, "in.png")
            os.mkfifo(fifo)
            with open(GRADIENT, "rb") as f:
                data = f.read()

            def feed():
                with open(fifo, "wb") as w:
                    w.write(data)

            box = {}
            reader = threading.Thread(target=lambda: box.update(img=zeropix.open(fifo)))
            reader.start()
            feed()
            reader.join()
            self.assertEqual(raw(box["img"]), raw(zeropix.open(GRADIENT)))
            target = zeropix.new(256, 192, 4)
            writer = threading.Thread(target=feed)
            writer.start()
            zeropix.decode_into(fifo, target)
            writer.join()
            self.assertEqual(raw(target), raw(zeropix.open(GRADIENT)))


if __name__ == "__main__":
    unittest.main()
