"""zarrphase.PhasedCodecPipeline against zarr-python's default pipeline: the same values, the
same stored keys, byte-identical objects for deterministic layouts, and each reads the other's
output. Across layouts (unsharded, sharded, nested sharding, index at the start or the end, every
subchunk write order), codecs, data types in both byte orders, Zarr v2 and v3, basic / oindex /
vindex / mask / block selections, write sequences, and write_empty_chunks both ways.
"""

from __future__ import annotations

from typing import Any

import numcodecs
import numpy as np
import pytest
import zarr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zarr.codecs import (
    BloscCodec,
    BytesCodec,
    Crc32cCodec,
    GzipCodec,
    ShardingCodec,
    TransposeCodec,
    ZstdCodec,
)

from .pipeline_support import (
    DEFAULT,
    PHASED,
    ZARR_AT_LEAST_3_4,
    compare,
    fixed_gzip_time,  # noqa: F401  (a fixture, used by pytestmark)
    pipeline,
)

pytestmark = pytest.mark.usefixtures("fixed_gzip_time")

# ------------------------------------------------------------------------------------------
# Layouts and codecs.

LAYOUTS: dict[str, dict[str, Any]] = {
    "1d-unsharded": {"shape": (100,), "chunks": (10,)},
    "2d-unsharded-edges": {"shape": (23, 17), "chunks": (5, 4)},
    "2d-sharded": {"shape": (20, 20), "chunks": (5, 5), "shards": (10, 10)},
    "2d-sharded-edges": {"shape": (23, 17), "chunks": (3, 2), "shards": (6, 4)},
    "3d-sharded": {"shape": (8, 9, 10), "chunks": (2, 3, 5), "shards": (4, 9, 10)},
}

COMPRESSORS: dict[str, Any] = {
    "none": None,
    "gzip": GzipCodec(level=1),
    "zstd": ZstdCodec(level=3, checksum=True),
    "crc32c": Crc32cCodec(),
    "zstd+crc32c": [ZstdCodec(level=1), Crc32cCodec()],
    # c-blosc versions may compress differently; values and cross-reading still must match.
    "blosc": BloscCodec(cname="lz4", clevel=5, shuffle="shuffle"),
}


def data_for(shape: tuple[int, ...], dtype: Any = "int32", seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(
            info.min, info.max, size=shape, dtype=dt.newbyteorder("="), endpoint=True
        ).astype(dt)
    if dt.kind == "c":
        return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dt)
    if dt.kind == "V":
        raw = rng.integers(0, 256, size=(*shape, dt.itemsize), dtype=np.uint8)
        return raw.view(dt).reshape(shape)
    return rng.normal(size=shape).astype(dt)


