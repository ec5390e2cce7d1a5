"""test_lifetime.py: who keeps whom alive. An exported buffer keeps its
Image (and so the pixels); an Image over another object's memory keeps
that object's buffer until the last view of it goes; an Image with live
exports refuses to drop or replace its memory; and nothing leaks over many
iterations (reference counts, Python allocations, resident memory)."""
import array
import gc
import sys
import threading
import tracemalloc
import unittest
import weakref

import zeropix
from zpytest import GRADIENT, PHOTO, SANITIZED, rss_bytes


def make_exporter(h=6, w=5, c=3):
    """array.array: has the buffer protocol, supports weakrefs, and refuses
    to resize while a buffer of it is exported: three things to check."""
    return array.array("B", bytes(range(h * w * c)))


class ProviderLifetime(unittest.TestCase):
    def test_export_keeps_image_alive(self):
        img = zeropix.open(GRADIENT)
        wr = weakref.ref(img)
        m = memoryview(img)
        self.assertEqual(img.exports, 1)
        expected = m.tobytes()
        del img
        gc.collect()
        self.assertIsNotNone(wr())                  # the export holds it
        self.assertEqual(m.tobytes(), expected)     # the pixels are still there
        m.release()
        gc.collect()
        self.assertIsNone(wr())

    def test_export_count(self):
        img = zeropix.new(4, 4)
        a, b = memoryview(img), memoryview(img)
        self.assertEqual(img.exports, 2)
        a.release()
        self.assertEqual(img.exports, 1)
        b.release()
        self.assertEqual(img.exports, 0)

    def test_free_or_resize_refused_while_exported(self):
        img = zeropix.open(GRADIENT)
        m = memoryview(img)
        with self.assertRaises(BufferError) as cm:
            img.release()
        self.assertIn("1 exported buffer", str(cm.exception))
        with self.assertRaises(BufferError):
            img.apply("resize:width=10", inplace=True)
        with self.assertRaises(BufferError):
            with img:
                pass
        self.assertEqual(img.shape, (192, 256, 4))  # untouched
        self.assertEqual(m[0, 0, 3], memoryview(zeropix.open(GRADIENT))[0, 0, 3])
        m.release()
        img.apply("resize:width=10", inplace=True)  # now both are allowed
        self.assertEqual(img.width, 10)
        img.release()
        self.assertTrue(img.released)

    def test_views_keep_memory_after_parent_release(self):
        img = zeropix.open(GRADIENT)
        expected = memoryview(img.crop(1, 2, 3, 4)).tobytes()
        part = img.crop(1, 2, 3, 4)
        img.release()                               # drops only img's reference
        self.assertEqual(memoryview(part).tobytes(), expected)

    def test_with_statement_releases(self):
        with zeropix.open(GRADIENT) as img:
            self.assertEqual(img.width, 256)
        self.assertTrue(img.released)


class ConsumerLifetime(unittest.TestCase):
    def test_exporter_alive_while_a_view_lives(self):
        src = make_exporter()
        wr = weakref.ref(src)
        img = zeropix.Image(src, shape=(6, 5, 3))
        part = img.crop(1, 1, 2, 2).flip("x")
        m = memoryview(part)
        del src, img, part
        gc.collect()
        self.assertIsNotNone(wr())                  # m -> part -> zp_buffer -> Py_buffer -> src
        self.assertEqual(m[0, 0, 0], (1 * 5 + 2) * 3)
        m.release()
        gc.collect()
        self.assertIsNone(wr())

    def test_exporter_buffer_held_until_last_view_released(self):
        src = make_exporter()
        img = zeropix.Image(src, shape=(6, 5, 3))
        view = img.transpose()
        with self.assertRaises(BufferError):
            src.append(0)                           # array cannot resize while exported
        img.release()
        with self.assertRaises(BufferError):
            src.append(0)                           # view still holds it
        del view
        src.append(0)                               # all views gone: buffer given back

    def test_refcount_of_exporter(self):
        src = make_exporter()
        base = sys.getrefcount(src)
        img = zeropix.Image(src, shape=(6, 5, 3))
        views = [img.crop(0, 0, 2, 2), img.flip("y"), img.apply("flip:x")]
        self.assertEqual(sys.getrefcount(src), base + 1)  # one Py_buffer for all of them
        del img, views
        self.assertEqual(sys.getrefcount(src), base)

    def test_processing_result_does_not_hold_exporter(self):
        src = make_exporter()
        base = sys.getrefcount(src)
        out = zeropix.apply(src, "invert", shape=(6, 5, 3))
        self.assertEqual(sys.getrefcount(src), base)      # pixel result: new memory
        self.assertEqual(memoryview(out)[0, 0, 1], 254)

    def test_last_reference_dropped_in_another_thread(self):
        src = make_exporter()
        wr = weakref.ref(src)
        box = [zeropix.Image(src, shape=(6, 5, 3))]
        del src
        t = threading.Thread(target=box.clear)      # the release callback runs there
        t.start()
        t.join()
        gc.collect()
        self.assertIsNone(wr())

    def test_failed_wrap_gives_the_buffer_back(self):
        src = make_exporter()
        base = sys.getrefcount(src)
        with self.assertRaises(ValueError):
            zeropix.Image(src, shape=(6, 5, 2))     # wrong size
        with self.assertRaises(ValueError):
            zeropix.Image(src)                      # 1-D without shape
        self.assertEqual(sys.getrefcount(src), base)
        src.append(0)                               # not exported any more


class NoLeak(unittest.TestCase):
    def cycle(self, src, png):
        img = zeropix.open(PHOTO)
        m = memoryview(img.crop(3, 4, 50, 60).rotate(90))
        again = zeropix.Image(m)
        small = again.apply("resize:width=16", ("flip", {"axis": "y"}))
        with self.assertRaises(BufferError):
            m.release()                              # `again` holds a buffer of it
        del again
        m.release()
        wrapped = zeropix.Image(src, shape=(6, 5, 3)).transpose()
        wrapped.apply("invert").encode("png")
        zeropix.decode_into(png, zeropix.new(256, 192, 4).flip("x"))
        with self.assertRaises(zeropix.OperationError):
            img.apply("crop:x=0,y=0,w=9999,h=1")
        with self.assertRaises(zeropix.FormatError):
            zeropix.open(b"not an image")
        return small.width

    def test_many_iterations(self):
        src = make_exporter()
        png = zeropix.open(GRADIENT).encode("png")
        for _ in range(20):                          # warm up caches and allocators
            self.cycle(src, png)
        gc.collect()
        refs = sys.getrefcount(src)
        rss = rss_bytes()
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        for _ in range(300):
            self.cycle(src, png)
        gc.collect()
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
        self.assertEqual(sys.getrefcount(src), refs)
        self.assertLess(grown, 256 * 1024, "Python allocations grew by %d bytes" % grown)
        # Each cycle decodes 0.9 MB of pixels: a leak of them would show as
        # hundreds of MB. (Not under ASan, whose quarantine keeps freed memory.)
        if rss is not None and not SANITIZED:
            self.assertLess(rss_bytes() - rss, 32 << 20)


if __name__ == "__main__":
    unittest.main()
