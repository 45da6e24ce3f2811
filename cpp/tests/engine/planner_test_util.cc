#include "engine/planner_test_util.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

#include "zarrphase/fill_value.h"

namespace zarrphase::testing {
namespace {

// One chunk's part of one array dimension's selection.
struct DimPiece {
  uint64_t chunk = 0;
  DimSelection in_chunk;
  DimSelection places;  // in the caller's dimension (unused when dropped)
};

std::vector<DimPiece> SplitDim(const DimSelection& sel, uint64_t chunk_extent) {
  std::vector<DimPiece> pieces;
  if (sel.kind == DimSelection::Kind::kRange) {
    uint64_t k = 0;
    while (k < sel.count) {
      const uint64_t position = sel.start + k * sel.step;
      const uint64_t chunk = position / chunk_extent;
      const uint64_t last =
          std::min(sel.count - 1, ((chunk + 1) * chunk_extent - 1 - sel.start) / sel.step);
      DimPiece piece{chunk,
                     DimSelection::range(position - chunk * chunk_extent, last - k + 1, sel.step),
                     DimSelection::range(k, last - k + 1)};
      piece.in_chunk.drop = sel.drop;
      pieces.push_back(std::move(piece));
      k = last + 1;
    }
    return pieces;
  }
  std::map<uint64_t, DimPiece> by_chunk;
  for (uint64_t k = 0; k < sel.indices.size(); ++k) {
    const uint64_t chunk = sel.indices[k] / chunk_extent;
    auto [it, inserted] = by_chunk.try_emplace(chunk);
    if (inserted) {
      it->second.chunk = chunk;
      it->second.in_chunk = DimSelection::list({});
      it->second.places = DimSelection::list({});
    }
    it->second.in_chunk.indices.push_back(sel.indices[k] - chunk * chunk_extent);
    it->second.places.indices.push_back(k);
  }
  for (auto& [chunk, piece] : by_chunk) pieces.push_back(std::move(piece));
  return pieces;
}

std::vector<uint64_t> CStrides(std::span<const uint64_t> shape) {
  std::vector<uint64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) strides[d - 1] = strides[d] * shape[d];
  return strides;
}

}  // namespace

std::string ChunkKey(std::span<const uint64_t> coords) {
  std::string key = "c";
  for (const uint64_t c : coords) key += "/" + std::to_string(c);
  return key;
}

std::vector<ChunkSelection> OrthogonalBatch(std::span<const uint64_t> shape,
                                            std::span<const uint64_t> chunk_shape,
                                            const std::vector<DimSelection>& selection) {
  const size_t rank = shape.size();
  std::vector<std::vector<DimPiece>> pieces(rank);
  for (size_t d = 0; d < rank; ++d) {
    pieces[d] = SplitDim(selection[d], chunk_shape[d]);
    if (pieces[d].empty()) return {};
  }
  std::vector<ChunkSelection> batch;
  std::vector<size_t> pick(rank, 0);
  while (true) {
    ChunkSelection& chunk = batch.emplace_back();
    for (size_t d = 0; d < rank; ++d) {
      const DimPiece& piece = pieces[d][pick[d]];
      chunk.chunk_coords.push_back(piece.chunk);
      chunk.chunk.push_back(piece.in_chunk);
      if (!selection[d].drop) chunk.out.push_back(piece.places);
    }
    chunk.key = ChunkKey(chunk.chunk_coords);
    size_t d = rank;
    while (d > 0 && ++pick[d - 1] == pieces[d - 1].size()) pick[--d] = 0;
    if (d == 0) break;
  }
  return batch;
}

std::vector<ChunkSelection> BoxBatch(std::span<const uint64_t> shape,
                                     std::span<const uint64_t> chunk_shape,
                                     std::vector<uint64_t> start, std::vector<uint64_t> stop,
                                     std::vector<uint64_t> step) {
  std::vector<DimSelection> selection;
  for (size_t d = 0; d < shape.size(); ++d) {
    const uint64_t s = step.empty() ? 1 : step[d];
    const uint64_t count = stop[d] > start[d] ? (stop[d] - start[d] + s - 1) / s : 0;
    selection.push_back(DimSelection::range(start[d], count, s));
  }
  return OrthogonalBatch(shape, chunk_shape, selection);
}

