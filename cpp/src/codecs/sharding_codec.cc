#include "codecs/sharding_codec.h"

#include <limits>
#include <string>

#include "codecs/codec_factories.h"
#include "kernels/all_equal.h"
#include "kernels/box_copy.h"
#include "kernels/fill.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

constexpr uint64_t kNoBound = std::numeric_limits<uint64_t>::max();

// zarr-python's defaults when a configuration leaves the codec lists out.
Json default_codecs() {
  return Json::array({{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}}});
}
Json default_index_codecs() {
  Json codecs = default_codecs();
  codecs.push_back({{"name", "crc32c"}});
  return codecs;
}

// Parses each codec of a nested list (so errors surface at parse time, as for the outer list)
// and returns the list in normalised form.
Json parse_codec_list(const Json& list, const char* field) {
  if (!list.is_array()) {
    throw_invalid_metadata(std::string("sharding_indexed: \"") + field +
                           "\" must be an array of codecs, got " + list.dump());
  }
  Json normalised = Json::array();
  for (const Json& codec_json : list) {
    try {
      normalised.push_back(make_codec(codec_json)->to_json());
    } catch (const Error& e) {
      throw e.with_context(std::string("sharding_indexed: ") + field);
    }
  }
  return normalised;
}

std::vector<uint64_t> parse_chunk_shape(const Json& value) {
  std::vector<uint64_t> shape;
  bool valid = value.is_array();
  for (size_t i = 0; valid && i < value.size(); ++i) {
    // Documents built in C++ hold signed integers; parsed ones hold unsigned. Both are valid.
    valid = value[i].is_number_integer() && value[i].get<int64_t>() > 0;
    if (valid) shape.push_back(value[i].get<uint64_t>());
  }
  if (!valid) {
    throw_invalid_metadata(
        "sharding_indexed: \"chunk_shape\" must be an array of positive integers, got " +
        value.dump());
  }
  return shape;
}

std::string coords_string(const std::vector<uint64_t>& coords) {
  std::string out = "[";
  for (size_t i = 0; i < coords.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(coords[i]);
  }
  return out + "]";
}

std::vector<uint64_t> subchunk_origin(const ShardLayout& layout, uint64_t linear) {
  std::vector<uint64_t> origin = layout.subchunk_coords(linear);
  for (size_t d = 0; d < origin.size(); ++d) origin[d] *= layout.subchunk_shape()[d];
  return origin;
}

// Byte offset of the box at `origin` in a C-ordered array of `shape`.
size_t box_offset(std::span<const uint64_t> shape, std::span<const uint64_t> origin,
                  size_t element_size) {
  size_t offset = 0;
  for (size_t d = 0; d < shape.size(); ++d) offset = offset * shape[d] + origin[d];
  return offset * element_size;
}

}  // namespace

std::shared_ptr<const Codec> make_sharding_codec(const Json& configuration) {
  std::vector<uint64_t> subchunk_shape;
  Json codecs = default_codecs();
  Json index_codecs = default_index_codecs();
  ShardIndexLocation location = ShardIndexLocation::kEnd;
  bool has_chunk_shape = false;
  for (const auto& [field, value] : configuration.items()) {
    if (field == "chunk_shape") {
      subchunk_shape = parse_chunk_shape(value);
      has_chunk_shape = true;
    } else if (field == "codecs") {
      codecs = parse_codec_list(value, "codecs");
    } else if (field == "index_codecs") {
      index_codecs = parse_codec_list(value, "index_codecs");
    } else if (field == "index_location") {
      if (value == "end") {
        location = ShardIndexLocation::kEnd;
      } else if (value == "start") {
        location = ShardIndexLocation::kStart;
      } else {
        throw_invalid_metadata(
            "sharding_indexed: \"index_location\" must be \"start\" or \"end\", got " +
            value.dump());
      }
    } else {
      throw_invalid_metadata("sharding_indexed: unexpected configuration field \"" + field + "\"");
    }
  }
  if (!has_chunk_shape) {
    throw_invalid_metadata("sharding_indexed: configuration needs \"chunk_shape\"");
  }
  return std::make_shared<ShardingCodec>(std::move(subchunk_shape), std::move(codecs),
                                         std::move(index_codecs), location);
}

ShardingCodec::ShardingCodec(std::vector<uint64_t> subchunk_shape, nlohmann::json codecs,
                             nlohmann::json index_codecs, ShardIndexLocation index_location)
    : subchunk_shape_(std::move(subchunk_shape)),
      codecs_(std::move(codecs)),
      index_codecs_(std::move(index_codecs)),
      index_location_(index_location) {}

ShardingCodec::ShardingCodec(std::shared_ptr<const ShardLayout> layout)
    : subchunk_shape_(layout->subchunk_shape()),
      codecs_(layout->inner_chain().to_json()),
      index_codecs_(layout->index_chain().to_json()),
      index_location_(layout->index_location()),
      layout_(std::move(layout)) {}

nlohmann::json ShardingCodec::to_json() const {
  return {{"name", "sharding_indexed"},
          {"configuration",
           {{"chunk_shape", subchunk_shape_},
            {"codecs", codecs_},
            {"index_codecs", index_codecs_},
            {"index_location", index_location_ == ShardIndexLocation::kEnd ? "end" : "start"}}}};
}

std::shared_ptr<const ArrayToBytesCodec> ShardingCodec::resolve(const ChunkSpec& decoded) const {
  return std::make_shared<ShardingCodec>(std::make_shared<const ShardLayout>(
      ShardLayout::create(decoded, subchunk_shape_, codecs_, index_codecs_, index_location_)));
}