def write_sequence(array: zarr.Array, results: list[Any]) -> None:
    """Full write, partial overwrite, scalar fill of a region, a write back to the fill value,
    with reads of several shapes in between."""
    shape = array.shape
    data = data_for(shape, array.dtype)
    array[...] = data
    results.append(array[...])
    middle = tuple(slice(n // 4, max(n // 4 + 1, 3 * n // 4)) for n in shape)
    array[middle] = data_for(array[middle].shape, array.dtype, seed=1)
    results.append(array[...])
    corner = tuple(slice(0, max(1, n // 3)) for n in shape)
    array[corner] = array.fill_value
    results.append(array[...])
    array[tuple(0 for _ in shape)] = data.flat[1]
    results.append(array[tuple(slice(None, None, 2) for _ in shape)])
    results.append(array[tuple(n - 1 for n in shape)])


@pytest.mark.parametrize("store_kind", ["memory", "local"])
@pytest.mark.parametrize("compressor", list(COMPRESSORS))
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_layouts_and_codecs(tmp_path, layout: str, compressor: str, store_kind: str) -> None:
    kwargs = {
        **LAYOUTS[layout],
        "dtype": "int32",
        "fill_value": 7,
        "compressors": COMPRESSORS[compressor],
    }
    compare(
        tmp_path,
        kwargs,
        write_sequence,
        store_kind=store_kind,
        byte_identical=compressor != "blosc",
    )


ORDERS = ["morton", "lexicographic", "colexicographic", "unordered"]


@pytest.mark.parametrize("index_location", ["start", "end"])
@pytest.mark.parametrize("order", ORDERS)
def test_sharding_index_location_and_write_order(tmp_path, order: str, index_location: str):
    serializer = ShardingCodec(
        chunk_shape=(2, 3),
        codecs=[BytesCodec(), ZstdCodec(level=1)],
        index_location=index_location,
        subchunk_write_order=order,
    )
    # A non-square grid of subchunks, so every order is a different layout.
    kwargs = {
        "shape": (13, 17),
        "chunks": (6, 9),
        "dtype": "float32",
        "fill_value": 0.0,
        "serializer": serializer,
        "compressors": None,
    }
    # zarr-python writes "unordered" lexicographically today; the engine may write any order.
    compare(tmp_path, kwargs, write_sequence, byte_identical=order != "unordered")


@pytest.mark.parametrize("outer_compressor", ["none", "gzip"])
def test_nested_sharding(tmp_path, outer_compressor: str) -> None:
    serializer = ShardingCodec(
        chunk_shape=(10, 10),
        codecs=[ShardingCodec(chunk_shape=(5, 5), codecs=[BytesCodec(), GzipCodec(level=1)])],
    )
    kwargs = {
        "shape": (37, 20),
        "chunks": (20, 20),
        "dtype": "uint16",
        "fill_value": 3,
        "serializer": serializer,
        "compressors": COMPRESSORS[outer_compressor],
    }
    compare(tmp_path, kwargs, write_sequence)


@pytest.mark.parametrize("sharded", [False, True])
def test_transpose_filter(tmp_path, sharded: bool) -> None:
    kwargs: dict[str, Any] = {
        "shape": (12, 10, 7),
        "chunks": (4, 5, 7),
        "dtype": "int64",
        "fill_value": -1,
        "filters": [TransposeCodec(order=(2, 0, 1))],
        "compressors": None,
    }
    if sharded:
        kwargs = {**kwargs, "chunks": (2, 5, 7), "shards": (4, 5, 7)}
    compare(tmp_path, kwargs, write_sequence)


# ------------------------------------------------------------------------------------------
# Data types, both byte orders, v2 and v3.

DTYPES = [
    "bool",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
]


@pytest.mark.parametrize("sharded", [False, True])
@pytest.mark.parametrize("endian", ["little", "big"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes_both_byte_orders(tmp_path, dtype: str, endian: str, sharded: bool) -> None:
    serializer: Any = BytesCodec(endian=endian)
    chunks = (4, 3)
    if sharded:
        serializer = ShardingCodec(chunk_shape=(4, 3), codecs=[serializer, ZstdCodec(level=1)])
        chunks = (8, 6)
    kwargs = {
        "shape": (9, 11),
        "chunks": chunks,
        "dtype": dtype,
        "serializer": serializer,
        "compressors": None if sharded else ZstdCodec(level=1),
    }
    compare(tmp_path, kwargs, write_sequence)


@pytest.mark.parametrize("stored", ["little", "big"])
@pytest.mark.parametrize("byteorder", ["<", ">"])
@pytest.mark.parametrize("dtype", ["int16", "uint32", "float32", "float64", "complex128"])
def test_in_memory_byte_order(tmp_path, dtype: str, byteorder: str, stored: str) -> None:
    """A dtype given with a byte order makes zarr-python hold arrays in that order in memory,
    whatever order the bytes codec stores."""
    dt = np.dtype(dtype).newbyteorder(byteorder)
    kwargs = {
        "shape": (10, 6),
        "chunks": (4, 4),
        "dtype": dt,
        "compressors": None,
        "serializer": BytesCodec(endian=stored),
    }
    compare(tmp_path, kwargs, write_sequence)


def test_raw_bytes_dtype(tmp_path) -> None:
    kwargs = {
        "shape": (10, 7),
        "chunks": (4, 3),
        "dtype": np.dtype("V3"),
        "compressors": ZstdCodec(level=1),
    }
    compare(tmp_path, kwargs, write_sequence)


V2_COMPRESSORS = {
    "none": None,
    "zlib": numcodecs.Zlib(level=3),
    "gzip": numcodecs.GZip(level=3),
    "zstd": numcodecs.Zstd(level=2),
    "lz4": numcodecs.LZ4(acceleration=1),
    "blosc": numcodecs.Blosc(cname="zstd", clevel=3, shuffle=numcodecs.Blosc.SHUFFLE),
}


@pytest.mark.parametrize("store_kind", ["memory", "local"])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", ["<i4", ">i4", ">f8", "|b1", "<c8"])
@pytest.mark.parametrize("compressor", list(V2_COMPRESSORS))
def test_zarr_v2(tmp_path, compressor: str, dtype: str, order: str, store_kind: str) -> None:
    kwargs = {
        "shape": (11, 9),
        "chunks": (4, 5),
        "dtype": np.dtype(dtype),
        "zarr_format": 2,
        "order": order,
        "compressors": V2_COMPRESSORS[compressor],
        "filters": None,
        "fill_value": 0,
    }
    compare(
        tmp_path,
        kwargs,
        write_sequence,
        store_kind=store_kind,
        byte_identical=compressor != "blosc",
    )


V3_NUMCODECS = {
    "zlib": zarr.codecs.numcodecs.Zlib(level=2),
    "gzip": zarr.codecs.numcodecs.GZip(level=2),
    "zstd": zarr.codecs.numcodecs.Zstd(level=2),
    "lz4": zarr.codecs.numcodecs.LZ4(),
    "blosc": zarr.codecs.numcodecs.Blosc(cname="lz4", clevel=3),
}


@pytest.mark.filterwarnings("ignore::zarr.errors.ZarrUserWarning")
@pytest.mark.parametrize("codec", list(V3_NUMCODECS))
def test_numcodecs_codecs_in_v3(tmp_path, codec: str) -> None:
    kwargs = {
        "shape": (20, 9),
        "chunks": (6, 4),
        "shards": (12, 8),
        "dtype": "float32",
        "compressors": V3_NUMCODECS[codec],
    }
    compare(tmp_path, kwargs, write_sequence, byte_identical=codec != "blosc")


# ------------------------------------------------------------------------------------------
# Selections.

SELECTION_LAYOUTS = {
    "unsharded": {"shape": (13, 11, 6), "chunks": (4, 3, 6)},
    "sharded": {"shape": (13, 11, 6), "chunks": (2, 3, 2), "shards": (4, 6, 6)},
    "nested": {
        "shape": (13, 11, 6),
        "chunks": (8, 6, 6),
        "serializer": ShardingCodec(
            chunk_shape=(4, 6, 3), codecs=[ShardingCodec(chunk_shape=(2, 3, 3))]
        ),
    },
}


def selections(array: zarr.Array, results: list[Any]) -> None:
    """Every kind of selection zarr-python hands a pipeline, read after a full write and written
    (each write read back whole)."""
    data = data_for(array.shape, array.dtype)
    array[...] = data
    rng = np.random.default_rng(5)

    def record_write(write: Any, shape: tuple[int, ...]) -> None:
        write(data_for(shape, array.dtype, seed=len(results)))
        results.append(array[...])

    # basic: ints drop axes, steps, partial edges, Ellipsis
    results.append(array[3, 2:9, ::2])
    results.append(array[..., 1])
    results.append(array[1:12:3, 10, :])
    results.append(array[5, 7, 3])
    array[2, 1:10:4, :] = 9
    results.append(array[...])
    # orthogonal: sorted / unsorted / repeated int arrays, bool masks, ints beside arrays
    rows = np.array([11, 0, 4, 4, 7])
    cols = np.array([1, 10, 3])
    mask = rng.integers(0, 2, size=array.shape[2]).astype(bool)
    results.append(array.oindex[rows, cols, :])
    results.append(array.oindex[np.sort(rows), 2:9, mask])
    results.append(array.oindex[rows, 4, mask])
    results.append(array.oindex[3, cols, 1])
    results.append(array.oindex[[0, 12], :, [5]])
    if ZARR_AT_LEAST_3_4:  # zarr 3.3's own pipeline fails these two orthogonal writes
        record_write(
            lambda v: array.oindex.__setitem__((np.array([12, 1, 6]), cols, mask), v),
            (3, 3, int(mask.sum())),
        )
        record_write(
            lambda v: array.oindex.__setitem__((np.array([0, 9]), 5, slice(1, 5)), v), (2, 4)
        )
    # vectorized: coordinates in chunk order and not, repeated, multi-dimensional
    points = tuple(rng.integers(0, n, size=40) for n in array.shape)
    results.append(array.vindex[points])
    results.append(array.vindex[tuple(np.sort(p) for p in points)])
    grid = tuple(rng.integers(0, n, size=(4, 5)) for n in array.shape)
    results.append(array.vindex[grid])
    unique = np.unique(np.ravel_multi_index(points, array.shape))
    unique_points = np.unravel_index(rng.permutation(unique), array.shape)
    record_write(lambda v: array.vindex.__setitem__(unique_points, v), (len(unique),))
    array.vindex[unique_points] = 4
    results.append(array[...])
    # mask selection
    full_mask = rng.integers(0, 5, size=array.shape) == 0
    results.append(array.vindex[full_mask])
    record_write(lambda v: array.set_mask_selection(full_mask, v), (int(full_mask.sum()),))
    # block selection
    results.append(array.blocks[1, 1:3])
    record_write(lambda v: array.set_block_selection((0, 1), v), array.blocks[0, 1].shape)


@pytest.mark.parametrize("store_kind", ["memory", "local"])
@pytest.mark.parametrize("layout", list(SELECTION_LAYOUTS))
def test_selections(tmp_path, layout: str, store_kind: str) -> None:
    kwargs = {
        **SELECTION_LAYOUTS[layout],
        "dtype": "int16",
        "fill_value": 0,
        "compressors": ZstdCodec(level=1),
    }
    compare(tmp_path, kwargs, selections, store_kind=store_kind)


@pytest.mark.parametrize("shards", [None, (12,)])
def test_selections_1d(tmp_path, shards: tuple[int, ...] | None) -> None:
    def program(array: zarr.Array, results: list[Any]) -> None:
        array[...] = np.arange(50, dtype="int32") * 3
        points = np.array([49, 0, 13, 13, 27, 5, 48])
        results.append(array.vindex[points])
        results.append(array.oindex[points])
        results.append(array.vindex[np.sort(points)])
        results.append(array.oindex[np.arange(50) % 7 == 0])
        results.append(array[3::7])
        array.vindex[np.array([40, 2, 17])] = [-1, -2, -3]
        array.oindex[np.arange(50) % 11 == 0] = 99
        results.append(array[...])

    kwargs = {"shape": (50,), "chunks": (4,), "shards": shards, "dtype": "int32"}
    compare(tmp_path, kwargs, program)


def test_zero_dimensional_array(tmp_path) -> None:
    def program(array: zarr.Array, results: list[Any]) -> None:
        results.append(array[()])
        array[()] = 5
        results.append(array[()])
        array[...] = 0
        results.append(array[...])

    compare(tmp_path, {"shape": (), "dtype": "float32", "fill_value": 0.0}, program)


# ------------------------------------------------------------------------------------------
# write_empty_chunks and fill values.


@pytest.mark.parametrize("write_empty_chunks", [False, True])
@pytest.mark.parametrize("layout", ["2d-unsharded-edges", "2d-sharded"])
def test_write_empty_chunks(tmp_path, layout: str, write_empty_chunks: bool) -> None:
    def program(array: zarr.Array, results: list[Any]) -> None:
        array[...] = 0  # all fill: nothing stored without write_empty_chunks
        results.append(array[...])
        array[0:6, 0:6] = 5
        array[0:6, 0:3] = 0  # back to fill in part of a chunk / subchunk
        results.append(array[...])
        array[...] = 0  # everything back to fill: chunks and shards deleted
        results.append(array[...])
        array[1, 1] = 1
        results.append(array[...])

    kwargs = {
        **LAYOUTS[layout],
        "dtype": "float64",
        "fill_value": 0.0,
        "compressors": None,
        "config": {"write_empty_chunks": write_empty_chunks},
    }
    compare(tmp_path, kwargs, program)


@pytest.mark.parametrize("fill_value", [float("nan"), -0.0, 0.0, float("inf")])
def test_float_fill_values(tmp_path, fill_value: float) -> None:
    """Chunks of NaN (any payload) equal a NaN fill; -0.0 is not the 0.0 fill (bitwise)."""

    def program(array: zarr.Array, results: list[Any]) -> None:
        results.append(array[...])
        array[0:4, :] = np.nan
        array[4:8, :] = -0.0
        array[8:12, :] = 0.0
        array[12:16, 0:4] = np.inf
        results.append(array[...])

    kwargs = {
        "shape": (16, 8),
        "chunks": (4, 4),
        "dtype": "float32",
        "fill_value": fill_value,
        "compressors": None,
    }
    compare(tmp_path, kwargs, program)


def test_missing_chunks_read_as_fill(tmp_path) -> None:
    def program(array: zarr.Array, results: list[Any]) -> None:
        results.append(array[...])
        array[3:5, 3:5] = 1
        results.append(array[...])
        results.append(array.oindex[[0, 4, 19], [1, 4]])

    kwargs = {**LAYOUTS["2d-sharded"], "dtype": "int8", "fill_value": -3}
    compare(tmp_path, kwargs, program)


# ------------------------------------------------------------------------------------------
# Random programs.


@st.composite
def programs(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[tuple[slice, ...], int]]]:
    rank = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 13), min_size=rank, max_size=rank)))
    chunks = tuple(draw(st.integers(1, 4)) for _ in shape)
    kwargs: dict[str, Any] = {"shape": shape, "dtype": "int16", "fill_value": 0}
    if draw(st.booleans()):
        kwargs["shards"] = tuple(c * draw(st.integers(1, 3)) for c in chunks)
    kwargs["chunks"] = chunks
    kwargs["compressors"] = draw(st.sampled_from([None, ZstdCodec(level=1), Crc32cCodec()]))

    def region() -> tuple[slice, ...]:
        out = []
        for n in shape:
            start = draw(st.integers(0, n - 1))
            stop = draw(st.integers(start + 1, n))
            out.append(slice(start, stop, draw(st.integers(1, 3))))
        return tuple(out)

    writes = [(region(), draw(st.integers(-2, 2))) for _ in range(draw(st.integers(1, 4)))]
    return kwargs, writes


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(program=programs())
def test_random_programs(tmp_path_factory, program) -> None:
    kwargs, writes = program

    def run_writes(array: zarr.Array, results: list[Any]) -> None:
        for i, (sel, value) in enumerate(writes):
            shape = array[sel].shape
            array[sel] = (
                value
                if i % 2
                else np.full(shape, value, "int16")
                + np.arange(int(np.prod(shape)), dtype="int16").reshape(shape)
            )
            results.append(array[...])

    compare(tmp_path_factory.mktemp("p"), kwargs, run_writes)


@pytest.mark.parametrize("dtype", ["|V1", "|V3"])
def test_raw_void_dtypes_of_v2_arrays(dtype: str) -> None:
    # numpy gives the byte axis of a one-byte void view a zero stride; both sizes must work.
    value = np.frombuffer(bytes(range(1, 1 + 4 * np.dtype(dtype).itemsize)), dtype=dtype)
    results = {}
    for path in (DEFAULT, PHASED):
        with pipeline(path):
            store = zarr.storage.MemoryStore()
            array = zarr.create_array(store, shape=(4,), chunks=(2,), dtype=dtype, zarr_format=2)
            array[...] = value
            array[1:3] = np.zeros(2, dtype=dtype)
            results[path] = (array[...].tobytes(), dict(store._store_dict))
    assert results[PHASED][0] == results[DEFAULT][0]
    assert {k: v.to_bytes() for k, v in results[PHASED][1].items()} == {
        k: v.to_bytes() for k, v in results[DEFAULT][1].items()
    }
