// The local-directory store: key "a/b/c" is the file <root>/a/b/c, the layout zarr-python's
// LocalStore reads and writes, so either can open what the other wrote.
//
// The store holds no mutable state (the temp-name counter is atomic), so every method may run
// concurrently; the filesystem does the arbitration.
//
// Writes (set) go to a temporary file next to the target that is renamed over it. rename() is
// atomic, so a reader opens either the old file or the new one, and keeps reading the file it
// opened even if it is replaced meanwhile. Temporary names contain a backslash, which no valid
// key does: a temp file can never be mistaken for, or collide with, a value, and listings skip
// it. Like zarr-python, we do not fsync: rename gives atomicity against concurrent readers and
// against a crash of the process, not durability across power loss, which would cost an fsync
// of the file and its directory per chunk.
//
// set_range (pwrite into the existing file) is NOT atomic: a concurrent reader can see a mix of
// old and new bytes, and a crash can leave the value half-updated. The engine uses it only when
// configured to, for in-place shard updates where that trade is acceptable.
//
// erase removes the file but leaves its (possibly now empty) directories, as zarr-python does:
// pruning would race with a concurrent set creating a file in the same directory. Listings
// ignore empty directories, so they are invisible through the Store interface.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

#include "stores/filesystem_listing.h"
#include "stores/posix_file.h"
#include "stores/read_buffer_pool.h"
#include "stores/store_internal.h"
#include "zarrphase/error.h"
#include "zarrphase/store.h"