std::vector<ChunkSelection> PointsBatch(std::span<const uint64_t> shape,
                                        std::span<const uint64_t> chunk_shape,
                                        const std::vector<std::vector<uint64_t>>& points) {
  const size_t rank = shape.size();
  std::map<std::vector<uint64_t>, ChunkSelection> by_chunk;
  for (uint64_t i = 0; i < points.size(); ++i) {
    std::vector<uint64_t> coords(rank);
    for (size_t d = 0; d < rank; ++d) coords[d] = points[i][d] / chunk_shape[d];
    auto [it, inserted] = by_chunk.try_emplace(coords);
    ChunkSelection& chunk = it->second;
    if (inserted) {
      chunk.key = ChunkKey(coords);
      chunk.chunk_coords = coords;
      chunk.pointwise = true;
      chunk.chunk.assign(rank, DimSelection::list({}));
      chunk.out = {DimSelection::list({})};
    }
    for (size_t d = 0; d < rank; ++d) {
      chunk.chunk[d].indices.push_back(points[i][d] - coords[d] * chunk_shape[d]);
    }
    chunk.out[0].indices.push_back(i);
  }
  std::vector<ChunkSelection> batch;
  for (auto& [coords, chunk] : by_chunk) batch.push_back(std::move(chunk));
  return batch;
}

std::vector<uint64_t> CallerShape(const std::vector<DimSelection>& selection) {
  std::vector<uint64_t> shape;
  for (const DimSelection& d : selection) {
    if (!d.drop) shape.push_back(d.size());
  }
  return shape;
}

std::vector<uint64_t> SelectedPositions(std::span<const uint64_t> shape,
                                        const std::vector<DimSelection>& selection) {
  const std::vector<uint64_t> strides = CStrides(shape);
  std::vector<uint64_t> positions = {0};
  for (size_t d = 0; d < shape.size(); ++d) {
    std::vector<uint64_t> next;
    for (const uint64_t base : positions) {
      for (uint64_t k = 0; k < selection[d].size(); ++k) {
        next.push_back(base + selection[d].at(k) * strides[d]);
      }
    }
    positions = std::move(next);
  }
  return positions;
}

std::vector<uint64_t> PointPositions(std::span<const uint64_t> shape,
                                     const std::vector<std::vector<uint64_t>>& points) {
  const std::vector<uint64_t> strides = CStrides(shape);
  std::vector<uint64_t> positions;
  for (const std::vector<uint64_t>& point : points) {
    uint64_t flat = 0;
    for (size_t d = 0; d < shape.size(); ++d) flat += point[d] * strides[d];
    positions.push_back(flat);
  }
  return positions;
}

ModelArray::ModelArray(std::vector<uint64_t> shape, size_t element_size, ByteView fill)
    : shape_(std::move(shape)), element_size_(element_size), fill_(to_bytes(fill)) {
  uint64_t count = 1;
  for (const uint64_t e : shape_) count *= e;
  data_.resize(count * element_size_);
  for (uint64_t i = 0; i < count; ++i) set(i, fill_);
}

ByteView ModelArray::at(uint64_t position) const {
  return ByteView(data_).subspan(position * element_size_, element_size_);
}

void ModelArray::set(uint64_t position, ByteView element) {
  std::memcpy(data_.data() + position * element_size_, element.data(), element_size_);
}

bool ModelArray::chunk_is_fill(std::span<const uint64_t> chunk_shape,
                               std::span<const uint64_t> coords) const {
  std::vector<DimSelection> box;
  for (size_t d = 0; d < shape_.size(); ++d) {
    const uint64_t start = coords[d] * chunk_shape[d];
    const uint64_t stop = std::min(shape_[d], start + chunk_shape[d]);
    box.push_back(DimSelection::range(start, stop > start ? stop - start : 0));
  }
  for (const uint64_t p : SelectedPositions(shape_, box)) {
    if (std::memcmp(at(p).data(), fill_.data(), element_size_) != 0) return false;
  }
  return true;
}

CallerArray::CallerArray(std::vector<uint64_t> shape, size_t element_size, Layout layout)
    : shape_(std::move(shape)), element_size_(element_size) {
  const size_t rank = shape_.size();
  for (const uint64_t e : shape_) count_ *= e;
  std::vector<int64_t> strides(rank, 0);
  uint64_t bytes = element_size_;
  switch (layout) {
    case Layout::kBroadcast:
      break;
    case Layout::kContiguous:
    case Layout::kReversed:
      for (size_t d = rank; d-- > 0;) {
        strides[d] = static_cast<int64_t>(bytes);
        bytes *= std::max<uint64_t>(shape_[d], 1);
      }
      break;
    case Layout::kPadded: {
      uint64_t stride = 2 * element_size_;  // every other element, and a gap after each row
      for (size_t d = rank; d-- > 0;) {
        strides[d] = static_cast<int64_t>(stride);
        stride = stride * std::max<uint64_t>(shape_[d], 1) + element_size_;
      }
      bytes = stride;
      break;
    }
  }
  memory_.assign(bytes, std::byte{0xA5});
  if (layout == Layout::kReversed && rank > 0 && shape_[0] > 0) {
    origin_ = strides[0] * static_cast<int64_t>(shape_[0] - 1);
    strides[0] = -strides[0];
  }
  array_ = {memory_.data() + origin_, shape_, strides};
}

