// Metadata crosses the boundary as JSON text: Python keeps using its json module and dicts, and
// the C++ side stays the single authority on what a valid document is.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "zarrphase/metadata.h"

namespace nb = nanobind;

namespace zarrphase::bindings {

void bind_format(nb::module_& m) {
  nb::class_<DataType>(m, "DataType", "A natively run Zarr data type.")
      .def_static("from_v3_name", &DataType::from_v3_name, nb::arg("name"))
      .def_prop_ro("name", &DataType::name)
      .def_prop_ro("itemsize", &DataType::size)
      .def(
          "v2_typestr",
          [](const DataType& t, bool big_endian) {
            return t.v2_typestr(big_endian ? Endian::kBig : Endian::kLittle);
          },
          nb::arg("big_endian") = false)
      .def("__eq__", [](const DataType& a, const DataType& b) { return a == b; })
      .def("__repr__", [](const DataType& t) { return "DataType('" + t.name() + "')"; });

  nb::class_<ArrayMetadata>(m, "ArrayMetadata", "Array metadata from zarr.json or .zarray.")
      .def_static(
          "from_json",
          [](const std::string& text) {
            return ArrayMetadata::from_v3_json(parse_json(text, "zarr.json"));
          },
          nb::arg("zarr_json"), "Parses a Zarr v3 zarr.json document (text).")
      .def_static(
          "from_v2_json",
          [](const std::string& zarray, const std::optional<std::string>& zattrs) {
            return ArrayMetadata::from_v2_json(
                parse_json(zarray, ".zarray"),
                zattrs ? parse_json(*zattrs, ".zattrs") : nlohmann::json::object());
          },
          nb::arg("zarray"), nb::arg("zattrs") = nb::none(),
          "Parses a Zarr v2 .zarray document (and .zattrs) into the same model.")
      .def(
          "to_json", [](const ArrayMetadata& a) { return a.to_v3_json().dump(); },
          "The zarr.json document zarr-python would write, as text.")
      .def_ro("zarr_format", &ArrayMetadata::zarr_format)
      .def_ro("shape", &ArrayMetadata::shape)
      .def_ro("chunk_shape", &ArrayMetadata::chunk_shape)
      .def_ro("data_type", &ArrayMetadata::data_type)
      .def_prop_ro("grid_shape", &ArrayMetadata::grid_shape)
      .def_prop_ro("codecs_json", [](const ArrayMetadata& a) { return a.codecs.dump(); })
      .def_prop_ro("attributes_json", [](const ArrayMetadata& a) { return a.attributes.dump(); })
      .def_prop_ro("fill_value_bytes",
                   [](const ArrayMetadata& a) { return to_py_bytes(a.fill_value.bytes()); })
      .def(
          "chunk_key",
          [](const ArrayMetadata& a, const std::vector<uint64_t>& coords) {
            return a.chunk_key_encoding.encode(coords);
          },
          nb::arg("coords"), "Store key of the chunk at grid coordinates `coords`.");

  nb::class_<GroupMetadata>(m, "GroupMetadata", "Group metadata from zarr.json or .zgroup.")
      .def_static(
          "from_json",
          [](const std::string& text) {
            return GroupMetadata::from_v3_json(parse_json(text, "zarr.json"));
          },
          nb::arg("zarr_json"))
      .def("to_json", [](const GroupMetadata& g) { return g.to_v3_json().dump(); })
      .def_prop_ro("attributes_json", [](const GroupMetadata& g) { return g.attributes.dump(); });
}

}  // namespace zarrphase::bindings
