/* errors.c: the exception classes of the zeropix module, and the one place
 * that turns a zeropix status into one of them, worded as the CLI words it. */
#include "zeropix_py.h"

PyObject *zpy_Error;
PyObject *zpy_FormatError;
PyObject *zpy_LimitError;
PyObject *zpy_OperationError;
PyObject *zpy_FileError;

static PyObject *new_class(PyObject *module, const char *name, const char *doc,
                           PyObject *python_base) {
    /* zeropix.Error first, so that `except zeropix.Error` catches them all;
     * the builtin second, so that `except ValueError` / `except OSError`
     * code written without zeropix in mind works too. */
    PyObject *bases = python_base ? PyTuple_Pack(2, zpy_Error, python_base) : NULL;
    if (python_base && !bases) return NULL;
    char qualified[64];
    PyOS_snprintf(qualified, sizeof qualified, "zeropix.%s", name);
    PyObject *cls = PyErr_NewExceptionWithDoc(qualified, doc, bases, NULL);
    Py_XDECREF(bases);
    if (cls && PyModule_AddObjectRef(module, name, cls) < 0) Py_CLEAR(cls);
    return cls;
}

int zpy_errors_init(PyObject *module) {
    zpy_Error = PyErr_NewExceptionWithDoc(
        "zeropix.Error",
        "Base class of every error zeropix raises. str(e) is the message the\n"
        "zeropix command line prints after 'zeropix: ' (the file, then the\n"
        "reason); e.status is the zeropix status text ('corrupt data'), e.path\n"
        "the file concerned or None.",
        NULL, NULL);
    if (!zpy_Error || PyModule_AddObjectRef(module, "Error", zpy_Error) < 0) return -1;
    zpy_FormatError = new_class(module, "FormatError",
        "The data is not an image zeropix can read: unknown format, corrupt,\n"
        "truncated or unsupported. Also a ValueError.", PyExc_ValueError);
    zpy_LimitError = new_class(module, "LimitError",
        "The input or a result is over a limit (max_pixels, JPEG scans, chunk\n"
        "size): refused before allocating. Also a ValueError.", PyExc_ValueError);
    zpy_OperationError = new_class(module, "OperationError",
        "An operation that cannot be done: a mistake in an operation chain,\n"
        "a crop outside the image, a target of the wrong shape, a channel\n"
        "order that is not a view. Also a ValueError.", PyExc_ValueError);
    zpy_FileError = new_class(module, "FileError",
        "A file could not be read or written. Also an OSError.", PyExc_OSError);
    return zpy_FormatError && zpy_LimitError && zpy_OperationError && zpy_FileError ? 0 : -1;
}

static PyObject *class_for(zp_status st, zpy_doing doing) {
    switch (st) {
    case ZP_ERR_IO: return zpy_FileError;
    case ZP_ERR_UNKNOWN_FORMAT:
    case ZP_ERR_CORRUPT:
    case ZP_ERR_TRUNCATED: return zpy_FormatError;
    case ZP_ERR_UNSUPPORTED: return doing == ZPY_DECODING ? zpy_FormatError : zpy_OperationError;
    case ZP_ERR_LIMIT: return zpy_LimitError;
    default: return zpy_OperationError;
    }
}

PyObject *zpy_raise(zp_status st, zpy_doing doing, PyObject *name) {
    /* The message first: it is only valid until the next zeropix call. */
    const char *text = zp_last_error();
    if (!text || !*text) text = zp_status_str(st);
    PyObject *reason = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
    if (!reason) return NULL;
    if (st == ZP_ERR_NOMEM) {
        if (name) PyErr_Format(PyExc_MemoryError, "%U: %U", name, reason);
        else PyErr_SetObject(PyExc_MemoryError, reason);
        Py_DECREF(reason);
        return NULL;
    }
    /* The CLI names the option that lifts a limit; so do we, in Python terms. */
    const char *hint = st != ZP_ERR_LIMIT ? ""
                       : strstr(text, "max_pixels") ? " (max_pixels=N or max_pixels=0 allows it)"
                                                    : " (limits=False allows it)";
    PyObject *message = name ? PyUnicode_FromFormat("%U: %U%s", name, reason, hint)
                             : PyUnicode_FromFormat("%U%s", reason, hint);
    Py_DECREF(reason);
    if (!message) return NULL;
    PyObject *cls = class_for(st, doing);
    PyObject *exc = PyObject_CallOneArg(cls, message);
    Py_DECREF(message);
    if (!exc) return NULL;
    PyObject *status = PyUnicode_FromString(zp_status_str(st));
    if (!status || PyObject_SetAttrString(exc, "status", status) < 0 ||
        PyObject_SetAttrString(exc, "path", name ? name : Py_None) < 0) {
        Py_XDECREF(status);
        Py_DECREF(exc);
        return NULL;
    }
    Py_DECREF(status);
    PyErr_SetObject(cls, exc);
    Py_DECREF(exc);
    return NULL;
}
