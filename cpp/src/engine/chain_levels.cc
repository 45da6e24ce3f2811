#include "engine/chain_levels.h"

#include <limits>
#include <string>

#include "codecs/bytes_codec.h"
#include "codecs/crc32c_codec.h"
#include "codecs/transpose_codec.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {
namespace {

constexpr uint64_t kNoBound = std::numeric_limits<uint64_t>::max();

bool is_crc32c(const BytesToBytesCodec& codec) {
  return dynamic_cast<const codecs::Crc32cCodec*>(&codec) != nullptr;
}

// The transposes of `chain` composed: encoded dimension i is decoded dimension result[i]. Empty
// for the identity; nullopt when an array->array codec is not a transpose.
std::optional<std::vector<size_t>> composed_permutation(const CodecChain& chain) {
  const size_t rank = chain.decoded_spec().shape.size();
  std::vector<size_t> permutation(rank);
  for (size_t i = 0; i < rank; ++i) permutation[i] = i;
  for (const auto& codec : chain.array_to_array()) {
    const auto* transpose = dynamic_cast<const codecs::TransposeCodec*>(codec.get());
    if (transpose == nullptr) return std::nullopt;
    std::vector<size_t> next(rank);
    for (size_t i = 0; i < rank; ++i) next[i] = permutation[transpose->order()[i]];
    permutation = std::move(next);
  }
  for (size_t i = 0; i < rank; ++i) {
    if (permutation[i] != i) return permutation;
  }
  return std::vector<size_t>{};
}

// Linear (C-order) indices of a grid of `shape` in colexicographic order: dimension 0 fastest.
std::vector<uint64_t> colexicographic_order(const std::vector<uint64_t>& shape) {
  uint64_t count = 1;
  for (const uint64_t extent : shape) count *= extent;
  std::vector<uint64_t> c_strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) c_strides[d - 1] = c_strides[d] * shape[d];
  std::vector<uint64_t> order;
  order.reserve(count);
  std::vector<uint64_t> coords(shape.size(), 0);
  for (uint64_t n = 0; n < count; ++n) {
    uint64_t linear = 0;
    for (size_t d = 0; d < shape.size(); ++d) linear += coords[d] * c_strides[d];
    order.push_back(linear);
    for (size_t d = 0; d < shape.size(); ++d) {  // next colexicographic coordinate
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
  }
  return order;
}

bool is_trivial(const CodecChain& chain, size_t* checksums) {
  const auto* bytes = dynamic_cast<const codecs::BytesCodec*>(&chain.array_to_bytes());
  if (!chain.array_to_array().empty() || bytes == nullptr ||
      !bytes->is_identity(chain.decoded_spec().dtype)) {
    return false;
  }
  for (const auto& codec : chain.bytes_to_bytes()) {
    if (!is_crc32c(*codec)) return false;
  }
  *checksums = chain.bytes_to_bytes().size();
  return true;
}

}  // namespace

std::unique_ptr<ChainLevel> analyze_chain(const CodecChain& chain, SubchunkWriteOrder order) {
  auto level = std::make_unique<ChainLevel>();
  level->chain = &chain;
  level->element_size = chain.decoded_spec().dtype.size();
  level->decoded_bytes = chain.decoded_spec().num_bytes();
  const ShardLayout* layout = shard_layout(chain);
  std::optional<std::vector<size_t>> permutation =
      layout != nullptr ? composed_permutation(chain) : std::nullopt;
  if (layout == nullptr || !permutation) {
    // Plain, or a sharding chain behind an array->array codec the engine cannot see through:
    // the whole chain runs as one codec.
    level->trivial = is_trivial(chain, &level->trivial_checksums);
    return level;
  }
  level->layout = layout;
  level->permutation = std::move(*permutation);
  level->byte_ranges = chain.bytes_to_bytes().empty();
  switch (order) {
    case SubchunkWriteOrder::kMorton:
      level->write_order = layout->write_order();
      break;
    case SubchunkWriteOrder::kColexicographic:
      level->write_order = colexicographic_order(layout->subchunks_per_shard());
      break;
    case SubchunkWriteOrder::kLexicographic:
    case SubchunkWriteOrder::kUnordered:  // C order: no order table to walk
      break;
  }
  level->inner = analyze_chain(layout->inner_chain(), order);
  return level;
}

size_t nesting_depth(const ChainLevel& level) {
  return level.inner ? 1 + nesting_depth(*level.inner) : 0;
}

ByteView strip_checksums(ByteView encoded, size_t count, bool verify_checksums) {
  const codecs::Crc32cCodec crc;
  for (size_t i = 0; i < count; ++i) {
    if (verify_checksums) {
      encoded = *crc.decode_view(encoded);
    } else if (encoded.size() < codecs::Crc32cCodec::kChecksumSize) {
      throw_corrupt("crc32c: encoded chunk has " + std::to_string(encoded.size()) +
                    " bytes, fewer than the 4-byte checksum");
    } else {
      encoded = encoded.first(encoded.size() - codecs::Crc32cCodec::kChecksumSize);
    }
  }
  return encoded;
}

ByteView decode_bytes_stage(const CodecChain& chain, ByteView encoded, bool verify_checksums,
                            Bytes& storage) {
  const auto& codecs_list = chain.bytes_to_bytes();
  // bounds[i]: the most bytes codec i may decode to (its input limit when encoding).
  std::vector<uint64_t> bounds(codecs_list.size());
  uint64_t bound = chain.array_to_bytes().max_encoded_size(chain.array_to_bytes_spec());
  for (size_t i = 0; i < codecs_list.size(); ++i) {
    bounds[i] = bound;
    bound = bound == kNoBound ? kNoBound : codecs_list[i]->max_encoded_size(bound);
  }
  ByteView current = encoded;
  Bytes spare;
  for (size_t i = codecs_list.size(); i-- > 0;) {
    const BytesToBytesCodec& codec = *codecs_list[i];
    if (is_crc32c(codec)) {
      current = strip_checksums(current, 1, verify_checksums);
      continue;
    }
    codec.decode(current, bounds[i], spare);
    storage.swap(spare);
    current = storage;
  }
  return current;
}

void encode_bytes_stage(const CodecChain& chain, Bytes& bytes) {
  Bytes next;
  for (const auto& codec : chain.bytes_to_bytes()) {
    codec->encode(bytes, next);
    bytes.swap(next);
  }
}

}  // namespace zarrphase::engine
