/* image.c: the zeropix.Image type: a zp_view in a Python object, exported
 * through the buffer protocol exactly as it is (shape, byte strides,
 * format, read-only flag), its properties, and the O(1) view methods. */
#include "zeropix_py.h"
#include <limits.h>
#include <stdint.h>

/* ---- Life -------------------------------------------------------------------- */

static void set_geometry(ZpyImage *self) {
    const zp_view *v = &self->view;
    self->shape[0] = v->height;
    self->shape[1] = v->width;
    self->shape[2] = v->channels;
    self->strides[0] = v->stride_y;
    self->strides[1] = v->stride_x;
    self->strides[2] = v->stride_c;
}

PyObject *zpy_image_new(zp_view *view, const ZpyImage *like) {
    ZpyImage *self = PyObject_New(ZpyImage, &ZpyImage_Type);
    if (!self) {
        zp_view_release(view);
        return NULL;
    }
    self->view = *view;
    memset(view, 0, sizeof *view); /* the reference is ours now */
    self->exports = 0;
    self->weakrefs = NULL;
    self->name = like ? Py_XNewRef(like->name) : NULL;
    self->icc = like ? Py_XNewRef(like->icc) : NULL;
    self->exif = like ? Py_XNewRef(like->exif) : NULL;
    self->format = like ? like->format : ZP_FORMAT_UNKNOWN;
    self->bit_depth = like ? like->bit_depth : 0;
    self->orientation = like ? like->orientation : 0;
    set_geometry(self);
    return (PyObject *)self;
}

static PyObject *blob(const uint8_t *data, size_t size) {
    return data && size ? PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size) : NULL;
}

PyObject *zpy_image_from_decoded(zp_image *img, PyObject *name) {
    PyObject *icc = blob(img->meta.icc, img->meta.icc_size);
    PyObject *exif = blob(img->meta.exif, img->meta.exif_size);
    if (PyErr_Occurred()) {
        Py_XDECREF(icc);
        Py_XDECREF(exif);
        zp_image_release(img);
        return NULL;
    }
    ZpyImage *self = (ZpyImage *)zpy_image_new(&img->view, NULL);
    if (self) {
        self->name = Py_XNewRef(name);
        self->icc = icc;
        self->exif = exif;
        self->format = img->info.format;
        self->bit_depth = img->info.bit_depth;
        self->orientation = img->info.orientation;
    } else {
        Py_XDECREF(icc);
        Py_XDECREF(exif);
    }
    zp_image_release(img); /* the view was moved out: this frees the metadata */
    return (PyObject *)self;
}

int zpy_image_check_alive(const ZpyImage *self) {
    if (self->view.data) return 0;
    PyErr_SetString(PyExc_ValueError, "operation on a released zeropix.Image");
    return -1;
}

/* Refuse to drop or replace the memory while buffers of it are exported:
 * a memoryview or NumPy array would point at freed or stale pixels. */
static int check_no_exports(const ZpyImage *self, const char *what) {
    if (self->exports == 0) return 0;
    PyErr_Format(PyExc_BufferError,
                 "cannot %s the image: %zd exported buffer%s (memoryview, NumPy array) still "
                 "use%s its memory", what, self->exports, self->exports == 1 ? "" : "s",
                 self->exports == 1 ? "s" : "");
    return -1;
}

int zpy_image_replace_view(ZpyImage *self, zp_view *view) {
    if (check_no_exports(self, "change") < 0) {
        zp_view_release(view);
        return -1;
    }
    zp_view old = self->view;
    self->view = *view;
    memset(view, 0, sizeof *view);
    set_geometry(self);
    zp_view_release(&old); /* last: it may run an exporter's release */
    return 0;
}

static PyObject *image_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"buffer", "shape", "dtype", NULL};
    PyObject *obj, *shape = Py_None, *dtype = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$OO:Image", kwlist, &obj, &shape, &dtype))
        return NULL;
    ZpyImage *src = zpy_image_arg(obj, shape, dtype, 0);
    if (!src || src != (ZpyImage *)obj) return (PyObject *)src;
    /* Image(image): a second Image over the same memory. */
    zp_view v;
    zp_view_share(&src->view, &v);
    PyObject *r = zpy_image_new(&v, src);
    Py_DECREF(src);
    return r;
}

