// What only the filesystem store has: a directory layout shared with zarr-python's LocalStore,
// atomic replacement through temp files, and the OS errors it must turn into kIo.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "zarrphase/error.h"
#include "zarrphase/store.h"

namespace zarrphase {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;
using testing::read_file;
using testing::write_file;

class FilesystemStoreTest : public ::testing::Test {
 protected:
  std::string get(const std::string& key, ByteRange range = ByteRange::all()) {
    std::optional<Bytes> value = store_->get(key, range);
    EXPECT_TRUE(value.has_value()) << key;
    return value ? std::string(as_string_view(*value)) : std::string();
  }
  void put(const std::string& key, std::string_view value) { store_->set(key, as_bytes(value)); }

  // Every directory entry below the root, temp files included, relative to the root.
  Strings everything_on_disk() const {
    Strings names;
    for (const auto& entry : fs::recursive_directory_iterator(root_)) {
      names.push_back(entry.path().lexically_relative(root_).string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // Expects `call` to throw kIo whose message names `key`.
  template <typename Call>
  void expect_io_error(const std::string& key, Call&& call) {
    try {
      call();
      ADD_FAILURE() << "expected an io error for " << key;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kIo) << e.what();
      // Messages cut very long keys short; their start is enough to name them.
      const std::string named = key.size() > 100 ? "\"" + key.substr(0, 100) : "\"" + key + "\"";
      EXPECT_NE(e.message().find(named), std::string::npos) << e.what();
    }
  }

  testing::TempDir dir_;
  fs::path root_ = dir_.path() / "root";
  std::shared_ptr<Store> store_ = make_filesystem_store(root_);
};

TEST_F(FilesystemStoreTest, ValuesArePlainFilesAtTheKeyPath) {
  put("zarr.json", "{}");
  put("c/0/0", "chunk");
  EXPECT_EQ(read_file(root_ / "zarr.json"), "{}");
  EXPECT_EQ(read_file(root_ / "c" / "0" / "0"), "chunk");
  EXPECT_EQ(everything_on_disk(), (Strings{"c", "c/0", "c/0/0", "zarr.json"}));
}

TEST_F(FilesystemStoreTest, ReadsTheLayoutZarrPythonLocalStoreWrites) {
  // What zarr.open_array(LocalStore(root), shape=(4, 4), chunks=(2, 2)) leaves on disk.
  write_file(root_ / "zarr.json", R"({"zarr_format": 3, "node_type": "array"})");
  write_file(root_ / "c" / "0" / "0", "chunk 0 0");
  write_file(root_ / "c" / "1" / "0", "chunk 1 0");
  write_file(root_ / "group" / "zarr.json", R"({"zarr_format": 3, "node_type": "group"})");
  write_file(root_ / "v2" / ".zarray", "{}");
  write_file(root_ / "v2" / "0.0", "v2 chunk");

  EXPECT_EQ(get("zarr.json"), R"({"zarr_format": 3, "node_type": "array"})");
  EXPECT_EQ(get("c/0/0"), "chunk 0 0");
  EXPECT_EQ(get("c/1/0", ByteRange::suffix(3)), "1 0");
  EXPECT_EQ(get("v2/.zarray"), "{}");
  EXPECT_EQ(store_->size("v2/0.0"), 8u);
  EXPECT_EQ(store_->list(),
            (Strings{"c/0/0", "c/1/0", "group/zarr.json", "v2/.zarray", "v2/0.0", "zarr.json"}));
  const DirListing listing = store_->list_dir("");
  EXPECT_EQ(listing.keys, Strings{"zarr.json"});
  EXPECT_EQ(listing.prefixes, (Strings{"c/", "group/", "v2/"}));
}

TEST_F(FilesystemStoreTest, AFailedReplaceKeepsTheOldValueAndLeavesNoTempFile) {
  // The target is a directory, so the final rename fails after the temp file was written.
  put("d/x", "inside");
  expect_io_error("d", [&] { put("d", "cannot replace a directory"); });
  EXPECT_EQ(get("d/x"), "inside");
  EXPECT_EQ(everything_on_disk(), (Strings{"d", "d/x"}));
}

TEST_F(FilesystemStoreTest, AWriteUnderAFileFailsCleanly) {
  put("f", "a value, not a directory");
  expect_io_error("f/x", [&] { put("f/x", "nowhere to go"); });
  expect_io_error("f/x/y", [&] { put("f/x/y", "nowhere to go"); });
  EXPECT_EQ(get("f"), "a value, not a directory");
  EXPECT_EQ(everything_on_disk(), Strings{"f"});
  // Reads below a file are plain misses, not errors.
  EXPECT_EQ(store_->get("f/x"), std::nullopt);
  EXPECT_EQ(store_->size("f/x"), std::nullopt);
  EXPECT_NO_THROW(store_->erase("f/x"));
}

TEST_F(FilesystemStoreTest, AWriteToAReadOnlyDirectoryKeepsTheOldValue) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  put("ro/k", "old");
  fs::permissions(root_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  expect_io_error("ro/k", [&] { put("ro/k", "new"); });
  fs::permissions(root_ / "ro", fs::perms::owner_all);
  EXPECT_EQ(get("ro/k"), "old");
  EXPECT_EQ(everything_on_disk(), (Strings{"ro", "ro/k"}));
}

TEST_F(FilesystemStoreTest, AnUnreadableFileIsAnIoErrorNamingTheKey) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  put("c/0", "secret");
  fs::permissions(root_ / "c" / "0", fs::perms::none);
  expect_io_error("c/0", [&] { store_->get("c/0"); });
  fs::permissions(root_ / "c" / "0", fs::perms::owner_all);
}

TEST_F(FilesystemStoreTest, OsErrorsOtherThanMissingAreIoErrorsNamingTheKey) {
  // Works even as root, unlike permission errors: a symlink loop and an over-long name.
  fs::create_symlink("loop", root_ / "loop");
  expect_io_error("loop", [&] { store_->get("loop"); });
  expect_io_error("loop", [&] { store_->get_ranges("loop", std::span<const ByteRange>()); });
  expect_io_error("loop", [&] { store_->size("loop"); });
  const std::string too_long = "c/" + std::string(300, 'n');
  expect_io_error(too_long, [&] { put(too_long, "x"); });
  expect_io_error(too_long, [&] { store_->get(too_long); });
  EXPECT_EQ(everything_on_disk(), (Strings{"c", "loop"}));  // no temp file left behind
}

TEST_F(FilesystemStoreTest, ListingSkipsTempFilesAndNamesThatAreNotKeys) {
  put("c/0", "value");
  // A temp file left by a crashed writer, and a stray whose name no key can have.
  write_file(root_ / "c" / ".0.tmp\\1234.0", "partial");
  write_file(root_ / "c" / "back\\slash", "stray");
  ASSERT_EQ(::mkfifo((root_ / "c" / "pipe").c_str(), 0600), 0);
  EXPECT_EQ(store_->list(), Strings{"c/0"});
  EXPECT_EQ(store_->list_dir("c/").keys, Strings{"c/0"});
  // The store still writes next to the leftovers, and erase_prefix clears them with the rest.
  put("c/0", "new value");
  EXPECT_EQ(get("c/0"), "new value");
  store_->erase_prefix("c/");
  EXPECT_FALSE(fs::exists(root_ / "c"));
}

TEST_F(FilesystemStoreTest, SpecialFilesAreNotValuesAndDoNotBlock) {
  ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0600), 0);
  EXPECT_EQ(store_->get("pipe"), std::nullopt);  // would hang if the open blocked
  EXPECT_EQ(store_->size("pipe"), std::nullopt);
  EXPECT_FALSE(store_->exists("pipe"));
}

