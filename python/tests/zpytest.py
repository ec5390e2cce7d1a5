"""zpytest.py: what the zeropix Python tests share: the sample paths, an
independent way to read a buffer's data pointer (ctypes on the buffer
protocol itself, no NumPy), NumPy when it is installed, and memory figures.

The module under test is imported from the build folder (CTest puts it on
PYTHONPATH)."""
import ctypes
import os
import subprocess
import unittest

import zeropix

SAMPLES = os.environ.get("ZEROPIX_SAMPLES") or os.path.join(
    os.path.dirname(__file__), "..", "..", "samples")
PHOTO = os.path.join(SAMPLES, "photo.jpg")        # JPEG 640x480 stored, EXIF orientation 6
GRADIENT = os.path.join(SAMPLES, "gradient.png")  # PNG RGBA 8-bit, 256x192
GRAY16 = os.path.join(SAMPLES, "gray16.png")      # PNG gray 16-bit, 512x128
CLI = os.environ.get("ZEROPIX_CLI")               # the zeropix command, for comparisons
SANITIZED = bool(os.environ.get("ZEROPIX_TEST_SANITIZED"))

try:
    import numpy
except ImportError:  # Debian: apt-get install python3-numpy
    numpy = None

needs_numpy = unittest.skipUnless(numpy is not None, "NumPy is not installed")
needs_cli = unittest.skipUnless(CLI and os.path.exists(CLI), "the zeropix command is not built")


class Py_buffer(ctypes.Structure):
    """CPython's Py_buffer, as Include/pybuffer.h declares it."""
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
        ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
        ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
        ("internal", ctypes.c_void_p),
    ]


PyBUF_RECORDS_RO = 0x0008 | 0x0010 | 0x0004  # ND | STRIDES | FORMAT
_get = ctypes.pythonapi.PyObject_GetBuffer
_get.argtypes = [ctypes.py_object, ctypes.POINTER(Py_buffer), ctypes.c_int]
_get.restype = ctypes.c_int
_release = ctypes.pythonapi.PyBuffer_Release
_release.argtypes = [ctypes.POINTER(Py_buffer)]
_release.restype = None


def buffer_info(obj):
    """(address, shape, strides, format, readonly) of obj's buffer, read from
    the Py_buffer that obj exports (a memoryview re-exports its own)."""
    b = Py_buffer()
    if _get(obj, ctypes.byref(b), PyBUF_RECORDS_RO) != 0:
        raise BufferError("PyObject_GetBuffer failed")
    try:
        shape = tuple(b.shape[i] for i in range(b.ndim))
        strides = tuple(b.strides[i] for i in range(b.ndim))
        return b.buf or 0, shape, strides, b.format.decode(), bool(b.readonly)
    finally:
        _release(ctypes.byref(b))


def address(obj):
    return buffer_info(obj)[0]


def pixels(obj):
    """Every sample of a 3-D buffer as nested lists, read through memoryview
    element access (strides honoured), for comparisons without NumPy."""
    m = memoryview(obj)
    h, w, c = m.shape
    return [[[m[y, x, k] for k in range(c)] for x in range(w)] for y in range(h)]


def rss_bytes():
    """Resident memory of this process (Linux), or None."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def cli_stderr(*args):
    """Run the zeropix command; return (exit code, stderr's first line)."""
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    return p.returncode, p.stderr.splitlines()[0] if p.stderr else ""


PyBUF_SIMPLE = 0
PyBUF_WRITABLE = 0x0001


def request(obj, flags):
    """Ask obj for a buffer with exactly these PyBUF_* flags and give it
    back; the exporter's exception (BufferError) propagates."""
    b = Py_buffer()
    _get(obj, ctypes.byref(b), flags)  # ctypes raises the exception the call set
    _release(ctypes.byref(b))
