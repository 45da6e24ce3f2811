// Thin POSIX file helpers for the filesystem store: an owning fd, whole-buffer pread/pwrite that
// survive short transfers and EINTR, and errno turned into ErrorCode::kIo naming the key.
#ifndef ZARRPHASE_SRC_STORES_POSIX_FILE_H_
#define ZARRPHASE_SRC_STORES_POSIX_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "zarrphase/buffer.h"

namespace zarrphase::stores_internal {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now; returns the errno close() reported, 0 on success. Writers must check it: some
  // filesystems (NFS) report write-back failures only here.
  int close();

 private:
  int fd_ = -1;
};

// Throws ErrorCode::kIo: "filesystem store: cannot <action> "<key>" (<path>): <strerror(err)>".
[[noreturn]] void throw_io(std::string_view action, std::string_view key, std::string_view path,
                           int err);

// Reads exactly out.size() bytes at `offset`; throws kIo when the file ends first (it shrank
// under us) or the OS fails.
void pread_exact(int fd, MutableByteView out, uint64_t offset, std::string_view key,
                 std::string_view path);

// Writes all of `data` at `offset`.
void pwrite_all(int fd, ByteView data, uint64_t offset, std::string_view key,
                std::string_view path);

}  // namespace zarrphase::stores_internal

#endif  // ZARRPHASE_SRC_STORES_POSIX_FILE_H_