std::optional<uint64_t> ShardingCodec::encoded_size(const ChunkSpec& /*decoded*/) const {
  return std::nullopt;
}

uint64_t ShardingCodec::max_encoded_size(const ChunkSpec& decoded) const {
  const ShardLayout& layout = resolved_layout(decoded);
  const uint64_t per_subchunk = layout.inner_chain().max_encoded_size();
  const uint64_t count = layout.num_subchunks();
  if (count != 0 && per_subchunk > (kNoBound - layout.index_encoded_size()) / count) {
    return kNoBound;
  }
  return count * per_subchunk + layout.index_encoded_size();
}

const ShardLayout& ShardingCodec::resolved_layout(const ChunkSpec& decoded) const {
  if (!layout_) throw_invalid_argument("sharding_indexed: codec used before resolve()");
  if (decoded.shape != layout_->shard_shape()) {
    throw_invalid_argument("sharding_indexed: resolved for shard shape " +
                           coords_string(layout_->shard_shape()) + ", used with " +
                           coords_string(decoded.shape));
  }
  return *layout_;
}

void ShardingCodec::encode(const ChunkSpec& decoded, ByteView array, Bytes& out) const {
  const ShardLayout& layout = resolved_layout(decoded);
  const CodecChain& inner = layout.inner_chain();
  const ChunkSpec& subchunk_spec = inner.decoded_spec();
  const size_t element_size = decoded.dtype.size();
  if (array.size() != decoded.num_bytes()) {
    throw_invalid_argument("sharding_indexed: array has " + std::to_string(array.size()) +
                           " bytes, expected " + std::to_string(decoded.num_bytes()));
  }
  const bool contiguous = kernels::box_is_contiguous(layout.shard_shape(), layout.subchunk_shape());
  const bool index_first = layout.index_location() == ShardIndexLocation::kStart;

  Bytes shard;
  shard.resize(index_first ? layout.index_encoded_size() : 0);
  ShardIndex index(layout.num_subchunks());
  Bytes gathered(contiguous ? 0 : subchunk_spec.num_bytes());
  Bytes encoded;
  for (const uint64_t i : layout.write_order()) {
    const std::vector<uint64_t> origin = subchunk_origin(layout, i);
    ByteView subchunk;
    if (contiguous) {
      subchunk =
          array.subspan(box_offset(decoded.shape, origin, element_size), subchunk_spec.num_bytes());
    } else {
      const std::vector<uint64_t> zero(origin.size(), 0);
      kernels::copy_box({array, decoded.shape, origin}, {gathered, layout.subchunk_shape(), zero},
                        layout.subchunk_shape(), element_size);
      subchunk = gathered;
    }
    // zarr-python (write_empty_chunks=False) stores no subchunk that is all fill value.
    if (kernels::all_equal_fill(subchunk, decoded.dtype, decoded.fill_value.bytes())) continue;
    inner.encode(subchunk, encoded);
    if (encoded.empty()) continue;
    index.set(i, {shard.size(), encoded.size()});
    shard.insert(shard.end(), encoded.begin(), encoded.end());
  }
  const Bytes index_bytes = layout.encode_index(index);
  if (index_first) {
    std::copy(index_bytes.begin(), index_bytes.end(), shard.begin());
  } else {
    shard.insert(shard.end(), index_bytes.begin(), index_bytes.end());
  }
  out.swap(shard);
}

void ShardingCodec::decode(const ChunkSpec& decoded, ByteView encoded,
                           MutableByteView array_out) const {
  const ShardLayout& layout = resolved_layout(decoded);
  const CodecChain& inner = layout.inner_chain();
  const size_t element_size = decoded.dtype.size();
  const uint64_t subchunk_bytes = inner.decoded_spec().num_bytes();
  if (array_out.size() != decoded.num_bytes()) {
    throw_invalid_argument("sharding_indexed: output has " + std::to_string(array_out.size()) +
                           " bytes, expected " + std::to_string(decoded.num_bytes()));
  }
  const ShardIndex index = layout.decode_index(layout.index_bytes(encoded), encoded.size());
  const bool contiguous = kernels::box_is_contiguous(layout.shard_shape(), layout.subchunk_shape());
  Bytes scratch(contiguous ? 0 : subchunk_bytes);
  const std::vector<uint64_t> zero(decoded.shape.size(), 0);
  for (uint64_t i = 0; i < index.size(); ++i) {
    const std::vector<uint64_t> origin = subchunk_origin(layout, i);
    const ShardIndexEntry& entry = index[i];
    if (entry.missing()) {
      kernels::fill_box({array_out, decoded.shape, origin}, layout.subchunk_shape(),
                        decoded.fill_value.bytes());
      continue;
    }
    const ByteView data = encoded.subspan(entry.offset, entry.nbytes);
    try {
      if (contiguous) {
        inner.decode(data, array_out.subspan(box_offset(decoded.shape, origin, element_size),
                                             subchunk_bytes));
      } else {
        inner.decode(data, scratch);
        kernels::copy_box({scratch, layout.subchunk_shape(), zero},
                          {array_out, decoded.shape, origin}, layout.subchunk_shape(),
                          element_size);
      }
    } catch (const Error& e) {
      throw e.with_context("sharding_indexed: subchunk " +
                           coords_string(layout.subchunk_coords(i)));
    }
  }
}

}  // namespace zarrphase::codecs

namespace zarrphase {

const ShardLayout* shard_layout(const CodecChain& chain) {
  const auto* sharding = dynamic_cast<const codecs::ShardingCodec*>(&chain.array_to_bytes());
  return sharding != nullptr ? sharding->layout() : nullptr;
}

}  // namespace zarrphase
