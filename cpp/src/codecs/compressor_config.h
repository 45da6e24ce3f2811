// Internal: what every compressor codec shares — reading its JSON configuration the way
// zarr-python / numcodecs accept it, worst-case size arithmetic that cannot overflow, and the
// shape of the errors a decoder raises for untrusted input.
#ifndef ZARRPHASE_CODECS_COMPRESSOR_CONFIG_H_
#define ZARRPHASE_CODECS_COMPRESSOR_CONFIG_H_

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace zarrphase::codecs {

// Throws kInvalidMetadata naming `codec` and the field for any key of `configuration` that is
// not in `known`: zarr-python passes the configuration as keyword arguments, so it rejects
// unknown keys too.
void reject_unknown_fields(const nlohmann::json& configuration, std::string_view codec,
                           std::initializer_list<std::string_view> known);

// configuration[field] as an integer in [min, max]; `default_value` when absent (nullopt makes
// the field required). JSON booleans and floats are rejected.
int read_int_field(const nlohmann::json& configuration, std::string_view codec,
                   std::string_view field, std::optional<int> default_value, int min, int max);

// configuration[field] as a boolean; `default_value` when absent.
bool read_bool_field(const nlohmann::json& configuration, std::string_view codec,
                     std::string_view field, bool default_value);

// configuration[field] as one of `allowed`; `default_value` when absent (nullopt: required).
std::string read_enum_field(const nlohmann::json& configuration, std::string_view codec,
                            std::string_view field, std::optional<std::string_view> default_value,
                            std::initializer_list<std::string_view> allowed);

// a + b, or UINT64_MAX when that overflows: worst-case sizes only ever feed comparisons.
uint64_t saturating_add(uint64_t a, uint64_t b);

// First output size for a decoder that cannot learn the decoded size from its input: the whole
// bound when that is modest (untouched pages of an unfilled buffer cost nothing, and one pass
// beats decoding again into a larger buffer), else a guess from the input size.
uint64_t initial_decode_capacity(uint64_t input_size, uint64_t bound);

// The next output size after `current` bytes proved too small, capped at `bound`.
uint64_t grown_decode_capacity(uint64_t current, uint64_t bound);

// Throws kCorruptData: "<codec>: <what>".
[[noreturn]] void throw_corrupt_input(std::string_view codec, const std::string& what);

// Throws kCorruptData for a stream that declares (or decodes to) more bytes than the caller
// can hold: "<codec>: <what> <size> exceeds the <bound> bytes this chunk can hold".
[[noreturn]] void throw_too_large(std::string_view codec, std::string_view what, uint64_t size,
                                  uint64_t bound);

// Throws kCorruptData for a stream that filled all `bound` bytes of output and wanted more: it
// decodes to more than the chunk holds, or it is corrupt (a truncated deflate stream looks the
// same to the decoder).
[[noreturn]] void throw_overflows_bound(std::string_view codec, uint64_t bound);

// Throws kCorruptData for a stream whose decoded size differs from the exact size expected.
[[noreturn]] void throw_size_mismatch(std::string_view codec, uint64_t decoded, uint64_t expected);

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_COMPRESSOR_CONFIG_H_
