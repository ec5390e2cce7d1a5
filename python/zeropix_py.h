/* zeropix_py.h: what the files of the Python binding share: the Image type,
 * the module's filter registry, the exception classes and the conversions
 * between Python objects and zeropix views.
 *
 * The binding is a client of the public API only (zeropix/zeropix.h and
 * zeropix/pipeline.h). Its own helpers are prefixed zpy_, never zp_ or zp__,
 * so a reader never mistakes them for library API or library internals.
 *
 * Ownership, in one paragraph: an Image holds one reference to its zp_view
 * (and so to the pixel memory). Every Py_buffer it exports holds the Image
 * (Py_buffer.obj) and bumps Image.exports; while exports > 0 the Image
 * refuses to drop or replace its view. Memory that came from another
 * exporter (a NumPy array, a bytearray) is wrapped with zp_buffer_wrap: the
 * zp_buffer owns a Py_buffer of that exporter and releases it, with the GIL,
 * when the last view of it goes away. */
#ifndef ZEROPIX_PY_H
#define ZEROPIX_PY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "zeropix/zeropix.h"
#include "zeropix/pipeline.h"

/* ---- Image ---------------------------------------------------------------- */

typedef struct ZpyImage {
    PyObject_HEAD
    zp_view    view;       /* one reference; zeroed by release()            */
    Py_ssize_t shape[3];   /* exported shape: height, width, channels       */
    Py_ssize_t strides[3]; /* exported strides in bytes, exactly the view's */
    Py_ssize_t exports;    /* live Py_buffer exports of this object         */
    PyObject  *name;       /* str naming the source file in messages, or NULL */
    PyObject  *icc;        /* bytes or NULL; shared by derived images       */
    PyObject  *exif;       /* bytes or NULL; shared by derived images       */
    zp_format  format;     /* of the file it was decoded from, or UNKNOWN   */
    int        bit_depth;  /* bits per sample in that file, 0 without one   */
    int        orientation;/* EXIF orientation in that file, 0 without one  */
    PyObject  *weakrefs;
} ZpyImage;

extern PyTypeObject ZpyImage_Type;
#define ZpyImage_Check(op) PyObject_TypeCheck(op, &ZpyImage_Type)

/* A new Image taking over the reference `view` holds (the caller's `view`
 * is zeroed). File facts (name, metadata, format...) are copied from `like`
 * when it is not NULL. On failure the view is released and NULL returned. */
PyObject *zpy_image_new(zp_view *view, const ZpyImage *like);

/* A new Image from a decoded image: takes over img->view, copies the
 * metadata into bytes and releases the rest of `img`. `name` (borrowed, may
 * be NULL) names the source in later error messages. */
PyObject *zpy_image_from_decoded(zp_image *img, PyObject *name);

/* Replace the image's view by `view` (its reference taken over): the
 * in-place form of an operation. Refused with BufferError, and `view`
 * released, while buffers are exported. 0 or -1. */
int zpy_image_replace_view(ZpyImage *self, zp_view *view);

/* Raise ValueError and return -1 when the image was released; 0 otherwise. */
int zpy_image_check_alive(const ZpyImage *self);

/* Methods that live in ops.c, listed in the Image method table (image.c)
 * and wrapped by the module-level functions (module.c). */
PyObject *zpy_image_apply(ZpyImage *self, PyObject *args, PyObject *kwargs);
PyObject *zpy_image_save(ZpyImage *self, PyObject *args, PyObject *kwargs);
PyObject *zpy_image_encode(ZpyImage *self, PyObject *args, PyObject *kwargs);

/* ---- Consumer side: any object with the buffer protocol ---------------------- */

/* `obj` as an Image (new reference): obj itself when it is one, otherwise
 * a new Image over obj's memory without a copy (see zpy_wrap_buffer).
 * `shape` and `dtype` (may be NULL or None) describe a flat buffer; they
 * are refused for an Image. With `need_writable`, a read-only object or
 * Image raises BufferError. */
ZpyImage *zpy_image_arg(PyObject *obj, PyObject *shape, PyObject *dtype, int need_writable);

/* Wrap the memory of a buffer exporter as a view (no copy): 3-D buffers as
 * (height, width, channels), 2-D as (height, width) with one channel,
 * anything C-contiguous with an explicit `shape`; strides as the exporter
 * gives them. The view owns a Py_buffer of `obj` until its last reference
 * goes. Returns 0, or -1 with an exception set. */
int zpy_wrap_buffer(PyObject *obj, PyObject *shape, PyObject *dtype, int need_writable,
                    zp_view *out);

/* "u8"/"uint8"/"B", "u16"/"uint16"/"H", "f32"/"float32"/"f" or a zeropix
 * dtype; -1 with ValueError/TypeError otherwise. */
int zpy_dtype_arg(PyObject *obj, zp_dtype *out);

/* An encoded image to decode: a path (str or os.PathLike) or the bytes of
 * a file (any object with the buffer protocol). Release with
 * zpy_source_release(), also after a failed zpy_source_get(). */
typedef struct zpy_source {
    PyObject  *path;  /* bytes (file system encoding) or NULL for memory */
    PyObject  *name;  /* str for messages: the path, or "<bytes>"         */
    Py_buffer  data;  /* the encoded bytes when path is NULL              */
    int        have_data;
} zpy_source;
int zpy_source_get(PyObject *obj, zpy_source *src);
void zpy_source_release(zpy_source *src);

/* An output path (str or os.PathLike): bytes in the file system encoding
 * into *path, a str for messages into *name (new references). */
int zpy_path_get(PyObject *obj, PyObject **path, PyObject **name);

/* ---- Errors -------------------------------------------------------------------- */

extern PyObject *zpy_Error;          /* base class, subclass of Exception   */
extern PyObject *zpy_FormatError;    /* Error, ValueError: not a valid image */
extern PyObject *zpy_LimitError;     /* Error, ValueError: over a limit      */
extern PyObject *zpy_OperationError; /* Error, ValueError: cannot be done    */
extern PyObject *zpy_FileError;      /* Error, OSError: read or write failed */

int zpy_errors_init(PyObject *module);

/* What failed: decides the class of the exception for ZP_ERR_UNSUPPORTED
 * (a file zeropix cannot read is a FormatError, an operation it cannot do
 * an OperationError). */
typedef enum zpy_doing { ZPY_DECODING, ZPY_OPERATING, ZPY_ENCODING } zpy_doing;

/* Raise the exception for `st` with the message the command line prints
 * after "zeropix: ": "NAME: reason" (NAME left out when `name` is NULL),
 * the reason being zp_last_error() or, when empty, zp_status_str(st).
 * Call it right after the failing call, before any other zeropix call.
 * Returns NULL. */
PyObject *zpy_raise(zp_status st, zpy_doing doing, PyObject *name);

/* ---- The module ------------------------------------------------------------------ */

/* The filters every apply() can name: built-ins and default plugins,
 * loaded once at import. Read-only after that, so parsing needs no lock. */
const zp_registry *zpy_registry(void);

/* Operations running with the GIL released; the registry is not freed at
 * interpreter exit while one is (a daemon thread may still be inside). */
void zpy_busy_enter(void);
void zpy_busy_leave(void);

/* Parse a max_pixels= argument: None -> ZP_DEFAULT_MAX_PIXELS, an int >= 0
 * (0 = no limit). */
int zpy_max_pixels_arg(PyObject *obj, uint64_t *out);

#endif
