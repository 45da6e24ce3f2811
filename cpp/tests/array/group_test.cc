#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "array/array_test_util.h"
#include "support/expect_error.h"
#include "zarrphase/array.h"

namespace zarrphase {
namespace {

using testing::BytesCodecJson;
using testing::ExpectError;
using testing::MakeMetadata;
using Child = Group::Child;
using Kind = Group::NodeKind;

TEST(GroupTest, ChildrenAreListedWithTheirKindSortedByName) {
  auto store = make_memory_store();
  Group root = Group::create(store, "", GroupMetadata{3, {{"title", "root"}}, {}});
  Group sub = root.create_group("zeta");
  root.create_array("alpha", MakeMetadata({2}, {2}, "int32", {BytesCodecJson()}));
  sub.create_array("inner", MakeMetadata({2}, {2}, "int32", {BytesCodecJson()}));
  store->set("not_a_node/file", as_bytes("x"));  // a folder without metadata is no child
  EXPECT_EQ(root.children(), (std::vector<Child>{{"alpha", Kind::kArray}, {"zeta", Kind::kGroup}}));
  EXPECT_EQ(root.open_group("zeta").children(), (std::vector<Child>{{"inner", Kind::kArray}}));
  EXPECT_EQ(Group::open(store, "").metadata().attributes["title"], "root");
  EXPECT_EQ(root.open_group("zeta").open_array("inner").path(), "zeta/inner");
}

TEST(GroupTest, ZarrV2GroupsOpen) {
  auto store = make_memory_store();
  store->set(".zgroup", as_bytes(R"({"zarr_format": 2})"));
  store->set(".zattrs", as_bytes(R"({"a": 1})"));
  store->set("x/.zarray", as_bytes(R"({"zarr_format": 2, "shape": [3], "chunks": [3],
      "dtype": "<i4", "compressor": null, "fill_value": 0, "order": "C", "filters": null})"));
  Group root = Group::open(store, "");
  EXPECT_EQ(root.metadata().zarr_format, 2);
  EXPECT_EQ(root.metadata().attributes["a"], 1);
  EXPECT_EQ(root.children(), (std::vector<Child>{{"x", Kind::kArray}}));
}

TEST(GroupTest, BadNamesAndWrongKindsAreClearErrors) {
  auto store = make_memory_store();
  Group root = Group::create(store, "");
  ExpectError([&] { root.create_group("a/b"); }, ErrorCode::kInvalidArgument, {"'a/b'"});
  ExpectError([&] { root.create_group(".."); }, ErrorCode::kInvalidKey, {".."});
  root.create_array("arr", MakeMetadata({2}, {2}, "int32", {BytesCodecJson()}));
  ExpectError([&] { root.open_group("arr"); }, ErrorCode::kInvalidArgument, {"is an array"});
  ExpectError([&] { root.open_array("nothing"); }, ErrorCode::kInvalidArgument, {"nothing"});
  store->set("bad/zarr.json", as_bytes(R"({"node_type": "table"})"));
  ExpectError([&] { Group::open(store, "bad"); }, ErrorCode::kInvalidMetadata,
              {"bad/zarr.json", "table"});
}

}  // namespace
}  // namespace zarrphase
