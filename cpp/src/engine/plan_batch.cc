#include "engine/plan_batch.h"

#include <algorithm>
#include <unordered_map>

#include "engine/selection_copy.h"
#include "zarrphase/error.h"
#include "zarrphase/store.h"

namespace zarrphase::engine {

BatchKeys validate_batch(const std::vector<ChunkSelection>& batch, const CodecChain& chain,
                         const StridedArray& caller, const std::string& array_name,
                         bool unique_keys) {
  if (caller.byte_strides.size() != caller.shape.size()) {
    throw_invalid_argument(array_name + ": caller array has " +
                           std::to_string(caller.shape.size()) + " dimensions but " +
                           std::to_string(caller.byte_strides.size()) + " strides");
  }
  const std::vector<uint64_t>& chunk_shape = chain.decoded_spec().shape;
  BatchKeys keys;
  keys.key_of_chunk.reserve(batch.size());
  std::unordered_map<std::string, size_t> numbers;
  for (const ChunkSelection& selection : batch) {
    try {
      validate_key(selection.key);
      validate_selection(selection, chunk_shape, caller.shape);
    } catch (const Error& e) {
      throw e.with_context(chunk_context(array_name, selection.key));
    }
    const auto [it, inserted] = numbers.emplace(selection.key, keys.keys.size());
    if (inserted) {
      keys.keys.push_back(selection.key);
    } else if (unique_keys) {
      throw_invalid_argument(chunk_context(array_name, selection.key) +
                             ": the key appears twice in one write batch");
    }
    keys.key_of_chunk.push_back(it->second);
  }
  return keys;
}

std::string chunk_context(const std::string& array_name, const std::string& key) {
  return array_name + ": key '" + key + "'";
}

uint64_t selected_elements(const ChunkSelection& selection) {
  if (selection.pointwise) return selection.chunk.empty() ? 0 : selection.chunk[0].size();
  uint64_t count = 1;
  for (const DimSelection& dim : selection.chunk) {
    if (__builtin_mul_overflow(count, dim.size(), &count)) return UINT64_MAX;
  }
  return count;
}

bool is_broadcast_scalar(const StridedArray& value) {
  return std::all_of(value.byte_strides.begin(), value.byte_strides.end(),
                     [](int64_t stride) { return stride == 0; });
}

}  // namespace zarrphase::engine
