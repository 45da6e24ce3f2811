// zarrphase::Error -> one Python exception class per ErrorCode, all deriving from ZarrphaseError
// and from the builtin a Python user would catch (ValueError, NotImplementedError, OSError, ...).
#include <Python.h>

#include "bindings.h"
#include "zarrphase/error.h"

namespace nb = nanobind;

namespace zarrphase::bindings {
namespace {

struct ExceptionClasses {
  PyObject* base = nullptr;
  PyObject* by_code[7] = {};
};
ExceptionClasses classes;

// Takes ownership of `bases` (a new reference).
PyObject* new_exception(nb::module_& m, const char* name, PyObject* bases, const char* doc) {
  std::string qualified = std::string("zarrphase._core.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  Py_XDECREF(bases);
  if (!type) throw nb::python_error();
  m.attr(name) = nb::handle(type);
  return type;
}

PyObject* bases_of(PyObject* a, PyObject* b) {
  return b ? PyTuple_Pack(2, a, b) : PyTuple_Pack(1, a);
}

}  // namespace

void bind_errors(nb::module_& m) {
  classes.base = new_exception(m, "ZarrphaseError", bases_of(PyExc_Exception, nullptr),
                               "Base class of every error zarrphase raises.");
  struct Spec {
    ErrorCode code;
    const char* name;
    PyObject* builtin;
    const char* doc;
  };
  const Spec specs[] = {
      {ErrorCode::kInvalidArgument, "InvalidArgumentError", PyExc_ValueError,
       "An argument that can never work (bad shape, bad range)."},
      {ErrorCode::kInvalidMetadata, "InvalidMetadataError", PyExc_ValueError,
       "zarr.json / .zarray that breaks the Zarr spec."},
      {ErrorCode::kUnsupported, "UnsupportedError", PyExc_NotImplementedError,
       "Valid Zarr that zarrphase does not run natively."},
      {ErrorCode::kCorruptData, "CorruptDataError", PyExc_ValueError,
       "Stored bytes that cannot be decoded."},
      {ErrorCode::kChecksumMismatch, "ChecksumMismatchError", nullptr,
       "A checksum codec found a mismatch."},
      {ErrorCode::kInvalidKey, "InvalidKeyError", PyExc_ValueError,
       "A store key that is malformed or would escape the store root."},
      {ErrorCode::kIo, "StoreIOError", PyExc_OSError,
       "The operating system refused an IO operation."},
  };
  for (const Spec& spec : specs) {
    PyObject* parent = spec.code == ErrorCode::kChecksumMismatch
                           ? classes.by_code[static_cast<int>(ErrorCode::kCorruptData)]
                           : classes.base;
    classes.by_code[static_cast<int>(spec.code)] =
        new_exception(m, spec.name, bases_of(parent, spec.builtin), spec.doc);
  }

  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      PyErr_SetString(classes.by_code[static_cast<int>(e.code())], e.what());
    }
  });
}

}  // namespace zarrphase::bindings
