// Internal to the extension: one registration function per bound part (each in bind_<part>.cc).
#ifndef ZARRPHASE_BINDINGS_BINDINGS_H_
#define ZARRPHASE_BINDINGS_BINDINGS_H_

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <string>

#include "zarrphase/buffer.h"
#include "zarrphase/dtype.h"
#include "zarrphase/error.h"
#include "zarrphase/selection.h"

namespace zarrphase::bindings {

void bind_errors(nanobind::module_& m);
void bind_format(nanobind::module_& m);
void bind_codecs(nanobind::module_& m);
void bind_stores(nanobind::module_& m);
void bind_engine(nanobind::module_& m);
void bind_array(nanobind::module_& m);
void bind_plans(nanobind::module_& m);

// True when a numpy array of dtype `dt` holds elements of `type` (raw-bits types as uint8).
bool dtype_matches(DataType type, nanobind::dlpack::dtype dt);

// A caller's numpy array as the engine's StridedArray of `type` elements. Raw-bits types (r8,
// r16, ...) cross as uint8 arrays with a trailing dimension of the item size (a numpy void array
// viewed as bytes), which the view drops. Throws kInvalidArgument naming `role` on a mismatch.
template <typename NdArray>
StridedArray strided_view(DataType type, const NdArray& a, const char* role) {
  const bool raw = type.kind() == DataTypeKind::kRawBits;
  size_t rank = a.ndim();
  if (raw) {
    // A one-byte element's axis has extent 1, whose stride numpy leaves at 0.
    if (rank == 0 || a.shape(rank - 1) != type.size() ||
        (a.stride(rank - 1) != 1 && type.size() != 1)) {
      throw_invalid_argument(std::string(role) + " of a " + type.name() +
                             " array must be a uint8 array whose last, contiguous dimension "
                             "holds the " +
                             std::to_string(type.size()) + " bytes of an element");
    }
    --rank;
  }
  if (!dtype_matches(type, a.dtype())) {
    throw_invalid_argument(std::string(role) + " has the wrong dtype for " + type.name());
  }
  StridedArray view;
  view.data = static_cast<std::byte*>(const_cast<void*>(static_cast<const void*>(a.data())));
  const int64_t element_stride = raw ? 1 : static_cast<int64_t>(type.size());
  for (size_t d = 0; d < rank; ++d) {
    view.shape.push_back(a.shape(d));
    view.byte_strides.push_back(a.stride(d) * element_stride);
  }
  return view;
}

// Python bytes holding a copy of `b`.
inline nanobind::bytes to_py_bytes(ByteView b) {
  return nanobind::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}
// A view of a Python bytes object; valid while the object is alive.
inline ByteView view_of(const nanobind::bytes& b) {
  return {reinterpret_cast<const std::byte*>(b.c_str()), b.size()};
}

}  // namespace zarrphase::bindings

#endif  // ZARRPHASE_BINDINGS_BINDINGS_H_
