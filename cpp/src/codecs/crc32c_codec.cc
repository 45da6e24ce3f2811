#include "codecs/crc32c_codec.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <limits>
#include <string>

#include "codecs/codec_factories.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

std::string hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08X", value);
  return text;
}

uint32_t load_le32(const std::byte* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

void store_le32(uint32_t value, std::byte* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::byte>((value >> (8 * i)) & 0xFFU);
}

}  // namespace

uint32_t crc32c(ByteView data) {
  // ISA-L's crc32_iscsi keeps the raw register: seed with all ones and invert at the end to get
  // the standard CRC32C. It takes an int length, so feed large buffers in pieces.
  constexpr size_t kMaxPiece = size_t{1} << 30;
  uint32_t state = 0xFFFFFFFFU;
  for (size_t offset = 0; offset < data.size(); offset += kMaxPiece) {
    const size_t n = std::min(kMaxPiece, data.size() - offset);
    // crc32_iscsi does not write through its pointer; the API just lacks const.
    auto* p = reinterpret_cast<unsigned char*>(const_cast<std::byte*>(data.data() + offset));
    state = crc32_iscsi(p, static_cast<int>(n), state);
  }
  return ~state;
}

std::shared_ptr<const Codec> make_crc32c_codec(const Json& configuration) {
  if (!configuration.empty()) {
    throw_invalid_metadata("crc32c: configuration must be empty, got " + configuration.dump());
  }
  return std::make_shared<Crc32cCodec>();
}

std::shared_ptr<const BytesToBytesCodec> Crc32cCodec::resolve(const ChunkSpec& /*decoded*/) const {
  return std::make_shared<Crc32cCodec>();
}

std::optional<uint64_t> Crc32cCodec::encoded_size(uint64_t decoded_size) const {
  return max_encoded_size(decoded_size);
}

uint64_t Crc32cCodec::max_encoded_size(uint64_t decoded_size) const {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return decoded_size > kMax - kChecksumSize ? kMax : decoded_size + kChecksumSize;
}

void Crc32cCodec::encode(ByteView in, Bytes& out) const {
  out.resize(in.size() + kChecksumSize);
  std::copy(in.begin(), in.end(), out.begin());
  store_le32(crc32c(in), out.data() + in.size());
}

std::optional<ByteView> Crc32cCodec::decode_view(ByteView in) const {
  if (in.size() < kChecksumSize) {
    throw_corrupt("crc32c: encoded chunk has " + std::to_string(in.size()) +
                  " bytes, fewer than the 4-byte checksum");
  }
  const ByteView payload = in.first(in.size() - kChecksumSize);
  const uint32_t stored = load_le32(in.data() + payload.size());
  const uint32_t computed = crc32c(payload);
  if (stored != computed) {
    throw Error(ErrorCode::kChecksumMismatch, "crc32c: stored checksum " + hex32(stored) +
                                                  " does not match computed " + hex32(computed));
  }
  return payload;
}

void Crc32cCodec::decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const {
  const ByteView payload = *decode_view(in);
  if (payload.size() > max_decoded_size) {
    throw_corrupt("crc32c: payload of " + std::to_string(payload.size()) + " bytes exceeds the " +
                  std::to_string(max_decoded_size) + " bytes this chunk can hold");
  }
  out.assign(payload.begin(), payload.end());
}

void Crc32cCodec::decode_into(ByteView in, MutableByteView out) const {
  const ByteView payload = *decode_view(in);
  if (payload.size() != out.size()) {
    throw_corrupt("crc32c: payload has " + std::to_string(payload.size()) + " bytes, expected " +
                  std::to_string(out.size()));
  }
  std::copy(payload.begin(), payload.end(), out.begin());
}

}  // namespace zarrphase::codecs
