/* ops.c: Image.apply (operation chains, in the CLI's text form or as
 * (name, {param: value}) tuples), Image.save and Image.encode; the GIL is
 * released while the pipeline runs and while encoding. */
#include "zeropix_py.h"
#include <stdint.h>

/* ---- Operation chains --------------------------------------------------------------- */

/* Characters that separate the parts of an operation in the text syntax:
 * a name, key or value of the keyword form may not contain them, or it
 * would be read as something else. */
static int has_separator(const char *s) {
    return strpbrk(s, ":,= \t\n\r\f\v") != NULL;
}

/* A number as the parser reads it: integers (int, or anything with
 * __index__ such as numpy.int64) in decimal, other numbers (float, or
 * anything with __float__ such as numpy.float32) as repr writes a float:
 * the shortest text that reads back to the same double. NULL with no
 * exception set when `v` is not a number. */
static PyObject *number_text(PyObject *v) {
    if (PyBool_Check(v)) return PyUnicode_FromString(v == Py_True ? "1" : "0");
    if (PyLong_Check(v)) return PyObject_Str(v);
    if (PyFloat_Check(v)) return PyObject_Repr(v);
    if (PyIndex_Check(v)) {
        PyObject *i = PyNumber_Index(v);
        PyObject *t = i ? PyObject_Str(i) : NULL;
        Py_XDECREF(i);
        return t;
    }
    if (!PyUnicode_Check(v) && Py_TYPE(v)->tp_as_number && Py_TYPE(v)->tp_as_number->nb_float) {
        PyObject *f = PyNumber_Float(v);
        PyObject *t = f ? PyObject_Repr(f) : NULL;
        Py_XDECREF(f);
        return t;
    }
    return NULL;
}

/* A value of the keyword form as the parser reads it: booleans 1/0,
 * numbers (number_text), lists of numbers joined by ';', strings (CHOICE
 * values) as they are. */
static PyObject *value_text(PyObject *v) {
    if (PyUnicode_Check(v)) return Py_NewRef(v);
    if (PyBool_Check(v) || PyLong_Check(v) || PyFloat_Check(v)) return number_text(v);
    if (PySequence_Check(v) && !PyBytes_Check(v) && !PyByteArray_Check(v)) {
        /* a list, a tuple, a NumPy array of numbers */
        PyObject *seq = PySequence_Fast(v, "a list value holds numbers");
        PyObject *parts = seq ? PyList_New(0) : NULL, *sep = NULL, *r = NULL;
        if (!parts) {
            Py_XDECREF(seq);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
            PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
            PyObject *it = PyBool_Check(item) ? NULL : number_text(item);
            if (!it) {
                if (!PyErr_Occurred())
                    PyErr_Format(PyExc_TypeError, "a list value holds numbers, not %.80s",
                                 Py_TYPE(item)->tp_name);
                goto done;
            }
            int a = PyList_Append(parts, it);
            Py_DECREF(it);
            if (a < 0) goto done;
        }
        if ((sep = PyUnicode_FromString(";"))) r = PyUnicode_Join(sep, parts);
    done:
        Py_XDECREF(sep);
        Py_DECREF(parts);
        Py_DECREF(seq);
        return r;
    }
    PyObject *t = number_text(v); /* numpy.int64, numpy.float32, ... */
    if (t || PyErr_Occurred()) return t;
    return PyErr_Format(PyExc_TypeError,
                        "a parameter value is a bool, a number, a str or a list of numbers, "
                        "not %.80s", Py_TYPE(v)->tp_name);
}

/* The keyword form, ("resize", {"width": 100}) or ("flip",), as the text
 * "resize:width=100", appended to `ops` (a list of str). `index` numbers
 * the operation in messages, as the parser does. */
