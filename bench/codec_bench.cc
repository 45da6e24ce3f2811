// Codec micro-benchmark: for each codec, encode and decode throughput of our wrapper (through
// the BytesToBytesCodec / ArrayToBytesCodec objects) next to the raw library call it wraps.
//
// Both sides see the same 2 MiB chunk of smooth uint16 data (an image-like signal) and the same
// buffer policy: every output buffer is allocated and touched once, then reused across
// iterations, so neither side pays for fresh pages. Throughput is decoded bytes per second.
//
// Run: build/<dir>/bench/codec_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>
#include <blosc.h>
#include <isa-l/crc.h>
#include <libdeflate.h>
#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "zarrphase/codec.h"

namespace zarrphase {
namespace {

using nlohmann::json;

constexpr size_t kElements = 1 << 20;  // 2 MiB of uint16
constexpr int kGzipLevel = 5;          // zarr-python's default
constexpr int kZstdLevel = 3;          // numcodecs' default (level 0 means 3)

const ChunkSpec& Spec() {
  static const ChunkSpec spec{DataType::uint(2), {kElements}, FillValue::zero(DataType::uint(2))};
  return spec;
}

// A slowly varying signal with a little noise: compresses ~3-4x, like real imagery.
const Bytes& Chunk() {
  static const Bytes chunk = [] {
    Bytes bytes(kElements * 2);
    uint64_t state = 12345;
    int32_t value = 20000;
    for (size_t i = 0; i < kElements; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      value += static_cast<int32_t>((state >> 33) % 7) - 3;
      const auto v = static_cast<uint16_t>(value);
      std::memcpy(bytes.data() + 2 * i, &v, 2);
    }
    return bytes;
  }();
  return chunk;
}

std::shared_ptr<const BytesToBytesCodec> Compressor(const json& codec_json) {
  auto codec = std::dynamic_pointer_cast<const BytesToBytesCodec>(make_codec(codec_json));
  if (!codec) throw std::runtime_error("not a bytes->bytes codec");
  return codec->resolve(Spec());
}

void Finish(benchmark::State& state, size_t encoded_size) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(Chunk().size()));
  state.counters["ratio"] =
      static_cast<double>(Chunk().size()) / static_cast<double>(std::max<size_t>(encoded_size, 1));
}

// --- Our wrappers: the same two loops for every compressor. ---

void OursEncode(benchmark::State& state, const json& codec_json) {
  const auto codec = Compressor(codec_json);
  Bytes out;
  codec->encode(Chunk(), out);  // warm: sizes and touches the reused output buffer
  for (auto _ : state) {
    codec->encode(Chunk(), out);
    benchmark::DoNotOptimize(out.data());
  }
  Finish(state, out.size());
}

void OursDecode(benchmark::State& state, const json& codec_json) {
  const auto codec = Compressor(codec_json);
  Bytes encoded;
  codec->encode(Chunk(), encoded);
  Bytes out(Chunk().size(), std::byte{0});
  for (auto _ : state) {
    codec->decode_into(encoded, out);
    benchmark::DoNotOptimize(out.data());
  }
  if (std::memcmp(out.data(), Chunk().data(), out.size()) != 0) state.SkipWithError("mismatch");
  Finish(state, encoded.size());
}

// The bounded decode (decoded size unknown to the caller, output buffer reused).
void OursDecodeBounded(benchmark::State& state, const json& codec_json) {
  const auto codec = Compressor(codec_json);
  Bytes encoded;
  codec->encode(Chunk(), encoded);
  Bytes out;
  codec->decode(encoded, Chunk().size(), out);
  for (auto _ : state) {
    codec->decode(encoded, Chunk().size(), out);
    benchmark::DoNotOptimize(out.data());
  }
  Finish(state, encoded.size());
}

const json kZstd = {{"name", "zstd"},
                    {"configuration", {{"level", kZstdLevel}, {"checksum", false}}}};
const json kGzip = {{"name", "gzip"}, {"configuration", {{"level", kGzipLevel}}}};
const json kBlosc = {
    {"name", "blosc"},
    {"configuration", {{"cname", "lz4"}, {"clevel", 5}, {"shuffle", "shuffle"}, {"typesize", 2}}}};
const json kLz4 = {{"name", "numcodecs.lz4"}, {"configuration", {{"acceleration", 1}}}};
const json kCrc32c = {{"name", "crc32c"}};

// --- zstd ---

void BM_zstd_encode_ours(benchmark::State& s) { OursEncode(s, kZstd); }
void BM_zstd_decode_ours(benchmark::State& s) { OursDecode(s, kZstd); }
void BM_zstd_decode_bounded_ours(benchmark::State& s) { OursDecodeBounded(s, kZstd); }

void BM_zstd_encode_raw(benchmark::State& state) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  Bytes out(ZSTD_compressBound(Chunk().size()), std::byte{0});
  size_t written = 0;
  for (auto _ : state) {
    ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, kZstdLevel);
    written = ZSTD_compress2(context, out.data(), out.size(), Chunk().data(), Chunk().size());
    benchmark::DoNotOptimize(out.data());
  }
  ZSTD_freeCCtx(context);
  Finish(state, written);
}

