// Out-of-line pieces of zarrphase/codec.h shared by every codec: ChunkSpec sizes and the default
// decode paths of bytes->bytes codecs.
#include "zarrphase/codec.h"

#include <limits>
#include <string>

#include "zarrphase/error.h"

namespace zarrphase {
namespace {

std::string shape_string(const std::vector<uint64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

}  // namespace

uint64_t ChunkSpec::num_elements() const {
  uint64_t count = 1;
  for (const uint64_t extent : shape) {
    if (extent == 0) return 0;  // an empty dimension empties the chunk, whatever the others say
  }
  for (const uint64_t extent : shape) {
    if (count > std::numeric_limits<uint64_t>::max() / extent) {
      throw_invalid_argument("chunk shape " + shape_string(shape) +
                             " has more elements than fit in 64 bits");
    }
    count *= extent;
  }
  return count;
}

uint64_t ChunkSpec::num_bytes() const {
  const uint64_t count = num_elements();
  const uint64_t size = dtype.size();
  if (size != 0 && count > std::numeric_limits<uint64_t>::max() / size) {
    throw_invalid_argument("chunk shape " + shape_string(shape) + " of " + dtype.name() +
                           " has more bytes than fit in 64 bits");
  }
  return count * size;
}

uint64_t ArrayToBytesCodec::max_encoded_size(const ChunkSpec& decoded) const {
  return encoded_size(decoded).value_or(std::numeric_limits<uint64_t>::max());
}

void BytesToBytesCodec::decode_into(ByteView in, MutableByteView out) const {
  Bytes decoded;
  decode(in, out.size(), decoded);
  if (decoded.size() != out.size()) {
    throw_corrupt(std::string(name()) + ": decoded " + std::to_string(decoded.size()) +
                  " bytes, expected " + std::to_string(out.size()));
  }
  std::copy(decoded.begin(), decoded.end(), out.begin());
}

std::optional<ByteView> BytesToBytesCodec::decode_view(ByteView /*in*/) const {
  return std::nullopt;
}

}  // namespace zarrphase
