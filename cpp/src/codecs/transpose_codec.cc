#include "codecs/transpose_codec.h"

#include <string>

#include "codecs/codec_factories.h"
#include "kernels/transpose.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

// Checks that `order` permutes 0..rank-1; the message shows the order as written.
void check_permutation(const std::vector<size_t>& order, size_t rank, const Json& as_written) {
  if (order.size() != rank) {
    throw_invalid_metadata("transpose: \"order\" " + as_written.dump() + " has " +
                           std::to_string(order.size()) + " entries, the chunk has " +
                           std::to_string(rank) + " dimensions");
  }
  std::vector<bool> seen(rank, false);
  for (const size_t axis : order) {
    if (axis >= rank || seen[axis]) {
      throw_invalid_metadata("transpose: \"order\" " + as_written.dump() +
                             " is not a permutation of 0.." + std::to_string(rank - 1));
    }
    seen[axis] = true;
  }
}

}  // namespace

std::shared_ptr<const Codec> make_transpose_codec(const Json& configuration) {
  for (const auto& [field, value] : configuration.items()) {
    if (field != "order") {
      throw_invalid_metadata("transpose: unexpected configuration field \"" + field + "\"");
    }
  }
  if (!configuration.contains("order")) {
    throw_invalid_metadata("transpose: configuration needs \"order\"");
  }
  const Json& order_json = configuration["order"];
  if (!order_json.is_array()) {
    throw_invalid_metadata("transpose: \"order\" must be an array of dimension indices, got " +
                           order_json.dump());
  }
  std::vector<size_t> order;
  for (const Json& axis : order_json) {
    if (!axis.is_number_integer() || axis.get<int64_t>() < 0) {
      throw_invalid_metadata("transpose: \"order\" entries must be non-negative integers, got " +
                             order_json.dump());
    }
    order.push_back(axis.get<size_t>());
  }
  // Validate what can be validated without the chunk's rank: a permutation of its own length.
  check_permutation(order, order.size(), order_json);
  return std::make_shared<TransposeCodec>(std::move(order));
}

TransposeCodec::TransposeCodec(std::vector<size_t> order)
    : order_(std::move(order)), inverse_(order_.size()) {
  for (size_t i = 0; i < order_.size(); ++i) {
    if (order_[i] < inverse_.size()) inverse_[order_[i]] = i;
  }
}

nlohmann::json TransposeCodec::to_json() const {
  return {{"name", "transpose"}, {"configuration", {{"order", order_}}}};
}

std::shared_ptr<const ArrayToArrayCodec> TransposeCodec::resolve(const ChunkSpec& decoded) const {
  check_permutation(order_, decoded.shape.size(), Json(order_));
  return std::make_shared<TransposeCodec>(order_);
}

ChunkSpec TransposeCodec::encoded_spec(const ChunkSpec& decoded) const {
  check_permutation(order_, decoded.shape.size(), Json(order_));
  ChunkSpec encoded = decoded;
  for (size_t i = 0; i < order_.size(); ++i) encoded.shape[i] = decoded.shape[order_[i]];
  return encoded;
}

void TransposeCodec::encode(const ChunkSpec& decoded, ByteView in, MutableByteView out) const {
  kernels::transpose(in, decoded.shape, order_, decoded.dtype.size(), out);
}

void TransposeCodec::decode(const ChunkSpec& decoded, ByteView in, MutableByteView out) const {
  // `in` has the encoded shape; the inverse permutation restores the decoded one.
  std::vector<uint64_t> encoded_shape(order_.size());
  for (size_t i = 0; i < order_.size(); ++i) encoded_shape[i] = decoded.shape[order_[i]];
  kernels::transpose(in, encoded_shape, inverse_, decoded.dtype.size(), out);
}

}  // namespace zarrphase::codecs
