// The one way tests check failures: ExpectError runs a callable that must throw zarrphase::Error
// with the given code and a message containing every expected fragment (the field, the key, the
// offending value); CaptureError returns the error for tests that inspect it further.
#ifndef ZARRPHASE_TESTS_SUPPORT_EXPECT_ERROR_H_
#define ZARRPHASE_TESTS_SUPPORT_EXPECT_ERROR_H_

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

template <typename Fn>
Error CaptureError(Fn&& fn) {
  try {
    fn();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a zarrphase::Error, none was thrown";
  return Error(ErrorCode::kInvalidArgument, "");
}

}  // namespace zarrphase::testing

#endif  // ZARRPHASE_TESTS_SUPPORT_EXPECT_ERROR_H_
