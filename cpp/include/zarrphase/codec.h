// zarrphase/codec.h — the three codec kinds of Zarr v3 and the chain that joins them.
//
// Codecs are pure functions of bytes and arrays: no IO, no global state, no GIL. A codec is built
// in two steps, like tensorstore's codec specs:
//
//   1. parse:   `make_codec(json)` reads a codec's JSON ({"name": ..., "configuration": ...} or a
//               short-hand name such as "crc32c") and validates its configuration alone;
//   2. resolve: `CodecChain::from_json(codecs, decoded_spec)` resolves each codec against the
//               array it will see (dtype, shape), which validates the pair ("transpose order has 2
//               entries, chunk has 3 dimensions") and fills defaults that depend on the array
//               (blosc's typesize).
//
// A resolved codec and a chain are immutable, so one instance serves every thread at once.
//
// Arrays travel between codecs as C-ordered, native-endian bytes described by a ChunkSpec.
// Encoded bytes travel as `Bytes` / `ByteView`. Every decoder treats its input as untrusted:
// sizes, lengths and counts read from the data are checked, and a decoder never allocates more
// than the bound it was given (the chunk's known decoded size), so a decompression bomb is an
// error, not an allocation. Errors name the codec: "zstd: frame content size 8192 exceeds the
// 4096 bytes this chunk can hold".
#ifndef ZARRPHASE_CODEC_H_
#define ZARRPHASE_CODEC_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/dtype.h"
#include "zarrphase/fill_value.h"

namespace zarrphase {

// What one codec sees of a chunk: a C-ordered array of `shape` elements of `dtype`.
struct ChunkSpec {
  DataType dtype;
  std::vector<uint64_t> shape;
  FillValue fill_value;

  uint64_t num_elements() const;  // product of shape; 1 for rank 0
  uint64_t num_bytes() const;     // num_elements() * dtype.size(); throws on overflow
};

enum class CodecKind : uint8_t { kArrayToArray, kArrayToBytes, kBytesToBytes };

class Codec {
 public:
  virtual ~Codec() = default;
  virtual CodecKind kind() const = 0;
  // Spec name, e.g. "zstd", "sharding_indexed", "numcodecs.zlib".
  virtual std::string_view name() const = 0;
  // {"name": ..., "configuration": {...}} as zarr-python writes it.
  virtual nlohmann::json to_json() const = 0;
};

class ArrayToArrayCodec : public Codec {
 public:
  CodecKind kind() const final { return CodecKind::kArrayToArray; }
  // Validates this codec against the array it will encode and returns the resolved codec.
  virtual std::shared_ptr<const ArrayToArrayCodec> resolve(const ChunkSpec& decoded) const = 0;
  // The spec of the array this codec produces from `decoded`.
  virtual ChunkSpec encoded_spec(const ChunkSpec& decoded) const = 0;
  // `in` holds decoded.num_bytes(); `out` holds encoded_spec(decoded).num_bytes().
  virtual void encode(const ChunkSpec& decoded, ByteView in, MutableByteView out) const = 0;
  virtual void decode(const ChunkSpec& decoded, ByteView in, MutableByteView out) const = 0;
};

class ArrayToBytesCodec : public Codec {
 public:
  CodecKind kind() const final { return CodecKind::kArrayToBytes; }
  virtual std::shared_ptr<const ArrayToBytesCodec> resolve(const ChunkSpec& decoded) const = 0;
  // Exact encoded size when it depends only on the spec (e.g. `bytes`); nullopt otherwise.
  virtual std::optional<uint64_t> encoded_size(const ChunkSpec& decoded) const = 0;
  // An upper bound of the encoded size; the bytes->bytes decoders after this codec use it as
  // their allocation limit. Default: encoded_size() when fixed, else UINT64_MAX (no bound).
  virtual uint64_t max_encoded_size(const ChunkSpec& decoded) const;
  // `array` holds decoded.num_bytes(); the encoding replaces the contents of `out`.
  virtual void encode(const ChunkSpec& decoded, ByteView array, Bytes& out) const = 0;
  // Fills all of `array_out` (decoded.num_bytes()) from `encoded`.
  virtual void decode(const ChunkSpec& decoded, ByteView encoded,
                      MutableByteView array_out) const = 0;
};

class BytesToBytesCodec : public Codec {
 public:
  CodecKind kind() const final { return CodecKind::kBytesToBytes; }
  // Most bytes->bytes codecs need nothing from the array; blosc takes its typesize from it.
  virtual std::shared_ptr<const BytesToBytesCodec> resolve(const ChunkSpec& decoded) const = 0;
  // Exact encoded size for `decoded_size` input bytes when fixed (crc32c: +4); nullopt otherwise.
  virtual std::optional<uint64_t> encoded_size(uint64_t decoded_size) const = 0;
  // An upper bound of the encoded size (the compressor's worst case). Decoders of the codecs
  // before this one in the chain use it as their allocation limit.
  virtual uint64_t max_encoded_size(uint64_t decoded_size) const = 0;
  // The encoding replaces the contents of `out`.
  virtual void encode(ByteView in, Bytes& out) const = 0;
  // Decodes into `out` (contents replaced). Throws kCorruptData if the decoded size would exceed
  // `max_decoded_size`, before allocating it.
  virtual void decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const = 0;
  // Decodes into exactly out.size() bytes, throwing if the decoded size differs. The default
  // decodes to a temporary and copies; compressors override it to write straight into `out`.
  virtual void decode_into(ByteView in, MutableByteView out) const;
  // For codecs whose decoded bytes are a sub-range of their input (crc32c), that verified
  // sub-range, so the chain can skip a copy. Default: nullopt (use decode / decode_into).
  virtual std::optional<ByteView> decode_view(ByteView in) const;
};

// Parses one codec's JSON without resolving it. Accepts the object form and short-hand names.
// Unknown names throw kUnsupported; a malformed configuration throws kInvalidMetadata.
std::shared_ptr<const Codec> make_codec(const nlohmann::json& codec_json);

// A resolved chain: any number of array->array codecs, exactly one array->bytes codec, any number
// of bytes->bytes codecs, in encode order.
class CodecChain {
 public:
  // Parses and resolves `codecs` (a JSON array) for chunks described by `decoded`. Throws
  // kInvalidMetadata for an ill-formed chain (no array->bytes codec, two of them, kinds out of
  // order) and whatever make_codec / resolve throw.
  static CodecChain from_json(const nlohmann::json& codecs, const ChunkSpec& decoded);

