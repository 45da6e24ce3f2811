#include "codecs/lz4_codec.h"

#include <lz4.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>

#include "codecs/codec_factories.h"
#include "codecs/compressor_config.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

constexpr std::string_view kName = "numcodecs.lz4";
constexpr size_t kHeaderSize = 4;

uint32_t read_le32(const std::byte* in) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | std::to_integer<uint32_t>(in[i]);
  return value;
}

// The decoded size the header declares, after checking the input can hold a block at all.
uint32_t declared_size(ByteView in) {
  if (in.size() < kHeaderSize + 1) {
    throw_corrupt_input(kName, "truncated: " + std::to_string(in.size()) +
                                   " bytes cannot hold the 4-byte size header and an LZ4 block");
  }
  if (in.size() - kHeaderSize > static_cast<size_t>(INT_MAX)) {
    throw_corrupt_input(kName, "LZ4 block of " + std::to_string(in.size() - kHeaderSize) +
                                   " bytes exceeds LZ4's limit");
  }
  const uint32_t size = read_le32(in.data());
  if (size > static_cast<uint32_t>(INT_MAX)) {
    throw_corrupt_input(kName, "header declares " + std::to_string(size) +
                                   " decoded bytes, more than an LZ4 block can hold");
  }
  return size;
}

void decompress_block(ByteView in, MutableByteView out) {
  const int decoded = LZ4_decompress_safe(
      reinterpret_cast<const char*>(in.data() + kHeaderSize), reinterpret_cast<char*>(out.data()),
      static_cast<int>(in.size() - kHeaderSize), static_cast<int>(out.size()));
  if (decoded < 0 || static_cast<size_t>(decoded) != out.size()) {
    throw_corrupt_input(kName, "corrupt LZ4 block (it does not decode to the " +
                                   std::to_string(out.size()) + " bytes its header declares)");
  }
}

}  // namespace

nlohmann::json Lz4Codec::to_json() const {
  return {{"name", kName}, {"configuration", {{"acceleration", acceleration_}}}};
}

std::shared_ptr<const BytesToBytesCodec> Lz4Codec::resolve(const ChunkSpec&) const {
  return std::make_shared<Lz4Codec>(*this);
}

uint64_t Lz4Codec::max_encoded_size(uint64_t decoded_size) const {
  // LZ4_COMPRESSBOUND in 64-bit arithmetic, plus the size header.
  return saturating_add(decoded_size, decoded_size / 255 + 16 + kHeaderSize);
}

void Lz4Codec::encode(ByteView in, Bytes& out) const {
  if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    throw_invalid_argument(std::string(kName) + ": chunk of " + std::to_string(in.size()) +
                           " bytes exceeds LZ4's limit of " + std::to_string(LZ4_MAX_INPUT_SIZE) +
                           " bytes");
  }
  const int source_size = static_cast<int>(in.size());
  const int bound = LZ4_compressBound(source_size);
  out.resize(kHeaderSize + static_cast<size_t>(bound));
  for (size_t i = 0; i < kHeaderSize; ++i) {
    out[i] = static_cast<std::byte>((in.size() >> (8 * i)) & 0xFFU);
  }
  const int written = LZ4_compress_fast(reinterpret_cast<const char*>(in.data()),
                                        reinterpret_cast<char*>(out.data() + kHeaderSize),
                                        source_size, bound, acceleration_);
  if (written <= 0) {
    throw_invalid_argument(std::string(kName) + ": LZ4_compress_fast failed");
  }
  out.resize(kHeaderSize + static_cast<size_t>(written));
}

void Lz4Codec::decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const {
  const uint32_t size = declared_size(in);
  if (size > max_decoded_size) {
    throw_too_large(kName, "header declares a decoded size of", size, max_decoded_size);
  }
  out.resize(size);
  decompress_block(in, MutableByteView(out));
}

void Lz4Codec::decode_into(ByteView in, MutableByteView out) const {
  const uint32_t size = declared_size(in);
  if (size != out.size()) throw_size_mismatch(kName, size, out.size());
  decompress_block(in, out);
}

// numcodecs' LZ4: acceleration 1 by default; LZ4 treats values below 1 as 1.
std::shared_ptr<const Codec> make_numcodecs_lz4_codec(const Json& configuration) {
  reject_unknown_fields(configuration, kName, {"acceleration"});
  return std::make_shared<Lz4Codec>(
      read_int_field(configuration, kName, "acceleration", 1, INT_MIN, INT_MAX));
}

}  // namespace zarrphase::codecs
