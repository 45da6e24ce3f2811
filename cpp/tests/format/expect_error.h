// ExpectError: runs a callable that must throw zarrphase::Error with the given code and a
// message containing every expected fragment (the field name, the offending value).
#ifndef ZARRPHASE_TESTS_FORMAT_EXPECT_ERROR_H_
#define ZARRPHASE_TESTS_FORMAT_EXPECT_ERROR_H_

#include <gtest/gtest.h>

#include <initializer_list>
#include <string_view>

#include "zarrphase/error.h"

namespace zarrphase::testing {

template <typename Fn>
void ExpectError(Fn&& fn, ErrorCode code, std::initializer_list<std::string_view> fragments) {
  try {
    fn();
    ADD_FAILURE() << "expected an error with code " << error_code_name(code);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    for (const auto fragment : fragments) {
      EXPECT_NE(error.message().find(fragment), std::string::npos)
          << "message \"" << error.message() << "\" lacks \"" << fragment << "\"";
    }
  }
}

}  // namespace zarrphase::testing

#endif  // ZARRPHASE_TESTS_FORMAT_EXPECT_ERROR_H_
