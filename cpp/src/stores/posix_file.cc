#include "stores/posix_file.h"

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <system_error>

#include "stores/store_internal.h"
#include "zarrphase/error.h"

namespace zarrphase::stores_internal {
namespace {

// Linux transfers at most 0x7ffff000 bytes per call; asking for less keeps every count well
// inside ssize_t and off_t on any platform.
constexpr size_t kMaxTransfer = size_t{1} << 30;

off_t as_off_t(uint64_t offset, std::string_view key, std::string_view path) {
  if (offset > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) {
    throw_io("address offset " + std::to_string(offset) + " of", key, path, EOVERFLOW);
  }
  return static_cast<off_t>(offset);
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() { close(); }

int UniqueFd::close() {
  if (fd_ < 0) return 0;
  // No retry on EINTR: on Linux the fd is released even then, and retrying could close an fd
  // another thread has just been given.
  const int result = ::close(std::exchange(fd_, -1));
  return result == 0 || errno == EINTR ? 0 : errno;
}

void throw_io(std::string_view action, std::string_view key, std::string_view path, int err) {
  // error_category::message is thread-safe where strerror() is not.
  throw Error(ErrorCode::kIo, "filesystem store: cannot " + std::string(action) + " " +
                                  quote_key(key) + " (" + std::string(path) +
                                  "): " + std::generic_category().message(err));
}

void pread_exact(int fd, MutableByteView out, uint64_t offset, std::string_view key,
                 std::string_view path) {
  size_t done = 0;
  while (done < out.size()) {
    const size_t want = std::min(out.size() - done, kMaxTransfer);
    const ssize_t got = ::pread(fd, out.data() + done, want, as_off_t(offset + done, key, path));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw_io("read", key, path, errno);
    }
    if (got == 0) {
      throw Error(ErrorCode::kIo, "filesystem store: " + quote_key(key) + " (" + std::string(path) +
                                      ") ended after " + std::to_string(offset + done) +
                                      " bytes, expected " + std::to_string(offset + out.size()) +
                                      " (was it truncated while being read?)");
    }
    done += static_cast<size_t>(got);
  }
}

void pwrite_all(int fd, ByteView data, uint64_t offset, std::string_view key,
                std::string_view path) {
  size_t done = 0;
  while (done < data.size()) {
    const size_t want = std::min(data.size() - done, kMaxTransfer);
    const ssize_t put = ::pwrite(fd, data.data() + done, want, as_off_t(offset + done, key, path));
    if (put < 0) {
      if (errno == EINTR) continue;
      throw_io("write", key, path, errno);
    }
    // POSIX allows a zero-byte write only for a zero-byte request; guard against spinning.
    if (put == 0) throw_io("write", key, path, EIO);
    done += static_cast<size_t>(put);
  }
}

}  // namespace zarrphase::stores_internal