static int add_tuple_op(PyObject *t, Py_ssize_t index, PyObject *ops) {
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    PyObject *name = n >= 1 ? PyTuple_GET_ITEM(t, 0) : NULL;
    PyObject *params = n == 2 ? PyTuple_GET_ITEM(t, 1) : NULL;
    if (!name || n > 2 || !PyUnicode_Check(name) || (params && !PyDict_Check(params))) {
        PyErr_Format(PyExc_TypeError,
                     "operation %zd: a tuple operation is (name, {param: value}) or (name,)", index);
        return -1;
    }
    const char *name_s = PyUnicode_AsUTF8(name);
    if (!name_s) return -1;
    if (!*name_s || has_separator(name_s)) {
        PyErr_Format(PyExc_ValueError, "operation %zd: '%s' is not a filter name", index, name_s);
        return -1;
    }
    PyObject *text = PyUnicode_FromString(name_s);
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    char sep = ':';
    while (text && params && PyDict_Next(params, &pos, &key, &value)) {
        const char *key_s = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        if (!key_s) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_TypeError, "operation %zd '%s': parameter names are str",
                             index, name_s);
            Py_CLEAR(text);
            break;
        }
        PyObject *v = value_text(value);
        const char *v_s = v ? PyUnicode_AsUTF8(v) : NULL;
        if (v_s && (!*key_s || has_separator(key_s) || has_separator(v_s))) {
            PyErr_Format(PyExc_ValueError,
                         "operation %zd '%s': %s=%s: names and values may not contain ':', ',', "
                         "'=' or spaces", index, name_s, key_s, v_s);
            v_s = NULL;
        }
        PyObject *joined = v_s ? PyUnicode_FromFormat("%U%c%s=%s", text, sep, key_s, v_s) : NULL;
        Py_XDECREF(v);
        Py_SETREF(text, joined);
        sep = ',';
    }
    if (!text) return -1;
    int r = PyList_Append(ops, text);
    Py_DECREF(text);
    return r;
}

/* Every argument of apply() as operation texts, numbered as the user sees
 * them: a string may hold several, separated by whitespace, as in
 * zp_pipeline_parse_string. */
static PyObject *operation_texts(PyObject *args) {
    PyObject *ops = PyList_New(0);
    for (Py_ssize_t i = 0; ops && i < PyTuple_GET_SIZE(args); i++) {
        PyObject *a = PyTuple_GET_ITEM(args, i);
        int r;
        if (PyUnicode_Check(a)) {
            PyObject *words = PyUnicode_Split(a, NULL, -1);
            r = words ? PyList_SetSlice(ops, PyList_GET_SIZE(ops), PyList_GET_SIZE(ops), words) : -1;
            Py_XDECREF(words);
        } else if (PyTuple_Check(a)) {
            r = add_tuple_op(a, PyList_GET_SIZE(ops) + 1, ops);
        } else {
            PyErr_Format(PyExc_TypeError,
                         "an operation is a str ('blur:sigma=2') or a tuple ('blur', {'sigma': 2}), "
                         "not %.80s", Py_TYPE(a)->tp_name);
            r = -1;
        }
        if (r < 0) Py_CLEAR(ops);
    }
    if (ops && PyList_GET_SIZE(ops) > ZP_MAX_OPERATIONS) {
        PyErr_Format(PyExc_ValueError, "%zd operations, over the limit of %d",
                     PyList_GET_SIZE(ops), ZP_MAX_OPERATIONS);
        Py_CLEAR(ops);
    }
    return ops;
}

int zpy_max_pixels_arg(PyObject *obj, uint64_t *out) {
    if (!obj || obj == Py_None) {
        *out = ZP_DEFAULT_MAX_PIXELS;
        return 0;
    }
    unsigned long long v = PyLong_AsUnsignedLongLong(obj);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError) || PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "max_pixels must be None or an int >= 0 (0 = no limit)");
        }
        return -1;
    }
    *out = v;
    return 0;
}

