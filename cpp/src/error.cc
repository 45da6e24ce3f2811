#include "zarrphase/error.h"

namespace zarrphase {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kInvalidMetadata:
      return "invalid metadata";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kCorruptData:
      return "corrupt data";
    case ErrorCode::kChecksumMismatch:
      return "checksum mismatch";
    case ErrorCode::kInvalidKey:
      return "invalid key";
    case ErrorCode::kIo:
      return "io error";
  }
  return "error";
}

Error::Error(ErrorCode code, const std::string& message)
    : std::runtime_error(std::string(error_code_name(code)) + ": " + message),
      code_(code),
      message_(message) {}

Error Error::with_context(std::string_view context) const {
  return Error(code_, std::string(context) + ": " + message_);
}

void throw_invalid_argument(const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message);
}
void throw_invalid_metadata(const std::string& message) {
  throw Error(ErrorCode::kInvalidMetadata, message);
}
void throw_unsupported(const std::string& message) {
  throw Error(ErrorCode::kUnsupported, message);
}
void throw_corrupt(const std::string& message) { throw Error(ErrorCode::kCorruptData, message); }

}  // namespace zarrphase