void BM_zstd_decode_raw(benchmark::State& state) {
  Bytes encoded;
  Compressor(kZstd)->encode(Chunk(), encoded);
  ZSTD_DCtx* context = ZSTD_createDCtx();
  Bytes out(Chunk().size(), std::byte{0});
  for (auto _ : state) {
    const size_t n =
        ZSTD_decompressDCtx(context, out.data(), out.size(), encoded.data(), encoded.size());
    benchmark::DoNotOptimize(n);
  }
  ZSTD_freeDCtx(context);
  Finish(state, encoded.size());
}

// --- gzip ---

void BM_gzip_encode_ours(benchmark::State& s) { OursEncode(s, kGzip); }
void BM_gzip_decode_ours(benchmark::State& s) { OursDecode(s, kGzip); }
void BM_gzip_decode_bounded_ours(benchmark::State& s) { OursDecodeBounded(s, kGzip); }

// zlib writing the gzip wrapper itself (windowBits 31), one deflate() call.
void BM_gzip_encode_raw(benchmark::State& state) {
  z_stream stream{};
  deflateInit2(&stream, kGzipLevel, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&stream, Chunk().size()), std::byte{0});
  size_t written = 0;
  for (auto _ : state) {
    deflateReset(&stream);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(Chunk().data()));
    stream.avail_in = static_cast<uInt>(Chunk().size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    written = stream.total_out;
    benchmark::DoNotOptimize(out.data());
  }
  deflateEnd(&stream);
  Finish(state, written);
}

void BM_gzip_decode_raw(benchmark::State& state) {
  Bytes encoded;
  Compressor(kGzip)->encode(Chunk(), encoded);
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  Bytes out(Chunk().size(), std::byte{0});
  for (auto _ : state) {
    size_t n = 0;
    libdeflate_gzip_decompress(decompressor, encoded.data(), encoded.size(), out.data(), out.size(),
                               &n);
    benchmark::DoNotOptimize(n);
  }
  libdeflate_free_decompressor(decompressor);
  Finish(state, encoded.size());
}

// --- blosc lz4 + byte shuffle ---

void BM_blosc_lz4_shuffle_encode_ours(benchmark::State& s) { OursEncode(s, kBlosc); }
void BM_blosc_lz4_shuffle_decode_ours(benchmark::State& s) { OursDecode(s, kBlosc); }

void BM_blosc_lz4_shuffle_encode_raw(benchmark::State& state) {
  Bytes out(Chunk().size() + BLOSC_MAX_OVERHEAD, std::byte{0});
  int written = 0;
  for (auto _ : state) {
    written = blosc_compress_ctx(5, BLOSC_SHUFFLE, 2, Chunk().size(), Chunk().data(), out.data(),
                                 out.size(), "lz4", 0, 1);
    benchmark::DoNotOptimize(out.data());
  }
  Finish(state, static_cast<size_t>(written));
}

void BM_blosc_lz4_shuffle_decode_raw(benchmark::State& state) {
  Bytes encoded;
  Compressor(kBlosc)->encode(Chunk(), encoded);
  Bytes out(Chunk().size(), std::byte{0});
  for (auto _ : state) {
    const int n = blosc_decompress_ctx(encoded.data(), out.data(), out.size(), 1);
    benchmark::DoNotOptimize(n);
  }
  Finish(state, encoded.size());
}

// --- numcodecs.lz4 (4-byte size header + raw LZ4 block) ---

void BM_numcodecs_lz4_encode_ours(benchmark::State& s) { OursEncode(s, kLz4); }
void BM_numcodecs_lz4_decode_ours(benchmark::State& s) { OursDecode(s, kLz4); }

void BM_numcodecs_lz4_encode_raw(benchmark::State& state) {
  const int size = static_cast<int>(Chunk().size());
  Bytes out(4 + static_cast<size_t>(LZ4_compressBound(size)), std::byte{0});
  int written = 0;
  for (auto _ : state) {
    std::memcpy(out.data(), &size, 4);
    written = LZ4_compress_fast(reinterpret_cast<const char*>(Chunk().data()),
                                reinterpret_cast<char*>(out.data() + 4), size,
                                LZ4_compressBound(size), 1);
    benchmark::DoNotOptimize(out.data());
  }
  Finish(state, static_cast<size_t>(written) + 4);
}

void BM_numcodecs_lz4_decode_raw(benchmark::State& state) {
  Bytes encoded;
  Compressor(kLz4)->encode(Chunk(), encoded);
  Bytes out(Chunk().size(), std::byte{0});
  for (auto _ : state) {
    const int n = LZ4_decompress_safe(
        reinterpret_cast<const char*>(encoded.data() + 4), reinterpret_cast<char*>(out.data()),
        static_cast<int>(encoded.size() - 4), static_cast<int>(out.size()));
    benchmark::DoNotOptimize(n);
  }
  Finish(state, encoded.size());
}

