// The Store contract, run against every store: the engine must not be able to tell them apart.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/store_kinds.h"
#include "zarrphase/error.h"
#include "zarrphase/store.h"

namespace zarrphase {
namespace {

using namespace std::string_literals;
using Strings = std::vector<std::string>;

template <typename Kind>
class StoreConformance : public ::testing::Test {
 protected:
  void put(const std::string& key, std::string_view value) { store_->set(key, as_bytes(value)); }
  std::optional<std::string> get(const std::string& key, ByteRange range = ByteRange::all()) {
    std::optional<Bytes> value = store_->get(key, range);
    if (!value) return std::nullopt;
    return std::string(as_string_view(*value));
  }
  // A small array-like tree: metadata, chunks, and a nested group.
  void put_tree() {
    for (const char* key : {"zarr.json", "c/0/0", "c/0/1", "c/1/0", "c/10/0", ".zattrs", "b",
                            "sub/zarr.json", "sub/c/0"}) {
      put(key, std::string("value of ") + key);
    }
  }

  Kind kind_;
  std::shared_ptr<Store> store_ = kind_.make();
};

TYPED_TEST_SUITE(StoreConformance, testing::StoreKinds, testing::StoreKindNames);

TYPED_TEST(StoreConformance, MissingKeysAreNotErrors) {
  EXPECT_EQ(this->store_->get("zarr.json"), std::nullopt);
  EXPECT_EQ(this->store_->get("c/0/0", ByteRange::range(0, 4)), std::nullopt);
  EXPECT_EQ(this->store_->size("c/0/0"), std::nullopt);
  EXPECT_FALSE(this->store_->exists("c/0/0"));
  const ByteRange ranges[] = {ByteRange::all()};
  EXPECT_EQ(this->store_->get_ranges("c/0/0", ranges), std::nullopt);
  EXPECT_NO_THROW(this->store_->erase("c/0/0"));
  EXPECT_NO_THROW(this->store_->erase_prefix("c/"));
  EXPECT_TRUE(this->store_->list().empty());
  EXPECT_TRUE(this->store_->list("c/").empty());
  const DirListing listing = this->store_->list_dir("c/");
  EXPECT_TRUE(listing.keys.empty());
  EXPECT_TRUE(listing.prefixes.empty());
}

TYPED_TEST(StoreConformance, SetThenGetRoundTripsArbitraryBytes) {
  const std::string binary = "\0\x01\xff\xfe zarr \0\0 end"s;
  this->put("c/0/0", binary);
  this->put("zarr.json", R"({"zarr_format": 3})");
  EXPECT_EQ(this->get("c/0/0"), binary);
  EXPECT_EQ(this->get("zarr.json"), R"({"zarr_format": 3})");
  EXPECT_EQ(this->store_->size("c/0/0"), binary.size());
  EXPECT_TRUE(this->store_->exists("zarr.json"));
}

TYPED_TEST(StoreConformance, EmptyValueExistsAndIsEmpty) {
  this->put("empty", "");
  EXPECT_EQ(this->get("empty"), "");
  EXPECT_EQ(this->store_->size("empty"), 0u);
  EXPECT_TRUE(this->store_->exists("empty"));
  EXPECT_EQ(this->get("empty", ByteRange::range(0, 10)), "");
  EXPECT_EQ(this->get("empty", ByteRange::suffix(3)), "");
}

TYPED_TEST(StoreConformance, SetReplacesTheWholeValue) {
  this->put("k", "a long first value");
  this->put("k", "short");
  EXPECT_EQ(this->get("k"), "short");
  this->put("k", "a much longer third value than before");
  EXPECT_EQ(this->get("k"), "a much longer third value than before");
  EXPECT_EQ(this->store_->list(), Strings{"k"});
}

TYPED_TEST(StoreConformance, EveryRangeKind) {
  this->put("a/b", "0123456789");
  EXPECT_EQ(this->get("a/b", ByteRange::all()), "0123456789");
  EXPECT_EQ(this->get("a/b", ByteRange::range(2, 3)), "234");
  EXPECT_EQ(this->get("a/b", ByteRange::range(0, 10)), "0123456789");
  EXPECT_EQ(this->get("a/b", ByteRange::from_offset(8)), "89");
  EXPECT_EQ(this->get("a/b", ByteRange::from_offset(0)), "0123456789");
  EXPECT_EQ(this->get("a/b", ByteRange::suffix(4)), "6789");
  EXPECT_EQ(this->get("a/b", ByteRange::suffix(10)), "0123456789");
}

TYPED_TEST(StoreConformance, RangesPastTheEndAreClampedToEmptyNotMissing) {
  this->put("a/b", "0123456789");
  EXPECT_EQ(this->get("a/b", ByteRange::range(8, 100)), "89");
  EXPECT_EQ(this->get("a/b", ByteRange::range(10, 5)), "");
  EXPECT_EQ(this->get("a/b", ByteRange::range(50, 5)), "");
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(this->get("a/b", ByteRange::range(max, max)), "");
  EXPECT_EQ(this->get("a/b", ByteRange::range(3, max)), "3456789");
  EXPECT_EQ(this->get("a/b", ByteRange::from_offset(11)), "");
  EXPECT_EQ(this->get("a/b", ByteRange::suffix(100)), "0123456789");
  EXPECT_EQ(this->get("a/b", ByteRange::suffix(0)), "");
  EXPECT_EQ(this->get("a/b", ByteRange::range(4, 0)), "");
}

TYPED_TEST(StoreConformance, GetRangesReadsManyRangesOfOneKey) {
  this->put("shard", "0123456789abcdef");
  const ByteRange ranges[] = {ByteRange::suffix(4),     ByteRange::range(0, 2),
                              ByteRange::range(14, 10), ByteRange::from_offset(10),
                              ByteRange::range(100, 1), ByteRange::all()};
  const std::optional<std::vector<Bytes>> parts = this->store_->get_ranges("shard", ranges);
  ASSERT_TRUE(parts.has_value());
  Strings text;
  for (const Bytes& part : *parts) text.emplace_back(as_string_view(part));
  EXPECT_EQ(text, (Strings{"cdef", "01", "ef", "abcdef", "", "0123456789abcdef"}));

  const std::optional<std::vector<Bytes>> none =
      this->store_->get_ranges("shard", std::span<const ByteRange>());
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TYPED_TEST(StoreConformance, SetRangeOverwritesPartOfAnExistingValue) {
  ASSERT_TRUE(this->store_->supports_set_range());
  this->put("shard", "0123456789");
  this->store_->set_range("shard", 2, as_bytes("ab"));
  EXPECT_EQ(this->get("shard"), "01ab456789");
  this->store_->set_range("shard", 7, as_bytes("xyz"));
  EXPECT_EQ(this->get("shard"), "01ab456xyz");
  this->store_->set_range("shard", 10, as_bytes(""));
  this->store_->set_range("shard", 0, as_bytes("ABCDEFGHIJ"));
  EXPECT_EQ(this->get("shard"), "ABCDEFGHIJ");
  EXPECT_EQ(this->store_->size("shard"), 10u);
}

TYPED_TEST(StoreConformance, SetRangeRejectsGrowthAndMissingKeys) {
  this->put("shard", "0123456789");
  auto expect_invalid = [&](std::string_view key, uint64_t offset, std::string_view value) {
    try {
      this->store_->set_range(key, offset, as_bytes(value));
      ADD_FAILURE() << "set_range(" << key << ", " << offset << ") succeeded";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
      EXPECT_NE(e.message().find(std::string(key)), std::string::npos) << e.what();
    }
  };
  expect_invalid("shard", 9, "ab");
  expect_invalid("shard", 11, "");
  expect_invalid("shard", std::numeric_limits<uint64_t>::max(), "a");
  expect_invalid("missing", 0, "a");
  this->put("dir/child", "x");
  expect_invalid("dir", 0, "a");  // a prefix, not a value
  EXPECT_EQ(this->get("shard"), "0123456789");
  EXPECT_FALSE(this->store_->exists("missing"));
}

TYPED_TEST(StoreConformance, EraseRemovesOnlyThatKey) {
  this->put("a", "1");
  this->put("ab", "2");
  this->put("d/x", "3");
  this->store_->erase("a");
  EXPECT_FALSE(this->store_->exists("a"));
  EXPECT_EQ(this->get("ab"), "2");
  this->store_->erase("a");  // again: a missing key is not an error
  this->store_->erase("d");  // a prefix, not a value: nothing happens
  EXPECT_EQ(this->get("d/x"), "3");
  EXPECT_EQ(this->store_->list(), (Strings{"ab", "d/x"}));
}

TYPED_TEST(StoreConformance, ListIsSortedAndFiltersByStringPrefix) {
  this->put_tree();
  EXPECT_EQ(this->store_->list(), (Strings{".zattrs", "b", "c/0/0", "c/0/1", "c/1/0", "c/10/0",
                                           "sub/c/0", "sub/zarr.json", "zarr.json"}));
  EXPECT_EQ(this->store_->list("c/"), (Strings{"c/0/0", "c/0/1", "c/1/0", "c/10/0"}));
  EXPECT_EQ(this->store_->list("c/1"), (Strings{"c/1/0", "c/10/0"}));
  EXPECT_EQ(this->store_->list("c/1/"), (Strings{"c/1/0"}));
  EXPECT_EQ(this->store_->list("c/0/1"), (Strings{"c/0/1"}));
  EXPECT_EQ(this->store_->list("s"), (Strings{"sub/c/0", "sub/zarr.json"}));
  EXPECT_EQ(this->store_->list("zarr"), (Strings{"zarr.json"}));
  EXPECT_TRUE(this->store_->list("nope/").empty());
  EXPECT_TRUE(this->store_->list("zarr.json/").empty());
}

TYPED_TEST(StoreConformance, ListDirShowsKeysAndChildPrefixes) {
  this->put_tree();
  DirListing root = this->store_->list_dir("");
  EXPECT_EQ(root.keys, (Strings{".zattrs", "b", "zarr.json"}));
  EXPECT_EQ(root.prefixes, (Strings{"c/", "sub/"}));
  DirListing chunks = this->store_->list_dir("c/");
  EXPECT_TRUE(chunks.keys.empty());
  EXPECT_EQ(chunks.prefixes, (Strings{"c/0/", "c/1/", "c/10/"}));
  DirListing sub = this->store_->list_dir("sub");  // same as "sub/"
  EXPECT_EQ(sub.keys, Strings{"sub/zarr.json"});
  EXPECT_EQ(sub.prefixes, Strings{"sub/c/"});
  EXPECT_EQ(this->store_->list_dir("c/0/").keys, (Strings{"c/0/0", "c/0/1"}));
  EXPECT_TRUE(this->store_->list_dir("zarr.json/").keys.empty());
}

TYPED_TEST(StoreConformance, ErasePrefixRemovesEverythingUnderIt) {
  this->put_tree();
  this->store_->erase_prefix("c/0/");
  EXPECT_EQ(this->store_->list("c/"), (Strings{"c/1/0", "c/10/0"}));
  EXPECT_EQ(this->store_->list_dir("c/").prefixes, (Strings{"c/1/", "c/10/"}));
  this->store_->erase_prefix("c/1");  // a string prefix: c/1/ and c/10/
  EXPECT_TRUE(this->store_->list("c/").empty());
  EXPECT_EQ(this->store_->list_dir("").prefixes, Strings{"sub/"});
  this->store_->erase_prefix("zarr.json/");  // a value, not a directory: stays
  EXPECT_TRUE(this->store_->exists("zarr.json"));
  this->store_->erase_prefix("");
  EXPECT_TRUE(this->store_->list().empty());
  const DirListing root = this->store_->list_dir("");
  EXPECT_TRUE(root.keys.empty());
  EXPECT_TRUE(root.prefixes.empty());
  this->put("c/0/0", "again");  // the store still works after being emptied
  EXPECT_EQ(this->get("c/0/0"), "again");
}

TYPED_TEST(StoreConformance, EveryMethodRejectsBadKeysBeforeAnyIo) {
  this->put("a/b", "value");
  const std::vector<std::string> bad = {"",     "/abs", "a/",  "a//b",  ".",    "..",
                                        "../x", "a/..", "./a", "a/./b", "a\\b", "a\0b"s};
  const ByteRange ranges[] = {ByteRange::all()};
  auto expect_bad = [](std::string_view what, std::string_view key, auto&& call) {
    try {
      call();
      ADD_FAILURE() << what << " accepted bad key of " << key.size() << " bytes: " << key;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidKey) << what << ": " << e.what();
    }
  };
  Store& store = *this->store_;
  for (const std::string& key : bad) {
    expect_bad("get", key, [&] { store.get(key); });
    expect_bad("get range", key, [&] { store.get(key, ByteRange::suffix(1)); });
    expect_bad("get_ranges", key, [&] { store.get_ranges(key, ranges); });
    expect_bad("size", key, [&] { store.size(key); });
    expect_bad("exists", key, [&] { store.exists(key); });
    expect_bad("set", key, [&] { store.set(key, as_bytes("x")); });
    expect_bad("set_range", key, [&] { store.set_range(key, 0, as_bytes("x")); });
    expect_bad("erase", key, [&] { store.erase(key); });
  }
  for (const std::string prefix : {"/", "/a/", "a//", "../", "a/../", "./", "a\\b/"}) {
    expect_bad("list", prefix, [&] { store.list(prefix); });
    expect_bad("list_dir", prefix, [&] { store.list_dir(prefix); });
    expect_bad("erase_prefix", prefix, [&] { store.erase_prefix(prefix); });
  }
  EXPECT_EQ(store.list(), Strings{"a/b"});
  EXPECT_EQ(this->get("a/b"), "value");
}

TYPED_TEST(StoreConformance, OrdinaryKeysMayLookOdd) {
  for (const std::string key : {".zarray", "..a", "a..b", "...", "sp ace/x", "\xc3\xa9/\xc3\xbc"}) {
    this->put(key, key);
    EXPECT_EQ(this->get(key), key);
  }
  EXPECT_EQ(this->store_->list(),
            (Strings{"...", "..a", ".zarray", "a..b", "sp ace/x", "\xc3\xa9/\xc3\xbc"}));
}

TYPED_TEST(StoreConformance, LargeValuesRoundTripAndSlice) {
  std::mt19937 random(42);
  std::string big(3 * 1024 * 1024 + 17, '\0');
  for (char& c : big) c = static_cast<char>(random());
  this->put("c/big", big);
  EXPECT_EQ(this->get("c/big"), big);
  EXPECT_EQ(this->get("c/big", ByteRange::range(1'000'000, 4096)), big.substr(1'000'000, 4096));
  EXPECT_EQ(this->get("c/big", ByteRange::suffix(100)), big.substr(big.size() - 100));
}

TYPED_TEST(StoreConformance, ConcurrentReadersNeverSeeATornValue) {
  // Two values of different lengths and contents: a torn read shows as mixed bytes or a length
  // that does not match the byte.
  const std::string value_a(64 * 1024, 'a');
  const std::string value_b(160 * 1024 + 3, 'b');
  this->put("c/0", value_a);
  std::atomic<bool> stop{false};
  std::atomic<int> readers_started{0};
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      while (readers_started.load() < 3) std::this_thread::yield();  // make them overlap
      for (int i = 0; i < 150; ++i) this->put("c/0", (i + w) % 2 ? value_a : value_b);
    });
  }
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&] {
      ++readers_started;
      do {
        const std::optional<Bytes> value = this->store_->get("c/0");
        if (!value) {
          ++torn;  // a replaced value is never missing, not even for an instant
          continue;
        }
        const std::string_view text = as_string_view(*value);
        const std::string& expected = text.size() == value_a.size() ? value_a : value_b;
        if (text != expected) ++torn;
        ++reads;
      } while (!stop.load());
    });
  }
  for (int w = 0; w < 2; ++w) threads[static_cast<size_t>(w)].join();
  stop = true;
  for (size_t t = 2; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

TYPED_TEST(StoreConformance, ConcurrentSetRangesOfDistinctBytesAllLand) {
  // Each thread patches its own slice of one value over and over; no patch may be lost (the
  // memory store's copy-on-write must not drop a concurrent patch).
  constexpr int kThreads = 4;
  constexpr size_t kSlice = 1000;
  this->put("shard", std::string(kThreads * kSlice, '.'));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string patch(kSlice, static_cast<char>('a' + (i % 2 ? t : t + kThreads)));
        this->store_->set_range("shard", static_cast<uint64_t>(t) * kSlice, as_bytes(patch));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::string expected;
  for (int t = 0; t < kThreads; ++t) expected += std::string(kSlice, static_cast<char>('a' + t));
  EXPECT_EQ(this->get("shard"), expected);
}

TYPED_TEST(StoreConformance, ConcurrentWritersToDistinctKeysAllLand) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Threads share directories, so the filesystem store races on creating them.
        const std::string key =
            "c/" + std::to_string(i % 7) + "/" + std::to_string(t) + "." + std::to_string(i);
        this->put(key, key);
        const std::optional<std::string> back = this->get(key);
        EXPECT_EQ(back, key);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(this->store_->list("c/").size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(this->store_->list_dir("c/").prefixes.size(), 7u);
}

}  // namespace
}  // namespace zarrphase
