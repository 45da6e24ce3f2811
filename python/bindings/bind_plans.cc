// Read and write plans for Python: zarr-python's batch in, the plan's IO rounds out.
//
// zarr-python hands its codec pipeline a list of (byte getter, chunk spec, chunk selection,
// output selection, is complete) tuples. `ChunkBatch` turns that list into the engine's
// ChunkSelections in one C++ pass: slices, integers (dropped dimensions), integer arrays
// (including np.ix_-shaped ones) and boolean arrays, with pointwise (vindex / mask) selections
// recognised by their bare (non-tuple) output selection. No per-chunk Python runs.
//
// A plan's compute runs with the GIL released: `complete_reads` lends the answers (any
// buffer-protocol objects, not copied) to the engine and runs the compute they unlock;
// `execute` runs a whole plan against a native store.
#include <Python.h>
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "zarrphase/codec.h"
#include "zarrphase/engine.h"
#include "zarrphase/error.h"
#include "zarrphase/metadata.h"
#include "zarrphase/selection.h"
#include "zarrphase/store.h"

namespace nb = nanobind;

namespace zarrphase::bindings {
namespace {

// ---------------------------------------------------------------------------------------------
// Python object helpers (raw CPython API: this is the per-chunk hot path).

// A new reference, released on scope exit.
struct Ref {
  PyObject* p = nullptr;
  explicit Ref(PyObject* o) : p(o) {}
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  ~Ref() { Py_XDECREF(p); }
};

[[noreturn]] void raise_python() { throw nb::python_error(); }

// numpy.ndarray, looked up once.
PyTypeObject* ndarray_type() {
  static PyTypeObject* type = [] {
    nb::object numpy = nb::module_::import_("numpy");
    nb::object t = numpy.attr("ndarray");
    return reinterpret_cast<PyTypeObject*>(t.release().ptr());
  }();
  return type;
}

bool is_ndarray(PyObject* o) { return PyObject_TypeCheck(o, ndarray_type()) != 0; }

std::string describe(PyObject* o) {
  Ref r(PyObject_Repr(o));
  if (r.p == nullptr) {
    PyErr_Clear();
    return "<unprintable>";
  }
  const char* text = PyUnicode_AsUTF8(r.p);
  if (text == nullptr) {
    PyErr_Clear();
    return "<unprintable>";
  }
  std::string s(text);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

// A buffer-protocol view, released with the GIL held (the owner destroys it before releasing
// the GIL or after re-acquiring it).
class BufferView {
 public:
  BufferView() = default;
  BufferView(const BufferView&) = delete;
  BufferView& operator=(const BufferView&) = delete;
  BufferView(BufferView&& other) noexcept : view_(other.view_), held_(other.held_) {
    other.held_ = false;
  }
  BufferView& operator=(BufferView&&) = delete;
  ~BufferView() {
    if (held_) PyBuffer_Release(&view_);
  }
  // False (with the Python error cleared) when `o` has no buffer of this shape.
  bool acquire(PyObject* o, int flags) {
    if (PyObject_GetBuffer(o, &view_, flags) != 0) return false;
    held_ = true;
    return true;
  }
  const Py_buffer& get() const { return view_; }

 private:
  Py_buffer view_{};
  bool held_ = false;
};

// The integer elements of an index array (any integer dtype, any strides), in C order; boolean
// arrays give the positions of their true elements.
struct IndexArray {
  std::vector<int64_t> values;
  std::vector<size_t> shape;
  bool boolean = false;
};

// An element of type T at `p`, which a strided view need not align.
template <typename T>
T load(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

// Reads one element of a buffer whose struct format is `format` (native byte order).
bool read_element(const char* p, char format, Py_ssize_t itemsize, int64_t* out) {
  if (format == '?') {
    *out = load<uint8_t>(p) != 0 ? 1 : 0;
    return true;
  }
  const bool is_signed = format == 'b' || format == 'h' || format == 'i' || format == 'l' ||
                         format == 'q' || format == 'n';
  const bool is_unsigned = format == 'B' || format == 'H' || format == 'I' || format == 'L' ||
                           format == 'Q' || format == 'N';
  if (is_signed) {
    switch (itemsize) {
      case 1:
        *out = load<int8_t>(p);
        return true;
      case 2:
        *out = load<int16_t>(p);
        return true;
      case 4:
        *out = load<int32_t>(p);
        return true;
      case 8:
        *out = load<int64_t>(p);
        return true;
      default:
        return false;
    }
  }
  if (!is_unsigned) return false;
  uint64_t v = 0;
  switch (itemsize) {
    case 1:
      v = load<uint8_t>(p);
      break;
    case 2:
      v = load<uint16_t>(p);
      break;
    case 4:
      v = load<uint32_t>(p);
      break;
    case 8:
      v = load<uint64_t>(p);
      break;
    default:
      return false;
  }
  // Beyond int64 is beyond any chunk; INT64_MIN stays negative after wrapping, so the range
  // check rejects it.
  *out = v > static_cast<uint64_t>(INT64_MAX) ? INT64_MIN : static_cast<int64_t>(v);
  return true;
}

IndexArray read_index_array(PyObject* o, const char* what) {
  BufferView buffer;
  if (!buffer.acquire(o, PyBUF_RECORDS_RO)) {
    PyErr_Clear();
    throw_invalid_argument(std::string(what) +
                           ": an index array must expose a buffer: " + describe(o));
  }
  const Py_buffer& view = buffer.get();
  const char* format = view.format != nullptr ? view.format : "B";
  if (*format == '@' || *format == '=' || (*format == '<' && PY_LITTLE_ENDIAN) ||
      (*format == '>' && !PY_LITTLE_ENDIAN)) {
    ++format;
  }
  if (format[0] == '\0' || format[1] != '\0') {
    throw_invalid_argument(std::string(what) +
                           ": an index array must hold integers or booleans"
                           " in native byte order, not format '" +
                           (view.format != nullptr ? view.format : "") + "'");
  }
  IndexArray result;
  result.boolean = format[0] == '?';
  const auto rank = static_cast<size_t>(view.ndim);
  size_t count = 1;
  for (size_t d = 0; d < rank; ++d) {
    const auto extent = static_cast<size_t>(view.shape[d]);
    result.shape.push_back(extent);
    count *= extent;
  }
  if (!result.boolean) result.values.reserve(count);
  std::vector<size_t> index(rank, 0);
  const char* base = static_cast<const char*>(view.buf);
  for (size_t n = 0; n < count; ++n) {
    const char* p = base;
    for (size_t d = 0; d < rank; ++d) p += static_cast<Py_ssize_t>(index[d]) * view.strides[d];
    int64_t v = 0;
    if (!read_element(p, format[0], view.itemsize, &v)) {
      throw_invalid_argument(std::string(what) +
                             ": an index array must hold integers or booleans,"
                             " not format '" +
                             view.format + "'");
    }
    if (result.boolean) {
      if (v != 0) result.values.push_back(static_cast<int64_t>(n));
    } else {
      result.values.push_back(v);
    }
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < result.shape[d]) break;
      index[d] = 0;
    }
  }
  return result;
}

// A list selection of a dimension of `extent` elements: negative indices count from the end.
DimSelection index_list(const std::vector<int64_t>& values, uint64_t extent, const char* what) {
  std::vector<uint64_t> indices;
  indices.reserve(values.size());
  for (const int64_t v : values) {
    const int64_t wrapped = v < 0 ? v + static_cast<int64_t>(extent) : v;
    if (wrapped < 0 || static_cast<uint64_t>(wrapped) >= extent) {
      throw_invalid_argument(std::string(what) + ": index " + std::to_string(v) +
                             " is out of bounds for extent " + std::to_string(extent));
    }
    indices.push_back(static_cast<uint64_t>(wrapped));
  }
  return DimSelection::list(std::move(indices));
}

// A caller dimension whose extent is not known yet (a write value that broadcasts) gets this
// one: slices then need explicit bounds, which zarr-python always gives.
constexpr uint64_t kUnknownExtent = static_cast<uint64_t>(PY_SSIZE_T_MAX);

DimSelection parse_slice(PyObject* o, uint64_t extent, const char* what) {
  Py_ssize_t start = 0;
  Py_ssize_t stop = 0;
  Py_ssize_t step = 0;
  if (PySlice_Unpack(o, &start, &stop, &step) != 0) raise_python();
  if (step <= 0) {
    throw_invalid_argument(std::string(what) + ": slice steps must be positive: " + describe(o));
  }
  if (extent == kUnknownExtent) {
    // PySlice_Unpack turns a missing stop into PY_SSIZE_T_MAX.
    if (stop == PY_SSIZE_T_MAX || start < 0 || stop < 0) {
      throw_invalid_argument(std::string(what) +
                             ": a slice into a broadcast value needs explicit non-negative"
                             " bounds: " +
                             describe(o));
    }
  }
  const Py_ssize_t count =
      PySlice_AdjustIndices(static_cast<Py_ssize_t>(extent), &start, &stop, step);
  return DimSelection::range(static_cast<uint64_t>(start), static_cast<uint64_t>(count),
                             static_cast<uint64_t>(step));
}

int64_t parse_int(PyObject* o) {
  const Py_ssize_t v = PyNumber_AsSsize_t(o, PyExc_IndexError);
  if (v == -1 && PyErr_Occurred()) raise_python();
  return static_cast<int64_t>(v);
}

bool is_integer(PyObject* o) {
  return PyLong_Check(o) || (PyIndex_Check(o) && !is_ndarray(o) && !PySlice_Check(o));
}

// ---------------------------------------------------------------------------------------------
// The batch.

class ChunkBatch {
 public:
  // `caller_shape`: the output array's shape for reads; nullopt for writes, whose value may
  // broadcast (the shape the selections need is then `needed_shape`).
  ChunkBatch(nb::handle batch, std::optional<std::vector<uint64_t>> caller_shape,
             const std::vector<int64_t>& drop_axes, const std::vector<uint64_t>& chunk_shape,
             bool keys_from_path)
      : chunk_shape_(chunk_shape), caller_shape_(std::move(caller_shape)) {
    for (const int64_t axis : drop_axes) {
      if (axis < 0 || static_cast<uint64_t>(axis) >= chunk_shape_.size()) {
        throw_invalid_argument("drop axis " + std::to_string(axis) + " is not an axis of a " +
                               std::to_string(chunk_shape_.size()) + "-d chunk");
      }
      drop_.push_back(static_cast<size_t>(axis));
    }
    Ref seq(PySequence_Fast(batch.ptr(), "the batch must be a sequence"));
    if (seq.p == nullptr) raise_python();
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.p);
    PyObject** items = PySequence_Fast_ITEMS(seq.p);
    selections_.reserve(static_cast<size_t>(n));
    nb::str path_attr("path");
    for (Py_ssize_t i = 0; i < n; ++i) {
      Ref item(PySequence_Fast(items[i], "a batch entry must be a tuple"));
      if (item.p == nullptr) raise_python();
      if (PySequence_Fast_GET_SIZE(item.p) < 4) {
        throw_invalid_argument("batch entry " + std::to_string(i) +
                               " must be (byte getter, chunk spec, chunk selection, "
                               "output selection, ...)");
      }
      PyObject** fields = PySequence_Fast_ITEMS(item.p);
      if (i == 0) {
        spec_ = fields[1];
      } else if (fields[1] != spec_) {
        // Chunks of another spec (a rectilinear grid's edge) may not fit chunk_shape_: stop
        // here, before validating them against it; the caller falls back for this batch.
        uniform_spec_ = false;
        break;
      }
      ChunkSelection selection;
      if (keys_from_path) {
        Ref path(PyObject_GetAttr(fields[0], path_attr.ptr()));
        if (path.p == nullptr) raise_python();
        Py_ssize_t size = 0;
        const char* text = PyUnicode_AsUTF8AndSize(path.p, &size);
        if (text == nullptr) raise_python();
        selection.key.assign(text, static_cast<size_t>(size));
      } else {
        selection.key = std::to_string(i);
      }
      try {
        parse_chunk(fields[2], fields[3], selection);
      } catch (const Error& e) {
        throw e.with_context("chunk '" + selection.key + "'");
      }
      selections_.push_back(std::move(selection));
    }
  }

