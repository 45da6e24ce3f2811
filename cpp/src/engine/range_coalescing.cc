#include "engine/range_coalescing.h"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <utility>

#include "zarrphase/error.h"

namespace zarrphase::engine {

size_t RoundReads::add(size_t key, ByteRange range) {
  if (range.kind == ByteRange::Kind::kFromOffset) {
    throw_invalid_argument("RoundReads: open-ended ranges are not planned");
  }
  fetches_.push_back({key, range, kNoRequest});
  return fetches_.size() - 1;
}

std::vector<ReadRequest> RoundReads::build(std::span<const std::string> keys, uint64_t max_gap,
                                           uint64_t max_bytes) {
  std::vector<size_t> order(fetches_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  const auto sort_key = [&](size_t i) {
    const Fetch& f = fetches_[i];
    return std::make_tuple(f.key, f.range.kind, f.range.offset, f.range.length);
  };
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return sort_key(a) < sort_key(b); });

  std::vector<ReadRequest> requests;
  requests_.clear();
  size_t open = kNoRequest;  // the request the next fetch may join
  size_t open_key = 0;
  for (const size_t i : order) {
    Fetch& f = fetches_[i];
    const ByteRange& r = f.range;
    if (r.kind == ByteRange::Kind::kRange && r.length == 0) continue;  // nothing to read
    if (open != kNoRequest && open_key == f.key) {
      ByteRange& merged = requests_[open];
      if (r.kind != ByteRange::Kind::kRange) {
        if (merged == r) {  // the same whole value or suffix again
          f.request = open;
          continue;
        }
      } else if (merged.kind == ByteRange::Kind::kRange) {
        const uint64_t end = merged.offset + merged.length;
        const uint64_t fetch_end = r.offset + r.length;
        const uint64_t new_end = std::max(end, fetch_end);
        const bool near = r.offset <= end || r.offset - end <= max_gap;
        if (near && (new_end == end || new_end - merged.offset <= max_bytes)) {
          merged.length = new_end - merged.offset;
          requests.back().range = merged;
          f.request = open;
          continue;
        }
      }
    }
    requests_.push_back(r);
    requests.push_back({keys[f.key], r});
    open = requests_.size() - 1;
    open_key = f.key;
    f.request = open;
  }
  // Fetches by request (a counting sort), for callers that handle one request's bytes at a time.
  request_start_.assign(requests_.size() + 1, 0);
  for (const Fetch& f : fetches_) {
    if (f.request != kNoRequest) ++request_start_[f.request + 1];
  }
  for (size_t r = 0; r < requests_.size(); ++r) request_start_[r + 1] += request_start_[r];
  by_request_.resize(request_start_.back());
  std::vector<size_t> next(request_start_.begin(), request_start_.end() - 1);
  for (size_t i = 0; i < fetches_.size(); ++i) {
    if (fetches_[i].request != kNoRequest) by_request_[next[fetches_[i].request]++] = i;
  }
  return requests;
}

std::span<const size_t> RoundReads::fetches_of(size_t request) const {
  return std::span<const size_t>(by_request_)
      .subspan(request_start_[request], request_start_[request + 1] - request_start_[request]);
}

RoundReads::Result RoundReads::result(size_t fetch,
                                      const std::vector<std::optional<Bytes>>& answers) const {
  const size_t request = fetches_[fetch].request;
  if (request == kNoRequest) return {};  // a zero-length range
  const std::optional<Bytes>& answer = answers[request];
  if (!answer) return result_in(fetch, std::nullopt);
  return result_in(fetch, ByteView(*answer));
}

RoundReads::Result RoundReads::result(
    size_t fetch, const std::vector<std::optional<SharedBytes>>& answers) const {
  const size_t request = fetches_[fetch].request;
  if (request == kNoRequest) return {};  // a zero-length range
  const std::optional<SharedBytes>& answer = answers[request];
  if (!answer) return result_in(fetch, std::nullopt);
  return result_in(fetch, answer->bytes);
}

RoundReads::Result RoundReads::result_in(size_t fetch, std::optional<ByteView> answer) const {
  const Fetch& f = fetches_[fetch];
  if (f.request == kNoRequest) return {};  // a zero-length range
  if (!answer) return {true, {}, std::nullopt};
  const ByteView bytes = *answer;
  const ByteRange& request = requests_[f.request];
  switch (f.range.kind) {
    case ByteRange::Kind::kAll:
      return {false, bytes, bytes.size()};
    case ByteRange::Kind::kSuffix:
      if (bytes.size() < f.range.length) return {false, bytes, bytes.size()};
      return {false, bytes.last(f.range.length), std::nullopt};
    case ByteRange::Kind::kRange:
    case ByteRange::Kind::kFromOffset:
      break;
  }
  // The fetch lies at f.range.offset - request.offset in the request's bytes.
  const uint64_t relative = f.range.offset - request.offset;
  std::optional<uint64_t> value_size;
  if (bytes.size() < request.length) value_size = request.offset + bytes.size();
  if (relative >= bytes.size()) return {false, {}, value_size};
  const uint64_t available = std::min<uint64_t>(f.range.length, bytes.size() - relative);
  return {false, bytes.subspan(relative, available), value_size};
}

std::vector<std::optional<SharedBytes>> adopt_answers(std::vector<std::optional<Bytes>> answers) {
  std::vector<std::optional<SharedBytes>> shared(answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    if (answers[i]) shared[i] = SharedBytes::adopt(std::move(*answers[i]));
  }
  return shared;
}

}  // namespace zarrphase::engine
