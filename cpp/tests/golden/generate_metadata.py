"""Writes the golden metadata fixtures in cpp/tests/golden/metadata/ with zarr-python 3.4.2.

Each case creates a small array or group in a MemoryStore and saves the metadata documents
zarr-python wrote (zarr.json, or .zarray / .zgroup / .zattrs) byte for byte. manifest.json lists
every fixture with the facts the C++ test checks: data type, shape, chunk shape, the fill value as
the native (little-endian) bytes numpy holds for it, and the store key of one chunk.

Run from the repository root: .venv/bin/python cpp/tests/golden/generate_metadata.py
"""

from __future__ import annotations

import asyncio
import json
import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numcodecs
import numpy as np
import zarr
from zarr.codecs import (
    BloscCodec,
    BytesCodec,
    Crc32cCodec,
    GzipCodec,
    ShardingCodec,
    TransposeCodec,
    ZstdCodec,
)
from zarr.core.buffer import default_buffer_prototype
from zarr.storage import MemoryStore

OUT_DIR = Path(__file__).resolve().parent / "metadata"


@dataclass
class ArrayCase:
    name: str
    description: str
    dtype: str
    shape: tuple[int, ...]
    chunks: tuple[int, ...]
    fill_value: Any
    zarr_format: int = 3
    options: dict[str, Any] = field(default_factory=dict)


def float_from_bits(bits: int, dtype: str) -> Any:
    """A numpy scalar with exactly these IEEE bits (used for NaN payloads)."""
    size = np.dtype(dtype).itemsize
    return np.frombuffer(bits.to_bytes(size, "little"), dtype=f"<{dtype[1:]}")[0]


NO_COMPRESSION: dict[str, Any] = {"compressors": None}

V3_CASES = [
    ArrayCase(
        "v3_int64_min",
        "int64 fill at the type minimum",
        "int64",
        (5,),
        (2,),
        np.iinfo(np.int64).min,
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_uint64_max",
        "uint64 fill at the type maximum",
        "uint64",
        (5,),
        (2,),
        np.iinfo(np.uint64).max,
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_int8_min_zstd",
        "one-byte type: bytes codec without endian",
        "int8",
        (6, 4),
        (3, 3),
        -128,
    ),
    ArrayCase(
        "v3_uint16_big_endian",
        "bytes codec with big endian",
        "uint16",
        (4,),
        (4,),
        513,
        options={"serializer": BytesCodec(endian="big"), "compressors": None},
    ),
    ArrayCase("v3_float64_nan", "canonical NaN", "float64", (4, 5), (2, 2), np.nan),
    ArrayCase(
        "v3_float64_nan_payload",
        'NaN with a payload: zarr-python writes "NaN"',
        "float64",
        (4,),
        (2,),
        float_from_bits(0x7FF8000000000001, "<f8"),
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_float64_negative_zero",
        "-0.0 keeps its sign",
        "float64",
        (4,),
        (2,),
        -0.0,
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_float64_infinity", "+Infinity", "float64", (4,), (2,), np.inf, options=NO_COMPRESSION
    ),
    ArrayCase(
        "v3_float64_1e300",
        "a large finite double",
        "float64",
        (4,),
        (2,),
        1e300,
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_float32_negative_infinity",
        "-Infinity",
        "float32",
        (4,),
        (2,),
        -np.inf,
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_float32_0p1",
        "0.1 rounded to float32",
        "float32",
        (4,),
        (2,),
        0.1,
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_float16_0p1",
        "0.1 rounded to float16",
        "float16",
        (4,),
        (2,),
        0.1,
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_float16_max",
        "largest finite float16",
        "float16",
        (4,),
        (2,),
        65504.0,
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_float16_subnormal",
        "smallest float16 subnormal",
        "float16",
        (4,),
        (2,),
        np.float16(2.0**-24),
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_float16_nan", "float16 NaN", "float16", (4,), (2,), np.nan, options=NO_COMPRESSION
    ),
    ArrayCase(
        "v3_complex64_nan_negative_zero",
        "complex with NaN and -0.0",
        "complex64",
        (4,),
        (2,),
        complex(np.nan, -0.0),
        options=NO_COMPRESSION,
    ),
    ArrayCase(
        "v3_complex128_infinity",
        "complex with -Infinity",
        "complex128",
        (4,),
        (2,),
        complex(1.5, -np.inf),
        options=NO_COMPRESSION,
    ),
    ArrayCase("v3_bool_true", "bool fill true", "bool", (8,), (4,), True),
    ArrayCase(
        "v3_raw_bytes_3",
        "raw bits: zarr-python's raw_bytes with base64 fill",
        "V3",
        (4,),
        (2,),
        b"abc",
        options=NO_COMPRESSION,
    ),
    ArrayCase("v3_scalar_uint8", 'rank 0: chunk key "c"', "uint8", (), (), 7),
    ArrayCase(
        "v3_uint16_names_dot_gzip",
        "dimension names, attributes, '.' separator, transpose, gzip, crc32c",
        "uint16",
        (4, 6, 2),
        (2, 3, 2),
        9,
        options={
            "dimension_names": ["z", None, "x"],
            "attributes": {"units": "m", "scale": [1, 2.5], "nested": {"ok": True}},
            "chunk_key_encoding": {"name": "default", "separator": "."},
            "filters": [TransposeCodec(order=(2, 0, 1))],
            "compressors": [GzipCodec(level=3), Crc32cCodec()],
        },
    ),
    ArrayCase(
        "v3_int32_v2_keys_slash",
        "v2 chunk key encoding with '/'",
        "int32",
        (4, 4),
        (2, 2),
        -1,
        options={"chunk_key_encoding": {"name": "v2", "separator": "/"}},
    ),
    ArrayCase(
        "v3_float32_blosc",
        "blosc with every configuration field",
        "float32",
        (8,),
        (4,),
        0.5,
        options={"compressors": [BloscCodec(cname="lz4", clevel=3, shuffle="bitshuffle")]},
    ),
    ArrayCase(
        "v3_uint8_sharded",
        "sharding with inner bytes (1-byte type) and zstd, index at the start",
        "uint8",
        (8, 8),
        (4, 4),
        0,
        options={
            "serializer": ShardingCodec(
                chunk_shape=(2, 2),
                codecs=[BytesCodec(), ZstdCodec(level=1)],
                index_location="start",
            ),
            "compressors": None,
        },
    ),
]

