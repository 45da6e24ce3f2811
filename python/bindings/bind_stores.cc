// Memory and filesystem stores for Python; IO runs with the GIL released.
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "zarrphase/store.h"

namespace nb = nanobind;

namespace zarrphase::bindings {

void bind_stores(nb::module_& m) {
  nb::class_<ByteRange>(m, "ByteRange", "Which bytes of a stored value to read.")
      .def_static("all", &ByteRange::all)
      .def_static("range", &ByteRange::range, nb::arg("offset"), nb::arg("length"))
      .def_static("from_offset", &ByteRange::from_offset, nb::arg("offset"))
      .def_static("suffix", &ByteRange::suffix, nb::arg("length"));

  nb::class_<Store>(m, "Store", "A key-value store (memory or local filesystem).")
      .def(
          "get",
          [](Store& s, const std::string& key, const ByteRange& range) -> nb::object {
            std::optional<Bytes> value;
            {
              nb::gil_scoped_release release;
              value = s.get(key, range);
            }
            if (!value) return nb::none();
            return to_py_bytes(*value);
          },
          nb::arg("key"), nb::arg("byte_range") = ByteRange::all(),
          "The value (or part of it), or None when the key does not exist.")
      .def(
          "set",
          [](Store& s, const std::string& key, const nb::bytes& value) {
            nb::gil_scoped_release release;
            s.set(key, view_of(value));
          },
          nb::arg("key"), nb::arg("value"))
      .def("size", &Store::size, nb::arg("key"), nb::call_guard<nb::gil_scoped_release>())
      .def("exists", &Store::exists, nb::arg("key"), nb::call_guard<nb::gil_scoped_release>())
      .def("erase", &Store::erase, nb::arg("key"), nb::call_guard<nb::gil_scoped_release>())
      .def("erase_prefix", &Store::erase_prefix, nb::arg("prefix"),
           nb::call_guard<nb::gil_scoped_release>())
      .def("list", &Store::list, nb::arg("prefix") = "", nb::call_guard<nb::gil_scoped_release>());

  m.def("memory_store", &make_memory_store, "A new empty in-memory store.");
  m.def("filesystem_store", &make_filesystem_store, nb::arg("root"), nb::arg("create") = true,
        "A store rooted at a local directory (created when `create`).");
}

}  // namespace zarrphase::bindings
