// The native stores as GoogleTest type parameters, so one typed suite runs against each:
//   TYPED_TEST_SUITE(MySuite, testing::StoreKinds, testing::StoreKindNames);
// A fixture holds a `Kind kind_` and makes its store with `kind_.make()`; the filesystem kind
// owns a temporary directory for as long as the fixture lives.
#ifndef ZARRPHASE_TESTS_SUPPORT_STORE_KINDS_H_
#define ZARRPHASE_TESTS_SUPPORT_STORE_KINDS_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>

#include "support/temp_dir.h"
#include "zarrphase/store.h"

namespace zarrphase::testing {

struct MemoryKind {
  std::shared_ptr<Store> make() { return make_memory_store(); }
  static constexpr bool kPrefersVisits = false;
};

struct FilesystemKind {
  TempDir dir;
  std::shared_ptr<Store> make() { return make_filesystem_store(dir.path() / "store"); }
  static constexpr bool kPrefersVisits = true;
};

struct StoreKindNames {
  template <typename Kind>
  static std::string GetName(int) {
    return std::is_same_v<Kind, MemoryKind> ? "Memory" : "Filesystem";
  }
};

using StoreKinds = ::testing::Types<MemoryKind, FilesystemKind>;

}  // namespace zarrphase::testing

#endif  // ZARRPHASE_TESTS_SUPPORT_STORE_KINDS_H_