V2_CASES = [
    ArrayCase(
        "v2_int32_big_endian_order_f_zlib",
        "'>i4', order F, zlib, null fill",
        ">i4",
        (4, 3),
        (2, 2),
        None,
        2,
        {"order": "F", "compressors": numcodecs.Zlib(level=3)},
    ),
    ArrayCase(
        "v2_float64_nan_gzip",
        "NaN fill, gzip",
        "<f8",
        (4,),
        (2,),
        np.nan,
        2,
        {"compressors": numcodecs.GZip(level=5)},
    ),
    ArrayCase(
        "v2_float16_negative_infinity_zstd",
        "float16 -Infinity, zstd with checksum",
        "<f2",
        (4,),
        (2,),
        -np.inf,
        2,
        {"compressors": numcodecs.Zstd(level=3, checksum=True)},
    ),
    ArrayCase(
        "v2_complex64_blosc",
        "complex fill with NaN, blosc",
        "<c8",
        (4,),
        (2,),
        complex(1, np.nan),
        2,
        {"compressors": numcodecs.Blosc(cname="zstd", clevel=2, shuffle=2)},
    ),
    ArrayCase(
        "v2_bool_lz4",
        "bool true, lz4",
        "|b1",
        (4,),
        (2,),
        True,
        2,
        {"compressors": numcodecs.LZ4(acceleration=2)},
    ),
    ArrayCase(
        "v2_raw_bytes_slash",
        "'|V3' with base64 fill, dimension_separator '/'",
        "|V3",
        (4, 2),
        (2, 2),
        b"abc",
        2,
        {"compressors": None, "chunk_key_encoding": {"name": "v2", "separator": "/"}},
    ),
    ArrayCase(
        "v2_uint64_max_scalar",
        'rank 0 uint64 max: chunk key "0"',
        "<u8",
        (),
        (),
        np.iinfo(np.uint64).max,
        2,
        {"compressors": None},
    ),
    ArrayCase(
        "v2_float64_negative_zero_attrs",
        "-0.0 with .zattrs",
        "<f8",
        (3,),
        (2,),
        -0.0,
        2,
        {"compressors": None, "attributes": {"title": "t"}},
    ),
]


