// Engine benchmark: whole-array and piecewise reads and writes of a 3-D uint16 array through the
// C++ Array API, on the memory and filesystem stores, sharded and plain, uncompressed and zstd.
//
// Each row prints the median time, the throughput in decoded GB/s, and that throughput as a
// fraction of the physical limit of this machine for the row:
//   uncompressed: a warm single-threaded memcpy of the array (bytes must move at least once);
//   zstd:         single-core zstd decode (reads) or encode (writes) speed of one chunk through
//                 the same codec chain, times the engine's thread count.
// Buffer policy: the output of reads and the value of writes are allocated and touched once,
// then reused by every repeat; the filesystem store's files are in the page cache (warm).
//
// Run: build/release/bench/engine_bench [--size N] [--repeats R] [--dir FOLDER] [--filter TEXT]
//   (--help prints this)
//   N (default 512) must be a multiple of 128; TEXT picks configurations by their
//   "sharded|plain none|zstd memory|filesystem" name, e.g. --filter "sharded none".
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "zarrphase/array.h"
#include "zarrphase/config.h"

namespace zarrphase {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
  uint64_t size = 512;
  int repeats = 3;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "zarrphase-engine-bench";
  // Only configurations whose "layout codec store" text contains this (e.g. "none memory").
  std::string filter;
};

double Seconds(const std::function<void()>& run) {
  const auto start = Clock::now();
  run();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(const std::function<void()>& run, int repeats) {
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) times.push_back(Seconds(run));
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// An image-like signal: smooth along every axis with a little noise (zstd compresses it ~2-3x).
std::vector<uint16_t> MakeData(uint64_t n) {
  std::vector<uint16_t> data(n * n * n);
  uint64_t state = 42;
  for (uint64_t z = 0; z < n; ++z) {
    for (uint64_t y = 0; y < n; ++y) {
      for (uint64_t x = 0; x < n; ++x) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        data[(z * n + y) * n + x] = static_cast<uint16_t>(x * 3 + y * 5 + z * 7 + (state >> 61));
      }
    }
  }
  return data;
}

json CodecsFor(bool sharded, bool zstd) {
  json inner = json::array({{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}}});
  if (zstd) inner.push_back({{"name", "zstd"}, {"configuration", {{"level", 3}}}});
  if (!sharded) return inner;
  return json::array({{{"name", "sharding_indexed"},
                       {"configuration",
                        {{"chunk_shape", {32, 32, 32}},
                         {"codecs", inner},
                         {"index_codecs", json::array({{{"name", "bytes"},
                                                        {"configuration", {{"endian", "little"}}}},
                                                       {{"name", "crc32c"}}})},
                         {"index_location", "end"}}}}});
}