static void image_dealloc(ZpyImage *self) {
    if (self->weakrefs) PyObject_ClearWeakRefs((PyObject *)self);
    zp_view_release(&self->view);
    Py_CLEAR(self->name);
    Py_CLEAR(self->icc);
    Py_CLEAR(self->exif);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *image_release(ZpyImage *self, PyObject *unused) {
    if (check_no_exports(self, "release") < 0) return NULL;
    zp_view old = self->view;
    memset(&self->view, 0, sizeof self->view);
    Py_CLEAR(self->icc);
    Py_CLEAR(self->exif);
    zp_view_release(&old);
    Py_RETURN_NONE;
}

static PyObject *image_enter(ZpyImage *self, PyObject *unused) {
    if (zpy_image_check_alive(self) < 0) return NULL;
    return Py_NewRef(self);
}

static PyObject *image_exit(ZpyImage *self, PyObject *args) {
    return image_release(self, NULL);
}

static PyObject *image_repr(ZpyImage *self) {
    if (!self->view.data) return PyUnicode_FromString("<zeropix.Image (released)>");
    const zp_view *v = &self->view;
    if (self->name)
        return PyUnicode_FromFormat("<zeropix.Image %dx%d %dch %s%s from %R>", (int)v->width,
                                    (int)v->height, (int)v->channels, zp_dtype_name(v->dtype),
                                    v->flags & ZP_VIEW_READONLY ? " read-only" : "", self->name);
    return PyUnicode_FromFormat("<zeropix.Image %dx%d %dch %s%s>", (int)v->width, (int)v->height,
                                (int)v->channels, zp_dtype_name(v->dtype),
                                v->flags & ZP_VIEW_READONLY ? " read-only" : "");
}

/* ---- Provider side of the buffer protocol ---------------------------------------- */

static const char *struct_format(zp_dtype dt) {
    return dt == ZP_U8 ? "B" : dt == ZP_U16 ? "H" : "f";
}

/* Contiguous in C order (last index fastest) or Fortran order; axes of
 * length 1 do not count, as in CPython's own check. */
static int contiguous(const ZpyImage *self, char order) {
    Py_ssize_t expect = (Py_ssize_t)zp_dtype_size(self->view.dtype);
    for (int i = 0; i < 3; i++) {
        int d = order == 'C' ? 2 - i : i;
        if (self->shape[d] > 1 && self->strides[d] != expect) return 0;
        expect *= self->shape[d];
    }
    return 1;
}

static int image_getbuffer(ZpyImage *self, Py_buffer *b, int flags) {
    b->obj = NULL;
    if (!self->view.data) {
        PyErr_SetString(PyExc_BufferError, "the zeropix.Image was released");
        return -1;
    }
    const int readonly = (self->view.flags & ZP_VIEW_READONLY) != 0;
    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && readonly) {
        PyErr_SetString(PyExc_BufferError,
                        "the zeropix.Image is read-only (it views read-only memory, or repeats "
                        "a channel): a writable buffer was asked for");
        return -1;
    }
    /* Strides are exported as they are (negative, transposed): a consumer
     * that cannot take strides gets the memory only when it is already in
     * the order it asks for. No copy is ever made here. */
    const int c = contiguous(self, 'C'), f = contiguous(self, 'F');
    const char *need = NULL;
    if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !c) need = "C-contiguous";
    else if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !c) need = "C-contiguous";
    else if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !f) need = "Fortran-contiguous";
    else if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS && !c && !f) need = "contiguous";
    if (need) {
        PyErr_Format(PyExc_BufferError,
                     "a %s buffer was asked for, and this zeropix.Image is a strided view "
                     "(strides %zd, %zd, %zd): use memoryview() or numpy.asarray(), or .copy() it",
                     need, self->strides[0], self->strides[1], self->strides[2]);
        return -1;
    }
    const Py_ssize_t item = (Py_ssize_t)zp_dtype_size(self->view.dtype);
    b->buf = self->view.data; /* element (0, 0, 0), wherever the strides go */
    b->len = self->shape[0] * self->shape[1] * self->shape[2] * item;
    b->readonly = readonly;
    b->itemsize = item;
    b->format = (flags & PyBUF_FORMAT) ? (char *)struct_format(self->view.dtype) : NULL;
    if ((flags & PyBUF_ND) == PyBUF_ND) {
        b->ndim = 3;
        b->shape = self->shape;
        b->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? self->strides : NULL;
    } else { /* a plain run of bytes, as PyBuffer_FillInfo gives one */
        b->ndim = 1;
        b->shape = NULL;
        b->strides = NULL;
        if (!(flags & PyBUF_FORMAT)) b->itemsize = 1;
    }
    b->suboffsets = NULL;
    b->internal = NULL;
    b->obj = Py_NewRef(self); /* the export keeps the Image, so its view, alive */
    self->exports++;
    return 0;
}

