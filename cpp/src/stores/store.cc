// What every store shares: byte-range resolution, key validation, and the Store defaults that a
// store overrides only when it can do better (one lock, one open file).
#include "zarrphase/store.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "stores/store_internal.h"
#include "zarrphase/error.h"

namespace zarrphase {

std::pair<uint64_t, uint64_t> ByteRange::resolve(uint64_t size) const {
  switch (kind) {
    case Kind::kAll:
      return {0, size};
    case Kind::kRange: {
      // Written so that offset + length never overflows: both are caller-controlled.
      const uint64_t begin = std::min(offset, size);
      return {begin, begin + std::min(length, size - begin)};
    }
    case Kind::kFromOffset:
      return {std::min(offset, size), size};
    case Kind::kSuffix:
      return {size - std::min(length, size), size};
  }
  return {0, 0};
}

namespace stores_internal {

std::string quote_key(std::string_view key) {
  // Keys reach messages from untrusted callers: escape what a terminal would mangle and bound
  // the length so one bad key cannot flood a log.
  constexpr size_t kMaxShown = 200;
  std::string out = "\"";
  for (size_t i = 0; i < key.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (key.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

const char* segment_problem(std::string_view segment) {
  if (segment.empty()) return "empty segment";
  if (segment == ".") return "'.' segment";
  if (segment == "..") return "'..' segment (would escape the store root)";
  if (segment.find('\\') != std::string_view::npos) return "backslash";
  if (segment.find('\0') != std::string_view::npos) return "NUL byte";
  return nullptr;
}

bool is_valid_segment(std::string_view segment) { return segment_problem(segment) == nullptr; }

}  // namespace stores_internal

namespace {

using stores_internal::quote_key;

[[noreturn]] void throw_bad_key(std::string_view what, std::string_view key, const char* problem) {
  throw Error(ErrorCode::kInvalidKey,
              std::string(what) + " " + quote_key(key) + " is not a valid key: " + problem);
}

void check_segments(std::string_view what, std::string_view full, std::string_view path) {
  if (path.empty()) throw_bad_key(what, full, "empty key");
  if (path.front() == '/') throw_bad_key(what, full, "absolute path (leading '/')");
  if (path.back() == '/') throw_bad_key(what, full, "trailing '/'");
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string_view segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (const char* problem = stores_internal::segment_problem(segment)) {
      throw_bad_key(what, full, problem);
    }
    if (slash == std::string_view::npos) return;
    start = slash + 1;
  }
}

}  // namespace

void validate_key(std::string_view key) { check_segments("store key", key, key); }

void validate_prefix(std::string_view prefix) {
  if (prefix.empty()) return;
  std::string_view body = prefix;
  if (body.back() == '/') body.remove_suffix(1);
  if (body.empty()) throw_bad_key("store prefix", prefix, "absolute path (leading '/')");
  check_segments("store prefix", prefix, body);
}

std::optional<std::vector<Bytes>> Store::get_ranges(std::string_view key,
                                                    std::span<const ByteRange> ranges) {
  validate_key(key);
  // Each get reads the value afresh, so a concurrent set between two of them can mix versions;
  // stores that can read all ranges from one snapshot (one lock, one open file) override this.
  std::vector<Bytes> parts;
  parts.reserve(ranges.size());
  for (const ByteRange& range : ranges) {
    std::optional<Bytes> part = get(key, range);
    if (!part) return std::nullopt;
    parts.push_back(std::move(*part));
  }
  return parts;
}

SharedBytes SharedBytes::adopt(Bytes value) {
  auto owned = std::make_shared<const Bytes>(std::move(value));
  const ByteView bytes(*owned);
  return {std::move(owned), bytes};
}

std::optional<std::vector<SharedBytes>> Store::get_ranges_shared(
    std::string_view key, std::span<const ByteRange> ranges) {
  std::optional<std::vector<Bytes>> parts = get_ranges(key, ranges);
  if (!parts) return std::nullopt;
  std::vector<SharedBytes> shared;
  shared.reserve(parts->size());
  for (Bytes& part : *parts) shared.push_back(SharedBytes::adopt(std::move(part)));
  return shared;
}

bool Store::visit_ranges(std::string_view key, std::span<const ByteRange> ranges,
                         const RangeVisitor& visit) {
  std::optional<std::vector<SharedBytes>> parts = get_ranges_shared(key, ranges);
  if (!parts) return false;
  if (parts->size() != ranges.size()) {
    throw Error(ErrorCode::kIo, "store returned " + std::to_string(parts->size()) +
                                    " ranges of key " + quote_key(key) + " for " +
                                    std::to_string(ranges.size()) + " requested");
  }
  for (size_t i = 0; i < parts->size(); ++i) visit(i, (*parts)[i].bytes);
  return true;
}

void Store::set_range(std::string_view key, uint64_t /*offset*/, ByteView /*value*/) {
  validate_key(key);
  throw_unsupported("set_range of " + quote_key(key) +
                    ": this store does not support byte-range writes");
}

void Store::erase_prefix(std::string_view prefix) {
  validate_prefix(prefix);
  for (const std::string& key : list(prefix)) erase(key);
}

DirListing Store::list_dir(std::string_view prefix) {
  const std::string dir = stores_internal::as_dir_prefix(prefix);
  return stores_internal::dir_listing_from_keys(dir, list(dir));
}

namespace stores_internal {

std::string as_dir_prefix(std::string_view prefix) {
  validate_prefix(prefix);
  std::string dir(prefix);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir;
}

DirListing dir_listing_from_keys(std::string_view dir, const std::vector<std::string>& keys) {
  DirListing listing;
  for (const std::string& key : keys) {
    const std::string_view rest = std::string_view(key).substr(dir.size());
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
      listing.keys.push_back(key);
      continue;
    }
    // In sorted keys every key under one child prefix is adjacent (anything sorting between two
    // strings that share a prefix shares it too), and children come out in sorted order.
    std::string child = key.substr(0, dir.size() + slash + 1);
    if (listing.prefixes.empty() || listing.prefixes.back() != child) {
      listing.prefixes.push_back(std::move(child));
    }
  }
  return listing;
}

}  // namespace stores_internal
}  // namespace zarrphase
