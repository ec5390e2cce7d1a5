"""test_numpy.py: zero copy between NumPy and zeropix, in both directions,
shown by data addresses: numpy.asarray(img) points where zeropix says its
pixels are, before and after view operations; an array (a negative-stride
slice included) is processed where it lies; decode_into writes into a
region of an existing array. Skipped when NumPy is not installed."""
import unittest

import zeropix
from zpytest import GRADIENT, GRAY16, PHOTO, address, needs_numpy, numpy as np


def data_ptr(a):
    return a.__array_interface__["data"][0]


@needs_numpy
class ImageToNumpy(unittest.TestCase):
    def test_asarray_shares_memory(self):
        img = zeropix.open(GRADIENT)
        a = np.asarray(img)
        self.assertEqual(data_ptr(a), img.address)
        self.assertEqual(a.shape, img.shape)
        self.assertEqual(a.strides, img.strides)
        self.assertEqual(a.dtype, np.uint8)
        self.assertTrue(a.flags.writeable)
        a[5, 6, 0] = 123                              # NumPy writes, zeropix sees
        self.assertEqual(np.asarray(img.crop(6, 5, 1, 1).copy())[0, 0, 0], 123)

    def test_dtypes(self):
        self.assertEqual(np.asarray(zeropix.open(GRAY16)).dtype, np.uint16)
        self.assertEqual(np.asarray(zeropix.open(GRAY16)).shape, (128, 512, 1))
        f = zeropix.open(GRADIENT).copy(dtype="f32")
        self.assertEqual(np.asarray(f).dtype, np.float32)

    def test_zero_copy_before_and_after_view_operations(self):
        img = zeropix.open(PHOTO)                     # itself a rotated view of the stored rows
        base = np.asarray(img)
        self.assertEqual(data_ptr(base), img.address)
        self.assertEqual(address(memoryview(img)), img.address)
        views = {
            "crop": (img.crop(10, 20, 100, 50), base[20:70, 10:110]),
            "flip x": (img.flip("x"), base[:, ::-1]),
            "flip y": (img.flip("y"), base[::-1]),
            "transpose": (img.transpose(), base.transpose(1, 0, 2)),
            "rotate 90": (img.rotate(90), np.rot90(base, k=-1)),
            "rotate 270": (img.rotate(270), np.rot90(base, k=1)),
            "bgr": (img.extract(2, 1, 0), base[:, :, ::-1]),
            "step": (img.step(3, 2), base[::2, ::3]),
            "apply": (img.apply("crop:x=10,y=20,w=100,h=50", "rotate:180"), base[20:70, 10:110][::-1, ::-1]),
        }
        for what, (view, expected) in views.items():
            with self.subTest(what):
                a = np.asarray(view)
                self.assertEqual(data_ptr(a), view.address)          # what NumPy sees = what zeropix says
                self.assertEqual(data_ptr(a), data_ptr(expected))     # = the same bytes NumPy computes
                self.assertEqual(a.strides, expected.strides)
                self.assertTrue(np.shares_memory(a, base))
                np.testing.assert_array_equal(a, expected)

    def test_array_keeps_image_alive(self):
        a = np.asarray(zeropix.open(GRADIENT).crop(0, 0, 8, 8))
        import gc
        gc.collect()
        np.testing.assert_array_equal(a, np.asarray(zeropix.open(GRADIENT))[:8, :8])


