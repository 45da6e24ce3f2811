// Store::visit_ranges on every store: the bytes get_ranges would return, one range at a time and
// in order, on the calling thread; missing keys, visitors that throw or read again; and the
// filesystem store's per-thread buffer (reused while in the cache, never clobbered by a nested
// visit).
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "stores/read_buffer_pool.h"
#include "support/expect_error.h"
#include "support/store_kinds.h"
#include "zarrphase/error.h"
#include "zarrphase/store.h"

namespace zarrphase {
namespace {

template <typename Kind>
class VisitRanges : public ::testing::Test {
 protected:
  // Every range's bytes as text, in the order visited, with the index each came with.
  std::optional<std::vector<std::pair<size_t, std::string>>> Visit(
      std::string_view key, std::span<const ByteRange> ranges) {
    std::vector<std::pair<size_t, std::string>> seen;
    const std::thread::id caller = std::this_thread::get_id();
    const bool found = store_->visit_ranges(key, ranges, [&](size_t i, ByteView bytes) {
      EXPECT_EQ(std::this_thread::get_id(), caller);
      seen.emplace_back(i, std::string(as_string_view(bytes)));
    });
    if (!found) {
      EXPECT_TRUE(seen.empty());
      return std::nullopt;
    }
    return seen;
  }

  Kind kind_;
  std::shared_ptr<Store> store_ = kind_.make();
};

TYPED_TEST_SUITE(VisitRanges, testing::StoreKinds, testing::StoreKindNames);

using Seen = std::vector<std::pair<size_t, std::string>>;

TYPED_TEST(VisitRanges, VisitsWhatGetRangesReturnsInOrder) {
  this->store_->set("c/0", as_bytes("0123456789abcdef"));
  const ByteRange ranges[] = {ByteRange::suffix(4),     ByteRange::range(0, 2),
                              ByteRange::range(14, 10), ByteRange::from_offset(10),
                              ByteRange::range(100, 1), ByteRange::all()};
  EXPECT_EQ(
      this->Visit("c/0", ranges),
      (Seen{{0, "cdef"}, {1, "01"}, {2, "ef"}, {3, "abcdef"}, {4, ""}, {5, "0123456789abcdef"}}));
  EXPECT_EQ(this->Visit("c/1", ranges), std::nullopt);
  EXPECT_EQ(this->Visit("c/0", {}), Seen{});
  testing::ExpectError([&] { this->Visit("../c/0", ranges); }, ErrorCode::kInvalidKey,
                       {"not a valid key"});
  EXPECT_EQ(this->store_->prefers_visit_ranges(), TypeParam::kPrefersVisits);
}

TYPED_TEST(VisitRanges, AThrowingVisitorStopsTheReadsAndTheStoreCarriesOn) {
  this->store_->set("k", as_bytes("abcdef"));
  const ByteRange ranges[] = {ByteRange::range(0, 2), ByteRange::range(2, 2),
                              ByteRange::range(4, 2)};
  size_t visits = 0;
  EXPECT_THROW(this->store_->visit_ranges("k", ranges,
                                          [&](size_t i, ByteView) {
                                            ++visits;
                                            if (i == 1) throw std::runtime_error("stop");
                                          }),
               std::runtime_error);
  EXPECT_EQ(visits, 2u);
  EXPECT_EQ(this->Visit("k", ranges), (Seen{{0, "ab"}, {1, "cd"}, {2, "ef"}}));
}

TYPED_TEST(VisitRanges, AVisitorMayReadAgainWithoutClobberingItsBytes) {
  this->store_->set("outer", as_bytes("outer value"));
  this->store_->set("inner", as_bytes("INNER"));
  const ByteRange all[] = {ByteRange::all()};
  std::string inner_seen;
  std::string outer_after;
  this->store_->visit_ranges("outer", all, [&](size_t, ByteView outer) {
    this->store_->visit_ranges("inner", all, [&](size_t, ByteView inner) {
      inner_seen = std::string(as_string_view(inner));
    });
    outer_after = std::string(as_string_view(outer));
  });
  EXPECT_EQ(inner_seen, "INNER");
  EXPECT_EQ(outer_after, "outer value");
}

TYPED_TEST(VisitRanges, LargeAndRepeatedRangesReadWhole) {
  // Above the per-thread buffer's cap, and below it many times (the buffer reused).
  std::string big(stores_internal::kMaxThreadReadBufferBytes + 4099, 'x');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  this->store_->set("big", as_bytes(big));
  const ByteRange ranges[] = {ByteRange::all(), ByteRange::range(1000, 70000),
                              ByteRange::range(5, 3), ByteRange::range(1 << 20, 2 << 20)};
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(this->Visit("big", ranges), (Seen{{0, big},
                                                {1, big.substr(1000, 70000)},
                                                {2, big.substr(5, 3)},
                                                {3, big.substr(1 << 20, 2 << 20)}}));
  }
}

TEST(ScopedReadBufferTest, ReusesTheThreadsBufferUpToItsCap) {
  const std::byte* first = nullptr;
  {
    const stores_internal::ScopedReadBuffer a(1000);
    EXPECT_EQ(a.bytes().size(), 1000u);
    first = a.bytes().data();
    // In use: a second buffer on this thread is another one.
    const stores_internal::ScopedReadBuffer b(10);
    EXPECT_NE(b.bytes().data(), first);
  }
  const stores_internal::ScopedReadBuffer again(500);
  EXPECT_EQ(again.bytes().data(), first);
  const stores_internal::ScopedReadBuffer big(stores_internal::kMaxThreadReadBufferBytes + 1);
  EXPECT_EQ(big.bytes().size(), stores_internal::kMaxThreadReadBufferBytes + 1);
}

}  // namespace
}  // namespace zarrphase