  const ChunkSpec& decoded_spec() const { return specs_.front(); }
  // The spec the array->bytes codec sees (after every array->array codec).
  const ChunkSpec& array_to_bytes_spec() const { return specs_.back(); }
  const std::vector<std::shared_ptr<const ArrayToArrayCodec>>& array_to_array() const {
    return array_to_array_;
  }
  const ArrayToBytesCodec& array_to_bytes() const { return *array_to_bytes_; }
  const std::vector<std::shared_ptr<const BytesToBytesCodec>>& bytes_to_bytes() const {
    return bytes_to_bytes_;
  }

  // Exact encoded size of every chunk when the whole chain is fixed-size (e.g. bytes + crc32c).
  std::optional<uint64_t> encoded_size() const { return encoded_size_; }
  // Largest encoded size a chunk may have; decoders use it to reject oversized input early.
  uint64_t max_encoded_size() const { return max_encoded_size_; }

  // `array` is decoded_spec().num_bytes() of C-ordered native-endian elements.
  Bytes encode(ByteView array) const;
  void encode(ByteView array, Bytes& out) const;
  // Fills all of `array_out` (decoded_spec().num_bytes()).
  void decode(ByteView encoded, MutableByteView array_out) const;
  // As above; with verify_checksums false, checksum codecs (crc32c) strip their checksum without
  // verifying it (EngineOptions::validate_checksums).
  void decode(ByteView encoded, MutableByteView array_out, bool verify_checksums) const;

  nlohmann::json to_json() const;

 private:
  CodecChain() = default;
  std::vector<std::shared_ptr<const ArrayToArrayCodec>> array_to_array_;
  std::shared_ptr<const ArrayToBytesCodec> array_to_bytes_;
  std::vector<std::shared_ptr<const BytesToBytesCodec>> bytes_to_bytes_;
  // specs_[i] is the spec array_to_array_[i] sees; specs_.back() is what array_to_bytes_ sees.
  std::vector<ChunkSpec> specs_;
  // bytes_sizes_bound_[i] bounds the size of the input to bytes_to_bytes_[i] (decode limits).
  std::vector<uint64_t> bytes_size_bounds_;
  std::optional<uint64_t> encoded_size_;
  uint64_t max_encoded_size_ = 0;
};

}  // namespace zarrphase

#endif  // ZARRPHASE_CODEC_H_
