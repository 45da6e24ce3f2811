// CodecChain for Python: encode/decode one chunk with the GIL released. Arrays cross as numpy
// arrays (C-contiguous, native endian, the chain's dtype; raw-bits types as a uint8 view).
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "zarrphase/codec.h"
#include "zarrphase/error.h"
#include "zarrphase/metadata.h"

namespace nb = nanobind;

namespace zarrphase::bindings {
namespace {

using ReadArray = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;
using WriteArray = nb::ndarray<nb::c_contig, nb::device::cpu>;

template <typename Array>
void check_array(const CodecChain& chain, const Array& a, const char* what) {
  const ChunkSpec& spec = chain.decoded_spec();
  if (!dtype_matches(spec.dtype, a.dtype())) {
    throw_invalid_argument(std::string(what) + " array has the wrong dtype for " +
                           spec.dtype.name());
  }
  if (a.nbytes() != spec.num_bytes()) {
    throw_invalid_argument(std::string(what) + " array holds " + std::to_string(a.nbytes()) +
                           " bytes; a chunk of this chain holds " +
                           std::to_string(spec.num_bytes()));
  }
}

CodecChain chain_from_json(const std::string& codecs, const std::string& data_type,
                           const std::vector<uint64_t>& shape) {
  const DataType dtype = DataType::from_v3_name(data_type);
  ChunkSpec spec{dtype, shape, FillValue::zero(dtype)};
  return CodecChain::from_json(parse_json(codecs, "codecs"), spec);
}

}  // namespace

void bind_codecs(nb::module_& m) {
  nb::class_<CodecChain>(m, "CodecChain", "A resolved Zarr v3 codec chain for one chunk shape.")
      .def_static("from_json", &chain_from_json, nb::arg("codecs"), nb::arg("data_type"),
                  nb::arg("chunk_shape"),
                  "Builds the chain from a JSON codec list for chunks of this dtype and shape.")
      .def_static(
          "for_array",
          [](const ArrayMetadata& meta) {
            return CodecChain::from_json(meta.codecs, meta.chunk_spec());
          },
          nb::arg("metadata"), "The chain of one whole chunk of `metadata`'s array.")
      .def_prop_ro("data_type", [](const CodecChain& c) { return c.decoded_spec().dtype; })
      .def_prop_ro("chunk_shape", [](const CodecChain& c) { return c.decoded_spec().shape; })
      .def_prop_ro("encoded_size", &CodecChain::encoded_size,
                   "Exact encoded size of every chunk when the chain is fixed-size, else None.")
      .def("to_json", [](const CodecChain& c) { return c.to_json().dump(); })
      .def(
          "encode",
          [](const CodecChain& chain, const ReadArray& array) {
            check_array(chain, array, "input");
            Bytes out;
            {
              nb::gil_scoped_release release;
              chain.encode({static_cast<const std::byte*>(array.data()), array.nbytes()}, out);
            }
            return to_py_bytes(out);
          },
          nb::arg("array"), "Encodes one chunk; returns the stored bytes.")
      .def(
          "decode_into",
          [](const CodecChain& chain, const nb::bytes& encoded, WriteArray& out) {
            check_array(chain, out, "output");
            nb::gil_scoped_release release;
            chain.decode(view_of(encoded), {static_cast<std::byte*>(out.data()), out.nbytes()});
          },
          nb::arg("encoded"), nb::arg("out"), "Decodes one stored chunk into `out`.");
}

}  // namespace zarrphase::bindings
