// The in-process store: a sorted map of immutable values behind a reader-writer lock.
//
// Values are shared_ptr<const Bytes> and never modified once stored, so the lock guards only the
// map: a reader takes a reference under the shared lock and copies its bytes after releasing
// it, and a writer builds the new value before taking the exclusive lock and swaps it in. Lock
// hold times stay tiny whatever the value size, so a stream of readers of big values cannot
// starve writers (glibc's rwlock prefers readers), and every read sees one whole version.
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "stores/store_internal.h"
#include "zarrphase/error.h"
#include "zarrphase/store.h"

namespace zarrphase {
namespace {

using stores_internal::quote_key;

using Value = std::shared_ptr<const Bytes>;

Bytes copy_range(const Bytes& value, const ByteRange& range) {
  const auto [begin, end] = range.resolve(value.size());
  return Bytes(value.begin() + static_cast<std::ptrdiff_t>(begin),
               value.begin() + static_cast<std::ptrdiff_t>(end));
}

class MemoryStore final : public Store {
 public:
  std::optional<Bytes> get(std::string_view key, ByteRange range) override {
    validate_key(key);
    const Value value = find(key);
    if (!value) return std::nullopt;
    return copy_range(*value, range);
  }

  std::optional<std::vector<Bytes>> get_ranges(std::string_view key,
                                               std::span<const ByteRange> ranges) override {
    validate_key(key);
    // One reference for all ranges: they all come from the same version of the value.
    const Value value = find(key);
    if (!value) return std::nullopt;
    std::vector<Bytes> parts;
    parts.reserve(ranges.size());
    for (const ByteRange& range : ranges) parts.push_back(copy_range(*value, range));
    return parts;
  }

  std::optional<std::vector<SharedBytes>> get_ranges_shared(
      std::string_view key, std::span<const ByteRange> ranges) override {
    validate_key(key);
    // A stored value is never modified (set and set_range swap in a new one), so lending views
    // of it is as safe as copying: each view keeps the version it saw alive.
    const Value value = find(key);
    if (!value) return std::nullopt;
    std::vector<SharedBytes> parts;
    parts.reserve(ranges.size());
    for (const ByteRange& range : ranges) {
      const auto [begin, end] = range.resolve(value->size());
      parts.push_back({value, ByteView(*value).subspan(begin, end - begin)});
    }
    return parts;
  }

  std::optional<uint64_t> size(std::string_view key) override {
    validate_key(key);
    const Value value = find(key);
    if (!value) return std::nullopt;
    return value->size();
  }

  void set(std::string_view key, ByteView value) override {
    validate_key(key);
    Value incoming = std::make_shared<const Bytes>(to_bytes(value));
    std::string owned_key(key);
    std::unique_lock lock(mutex_);
    // Swap rather than assign: the old value leaves in `incoming` and is freed after unlocking
    // (locals are destroyed after `lock`, which was declared after them).
    values_[std::move(owned_key)].swap(incoming);
  }

  bool supports_set_range() const override { return true; }

  void set_range(std::string_view key, uint64_t offset, ByteView value) override {
    validate_key(key);
    // Copy-on-write, optimistically: patch a copy unlocked, then install it only if no other
    // writer replaced the value meanwhile (else redo with theirs). Readers never see a half
    // patch, which the filesystem store does not promise but which costs nothing here.
    while (true) {
      const Value current = find(key);
      if (!current) {
        throw_invalid_argument("set_range of " + quote_key(key) + ": the key does not exist");
      }
      if (offset > current->size() || value.size() > current->size() - offset) {
        throw_invalid_argument("set_range of " + quote_key(key) + ": bytes [" +
                               std::to_string(offset) + ", +" + std::to_string(value.size()) +
                               ") reach past the end of the " + std::to_string(current->size()) +
                               "-byte value");
      }
      auto patched = std::make_shared<Bytes>(*current);
      if (!value.empty()) std::memcpy(patched->data() + offset, value.data(), value.size());
      Value replaced = std::move(patched);
      std::unique_lock lock(mutex_);
      const auto it = values_.find(key);
      if (it == values_.end() || it->second != current) continue;  // raced; retry
      it->second.swap(replaced);
      return;
    }
  }

  void erase(std::string_view key) override {
    validate_key(key);
    decltype(values_)::node_type removed;
    std::unique_lock lock(mutex_);
    const auto it = values_.find(key);
    if (it != values_.end()) removed = values_.extract(it);
  }

  void erase_prefix(std::string_view prefix) override {
    validate_prefix(prefix);
    // Erased under one lock, so no reader sees half the prefix gone; freed after unlocking.
    std::vector<decltype(values_)::node_type> removed;
    std::unique_lock lock(mutex_);
    auto it = values_.lower_bound(prefix);
    while (it != values_.end() && std::string_view(it->first).starts_with(prefix)) {
      removed.push_back(values_.extract(it++));
    }
  }

  std::vector<std::string> list(std::string_view prefix) override {
    validate_prefix(prefix);
    std::vector<std::string> keys;
    std::shared_lock lock(mutex_);
    for (auto it = values_.lower_bound(prefix);
         it != values_.end() && std::string_view(it->first).starts_with(prefix); ++it) {
      keys.push_back(it->first);
    }
    return keys;
  }

 private:
  Value find(std::string_view key) const {
    std::shared_lock lock(mutex_);
    const auto it = values_.find(key);
    return it == values_.end() ? nullptr : it->second;
  }

  mutable std::shared_mutex mutex_;
  // Sorted, so list() is a range scan; std::less<> allows lookups by string_view.
  std::map<std::string, Value, std::less<>> values_;
};

}  // namespace

std::shared_ptr<Store> make_memory_store() { return std::make_shared<MemoryStore>(); }

}  // namespace zarrphase
