"""PhasedCodecPipeline on every kind of store: LocalStore runs the whole plan natively, stores with
synchronous IO (MemoryStore, LoggingStore over it) are driven directly, and any other store (a
wrapper without synchronous IO, ZipStore) is driven by the async executor, whose requests are
counted here: few wide rounds, concurrent within a round, nearby ranges merged."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest
import zarr
from zarr.abc.store import RangeByteRequest, Store, SuffixByteRequest
from zarr.codecs import ZstdCodec
from zarr.core.buffer import Buffer, BufferPrototype
from zarr.storage import LocalStore, LoggingStore, MemoryStore, WrapperStore, ZipStore

import zarrphase
from zarrphase import executor

from .pipeline_support import DEFAULT, PHASED, pipeline


class CountingStore(WrapperStore[MemoryStore]):
    """A MemoryStore behind an asynchronous-only interface that records every request and how
    many gets were in flight at once."""

    def __init__(self, store: MemoryStore | None = None) -> None:
        super().__init__(store if store is not None else MemoryStore())
        self.gets: list[tuple[str, Any]] = []
        self.sets: list[str] = []
        self.deletes: list[str] = []
        self.get_ranges_calls: list[tuple[str, int, dict[str, Any]]] = []
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def _supports_sync_io(self) -> bool:
        return False

    def reset(self) -> None:
        self.gets.clear()
        self.sets.clear()
        self.deletes.clear()
        self.get_ranges_calls.clear()
        self.max_in_flight = 0

    def chunk_gets(self) -> list[tuple[str, Any]]:
        return [(k, r) for k, r in self.gets if not k.endswith("zarr.json")]

    async def get(
        self, key: str, prototype: BufferPrototype, byte_range: Any = None
    ) -> Buffer | None:
        self.gets.append((key, byte_range))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.002)  # long enough for concurrent requests to overlap
            return await self._store.get(key, prototype, byte_range)
        finally:
            self.in_flight -= 1

    def get_ranges(self, key: str, byte_ranges: Any, **kwargs: Any) -> Any:
        # zarr-python's sharding codec reads subchunks through get_ranges; count each fetch it
        # makes (WrapperStore would hand them to the wrapped store uncounted).
        self.get_ranges_calls.append((key, len(byte_ranges), kwargs))
        return Store.get_ranges(self, key, byte_ranges, **kwargs)

    async def set(self, key: str, value: Buffer) -> None:
        self.sets.append(key)
        await self._store.set(key, value)

    async def delete(self, key: str) -> None:
        self.deletes.append(key)
        await self._store.delete(key)


@pytest.fixture
def spy_runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(plan kind, how its IO ran) for every plan the pipeline runs."""
    runs: list[tuple[str, str]] = []
    original = executor.run

    async def spy(plan: Any, target: executor.Target, **kwargs: Any) -> None:
        how = "native" if target.native is not None else "sync" if target.sync else "async"
        runs.append((type(plan).__name__, how))
        await original(plan, target, **kwargs)

    monkeypatch.setattr(executor, "run", spy)
    return runs


def sharded(store: Any, **kwargs: Any) -> zarr.Array:
    """8 shards of 4x4 subchunks of 4x4 int32 elements."""
    defaults = {
        "shape": (32, 64),
        "chunks": (4, 4),
        "shards": (16, 16),
        "dtype": "int32",
        "fill_value": 0,
        "compressors": None,
    }
    return zarr.create_array(store=store, **{**defaults, **kwargs})


DATA = np.arange(32 * 64, dtype="int32").reshape(32, 64) + 1


# ------------------------------------------------------------------------------------------
# Which executor runs.


def test_local_store_runs_natively(tmp_path, spy_runs) -> None:
    with pipeline(PHASED):
        array = sharded(LocalStore(tmp_path / "a"))
        array[...] = DATA
        np.testing.assert_array_equal(array[3:29, 5:60], DATA[3:29, 5:60])
    assert spy_runs == [("WritePlan", "native"), ("ReadPlan", "native")]
    with pipeline(DEFAULT):
        np.testing.assert_array_equal(zarr.open_array(tmp_path / "a", mode="r")[...], DATA)