static void image_releasebuffer(ZpyImage *self, Py_buffer *b) {
    self->exports--;
}

static PyBufferProcs image_as_buffer = {
    (getbufferproc)image_getbuffer,
    (releasebufferproc)image_releasebuffer,
};

/* ---- Properties -------------------------------------------------------------------- */

#define ALIVE_OR_NULL(self) do { if (zpy_image_check_alive(self) < 0) return NULL; } while (0)

static PyObject *get_width(ZpyImage *self, void *c) { ALIVE_OR_NULL(self); return PyLong_FromLong(self->view.width); }
static PyObject *get_height(ZpyImage *self, void *c) { ALIVE_OR_NULL(self); return PyLong_FromLong(self->view.height); }
static PyObject *get_channels(ZpyImage *self, void *c) { ALIVE_OR_NULL(self); return PyLong_FromLong(self->view.channels); }
static PyObject *get_dtype(ZpyImage *self, void *c) {
    ALIVE_OR_NULL(self);
    return PyUnicode_FromString(zp_dtype_name(self->view.dtype));
}
static PyObject *get_shape(ZpyImage *self, void *c) {
    ALIVE_OR_NULL(self);
    return Py_BuildValue("(nnn)", self->shape[0], self->shape[1], self->shape[2]);
}
static PyObject *get_strides(ZpyImage *self, void *c) {
    ALIVE_OR_NULL(self);
    return Py_BuildValue("(nnn)", self->strides[0], self->strides[1], self->strides[2]);
}
static PyObject *get_nbytes(ZpyImage *self, void *c) {
    ALIVE_OR_NULL(self);
    return PyLong_FromSsize_t(self->shape[0] * self->shape[1] * self->shape[2] *
                              (Py_ssize_t)zp_dtype_size(self->view.dtype));
}
static PyObject *get_readonly(ZpyImage *self, void *c) {
    ALIVE_OR_NULL(self);
    return PyBool_FromLong((self->view.flags & ZP_VIEW_READONLY) != 0);
}
static PyObject *get_contiguous(ZpyImage *self, void *c) {
    ALIVE_OR_NULL(self);
    return PyBool_FromLong(contiguous(self, 'C'));
}
static PyObject *get_address(ZpyImage *self, void *c) {
    ALIVE_OR_NULL(self);
    return PyLong_FromVoidPtr(self->view.data);
}
static PyObject *get_exports(ZpyImage *self, void *c) { return PyLong_FromSsize_t(self->exports); }
static PyObject *get_released(ZpyImage *self, void *c) { return PyBool_FromLong(!self->view.data); }
static PyObject *get_format(ZpyImage *self, void *c) {
    if (self->format == ZP_FORMAT_UNKNOWN) Py_RETURN_NONE;
    return PyUnicode_FromString(zp_format_name(self->format));
}
static PyObject *int_or_none(int v) {
    if (!v) Py_RETURN_NONE;
    return PyLong_FromLong(v);
}
static PyObject *get_bit_depth(ZpyImage *self, void *c) { return int_or_none(self->bit_depth); }
static PyObject *get_orientation(ZpyImage *self, void *c) { return int_or_none(self->orientation); }
static PyObject *obj_or_none(PyObject *o) { return Py_NewRef(o ? o : Py_None); }
static PyObject *get_icc(ZpyImage *self, void *c) { return obj_or_none(self->icc); }
static PyObject *get_exif(ZpyImage *self, void *c) { return obj_or_none(self->exif); }
static PyObject *get_name(ZpyImage *self, void *c) { return obj_or_none(self->name); }