PyObject *zpy_image_apply(ZpyImage *self, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"threads", "max_pixels", "inplace", NULL};
    int threads = 0, inplace = 0;
    PyObject *max_pixels_obj = Py_None, *empty = PyTuple_New(0);
    if (!empty) return NULL;
    int ok = PyArg_ParseTupleAndKeywords(empty, kwargs, "|$iOp:apply", kwlist, &threads,
                                         &max_pixels_obj, &inplace);
    Py_DECREF(empty);
    zp_run_options run;
    zp_run_options_init(&run);
    if (!ok || zpy_max_pixels_arg(max_pixels_obj, &run.max_pixels) < 0) return NULL;
    if (threads < 0) return PyErr_Format(PyExc_ValueError, "threads must be >= 0 (0 = one per core)");
    run.threads = threads;
    if (zpy_image_check_alive(self) < 0) return NULL;

    PyObject *texts = operation_texts(args);
    if (!texts) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    const char **ops = PyMem_Calloc(n ? (size_t)n : 1, sizeof *ops);
    if (!ops) {
        Py_DECREF(texts);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (!(ops[i] = PyUnicode_AsUTF8(PyList_GET_ITEM(texts, i)))) {
            PyMem_Free(ops);
            Py_DECREF(texts);
            return NULL;
        }

    /* Parsed with the GIL held (fast, and the registry is only read). A
     * mistake in the chain is reported as the CLI reports it, without a
     * file name: it is the chain's fault, not the image's. */
    zp_pipeline *pipe = NULL;
    zp_clear_error();
    zp_status st = zp_pipeline_parse(zpy_registry(), (int)n, ops, &pipe);
    PyMem_Free(ops);
    Py_DECREF(texts);
    if (st != ZP_OK) return zpy_raise(st, ZPY_OPERATING, NULL);

    /* Our own reference to the input: another thread may release or
     * replace self's view while this one runs without the GIL. */
    zp_view in, out;
    zp_view_share(&self->view, &in);
    zpy_busy_enter();
    Py_BEGIN_ALLOW_THREADS
    zp_clear_error();
    st = zp_pipeline_run(pipe, &in, &run, &out);
    Py_END_ALLOW_THREADS
    zpy_busy_leave();

    PyObject *result = NULL;
    if (st != ZP_OK) {
        zpy_raise(st, ZPY_OPERATING, self->name);
    } else if (inplace) {
        /* exports are checked now, with the GIL: one may have appeared
         * while the pipeline ran */
        if (zpy_image_replace_view(self, &out) == 0) result = Py_NewRef(self);
    } else {
        result = zpy_image_new(&out, self);
    }
    zp_pipeline_free(pipe);
    zp_view_release(&in);
    return result;
}

/* ---- Encoding ------------------------------------------------------------------------ */

/* The options of save() and encode(), checked as the CLI checks them and
 * with the same words, without the dashes. */
static int encode_options(PyObject *format, int quality, int progressive, int optimize,
                          int subsampling, int compression, PyObject *depth, int strip,
                          const char *path, zp_encode_options *o) {
    zp_encode_options_init(o);
    if (format != Py_None) {
        const char *f = PyUnicode_Check(format) ? PyUnicode_AsUTF8(format) : NULL;
        if (!f) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "format must be a str such as 'png'");
            return -1;
        }
        if ((o->format = zp_format_from_name(f)) == ZP_FORMAT_UNKNOWN || strchr(f, '.')) {
            PyErr_Format(PyExc_ValueError, "format must be 'jpeg', 'png' or 'pnm', got '%s'", f);
            return -1;
        }
    } else if (!path) {
        PyErr_SetString(PyExc_ValueError, "format is required ('jpeg', 'png' or 'pnm')");
        return -1;
    } else if ((o->format = zp_format_from_name(path)) == ZP_FORMAT_UNKNOWN) {
        PyErr_Format(PyExc_ValueError, "cannot tell the output format from '%s': use .jpg, .png, "
                     ".pnm/.ppm/.pgm or format=", path);
        return -1;
    }
    if (quality < 1 || quality > 100) {
        PyErr_Format(PyExc_ValueError, "quality must be 1..100, got %d", quality);
        return -1;
    }
    if (subsampling != 444 && subsampling != 422 && subsampling != 420) {
        PyErr_Format(PyExc_ValueError, "subsampling must be 444, 422 or 420, got %d", subsampling);
        return -1;
    }
    if (compression < -1 || compression > 9) {
        PyErr_Format(PyExc_ValueError, "compression must be -1 (fast) or 0..9, got %d", compression);
        return -1;
    }
    int bits = 0;
    if (depth != Py_None) {
        long d = PyLong_Check(depth) ? PyLong_AsLong(depth) : -1;
        if (d == -1 && PyErr_Occurred()) return -1;
        if (d != 8 && d != 16) {
            PyErr_SetString(PyExc_ValueError, "depth must be None, 8 or 16");
            return -1;
        }
        if (d == 16 && o->format == ZP_FORMAT_JPEG) {
            PyErr_SetString(PyExc_ValueError, "depth 16 is not possible for JPEG output (8 bits only)");
            return -1;
        }
        bits = (int)d;
    }
    o->quality = quality;
    o->progressive = progressive;
    o->optimize = optimize;
    o->subsampling = subsampling;
    o->compression = compression;
    o->bit_depth = bits;
    o->strip_metadata = strip;
    return 0;
}

