/* module.c: the zeropix extension module: open(), decode_into(), new(),
 * the module-level forms of apply/save/encode that take any buffer, the
 * filter registry (built-ins and default plugins, loaded once at import),
 * and module initialisation. */
#include "zeropix_py.h"
#include <stdatomic.h>
#include <stdio.h>

/* ---- The registry --------------------------------------------------------------- */

static zp_registry *registry;
static PyObject *pending_warnings; /* list while the registry loads at import */
static atomic_int busy;            /* calls running without the GIL */

const zp_registry *zpy_registry(void) { return registry; }
void zpy_busy_enter(void) { atomic_fetch_add(&busy, 1); }
void zpy_busy_leave(void) { atomic_fetch_sub(&busy, 1); }

/* A plugin that could not be loaded: a Python warning (RuntimeWarning),
 * which the CLI prints on stderr. Raised after loading, so that
 * `-W error` turns it into an import error instead of being lost. */
static void registry_warning(void *user, const char *message) {
    (void)user;
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject *text = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
    if (!text || (pending_warnings ? PyList_Append(pending_warnings, text)
                                   : PyErr_WarnEx(PyExc_RuntimeWarning, message, 1)) < 0)
        PyErr_WriteUnraisable(NULL);
    Py_XDECREF(text);
    PyGILState_Release(gil);
}

static int registry_load(void) {
    if (!(pending_warnings = PyList_New(0))) return -1;
    zp_clear_error();
    if (zp_registry_new(registry_warning, NULL, &registry) != ZP_OK) {
        Py_CLEAR(pending_warnings);
        zpy_raise(ZP_ERR_NOMEM, ZPY_OPERATING, NULL);
        return -1;
    }
    zp_registry_load_default(registry);
    PyObject *warnings = pending_warnings;
    pending_warnings = NULL;
    int r = 0;
    for (Py_ssize_t i = 0; r == 0 && i < PyList_GET_SIZE(warnings); i++)
        r = PyErr_WarnEx(PyExc_RuntimeWarning, PyUnicode_AsUTF8(PyList_GET_ITEM(warnings, i)), 1);
    Py_DECREF(warnings);
    return r;
}

static PyObject *mod_filters(PyObject *m, PyObject *unused) {
    PyObject *d = PyDict_New();
    for (size_t i = 0; d && i < zp_registry_count(registry); i++) {
        const zp_filter *f = zp_registry_filter(registry, i);
        PyObject *summary = PyUnicode_FromString(f->summary ? f->summary : "");
        if (!summary || PyDict_SetItemString(d, f->name, summary) < 0) Py_CLEAR(d);
        Py_XDECREF(summary);
    }
    return d;
}

/* ---- Decoding --------------------------------------------------------------------- */

/* orient, metadata, max_pixels and limits, shared by open() and decode_into(). */
static int decode_options(int orient, int keep_16bit, int metadata, PyObject *max_pixels,
                          int limits, zp_decode_options *o) {
    zp_decode_options_init(o);
    o->apply_orientation = orient;
    o->keep_16bit = keep_16bit;
    o->read_metadata = metadata;
    if (zpy_max_pixels_arg(max_pixels, &o->limits.max_pixels) < 0) return -1;
    if (!limits) {
        o->limits.max_pixels = 0;
        o->limits.max_jpeg_scans = 0;
        o->limits.max_chunk_size = 0;
    }
    return 0;
}

static PyObject *mod_open(PyObject *m, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"source", "orient", "keep_16bit", "metadata", "max_pixels", "limits", NULL};
    PyObject *source, *max_pixels = Py_None;
    int orient = 1, keep_16bit = 1, metadata = 1, limits = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$pppOp:open", kwlist, &source, &orient,
                                     &keep_16bit, &metadata, &max_pixels, &limits))
        return NULL;
    zp_decode_options opt;
    if (decode_options(orient, keep_16bit, metadata, max_pixels, limits, &opt) < 0) return NULL;
    zpy_source src;
    if (zpy_source_get(source, &src) < 0) {
        zpy_source_release(&src);
        return NULL;
    }
    zp_image img;
    memset(&img, 0, sizeof img);
    zp_status st;
    zpy_busy_enter();
    Py_BEGIN_ALLOW_THREADS
    zp_clear_error();
    st = src.path ? zp_image_decode_file(PyBytes_AS_STRING(src.path), &opt, &img)
                  : zp_image_decode_memory(src.data.buf, (size_t)src.data.len, &opt, &img);
    Py_END_ALLOW_THREADS
    zpy_busy_leave();
    PyObject *r;
    if (st != ZP_OK) {
        r = zpy_raise(st, ZPY_DECODING, src.name);
        zp_image_release(&img);
    } else {
        r = zpy_image_from_decoded(&img, src.name);
    }
    zpy_source_release(&src);
    return r;
}

