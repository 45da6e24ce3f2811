// The C++ Array and Group API for Python. Reads and writes take numpy arrays of any strides
// (zero strides broadcast a write value) and run the engine with the GIL released.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <string>

#include "bindings.h"
#include "zarrphase/array.h"
#include "zarrphase/error.h"

namespace nb = nanobind;

namespace zarrphase::bindings {
namespace {

using OutArray = nb::ndarray<nb::device::cpu>;
using InArray = nb::ndarray<nb::ro, nb::device::cpu>;

Region make_region(std::vector<uint64_t> start, std::vector<uint64_t> stop,
                   std::vector<uint64_t> step) {
  return Region{std::move(start), std::move(stop), std::move(step)};
}

}  // namespace

void bind_array(nb::module_& m) {
  nb::class_<Array>(m, "Array", "A Zarr array on a native store, read and written by the engine.")
      .def_static("open", &Array::open, nb::arg("store"), nb::arg("path") = "",
                  nb::arg("options") = EngineOptions{})
      .def_static("create", &Array::create, nb::arg("store"), nb::arg("path"), nb::arg("metadata"),
                  nb::arg("overwrite") = false, nb::arg("options") = EngineOptions{})
      .def_prop_ro("metadata", &Array::metadata)
      .def_prop_ro("shape", &Array::shape)
      .def_prop_ro("path", &Array::path)
      .def_prop_rw("options", &Array::options, &Array::set_options)
      .def(
          "read_into",
          [](const Array& a, std::vector<uint64_t> start, std::vector<uint64_t> stop,
             std::vector<uint64_t> step, const OutArray& out) {
            const StridedArray view = strided_view(a.metadata().data_type, out, "output");
            const Region region = make_region(std::move(start), std::move(stop), std::move(step));
            nb::gil_scoped_release release;
            return a.read(region, view);
          },
          nb::arg("start"), nb::arg("stop"), nb::arg("step"), nb::arg("out"),
          "Reads the strided box [start, stop) into `out` (shape of the box, any strides).")
      .def(
          "write",
          [](const Array& a, std::vector<uint64_t> start, std::vector<uint64_t> stop,
             std::vector<uint64_t> step, const InArray& value) {
            const StridedArray view = strided_view(a.metadata().data_type, value, "value");
            const Region region = make_region(std::move(start), std::move(stop), std::move(step));
            nb::gil_scoped_release release;
            return a.write(region, view);
          },
          nb::arg("start"), nb::arg("stop"), nb::arg("step"), nb::arg("value"),
          "Writes `value` (shape of the box; zero strides broadcast) into the strided box.")
      .def("resize", &Array::resize, nb::arg("shape"), nb::call_guard<nb::gil_scoped_release>())
      .def(
          "set_attributes",
          [](Array& a, const std::string& json) {
            a.set_attributes(parse_json(json, "attributes"));
          },
          nb::arg("attributes_json"));

  nb::class_<Group>(m, "Group", "A Zarr group on a native store.")
      .def_static("open", &Group::open, nb::arg("store"), nb::arg("path") = "")
      .def_static("create", &Group::create, nb::arg("store"), nb::arg("path") = "",
                  nb::arg("metadata") = GroupMetadata{}, nb::arg("overwrite") = false)
      .def_prop_ro("metadata", &Group::metadata)
      .def_prop_ro("path", &Group::path)
      .def(
          "children",
          [](const Group& g) {
            std::vector<std::pair<std::string, std::string>> out;
            for (const Group::Child& child : g.children()) {
              out.emplace_back(child.name,
                               child.kind == Group::NodeKind::kArray ? "array" : "group");
            }
            return out;
          },
          "(name, 'array' | 'group') for each child, sorted by name.")
      .def("open_array", &Group::open_array, nb::arg("name"), nb::arg("options") = EngineOptions{})
      .def("open_group", &Group::open_group, nb::arg("name"))
      .def("create_array", &Group::create_array, nb::arg("name"), nb::arg("metadata"),
           nb::arg("overwrite") = false, nb::arg("options") = EngineOptions{})
      .def("create_group", &Group::create_group, nb::arg("name"),
           nb::arg("metadata") = GroupMetadata{}, nb::arg("overwrite") = false);
}

}  // namespace zarrphase::bindings