ArrayMetadata Metadata(uint64_t n, bool sharded, bool zstd) {
  return ArrayMetadata::from_v3_json({
      {"zarr_format", 3},
      {"node_type", "array"},
      {"shape", {n, n, n}},
      {"data_type", "uint16"},
      {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", {128, 128, 128}}}}}},
      {"chunk_key_encoding", {{"name", "default"}}},
      {"fill_value", 0},
      {"codecs", CodecsFor(sharded, zstd)},
  });
}

// Single-core codec speed (decoded bytes per second) of a 32^3 (sharded) or 128^3 chunk.
struct CodecSpeed {
  double decode;
  double encode;
};

CodecSpeed MeasureCodec(const std::vector<uint16_t>& data, uint64_t edge) {
  ArrayMetadata meta = Metadata(edge, false, true);
  meta.chunk_shape = {edge, edge, edge};
  const CodecChain chain = CodecChain::from_json(meta.codecs, meta.chunk_spec());
  const uint64_t bytes = edge * edge * edge * 2;
  ByteView input(reinterpret_cast<const std::byte*>(data.data()), bytes);
  Bytes encoded;
  Bytes decoded(bytes);
  const int rounds = static_cast<int>(std::max<uint64_t>(1, (64ULL << 20) / bytes));
  const double encode_s = Median(
      [&] {
        for (int i = 0; i < rounds; ++i) chain.encode(input, encoded);
      },
      3);
  const double decode_s = Median(
      [&] {
        for (int i = 0; i < rounds; ++i) chain.decode(encoded, decoded);
      },
      3);
  return {static_cast<double>(bytes) * rounds / decode_s,
          static_cast<double>(bytes) * rounds / encode_s};
}

double MeasureMemcpy(const std::vector<uint16_t>& data, std::vector<uint16_t>& out) {
  const double s = Median([&] { std::memcpy(out.data(), data.data(), data.size() * 2); }, 5);
  return static_cast<double>(data.size() * 2) / s;
}

void PrintRow(const std::string& layout, const std::string& codec, const std::string& store,
              const std::string& workload, double seconds, double bytes, double limit) {
  const double gbps = bytes / seconds / 1e9;
  std::printf("| %-22s | %-5s | %-10s | %-28s | %8.3f | %6.2f | %6.2f | %5.0f%% |\n",
              layout.c_str(), codec.c_str(), store.c_str(), workload.c_str(), seconds, gbps,
              limit / 1e9, 100.0 * gbps * 1e9 / limit);
  std::fflush(stdout);
}

void RunConfiguration(const Options& options, const std::vector<uint16_t>& data,
                      std::vector<uint16_t>& out, bool sharded, bool zstd, bool filesystem,
                      double memcpy_speed, const CodecSpeed& codec_speed) {
  const uint64_t n = options.size;
  const std::string layout = sharded ? "shards 128^3 of 32^3" : "chunks 128^3";
  const std::string codec = zstd ? "zstd" : "none";
  const std::string store_name = filesystem ? "filesystem" : "memory";
  std::shared_ptr<Store> store;
  if (filesystem) {
    std::filesystem::remove_all(options.dir);
    store = make_filesystem_store(options.dir);
  } else {
    store = make_memory_store();
  }
  Array array = Array::create(store, "bench", Metadata(n, sharded, zstd));
  const double threads = static_cast<double>(thread_count());
  const double read_limit = zstd ? codec_speed.decode * threads : memcpy_speed;
  const double write_limit = zstd ? codec_speed.encode * threads : memcpy_speed;
  const double total = static_cast<double>(n * n * n * 2);
  const StridedArray value = StridedArray::contiguous(
      reinterpret_cast<std::byte*>(const_cast<uint16_t*>(data.data())), {n, n, n}, 2);
  const StridedArray output =
      StridedArray::contiguous(reinterpret_cast<std::byte*>(out.data()), {n, n, n}, 2);

  const double write_s =
      Median([&] { array.write(Region::whole(array.shape()), value); }, options.repeats);
  PrintRow(layout, codec, store_name, "write all", write_s, total, write_limit);

  const double read_s =
      Median([&] { array.read(Region::whole(array.shape()), output); }, options.repeats);
  if (std::memcmp(out.data(), data.data(), data.size() * 2) != 0) {
    std::fprintf(stderr, "read-all returned wrong data\n");
    std::exit(1);
  }
  PrintRow(layout, codec, store_name, "read all", read_s, total, read_limit);

  // One read per inner unit: each subchunk of a sharded array, each chunk of a plain one.
  const uint64_t unit = sharded ? 32 : 128;
  const double units_s = Median(
      [&] {
        for (uint64_t z = 0; z < n; z += unit) {
          for (uint64_t y = 0; y < n; y += unit) {
            for (uint64_t x = 0; x < n; x += unit) {
              const Region box{{z, y, x}, {z + unit, y + unit, x + unit}, {}};
              StridedArray dst = output;
              dst.data += ((z * n + y) * n + x) * 2;
              dst.shape = {unit, unit, unit};
              array.read(box, dst);
            }
          }
        }
      },
      1);
  PrintRow(layout, codec, store_name, sharded ? "read subchunk by subchunk" : "read chunk by chunk",
           units_s, total, read_limit);

  // A box that cuts through shards and subchunks: every touched shard is read and rewritten.
  const uint64_t lo = n / 8 + 3;
  const uint64_t hi = n - n / 8 - 5;
  const Region box{{lo, lo, lo}, {hi, hi, hi}, {}};
  StridedArray box_value = value;
  box_value.shape = box.shape();
  const double box_bytes = static_cast<double>((hi - lo) * (hi - lo) * (hi - lo) * 2);
  const double box_s = Median([&] { array.write(box, box_value); }, options.repeats);
  PrintRow(layout, codec, store_name, "partial-box overwrite", box_s, box_bytes, write_limit);
}

}  // namespace
}  // namespace zarrphase