TEST_F(FilesystemStoreTest, DirectoriesAreNotValues) {
  put("a/b/c", "deep");
  EXPECT_EQ(store_->get("a"), std::nullopt);
  EXPECT_EQ(store_->get("a/b", ByteRange::range(0, 1)), std::nullopt);
  EXPECT_EQ(store_->size("a/b"), std::nullopt);
  EXPECT_FALSE(store_->exists("a"));
  store_->erase("a/b");  // a directory is not a value: left alone
  EXPECT_EQ(get("a/b/c"), "deep");
}

TEST_F(FilesystemStoreTest, EraseLeavesEmptyDirectoriesThatListingsIgnore) {
  // zarr-python's LocalStore does not prune either; pruning would race with concurrent sets.
  put("c/0/0", "x");
  put("zarr.json", "{}");
  store_->erase("c/0/0");
  EXPECT_TRUE(fs::is_directory(root_ / "c" / "0"));
  EXPECT_EQ(store_->list(), Strings{"zarr.json"});
  const DirListing listing = store_->list_dir("");
  EXPECT_EQ(listing.keys, Strings{"zarr.json"});
  EXPECT_TRUE(listing.prefixes.empty());
  put("c/0/0", "back");  // writing into the leftover directory works
  EXPECT_EQ(store_->list_dir("").prefixes, Strings{"c/"});
}