def test_large_local_batches_run_off_the_event_loop(tmp_path, spy_runs) -> None:
    big = np.arange(1024 * 512, dtype="float64").reshape(1024, 512)  # 4 MiB
    with pipeline(PHASED):
        array = zarr.create_array(
            LocalStore(tmp_path / "a"),
            shape=big.shape,
            chunks=(128, 128),
            dtype=big.dtype,
            compressors=None,
        )
        array[...] = big
        np.testing.assert_array_equal(array[...], big)
    assert spy_runs == [("WritePlan", "native"), ("ReadPlan", "native")]


def test_read_only_local_store_refuses_writes_as_zarr_does(tmp_path) -> None:
    with pipeline(PHASED):
        sharded(LocalStore(tmp_path / "a"))[...] = DATA
        array = zarr.open_array(LocalStore(tmp_path / "a", read_only=True), mode="r")
        with pytest.raises(ValueError, match="read-only"):
            array[0, 0] = 5
        np.testing.assert_array_equal(array[...], DATA)


def test_local_store_root_created_by_first_write(tmp_path) -> None:
    root = tmp_path / "new" / "a"
    with pipeline(PHASED):
        array = zarr.create_array(LocalStore(root), shape=(4,), chunks=(2,), dtype="uint8")
        array[...] = [1, 2, 3, 4]
        assert array[...].tolist() == [1, 2, 3, 4]


def test_memory_and_logging_stores_are_driven_synchronously(spy_runs) -> None:
    logging_store = LoggingStore(MemoryStore())
    with pipeline(PHASED):
        for store in (MemoryStore(), logging_store):
            array = sharded(store)
            array[...] = DATA
            np.testing.assert_array_equal(array[...], DATA)
    assert spy_runs == [("WritePlan", "sync"), ("ReadPlan", "sync")] * 2
    assert logging_store.counter["set_sync"] == 8  # one object per shard
    assert logging_store.counter["get_sync"] == 8  # every subchunk wanted: whole shards


@pytest.mark.parametrize(("selection", "reads"), [(slice(None), 0), (slice(1, 9), 2)])
def test_logging_store_sees_every_request(selection: slice, reads: int) -> None:
    """Through a LoggingStore, whose counter names the synchronous methods this pipeline uses:
    a whole-shard write reads nothing; a partial one reads the index, then the kept subchunks."""
    store = LoggingStore(MemoryStore())
    with pipeline(PHASED):
        array = zarr.create_array(
            store, shape=(10,), chunks=(1,), shards=(10,), dtype="int64", fill_value=-1
        )
        array[:] = 0
        store.counter.clear()
        array[selection] = 1
        expected = np.zeros(10, "int64")
        expected[selection] = 1
        np.testing.assert_array_equal(array[:], expected)
    assert store.counter["get_sync"] == reads + 1  # + the read-back
    assert store.counter["set_sync"] == 1
    assert store.counter["get"] == store.counter["set"] == 0


def test_zip_store_uses_the_async_executor(tmp_path, spy_runs) -> None:
    path = tmp_path / "a.zip"
    with pipeline(PHASED), ZipStore(path, mode="w") as store:
        array = sharded(store, config={"write_empty_chunks": True})
        array[...] = DATA
        np.testing.assert_array_equal(array[5:20, 7:50], DATA[5:20, 7:50])
    assert spy_runs == [("WritePlan", "async"), ("ReadPlan", "async")]
    for path_ in (DEFAULT, PHASED):
        with pipeline(path_), ZipStore(path, mode="r") as store:
            np.testing.assert_array_equal(zarr.open_array(store, mode="r")[...], DATA)


# ------------------------------------------------------------------------------------------
# Requests of the async executor.


@pytest.fixture
def counted() -> tuple[CountingStore, zarr.Array]:
    store = CountingStore()
    with pipeline(PHASED):
        array = sharded(store)
        array[...] = DATA
    store.reset()
    return store, array


def read(array: zarr.Array, selection: Any) -> np.ndarray:
    with pipeline(PHASED):
        return np.asarray(array[selection])


def test_one_subchunk_is_its_index_then_its_range(counted) -> None:
    store, array = counted
    np.testing.assert_array_equal(read(array, np.s_[1:3, 5:7]), DATA[1:3, 5:7])
    gets = store.chunk_gets()
    assert [k for k, _ in gets] == ["c/0/0", "c/0/0"]
    assert isinstance(gets[0][1], SuffixByteRequest)  # the index, at the end
    assert isinstance(gets[1][1], RangeByteRequest)
    assert gets[1][1].end - gets[1][1].start == 4 * 4 * 4  # one subchunk