static PyGetSetDef image_getset[] = {
    {"width", (getter)get_width, NULL, "Width in pixels.", NULL},
    {"height", (getter)get_height, NULL, "Height in pixels.", NULL},
    {"channels", (getter)get_channels, NULL, "Samples per pixel, 1..4 (gray, gray+alpha, RGB, RGBA).", NULL},
    {"dtype", (getter)get_dtype, NULL, "Sample type: 'u8', 'u16' or 'f32' (buffer format 'B', 'H', 'f').", NULL},
    {"shape", (getter)get_shape, NULL, "(height, width, channels), as exported.", NULL},
    {"strides", (getter)get_strides, NULL, "Byte strides (y, x, channel) as exported; may be negative.", NULL},
    {"nbytes", (getter)get_nbytes, NULL, "height * width * channels * sample size.", NULL},
    {"readonly", (getter)get_readonly, NULL, "True when the pixels may not be written.", NULL},
    {"contiguous", (getter)get_contiguous, NULL, "True when the pixels are one C-ordered block.", NULL},
    {"address", (getter)get_address, NULL,
     "Address of sample 0 of pixel (0, 0): the buffer's data pointer. Views and\n"
     "exports of the same memory report addresses inside the same block.", NULL},
    {"exports", (getter)get_exports, NULL, "Buffers exported now (memoryviews, NumPy arrays).", NULL},
    {"released", (getter)get_released, NULL, "True after release().", NULL},
    {"format", (getter)get_format, NULL, "File format decoded from ('jpeg', 'png', 'pnm'), or None.", NULL},
    {"bit_depth", (getter)get_bit_depth, NULL, "Bits per sample in the file, or None.", NULL},
    {"orientation", (getter)get_orientation, NULL,
     "EXIF orientation in the file (1..8), or None without a file. The pixels\n"
     "are upright unless open(..., orient=False).", NULL},
    {"icc", (getter)get_icc, NULL, "ICC profile bytes, or None.", NULL},
    {"exif", (getter)get_exif, NULL,
     "EXIF bytes (a TIFF stream), or None. When the orientation was applied the\n"
     "tag in it says 1.", NULL},
    {"name", (getter)get_name, NULL, "The source as error messages name it: a path, '<bytes>' or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ---- O(1) views: new Images over the same memory ------------------------------------ */

static PyObject *derived(ZpyImage *self, zp_status st, zp_view *out) {
    if (st != ZP_OK) return zpy_raise(st, ZPY_OPERATING, self->name);
    return zpy_image_new(out, self);
}

static PyObject *image_crop(ZpyImage *self, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"x", "y", "width", "height", NULL};
    int x, y, w, h;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "iiii:crop", kwlist, &x, &y, &w, &h)) return NULL;
    ALIVE_OR_NULL(self);
    zp_view out;
    zp_clear_error();
    return derived(self, zp_view_crop(&self->view, x, y, w, h, &out), &out);
}

static PyObject *image_flip(ZpyImage *self, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"axis", NULL};
    const char *axis = "x";
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|s:flip", kwlist, &axis)) return NULL;
    ALIVE_OR_NULL(self);
    int axes = !strcmp(axis, "x") ? ZP_FLIP_X : !strcmp(axis, "y") ? ZP_FLIP_Y
               : !strcmp(axis, "both") ? ZP_FLIP_X | ZP_FLIP_Y : 0;
    if (!axes) return PyErr_Format(PyExc_ValueError, "axis must be 'x', 'y' or 'both', got '%s'", axis);
    zp_view out;
    zp_clear_error();
    return derived(self, zp_view_flip(&self->view, axes, &out), &out);
}