  size_t size() const { return selections_.size(); }
  bool uniform_spec() const { return uniform_spec_; }
  const std::vector<uint64_t>& needed_shape() const { return needed_; }

  // The selections, once: a plan consumes them.
  std::vector<ChunkSelection> take() {
    if (taken_) throw_invalid_argument("this ChunkBatch was already given to a plan");
    taken_ = true;
    return std::move(selections_);
  }

 private:
  bool is_dropped(size_t d) const {
    return std::find(drop_.begin(), drop_.end(), d) != drop_.end();
  }

  uint64_t caller_extent(size_t j) const {
    return caller_shape_ && j < caller_shape_->size() ? (*caller_shape_)[j] : kUnknownExtent;
  }

  DimSelection parse_chunk_dim(PyObject* o, size_t d) const {
    const uint64_t extent = chunk_shape_[d];
    if (PySlice_Check(o)) return parse_slice(o, extent, "chunk selection");
    if (is_ndarray(o)) {
      const IndexArray array = read_index_array(o, "chunk selection");
      if (is_dropped(d)) {
        // An integer of an orthogonal selection, handed down as a length-1 np.ix_ array.
        if (array.values.size() != 1) {
          throw_invalid_argument("chunk selection: dropped dimension " + std::to_string(d) +
                                 " selects " + std::to_string(array.values.size()) +
                                 " elements, not one");
        }
        const DimSelection one = index_list(array.values, extent, "chunk selection");
        return DimSelection::index(one.indices[0]);
      }
      return index_list(array.values, extent, "chunk selection");
    }
    if (is_integer(o)) {
      DimSelection one = index_list({parse_int(o)}, extent, "chunk selection");
      return DimSelection::index(one.indices[0]);
    }
    throw_invalid_argument("chunk selection: unsupported item " + describe(o));
  }