def test_a_whole_shard_is_one_request(counted) -> None:
    store, array = counted
    np.testing.assert_array_equal(read(array, np.s_[16:32, 0:16]), DATA[16:32, 0:16])
    assert store.chunk_gets() == [("c/1/0", None)]


def test_rounds_are_wide_and_concurrent(counted) -> None:
    store, array = counted
    # One subchunk in each of the 8 shards: 8 index requests at once, then 8 ranges at once.
    selection = np.s_[::16, ::16]
    np.testing.assert_array_equal(read(array, selection), DATA[selection])
    gets = store.chunk_gets()
    assert len(gets) == 16
    assert all(isinstance(r, SuffixByteRequest) for _, r in gets[:8])
    assert all(isinstance(r, RangeByteRequest) for _, r in gets[8:])
    assert store.max_in_flight == 8


def test_concurrency_is_limited_by_zarr_setting(counted) -> None:
    store, array = counted
    with zarr.config.set({"async.concurrency": 3}):
        np.testing.assert_array_equal(read(array, np.s_[::16, ::16]), DATA[::16, ::16])
    assert store.max_in_flight == 3


@pytest.mark.parametrize(("gap", "ranges"), [(None, 1), (0, 2)])
def test_nearby_subchunks_are_merged(counted, gap: int | None, ranges: int) -> None:
    store, array = counted
    # Subchunks (0, 0) and (0, 2) of shard c/0/0, 448 bytes apart in morton order.
    selection = np.s_[0:1, 0:12:8]
    with zarr.config.set({"zarrphase.coalesce_max_gap_bytes": gap}):
        np.testing.assert_array_equal(read(array, selection), DATA[selection])
    range_gets = [r for _, r in store.chunk_gets() if isinstance(r, RangeByteRequest)]
    assert len(range_gets) == ranges


def test_several_ranges_of_one_key_go_through_get_ranges(counted) -> None:
    store, array = counted
    selection = np.s_[0:1, 0:12:8]  # two subchunks of c/0/0, 448 bytes apart
    with zarr.config.set({"zarrphase.coalesce_max_gap_bytes": 0}):
        np.testing.assert_array_equal(read(array, selection), DATA[selection])
    # The plan's own limits go along, so the store merges nothing the plan kept apart.
    assert [(key, n, kw["max_gap_bytes"]) for key, n, kw in store.get_ranges_calls] == [
        ("c/0/0", 2, 0)
    ]
    assert len([r for _, r in store.chunk_gets() if isinstance(r, RangeByteRequest)]) == 2


@pytest.mark.parametrize("per_array", [False, True])
def test_zarr_coalescing_config_is_the_default_for_remote_stores(per_array: bool) -> None:
    """zarr-python's array.sharding_coalesce_* (global, or per array) decide how far apart two
    ranges may be and still be one request, unless zarrphase.coalesce_* are set."""
    no_merging = {"sharding_coalesce_max_gap_bytes": 0, "sharding_coalesce_max_bytes": 1 << 20}
    selection = np.s_[0:1, 0:12:8]  # two subchunks of c/0/0, 448 bytes apart
    store = CountingStore()
    with pipeline(PHASED):
        if per_array:
            array = sharded(store, config=no_merging)
        else:
            with zarr.config.set({f"array.{k}": v for k, v in no_merging.items()}):
                array = sharded(store)
        array[...] = DATA
        for zarrphase_gap, range_gets in ((None, 2), (1 << 10, 1)):
            store.reset()
            with zarr.config.set({"zarrphase.coalesce_max_gap_bytes": zarrphase_gap}):
                np.testing.assert_array_equal(array[selection], DATA[selection])
            ranges = [r for _, r in store.chunk_gets() if isinstance(r, RangeByteRequest)]
            assert len(ranges) == range_gets, zarrphase_gap


def test_missing_shards_are_one_request_each(counted) -> None:
    store, array = counted
    with pipeline(PHASED):
        array[0:16, 0:16] = 0  # every subchunk back to the fill value: the shard is deleted
    assert store.deletes == ["c/0/0"]
    store.reset()
    np.testing.assert_array_equal(read(array, np.s_[0:4, 0:4]), np.zeros((4, 4), "int32"))
    assert [k for k, _ in store.chunk_gets()] == ["c/0/0"]


