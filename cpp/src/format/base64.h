// Standard base64 (RFC 4648, with padding): how Zarr v2 and zarr-python write fill values of
// raw-bytes types.
#ifndef ZARRPHASE_FORMAT_BASE64_H_
#define ZARRPHASE_FORMAT_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

#include "zarrphase/buffer.h"

namespace zarrphase::format {

std::string base64_encode(ByteView data);
// nullopt unless `text` is canonical padded base64 (length a multiple of 4, only the alphabet,
// '=' only at the end, zero unused bits) -- what Python's standard_b64encode writes.
std::optional<Bytes> base64_decode(std::string_view text);

}  // namespace zarrphase::format

#endif  // ZARRPHASE_FORMAT_BASE64_H_
