"""test_buffer.py: the provider side of the buffer protocol, without NumPy:
shape, strides and format for each dtype and for cropped, flipped,
transposed and rotated views; memoryview round trips; writes in both
directions; the read-only flag; contiguity requests."""
import array
import io
import struct
import unittest

import zeropix
from zpytest import (GRADIENT, GRAY16, PHOTO, PyBUF_RECORDS_RO, PyBUF_SIMPLE, PyBUF_WRITABLE,
                     address, buffer_info, pixels, request)


def align64(n):
    return (n + 63) // 64 * 64


class ExportPerDtype(unittest.TestCase):
    def test_u8_png(self):
        img = zeropix.open(GRADIENT)
        m = memoryview(img)
        self.assertEqual((img.width, img.height, img.channels, img.dtype), (256, 192, 4, "u8"))
        self.assertEqual(m.ndim, 3)
        self.assertEqual(m.shape, (192, 256, 4))
        self.assertEqual(m.format, "B")
        self.assertEqual(m.itemsize, 1)
        self.assertEqual(m.strides, (align64(256 * 4), 4, 1))
        self.assertEqual(m.strides, img.strides)
        self.assertFalse(m.readonly)
        self.assertEqual(m.nbytes, 192 * 256 * 4)
        self.assertEqual(address(m), img.address)

    def test_u8_jpeg_upright_is_a_rotated_view(self):
        # photo.jpg is stored 640x480 with EXIF orientation 6: the decoded
        # image is a 90-degree view of the stored rows, exported as is.
        stored = zeropix.open(PHOTO, orient=False)
        row = align64(640 * 3)
        self.assertEqual(memoryview(stored).shape, (480, 640, 3))
        self.assertEqual(memoryview(stored).strides, (row, 3, 1))
        self.assertTrue(memoryview(stored).c_contiguous is (row == 640 * 3))

        upright = zeropix.open(PHOTO)
        m = memoryview(upright)
        self.assertEqual(m.shape, (640, 480, 3))
        self.assertEqual(m.strides, (3, -row, 1))
        self.assertFalse(m.c_contiguous)
        self.assertEqual(m.format, "B")
        # pixel (x, y) upright is stored pixel (y, 479 - x)
        sm = memoryview(stored)
        for x, y in [(0, 0), (479, 0), (0, 639), (123, 456)]:
            self.assertEqual(m[y, x, 1], sm[479 - x, y, 1])
        self.assertEqual(address(m), upright.address)

    def test_u16_png(self):
        img = zeropix.open(GRAY16)
        m = memoryview(img)
        self.assertEqual(img.dtype, "u16")
        self.assertEqual(m.shape, (128, 512, 1))
        self.assertEqual(m.format, "H")
        self.assertEqual(m.itemsize, 2)
        self.assertEqual(m.strides, (align64(512 * 2), 2, 2))
        self.assertEqual(m[0, 0, 0], 0)          # the ramp: 0 ...
        self.assertEqual(m[0, 511, 0], 65535)    # ... to 65535
        self.assertEqual(img.bit_depth, 16)
        # keep_16bit=False rounds to 8 bits
        self.assertEqual(memoryview(zeropix.open(GRAY16, keep_16bit=False)).format, "B")

    def test_f32_from_array(self):
        h, w, c = 3, 5, 2
        values = array.array("f", [i / 64.0 for i in range(h * w * c)])
        img = zeropix.Image(values, shape=(h, w, c))
        m = memoryview(img)
        self.assertEqual(img.dtype, "f32")
        self.assertEqual(m.format, "f")
        self.assertEqual(m.itemsize, 4)
        self.assertEqual(m.shape, (h, w, c))
        self.assertEqual(m.strides, (w * c * 4, c * 4, 4))
        self.assertEqual(m[2, 4, 1], values[(2 * w + 4) * c + 1])
        self.assertEqual(img.address, address(values))  # no copy
        self.assertEqual(address(m), address(values))

    def test_u16_from_array_and_2d_memoryview(self):
        values = array.array("H", range(12))
        img = zeropix.Image(memoryview(values).cast("B").cast("H", (3, 4)))  # 2-D: one channel
        self.assertEqual(img.shape, (3, 4, 1))
        self.assertEqual(img.strides, (8, 2, 2))
        self.assertEqual(img.dtype, "u16")
        self.assertEqual(memoryview(img)[2, 3, 0], 11)
        self.assertEqual(img.address, address(values))

    def test_dtype_reinterprets_bytes(self):
        raw = bytearray(struct.pack("=6H", 1, 2, 3, 4, 5, 65535))
        img = zeropix.Image(raw, shape=(1, 2, 3), dtype="u16")
        self.assertEqual(memoryview(img).format, "H")
        self.assertEqual(memoryview(img)[0, 1, 2], 65535)
        with self.assertRaises(ValueError):
            zeropix.Image(raw, shape=(1, 2, 2), dtype="u16")  # 8 bytes needed, 12 given
        with self.assertRaises(TypeError):
            zeropix.Image(raw, dtype="u16")                   # dtype needs shape


