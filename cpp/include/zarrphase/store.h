// zarrphase/store.h — the key-value stores the native executor talks to.
//
// A Store maps keys ("zarr.json", "c/0/1") to byte strings. Codecs never call a store; only an
// executor does, so a store is the only place IO happens. Every method is safe to call from many
// threads at once.
//
// Keys are '/'-separated relative paths. Every store validates them the same way
// (validate_key): no empty key, no leading or trailing '/', no empty, "." or ".." segment, no
// NUL and no backslash, so no key can name a path outside the store's root. A bad key throws
// ErrorCode::kInvalidKey before any IO.
//
// Missing keys are not errors: get() returns nullopt, erase() of a missing key does nothing.
// A prefix ("c/" when "c/0" exists) is not a key: get/size see nothing there and erase leaves it.
#ifndef ZARRPHASE_STORE_H_
#define ZARRPHASE_STORE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zarrphase/buffer.h"

namespace zarrphase {

// Which bytes of a stored value to read.
struct ByteRange {
  enum class Kind : uint8_t {
    kAll,         // the whole value
    kRange,       // [offset, offset + length)
    kFromOffset,  // [offset, end)
    kSuffix,      // the last `length` bytes
  };
  Kind kind = Kind::kAll;
  uint64_t offset = 0;
  uint64_t length = 0;

  static ByteRange all() { return {}; }
  static ByteRange range(uint64_t offset, uint64_t length) {
    return {Kind::kRange, offset, length};
  }
  static ByteRange from_offset(uint64_t offset) { return {Kind::kFromOffset, offset, 0}; }
  static ByteRange suffix(uint64_t length) { return {Kind::kSuffix, 0, length}; }

  // The [begin, end) this range selects from a value of `size` bytes, clamped to the value the
  // way HTTP ranges are: a range starting past the end selects nothing, a suffix longer than the
  // value selects all of it. Never overflows, whatever offset and length hold. Unlike HTTP (416),
  // selecting nothing is not an error: Store::get returns empty bytes for an existing key.
  std::pair<uint64_t, uint64_t> resolve(uint64_t size) const;

  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// Bytes a store lends instead of copying: `bytes` stays valid and unchanged while `owner` (or a
// copy of it) lives, whatever happens to the key meanwhile.
struct SharedBytes {
  std::shared_ptr<const void> owner;
  ByteView bytes;

  // Takes ownership of `value` (no copy of its bytes).
  static SharedBytes adopt(Bytes value);
};

// Throws ErrorCode::kInvalidKey unless `key` is a valid store key (see the top of this file).
void validate_key(std::string_view key);
// Like validate_key but for list prefixes, which may be empty or end with '/'.
void validate_prefix(std::string_view prefix);

// What list_dir finds directly under a prefix.
struct DirListing {
  std::vector<std::string> keys;      // values directly under the prefix (full keys)
  std::vector<std::string> prefixes;  // child "directories", each ending with '/'
};

class Store {
 public:
  virtual ~Store() = default;

  // The value of `key`, or the selected part of it (see ByteRange::resolve; a range past the end
  // gives empty bytes); nullopt when the key does not exist.
  virtual std::optional<Bytes> get(std::string_view key, ByteRange range = ByteRange::all()) = 0;
  // Several ranges of one key in one call (stores that can, read them without reopening the
  // object). nullopt when the key does not exist.
  virtual std::optional<std::vector<Bytes>> get_ranges(std::string_view key,
                                                       std::span<const ByteRange> ranges);
  // get_ranges, but the store may lend its own bytes instead of copying them (the memory store
  // does: its values are immutable). The default adopts get_ranges' answers.
  virtual std::optional<std::vector<SharedBytes>> get_ranges_shared(
      std::string_view key, std::span<const ByteRange> ranges);
  // Reads `ranges` of `key` one after another and hands each one's bytes (what get_ranges
  // would return for it) to visit(index of the range, bytes) on the calling thread. The bytes are
  // valid only during that call, so a store may read every range into one recycled buffer that
  // stays in the CPU's cache while the visitor consumes it. Returns false, visiting nothing,
  // when the key does not exist. An exception from `visit` stops the reads and propagates. The
  // default visits get_ranges_shared's answers.
  using RangeVisitor = std::function<void(size_t index, ByteView bytes)>;
  virtual bool visit_ranges(std::string_view key, std::span<const ByteRange> ranges,
                            const RangeVisitor& visit);
  // True when visit_ranges moves fewer bytes through memory than get_ranges_shared followed by a
  // copy of its answers (the filesystem store: the kernel's copy lands in a cache-resident
  // buffer instead of a fresh one). False where get_ranges_shared lends bytes without a copy.
  virtual bool prefers_visit_ranges() const { return false; }
  // Size of the value in bytes; nullopt when the key does not exist.
  virtual std::optional<uint64_t> size(std::string_view key) = 0;
  virtual bool exists(std::string_view key) { return size(key).has_value(); }

  // Replaces the value of `key`. Readers never observe a partially written value.
  virtual void set(std::string_view key, ByteView value) = 0;
  // True when set_range is supported.
  virtual bool supports_set_range() const { return false; }
  // Overwrites bytes [offset, offset + value.size()) of an existing value, which must be at least
  // that long (else kInvalidArgument, as for a missing key); never grows the value. Throws
  // kUnsupported when !supports_set_range(). Unlike set(), NOT atomic in the filesystem store
  // (pwrite into the live file): readers may see a partial update; the engine uses it only when
  // configured to.
  virtual void set_range(std::string_view key, uint64_t offset, ByteView value);
  // Removes `key`; a missing key is not an error.
  virtual void erase(std::string_view key) = 0;
  // Removes every key under `prefix` (a "directory"); e.g. when an array is replaced.
  virtual void erase_prefix(std::string_view prefix);

  // Every key that starts with `prefix` (a plain string prefix: "c/1" matches "c/10/0"), sorted.
  virtual std::vector<std::string> list(std::string_view prefix = "") = 0;
  // Keys and child prefixes directly under `prefix` ("" or ending with '/'; "a" is read as "a/"),
  // sorted. A child prefix is listed only when some key lies under it.
  virtual DirListing list_dir(std::string_view prefix = "");
};

// A store kept in process memory. Values are copied in; get_ranges_shared lends them out.
std::shared_ptr<Store> make_memory_store();

// A store rooted at a local directory: key "a/b/c" is the file <root>/a/b/c (zarr-python's
// LocalStore layout). Writes go to a temporary file in the same directory that is then renamed
// over the target, so a crash never leaves a half-written value. Temp names contain a backslash,
// so they are never valid keys and never listed. No fsync (as in zarr-python): atomic against
// readers and process crashes, not durable across power loss. erase does not prune emptied
// directories (as in zarr-python); listings ignore them. Only regular files (or symlinks to them)
// are values; symlinked directories are not listed. The root is created when `create` is true;
// a missing root or one that is not a directory throws kIo.
std::shared_ptr<Store> make_filesystem_store(const std::filesystem::path& root, bool create = true);

}  // namespace zarrphase

#endif  // ZARRPHASE_STORE_H_
