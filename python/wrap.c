/* wrap.c: the consumer side of the buffer protocol: another object's memory
 * (a NumPy array, a bytearray, a memoryview) wrapped as a zeropix view
 * without a copy; and the arguments that name encoded images (paths and
 * bytes). */
#include "zeropix_py.h"
#include <stdint.h>

/* ---- Sample types ------------------------------------------------------------ */

int zpy_dtype_arg(PyObject *obj, zp_dtype *out) {
    static const struct { const char *name; zp_dtype dtype; } names[] = {
        {"u8", ZP_U8},   {"uint8", ZP_U8},    {"B", ZP_U8},
        {"u16", ZP_U16}, {"uint16", ZP_U16},  {"H", ZP_U16},
        {"f32", ZP_F32}, {"float32", ZP_F32}, {"f", ZP_F32},
    };
    if (!PyUnicode_Check(obj)) {
        /* numpy.dtype('uint8') has a .name, the type numpy.uint8 a
         * __name__: accept both without importing NumPy. */
        PyObject *name = PyObject_GetAttrString(obj, PyType_Check(obj) ? "__name__" : "name");
        if (!name || !PyUnicode_Check(name)) {
            Py_XDECREF(name);
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "dtype must be 'u8', 'u16' or 'f32', not %.80s",
                         Py_TYPE(obj)->tp_name);
            return -1;
        }
        int r = zpy_dtype_arg(name, out);
        Py_DECREF(name);
        return r;
    }
    const char *s = PyUnicode_AsUTF8(obj);
    if (!s) return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i].name)) {
            *out = names[i].dtype;
            return 0;
        }
    PyErr_Format(PyExc_ValueError, "dtype must be 'u8', 'u16' or 'f32', got '%s'", s);
    return -1;
}

/* The dtype of a struct format as the buffer protocol gives it: "B", "H"
 * or "f", optionally with a native byte-order prefix ('@', '=', and '<' or
 * '>' when it is this machine's order). */
static int dtype_from_format(const char *format, Py_ssize_t itemsize, zp_dtype *out) {
    const char *f = format ? format : "B";
    const uint16_t one = 1;
    const char native = *(const uint8_t *)&one ? '<' : '>';
    if (*f == '@' || *f == '=' || *f == native) f++;
    zp_dtype dt = !strcmp(f, "B") ? ZP_U8 : !strcmp(f, "H") ? ZP_U16 : !strcmp(f, "f") ? ZP_F32 : 0;
    if (!dt || (Py_ssize_t)zp_dtype_size(dt) != itemsize) {
        PyErr_Format(PyExc_ValueError,
                     "samples of format '%s' (%zd bytes): zeropix takes uint8 ('B'), uint16 ('H') "
                     "or float32 ('f') in native byte order",
                     format ? format : "B", itemsize);
        return -1;
    }
    *out = dt;
    return 0;
}

/* ---- Buffers as views -------------------------------------------------------------- */

/* The zp_buffer release callback: give the exporter its buffer back. It
 * runs where the last reference to the view is dropped, normally in an
 * Image's dealloc with the GIL held, but take the GIL to be sure. */
static void release_exporter(void *user, void *data) {
    (void)data;
    PyGILState_STATE gil = PyGILState_Ensure();
    Py_buffer *held = user;
    PyBuffer_Release(held);
    PyMem_Free(held);
    PyGILState_Release(gil);
}

/* Get obj's buffer, strided and with its format: writable when the object
 * allows it (so that an Image over a writable array is writable), else
 * read-only. *readonly says which. */