class ExportViews(unittest.TestCase):
    """Each view operation gives a new Image whose exported strides and
    address follow from the parent's by arithmetic: no pixel moved."""

    def setUp(self):
        self.img = zeropix.open(GRADIENT)
        self.sy, self.sx, self.sc = self.img.strides
        self.a = self.img.address
        self.px = memoryview(self.img)

    def check(self, view, shape, strides, addr, source_of):
        m = memoryview(view)
        self.assertEqual(m.shape, shape)
        self.assertEqual(m.strides, strides)
        self.assertEqual(view.strides, strides)
        self.assertEqual(view.address, addr)
        self.assertEqual(address(m), addr)          # what a consumer sees
        self.assertEqual(buffer_info(view)[1:3], (shape, strides))
        h, w, c = shape
        for y in sorted({0, h // 3, h - 1}):
            for x in sorted({0, w // 2, w - 1}):
                for k in range(c):
                    sy, sx, sk = source_of(x, y, k)
                    self.assertEqual(m[y, x, k], self.px[sy, sx, sk], (x, y, k))

    def test_crop(self):
        v = self.img.crop(10, 20, 30, 40)
        self.check(v, (40, 30, 4), (self.sy, self.sx, self.sc), self.a + 20 * self.sy + 10 * self.sx,
                   lambda x, y, k: (y + 20, x + 10, k))

    def test_flip_x(self):
        v = self.img.flip("x")
        self.check(v, (192, 256, 4), (self.sy, -self.sx, self.sc), self.a + 255 * self.sx,
                   lambda x, y, k: (y, 255 - x, k))

    def test_flip_y(self):
        v = self.img.flip("y")
        self.check(v, (192, 256, 4), (-self.sy, self.sx, self.sc), self.a + 191 * self.sy,
                   lambda x, y, k: (191 - y, x, k))

    def test_transpose(self):
        v = self.img.transpose()
        self.check(v, (256, 192, 4), (self.sx, self.sy, self.sc), self.a,
                   lambda x, y, k: (x, y, k))

    def test_rotate_90(self):
        v = self.img.rotate(90)
        # clockwise: out(x, y) = in(y, H - 1 - x)
        self.check(v, (256, 192, 4), (self.sx, -self.sy, self.sc), self.a + 191 * self.sy,
                   lambda x, y, k: (191 - x, y, k))

    def test_extract_and_step(self):
        v = self.img.extract(2, 1, 0)
        self.check(v, (192, 256, 3), (self.sy, self.sx, -self.sc), self.a + 2 * self.sc,
                   lambda x, y, k: (y, x, 2 - k))
        v = self.img.step(2, 3)
        self.check(v, (64, 128, 4), (3 * self.sy, 2 * self.sx, self.sc), self.a,
                   lambda x, y, k: (3 * y, 2 * x, k))

    def test_chain_of_views(self):
        v = self.img.crop(8, 4, 100, 50).flip("both").transpose()
        self.check(v, (100, 50, 4), (-self.sx, -self.sy, self.sc),
                   self.a + (4 + 49) * self.sy + (8 + 99) * self.sx,
                   lambda x, y, k: (4 + 49 - x, 8 + 99 - y, k))

    def test_view_filters_through_apply_are_views_too(self):
        v = self.img.apply("crop:x=10,y=20,w=30,h=40", "flip:y")
        self.check(v, (40, 30, 4), (-self.sy, self.sx, self.sc), self.a + 59 * self.sy + 10 * self.sx,
                   lambda x, y, k: (59 - y, x + 10, k))

    def test_bad_views_raise(self):
        with self.assertRaises(zeropix.OperationError) as cm:
            self.img.crop(250, 0, 10, 10)
        self.assertIn(GRADIENT, str(cm.exception))
        with self.assertRaises(zeropix.OperationError):
            self.img.rotate(45)
        with self.assertRaises(zeropix.OperationError):
            self.img.extract(3, 0, 1)   # not one stride: RGBA -> ARG is not a view
        with self.assertRaises(ValueError):
            self.img.flip("z")


class RoundTrips(unittest.TestCase):
    def test_memoryview_back_into_zeropix(self):
        img = zeropix.open(PHOTO).crop(5, 7, 60, 40).flip("x")
        m = memoryview(img)
        again = zeropix.Image(m)                 # consumer side: the memoryview's memory
        self.assertEqual(again.address, img.address)
        self.assertEqual(again.strides, img.strides)
        self.assertEqual(again.shape, img.shape)
        m2 = memoryview(again)
        self.assertEqual(m2.tobytes(), m.tobytes())
        self.assertEqual(address(m2), address(m))
        # and zeropix reads it the same: same encoding, byte for byte
        self.assertEqual(again.encode("png"), img.encode("png", strip=True))

    def test_encode_decode(self):
        img = zeropix.open(GRADIENT).rotate(270)
        back = zeropix.open(img.encode("png"))
        self.assertEqual(back.shape, img.shape)
        self.assertEqual(memoryview(back).tobytes(), memoryview(img).tobytes())
        self.assertEqual(back.name, "<bytes>")

    def test_tobytes_follows_strides(self):
        img = zeropix.open(GRADIENT).crop(0, 0, 3, 2).flip("both")
        flat = memoryview(img).tobytes()
        self.assertEqual(list(flat), [s for row in pixels(img) for px in row for s in px])


class Writes(unittest.TestCase):
    def test_write_through_export_is_seen_by_zeropix(self):
        img = zeropix.new(8, 4, 3)
        m = memoryview(img)
        self.assertFalse(m.readonly)
        m[1, 2, 0] = 200
        m[1, 2, 2] = 17
        # zeropix reads it: its copy, its filters and its encoder
        self.assertEqual(memoryview(img.crop(2, 1, 1, 1).copy()).tobytes(), bytes([200, 0, 17]))
        self.assertEqual(memoryview(img.apply("invert"))[1, 2, 0], 55)
        self.assertEqual(memoryview(zeropix.open(img.encode("png")))[1, 2, 2], 17)

    def test_write_through_a_flipped_view(self):
        img = zeropix.new(4, 4, 1)
        memoryview(img.flip("both"))[0, 0, 0] = 9      # lands at (3, 3) of the parent
        self.assertEqual(memoryview(img)[3, 3, 0], 9)

    def test_zeropix_writes_are_seen_through_export(self):
        canvas = zeropix.new(256, 192, 4)
        m = memoryview(canvas)                  # taken before zeropix writes
        zeropix.decode_into(GRADIENT, canvas)
        self.assertEqual(m.tobytes(), memoryview(zeropix.open(GRADIENT)).tobytes())

    def test_zeropix_writes_into_a_bytearray(self):
        h, w, c = 192, 256, 4
        raw = bytearray(h * w * c)
        zeropix.decode_into(GRADIENT, raw, shape=(h, w, c))
        self.assertEqual(bytes(raw), memoryview(zeropix.open(GRADIENT)).tobytes())
        # a region of it: an Image over the bytearray, cropped
        raw[:] = bytes(len(raw))
        region = zeropix.Image(raw, shape=(h, w, c)).crop(0, 0, 256, 192)
        zeropix.decode_into(GRADIENT, region)
        self.assertEqual(bytes(raw), memoryview(zeropix.open(GRADIENT)).tobytes())

    def test_inplace_apply(self):
        img = zeropix.open(GRADIENT)
        same = img.apply("resize:width=64", inplace=True)
        self.assertIs(same, img)
        self.assertEqual(img.shape, (48, 64, 4))
        self.assertEqual(memoryview(img).shape, (48, 64, 4))


class ReadOnly(unittest.TestCase):
    def setUp(self):
        self.ro = zeropix.Image(bytes(range(24)), shape=(2, 4, 3))

    def test_flag_exported(self):
        self.assertTrue(self.ro.readonly)
        m = memoryview(self.ro)
        self.assertTrue(m.readonly)
        self.assertTrue(buffer_info(self.ro)[4])
        with self.assertRaises(TypeError):
            m[0, 0, 0] = 1

    def test_writable_request_refused(self):
        with self.assertRaises(BufferError) as cm:
            request(self.ro, PyBUF_WRITABLE)
        self.assertIn("read-only", str(cm.exception))
        with self.assertRaises(BufferError):
            request(self.ro, PyBUF_WRITABLE | PyBUF_RECORDS_RO)
        request(self.ro, PyBUF_RECORDS_RO)             # reading is fine
        with self.assertRaises((TypeError, BufferError)):  # "w*" arguments ask for it too
            struct.pack_into("B", self.ro, 0, 1)
        with self.assertRaises((TypeError, BufferError)):
            io.BytesIO(b"x").readinto(self.ro)
        self.assertEqual(memoryview(self.ro)[0, 0, 0], 0)

    def test_zeropix_does_not_write_into_it(self):
        with self.assertRaises(BufferError):
            zeropix.decode_into(GRADIENT, self.ro)
        with self.assertRaises(BufferError):
            zeropix.decode_into(GRADIENT, bytes(192 * 256 * 4), shape=(192, 256, 4))
        # reading is fine
        self.assertEqual(memoryview(self.ro.apply("invert"))[0, 0, 0], 255)
        self.assertTrue(self.ro.flip("x").readonly)    # views stay read-only

    def test_repeated_channel_is_read_only(self):
        gray = zeropix.new(4, 4, 1)
        rgb = gray.extract(0, 0, 0)                     # one byte seen three times
        self.assertTrue(rgb.readonly)
        self.assertEqual(memoryview(rgb).strides[2], 0)
        with self.assertRaises(BufferError):
            request(rgb, PyBUF_WRITABLE | PyBUF_RECORDS_RO)

    def test_writable_stays_writable(self):
        rw = zeropix.Image(bytearray(24), shape=(2, 4, 3))
        self.assertFalse(rw.readonly)
        struct.pack_into("B", rw, 5, 99)
        self.assertEqual(memoryview(rw)[0, 1, 2], 99)


class Contiguity(unittest.TestCase):
    def test_contiguous_image_gives_plain_bytes(self):
        raw = bytearray(range(24))
        img = zeropix.Image(raw, shape=(2, 4, 3))
        self.assertTrue(img.contiguous)
        self.assertEqual(bytes(img), bytes(raw))      # PyBUF_SIMPLE request

    def test_strided_view_refuses_contiguous_requests(self):
        img = zeropix.Image(bytearray(range(24)), shape=(2, 4, 3)).flip("x")
        self.assertFalse(img.contiguous)
        with self.assertRaises(BufferError) as cm:
            request(img, PyBUF_SIMPLE)                  # a plain run of bytes: not without a copy
        self.assertIn("strided", str(cm.exception))
        self.assertEqual(bytes(img), memoryview(img).tobytes())  # bytes() copies by itself
        self.assertEqual(len(memoryview(img).tobytes()), 24)  # strided consumers are fine
        self.assertEqual(bytes(img.copy()), memoryview(img).tobytes())  # or an explicit copy

    def test_copy_converts_dtype(self):
        img = zeropix.Image(bytearray([0, 255, 128]), shape=(1, 1, 3))
        f = img.copy(dtype="f32")
        self.assertEqual(memoryview(f).format, "f")
        self.assertEqual((memoryview(f)[0, 0, 0], memoryview(f)[0, 0, 1]), (0.0, 1.0))
        self.assertAlmostEqual(memoryview(f)[0, 0, 2], 128 / 255, places=6)
        self.assertEqual(memoryview(f.copy(dtype="u16"))[0, 0, 1], 65535)


class Released(unittest.TestCase):
    def test_released_image(self):
        img = zeropix.open(GRADIENT)
        img.release()
        self.assertTrue(img.released)
        with self.assertRaises(BufferError):
            memoryview(img)
        with self.assertRaises(ValueError):
            img.width
        with self.assertRaises(ValueError):
            img.apply("invert")
        self.assertIn("released", repr(img))


if __name__ == "__main__":
    unittest.main()
