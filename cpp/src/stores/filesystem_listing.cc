#include "stores/filesystem_listing.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "stores/posix_file.h"
#include "stores/store_internal.h"

namespace zarrphase::stores_internal {
namespace {

namespace fs = std::filesystem;

enum class EntryKind { kValue, kDirectory, kOther };

EntryKind classify(const fs::directory_entry& entry) {
  std::error_code ec;
  // symlink_status usually comes from readdir's d_type, without a stat call.
  const fs::file_type own_type = entry.symlink_status(ec).type();
  if (ec) return EntryKind::kOther;  // vanished since readdir
  if (own_type == fs::file_type::directory) return EntryKind::kDirectory;
  if (own_type == fs::file_type::regular) return EntryKind::kValue;
  if (own_type == fs::file_type::symlink) {
    const fs::file_type target_type = entry.status(ec).type();
    if (!ec && target_type == fs::file_type::regular) return EntryKind::kValue;
  }
  return EntryKind::kOther;
}

bool is_missing(const std::error_code& ec) {
  return ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory;
}

// Calls `visit(entry, name)` for each entry of `dir_path` whose name is a valid key segment.
// Returns false when the directory does not exist (or vanished before it could be opened).
template <typename Visit>
bool for_each_entry(const std::string& dir_path, std::string_view prefix, Visit&& visit) {
  std::error_code ec;
  fs::directory_iterator it(dir_path, ec);
  if (ec) {
    if (is_missing(ec)) return false;
    throw_io("list", prefix, dir_path, ec.value());
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().native();
    if (is_valid_segment(name)) visit(*it, name);
  }
  // increment() leaves the iterator at end on failure; a vanished directory is simply done.
  if (ec && !is_missing(ec)) throw_io("list", prefix, dir_path, ec.value());
  return true;
}

bool has_any_key(const std::string& dir_path, std::string_view prefix) {
  bool found = false;
  std::error_code ec;
  fs::directory_iterator it(dir_path, ec);
  if (ec) {
    if (is_missing(ec)) return false;
    throw_io("list", prefix, dir_path, ec.value());
  }
  // Depth-first and stopping at the first value: cheap even for a chunk tree of millions.
  for (; !found && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().native();
    if (!is_valid_segment(name)) continue;
    switch (classify(*it)) {
      case EntryKind::kValue:
        found = true;
        break;
      case EntryKind::kDirectory:
        found = has_any_key(it->path().native(), prefix);
        break;
      case EntryKind::kOther:
        break;
    }
  }
  if (!found && ec && !is_missing(ec)) throw_io("list", prefix, dir_path, ec.value());
  return found;
}

}  // namespace

void collect_keys(const std::string& dir_path, const std::string& dir_key,
                  std::string_view name_filter, std::string_view prefix,
                  std::vector<std::string>& keys) {
  for_each_entry(dir_path, prefix, [&](const fs::directory_entry& entry, const std::string& name) {
    if (!name.starts_with(name_filter)) return;
    switch (classify(entry)) {
      case EntryKind::kValue:
        keys.push_back(dir_key + name);
        break;
      case EntryKind::kDirectory:
        collect_keys(entry.path().native(), dir_key + name + "/", "", prefix, keys);
        break;
      case EntryKind::kOther:
        break;
    }
  });
}

DirListing list_directory(const std::string& dir_path, const std::string& dir_key) {
  DirListing listing;
  for_each_entry(dir_path, dir_key, [&](const fs::directory_entry& entry, const std::string& name) {
    switch (classify(entry)) {
      case EntryKind::kValue:
        listing.keys.push_back(dir_key + name);
        break;
      case EntryKind::kDirectory:
        if (has_any_key(entry.path().native(), dir_key)) {
          listing.prefixes.push_back(dir_key + name + "/");
        }
        break;
      case EntryKind::kOther:
        break;
    }
  });
  std::sort(listing.keys.begin(), listing.keys.end());
  std::sort(listing.prefixes.begin(), listing.prefixes.end());
  return listing;
}

void remove_tree(const std::string& dir_path, bool remove_self, std::string_view prefix) {
  std::error_code ec;
  fs::directory_iterator it(dir_path, ec);
  if (ec) {
    if (is_missing(ec)) return;
    throw_io("erase prefix", prefix, dir_path, ec.value());
  }
  // Every entry goes, valid key or not: temporary files and strays under the prefix too.
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    const bool is_dir = it->symlink_status(type_ec).type() == fs::file_type::directory;
    if (type_ec) continue;  // vanished since readdir
    const std::string& child = it->path().native();
    if (is_dir) {
      remove_tree(child, true, prefix);
    } else if (::unlink(child.c_str()) != 0 && errno != ENOENT) {
      throw_io("erase prefix", prefix, child, errno);
    }
  }
  if (ec && !is_missing(ec)) throw_io("erase prefix", prefix, dir_path, ec.value());
  // ENOTEMPTY here means a concurrent set wrote a new key after we emptied the directory; that
  // write happened after the erase, so it stays.
  if (remove_self && ::rmdir(dir_path.c_str()) != 0 && errno != ENOENT && errno != ENOTEMPTY &&
      errno != EEXIST) {
    throw_io("erase prefix", prefix, dir_path, errno);
  }
}

}  // namespace zarrphase::stores_internal
