// Helpers shared by the store implementations; not part of the public API.
#ifndef ZARRPHASE_SRC_STORES_STORE_INTERNAL_H_
#define ZARRPHASE_SRC_STORES_STORE_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "zarrphase/store.h"

namespace zarrphase::stores_internal {

// `key` in double quotes, non-printable bytes escaped and long keys cut short, for messages.
std::string quote_key(std::string_view key);

// Why `segment` (one '/'-free part of a key) is not allowed, or nullptr when it is.
const char* segment_problem(std::string_view segment);
bool is_valid_segment(std::string_view segment);

// `prefix` validated and made a directory prefix: "" stays "", "a" and "a/" both become "a/".
std::string as_dir_prefix(std::string_view prefix);

// The keys and child prefixes directly under `dir` ("" or ending with '/'), given every key
// under it in sorted order.
DirListing dir_listing_from_keys(std::string_view dir, const std::vector<std::string>& keys);

}  // namespace zarrphase::stores_internal

#endif  // ZARRPHASE_SRC_STORES_STORE_INTERNAL_H_
