#include "codecs/zstd_codec.h"

#include <zstd.h>
#include <zstd_errors.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>

#include "codecs/codec_factories.h"
#include "codecs/compressor_config.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

ZSTD_CCtx* thread_cctx() {
  struct Deleter {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_CCtx, Deleter> context(ZSTD_createCCtx());
  if (!context) throw std::bad_alloc();
  return context.get();
}

ZSTD_DCtx* thread_dctx() {
  struct Deleter {
    void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
  };
  thread_local std::unique_ptr<ZSTD_DCtx, Deleter> context(ZSTD_createDCtx());
  if (!context) throw std::bad_alloc();
  return context.get();
}

// Sum of the content sizes the frames of `in` declare, or nullopt when a frame does not declare
// one. Walks the frame and block headers only (no decompression), so a lying or truncated
// frame, or a total above `bound`, is an error before anything is allocated.
std::optional<uint64_t> declared_content_size(std::string_view codec, ByteView in, uint64_t bound) {
  if (in.empty()) throw_corrupt_input(codec, "empty input is not a zstd frame");
  uint64_t total = 0;
  bool all_known = true;
  size_t pos = 0;
  while (pos < in.size()) {
    const size_t frame_size = ZSTD_findFrameCompressedSize(in.data() + pos, in.size() - pos);
    if (ZSTD_isError(frame_size)) {
      throw_corrupt_input(codec, "frame at byte " + std::to_string(pos) +
                                     " is truncated or corrupt (" + ZSTD_getErrorName(frame_size) +
                                     ")");
    }
    const unsigned long long content = ZSTD_getFrameContentSize(in.data() + pos, in.size() - pos);
    if (content == ZSTD_CONTENTSIZE_ERROR) {
      throw_corrupt_input(codec, "frame at byte " + std::to_string(pos) + " has a bad header");
    }
    if (content == ZSTD_CONTENTSIZE_UNKNOWN) {
      all_known = false;
    } else {
      total = saturating_add(total, content);
      if (total > bound) throw_too_large(codec, "frames declare a content size of", total, bound);
    }
    pos += frame_size;
  }
  if (!all_known) return std::nullopt;
  return total;
}

// One-shot decompression of every frame of `in` into `out` (which needs no window buffer: zstd
// reads back-references from `out` itself). Returns nullopt when `out` is too small.
std::optional<size_t> decompress_frames(std::string_view codec, ByteView in, MutableByteView out) {
  const size_t result =
      ZSTD_decompressDCtx(thread_dctx(), out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(result)) {
    if (ZSTD_getErrorCode(result) == ZSTD_error_dstSize_tooSmall) return std::nullopt;
    throw_corrupt_input(codec,
                        std::string("corrupt zstd data (") + ZSTD_getErrorName(result) + ")");
  }
  return result;
}

}  // namespace

nlohmann::json ZstdCodec::to_json() const {
  return {{"name", name_}, {"configuration", {{"level", level_}, {"checksum", checksum_}}}};
}

std::shared_ptr<const BytesToBytesCodec> ZstdCodec::resolve(const ChunkSpec&) const {
  return std::make_shared<ZstdCodec>(*this);
}

uint64_t ZstdCodec::max_encoded_size(uint64_t decoded_size) const {
  // ZSTD_COMPRESSBOUND in 64-bit arithmetic (the size_t macro would wrap for huge inputs).
  const uint64_t margin =
      decoded_size < (uint64_t{128} << 10) ? ((uint64_t{128} << 10) - decoded_size) >> 11 : 0;
  return saturating_add(decoded_size, (decoded_size >> 8) + margin);
}

void ZstdCodec::encode(ByteView in, Bytes& out) const {
  ZSTD_CCtx* context = thread_cctx();
  ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters);
  // zstd clamps out-of-range levels itself, as numcodecs relies on.
  size_t status = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level_);
  if (!ZSTD_isError(status)) {
    status = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum_ ? 1 : 0);
  }
  if (ZSTD_isError(status)) {
    throw_invalid_argument(name_ + ": cannot configure level " + std::to_string(level_) + " (" +
                           ZSTD_getErrorName(status) + ")");
  }
  out.resize(ZSTD_compressBound(in.size()));
  const size_t written = ZSTD_compress2(context, out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(written)) {
    throw_invalid_argument(name_ + ": compression failed (" + ZSTD_getErrorName(written) + ")");
  }
  out.resize(written);
}

void ZstdCodec::decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const {
  if (const auto declared = declared_content_size(name_, in, max_decoded_size)) {
    out.resize(static_cast<size_t>(*declared));
    const auto decoded = decompress_frames(name_, in, MutableByteView(out));
    if (!decoded || *decoded != *declared) {
      throw_corrupt_input(name_, "frames decode to a size other than the " +
                                     std::to_string(*declared) + " bytes they declare");
    }
    return;
  }
  // A frame without a content size (a streaming compressor wrote it): decode into the bound, or
  // into a guess that grows up to it, and give back what was not used.
  uint64_t capacity = initial_decode_capacity(in.size(), max_decoded_size);
  while (true) {
    out.resize(static_cast<size_t>(capacity));
    if (const auto decoded = decompress_frames(name_, in, MutableByteView(out))) {
      out.resize(*decoded);
      return;
    }
    if (capacity >= max_decoded_size) {
      throw_overflows_bound(name_, max_decoded_size);
    }
    capacity = grown_decode_capacity(capacity, max_decoded_size);
  }
}

void ZstdCodec::decode_into(ByteView in, MutableByteView out) const {
  const auto declared = declared_content_size(name_, in, out.size());
  if (declared && *declared != out.size()) throw_size_mismatch(name_, *declared, out.size());
  const auto decoded = decompress_frames(name_, in, out);
  if (!decoded) throw_overflows_bound(name_, out.size());
  if (*decoded != out.size()) throw_size_mismatch(name_, *decoded, out.size());
}

namespace {

std::shared_ptr<const Codec> make_zstd(const nlohmann::json& configuration, std::string_view name,
                                       int min_level, int max_level) {
  reject_unknown_fields(configuration, name, {"level", "checksum"});
  const int level = read_int_field(configuration, name, "level", 0, min_level, max_level);
  const bool checksum = read_bool_field(configuration, name, "checksum", false);
  return std::make_shared<ZstdCodec>(std::string(name), level, checksum);
}

}  // namespace

// zarr-python's ZstdCodec rejects levels above 22; numcodecs lets zstd clamp any level.
std::shared_ptr<const Codec> make_zstd_codec(const Json& configuration) {
  return make_zstd(configuration, "zstd", ZSTD_minCLevel(), ZSTD_maxCLevel());
}

std::shared_ptr<const Codec> make_numcodecs_zstd_codec(const Json& configuration) {
  return make_zstd(configuration, "numcodecs.zstd", INT_MIN, INT_MAX);
}

}  // namespace zarrphase::codecs
