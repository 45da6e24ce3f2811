// One round of reads: the byte ranges a plan needs ("fetches"), merged into few requests, and
// each fetch's bytes found again in the answers.
#ifndef ZARRPHASE_ENGINE_RANGE_COALESCING_H_
#define ZARRPHASE_ENGINE_RANGE_COALESCING_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/engine.h"
#include "zarrphase/store.h"

namespace zarrphase::engine {

class RoundReads {
 public:
  // Adds a fetch of `range` (kAll, kSuffix or kRange) of key number `key`; returns its number.
  size_t add(size_t key, ByteRange range);
  size_t size() const { return fetches_.size(); }
  bool empty() const { return fetches_.empty(); }

  // The requests that cover every fetch: ranges of one key merge when the gap between them is
  // at most max_gap bytes and the merged request stays within max_bytes (a single larger range
  // stays one request); identical whole-value and suffix reads are shared. `keys` names the key
  // numbers. Requests come sorted by key and offset.
  std::vector<ReadRequest> build(std::span<const std::string> keys, uint64_t max_gap,
                                 uint64_t max_bytes);

  struct Result {
    bool missing = false;  // the key does not exist
    // The fetch's bytes; shorter than asked when the stored value ends first.
    ByteView bytes;
    // The stored value's size, when the answer reveals it (a whole read, or one cut short).
    std::optional<uint64_t> value_size;
  };
  // The bytes of fetch `fetch` within `answers` (the answers to build()'s requests).
  Result result(size_t fetch, const std::vector<std::optional<Bytes>>& answers) const;
  Result result(size_t fetch, const std::vector<std::optional<SharedBytes>>& answers) const;
  // The fetch's bytes within `answer`, the answer to its own request (nullopt: missing key).
  Result result_in(size_t fetch, std::optional<ByteView> answer) const;
  // The fetches build()'s request `request` covers, in the order they were added.
  std::span<const size_t> fetches_of(size_t request) const;

 private:
  static constexpr size_t kNoRequest = SIZE_MAX;
  struct Fetch {
    size_t key = 0;
    ByteRange range;
    size_t request = kNoRequest;
  };
  std::vector<Fetch> fetches_;
  std::vector<ByteRange> requests_;
  // fetches_of(r) is by_request_[request_start_[r], request_start_[r + 1]).
  std::vector<size_t> request_start_;
  std::vector<size_t> by_request_;
};

// Answers that own their bytes, as answers that lend them (no byte is copied).
std::vector<std::optional<SharedBytes>> adopt_answers(std::vector<std::optional<Bytes>> answers);

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_RANGE_COALESCING_H_
