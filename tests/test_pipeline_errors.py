"""PhasedCodecPipeline on bad input and in failure: corrupt chunks and shards raise errors naming
the key, a failed write leaves the array readable, and what cannot run natively falls back to
zarr-python's pipeline (logged and counted once per array) or, under zarrphase.strict, raises."""

from __future__ import annotations

import logging
import struct
from typing import Any

import google_crc32c
import numcodecs
import numpy as np
import pytest
import zarr
from zarr.buffer import cpu
from zarr.codecs import Crc32cCodec, ZstdCodec
from zarr.codecs.numcodecs import BZ2
from zarr.core.buffer import BufferPrototype, core
from zarr.storage import LocalStore, MemoryStore

import zarrphase
from zarrphase import pipeline as phased

from .pipeline_support import DEFAULT, PHASED, chunk_objects, make_store, pipeline
from .test_pipeline_stores import CountingStore

STORE_KINDS = ["memory", "local"]


def put(store: Any, key: str, value: bytes) -> None:
    """Overwrites one stored object behind zarr's back."""
    if isinstance(store, MemoryStore):
        store._store_dict[key] = cpu.Buffer.from_bytes(value)
    else:
        assert isinstance(store, LocalStore)
        (store.root / key).write_bytes(value)


# ------------------------------------------------------------------------------------------
# Corrupt input.


@pytest.mark.parametrize("store_kind", STORE_KINDS)
def test_corrupt_chunk_names_its_key(tmp_path, store_kind: str) -> None:
    store = make_store(store_kind, tmp_path / "a")
    with pipeline(PHASED):
        array = zarr.create_array(
            store, shape=(20,), chunks=(10,), dtype="int64", compressors=ZstdCodec(level=1)
        )
        array[...] = np.arange(20)
        put(store, "c/1", b"this is not zstd")
        with pytest.raises(zarrphase.CorruptDataError, match="c/1"):
            array[...]
        np.testing.assert_array_equal(array[0:10], np.arange(10))  # the other chunk still reads


@pytest.mark.parametrize("store_kind", STORE_KINDS)
def test_checksum_mismatch_names_its_key(tmp_path, store_kind: str) -> None:
    store = make_store(store_kind, tmp_path / "a")
    with pipeline(PHASED):
        array = zarr.create_array(
            store, shape=(8,), chunks=(4,), dtype="int32", compressors=Crc32cCodec()
        )
        array[...] = np.arange(8)
        stored = bytearray(chunk_objects(store)["c/0"])
        stored[0] ^= 0xFF  # flip a data byte, keep the checksum
        put(store, "c/0", bytes(stored))
        with pytest.raises(zarrphase.ChecksumMismatchError, match="c/0"):
            array[0:4]
        # With verification off the checksum is stripped unverified, as configured.
        with zarr.config.set({"zarrphase.validate_checksums": False}):
            assert array[0] == np.int32(0 ^ 0xFF)


def shard_index(stored: bytes, subchunks: int) -> list[tuple[int, int]]:
    """(offset, nbytes) per subchunk of a shard whose index (bytes + crc32c) is at the end."""
    raw = stored[-(16 * subchunks + 4) : -4]
    return [struct.unpack_from("<QQ", raw, 16 * i) for i in range(subchunks)]


def with_index(stored: bytes, entries: list[tuple[int, int]]) -> bytes:
    raw = b"".join(struct.pack("<QQ", *e) for e in entries)
    return stored[: -(len(raw) + 4)] + raw + struct.pack("<I", google_crc32c.value(raw))


