#include "codecs/zlib_codec.h"

#include <libdeflate.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "codecs/codec_factories.h"
#include "codecs/compressor_config.h"
#include "codecs/deflate_support.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

constexpr std::string_view kName = "numcodecs.zlib";

// One libdeflate pass into `out`; returns the decoded size, or nullopt when `out` is too small.
std::optional<size_t> inflate_zlib(ByteView in, MutableByteView out) {
  // 2-byte header + empty final block + 4-byte Adler-32: nothing shorter is a zlib stream.
  if (in.size() < 7) {
    throw_corrupt_input(kName, "truncated zlib stream of " + std::to_string(in.size()) +
                                   " bytes (at least 7 needed)");
  }
  size_t out_used = 0;
  const auto result = libdeflate_zlib_decompress(thread_libdeflate_decompressor(), in.data(),
                                                 in.size(), out.data(), out.size(), &out_used);
  if (result == LIBDEFLATE_INSUFFICIENT_SPACE) return std::nullopt;
  if (result != LIBDEFLATE_SUCCESS) {
    throw_corrupt_input(kName,
                        "zlib stream is truncated or corrupt (bad header, deflate data or "
                        "Adler-32 checksum)");
  }
  return out_used;
}

}  // namespace

nlohmann::json ZlibCodec::to_json() const {
  return {{"name", kName}, {"configuration", {{"level", level_}}}};
}

std::shared_ptr<const BytesToBytesCodec> ZlibCodec::resolve(const ChunkSpec&) const {
  return std::make_shared<ZlibCodec>(*this);
}

uint64_t ZlibCodec::max_encoded_size(uint64_t decoded_size) const {
  return deflate_bound(decoded_size);
}

void ZlibCodec::encode(ByteView in, Bytes& out) const {
  python_deflate(PythonDeflateCall::kZlibCompress, level_, 15, in, out, 0);
}

void ZlibCodec::decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const {
  // zlib streams do not record their decoded size: decode into the bound (or a guess that
  // grows up to it) and give back what was not used.
  uint64_t capacity = initial_decode_capacity(in.size(), max_decoded_size);
  while (true) {
    out.resize(static_cast<size_t>(capacity));
    if (const auto decoded = inflate_zlib(in, MutableByteView(out))) {
      out.resize(*decoded);
      return;
    }
    if (capacity >= max_decoded_size) {
      throw_overflows_bound(kName, max_decoded_size);
    }
    capacity = grown_decode_capacity(capacity, max_decoded_size);
  }
}

void ZlibCodec::decode_into(ByteView in, MutableByteView out) const {
  const auto decoded = inflate_zlib(in, out);
  if (!decoded) throw_overflows_bound(kName, out.size());
  if (*decoded != out.size()) throw_size_mismatch(kName, *decoded, out.size());
}

// numcodecs' Zlib hands the level to zlib unchecked (so -1, zlib's default, works); default 1.
std::shared_ptr<const Codec> make_numcodecs_zlib_codec(const Json& configuration) {
  reject_unknown_fields(configuration, kName, {"level"});
  return std::make_shared<ZlibCodec>(read_int_field(configuration, kName, "level", 1, -1, 9));
}

}  // namespace zarrphase::codecs
