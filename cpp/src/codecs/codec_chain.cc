// CodecChain: validation of the codec order, resolution against the chunk spec, size bounds,
// and the encode/decode loops. Decoding avoids copies where the chain allows: checksums hand
// back a view of their input, and the last bytes->bytes step writes straight into the caller's
// array when nothing after it changes the bytes.
#include <limits>
#include <string>
#include <utility>

#include "codecs/bytes_codec.h"
#include "codecs/crc32c_codec.h"
#include "zarrphase/codec.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

constexpr uint64_t kNoBound = std::numeric_limits<uint64_t>::max();

const char* kind_name(CodecKind kind) {
  switch (kind) {
    case CodecKind::kArrayToArray:
      return "array -> array";
    case CodecKind::kArrayToBytes:
      return "array -> bytes";
    case CodecKind::kBytesToBytes:
      return "bytes -> bytes";
  }
  return "?";
}

std::string describe(const Codec& codec, size_t position) {
  return "codec #" + std::to_string(position) + " \"" + std::string(codec.name()) + "\" (" +
         kind_name(codec.kind()) + ")";
}

void check_size(size_t actual, uint64_t expected, const char* what) {
  if (actual != expected) {
    throw_invalid_argument(std::string("codec chain: ") + what + " has " + std::to_string(actual) +
                           " bytes, expected " + std::to_string(expected));
  }
}

}  // namespace

CodecChain CodecChain::from_json(const nlohmann::json& codecs, const ChunkSpec& decoded) {
  if (!codecs.is_array()) {
    throw_invalid_metadata("codecs must be an array, got " + codecs.dump());
  }
  CodecChain chain;
  chain.specs_.push_back(decoded);
  std::optional<size_t> array_to_bytes_position;
  for (size_t i = 0; i < codecs.size(); ++i) {
    const std::shared_ptr<const Codec> codec = make_codec(codecs[i]);
    const ChunkSpec& spec = chain.specs_.back();
    switch (codec->kind()) {
      case CodecKind::kArrayToArray: {
        if (array_to_bytes_position) {
          throw_invalid_metadata(describe(*codec, i) +
                                 " must come before the array -> bytes codec at #" +
                                 std::to_string(*array_to_bytes_position));
        }
        auto resolved = static_cast<const ArrayToArrayCodec&>(*codec).resolve(spec);
        ChunkSpec next = resolved->encoded_spec(spec);
        chain.array_to_array_.push_back(std::move(resolved));
        chain.specs_.push_back(std::move(next));
        break;
      }
      case CodecKind::kArrayToBytes:
        if (array_to_bytes_position) {
          throw_invalid_metadata(describe(*codec, i) +
                                 ": a chain has exactly one array -> bytes codec and #" +
                                 std::to_string(*array_to_bytes_position) + " is already one");
        }
        array_to_bytes_position = i;
        chain.array_to_bytes_ = static_cast<const ArrayToBytesCodec&>(*codec).resolve(spec);
        break;
      case CodecKind::kBytesToBytes:
        if (!array_to_bytes_position) {
          throw_invalid_metadata(describe(*codec, i) + " must come after an array -> bytes codec");
        }
        chain.bytes_to_bytes_.push_back(
            static_cast<const BytesToBytesCodec&>(*codec).resolve(spec));
        break;
    }
  }
  if (!array_to_bytes_position) {
    throw_invalid_metadata("codecs " + codecs.dump() +
                           " have no array -> bytes codec (e.g. \"bytes\")");
  }

  // Sizes through the bytes stage: exact while every codec is fixed-size, bounded otherwise.
  const ChunkSpec& array_spec = chain.specs_.back();
  std::optional<uint64_t> exact = chain.array_to_bytes_->encoded_size(array_spec);
  uint64_t bound = exact ? *exact : chain.array_to_bytes_->max_encoded_size(array_spec);
  for (const auto& codec : chain.bytes_to_bytes_) {
    chain.bytes_size_bounds_.push_back(bound);
    exact = exact ? codec->encoded_size(*exact) : std::nullopt;
    bound = bound == kNoBound ? kNoBound : codec->max_encoded_size(bound);
  }
  chain.encoded_size_ = exact;
  chain.max_encoded_size_ = bound;
  return chain;
}

