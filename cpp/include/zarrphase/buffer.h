// zarrphase/buffer.h — byte containers and views used across every layer.
//
// `Bytes` owns memory; `ByteView` / `MutableByteView` borrow it. `Bytes` never zero-fills on
// resize: on the machines we target, touching fresh memory costs ~11 µs per 4 KiB page, and every
// producer of bytes (a decompressor, a store read) overwrites the whole buffer anyway. A codec
// that does not overwrite every byte it resizes to is a bug.
#ifndef ZARRPHASE_BUFFER_H_
#define ZARRPHASE_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace zarrphase {

// An allocator whose value-initialisation is default-initialisation: resize() leaves bytes as
// they are instead of writing zeros.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using Bytes = std::vector<std::byte, DefaultInitAllocator<std::byte>>;
using ByteView = std::span<const std::byte>;
using MutableByteView = std::span<std::byte>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_string_view(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes to_bytes(ByteView b) { return Bytes(b.begin(), b.end()); }
inline Bytes to_bytes(std::string_view s) { return to_bytes(as_bytes(s)); }

}  // namespace zarrphase

#endif  // ZARRPHASE_BUFFER_H_