int main(int argc, char** argv) {
  using namespace zarrphase;
  Options options;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::printf(
          "usage: %s [--size N] [--repeats R] [--dir FOLDER] [--filter TEXT]\n"
          "  N: array edge, a multiple of 128 (default 512); R: repeats per row (default 3);\n"
          "  FOLDER: where the filesystem rows write (default: a temp folder);\n"
          "  TEXT: runs configurations whose \"sharded|plain none|zstd memory|filesystem\"\n"
          "        name contains it, e.g. \"sharded none\" or \" none filesystem\"\n",
          argv[0]);
      return 0;
    }
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--size") {
      options.size = std::stoull(argv[i + 1]);
    } else if (flag == "--repeats") {
      options.repeats = std::stoi(argv[i + 1]);
    } else if (flag == "--filter") {
      options.filter = argv[i + 1];
    } else if (flag == "--dir") {
      options.dir = argv[i + 1];
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (options.size == 0 || options.size % 128 != 0) {
    std::fprintf(stderr, "--size must be a positive multiple of 128\n");
    return 2;
  }
  const std::vector<uint16_t> data = MakeData(options.size);
  std::vector<uint16_t> out(data.size(), 1);  // touched once here, reused by every read
  const double memcpy_speed = MeasureMemcpy(data, out);
  const CodecSpeed sharded_speed = MeasureCodec(data, 32);
  const CodecSpeed chunk_speed = MeasureCodec(data, 128);
  std::printf("engine_bench: %llu^3 uint16 (%.0f MiB), %zu threads, median of %d\n",
              static_cast<unsigned long long>(options.size),
              static_cast<double>(data.size()) * 2 / (1 << 20), thread_count(), options.repeats);
  std::printf(
      "limits: memcpy %.2f GB/s; zstd 1-core decode/encode %.2f/%.2f GB/s (32^3), "
      "%.2f/%.2f GB/s (128^3)\n\n",
      memcpy_speed / 1e9, sharded_speed.decode / 1e9, sharded_speed.encode / 1e9,
      chunk_speed.decode / 1e9, chunk_speed.encode / 1e9);
  std::printf("| %-22s | %-5s | %-10s | %-28s | %8s | %6s | %6s | %6s |\n", "layout", "codec",
              "store", "workload", "seconds", "GB/s", "limit", "of lim");
  std::printf(
      "|%s|%s|%s|%s|%s|%s|%s|%s|\n", std::string(24, '-').c_str(), std::string(7, '-').c_str(),
      std::string(12, '-').c_str(), std::string(30, '-').c_str(), std::string(10, '-').c_str(),
      std::string(8, '-').c_str(), std::string(8, '-').c_str(), std::string(8, '-').c_str());
  for (const bool sharded : {true, false}) {
    for (const bool zstd : {false, true}) {
      for (const bool filesystem : {false, true}) {
        const std::string name = std::string(sharded ? "sharded" : "plain") +
                                 (zstd ? " zstd" : " none") +
                                 (filesystem ? " filesystem" : " memory");
        if (name.find(options.filter) == std::string::npos) continue;
        RunConfiguration(options, data, out, sharded, zstd, filesystem, memcpy_speed,
                         sharded ? sharded_speed : chunk_speed);
      }
    }
  }
  std::filesystem::remove_all(options.dir);
  return 0;
}
