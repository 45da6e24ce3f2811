// Internal to the extension: one registration function per bound part (each in bind_<part>.cc).
#ifndef ZARRPHASE_BINDINGS_BINDINGS_H_
#define ZARRPHASE_BINDINGS_BINDINGS_H_

#include <nanobind/nanobind.h>

#include "zarrphase/buffer.h"

namespace zarrphase::bindings {

void bind_errors(nanobind::module_& m);
void bind_format(nanobind::module_& m);
void bind_codecs(nanobind::module_& m);
void bind_stores(nanobind::module_& m);

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