  DimSelection parse_caller_dim(PyObject* o, size_t j) const {
    const uint64_t extent = caller_extent(j);
    if (PySlice_Check(o)) return parse_slice(o, extent, "output selection");
    if (is_ndarray(o)) {
      return index_list(read_index_array(o, "output selection").values, extent, "output selection");
    }
    if (is_integer(o)) {
      DimSelection one = index_list({parse_int(o)}, extent, "output selection");
      return DimSelection::index(one.indices[0]);
    }
    throw_invalid_argument("output selection: unsupported item " + describe(o));
  }

  void parse_chunk(PyObject* chunk_sel, PyObject* out_sel, ChunkSelection& selection) {
    // zarr-python gives orthogonal and basic selections a tuple on both sides; a coordinate or
    // mask selection has a bare slice or index array as its output selection.
    selection.pointwise = !PyTuple_Check(out_sel);
    Ref chunk_items(PyTuple_Check(chunk_sel) ? Py_NewRef(chunk_sel) : PyTuple_Pack(1, chunk_sel));
    if (chunk_items.p == nullptr) raise_python();
    const auto rank = static_cast<size_t>(PyTuple_GET_SIZE(chunk_items.p));
    if (rank > chunk_shape_.size()) {
      throw_invalid_argument("chunk selection has " + std::to_string(rank) +
                             " items for a chunk of rank " + std::to_string(chunk_shape_.size()));
    }
    selection.chunk.reserve(chunk_shape_.size());
    for (size_t d = 0; d < rank; ++d) {
      selection.chunk.push_back(parse_chunk_dim(PyTuple_GET_ITEM(chunk_items.p, d), d));
    }
    for (size_t d = rank; d < chunk_shape_.size(); ++d) {
      selection.chunk.push_back(DimSelection::all(chunk_shape_[d]));
    }

    if (selection.pointwise) {
      selection.out.push_back(parse_caller_dim(out_sel, 0));
    } else {
      const auto out_rank = static_cast<size_t>(PyTuple_GET_SIZE(out_sel));
      for (size_t j = 0; j < out_rank; ++j) {
        selection.out.push_back(parse_caller_dim(PyTuple_GET_ITEM(out_sel, j), j));
      }
      // numpy semantics: missing trailing output dimensions select everything.
      if (caller_shape_) {
        for (size_t j = out_rank; j < caller_shape_->size(); ++j) {
          selection.out.push_back(DimSelection::all((*caller_shape_)[j]));
        }
      }
    }
    note_needed(selection.out);
  }

