// Directory walks for the filesystem store: listing keys, finding child prefixes, and removing
// a prefix's directory tree. They tolerate entries vanishing mid-walk (a concurrent erase).
//
// What counts as a value: a regular file, or a symlink to one, whose path relative to the root
// is a valid key. Directories are walked; symlinks to directories are not (no loops, and the
// same rule as zarr-python's LocalStore listing). Anything else (FIFOs, sockets, files whose
// names are not valid key segments, such as the store's own temporary files) is not a value.
#ifndef ZARRPHASE_SRC_STORES_FILESYSTEM_LISTING_H_
#define ZARRPHASE_SRC_STORES_FILESYSTEM_LISTING_H_

#include <string>
#include <string_view>
#include <vector>

#include "zarrphase/store.h"

namespace zarrphase::stores_internal {

// Appends every key found under directory `dir_path`, which holds the keys starting with
// `dir_key` ("" or ending with '/'). At the top level only entries whose names start with
// `name_filter` count. A missing directory holds no keys. `prefix` names the request in errors.
void collect_keys(const std::string& dir_path, const std::string& dir_key,
                  std::string_view name_filter, std::string_view prefix,
                  std::vector<std::string>& keys);

// The values and non-empty child directories directly in `dir_path` (which holds the keys
// starting with `dir_key`), each sorted. An empty child directory (left behind by erase, which
// does not prune, like zarr-python) is not a child prefix: no key starts with it.
DirListing list_directory(const std::string& dir_path, const std::string& dir_key);

// Removes what `dir_path` contains, then the directory itself when `remove_self`. A missing
// directory is already removed. Symlinks are removed, never followed.
void remove_tree(const std::string& dir_path, bool remove_self, std::string_view prefix);

}  // namespace zarrphase::stores_internal

#endif  // ZARRPHASE_SRC_STORES_FILESYSTEM_LISTING_H_