TEST_F(FilesystemStoreTest, ErasePrefixRemovesTheTreeButNotTheRoot) {
  put("a/c/0/0", "1");
  put("a/zarr.json", "2");
  put("b/zarr.json", "3");
  store_->erase_prefix("a/");
  EXPECT_FALSE(fs::exists(root_ / "a"));
  EXPECT_EQ(store_->list(), Strings{"b/zarr.json"});
  store_->erase_prefix("");
  EXPECT_TRUE(fs::is_directory(root_));
  EXPECT_TRUE(fs::is_empty(root_));
}

TEST_F(FilesystemStoreTest, ErasePrefixRemovesSymlinksWithoutFollowingThem) {
  const fs::path outside = dir_.path() / "outside";
  write_file(outside / "precious", "keep me");
  put("a/x", "1");
  fs::create_directory_symlink(outside, root_ / "a" / "link");
  store_->erase_prefix("a/");
  EXPECT_EQ(read_file(outside / "precious"), "keep me");
  EXPECT_FALSE(fs::exists(root_ / "a"));
}

TEST_F(FilesystemStoreTest, SymlinksToFilesAreValuesSymlinksToDirectoriesAreNotWalked) {
  write_file(dir_.path() / "target", "through a link");
  fs::create_symlink(dir_.path() / "target", root_ / "linked");
  fs::create_directory_symlink(root_, root_ / "loop");  // would recurse forever if followed
  EXPECT_EQ(get("linked"), "through a link");
  EXPECT_EQ(store_->list(), Strings{"linked"});
  EXPECT_EQ(store_->list_dir("").prefixes, Strings{});
}

TEST_F(FilesystemStoreTest, BadKeysNeverTouchAnythingOutsideTheRoot) {
  for (const std::string key : {"../escape", "a/../../escape", "/tmp/escape", "..\\escape"}) {
    EXPECT_THROW(put(key, "x"), Error) << key;
    EXPECT_THROW(store_->erase(key), Error) << key;
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "escape"));
  EXPECT_TRUE(fs::is_empty(root_));
}

TEST_F(FilesystemStoreTest, SetRangeWritesIntoTheExistingFile) {
  // The documented non-atomic path: bytes change in place, the file is not replaced.
  put("shard", "0123456789");
  struct stat before {};
  ASSERT_EQ(::stat((root_ / "shard").c_str(), &before), 0);
  store_->set_range("shard", 3, as_bytes("xyz"));
  struct stat after {};
  ASSERT_EQ(::stat((root_ / "shard").c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(read_file(root_ / "shard"), "012xyz6789");
}

TEST_F(FilesystemStoreTest, SetReplacesTheFileRatherThanRewritingIt) {
  // A reader holding the old file keeps reading the old bytes: that is what makes set atomic.
  put("k", "old value");
  std::ifstream old_reader(root_ / "k", std::ios::binary);
  put("k", "new value!");
  const std::string seen((std::istreambuf_iterator<char>(old_reader)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(seen, "old value");
  EXPECT_EQ(get("k"), "new value!");
}

TEST_F(FilesystemStoreTest, LongKeySegmentsStillGetATempName) {
  const std::string name(250, 'n');  // near NAME_MAX: the temp name must not grow past it
  put("c/" + name, "long");
  EXPECT_EQ(get("c/" + name), "long");
  EXPECT_EQ(everything_on_disk(), (Strings{"c", "c/" + name}));
}

TEST(FilesystemStoreRoot, CreatesTheRootOnlyWhenAsked) {
  testing::TempDir dir;
  const fs::path nested = dir.path() / "x" / "y" / "z";
  try {
    make_filesystem_store(nested, false);
    ADD_FAILURE() << "opened a missing root";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(e.message().find(nested.string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(nested));
  auto store = make_filesystem_store(nested, true);
  EXPECT_TRUE(fs::is_directory(nested));
  store->set("k", as_bytes("v"));
  EXPECT_EQ(make_filesystem_store(nested, false)->size("k"), 1u);
}

TEST(FilesystemStoreRoot, RejectsARootThatIsAFileOrEmpty) {
  testing::TempDir dir;
  write_file(dir.path() / "file", "not a directory");
  for (bool create : {false, true}) {
    try {
      make_filesystem_store(dir.path() / "file", create);
      ADD_FAILURE() << "opened a file as the root";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kIo) << e.what();
    }
  }
  try {
    make_filesystem_store("", true);
    ADD_FAILURE() << "opened an empty root";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
  }
}

TEST(FilesystemStoreRoot, RootWithTrailingSlashOrDotsIsTheSameStore) {
  testing::TempDir dir;
  make_filesystem_store(dir.path() / "r")->set("a/b", as_bytes("v"));
  auto same = make_filesystem_store((dir.path() / "r" / "a" / "..").string() + "/", false);
  EXPECT_EQ(same->list(), Strings{"a/b"});
}

}  // namespace
}  // namespace zarrphase
