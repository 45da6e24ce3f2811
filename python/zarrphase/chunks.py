"""numpy-facing helpers around the native CodecChain."""

import numpy as np

from zarrphase._core import CodecChain, DataType

_V3_TO_NUMPY = {
    "bool": "bool",
    "int8": "int8",
    "int16": "int16",
    "int32": "int32",
    "int64": "int64",
    "uint8": "uint8",
    "uint16": "uint16",
    "uint32": "uint32",
    "uint64": "uint64",
    "float16": "float16",
    "float32": "float32",
    "float64": "float64",
    "complex64": "complex64",
    "complex128": "complex128",
}


def numpy_dtype(data_type: DataType) -> np.dtype:
    """The native-endian numpy dtype of a Zarr data type (raw bits `rN` are `VN/8`)."""
    name = data_type.name
    if name.startswith("r"):
        return np.dtype(f"V{data_type.itemsize}")
    return np.dtype(_V3_TO_NUMPY[name])


def native_view(array: np.ndarray) -> np.ndarray:
    """The view the native core accepts: raw-bits (void) elements cross as a trailing axis of
    their bytes (shape (..., itemsize), uint8), which keeps every stride of the array."""
    return array[..., np.newaxis].view(np.uint8) if array.dtype.kind == "V" else array


def decode_chunk(chain: CodecChain, encoded: bytes, out: np.ndarray | None = None) -> np.ndarray:
    """Decodes one stored chunk, into `out` when given (C-contiguous, the chain's dtype)."""
    if out is None:
        out = np.empty(tuple(chain.chunk_shape), dtype=numpy_dtype(chain.data_type))
    chain.decode_into(encoded, native_view(out))
    return out