static PyObject *image_rotate(ZpyImage *self, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"degrees", NULL};
    int degrees;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "i:rotate", kwlist, &degrees)) return NULL;
    ALIVE_OR_NULL(self);
    zp_view out;
    zp_clear_error();
    return derived(self, zp_view_rotate(&self->view, degrees, &out), &out);
}

static PyObject *image_transpose(ZpyImage *self, PyObject *unused) {
    ALIVE_OR_NULL(self);
    zp_view out;
    zp_clear_error();
    return derived(self, zp_view_transpose(&self->view, &out), &out);
}

static PyObject *image_step(ZpyImage *self, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"x", "y", NULL};
    int sx, sy = INT_MIN; /* not given: as x */
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "i|i:step", kwlist, &sx, &sy)) return NULL;
    ALIVE_OR_NULL(self);
    zp_view out;
    zp_clear_error();
    return derived(self, zp_view_step(&self->view, sx, sy == INT_MIN ? sx : sy, &out), &out);
}

static PyObject *image_pick_channels(ZpyImage *self, PyObject *args) {
    /* extract(2, 1, 0) or extract([2, 1, 0]), as the `extract` filter */
    PyObject *list = PyTuple_GET_SIZE(args) == 1 && !PyLong_Check(PyTuple_GET_ITEM(args, 0))
                         ? PyTuple_GET_ITEM(args, 0) : args;
    PyObject *seq = PySequence_Fast(list, "extract() takes channel numbers");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    int order[ZP_MAX_CHANNELS];
    if (n < 1 || n > ZP_MAX_CHANNELS) {
        Py_DECREF(seq);
        return PyErr_Format(PyExc_ValueError, "extract() takes 1 to %d channel numbers, got %zd",
                            ZP_MAX_CHANNELS, n);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long c = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (c == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return NULL;
        }
        order[i] = c < -1000 ? -1000 : c > 1000 ? 1000 : (int)c; /* the library says what is wrong */
    }
    Py_DECREF(seq);
    ALIVE_OR_NULL(self);
    zp_view out;
    zp_clear_error();
    return derived(self, zp_view_channel_order(&self->view, order, (int)n, &out), &out);
}

/* The one explicit copy: packed rows, writable, optionally another dtype. */
static PyObject *image_copy(ZpyImage *self, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"dtype", NULL};
    PyObject *dtype_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:copy", kwlist, &dtype_obj)) return NULL;
    ALIVE_OR_NULL(self);
    zp_dtype dtype = self->view.dtype;
    if (dtype_obj != Py_None && zpy_dtype_arg(dtype_obj, &dtype) < 0) return NULL;
    zp_view src, dst;
    zp_clear_error();
    zp_status st = zp_view_alloc(self->view.width, self->view.height, self->view.channels, dtype, &dst);
    if (st != ZP_OK) return zpy_raise(st, ZPY_OPERATING, self->name);
    zp_view_share(&self->view, &src);
    zpy_busy_enter();
    Py_BEGIN_ALLOW_THREADS
    st = zp_view_copy(&src, &dst);
    Py_END_ALLOW_THREADS
    zpy_busy_leave();
    PyObject *r = st == ZP_OK ? zpy_image_new(&dst, self) : zpy_raise(st, ZPY_OPERATING, self->name);
    zp_view_release(&dst);
    zp_view_release(&src);
    return r;
}