/* save(path, ...) and encode(format, ...): the same options, one target. */
static PyObject *encode_common(ZpyImage *self, PyObject *args, PyObject *kwargs, int to_file) {
    static char *save_kw[] = {"path", "format", "quality", "progressive", "optimize",
                              "subsampling", "compression", "depth", "strip", NULL};
    static char *encode_kw[] = {"format", "quality", "progressive", "optimize",
                                "subsampling", "compression", "depth", "strip", NULL};
    PyObject *path_obj = NULL, *format = Py_None, *depth = Py_None;
    int quality = 90, progressive = 0, optimize = 0, subsampling = 420, compression = -1, strip = 0;
    int ok = to_file
        ? PyArg_ParseTupleAndKeywords(args, kwargs, "O|$OippiiOp:save", save_kw, &path_obj, &format,
                                      &quality, &progressive, &optimize, &subsampling,
                                      &compression, &depth, &strip)
        : PyArg_ParseTupleAndKeywords(args, kwargs, "O|$ippiiOp:encode", encode_kw, &format,
                                      &quality, &progressive, &optimize, &subsampling,
                                      &compression, &depth, &strip);
    if (!ok || zpy_image_check_alive(self) < 0) return NULL;

    PyObject *path = NULL, *name = NULL;
    if (to_file && zpy_path_get(path_obj, &path, &name) < 0) return NULL;
    zp_encode_options opt;
    if (encode_options(format, quality, progressive, optimize, subsampling, compression, depth,
                       strip, path ? PyBytes_AS_STRING(path) : NULL, &opt) < 0) {
        Py_XDECREF(path);
        Py_XDECREF(name);
        return NULL;
    }

    /* Own references to everything the encoder reads without the GIL. */
    zp_view in;
    zp_view_share(&self->view, &in);
    PyObject *icc = strip ? NULL : Py_XNewRef(self->icc);
    PyObject *exif = strip ? NULL : Py_XNewRef(self->exif);
    zp_metadata meta = {
        icc ? (uint8_t *)PyBytes_AS_STRING(icc) : NULL, icc ? (size_t)PyBytes_GET_SIZE(icc) : 0,
        exif ? (uint8_t *)PyBytes_AS_STRING(exif) : NULL, exif ? (size_t)PyBytes_GET_SIZE(exif) : 0,
    };
    void *data = NULL;
    size_t size = 0;
    zp_status st;
    zpy_busy_enter();
    Py_BEGIN_ALLOW_THREADS
    zp_clear_error();
    st = to_file ? zp_image_encode_file(&in, &meta, PyBytes_AS_STRING(path), &opt)
                 : zp_image_encode_memory(&in, &meta, &opt, &data, &size);
    Py_END_ALLOW_THREADS
    zpy_busy_leave();

    /* The CLI names the output in encoding errors; so do we. */
    PyObject *result = st != ZP_OK ? zpy_raise(st, ZPY_ENCODING, name)
                       : to_file   ? Py_NewRef(Py_None)
                                   : PyBytes_FromStringAndSize(data, (Py_ssize_t)size);
    zp_free(data);
    zp_view_release(&in);
    Py_XDECREF(icc);
    Py_XDECREF(exif);
    Py_XDECREF(path);
    Py_XDECREF(name);
    return result;
}

PyObject *zpy_image_save(ZpyImage *self, PyObject *args, PyObject *kwargs) {
    return encode_common(self, args, kwargs, 1);
}

PyObject *zpy_image_encode(ZpyImage *self, PyObject *args, PyObject *kwargs) {
    return encode_common(self, args, kwargs, 0);
}
