// zarrphase/error.h — the one exception type of the library.
//
// Every failure zarrphase reports is a `zarrphase::Error` carrying an `ErrorCode`, so callers can
// branch on the kind of failure without parsing text, and the Python bindings can map each code to
// an exception class. Messages name what was wrong in terms of the spec: the codec ("zstd"), the
// field ("fill_value"), the key ("c/0/1"), and the offending value.
//
// Layers add context as an error travels up: a codec says "zstd: frame declares 4096 bytes, chunk
// holds 1024"; the engine prefixes the array and key. `Error::with_context` does that without
// changing the code.
#ifndef ZARRPHASE_ERROR_H_
#define ZARRPHASE_ERROR_H_

#include <stdexcept>
#include <string>
#include <string_view>

namespace zarrphase {

enum class ErrorCode {
  kInvalidArgument,   // a caller passed something that can never work (bad shape, bad range)
  kInvalidMetadata,   // zarr.json / .zarray that breaks the spec
  kUnsupported,       // valid Zarr that zarrphase does not run natively (callers may fall back)
  kCorruptData,       // stored bytes that cannot be decoded: truncated, lying headers, bombs
  kChecksumMismatch,  // a checksum codec found a mismatch (a kind of corrupt data)
  kInvalidKey,        // a store key that is malformed or would escape the store root
  kIo,                // the operating system refused an IO operation
};

// Name of the code, e.g. "corrupt data"; used as the message prefix.
std::string_view error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message);

  ErrorCode code() const noexcept { return code_; }

  // The message without the code prefix.
  const std::string& message() const noexcept { return message_; }

  // A copy whose message reads "<context>: <message>", same code.
  Error with_context(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
};

// Shorthands that keep call sites to one line.
[[noreturn]] void throw_invalid_argument(const std::string& message);
[[noreturn]] void throw_invalid_metadata(const std::string& message);
[[noreturn]] void throw_unsupported(const std::string& message);
[[noreturn]] void throw_corrupt(const std::string& message);

}  // namespace zarrphase

#endif  // ZARRPHASE_ERROR_H_