// --- crc32c: our encode/decode_into copy the payload (the API hands back a new buffer);
// decode_view verifies in place. The raw side only computes the checksum. ---

void BM_crc32c_encode_ours(benchmark::State& s) { OursEncode(s, kCrc32c); }
void BM_crc32c_decode_ours(benchmark::State& s) { OursDecode(s, kCrc32c); }

void BM_crc32c_decode_view_ours(benchmark::State& state) {
  const auto codec = Compressor(kCrc32c);
  Bytes encoded;
  codec->encode(Chunk(), encoded);
  for (auto _ : state) {
    auto view = codec->decode_view(encoded);
    benchmark::DoNotOptimize(view);
  }
  Finish(state, encoded.size());
}

void BM_crc32c_raw(benchmark::State& state) {
  for (auto _ : state) {
    const uint32_t crc = ~crc32_iscsi(
        const_cast<unsigned char*>(reinterpret_cast<const unsigned char*>(Chunk().data())),
        static_cast<int>(Chunk().size()), 0xFFFFFFFFU);
    benchmark::DoNotOptimize(crc);
  }
  Finish(state, Chunk().size() + 4);
}

// --- bytes codec, big-endian: a byte swap of every uint16 ---

std::shared_ptr<const ArrayToBytesCodec> BigEndianBytes() {
  auto codec = std::dynamic_pointer_cast<const ArrayToBytesCodec>(
      make_codec({{"name", "bytes"}, {"configuration", {{"endian", "big"}}}}));
  return codec->resolve(Spec());
}

void BM_bytes_bigendian_encode_ours(benchmark::State& state) {
  const auto codec = BigEndianBytes();
  Bytes out;
  codec->encode(Spec(), Chunk(), out);
  for (auto _ : state) {
    codec->encode(Spec(), Chunk(), out);
    benchmark::DoNotOptimize(out.data());
  }
  Finish(state, out.size());
}

void BM_bytes_bigendian_decode_ours(benchmark::State& state) {
  const auto codec = BigEndianBytes();
  Bytes encoded;
  codec->encode(Spec(), Chunk(), encoded);
  Bytes out(Chunk().size(), std::byte{0});
  for (auto _ : state) {
    codec->decode(Spec(), encoded, out);
    benchmark::DoNotOptimize(out.data());
  }
  Finish(state, encoded.size());
}

// A straightforward fast byte swap: 8 bytes (four uint16) per step with SWAR masks, which the
// compiler turns into vector shuffles; the reference our bytes codec is measured against.
void BM_bytes_bigendian_swap_raw(benchmark::State& state) {
  Bytes out(Chunk().size(), std::byte{0});
  for (auto _ : state) {
    const std::byte* in = Chunk().data();
    std::byte* o = out.data();
    const size_t n = Chunk().size();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t v;
      std::memcpy(&v, in + i, 8);
      v = ((v & 0x00FF00FF00FF00FFULL) << 8) | ((v >> 8) & 0x00FF00FF00FF00FFULL);
      std::memcpy(o + i, &v, 8);
    }
    for (; i < n; i += 2) {
      o[i] = in[i + 1];
      o[i + 1] = in[i];
    }
    benchmark::DoNotOptimize(out.data());
  }
  Finish(state, out.size());
}

BENCHMARK(BM_zstd_encode_ours);
BENCHMARK(BM_zstd_encode_raw);
BENCHMARK(BM_zstd_decode_ours);
BENCHMARK(BM_zstd_decode_bounded_ours);
BENCHMARK(BM_zstd_decode_raw);
BENCHMARK(BM_gzip_encode_ours);
BENCHMARK(BM_gzip_encode_raw);
BENCHMARK(BM_gzip_decode_ours);
BENCHMARK(BM_gzip_decode_bounded_ours);
BENCHMARK(BM_gzip_decode_raw);
BENCHMARK(BM_blosc_lz4_shuffle_encode_ours);
BENCHMARK(BM_blosc_lz4_shuffle_encode_raw);
BENCHMARK(BM_blosc_lz4_shuffle_decode_ours);
BENCHMARK(BM_blosc_lz4_shuffle_decode_raw);
BENCHMARK(BM_numcodecs_lz4_encode_ours);
BENCHMARK(BM_numcodecs_lz4_encode_raw);
BENCHMARK(BM_numcodecs_lz4_decode_ours);
BENCHMARK(BM_numcodecs_lz4_decode_raw);
BENCHMARK(BM_crc32c_encode_ours);
BENCHMARK(BM_crc32c_decode_ours);
BENCHMARK(BM_crc32c_decode_view_ours);
BENCHMARK(BM_crc32c_raw);
BENCHMARK(BM_bytes_bigendian_encode_ours);
BENCHMARK(BM_bytes_bigendian_decode_ours);
BENCHMARK(BM_bytes_bigendian_swap_raw);

}  // namespace
}  // namespace zarrphase

BENCHMARK_MAIN();