def read_key(store: MemoryStore, key: str) -> bytes | None:
    buffer = asyncio.run(store.get(key, prototype=default_buffer_prototype()))
    return None if buffer is None else buffer.to_bytes()


def fill_bytes_hex(array: zarr.Array) -> str:
    """The fill value as the little-endian bytes of one element (zeros for a v2 null fill)."""
    dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
    fill = array.fill_value
    if fill is None:
        return bytes(dtype.itemsize).hex()
    return np.array(fill, dtype=array.dtype).astype(dtype).tobytes().hex()


def one_chunk_key(array: zarr.Array) -> tuple[list[int], str]:
    coords = tuple(1 if n > 1 else 0 for n in array.cdata_shape)
    return list(coords), array.metadata.encode_chunk_key(coords)


def write_array(case: ArrayCase) -> dict[str, Any]:
    store = MemoryStore()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # raw bytes in v3 warn about an unstable data type
        array = zarr.create_array(
            store,
            shape=case.shape,
            chunks=case.chunks,
            dtype=case.dtype,
            fill_value=case.fill_value,
            zarr_format=case.zarr_format,  # type: ignore[arg-type]
            **case.options,
        )
    entry: dict[str, Any] = {"name": case.name, "description": case.description}
    if case.zarr_format == 3:
        entry["kind"] = "v3_array"
        files = {"file": "zarr.json"}
    else:
        entry["kind"] = "v2_array"
        files = {"file": ".zarray", "attributes_file": ".zattrs"}
    for role, key in files.items():
        data = read_key(store, key)
        if data is None or (role == "attributes_file" and json.loads(data) == {}):
            continue
        file_name = f"{case.name}{key}" if key.startswith(".") else f"{case.name}.{key}"
        (OUT_DIR / file_name).write_bytes(data)
        entry[role] = file_name
    # Facts describe the document as zarr-python reads it back (a NaN payload does not survive).
    array = zarr.open_array(store, zarr_format=case.zarr_format)  # type: ignore[arg-type]
    coords, key = one_chunk_key(array)
    entry["facts"] = {
        "shape": list(case.shape),
        "chunk_shape": list(array.metadata.chunks),
        "numpy_dtype": array.dtype.str,
        "fill_value_le_hex": fill_bytes_hex(array),
        "chunk_coords": coords,
        "chunk_key": key,
    }
    return entry


def write_group(name: str, zarr_format: int, attributes: dict[str, Any]) -> dict[str, Any]:
    store = MemoryStore()
    zarr.create_group(store, zarr_format=zarr_format, attributes=attributes)  # type: ignore[arg-type]
    entry: dict[str, Any] = {
        "name": name,
        "kind": f"v{zarr_format}_group",
        "description": "group with attributes",
    }
    keys = (
        {"file": "zarr.json"}
        if zarr_format == 3
        else {"file": ".zgroup", "attributes_file": ".zattrs"}
    )
    for role, key in keys.items():
        data = read_key(store, key)
        assert data is not None, key
        file_name = f"{name}{key}" if key.startswith(".") else f"{name}.{key}"
        (OUT_DIR / file_name).write_bytes(data)
        entry[role] = file_name
    entry["facts"] = {"attributes": attributes}
    return entry


def main() -> None:
    assert zarr.__version__.startswith("3.4.2"), zarr.__version__
    assert struct.pack("=H", 1) == b"\x01\x00", "fixtures record little-endian element bytes"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for old in OUT_DIR.iterdir():
        old.unlink()
    entries = [write_array(case) for case in [*V3_CASES, *V2_CASES]]
    entries.append(write_group("v3_group", 3, {"title": "root", "n": 3}))
    entries.append(write_group("v2_group", 2, {"title": "root"}))
    manifest = {
        "generator": "cpp/tests/golden/generate_metadata.py",
        "zarr_python": zarr.__version__,
        "numcodecs": numcodecs.__version__,
        "cases": entries,
    }
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(path.stat().st_size for path in OUT_DIR.iterdir())
    print(f"wrote {len(entries)} cases, {total} bytes, to {OUT_DIR}")


if __name__ == "__main__":
    main()