@pytest.mark.parametrize("store_kind", STORE_KINDS)
@pytest.mark.parametrize(
    "damage",
    ["truncated", "empty", "index-checksum", "offset-past-end", "length-overflow"],
)
def test_corrupt_shard_names_its_key(tmp_path, store_kind: str, damage: str) -> None:
    store = make_store(store_kind, tmp_path / "a")
    with pipeline(PHASED):
        array = zarr.create_array(
            store, shape=(16,), chunks=(4,), shards=(8,), dtype="int32", compressors=None
        )
        array[...] = np.arange(16) + 1
        stored = chunk_objects(store)["c/1"]
        if damage == "truncated":
            bad = stored[: len(stored) // 2]
        elif damage == "empty":
            bad = b""
        elif damage == "index-checksum":
            bad = stored[:-1] + bytes([stored[-1] ^ 1])
        else:
            entries = shard_index(stored, 2)
            if damage == "offset-past-end":
                entries[1] = (len(stored) * 10, entries[1][1])
            else:
                entries[1] = (entries[1][0], 2**64 - 1)
            bad = with_index(stored, entries)
        put(store, "c/1", bad)
        with pytest.raises(zarrphase.ZarrphaseError, match="c/1"):
            array[8:16]
        np.testing.assert_array_equal(array[0:8], np.arange(8) + 1)


# ------------------------------------------------------------------------------------------
# Failed writes.


@pytest.mark.parametrize("store_kind", STORE_KINDS)
def test_write_over_a_corrupt_shard_changes_nothing(tmp_path, store_kind: str) -> None:
    """A write batch that cannot merge into one of its shards raises before any store update,
    so the shards it would have rewritten keep their bytes."""
    store = make_store(store_kind, tmp_path / "a")
    with pipeline(PHASED):
        array = zarr.create_array(
            store,
            shape=(16,),
            chunks=(2,),
            shards=(8,),
            dtype="int32",
            compressors=ZstdCodec(level=1),
        )
        array[...] = np.arange(16)
        before = chunk_objects(store)
        put(store, "c/1", b"garbage that is no shard at all")
        with pytest.raises(zarrphase.ZarrphaseError, match="c/1"):
            array[3:13] = -1  # partial in both shards: both must be read and merged
        after = chunk_objects(store)
        assert after["c/0"] == before["c/0"]
        np.testing.assert_array_equal(array[0:8], np.arange(8))


class FailingStore(CountingStore):
    """Refuses to store one key."""

    def __init__(self) -> None:
        super().__init__()
        self.failing_key: str | None = None

    async def set(self, key: str, value: Any) -> None:
        if key == self.failing_key:
            raise OSError(f"disk full writing {key}")
        await super().set(key, value)


def test_failed_store_write_leaves_every_chunk_readable() -> None:
    store = FailingStore()
    with pipeline(PHASED):
        array = zarr.create_array(
            store,
            shape=(8, 8),
            chunks=(2, 2),
            shards=(4, 4),
            dtype="float64",
            fill_value=0.0,
            compressors=None,
        )
        array[...] = 1.0
        before = chunk_objects(store)
        store.failing_key = "c/1/0"
        with pytest.raises(OSError, match="disk full"):
            array[...] = 2.0
        # Every shard holds either its old or its new content, never a mix, and all decode.
        for key, value in chunk_objects(store).items():
            assert key != "c/1/0" or value == before[key]
        result = array[...]
        assert set(np.unique(result)) <= {1.0, 2.0}
        np.testing.assert_array_equal(result[4:8, 0:4], 1.0)


# ------------------------------------------------------------------------------------------
# Fallback to zarr-python's pipeline.


class ForeignNDBuffer(core.NDBuffer):
    """An NDBuffer that is not zarr's CPU class (as a GPU buffer would not be); it borrows the
    CPU implementation so zarr-python's own pipeline can still fill it."""

    def __init__(self, array: Any) -> None:
        core.NDBuffer.__init__(self, array)

    create = cpu.NDBuffer.__dict__["create"]
    empty = cpu.NDBuffer.__dict__["empty"]
    from_numpy_array = cpu.NDBuffer.__dict__["from_numpy_array"]
    astype = cpu.NDBuffer.astype
    as_numpy_array = cpu.NDBuffer.as_numpy_array
    __getitem__ = cpu.NDBuffer.__getitem__

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(value, core.NDBuffer):
            value = value.as_numpy_array()
        self._data[key] = value

    all_equal = cpu.NDBuffer.all_equal


def fallback_cases() -> dict[str, tuple[dict[str, Any], Any, str]]:
    """(array kwargs, data, reason fragment) of arrays that run on zarr-python's pipeline."""
    return {
        "string": ({"shape": (4,), "dtype": str}, np.array(["a", "bb", "", "d"]), "data type"),
        "datetime": (
            {"shape": (3,), "dtype": "datetime64[s]"},
            np.array(["2020-01-01", "2021-06-01", "NaT"], dtype="datetime64[s]"),
            "data type",
        ),
        "structured": (
            {"shape": (3,), "dtype": [("a", "i4"), ("b", "f8")]},
            np.array([(1, 2.0), (3, 4.5), (0, 0.0)], dtype=[("a", "i4"), ("b", "f8")]),
            "structured",
        ),
        "bz2": (
            {"shape": (6,), "dtype": "int16", "compressors": BZ2(level=1)},
            np.arange(6, dtype="int16"),
            "numcodecs.bz2",
        ),
        "v2-filter": (
            {
                "shape": (6,),
                "dtype": "int16",
                "zarr_format": 2,
                "filters": [numcodecs.Delta(dtype="int16")],
                "compressors": None,
            },
            np.arange(6, dtype="int16"),
            "filters",
        ),
    }


@pytest.mark.parametrize("case", list(fallback_cases()))
def test_fallback_is_logged_and_counted_once_per_array(caplog, case: str) -> None:
    kwargs, data, reason = fallback_cases()[case]
    caplog.set_level(logging.INFO, logger="zarrphase.pipeline")
    before = phased.fallback_count()
    with pipeline(PHASED, strict=False):
        array = zarr.create_array(MemoryStore(), chunks=kwargs["shape"], **kwargs)
        array[...] = data
        for _ in range(3):
            np.testing.assert_array_equal(array[...], data)
        assert phased.fallback_count() == before + 1
        records = [r for r in caplog.records if r.name == "zarrphase.pipeline"]
        assert len(records) == 1
        assert reason in records[0].getMessage()
        assert sum(n for r, n in phased.fallbacks.items() if reason in r) >= 1
        second = zarr.open_array(array.store, mode="r")
        np.testing.assert_array_equal(second[...], data)
        assert phased.fallback_count() == before + 2  # another array, counted again


@pytest.mark.parametrize("case", list(fallback_cases()))
def test_strict_raises_instead_of_falling_back(case: str) -> None:
    kwargs, data, reason = fallback_cases()[case]
    store = MemoryStore()
    with pipeline(DEFAULT):
        zarr.create_array(store, chunks=kwargs["shape"], **kwargs)[...] = data
    with pipeline(PHASED, strict=True):
        array = zarr.open_array(store, mode="r")
        with pytest.raises(zarrphase.UnsupportedError, match=reason):
            array[...]
        with pytest.raises(NotImplementedError):  # UnsupportedError is a NotImplementedError
            array[0]


def test_non_cpu_output_falls_back_per_call(caplog) -> None:
    caplog.set_level(logging.INFO, logger="zarrphase.pipeline")
    prototype = BufferPrototype(buffer=cpu.Buffer, nd_buffer=ForeignNDBuffer)
    with pipeline(PHASED, strict=False):
        array = zarr.create_array(MemoryStore(), shape=(10,), chunks=(5,), dtype="int32")
        array[...] = np.arange(10)
        out = array.get_basic_selection(slice(2, 8), prototype=prototype)
        np.testing.assert_array_equal(out, np.arange(2, 8))
        np.testing.assert_array_equal(array[...], np.arange(10))  # native again
    assert any("CPU NDBuffer" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("name", "value"), [("threads", -1), ("coalesce_max_bytes", "x"), ("strict", "maybe")]
)
def test_bad_settings_are_errors(name: str, value: Any) -> None:
    with pipeline(PHASED), zarr.config.set({f"zarrphase.{name}": value}):
        array = zarr.create_array(MemoryStore(), shape=(4,), chunks=(2,), dtype="int8")
        with pytest.raises(ValueError, match=f"zarrphase.{name}"):
            array[...] = 1
