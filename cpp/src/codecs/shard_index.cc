// The shard index: where it lives, and its decoding with every entry checked against the shard.
// An index is untrusted input: a bad entry must become a clear error, never an out-of-bounds
// read later.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "zarrphase/error.h"
#include "zarrphase/sharding.h"

namespace zarrphase {
namespace {

std::string word(uint64_t value) {
  return value == ShardIndexEntry::kMissing ? "2^64-1" : std::to_string(value);
}

std::string coords_string(const std::vector<uint64_t>& coords) {
  std::string out = "[";
  for (size_t i = 0; i < coords.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(coords[i]);
  }
  return out + "]";
}

}  // namespace

bool ShardIndex::all_missing() const {
  return std::all_of(entries_.begin(), entries_.end(),
                     [](const ShardIndexEntry& e) { return e.missing(); });
}

ByteRange ShardLayout::index_range() const {
  return index_location_ == ShardIndexLocation::kEnd ? ByteRange::suffix(index_encoded_size_)
                                                     : ByteRange::range(0, index_encoded_size_);
}

ByteView ShardLayout::index_bytes(ByteView shard) const {
  if (shard.size() < index_encoded_size_) {
    throw_corrupt("sharding_indexed: shard has " + std::to_string(shard.size()) +
                  " bytes, fewer than its " + std::to_string(index_encoded_size_) + "-byte index");
  }
  return index_location_ == ShardIndexLocation::kEnd ? shard.last(index_encoded_size_)
                                                     : shard.first(index_encoded_size_);
}

ShardIndex ShardLayout::decode_index(ByteView index_bytes, uint64_t shard_size) const {
  if (index_bytes.size() != index_encoded_size_) {
    throw_corrupt("sharding_indexed: index has " + std::to_string(index_bytes.size()) +
                  " bytes, expected " + std::to_string(index_encoded_size_));
  }
  Bytes words(index_chain_.decoded_spec().num_bytes());
  try {
    index_chain_.decode(index_bytes, words);
  } catch (const Error& e) {
    throw e.with_context("sharding_indexed: shard index");
  }
  ShardIndex index(num_subchunks_);
  for (uint64_t i = 0; i < num_subchunks_; ++i) {
    ShardIndexEntry entry;
    std::memcpy(&entry.offset, words.data() + i * 16, 8);
    std::memcpy(&entry.nbytes, words.data() + i * 16 + 8, 8);
    if (entry.missing()) continue;
    const auto bad = [&](const std::string& why) {
      throw_corrupt("sharding_indexed: index entry " + std::to_string(i) + " (subchunk " +
                    coords_string(subchunk_coords(i)) + ") has offset " + word(entry.offset) +
                    " and nbytes " + word(entry.nbytes) + ": " + why);
    };
    if (entry.offset == ShardIndexEntry::kMissing || entry.nbytes == ShardIndexEntry::kMissing) {
      bad("only one of them marks the subchunk missing");
    }
    if (entry.nbytes > ~uint64_t{0} - entry.offset) bad("their sum overflows 64 bits");
    if (entry.offset + entry.nbytes > shard_size) {
      bad("it ends past the end of the " + std::to_string(shard_size) + "-byte shard");
    }
    // A subchunk's bytes are never the index's own: an entry reaching into them is damage. An
    // index at the end has a known place only when the shard's size is known.
    const bool at_start = index_location_ == ShardIndexLocation::kStart;
    if (entry.nbytes > 0 &&
        (at_start || (shard_size != UINT64_MAX && shard_size >= index_encoded_size_))) {
      const uint64_t index_begin = at_start ? 0 : shard_size - index_encoded_size_;
      const uint64_t index_end = at_start ? index_encoded_size_ : shard_size;
      if (entry.offset < index_end && entry.offset + entry.nbytes > index_begin) {
        bad("its bytes reach inside the shard's own index [" + std::to_string(index_begin) + ", " +
            std::to_string(index_end) + ")");
      }
    }
    index.set(i, entry);
  }
  return index;
}

Bytes ShardLayout::encode_index(const ShardIndex& index) const {
  if (index.size() != num_subchunks_) {
    throw_invalid_argument("sharding_indexed: index has " + std::to_string(index.size()) +
                           " entries, the shard has " + std::to_string(num_subchunks_) +
                           " subchunks");
  }
  Bytes words(index_chain_.decoded_spec().num_bytes());
  for (size_t i = 0; i < index.size(); ++i) {
    std::memcpy(words.data() + i * 16, &index[i].offset, 8);
    std::memcpy(words.data() + i * 16 + 8, &index[i].nbytes, 8);
  }
  return index_chain_.encode(words);
}

}  // namespace zarrphase
