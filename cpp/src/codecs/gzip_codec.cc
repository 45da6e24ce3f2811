#include "codecs/gzip_codec.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "codecs/codec_factories.h"
#include "codecs/compressor_config.h"
#include "codecs/deflate_support.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

constexpr size_t kHeaderSize = 10;
constexpr size_t kTrailerSize = 8;
constexpr size_t kMinMemberSize = kHeaderSize + kTrailerSize;

// The header CPython's gzip module writes for an unnamed stream: no flags, XFL 2 for the best
// level, 4 for the fastest, 0 otherwise, and OS 255 ("unknown").
void write_header(int level, std::byte* header) {
  const uint8_t xfl = level == 9 ? 2 : (level == 1 ? 4 : 0);
  const uint8_t bytes[kHeaderSize] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 0xff};
  for (size_t i = 0; i < kHeaderSize; ++i) header[i] = std::byte{bytes[i]};
}

void write_le32(uint32_t value, std::byte* out) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::byte>((value >> (8 * i)) & 0xFFU);
}

uint32_t read_le32(const std::byte* in) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | std::to_integer<uint32_t>(in[i]);
  return value;
}

// Decodes members of `in` one after another into `out`. `make_room(needed_at_least)` is asked
// for a larger output when a member does not fit; it returns the new output view or throws.
// Returns the number of bytes decoded.
template <typename MakeRoom>
size_t inflate_members(std::string_view codec, ByteView in, MutableByteView out,
                       MakeRoom&& make_room) {
  libdeflate_decompressor* decompressor = thread_libdeflate_decompressor();
  size_t in_pos = 0;
  size_t out_pos = 0;
  bool first = true;
  while (true) {
    if (!first) {
      // Python's gzip reader skips zero padding after a member.
      while (in_pos < in.size() && in[in_pos] == std::byte{0}) ++in_pos;
    }
    if (in_pos == in.size()) break;
    const size_t left = in.size() - in_pos;
    if (left < 2 || in[in_pos] != std::byte{0x1f} || in[in_pos + 1] != std::byte{0x8b}) {
      throw_corrupt_input(
          codec, "not a gzip member at byte " + std::to_string(in_pos) + " (bad magic bytes)");
    }
    if (left < kMinMemberSize) {
      throw_corrupt_input(codec, "truncated gzip member at byte " + std::to_string(in_pos) + ": " +
                                     std::to_string(left) +
                                     " bytes left, a member needs at least " +
                                     std::to_string(kMinMemberSize));
    }
    size_t in_used = 0;
    size_t out_used = 0;
    const auto result =
        libdeflate_gzip_decompress_ex(decompressor, in.data() + in_pos, left, out.data() + out_pos,
                                      out.size() - out_pos, &in_used, &out_used);
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
      out = make_room(out.size() + 1);
      continue;  // decode this member again into the larger output
    }
    if (result != LIBDEFLATE_SUCCESS) {
      throw_corrupt_input(codec, "gzip member at byte " + std::to_string(in_pos) +
                                     " is truncated or corrupt (bad deflate data, CRC or size)");
    }
    in_pos += in_used;
    out_pos += out_used;
    first = false;
  }
  return out_pos;
}

}  // namespace

nlohmann::json GzipCodec::to_json() const {
  return {{"name", name_}, {"configuration", {{"level", level_}}}};
}

std::shared_ptr<const BytesToBytesCodec> GzipCodec::resolve(const ChunkSpec&) const {
  return std::make_shared<GzipCodec>(*this);
}

uint64_t GzipCodec::max_encoded_size(uint64_t decoded_size) const {
  // The zlib bound includes a 6-byte wrapper; gzip's is 18 bytes.
  return saturating_add(deflate_bound(decoded_size), kMinMemberSize);
}

void GzipCodec::encode(ByteView in, Bytes& out) const {
  out.resize(kHeaderSize);
  write_header(level_, out.data());
  python_deflate(PythonDeflateCall::kCompressObjThenFlush, level_, -15, in, out, kHeaderSize);
  const size_t deflated_end = out.size();
  out.resize(deflated_end + kTrailerSize);
  write_le32(gzip_crc32(in), out.data() + deflated_end);
  write_le32(static_cast<uint32_t>(in.size() & 0xFFFFFFFFU), out.data() + deflated_end + 4);
}

void GzipCodec::decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const {
  // The last member's trailer holds its size mod 2^32: exact for the usual single member, a
  // lower bound of the total otherwise, so a larger value proves a bomb before we allocate.
  uint64_t hint = 0;
  if (in.size() >= kMinMemberSize) {
    hint = read_le32(in.data() + in.size() - 4);
    if (hint > max_decoded_size) {
      throw_too_large(name_, "gzip trailer declares a decoded size of", hint, max_decoded_size);
    }
  }
  out.resize(static_cast<size_t>(hint));
  const size_t decoded =
      inflate_members(name_, in, MutableByteView(out), [&](size_t needed) -> MutableByteView {
        if (out.size() >= max_decoded_size) {
          throw_overflows_bound(name_, max_decoded_size);
        }
        const uint64_t grown = std::max<uint64_t>({needed, uint64_t{out.size()} * 2, 64 * 1024});
        out.resize(static_cast<size_t>(std::min<uint64_t>(grown, max_decoded_size)));
        return MutableByteView(out);
      });
  out.resize(decoded);
}

void GzipCodec::decode_into(ByteView in, MutableByteView out) const {
  const size_t decoded = inflate_members(
      name_, in, out, [&](size_t) -> MutableByteView { throw_overflows_bound(name_, out.size()); });
  if (decoded != out.size()) throw_size_mismatch(name_, decoded, out.size());
}

namespace {

std::shared_ptr<const Codec> make_gzip(const nlohmann::json& configuration, std::string_view name,
                                       int default_level, int min_level) {
  reject_unknown_fields(configuration, name, {"level"});
  const int level = read_int_field(configuration, name, "level", default_level, min_level, 9);
  return std::make_shared<GzipCodec>(std::string(name), level);
}

}  // namespace

// zarr-python's GzipCodec takes levels 0-9 and defaults to 5; numcodecs' GZip passes the level
// straight to zlib (so -1, zlib's default, works too) and defaults to 1.
std::shared_ptr<const Codec> make_gzip_codec(const Json& configuration) {
  return make_gzip(configuration, "gzip", 5, 0);
}

std::shared_ptr<const Codec> make_numcodecs_gzip_codec(const Json& configuration) {
  return make_gzip(configuration, "numcodecs.gzip", 1, -1);
}

}  // namespace zarrphase::codecs