def test_writes_set_each_shard_once(counted) -> None:
    store, array = counted
    with pipeline(PHASED):
        array[2:30, 3:5] = -1  # partial: touches shards c/0/0 and c/1/0
    assert sorted(store.sets) == ["c/0/0", "c/1/0"]
    assert store.deletes == []
    expected = DATA.copy()
    expected[2:30, 3:5] = -1
    np.testing.assert_array_equal(read(array, ...), expected)


def test_request_counts_against_zarr_default() -> None:
    """For the same reads, zarrphase issues no more requests than zarr-python does."""
    counts = {}
    for path in (PHASED, DEFAULT):
        store = CountingStore()
        with pipeline(path):
            array = sharded(store)
            array[...] = DATA
            store.reset()
            for selection in (np.s_[1:3, 5:7], np.s_[::16, ::16], np.s_[0:8, 0:8], np.s_[...]):
                np.testing.assert_array_equal(array[selection], DATA[selection])
        counts[path] = len(store.chunk_gets())
    assert counts[PHASED] <= counts[DEFAULT], counts


def test_package_exports_the_pipeline() -> None:
    assert zarrphase.PhasedCodecPipeline.__module__ == "zarrphase"


@pytest.mark.parametrize("kind", ["local", "memory"])
def test_threads_read_and_write_one_array_concurrently(tmp_path, kind: str) -> None:
    """Batches from many threads at once (large ones run their plans in worker threads, on the
    one native pool) each see their own data."""
    from concurrent.futures import ThreadPoolExecutor

    store = LocalStore(tmp_path / "a") if kind == "local" else MemoryStore()
    rows = 256
    with pipeline(PHASED):
        array = zarr.create_array(
            store,
            shape=(8 * rows, 1024),
            chunks=(64, 128),
            shards=(128, 512),
            dtype="float64",
            compressors=ZstdCodec(level=1),
        )

        def work(i: int) -> bool:
            band = np.s_[i * rows : (i + 1) * rows]
            value = np.full((rows, 1024), float(i)) + np.arange(1024)
            array[band] = value
            return all(np.array_equal(array[band], value) for _ in range(3))

        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(work, range(8)))
        expected = np.repeat(np.arange(8.0), rows)[:, None] + np.arange(1024)
        np.testing.assert_array_equal(array[...], expected)


@pytest.mark.parametrize("in_place", [False, True])
def test_write_ranges_in_place_patches_local_shards(tmp_path, in_place: bool) -> None:
    """With zarrphase.write_ranges_in_place, a partial write of fixed-size subchunks patches the
    shard file (same inode); without it the shard is rewritten whole (a new file)."""
    with pipeline(PHASED):
        array = sharded(LocalStore(tmp_path / "a"), config={"write_empty_chunks": True})
        array[...] = DATA
        shard = tmp_path / "a" / "c" / "0" / "0"
        inode, size = shard.stat().st_ino, shard.stat().st_size
        with zarr.config.set({"zarrphase.write_ranges_in_place": in_place}):
            array[4:8, 4:8] = -7  # exactly one subchunk
        assert (shard.stat().st_ino == inode) == in_place
        assert shard.stat().st_size == size
        expected = DATA.copy()
        expected[4:8, 4:8] = -7
        np.testing.assert_array_equal(array[...], expected)
    with pipeline(DEFAULT):
        np.testing.assert_array_equal(zarr.open_array(tmp_path / "a", mode="r")[...], expected)


def test_a_moved_local_store_is_read_at_its_new_root(tmp_path: Any) -> None:
    # LocalStore.move() changes the store's root in place; the native path must follow it.
    with pipeline(PHASED):
        store = LocalStore(tmp_path / "before")
        array = zarr.create_array(store, shape=(4,), chunks=(2,), dtype="int32")
        array[...] = np.arange(4)
        np.testing.assert_array_equal(array[...], np.arange(4))
        asyncio.run(store.move(tmp_path / "after"))
        moved = zarr.open_array(store, mode="r+")
        np.testing.assert_array_equal(moved[...], np.arange(4))
        moved[1:3] = 9
        assert (tmp_path / "after" / "c" / "0").exists()
        assert not (tmp_path / "before").exists()
        np.testing.assert_array_equal(zarr.open_array(tmp_path / "after")[...], [0, 9, 9, 3])
