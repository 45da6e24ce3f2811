// validate_key / validate_prefix: the rules that keep every key inside the store root.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "zarrphase/error.h"
#include "zarrphase/store.h"

namespace zarrphase {
namespace {

using namespace std::string_literals;

// Every key no store may accept, with what is wrong with it.
const std::vector<std::string>& bad_keys() {
  static const std::vector<std::string> keys = {
      "",            // empty key
      "/",           // root itself
      "/abs",        // absolute
      "//a",         // absolute, empty segment
      "a/",          // trailing '/'
      "a//b",        // empty segment
      ".",           // '.' segment
      "..",          // '..' segment
      "../escape",   // escapes the root
      "a/../../b",   // escapes via the middle
      "a/..",        // '..' at the end
      "./a",         // '.' at the start
      "a/./b",       // '.' in the middle
      "a\\b",        // backslash (a Windows separator)
      "..\\escape",  // backslash escape attempt
      "a\0b"s,       // NUL would truncate the path at the OS
      "\0"s,         // a lone NUL
  };
  return keys;
}

TEST(ValidateKey, AcceptsOrdinaryKeys) {
  for (const std::string key :
       {"zarr.json", "c/0/0", "c/0.1.2", ".zarray", ".zattrs", "a/.zgroup", "..a", "a..", "...",
        "a b/c d", "\xc3\xa9t\xc3\xa9/\xc3\xbc", "c/0/1/2/3/4/5", "UPPER/lower"}) {
    EXPECT_NO_THROW(validate_key(key)) << key;
  }
}

TEST(ValidateKey, RejectsKeysThatCouldEscapeOrAreMalformed) {
  ASSERT_GE(bad_keys().size(), 10u);
  for (const std::string& key : bad_keys()) {
    try {
      validate_key(key);
      ADD_FAILURE() << "accepted bad key of " << key.size() << " bytes: " << key;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidKey) << key;
    }
  }
}

TEST(ValidateKey, MessageNamesTheKeyAndTheProblem) {
  try {
    validate_key("a/../b");
    FAIL() << "expected kInvalidKey";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidKey);
    EXPECT_NE(e.message().find("\"a/../b\""), std::string::npos) << e.what();
    EXPECT_NE(e.message().find("'..'"), std::string::npos) << e.what();
  }
  try {
    validate_key("a//b");
    FAIL() << "expected kInvalidKey";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("empty segment"), std::string::npos) << e.what();
  }
}

TEST(ValidateKey, MessageEscapesControlBytesAndBoundsLength) {
  try {
    validate_key("a\0b/"s);
    FAIL() << "expected kInvalidKey";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("\"a\\x00b/\""), std::string::npos) << e.what();
  }
  try {
    validate_key(std::string(10000, 'x') + "/");
    FAIL() << "expected kInvalidKey";
  } catch (const Error& e) {
    EXPECT_LT(e.message().size(), 400u);
    EXPECT_NE(e.message().find("..."), std::string::npos) << e.what();
  }
}

TEST(ValidatePrefix, AcceptsEmptyKeysAndDirectoryPrefixes) {
  for (const std::string prefix : {"", "a", "a/", "c/0/", "c/1", ".zattrs", "a/b/c/"}) {
    EXPECT_NO_THROW(validate_prefix(prefix)) << prefix;
  }
}

TEST(ValidatePrefix, RejectsWhatValidateKeyRejectsExceptOneTrailingSlash) {
  for (const std::string prefix :
       {"/", "//", "a//", "/a/", "../", "a/../", "./", "a/./", "a\\b/", "a//b/"}) {
    try {
      validate_prefix(prefix);
      ADD_FAILURE() << "accepted bad prefix " << prefix;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidKey) << prefix;
      EXPECT_NE(e.message().find("prefix"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(validate_prefix("a\0/"s), Error);
}

}  // namespace
}  // namespace zarrphase