namespace zarrphase {
namespace {

using stores_internal::quote_key;
using stores_internal::throw_io;
using stores_internal::UniqueFd;

// How often set retries creating the temp file when a concurrent erase_prefix removes the
// directory it just created, or a stale temp file from a crashed process holds the name.
constexpr int kMaxCreateAttempts = 8;
// Temp names keep this much of the target's name (for a human reading the directory) so the
// temp name stays under NAME_MAX however long the key's last segment is.
constexpr size_t kTempNameStemBytes = 64;

std::atomic<uint64_t> temp_counter{0};

bool is_missing_errno(int err) { return err == ENOENT || err == ENOTDIR; }

std::string normalized_root(const std::filesystem::path& root) {
  if (root.empty()) throw_invalid_argument("filesystem store: the root path is empty");
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(root, ec);
  if (ec) {
    throw Error(ErrorCode::kIo,
                "filesystem store: cannot resolve root " + root.string() + ": " + ec.message());
  }
  std::string text = absolute.lexically_normal().native();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

class FilesystemStore final : public Store {
 public:
  FilesystemStore(const std::filesystem::path& root, bool create) : root_(normalized_root(root)) {
    std::error_code ec;
    if (create) std::filesystem::create_directories(root_, ec);
    if (ec) {
      throw Error(ErrorCode::kIo,
                  "filesystem store: cannot create root " + root_ + ": " + ec.message());
    }
    struct stat info {};
    if (::stat(root_.c_str(), &info) != 0) {
      throw Error(ErrorCode::kIo, "filesystem store: root " + root_ + ": " +
                                      std::generic_category().message(errno));
    }
    if (!S_ISDIR(info.st_mode)) {
      throw Error(ErrorCode::kIo, "filesystem store: root " + root_ + " is not a directory");
    }
  }

  std::optional<Bytes> get(std::string_view key, ByteRange range) override {
    validate_key(key);
    const std::string path = path_of(key);
    std::optional<OpenValue> value = open_value(key, path);
    if (!value) return std::nullopt;
    return read_range(*value, range, key, path);
  }

  std::optional<std::vector<Bytes>> get_ranges(std::string_view key,
                                               std::span<const ByteRange> ranges) override {
    validate_key(key);
    const std::string path = path_of(key);
    // One open file: every range comes from the same version even if set() replaces it.
    std::optional<OpenValue> value = open_value(key, path);
    if (!value) return std::nullopt;
    std::vector<Bytes> parts;
    parts.reserve(ranges.size());
    for (const ByteRange& range : ranges) parts.push_back(read_range(*value, range, key, path));
    return parts;
  }

  // Like get_ranges, but into recycled buffers (read_buffer_pool.h): repeated reads of large
  // values touch no fresh pages.
  std::optional<std::vector<SharedBytes>> get_ranges_shared(
      std::string_view key, std::span<const ByteRange> ranges) override {
    validate_key(key);
    const std::string path = path_of(key);
    std::optional<OpenValue> value = open_value(key, path);
    if (!value) return std::nullopt;
    std::vector<SharedBytes> parts;
    parts.reserve(ranges.size());
    for (const ByteRange& range : ranges) {
      // Bounded by the file's size from fstat, as in read_range.
      const auto [begin, end] = range.resolve(value->size);
      std::shared_ptr<Bytes> buffer = stores_internal::acquire_read_buffer(end - begin);
      stores_internal::pread_exact(value->fd.get(), *buffer, begin, key, path);
      const ByteView bytes(*buffer);
      parts.push_back({std::move(buffer), bytes});
    }
    return parts;
  }

  // Each range into the thread's cache-resident buffer, consumed by the visitor before the next
  // read: the kernel's copy out of the page cache is then the only trip through main memory
  // (get_ranges_shared's buffers are all alive at once, so they are written out and read back).
  bool visit_ranges(std::string_view key, std::span<const ByteRange> ranges,
                    const RangeVisitor& visit) override {
    validate_key(key);
    const std::string path = path_of(key);
    std::optional<OpenValue> value = open_value(key, path);
    if (!value) return false;
    for (size_t i = 0; i < ranges.size(); ++i) {
      const auto [begin, end] = ranges[i].resolve(value->size);  // bounded by fstat's size
      const stores_internal::ScopedReadBuffer buffer(end - begin);
      stores_internal::pread_exact(value->fd.get(), buffer.bytes(), begin, key, path);
      visit(i, buffer.bytes());
    }
    return true;
  }

  bool prefers_visit_ranges() const override { return true; }

  std::optional<uint64_t> size(std::string_view key) override {
    validate_key(key);
    const std::string path = path_of(key);
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      if (is_missing_errno(errno)) return std::nullopt;
      throw_io("stat", key, path, errno);
    }
    if (!S_ISREG(info.st_mode)) return std::nullopt;
    return static_cast<uint64_t>(info.st_size);
  }

  void set(std::string_view key, ByteView value) override {
    validate_key(key);
    const std::string path = path_of(key);
    auto [temp_path, fd] = create_temp_file(key, path);
    // From here on, any failure removes the temp file and leaves the old value as it was.
    try {
      stores_internal::pwrite_all(fd.get(), value, 0, key, temp_path);
      if (const int err = fd.close(); err != 0) throw_io("write", key, temp_path, err);
      if (::rename(temp_path.c_str(), path.c_str()) != 0) throw_io("replace", key, path, errno);
    } catch (...) {
      fd.close();
      ::unlink(temp_path.c_str());
      throw;
    }
  }

  bool supports_set_range() const override { return true; }

  void set_range(std::string_view key, uint64_t offset, ByteView value) override {
    validate_key(key);
    const std::string path = path_of(key);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) {
      if (is_missing_errno(errno) || errno == EISDIR) throw_missing_for_set_range(key);
      throw_io("open for writing", key, path, errno);
    }
    const struct stat info = fstat_or_throw(fd, key, path);
    if (!S_ISREG(info.st_mode)) throw_missing_for_set_range(key);
    const auto stored = static_cast<uint64_t>(info.st_size);
    if (offset > stored || value.size() > stored - offset) {
      throw_invalid_argument("set_range of " + quote_key(key) + ": bytes [" +
                             std::to_string(offset) + ", +" + std::to_string(value.size()) +
                             ") reach past the end of the " + std::to_string(stored) +
                             "-byte value");
    }
    stores_internal::pwrite_all(fd.get(), value, offset, key, path);
    if (const int err = fd.close(); err != 0) throw_io("write", key, path, err);
  }

  void erase(std::string_view key) override {
    validate_key(key);
    const std::string path = path_of(key);
    if (::unlink(path.c_str()) == 0 || is_missing_errno(errno)) return;
    const int err = errno;
    // Linux reports EISDIR, POSIX allows EPERM, for a directory: no value has that key.
    struct stat info {};
    if ((err == EISDIR || err == EPERM) && ::lstat(path.c_str(), &info) == 0 &&
        S_ISDIR(info.st_mode)) {
      return;
    }
    throw_io("erase", key, path, err);
  }

  void erase_prefix(std::string_view prefix) override {
    validate_prefix(prefix);
    if (prefix.empty()) return stores_internal::remove_tree(root_, false, prefix);
    if (prefix.back() != '/') return Store::erase_prefix(prefix);  // a string prefix: "c/1"
    // A directory prefix removes its whole tree, strays and empty directories included. A
    // symlink or file at that path holds no keys under the prefix and stays.
    const std::string dir = path_of(prefix.substr(0, prefix.size() - 1));
    struct stat info {};
    if (::lstat(dir.c_str(), &info) != 0) {
      if (is_missing_errno(errno)) return;
      throw_io("erase prefix", prefix, dir, errno);
    }
    if (S_ISDIR(info.st_mode)) stores_internal::remove_tree(dir, true, prefix);
  }

