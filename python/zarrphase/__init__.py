"""zarrphase: a phased, native Zarr engine.

The package exposes the native core: Zarr metadata (v3 and v2), codec chains, the memory and
filesystem stores, and arrays read and written by the phased engine (`open_array`,
`create_array`), each running in C++ with the GIL released. See README.md for what works.
"""

from zarrphase._core import (
    ArrayMetadata,
    ByteRange,
    ChecksumMismatchError,
    CodecChain,
    CorruptDataError,
    DataType,
    EngineOptions,
    ExecutionStats,
    Group,
    GroupMetadata,
    InvalidArgumentError,
    InvalidKeyError,
    InvalidMetadataError,
    Store,
    StoreIOError,
    SubchunkWriteOrder,
    UnsupportedError,
    ZarrphaseError,
    filesystem_store,
    memory_store,
    set_thread_count,
    thread_count,
)
from zarrphase.array import Array, create_array, open_array
from zarrphase.chunks import decode_chunk, numpy_dtype
from zarrphase.pipeline import PhasedCodecPipeline

__version__ = "0.1.0"

__all__ = [
    "Array",
    "ArrayMetadata",
    "ByteRange",
    "ChecksumMismatchError",
    "CodecChain",
    "CorruptDataError",
    "DataType",
    "EngineOptions",
    "ExecutionStats",
    "Group",
    "GroupMetadata",
    "InvalidArgumentError",
    "InvalidKeyError",
    "InvalidMetadataError",
    "PhasedCodecPipeline",
    "Store",
    "StoreIOError",
    "SubchunkWriteOrder",
    "UnsupportedError",
    "ZarrphaseError",
    "__version__",
    "create_array",
    "decode_chunk",
    "filesystem_store",
    "memory_store",
    "numpy_dtype",
    "open_array",
    "set_thread_count",
    "thread_count",
]