MutableByteView CallerArray::element(uint64_t i) {
  int64_t offset = 0;
  for (size_t d = shape_.size(); d-- > 0;) {
    offset += static_cast<int64_t>(i % shape_[d]) * array_.byte_strides[d];
    i /= shape_[d];
  }
  return MutableByteView(array_.data + offset, element_size_);
}

ByteView CallerArray::element(uint64_t i) const {
  return const_cast<CallerArray*>(this)->element(i);
}

Bytes Element(DataType dtype, int k) {
  Bytes out(dtype.size());
  const auto put = [&](const void* p, size_t n, size_t at) { std::memcpy(out.data() + at, p, n); };
  switch (dtype.kind()) {
    case DataTypeKind::kBool:
      out[0] = std::byte(k % 2);
      break;
    case DataTypeKind::kInt:
    case DataTypeKind::kUInt: {
      const auto value = static_cast<uint64_t>(static_cast<int64_t>(k));
      put(&value, dtype.size(), 0);  // little-endian host: the low bytes
      break;
    }
    case DataTypeKind::kFloat:
    case DataTypeKind::kComplex: {
      const size_t part = dtype.kind() == DataTypeKind::kComplex ? dtype.size() / 2 : dtype.size();
      for (size_t at = 0; at < dtype.size(); at += part) {
        const int v = at == 0 ? k : k % 3;
        if (part == 2) {
          // float16 of a small non-negative integer: exact bits.
          static constexpr uint16_t kHalf[] = {0x0000, 0x3C00, 0x4000, 0x4200,
                                               0x4400, 0x4500, 0x4600, 0x4700};
          const uint16_t bits = kHalf[v & 7];
          put(&bits, 2, at);
        } else if (part == 4) {
          const auto f = static_cast<float>(v);
          put(&f, 4, at);
        } else {
          const auto f = static_cast<double>(v);
          put(&f, 8, at);
        }
      }
      break;
    }
    case DataTypeKind::kRawBits:
      for (std::byte& b : out) b = std::byte(k & 0xFF);
      break;
  }
  return out;
}

nlohmann::json BytesJson() {
  return {{"name", "bytes"}, {"configuration", {{"endian", "little"}}}};
}

nlohmann::json ShardingJson(std::vector<uint64_t> subchunk_shape, nlohmann::json inner,
                            const char* index_location) {
  return {{"name", "sharding_indexed"},
          {"configuration",
           {{"chunk_shape", subchunk_shape},
            {"codecs", std::move(inner)},
            {"index_codecs", nlohmann::json::array({BytesJson(), {{"name", "crc32c"}}})},
            {"index_location", index_location}}}};
}

std::shared_ptr<const CodecChain> MakeChain(const nlohmann::json& codecs, DataType dtype,
                                            std::vector<uint64_t> chunk_shape, ByteView fill) {
  const ChunkSpec spec{dtype, std::move(chunk_shape), FillValue::from_bytes(dtype, fill)};
  return std::make_shared<const CodecChain>(CodecChain::from_json(codecs, spec));
}

std::optional<Bytes> CountingStore::get(std::string_view key, ByteRange range) {
  ++read_calls_;
  ++ranges_read_;
  std::optional<Bytes> value = inner_->get(key, range);
  if (value) bytes_read_ += value->size();
  return value;
}

std::optional<std::vector<Bytes>> CountingStore::get_ranges(std::string_view key,
                                                            std::span<const ByteRange> ranges) {
  ++read_calls_;
  ranges_read_ += ranges.size();
  std::optional<std::vector<Bytes>> values = inner_->get_ranges(key, ranges);
  if (values) {
    for (const Bytes& v : *values) bytes_read_ += v.size();
  }
  return values;
}

void CountingStore::set(std::string_view key, ByteView value) {
  ++sets_;
  inner_->set(key, value);
}

void CountingStore::set_range(std::string_view key, uint64_t offset, ByteView value) {
  ++set_ranges_;
  inner_->set_range(key, offset, value);
}

void CountingStore::erase(std::string_view key) {
  ++erases_;
  inner_->erase(key);
}

void CountingStore::reset() {
  read_calls_ = 0;
  ranges_read_ = 0;
  bytes_read_ = 0;
  sets_ = 0;
  set_ranges_ = 0;
  erases_ = 0;
}

}  // namespace zarrphase::testing