static PyMethodDef image_methods[] = {
    {"apply", (PyCFunction)(void (*)(void))zpy_image_apply, METH_VARARGS | METH_KEYWORDS,
     "apply(*operations, threads=0, max_pixels=None, inplace=False) -> Image\n\n"
     "Run an operation chain, as `zeropix convert` does. Each operation is a\n"
     "string in the CLI syntax ('crop:x=10,y=10,w=200,h=200', 'blur:sigma=2';\n"
     "one string may hold several, separated by spaces) or a tuple\n"
     "(name, {param: value}) such as ('resize', {'width': 100}); lists of\n"
     "numbers are lists. threads: worker threads (0 = one per core). The GIL\n"
     "is released while it runs. inplace=True replaces this image's pixels\n"
     "with the result and returns self (refused while buffers are exported)."},
    {"save", (PyCFunction)(void (*)(void))zpy_image_save, METH_VARARGS | METH_KEYWORDS,
     "save(path, *, format=None, quality=90, progressive=False, optimize=False,\n"
     "     subsampling=420, compression=-1, depth=None, strip=False)\n\n"
     "Encode to a file (format from the extension unless given), through a\n"
     "temporary file renamed into place. ICC and EXIF are written unless\n"
     "strip=True. The GIL is released while encoding."},
    {"encode", (PyCFunction)(void (*)(void))zpy_image_encode, METH_VARARGS | METH_KEYWORDS,
     "encode(format, **options) -> bytes: as save(), into memory."},
    {"crop", (PyCFunction)(void (*)(void))image_crop, METH_VARARGS | METH_KEYWORDS,
     "crop(x, y, width, height) -> Image: a view of the rectangle (no copy)."},
    {"flip", (PyCFunction)(void (*)(void))image_flip, METH_VARARGS | METH_KEYWORDS,
     "flip(axis='x') -> Image: mirrored view; axis 'x' (left-right), 'y' or 'both'."},
    {"rotate", (PyCFunction)(void (*)(void))image_rotate, METH_VARARGS | METH_KEYWORDS,
     "rotate(degrees) -> Image: view turned clockwise by 90, 180 or 270."},
    {"transpose", (PyCFunction)image_transpose, METH_NOARGS,
     "transpose() -> Image: view with rows and columns swapped."},
    {"step", (PyCFunction)(void (*)(void))image_step, METH_VARARGS | METH_KEYWORDS,
     "step(x, y=x) -> Image: view of every x-th column and y-th row."},
    {"extract", (PyCFunction)image_pick_channels, METH_VARARGS,
     "extract(*order) -> Image: view of the channels in `order`, e.g. (2, 1, 0)\n"
     "for RGB -> BGR. The order must be an arithmetic progression (one stride)."},
    {"copy", (PyCFunction)(void (*)(void))image_copy, METH_VARARGS | METH_KEYWORDS,
     "copy(dtype=None) -> Image: the pixels copied into new, packed, writable memory,\n"
     "converted to `dtype` when given."},
    {"release", (PyCFunction)image_release, METH_NOARGS,
     "release(): drop the pixel memory now. Refused (BufferError) while buffers\n"
     "are exported. Other Images viewing the same memory keep it alive."},
    {"__enter__", (PyCFunction)image_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)image_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyTypeObject ZpyImage_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zeropix.Image",
    .tp_basicsize = sizeof(ZpyImage),
    .tp_dealloc = (destructor)image_dealloc,
    .tp_repr = (reprfunc)image_repr,
    .tp_as_buffer = &image_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc =
        "Image(buffer, *, shape=None, dtype=None)\n\n"
        "Pixels seen through a strided view, and the file facts they came with.\n"
        "Images come from zeropix.open(), decode_into(), new(), operations, or\n"
        "from this constructor, which views another object's memory without a\n"
        "copy: a 3-D buffer as (height, width, channels), a 2-D one as (height,\n"
        "width), a flat one with shape=(height, width[, channels]) (and dtype=\n"
        "to reinterpret its bytes). Samples are uint8, uint16 or float32.\n\n"
        "An Image exports its memory through the buffer protocol exactly as it\n"
        "is: memoryview(img) and numpy.asarray(img) share it, with ndim 3, shape\n"
        "(height, width, channels) and the view's byte strides (negative after\n"
        "a flip, swapped after a transpose).",
    .tp_weaklistoffset = offsetof(ZpyImage, weakrefs),
    .tp_methods = image_methods,
    .tp_getset = image_getset,
    .tp_new = image_new,
};
