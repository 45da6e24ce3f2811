"""Shared helpers of the PhasedCodecPipeline tests: running one program of array operations under
zarrphase's pipeline and under zarr-python's default one, and comparing what they stored."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import zarr
from zarr.abc.store import Store
from zarr.core.buffer import default_buffer_prototype
from zarr.storage import LocalStore, MemoryStore

PHASED = "zarrphase.PhasedCodecPipeline"
ZARR_AT_LEAST_3_4 = tuple(int(part) for part in zarr.__version__.split(".")[:2]) >= (3, 4)
DEFAULT = "zarr.core.codec_pipeline.BatchedCodecPipeline"

METADATA_NAMES = ("zarr.json", ".zarray", ".zattrs", ".zgroup", ".zmetadata")


@contextmanager
def pipeline(path: str, *, strict: bool = True) -> Iterator[None]:
    """Selects pipeline `path`; zarrphase's runs strict (no silent fallback) unless told."""
    with zarr.config.set({"codec_pipeline.path": path, "zarrphase.strict": strict}):
        yield


@pytest.fixture
def fixed_gzip_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """numcodecs' gzip (zarr-python's GzipCodec) stamps the wall clock into each header;
    zarrphase writes 0. Pinning the clock makes both byte-identical."""
    monkeypatch.setattr(gzip, "time", SimpleNamespace(time=lambda: 0.0))


def make_store(kind: str, root: Path) -> Store:
    if kind == "memory":
        return MemoryStore()
    if kind == "local":
        return LocalStore(root)
    raise AssertionError(kind)


def snapshot(store: Store) -> dict[str, bytes]:
    """Every stored object, metadata included, as bytes."""

    async def collect() -> dict[str, bytes]:
        out = {}
        async for key in store.list():
            value = await store.get(key, default_buffer_prototype())
            assert value is not None
            out[key] = value.to_bytes()
        return out

    return asyncio.run(collect())


def chunk_objects(store: Store) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(store).items() if k.rsplit("/", 1)[-1] not in METADATA_NAMES}


Program = Callable[[zarr.Array, list[Any]], None]


def run(path: str, store: Store, array_kwargs: dict[str, Any], program: Program) -> list[Any]:
    """Creates the array under pipeline `path`, runs `program` on it and returns what the
    program recorded (its reads)."""
    with pipeline(path):
        array = zarr.create_array(store=store, **array_kwargs)
        results: list[Any] = []
        program(array, results)
    return results


def assert_results_equal(ours: list[Any], theirs: list[Any]) -> None:
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype, (i, a.dtype, b.dtype)
        assert a.shape == b.shape, (i, a.shape, b.shape)
        if a.dtype.kind == "V":
            assert a.tobytes() == b.tobytes(), i
        else:
            np.testing.assert_array_equal(a, b, err_msg=f"result {i}")


def read_all(path: str, store: Store) -> np.ndarray:
    """The whole array in `store`, opened and read under pipeline `path`."""
    with pipeline(path):
        return np.asarray(zarr.open_array(store=store, mode="r")[...])


def compare(
    tmp_path: Path,
    array_kwargs: dict[str, Any],
    program: Program,
    *,
    store_kind: str = "memory",
    byte_identical: bool = True,
) -> tuple[Store, Store]:
    """Runs `program` under both pipelines and checks: the same reads, the same stored keys,
    byte-identical objects (when the layout is deterministic), and that each pipeline reads
    what the other wrote. Returns (ours, theirs)."""
    ours = make_store(store_kind, tmp_path / "ours")
    theirs = make_store(store_kind, tmp_path / "theirs")
    ours_results = run(PHASED, ours, array_kwargs, program)
    theirs_results = run(DEFAULT, theirs, array_kwargs, program)
    assert_results_equal(ours_results, theirs_results)

    ours_objects, theirs_objects = chunk_objects(ours), chunk_objects(theirs)
    assert sorted(ours_objects) == sorted(theirs_objects)
    if byte_identical:
        for key, expected in theirs_objects.items():
            assert ours_objects[key] == expected, f"object {key} differs"

    expected = read_all(DEFAULT, theirs)
    for reader, store in ((DEFAULT, ours), (PHASED, theirs), (PHASED, ours)):
        got = read_all(reader, store)
        assert_results_equal([got], [expected])
    return ours, theirs