  std::vector<std::string> list(std::string_view prefix) override {
    validate_prefix(prefix);
    // The prefix is a string prefix: "c/1" lists "c/1/0" and "c/10/0". Walk the directory of
    // its last '/' and filter that level's names by the rest.
    const size_t slash = prefix.rfind('/');
    const std::string dir_key(slash == std::string_view::npos ? "" : prefix.substr(0, slash + 1));
    const std::string_view name_filter = prefix.substr(dir_key.size());
    std::vector<std::string> keys;
    stores_internal::collect_keys(dir_path_of(dir_key), dir_key, name_filter, prefix, keys);
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  DirListing list_dir(std::string_view prefix) override {
    const std::string dir_key = stores_internal::as_dir_prefix(prefix);
    return stores_internal::list_directory(dir_path_of(dir_key), dir_key);
  }

 private:
  struct OpenValue {
    UniqueFd fd;
    uint64_t size;
  };

  // Only for validated keys, which cannot leave the root.
  std::string path_of(std::string_view key) const {
    std::string path = root_;
    if (path.back() != '/') path += '/';
    path += key;
    return path;
  }
  // The directory holding the keys that start with `dir_key` ("" or ending with '/').
  std::string dir_path_of(std::string_view dir_key) const {
    return dir_key.empty() ? root_ : path_of(dir_key.substr(0, dir_key.size() - 1));
  }

  static struct stat fstat_or_throw(const UniqueFd& fd, std::string_view key,
                                    const std::string& path) {
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) throw_io("stat", key, path, errno);
    return info;
  }

  [[noreturn]] static void throw_missing_for_set_range(std::string_view key) {
    throw_invalid_argument("set_range of " + quote_key(key) + ": the key does not exist");
  }

  // The open file of `key`, or nullopt when no value has that key (missing, a directory, or
  // not a regular file).
  static std::optional<OpenValue> open_value(std::string_view key, const std::string& path) {
    // O_NONBLOCK so that a FIFO at this path cannot block the open; it changes nothing for the
    // regular files we read.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) {
      if (is_missing_errno(errno)) return std::nullopt;
      throw_io("open", key, path, errno);
    }
    const struct stat info = fstat_or_throw(fd, key, path);
    if (!S_ISREG(info.st_mode)) return std::nullopt;
    return OpenValue{std::move(fd), static_cast<uint64_t>(info.st_size)};
  }

  static Bytes read_range(const OpenValue& value, const ByteRange& range, std::string_view key,
                          const std::string& path) {
    // The bound is the file's size from fstat, so a range can never make us allocate or read
    // more than the file holds.
    const auto [begin, end] = range.resolve(value.size);
    Bytes out(end - begin);
    stores_internal::pread_exact(value.fd.get(), out, begin, key, path);
    return out;
  }

  // mkdir -p for the directories of `key`; a component that exists as a file fails later, when
  // the temp file cannot be created under it (ENOTDIR).
  void create_parent_dirs(std::string_view key) const {
    for (size_t slash = key.find('/'); slash != std::string_view::npos;
         slash = key.find('/', slash + 1)) {
      const std::string dir = path_of(key.substr(0, slash));
      if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
        throw_io("create directory for", key, dir, errno);
      }
    }
  }

  // A new, exclusively created temp file in the target's directory (creating the directory if
  // needed), named ".<name>.tmp\<pid>.<n>": a backslash makes it an invalid key.
  std::pair<std::string, UniqueFd> create_temp_file(std::string_view key,
                                                    const std::string& path) const {
    const size_t slash = path.rfind('/');
    const std::string_view dir = std::string_view(path).substr(0, slash + 1);
    const std::string_view name = std::string_view(path).substr(slash + 1);
    const std::string stem = std::string(dir) + "." +
                             std::string(name.substr(0, kTempNameStemBytes)) + ".tmp\\" +
                             std::to_string(::getpid()) + ".";
    int err = 0;
    std::string temp_path;
    for (int attempt = 0; attempt < kMaxCreateAttempts; ++attempt) {
      temp_path = stem + std::to_string(temp_counter.fetch_add(1, std::memory_order_relaxed));
      UniqueFd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
      if (fd.valid()) return {std::move(temp_path), std::move(fd)};
      err = errno;
      if (err == ENOENT) {
        create_parent_dirs(key);
      } else if (err != EEXIST) {
        break;
      }
    }
    throw_io("create a temporary file for", key, temp_path, err);
  }

  const std::string root_;
};

}  // namespace

std::shared_ptr<Store> make_filesystem_store(const std::filesystem::path& root, bool create) {
  return std::make_shared<FilesystemStore>(root, create);
}

}  // namespace zarrphase
