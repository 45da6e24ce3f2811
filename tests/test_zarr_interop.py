"""zarrphase and zarr-python read each other's arrays: every dtype, codec and both Zarr versions.

Arrays written by zarr-python are read through zarrphase's metadata parser, store and codec
chains; arrays written by zarrphase are read by zarr-python, and where the codecs are
deterministic the stored chunk objects must be byte-identical to the ones zarr-python writes.
"""

from pathlib import Path

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
    TransposeCodec,
    ZstdCodec,
)

import zarrphase

from .conftest import read_with_zarrphase

DTYPES = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
]  # fmt: skip


def sample(dtype: str, shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, size=shape, dtype=dt, endpoint=True)
    if dt.kind == "c":
        return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dt)
    return rng.normal(size=shape).astype(dt)


COMPRESSORS = {
    "none": None,
    "gzip": GzipCodec(level=5),
    "zstd": ZstdCodec(level=3, checksum=True),
    "blosc-lz4-shuffle": BloscCodec(cname="lz4", clevel=5, shuffle="shuffle"),
    "blosc-zstd-bitshuffle": BloscCodec(cname="zstd", clevel=3, shuffle="bitshuffle"),
    "crc32c": Crc32cCodec(),
}


def write_with_zarr(path: Path, data: np.ndarray, chunks: tuple[int, ...], **kwargs) -> zarr.Array:
    array = zarr.create_array(
        str(path), shape=data.shape, chunks=chunks, dtype=data.dtype, **kwargs
    )
    array[...] = data
    return array


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("endian", ["little", "big"])
def test_reads_zarr_python_v3_dtypes(tmp_path, dtype: str, endian: str) -> None:
    data = sample(dtype, (13, 9))
    write_with_zarr(
        tmp_path / "a",
        data,
        (5, 4),
        serializer=BytesCodec(endian=endian),
        compressors=None,
        fill_value=0,
    )
    np.testing.assert_array_equal(read_with_zarrphase(tmp_path / "a"), data)


@pytest.mark.parametrize("name", COMPRESSORS)
def test_reads_zarr_python_v3_compressors(tmp_path, name: str) -> None:
    data = sample("float32", (30, 17, 5))
    compressor = COMPRESSORS[name]
    write_with_zarr(
        tmp_path / "a",
        data,
        (8, 8, 5),
        compressors=compressor,
        fill_value=1.5,
        filters=[TransposeCodec(order=[1, 2, 0])],
    )
    np.testing.assert_array_equal(read_with_zarrphase(tmp_path / "a"), data)


def test_reads_zarr_python_sharded_arrays(tmp_path) -> None:
    data = sample("uint16", (40, 36))
    data[:20, :12] = 7  # inner chunks equal to the fill value are not stored
    write_with_zarr(
        tmp_path / "a", data, (4, 6), shards=(20, 12), fill_value=7, compressors=ZstdCodec(level=1)
    )
    np.testing.assert_array_equal(read_with_zarrphase(tmp_path / "a"), data)


V2_COMPRESSORS = {
    "none": None,
    "zlib": numcodecs.Zlib(level=4),
    "gzip": numcodecs.GZip(level=6),
    "zstd": numcodecs.Zstd(level=2),
    "blosc": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    "lz4": numcodecs.LZ4(acceleration=1),
}


