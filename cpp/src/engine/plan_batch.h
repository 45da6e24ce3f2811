// What read and write plans share about their batch: up-front validation (so a bad selection
// never reads or writes a byte) and the numbering of its keys.
#ifndef ZARRPHASE_ENGINE_PLAN_BATCH_H_
#define ZARRPHASE_ENGINE_PLAN_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zarrphase/codec.h"
#include "zarrphase/selection.h"

namespace zarrphase::engine {

struct BatchKeys {
  std::vector<std::string> keys;     // distinct keys, in order of first appearance
  std::vector<size_t> key_of_chunk;  // per chunk of the batch: its number in `keys`
};

// Checks every chunk's key and selection against the chain's chunk shape and the caller's
// array; throws kInvalidArgument naming the array and the key. With `unique_keys` (writes), a
// key may appear only once.
BatchKeys validate_batch(const std::vector<ChunkSelection>& batch, const CodecChain& chain,
                         const StridedArray& caller, const std::string& array_name,
                         bool unique_keys);

// "array 'a': key 'c/0/1'": the context errors about one chunk carry.
std::string chunk_context(const std::string& array_name, const std::string& key);

// Elements `selection` selects (0 when some dimension selects none).
uint64_t selected_elements(const ChunkSelection& selection);

// True when every stride of `value` is 0: one element broadcast everywhere (a scalar write).
bool is_broadcast_scalar(const StridedArray& value);

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_PLAN_BATCH_H_