static int get_buffer(PyObject *obj, int need_writable, Py_buffer *pb, int *readonly) {
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "expected a zeropix.Image or an object with the buffer protocol "
                     "(NumPy array, bytearray, memoryview), not %.80s", Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (PyObject_GetBuffer(obj, pb, PyBUF_RECORDS) == 0) {
        *readonly = 0;
        return 0;
    }
    /* Not writable (or the exporter refused for another reason: then the
     * read-only request fails too, and that error is the one raised). */
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (PyObject_GetBuffer(obj, pb, PyBUF_RECORDS_RO) < 0) {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return -1;
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    if (need_writable) {
        /* Every exporter words this differently (NumPy raises ValueError,
         * bytes BufferError): say it one way. */
        PyBuffer_Release(pb);
        PyErr_Format(PyExc_BufferError, "the target (%.80s) is read-only",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    *readonly = 1;
    return 0;
}

/* shape= as (height, width) or (height, width, channels). */
static int shape_arg(PyObject *shape, Py_ssize_t dims[3]) {
    PyObject *seq = PySequence_Fast(shape, "shape must be a tuple (height, width[, channels])");
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    int r = -1;
    if (n != 2 && n != 3) {
        PyErr_Format(PyExc_ValueError, "shape must be (height, width[, channels]), got %zd numbers", n);
        goto done;
    }
    dims[2] = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        dims[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i));
        if (dims[i] == -1 && PyErr_Occurred()) goto done;
    }
    r = 0;
done:
    Py_DECREF(seq);
    return r;
}

/* Geometry of a wrapped buffer, found from the exporter's or from shape=. */
typedef struct geometry {
    Py_ssize_t dims[3];    /* height, width, channels */
    Py_ssize_t strides[3]; /* bytes */
    zp_dtype   dtype;
} geometry;

static int geometry_of(const Py_buffer *pb, PyObject *shape, PyObject *dtype, geometry *g) {
    if (pb->suboffsets) {
        PyErr_SetString(PyExc_ValueError, "indirect buffers (suboffsets) cannot be viewed");
        return -1;
    }
    if (shape) {
        /* A flat (or any C-contiguous) buffer, described by the caller. */
        if (shape_arg(shape, g->dims) < 0) return -1;
        if (dtype ? zpy_dtype_arg(dtype, &g->dtype) < 0
                  : dtype_from_format(pb->format, pb->itemsize, &g->dtype) < 0)
            return -1;
        if (!PyBuffer_IsContiguous(pb, 'C')) {
            PyErr_SetString(PyExc_ValueError,
                            "shape= describes a contiguous buffer, and this one is strided: "
                            "pass a 3-D or 2-D buffer without shape= to use its strides");
            return -1;
        }
        Py_ssize_t item = (Py_ssize_t)zp_dtype_size(g->dtype), need = item;
        for (int d = 0; d < 3; d++) {
            if (g->dims[d] < 1) {
                PyErr_Format(PyExc_ValueError, "shape must be positive, got %zd", g->dims[d]);
                return -1;
            }
            if (need > PY_SSIZE_T_MAX / g->dims[d]) {
                PyErr_SetString(PyExc_ValueError, "shape is too large");
                return -1;
            }
            need *= g->dims[d];
        }
        if (need != pb->len) {
            PyErr_Format(PyExc_ValueError,
                         "shape (%zd, %zd, %zd) of %s needs %zd bytes; the buffer has %zd",
                         g->dims[0], g->dims[1], g->dims[2], zp_dtype_name(g->dtype), need, pb->len);
            return -1;
        }
        g->strides[2] = item;
        g->strides[1] = item * g->dims[2];
        g->strides[0] = g->strides[1] * g->dims[1];
        return 0;
    }
    if (dtype) {
        PyErr_SetString(PyExc_TypeError, "dtype= reinterprets a flat buffer: it needs shape=");
        return -1;
    }
    if (dtype_from_format(pb->format, pb->itemsize, &g->dtype) < 0) return -1;
    if (pb->ndim != 3 && pb->ndim != 2) {
        PyErr_Format(PyExc_ValueError,
                     "a %d-D buffer: zeropix views (height, width, channels) or (height, width); "
                     "give shape=(height, width[, channels]) for a flat one", pb->ndim);
        return -1;
    }
    for (int d = 0; d < pb->ndim; d++) g->dims[d] = pb->shape[d];
    if (pb->strides) {
        for (int d = 0; d < pb->ndim; d++) g->strides[d] = pb->strides[d];
    } else { /* C-contiguous, as the protocol says when strides are NULL */
        Py_ssize_t s = pb->itemsize;
        for (int d = pb->ndim - 1; d >= 0; d--) g->strides[d] = s, s *= pb->shape[d];
    }
    if (pb->ndim == 2) {
        g->dims[2] = 1;
        g->strides[2] = pb->itemsize;
    }
    return 0;
}

int zpy_wrap_buffer(PyObject *obj, PyObject *shape, PyObject *dtype, int need_writable,
                    zp_view *out) {
    memset(out, 0, sizeof *out);
    if (shape == Py_None) shape = NULL;
    if (dtype == Py_None) dtype = NULL;

    /* The Py_buffer lives on the heap: the zp_buffer owns it from here to
     * the release of the last view, which may be long after this call. */
    Py_buffer *pb = PyMem_Malloc(sizeof *pb);
    if (!pb) {
        PyErr_NoMemory();
        return -1;
    }
    int readonly;
    if (get_buffer(obj, need_writable, pb, &readonly) < 0) {
        PyMem_Free(pb);
        return -1;
    }
    geometry g;
    if (geometry_of(pb, shape, dtype, &g) < 0) goto fail;
    for (int d = 0; d < 3; d++)
        if (g.dims[d] < 1 || g.dims[d] > (d == 2 ? ZP_MAX_CHANNELS : ZP_MAX_DIM)) {
            PyErr_Format(PyExc_ValueError,
                         "cannot view a buffer of shape (%zd, %zd, %zd): height and width must be "
                         "1..%d, channels 1..%d", g.dims[0], g.dims[1], g.dims[2], ZP_MAX_DIM,
                         ZP_MAX_CHANNELS);
            goto fail;
        }

    /* The bytes the view can address, lowest to highest, whatever the signs
     * of the strides: the zp_buffer covers exactly them, so zp_view_wrap's
     * bounds check holds the view inside the exporter's memory. */
    Py_ssize_t lo = 0, hi = (Py_ssize_t)zp_dtype_size(g.dtype), ext;
    for (int d = 0; d < 3; d++) {
        if (__builtin_mul_overflow(g.dims[d] - 1, g.strides[d], &ext) ||
            __builtin_add_overflow(ext < 0 ? lo : hi, ext, ext < 0 ? &lo : &hi)) {
            PyErr_SetString(PyExc_ValueError, "the buffer's strides overflow");
            goto fail;
        }
    }
    zp_buffer *owner = zp_buffer_wrap((char *)pb->buf + lo, (size_t)(hi - lo), release_exporter, pb);
    if (!owner) {
        zpy_raise(ZP_ERR_NOMEM, ZPY_OPERATING, NULL);
        goto fail;
    }
    /* From here the owner holds pb: dropping it releases the exporter. */
    zp_status st = zp_view_wrap(owner, pb->buf, (int32_t)g.dims[1], (int32_t)g.dims[0],
                                (int32_t)g.dims[2], g.dtype, g.strides[0], g.strides[1],
                                g.strides[2], readonly ? ZP_VIEW_READONLY : 0, out);
    if (st != ZP_OK) zpy_raise(st, ZPY_OPERATING, NULL); /* before the unref: its message */
    zp_buffer_unref(owner); /* the view has its own reference, or none on failure */
    return st == ZP_OK ? 0 : -1;

fail:
    PyBuffer_Release(pb);
    PyMem_Free(pb);
    return -1;
}

ZpyImage *zpy_image_arg(PyObject *obj, PyObject *shape, PyObject *dtype, int need_writable) {
    if (ZpyImage_Check(obj)) {
        ZpyImage *img = (ZpyImage *)obj;
        if ((shape && shape != Py_None) || (dtype && dtype != Py_None)) {
            PyErr_SetString(PyExc_TypeError,
                            "shape= and dtype= describe raw buffers, not a zeropix.Image");
            return NULL;
        }
        if (zpy_image_check_alive(img) < 0) return NULL;
        if (need_writable && (img->view.flags & ZP_VIEW_READONLY)) {
            PyErr_SetString(PyExc_BufferError, "the target (zeropix.Image) is read-only");
            return NULL;
        }
        Py_INCREF(img);
        return img;
    }
    zp_view v;
    if (zpy_wrap_buffer(obj, shape, dtype, need_writable, &v) < 0) return NULL;
    return (ZpyImage *)zpy_image_new(&v, NULL);
}

/* ---- Encoded images: paths and bytes ------------------------------------------------ */

static int is_path(PyObject *obj) {
    return PyUnicode_Check(obj) || PyObject_HasAttrString(obj, "__fspath__");
}

int zpy_path_get(PyObject *obj, PyObject **path, PyObject **name) {
    *path = *name = NULL;
    PyObject *fs = PyOS_FSPath(obj); /* str or bytes; TypeError for others */
    if (!fs) return -1;
    if (!PyUnicode_FSConverter(fs, path)) {
        Py_DECREF(fs);
        return -1;
    }
    *name = PyUnicode_Check(fs) ? Py_NewRef(fs) : PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(*path));
    Py_DECREF(fs);
    if (!*name) {
        Py_CLEAR(*path);
        return -1;
    }
    return 0;
}

int zpy_source_get(PyObject *obj, zpy_source *src) {
    memset(src, 0, sizeof *src);
    if (is_path(obj)) return zpy_path_get(obj, &src->path, &src->name);
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "expected a path (str or os.PathLike) or the bytes of an image file, not %.80s",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (PyObject_GetBuffer(obj, &src->data, PyBUF_SIMPLE) < 0) return -1;
    src->have_data = 1;
    src->name = PyUnicode_FromString("<bytes>");
    return src->name ? 0 : -1;
}

void zpy_source_release(zpy_source *src) {
    Py_CLEAR(src->path);
    Py_CLEAR(src->name);
    if (src->have_data) PyBuffer_Release(&src->data);
    src->have_data = 0;
}
