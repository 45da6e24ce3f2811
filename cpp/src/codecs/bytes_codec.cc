#include "codecs/bytes_codec.h"

#include <algorithm>
#include <string>

#include "codecs/codec_factories.h"
#include "kernels/byte_swap.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

const char* endian_name(Endian endian) { return endian == Endian::kLittle ? "little" : "big"; }

}  // namespace

std::shared_ptr<const Codec> make_bytes_codec(const Json& configuration) {
  std::optional<Endian> endian;
  for (const auto& [field, value] : configuration.items()) {
    if (field != "endian") {
      throw_invalid_metadata("bytes: unexpected configuration field \"" + field + "\"");
    }
    if (value.is_null()) continue;  // zarr-python reads a null endian as "not given"
    if (value == "little") {
      endian = Endian::kLittle;
    } else if (value == "big") {
      endian = Endian::kBig;
    } else {
      throw_invalid_metadata("bytes: \"endian\" must be \"little\" or \"big\", got " +
                             value.dump());
    }
  }
  return std::make_shared<BytesCodec>(endian);
}

nlohmann::json BytesCodec::to_json() const {
  if (!endian_) return {{"name", "bytes"}};
  return {{"name", "bytes"}, {"configuration", {{"endian", endian_name(*endian_)}}}};
}

std::shared_ptr<const ArrayToBytesCodec> BytesCodec::resolve(const ChunkSpec& decoded) const {
  if (!decoded.dtype.has_endianness()) {
    // zarr-python drops the endian of byte-order-free types, so to_json() matches it.
    return std::make_shared<BytesCodec>(std::nullopt);
  }
  if (!endian_) {
    throw_invalid_metadata("bytes: \"endian\" is required for data type " + decoded.dtype.name());
  }
  return std::make_shared<BytesCodec>(endian_);
}

std::optional<uint64_t> BytesCodec::encoded_size(const ChunkSpec& decoded) const {
  return decoded.num_bytes();
}

bool BytesCodec::is_identity(DataType dtype) const {
  return !dtype.has_endianness() || endian_ == native_endian();
}

void BytesCodec::encode(const ChunkSpec& decoded, ByteView array, Bytes& out) const {
  const uint64_t size = decoded.num_bytes();
  if (array.size() != size) {
    throw_invalid_argument("bytes: array has " + std::to_string(array.size()) +
                           " bytes, expected " + std::to_string(size));
  }
  out.resize(array.size());
  if (is_identity(decoded.dtype)) {
    std::copy(array.begin(), array.end(), out.begin());
  } else {
    kernels::byte_swap(array, out, decoded.dtype.swap_unit());
  }
}

void BytesCodec::decode(const ChunkSpec& decoded, ByteView encoded,
                        MutableByteView array_out) const {
  const uint64_t size = decoded.num_bytes();
  if (encoded.size() != size) {
    throw_corrupt("bytes: encoded chunk has " + std::to_string(encoded.size()) +
                  " bytes, expected " + std::to_string(size) + " for " +
                  std::to_string(decoded.num_elements()) + " elements of " + decoded.dtype.name());
  }
  if (array_out.size() != size) {
    throw_invalid_argument("bytes: output has " + std::to_string(array_out.size()) +
                           " bytes, expected " + std::to_string(size));
  }
  if (is_identity(decoded.dtype)) {
    std::copy(encoded.begin(), encoded.end(), array_out.begin());
  } else {
    kernels::byte_swap(encoded, array_out, decoded.dtype.swap_unit());
  }
}

}  // namespace zarrphase::codecs