Bytes CodecChain::encode(ByteView array) const {
  Bytes out;
  encode(array, out);
  return out;
}

void CodecChain::encode(ByteView array, Bytes& out) const {
  check_size(array.size(), decoded_spec().num_bytes(), "array to encode");
  Bytes arrays[2];
  ByteView current = array;
  for (size_t i = 0; i < array_to_array_.size(); ++i) {
    Bytes& next = arrays[i % 2];
    next.resize(specs_[i + 1].num_bytes());
    array_to_array_[i]->encode(specs_[i], current, next);
    current = next;
  }
  Bytes encoded;
  array_to_bytes_->encode(array_to_bytes_spec(), current, encoded);
  for (const auto& codec : bytes_to_bytes_) {
    Bytes next;
    codec->encode(encoded, next);
    encoded.swap(next);
  }
  out.swap(encoded);
}

void CodecChain::decode(ByteView encoded, MutableByteView array_out) const {
  decode(encoded, array_out, /*verify_checksums=*/true);
}

void CodecChain::decode(ByteView encoded, MutableByteView array_out, bool verify_checksums) const {
  check_size(array_out.size(), decoded_spec().num_bytes(), "output array");
  const ChunkSpec& array_spec = array_to_bytes_spec();
  const std::optional<uint64_t> array_bytes_size = array_to_bytes_->encoded_size(array_spec);
  const auto* bytes_codec = dynamic_cast<const codecs::BytesCodec*>(array_to_bytes_.get());
  // The bytes->bytes output already is the decoded array: skip the array->bytes copy.
  const bool direct = array_to_array_.empty() && bytes_codec != nullptr &&
                      bytes_codec->is_identity(array_spec.dtype);

  ByteView current = encoded;
  // Ping-pong scratch: `current` always lies in `encoded` or in buffers[spare ^ 1].
  Bytes buffers[2];
  size_t spare = 0;
  for (size_t i = bytes_to_bytes_.size(); i-- > 0;) {
    const BytesToBytesCodec& codec = *bytes_to_bytes_[i];
    if (!verify_checksums && dynamic_cast<const codecs::Crc32cCodec*>(&codec) != nullptr) {
      if (current.size() < codecs::Crc32cCodec::kChecksumSize) {
        throw_corrupt("crc32c: encoded chunk has " + std::to_string(current.size()) +
                      " bytes, fewer than the 4-byte checksum");
      }
      current = current.first(current.size() - codecs::Crc32cCodec::kChecksumSize);
      continue;
    }
    if (const std::optional<ByteView> view = codec.decode_view(current)) {
      current = *view;
      continue;
    }
    if (i == 0 && direct && array_bytes_size) {
      codec.decode_into(current, array_out);
      return;
    }
    Bytes& next = buffers[spare];
    if (i == 0 && array_bytes_size) {
      // The array->bytes input size is known exactly: decode into a buffer of that size.
      next.resize(*array_bytes_size);
      codec.decode_into(current, next);
    } else {
      codec.decode(current, bytes_size_bounds_[i], next);
    }
    current = next;
    spare ^= 1;
  }

  if (array_to_array_.empty()) {
    array_to_bytes_->decode(array_spec, current, array_out);
    return;
  }
  Bytes arrays[2];
  Bytes* decoded = &arrays[0];
  decoded->resize(array_spec.num_bytes());
  array_to_bytes_->decode(array_spec, current, *decoded);
  for (size_t i = array_to_array_.size(); i-- > 0;) {
    if (i == 0) {
      array_to_array_[0]->decode(specs_[0], *decoded, array_out);
      return;
    }
    Bytes* next = decoded == &arrays[0] ? &arrays[1] : &arrays[0];
    next->resize(specs_[i].num_bytes());
    array_to_array_[i]->decode(specs_[i], *decoded, *next);
    decoded = next;
  }
}

nlohmann::json CodecChain::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& codec : array_to_array_) out.push_back(codec->to_json());
  out.push_back(array_to_bytes_->to_json());
  for (const auto& codec : bytes_to_bytes_) out.push_back(codec->to_json());
  return out;
}

}  // namespace zarrphase
