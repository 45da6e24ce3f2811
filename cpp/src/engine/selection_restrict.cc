// restrict_to_box: the part of a chunk's selection that falls inside one box of it (a shard's
// subchunk), re-expressed relative to the box, with the caller-side places that go with it.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "engine/selection_copy.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {
namespace {

using Kind = DimSelection::Kind;

// Which entries (positions 0..size-1 of a DimSelection) survive: an interval [begin, end) when
// they are consecutive, the common case of ranges and sorted lists, else an explicit list.
struct Kept {
  uint64_t begin = 0;
  uint64_t end = 0;
  std::vector<uint64_t> entries;
  bool listed = false;

  uint64_t size() const { return listed ? entries.size() : end - begin; }
};

bool inside(uint64_t position, uint64_t origin, uint64_t extent) {
  return position >= origin && position - origin < extent;
}

// Consecutive entries collapse to an interval, so the caller side can stay a range.
Kept from_entries(std::vector<uint64_t> entries) {
  Kept kept;
  if (!entries.empty() && entries.back() - entries.front() + 1 == entries.size()) {
    kept.begin = entries.front();
    kept.end = entries.back() + 1;
  } else {
    kept.entries = std::move(entries);
    kept.listed = true;
  }
  return kept;
}

Kept kept_by_range(const DimSelection& sel, uint64_t origin, uint64_t extent) {
  Kept kept;
  if (extent == 0 || sel.count == 0) return kept;
  // Last position of the box, saturating: boxes near 2^64 must not wrap.
  uint64_t last = 0;
  if (__builtin_add_overflow(origin, extent - 1, &last)) last = UINT64_MAX;
  if (sel.start > last) return kept;
  const uint64_t first_entry = sel.start >= origin ? 0 : (origin - sel.start - 1) / sel.step + 1;
  const uint64_t end_entry = std::min<uint64_t>(sel.count, (last - sel.start) / sel.step + 1);
  if (first_entry < end_entry) {
    kept.begin = first_entry;
    kept.end = end_entry;
  }
  return kept;
}

Kept kept_by_box(const DimSelection& sel, uint64_t origin, uint64_t extent) {
  if (sel.kind == Kind::kRange) return kept_by_range(sel, origin, extent);
  std::vector<uint64_t> entries;
  for (uint64_t i = 0; i < sel.indices.size(); ++i) {
    if (inside(sel.indices[i], origin, extent)) entries.push_back(i);
  }
  return from_entries(std::move(entries));
}

// The kept entries of `sel`, positions shifted down by `origin` (0 for the caller side).
DimSelection subset(const DimSelection& sel, const Kept& kept, uint64_t origin) {
  DimSelection out;
  out.drop = sel.drop;
  if (!kept.listed && sel.kind == Kind::kRange) {
    out.start = sel.start + kept.begin * sel.step - origin;
    out.step = sel.step;
    out.count = kept.end - kept.begin;
    return out;
  }
  out.kind = Kind::kIndices;
  out.indices.reserve(kept.size());
  if (kept.listed) {
    for (const uint64_t i : kept.entries) out.indices.push_back(sel.at(i) - origin);
  } else {
    for (uint64_t i = kept.begin; i < kept.end; ++i) out.indices.push_back(sel.at(i) - origin);
  }
  return out;
}

[[noreturn]] void malformed(const std::string& what) {
  throw_invalid_argument("restrict_to_box: " + what);
}

void check_steps(const std::vector<DimSelection>& dims, const char* side) {
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d].kind == Kind::kRange && dims[d].step == 0) {
      malformed(std::string(side) + " dimension " + std::to_string(d) + " has step 0");
    }
    if (dims[d].drop && dims[d].size() != 1) {
      malformed(std::string(side) + " dimension " + std::to_string(d) + " is dropped but selects " +
                std::to_string(dims[d].size()) + " elements");
    }
  }
}

std::optional<ChunkSelection> restrict_pointwise(const ChunkSelection& selection,
                                                 std::span<const uint64_t> origin,
                                                 std::span<const uint64_t> extent,
                                                 ChunkSelection result) {
  const uint64_t n = selection.chunk.empty() ? 0 : selection.chunk[0].size();
  for (const DimSelection& sel : selection.chunk) {
    if (sel.size() != n) malformed("pointwise chunk dimensions differ in length");
  }
  for (const DimSelection& sel : selection.out) {
    if (!sel.drop && sel.size() != n) malformed("pointwise caller dimension length differs");
  }
  std::vector<uint64_t> entries;
  for (uint64_t i = 0; i < n; ++i) {
    bool in_box = true;
    for (size_t d = 0; d < origin.size() && in_box; ++d) {
      in_box = inside(selection.chunk[d].at(i), origin[d], extent[d]);
    }
    if (in_box) entries.push_back(i);
  }
  if (entries.empty()) return std::nullopt;
  const Kept kept = from_entries(std::move(entries));
  for (size_t d = 0; d < origin.size(); ++d) {
    result.chunk.push_back(subset(selection.chunk[d], kept, origin[d]));
  }
  for (const DimSelection& sel : selection.out) {
    result.out.push_back(sel.drop ? sel : subset(sel, kept, 0));
  }
  return result;
}

}  // namespace

std::optional<ChunkSelection> restrict_to_box(const ChunkSelection& selection,
                                              std::span<const uint64_t> origin,
                                              std::span<const uint64_t> extent) {
  if (origin.size() != selection.chunk.size() || extent.size() != selection.chunk.size()) {
    malformed("box of rank " + std::to_string(origin.size()) + "/" + std::to_string(extent.size()) +
              " for a selection of rank " + std::to_string(selection.chunk.size()));
  }
  check_steps(selection.chunk, "chunk");
  check_steps(selection.out, "caller");
  ChunkSelection result;
  result.key = selection.key;
  result.chunk_coords = selection.chunk_coords;
  result.pointwise = selection.pointwise;
  if (selection.pointwise) return restrict_pointwise(selection, origin, extent, std::move(result));

  std::vector<size_t> paired_out;  // the caller dimension each selected chunk dimension feeds
  for (size_t j = 0; j < selection.out.size(); ++j) {
    if (!selection.out[j].drop) paired_out.push_back(j);
  }
  result.out.resize(selection.out.size());
  for (size_t j = 0; j < selection.out.size(); ++j) {
    if (selection.out[j].drop) result.out[j] = selection.out[j];  // stays as it is
  }
  size_t next = 0;
  for (size_t d = 0; d < selection.chunk.size(); ++d) {
    const DimSelection& sel = selection.chunk[d];
    const Kept kept = kept_by_box(sel, origin[d], extent[d]);
    if (kept.size() == 0) return std::nullopt;
    result.chunk.push_back(subset(sel, kept, origin[d]));
    if (sel.drop) continue;
    if (next == paired_out.size() || selection.out[paired_out[next]].size() != sel.size()) {
      malformed("chunk dimension " + std::to_string(d) + " has no caller dimension of " +
                std::to_string(sel.size()) + " elements to pair with");
    }
    const size_t j = paired_out[next++];
    result.out[j] = subset(selection.out[j], kept, 0);
  }
  if (next != paired_out.size()) {
    malformed("caller dimension " + std::to_string(paired_out[next]) +
              " pairs with no chunk dimension");
  }
  return result;
}

}  // namespace zarrphase::engine
