// Store::get_ranges_shared on every store (the same answers as get_ranges, bytes that outlive
// later changes to the key) and the filesystem store's recycled read buffers.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stores/read_buffer_pool.h"
#include "support/expect_error.h"
#include "support/store_kinds.h"
#include "zarrphase/error.h"
#include "zarrphase/store.h"

namespace zarrphase {
namespace {

template <typename Kind>
class SharedReads : public ::testing::Test {
 protected:
  Kind kind_;
  std::shared_ptr<Store> store_ = kind_.make();
};

TYPED_TEST_SUITE(SharedReads, testing::StoreKinds, testing::StoreKindNames);

std::vector<std::string> Texts(const std::vector<SharedBytes>& parts) {
  std::vector<std::string> texts;
  for (const SharedBytes& part : parts) texts.emplace_back(as_string_view(part.bytes));
  return texts;
}

TYPED_TEST(SharedReads, AnswersAsGetRangesDoes) {
  this->store_->set("c/0", as_bytes("0123456789abcdef"));
  const ByteRange ranges[] = {ByteRange::suffix(4),     ByteRange::range(0, 2),
                              ByteRange::range(14, 10), ByteRange::from_offset(10),
                              ByteRange::range(100, 1), ByteRange::all()};
  const std::optional<std::vector<SharedBytes>> shared =
      this->store_->get_ranges_shared("c/0", ranges);
  ASSERT_TRUE(shared.has_value());
  EXPECT_EQ(Texts(*shared),
            (std::vector<std::string>{"cdef", "01", "ef", "abcdef", "", "0123456789abcdef"}));
  for (const SharedBytes& part : *shared) EXPECT_NE(part.owner, nullptr);
  EXPECT_EQ(this->store_->get_ranges_shared("c/1", ranges), std::nullopt);
  testing::ExpectError([&] { this->store_->get_ranges_shared("../c/0", ranges); },
                       ErrorCode::kInvalidKey, {"not a valid key"});
}

TYPED_TEST(SharedReads, LentBytesSurviveLaterChangesToTheKey) {
  this->store_->set("k", as_bytes("first version"));
  const ByteRange all[] = {ByteRange::all()};
  std::optional<std::vector<SharedBytes>> before = this->store_->get_ranges_shared("k", all);
  ASSERT_TRUE(before.has_value());
  this->store_->set("k", as_bytes("second"));
  this->store_->set_range("k", 0, as_bytes("S"));
  EXPECT_EQ(Texts(*before), (std::vector<std::string>{"first version"}));
  this->store_->erase("k");
  EXPECT_EQ(Texts(*before), (std::vector<std::string>{"first version"}));
}

TYPED_TEST(SharedReads, LargeValuesReadWhole) {
  // Above the pool's threshold: the filesystem store reads into a recycled buffer.
  std::string big(stores_internal::kMinPooledBytes * 3 + 5, 'x');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  this->store_->set("big", as_bytes(big));
  const ByteRange ranges[] = {ByteRange::all(), ByteRange::range(1000, 70000)};
  for (int round = 0; round < 3; ++round) {  // later rounds reuse the first round's buffers
    const std::optional<std::vector<SharedBytes>> parts =
        this->store_->get_ranges_shared("big", ranges);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(Texts(*parts), (std::vector<std::string>{big, big.substr(1000, 70000)}));
  }
}

TEST(ReadBufferPoolTest, RecyclesLargeBuffersWithinTwiceTheSizeNeeded) {
  using stores_internal::acquire_read_buffer;
  const uint64_t size = (3 << 20) + 17;  // a size no other test uses
  const std::byte* first_memory = nullptr;
  {
    const std::shared_ptr<Bytes> first = acquire_read_buffer(size);
    ASSERT_EQ(first->size(), size);
    first_memory = first->data();
  }
  // Returned on release: the next buffer of a size it can hold uses the same memory...
  const uint64_t idle = stores_internal::pooled_read_buffer_bytes();
  EXPECT_GE(idle, size);
  {
    const std::shared_ptr<Bytes> again = acquire_read_buffer(size - 100);
    EXPECT_EQ(again->size(), size - 100);
    EXPECT_EQ(again->data(), first_memory);
    EXPECT_EQ(stores_internal::pooled_read_buffer_bytes(), idle - size);
  }
  // ...but not a buffer less than half its capacity, which would waste the rest.
  const std::shared_ptr<Bytes> small = acquire_read_buffer(size / 2 - 1);
  EXPECT_NE(small->data(), first_memory);
  EXPECT_EQ(small->size(), size / 2 - 1);
}

TEST(ReadBufferPoolTest, SmallBuffersAreNotKept) {
  const uint64_t idle = stores_internal::pooled_read_buffer_bytes();
  { const std::shared_ptr<Bytes> small = stores_internal::acquire_read_buffer(100); }
  EXPECT_EQ(stores_internal::pooled_read_buffer_bytes(), idle);
  const std::shared_ptr<Bytes> empty = stores_internal::acquire_read_buffer(0);
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace zarrphase