@needs_numpy
class NumpyToZeropix(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(7)
        self.base = rng.integers(0, 256, size=(60, 80, 3), dtype=np.uint8)

    def test_wrap_is_zero_copy(self):
        img = zeropix.Image(self.base)
        self.assertEqual(img.address, data_ptr(self.base))
        self.assertEqual(img.strides, self.base.strides)
        self.base[1, 2, 0] = 7                        # zeropix sees NumPy's writes
        self.assertEqual(memoryview(img)[1, 2, 0], 7)
        self.assertEqual(data_ptr(np.asarray(img)), data_ptr(self.base))  # and back again

    def test_negative_stride_slice_processed_without_copy(self):
        s = self.base[::-1, ::2]                      # rows reversed, every other column
        self.assertLess(s.strides[0], 0)
        img = zeropix.Image(s)
        self.assertEqual(img.address, data_ptr(s))
        self.assertEqual(img.strides, s.strides)
        self.assertEqual(img.shape, s.shape)
        # a write into the base after wrapping is seen: it is the same memory
        self.base[-1, 0, 1] = 201
        self.assertEqual(memoryview(img)[0, 0, 1], 201)
        # pixel processing reads it in place
        inv = zeropix.apply(s, "invert")
        np.testing.assert_array_equal(np.asarray(inv), 255 - s)
        blurred = zeropix.apply(s, "blur:sigma=1.5", threads=2)
        np.testing.assert_array_equal(np.asarray(blurred),
                                      np.asarray(zeropix.apply(np.ascontiguousarray(s), "blur:sigma=1.5")))
        # view processing stays inside the base array
        part = zeropix.apply(s, "crop:x=1,y=2,w=5,h=4", "flip:x")
        a = np.asarray(part)
        self.assertTrue(np.shares_memory(a, self.base))
        self.assertEqual(data_ptr(a), data_ptr(s[2:6, 1:6][:, ::-1]))
        np.testing.assert_array_equal(a, s[2:6, 1:6][:, ::-1])

    def test_non_contiguous_and_2d(self):
        gray = self.base[:, :, 1]                     # 2-D, stride 3 between pixels
        img = zeropix.Image(gray)
        self.assertEqual(img.shape, (60, 80, 1))
        self.assertEqual(img.strides[:2], gray.strides)
        self.assertEqual(img.address, data_ptr(gray))
        np.testing.assert_array_equal(np.asarray(img)[:, :, 0], gray)
        two = zeropix.Image(self.base[:, :, ::2])     # R and B
        self.assertEqual(two.channels, 2)
        self.assertEqual(two.strides[2], 2)

    def test_float32_and_uint16(self):
        f = np.linspace(0, 1, 4 * 5 * 3, dtype=np.float32).reshape(4, 5, 3)
        img = zeropix.Image(f)
        self.assertEqual((img.dtype, img.address), ("f32", data_ptr(f)))
        np.testing.assert_allclose(np.asarray(img.apply("invert")), 1 - f, atol=1e-6)
        np.testing.assert_array_equal(np.asarray(img.copy(dtype="u8")),
                                      np.round(f * 255).astype(np.uint8))
        u = (np.arange(12, dtype=np.uint16) * 5000).reshape(3, 4, 1)
        self.assertEqual(zeropix.Image(u).dtype, "u16")
        self.assertEqual(zeropix.Image(u).address, data_ptr(u))

    def test_numpy_values_in_the_keyword_form(self):
        img = zeropix.Image(self.base)
        a = img.apply(("resize", {"width": np.int64(40)}), ("blur", {"sigma": np.float32(1.5)}),
                      ("convolve", {"kernel": np.array([0, -1, 0, -1, 5, -1, 0, -1, 0])}))
        b = img.apply("resize:width=40 blur:sigma=1.5 convolve:kernel=0;-1;0;-1;5;-1;0;-1;0")
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))

    def test_unsupported_arrays(self):
        with self.assertRaises(ValueError) as cm:
            zeropix.Image(np.zeros((4, 4, 3), dtype=np.int32))
        self.assertIn("uint8", str(cm.exception))
        with self.assertRaises(ValueError):
            zeropix.Image(np.zeros((4, 4, 3), dtype=">u2"))    # not native byte order
        with self.assertRaises(ValueError):
            zeropix.Image(np.zeros((4, 4, 5), dtype=np.uint8))  # 5 channels
        with self.assertRaises(ValueError):
            zeropix.Image(np.zeros((0, 4, 3), dtype=np.uint8))  # empty
        with self.assertRaises(ValueError):
            zeropix.Image(np.zeros((2, 4, 4, 3), dtype=np.uint8))  # 4-D
        raw = np.zeros(4 * 4 * 2 + 1, dtype=np.uint8)
        with self.assertRaises(ValueError):                      # misaligned uint16
            zeropix.Image(raw[1:].view(np.uint16).reshape(4, 4, 1))

    def test_readonly_array(self):
        a = self.base.copy()
        a.flags.writeable = False
        img = zeropix.Image(a)
        self.assertTrue(img.readonly)
        self.assertFalse(np.asarray(img).flags.writeable)
        with self.assertRaises(BufferError):
            zeropix.decode_into(GRADIENT, a[:1, :1])


@needs_numpy
class DecodeInto(unittest.TestCase):
    def setUp(self):
        self.expected = np.asarray(zeropix.open(GRADIENT))   # 192 x 256 RGBA

    def test_region_of_a_canvas(self):
        canvas = np.zeros((300, 400, 4), dtype=np.uint8)
        region = canvas[50:242, 100:356]
        got = zeropix.decode_into(GRADIENT, region)
        self.assertEqual(got.address, data_ptr(region))      # an Image over the region
        self.assertEqual(got.format, "png")
        np.testing.assert_array_equal(region, self.expected)
        self.assertEqual(canvas[:50].sum() + canvas[242:].sum() + canvas[:, :100].sum() +
                         canvas[:, 356:].sum(), 0)            # nothing outside it

    def test_negative_stride_region(self):
        canvas = np.zeros((192, 256, 4), dtype=np.uint8)
        zeropix.decode_into(GRADIENT, canvas[::-1, ::-1])
        np.testing.assert_array_equal(canvas, self.expected[::-1, ::-1])

    def test_converts_to_the_target_dtype(self):
        canvas = np.zeros((192, 256, 4), dtype=np.float32)
        zeropix.decode_into(GRADIENT, canvas)
        np.testing.assert_allclose(canvas, self.expected / np.float32(255), atol=1e-6)

    def test_from_bytes_and_jpeg_orientation(self):
        data = open(PHOTO, "rb").read()
        canvas = np.zeros((700, 500, 3), dtype=np.uint8)
        got = zeropix.decode_into(data, canvas[30:670, 10:490])  # upright: 480 wide, 640 tall
        np.testing.assert_array_equal(canvas[30:670, 10:490], np.asarray(zeropix.open(PHOTO)))
        self.assertEqual((got.orientation, len(got.icc), got.name), (6, 504, "<bytes>"))

    def test_shape_mismatch(self):
        with self.assertRaises(zeropix.OperationError) as cm:
            zeropix.decode_into(GRADIENT, np.zeros((10, 10, 4), dtype=np.uint8))
        self.assertTrue(str(cm.exception).startswith(GRADIENT + ": "))


if __name__ == "__main__":
    unittest.main()