  // Tracks, per caller dimension, one past the largest position any chunk touches.
  void note_needed(const std::vector<DimSelection>& out) {
    if (out.size() > needed_.size()) needed_.resize(out.size(), 0);
    for (size_t j = 0; j < out.size(); ++j) {
      const DimSelection& dim = out[j];
      uint64_t end = 0;
      if (dim.kind == DimSelection::Kind::kRange) {
        if (dim.count > 0) end = dim.start + (dim.count - 1) * dim.step + 1;
      } else if (!dim.indices.empty()) {
        end = *std::max_element(dim.indices.begin(), dim.indices.end()) + 1;
      }
      needed_[j] = std::max(needed_[j], end);
    }
  }

  std::vector<uint64_t> chunk_shape_;
  std::optional<std::vector<uint64_t>> caller_shape_;
  std::vector<size_t> drop_;
  std::vector<ChunkSelection> selections_;
  std::vector<uint64_t> needed_;
  PyObject* spec_ = nullptr;  // borrowed, compared by identity only
  bool uniform_spec_ = true;
  bool taken_ = false;
};

// ---------------------------------------------------------------------------------------------
// Caller arrays.

using AnyArray = nb::ndarray<nb::device::cpu>;
using AnyReadOnlyArray = nb::ndarray<nb::ro, nb::device::cpu>;

// numpy broadcasting of a write value to the caller shape the batch needs: missing leading
// dimensions and size-1 dimensions repeat with stride 0 (a scalar is all zero strides, which the
// engine encodes once).
StridedArray broadcast_value(StridedArray value, const std::vector<uint64_t>& needed) {
  const size_t rank = needed.size();
  // Leading size-1 dimensions beyond the selection's rank carry nothing (as in numpy).
  while (value.shape.size() > rank && value.shape.front() == 1) {
    value.shape.erase(value.shape.begin());
    value.byte_strides.erase(value.byte_strides.begin());
  }
  if (value.shape.size() > rank) {
    throw_invalid_argument("a value of rank " + std::to_string(value.shape.size()) +
                           " cannot be written to a selection of rank " + std::to_string(rank));
  }
  StridedArray out;
  out.data = value.data;
  const size_t pad = rank - value.shape.size();
  for (size_t j = 0; j < rank; ++j) {
    if (j < pad) {
      out.shape.push_back(needed[j]);
      out.byte_strides.push_back(0);
      continue;
    }
    const uint64_t extent = value.shape[j - pad];
    const int64_t stride = value.byte_strides[j - pad];
    if (extent == 1 && needed[j] != 1) {
      out.shape.push_back(needed[j]);
      out.byte_strides.push_back(0);
    } else {
      out.shape.push_back(extent);
      out.byte_strides.push_back(stride);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Plans.

nb::list reads_list(const std::vector<ReadRequest>& reads) {
  nb::list out;
  for (const ReadRequest& r : reads) {
    out.append(
        nb::make_tuple(r.key, static_cast<int>(r.range.kind), r.range.offset, r.range.length));
  }
  return out;
}

// Lends a round's answers to the engine without copying them and runs the compute they unlock,
// the GIL released. Each answer's buffer stays exported in `held` (so alive and unchanged) for
// as long as the Python plan object lives: the engine may keep looking at the bytes after this
// round (a write passes kept subchunks through to the shards it assembles).
void complete_round(Plan& plan, nb::handle answers, std::vector<BufferView>& held) {
  Ref seq(PySequence_Fast(answers.ptr(), "answers must be a sequence"));
  if (seq.p == nullptr) raise_python();
  const auto n = static_cast<size_t>(PySequence_Fast_GET_SIZE(seq.p));
  if (n != plan.reads().size()) {
    throw_invalid_argument("complete_reads: " + std::to_string(n) + " answers for " +
                           std::to_string(plan.reads().size()) + " reads");
  }
  PyObject** items = PySequence_Fast_ITEMS(seq.p);
  std::vector<std::optional<SharedBytes>> lent(n);
  held.reserve(held.size() + n);
  for (size_t i = 0; i < n; ++i) {
    if (items[i] == Py_None) continue;
    BufferView view;
    if (!view.acquire(items[i], PyBUF_C_CONTIGUOUS)) {
      PyErr_Clear();
      throw_invalid_argument("complete_reads: answer " + std::to_string(i) + " for key '" +
                             plan.reads()[i].key +
                             "' is neither None nor a contiguous bytes-like object");
    }
    const Py_buffer& buffer = view.get();
    // No owner: `held` keeps the bytes alive, and outlives the engine's plan.
    lent[i].emplace(SharedBytes{nullptr, ByteView(static_cast<const std::byte*>(buffer.buf),
                                                  static_cast<size_t>(buffer.len))});
    held.push_back(std::move(view));
  }
  nb::gil_scoped_release release;
  plan.complete_reads_shared(std::move(lent));
}

class PyReadPlan {
 public:
  PyReadPlan(std::shared_ptr<const CodecChain> chain, ChunkBatch& batch, nb::object out,
             const EngineOptions& options, std::string array_name)
      : out_(std::move(out)) {
    // No conversion: a converted copy would receive the output instead of `out`.
    const AnyArray array = nb::cast<AnyArray>(out_, false);
    StridedArray view = strided_view(chain->decoded_spec().dtype, array, "output");
    plan_.emplace(std::move(chain), batch.take(), std::move(view), options, std::move(array_name));
  }

  ReadPlan& plan() { return *plan_; }
  std::vector<BufferView>& held() { return held_; }

  nb::tuple results() const {
    static PyObject* present = PyUnicode_InternFromString("present");
    static PyObject* missing = PyUnicode_InternFromString("missing");
    static PyObject* status = PyUnicode_InternFromString("status");
    const std::vector<bool>& flags = plan_->present();
    Ref tuple(PyTuple_New(static_cast<Py_ssize_t>(flags.size())));
    if (tuple.p == nullptr) raise_python();
    for (size_t i = 0; i < flags.size(); ++i) {
      PyObject* result = PyDict_New();
      if (result == nullptr) raise_python();
      PyTuple_SET_ITEM(tuple.p, static_cast<Py_ssize_t>(i), result);
      if (PyDict_SetItem(result, status, flags[i] ? present : missing) != 0) raise_python();
    }
    return nb::steal<nb::tuple>(Py_NewRef(tuple.p));
  }

 private:
  nb::object out_;                // keeps the output alive while the plan writes into it
  std::vector<BufferView> held_;  // the answers lent to plan_, which is destroyed first
  std::optional<ReadPlan> plan_;
};

class PyWritePlan {
 public:
  PyWritePlan(std::shared_ptr<const CodecChain> chain, ChunkBatch& batch, nb::object value,
              const EngineOptions& options, std::string array_name)
      : value_(std::move(value)) {
    const AnyReadOnlyArray array = nb::cast<AnyReadOnlyArray>(value_, false);
    StridedArray view = broadcast_value(strided_view(chain->decoded_spec().dtype, array, "value"),
                                        batch.needed_shape());
    plan_.emplace(std::move(chain), batch.take(), std::move(view), options, std::move(array_name));
  }

  WritePlan& plan() { return *plan_; }
  std::vector<BufferView>& held() { return held_; }

  // (kind, key, offset, value): kind 0 set, 1 erase, 2 set a range; the value is a uint8 numpy
  // array that owns the engine's bytes (no copy), None for an erase.
  nb::list take_writes() {
    std::vector<StoreWrite> writes = plan_->take_writes();
    nb::list out;
    for (StoreWrite& w : writes) {
      nb::object value = nb::none();
      if (w.kind != StoreWrite::Kind::kErase) {
        auto* owned = new Bytes(std::move(w.value));
        nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<Bytes*>(p); });
        const size_t shape[1] = {owned->size()};
        value = nb::cast(nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>>(
            reinterpret_cast<uint8_t*>(owned->data()), 1, shape, owner));
      }
      out.append(nb::make_tuple(static_cast<int>(w.kind), w.key, w.offset, value));
    }
    return out;
  }

 private:
  nb::object value_;              // keeps the value alive until take_writes()
  std::vector<BufferView> held_;  // the answers lent to plan_, which is destroyed first
  std::optional<WritePlan> plan_;
};

CodecChain plan_chain(const std::string& codecs, const std::string& data_type,
                      const std::vector<uint64_t>& chunk_shape, const nb::bytes& fill_value) {
  const DataType dtype = DataType::from_v3_name(data_type);
  if (fill_value.size() != dtype.size()) {
    throw_invalid_argument("fill value has " + std::to_string(fill_value.size()) + " bytes; a " +
                           dtype.name() + " element has " + std::to_string(dtype.size()));
  }
  ChunkSpec spec{dtype, chunk_shape, FillValue::from_bytes(dtype, view_of(fill_value))};
  return CodecChain::from_json(parse_json(codecs, "codecs"), spec);
}

}  // namespace

void bind_plans(nb::module_& m) {
  m.def("plan_chain", &plan_chain, nb::arg("codecs"), nb::arg("data_type"), nb::arg("chunk_shape"),
        nb::arg("fill_value"),
        "The codec chain of one chunk for plans: a JSON codec list, a Zarr v3 data type name, "
        "the chunk shape and the fill value's native-endian bytes.");

  nb::class_<ChunkBatch>(m, "ChunkBatch",
                         "zarr-python's batch of (byte getter, chunk spec, chunk selection, "
                         "output selection, is complete) as the engine's chunk selections.")
      .def(nb::init<nb::handle, std::optional<std::vector<uint64_t>>, const std::vector<int64_t>&,
                    const std::vector<uint64_t>&, bool>(),
           nb::arg("batch"), nb::arg("caller_shape").none(), nb::arg("drop_axes"),
           nb::arg("chunk_shape"), nb::arg("keys_from_path"),
           "Keys come from each byte getter's `path` or, without keys_from_path, are the entry's "
           "position ('0', '1', ...). caller_shape is the output's shape (reads) or None (writes, "
           "whose value broadcasts to needed_shape).")
      .def("__len__", &ChunkBatch::size)
      .def_prop_ro("uniform_spec", &ChunkBatch::uniform_spec,
                   "True when every entry carries the same chunk spec object.")
      .def_prop_ro("needed_shape", &ChunkBatch::needed_shape,
                   "Per output dimension, one past the last position any chunk touches.");

  nb::class_<PyReadPlan>(m, "ReadPlan", "A batch read: rounds of IO requests, compute between.")
      .def(nb::init<std::shared_ptr<const CodecChain>, ChunkBatch&, nb::object,
                    const EngineOptions&, std::string>(),
           nb::arg("chain"), nb::arg("batch"), nb::arg("out"), nb::arg("options"),
           nb::arg("array_name"),
           "`out` is a numpy array of the chain's dtype (raw bits as uint8 with a trailing byte "
           "axis), any strides.")
      .def(
          "reads", [](PyReadPlan& p) { return reads_list(p.plan().reads()); },
          "This round's requests as (key, kind, offset, length); kind 0 whole value, 1 range, "
          "2 from offset, 3 suffix. Empty once the read is complete.")
      .def(
          "complete_reads",
          [](PyReadPlan& p, nb::handle answers) { complete_round(p.plan(), answers, p.held()); },
          nb::arg("answers"), "Bytes-like or None (missing key) per request; runs the compute.")
      .def(
          "present", [](PyReadPlan& p) { return p.plan().present(); },
          "Per chunk of the batch: whether its key existed.")
      .def("results", &PyReadPlan::results,
           "zarr-python's GetResult per chunk: {'status': 'present' | 'missing'}.")
      .def_prop_ro("rounds_completed", [](PyReadPlan& p) { return p.plan().rounds_completed(); });

  nb::class_<PyWritePlan>(m, "WritePlan", "A batch write: reads what merges need, then writes.")
      .def(nb::init<std::shared_ptr<const CodecChain>, ChunkBatch&, nb::object,
                    const EngineOptions&, std::string>(),
           nb::arg("chain"), nb::arg("batch"), nb::arg("value"), nb::arg("options"),
           nb::arg("array_name"), "`value` broadcasts to the batch's needed_shape (numpy rules).")
      .def("reads", [](PyWritePlan& p) { return reads_list(p.plan().reads()); })
      .def(
          "complete_reads",
          [](PyWritePlan& p, nb::handle answers) { complete_round(p.plan(), answers, p.held()); },
          nb::arg("answers"))
      .def("take_writes", &PyWritePlan::take_writes,
           "The final IO as (kind, key, offset, value): kind 0 set, 1 erase, 2 set range.")
      .def_prop_ro("rounds_completed", [](PyWritePlan& p) { return p.plan().rounds_completed(); });

  m.def(
      "execute",
      [](PyReadPlan& p, Store& store) {
        nb::gil_scoped_release release;
        return execute(p.plan(), store);
      },
      nb::arg("plan"), nb::arg("store"), "Runs a read plan against a native store.");
  m.def(
      "execute",
      [](PyWritePlan& p, Store& store) {
        nb::gil_scoped_release release;
        return execute(p.plan(), store);
      },
      nb::arg("plan"), nb::arg("store"), "Runs a write plan against a native store.");
}

}  // namespace zarrphase::bindings
