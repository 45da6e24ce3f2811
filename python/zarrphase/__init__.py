"""zarrphase: a phased, native Zarr engine.

Today the package exposes the native core: Zarr metadata (v3 and v2), codec chains and the memory
and filesystem stores, each running in C++ with the GIL released. See README.md for what works.
"""

from zarrphase._core import (
    ArrayMetadata,
    ByteRange,
    ChecksumMismatchError,
    CodecChain,
    CorruptDataError,
    DataType,
    GroupMetadata,
    InvalidArgumentError,
    InvalidKeyError,
    InvalidMetadataError,
    Store,
    StoreIOError,
    UnsupportedError,
    ZarrphaseError,
    filesystem_store,
    memory_store,
)
from zarrphase.chunks import decode_chunk, numpy_dtype

__version__ = "0.1.0"

__all__ = [
    "ArrayMetadata",
    "ByteRange",
    "ChecksumMismatchError",
    "CodecChain",
    "CorruptDataError",
    "DataType",
    "GroupMetadata",
    "InvalidArgumentError",
    "InvalidKeyError",
    "InvalidMetadataError",
    "Store",
    "StoreIOError",
    "UnsupportedError",
    "ZarrphaseError",
    "__version__",
    "decode_chunk",
    "filesystem_store",
    "memory_store",
    "numpy_dtype",
]