@pytest.mark.parametrize("name", V2_COMPRESSORS)
@pytest.mark.parametrize("dtype", ["<i4", ">f8", "|u1", ">c8"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_reads_zarr_python_v2(tmp_path, name: str, dtype: str, order: str) -> None:
    data = sample(np.dtype(dtype).newbyteorder("=").str, (11, 7)).astype(dtype)
    array = zarr.create_array(
        str(tmp_path / "a"),
        shape=data.shape,
        chunks=(4, 3),
        dtype=dtype,
        zarr_format=2,
        compressors=V2_COMPRESSORS[name],
        order=order,
        fill_value=0,
    )
    array[...] = data
    np.testing.assert_array_equal(read_with_zarrphase(tmp_path / "a"), data)


DETERMINISTIC = ["none", "gzip", "zstd", "crc32c"]


@pytest.mark.parametrize("name", DETERMINISTIC)
@pytest.mark.parametrize("dtype", ["int16", "float64", "complex64", "bool"])
def test_writes_byte_identical_chunks(tmp_path, name: str, dtype: str) -> None:
    data = sample(dtype, (12, 10))
    theirs = write_with_zarr(
        tmp_path / "theirs",
        data,
        (5, 4),
        compressors=COMPRESSORS[name],
        fill_value=0,
        serializer=BytesCodec(endian="big"),
    )
    # Same metadata, chunks written by zarrphase.
    ours_root = tmp_path / "ours"
    zarr.create_array(
        str(ours_root),
        shape=data.shape,
        chunks=(5, 4),
        dtype=data.dtype,
        compressors=COMPRESSORS[name],
        fill_value=0,
        serializer=BytesCodec(endian="big"),
    )
    zarrphase.open_array(ours_root)[...] = data
    np.testing.assert_array_equal(zarr.open_array(str(ours_root), mode="r")[...], data)
    their_keys = sorted(
        p.relative_to(tmp_path / "theirs")
        for p in (tmp_path / "theirs").rglob("c/**/*")
        if p.is_file()
    )
    assert their_keys, "zarr-python wrote no chunks"
    for key in their_keys:
        ours, expected = (ours_root / key).read_bytes(), (tmp_path / "theirs" / key).read_bytes()
        if name == "gzip":
            # numcodecs stamps the current time into the gzip header (MTIME, bytes 4-8);
            # zarrphase writes 0 so its output is deterministic. Everything else must match.
            assert ours[4:8] == b"\0\0\0\0"
            ours, expected = ours[:4] + ours[8:], expected[:4] + expected[8:]
        assert ours == expected, key
    assert theirs.nchunks_initialized == len(their_keys)


def json_zero(dtype: np.dtype) -> object:
    """A zero fill value as zarr.json spells it for `dtype`."""
    return False if dtype.kind == "b" else [0.0, 0.0] if dtype.kind == "c" else 0


CHAINS = st.sampled_from([
    [],
    [{"name": "gzip", "configuration": {"level": 1}}],
    [{"name": "zstd", "configuration": {"level": 0, "checksum": False}}],
    [{"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5, "shuffle": "bitshuffle",
                                         "typesize": 1, "blocksize": 0}}],
    [{"name": "crc32c"}],
    [{"name": "zstd", "configuration": {"level": 3, "checksum": True}}, {"name": "crc32c"}],
])  # fmt: skip


@st.composite
def arrays_and_chunks(draw: st.DrawFn) -> tuple[np.ndarray, tuple[int, ...]]:
    rank = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 12), min_size=rank, max_size=rank)))
    chunks = tuple(draw(st.integers(1, n + 2)) for n in shape)
    dtype = draw(st.sampled_from(DTYPES))
    return sample(dtype, shape, seed=draw(st.integers(0, 2**16))), chunks


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    case=arrays_and_chunks(),
    chain=CHAINS,
    endian=st.sampled_from(["little", "big"]),
    transpose=st.booleans(),
)
def test_property_zarrphase_writes_what_zarr_python_reads(
    tmp_path_factory, case, chain, endian, transpose
) -> None:
    data, chunks = case
    root = tmp_path_factory.mktemp("prop")
    codecs = [{"name": "bytes", "configuration": {"endian": endian}}, *chain]
    if transpose:
        codecs.insert(
            0, {"name": "transpose", "configuration": {"order": list(range(data.ndim))[::-1]}}
        )
    document = {
        "zarr_format": 3, "node_type": "array", "shape": list(data.shape),
        "data_type": str(data.dtype), "fill_value": json_zero(data.dtype),
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunks)}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "codecs": codecs, "attributes": {},
    }  # fmt: skip
    zarrphase.create_array(root, "", document)[...] = data
    np.testing.assert_array_equal(zarr.open_array(str(root), mode="r")[...], data)
    np.testing.assert_array_equal(read_with_zarrphase(root), data)