static PyObject *mod_decode_into(PyObject *m, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"source", "target", "shape", "dtype", "orient", "metadata",
                             "max_pixels", "limits", NULL};
    PyObject *source, *target_obj, *shape = Py_None, *dtype = Py_None, *max_pixels = Py_None;
    int orient = 1, metadata = 1, limits = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOppOp:decode_into", kwlist, &source,
                                     &target_obj, &shape, &dtype, &orient, &metadata,
                                     &max_pixels, &limits))
        return NULL;
    zp_decode_options opt;
    /* keep_16bit: the decoder converts to the target's dtype, from 16 bits
     * when the file has them */
    if (decode_options(orient, 1, metadata, max_pixels, limits, &opt) < 0) return NULL;
    ZpyImage *target = zpy_image_arg(target_obj, shape, dtype, 1);
    if (!target) return NULL;
    zpy_source src;
    if (zpy_source_get(source, &src) < 0) {
        zpy_source_release(&src);
        Py_DECREF(target);
        return NULL;
    }
    zp_view dst;
    zp_view_share(&target->view, &dst);
    zp_decoder *dec = NULL;
    zp_status st;
    zpy_busy_enter();
    Py_BEGIN_ALLOW_THREADS
    zp_clear_error();
    st = src.path ? zp_decoder_open_file(PyBytes_AS_STRING(src.path), &opt, &dec)
                  : zp_decoder_open_memory(src.data.buf, (size_t)src.data.len, &opt, &dec);
    if (st == ZP_OK) st = zp_decoder_read_into(dec, &dst);
    Py_END_ALLOW_THREADS
    zpy_busy_leave();

    /* The result is an Image over the target, with what the file said. */
    ZpyImage *r = NULL;
    if (st != ZP_OK) {
        zpy_raise(st, ZPY_DECODING, src.name);
    } else if ((r = (ZpyImage *)zpy_image_new(&dst, NULL))) {
        const zp_metadata *meta = zp_decoder_metadata(dec);
        const zp_image_info *info = zp_decoder_info(dec);
        r->name = Py_NewRef(src.name);
        r->format = info->format;
        r->bit_depth = info->bit_depth;
        r->orientation = info->orientation;
        if ((meta->icc && !(r->icc = PyBytes_FromStringAndSize((const char *)meta->icc,
                                                               (Py_ssize_t)meta->icc_size))) ||
            (meta->exif && !(r->exif = PyBytes_FromStringAndSize((const char *)meta->exif,
                                                                 (Py_ssize_t)meta->exif_size))))
            Py_CLEAR(r);
    }
    zp_decoder_close(dec);
    zp_view_release(&dst);
    zpy_source_release(&src);
    Py_DECREF(target);
    return (PyObject *)r;
}

/* ---- New images ------------------------------------------------------------------- */

static PyObject *mod_new(PyObject *m, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"width", "height", "channels", "dtype", NULL};
    int width, height, channels = 3;
    PyObject *dtype_obj = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ii|iO:new", kwlist, &width, &height,
                                     &channels, &dtype_obj))
        return NULL;
    zp_dtype dtype = ZP_U8;
    if (dtype_obj && zpy_dtype_arg(dtype_obj, &dtype) < 0) return NULL;
    zp_view v;
    zp_clear_error();
    zp_status st = zp_view_alloc(width, height, channels, dtype, &v);
    if (st != ZP_OK) return zpy_raise(st, ZPY_OPERATING, NULL);
    memset(zp_buffer_data(v.owner), 0, zp_buffer_size(v.owner));
    return zpy_image_new(&v, NULL);
}

/* ---- apply / save / encode on anything with the buffer protocol ---------------------- */

typedef PyObject *(*image_method)(ZpyImage *, PyObject *, PyObject *);

/* f(image, *rest, shape=None, dtype=None, **kw) -> Image(image, shape=, dtype=).method(*rest, **kw) */
static PyObject *forward(PyObject *args, PyObject *kwargs, image_method method, const char *fname) {
    if (PyTuple_GET_SIZE(args) < 1)
        return PyErr_Format(PyExc_TypeError, "%s() needs an image (a zeropix.Image or a buffer)", fname);
    PyObject *kw = kwargs ? PyDict_Copy(kwargs) : NULL, *shape = NULL, *dtype = NULL;
    if (kwargs && !kw) return NULL;
    if (kw) {
        shape = Py_XNewRef(PyDict_GetItemString(kw, "shape"));
        dtype = Py_XNewRef(PyDict_GetItemString(kw, "dtype"));
        if ((shape && PyDict_DelItemString(kw, "shape") < 0) ||
            (dtype && PyDict_DelItemString(kw, "dtype") < 0))
            goto fail;
    }
    ZpyImage *img = zpy_image_arg(PyTuple_GET_ITEM(args, 0), shape, dtype, 0);
    PyObject *rest = img ? PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args)) : NULL;
    PyObject *r = rest ? method(img, rest, kw) : NULL;
    Py_XDECREF(rest);
    Py_XDECREF(img);
    Py_XDECREF(shape);
    Py_XDECREF(dtype);
    Py_XDECREF(kw);
    return r;
