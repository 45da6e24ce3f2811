#include "bindings.h"

namespace nb = nanobind;

namespace zarrphase::bindings {

bool dtype_matches(DataType type, nb::dlpack::dtype dt) {
  using Code = nb::dlpack::dtype_code;
  const auto code = static_cast<Code>(dt.code);
  if (dt.lanes != 1) return false;
  if (type.kind() == DataTypeKind::kRawBits) return code == Code::UInt && dt.bits == 8;
  if (dt.bits != type.size() * 8) return false;
  switch (type.kind()) {
    case DataTypeKind::kBool:
      return code == Code::Bool;
    case DataTypeKind::kInt:
      return code == Code::Int;
    case DataTypeKind::kUInt:
      return code == Code::UInt;
    case DataTypeKind::kFloat:
      return code == Code::Float;
    case DataTypeKind::kComplex:
      return code == Code::Complex;
    case DataTypeKind::kRawBits:
      return false;
  }
  return false;
}

}  // namespace zarrphase::bindings