fail:
    Py_XDECREF(shape);
    Py_XDECREF(dtype);
    Py_XDECREF(kw);
    return NULL;
}

static PyObject *mod_apply(PyObject *m, PyObject *args, PyObject *kwargs) {
    return forward(args, kwargs, zpy_image_apply, "apply");
}
static PyObject *mod_save(PyObject *m, PyObject *args, PyObject *kwargs) {
    return forward(args, kwargs, zpy_image_save, "save");
}
static PyObject *mod_encode(PyObject *m, PyObject *args, PyObject *kwargs) {
    return forward(args, kwargs, zpy_image_encode, "encode");
}

/* ---- The module --------------------------------------------------------------------- */

static PyMethodDef module_methods[] = {
    {"open", (PyCFunction)(void (*)(void))mod_open, METH_VARARGS | METH_KEYWORDS,
     "open(source, *, orient=True, keep_16bit=True, metadata=True, max_pixels=None,\n"
     "     limits=True) -> Image\n\n"
     "Decode a JPEG, PNG or PNM: `source` is a path (str or os.PathLike) or the\n"
     "bytes of a file (bytes, bytearray, memoryview, ...). The format comes from\n"
     "the content. orient: turn the pixels upright by the EXIF orientation (a\n"
     "view, no copy); keep_16bit: 16-bit files stay 16-bit; metadata: keep ICC\n"
     "and EXIF; max_pixels: refuse larger images before allocating (None = 256\n"
     "MP, 0 = no limit); limits=False: no limits at all. The GIL is released\n"
     "while decoding."},
    {"decode_into", (PyCFunction)(void (*)(void))mod_decode_into, METH_VARARGS | METH_KEYWORDS,
     "decode_into(source, target, *, shape=None, dtype=None, orient=True,\n"
     "            metadata=True, max_pixels=None, limits=True) -> Image\n\n"
     "Decode straight into `target`, a writable zeropix.Image or buffer (a NumPy\n"
     "array or a slice of one, any strides) of the image's height, width and\n"
     "channels; samples are converted to the target's dtype. Returns an Image\n"
     "over the target carrying the file's metadata. The GIL is released."},
    {"new", (PyCFunction)(void (*)(void))mod_new, METH_VARARGS | METH_KEYWORDS,
     "new(width, height, channels=3, dtype='u8') -> Image: zero-filled, writable."},
    {"apply", (PyCFunction)(void (*)(void))mod_apply, METH_VARARGS | METH_KEYWORDS,
     "apply(image, *operations, shape=None, dtype=None, threads=0, max_pixels=None)\n"
     "-> Image: Image.apply on a zeropix.Image or any buffer (viewed, not copied)."},
    {"save", (PyCFunction)(void (*)(void))mod_save, METH_VARARGS | METH_KEYWORDS,
     "save(image, path, *, shape=None, dtype=None, **options): Image.save on a\n"
     "zeropix.Image or any buffer."},
    {"encode", (PyCFunction)(void (*)(void))mod_encode, METH_VARARGS | METH_KEYWORDS,
     "encode(image, format, *, shape=None, dtype=None, **options) -> bytes."},
    {"filters", (PyCFunction)mod_filters, METH_NOARGS,
     "filters() -> dict: every filter apply() can name (built-ins and plugins),\n"
     "with its one-line summary."},
    {NULL, NULL, 0, NULL},
};

static void module_free(void *m) {
    /* A daemon thread may still be inside a pipeline at exit: then leave
     * the registry (and its plugins) to the operating system. */
    if (registry && atomic_load(&busy) == 0) zp_registry_free(registry);
    registry = NULL;
}

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "zeropix",
    .m_doc =
        "zeropix: image decoding, filtering and encoding on strided views.\n\n"
        "Images share memory with Python in both directions through the buffer\n"
        "protocol: memoryview(img) and numpy.asarray(img) view an Image's pixels,\n"
        "and every function that takes an image also takes a NumPy array, a\n"
        "memoryview or a bytearray (with shape=), viewing it without a copy.\n"
        "The GIL is released while decoding, filtering and encoding.",
    .m_size = -1,
    .m_methods = module_methods,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit_zeropix(void) {
    if (PyType_Ready(&ZpyImage_Type) < 0) return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m) return NULL;
    if (zpy_errors_init(m) < 0 || PyModule_AddObjectRef(m, "Image", (PyObject *)&ZpyImage_Type) < 0 ||
        PyModule_AddStringConstant(m, "__version__", ZEROPIX_VERSION_TEXT) < 0 ||
        PyModule_AddStringConstant(m, "version", zp_version_string()) < 0 ||
        PyModule_AddStringConstant(m, "plugin_dir", zp_plugin_dir()) < 0 || registry_load() < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
