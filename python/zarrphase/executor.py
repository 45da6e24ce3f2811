"""Drives a read or write plan: the IO half of the engine's sans-IO protocol.

One planner serves every store; only who answers its requests differs:

- a zarr-python LocalStore: the whole plan runs natively (a `_core.filesystem_store` on the same
  root), the GIL released throughout;
- a store with zarr-python's synchronous IO (MemoryStore, the sharding codec's in-memory byte
  getters): each round's requests are answered by direct calls, no event loop involved;
- any other store (remote, zip, wrappers): each round's requests are awaited concurrently, at
  most zarr's `async.concurrency` at a time, and the compute between rounds runs off the event
  loop.

Every round's compute runs natively with the GIL released (`complete_reads`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from zarr.abc.store import (
    OffsetByteRequest,
    RangeByteRequest,
    SuffixByteRequest,
    _store_supports_sync_io,  # zarr-python's own test for a usable synchronous IO surface
)
from zarr.core.config import config as zarr_config
from zarr.storage import LocalStore
from zarr.storage._common import StorePath

from zarrphase import _core

if TYPE_CHECKING:
    from zarr.abc.store import ByteRequest, Store
    from zarr.core.buffer import Buffer, BufferPrototype

    Plan = _core.ReadPlan | _core.WritePlan

# Batches whose data is at most this big run on the calling thread (the event loop's): a hop to
# a worker thread costs more than their compute. Larger ones run in a worker thread so the loop
# stays free for other callers (the GIL is released during compute either way).
INLINE_MAX_BYTES = 1 << 20

_KIND_SET, _KIND_ERASE, _KIND_SET_RANGE = 0, 1, 2


def byte_request(kind: int, offset: int, length: int) -> ByteRequest | None:
    """zarr-python's request for the engine's ByteRange (kind: all, range, from offset, suffix)."""
    if kind == 0:
        return None
    if kind == 1:
        return RangeByteRequest(offset, offset + length)
    if kind == 2:
        return OffsetByteRequest(offset)
    return SuffixByteRequest(length)


def _answer(buffer: Buffer | None) -> Any:
    return None if buffer is None else buffer.as_numpy_array()


@dataclass(frozen=True, slots=True)
class Target:
    """Where a batch's chunks live and how its plan's IO is done."""

    # Keys are StorePath paths in `store`; otherwise each batch entry's byte getter answers for
    # the key that is its position ("0", "1", ...).
    store: Store | None
    batch: Sequence[Any]
    prototype: BufferPrototype
    native: _core.Store | None
    sync: bool
    # Object storage and other stores behind a round trip plan with wide coalescing.
    remote: bool

    @property
    def keys_from_path(self) -> bool:
        return self.store is not None

    def name(self) -> str:
        """What errors call the array's location."""
        if self.store is not None:
            return f"zarr array in {self.store}"
        return "inner chunks of a shard"


# Native filesystem stores by root, and the LocalStore objects last seen for each (by id, the
# store kept alive beside it so the id stays its own): a batch finds its native store in one
# dictionary lookup.
_native_stores: dict[str, _core.Store] = {}
_seen: dict[int, tuple[LocalStore, str, _core.Store]] = {}
_MAX_SEEN = 64


def _native_store(store: LocalStore, writing: bool) -> _core.Store | None:
    """A native filesystem store on the LocalStore's root, or None when zarr-python must do the
    IO (a read-only store refusing a write says so in zarr-python's words)."""
    if writing and store.read_only:
        return None
    root = os.fspath(store.root)
    seen = _seen.get(id(store))
    # The root is part of the key: LocalStore.move() changes it in place.
    if seen is not None and seen[0] is store and seen[1] == root:
        return seen[2]
    native = _native_stores.get(root)
    if native is None:
        if not os.path.isdir(root):
            if not writing:
                return None  # nothing stored yet: the Python path reads every key as missing
            os.makedirs(root, exist_ok=True)  # as LocalStore's own first write does
        native = _core.filesystem_store(root, create=False)
        _native_stores[root] = native
    if len(_seen) >= _MAX_SEEN:
        _seen.clear()
    _seen[id(store)] = (store, root, native)
    return native


def target_for(batch: Sequence[Any], *, writing: bool) -> Target:
    """The target of a non-empty batch (all of whose entries are in one store)."""
    first = batch[0][0]
    prototype = batch[0][1].prototype
    if isinstance(first, StorePath):
        store = first.store
        if type(store) is LocalStore:
            native = _native_store(store, writing)
            if native is not None:
                return Target(store, (), prototype, native, sync=True, remote=False)
        sync = _store_supports_sync_io(store)
        return Target(store, (), prototype, None, sync=sync, remote=not sync)
    # In-memory byte getters (the sharding codec's inner chunks): one type per batch.
    sync = hasattr(first, "set_sync" if writing else "get_sync")
    return Target(None, batch, prototype, None, sync=sync, remote=False)


def _getter(target: Target, key: str) -> Any:
    return target.batch[int(key)][0]


# ---------------------------------------------------------------------------------------------
# The IO of one request, by target.


def _get_sync(target: Target, key: str, request: ByteRequest | None) -> Any:
    if target.store is not None:
        return _answer(target.store.get_sync(key, prototype=target.prototype, byte_range=request))
    return _answer(_getter(target, key).get_sync(target.prototype, request))


async def _get(target: Target, key: str, request: ByteRequest | None) -> Any:
    if target.store is not None:
        return _answer(await target.store.get(key, target.prototype, request))
    return _answer(await _getter(target, key).get(target.prototype, request))


def _check_write(kind: int, key: str) -> None:
    if kind == _KIND_SET_RANGE:
        # The options never ask for in-place ranges outside the native store.
        raise _core.UnsupportedError(f"key '{key}': in-place range writes need a native store")


def _set_sync(target: Target, kind: int, key: str, value: Any) -> None:
    _check_write(kind, key)
    if target.store is not None:
        if kind == _KIND_ERASE:
            target.store.delete_sync(key)
        else:
            target.store.set_sync(key, target.prototype.buffer.from_array_like(value))
        return
    getter = _getter(target, key)
    if kind == _KIND_ERASE:
        getter.delete_sync()
    else:
        getter.set_sync(target.prototype.buffer.from_array_like(value))


async def _set(target: Target, kind: int, key: str, value: Any) -> None:
    _check_write(kind, key)
    owner = target.store if target.store is not None else _getter(target, key)
    if kind == _KIND_ERASE:
        await (owner.delete(key) if target.store is not None else owner.delete())
    else:
        buffer = target.prototype.buffer.from_array_like(value)
        await (owner.set(key, buffer) if target.store is not None else owner.set(buffer))


# ---------------------------------------------------------------------------------------------
# Drivers.


def _split_round(
    target: Target, reads: Sequence[Any], method: str
) -> tuple[list[int], list[list[int]]]:
    """(single requests, groups of range requests of one key) of a round. As zarr-python's
    sharding codec does, the byte ranges of a key go to the store's `get_ranges` /
    `get_ranges_sync` (zarr >= 3.4) in one call, which a store with a multi-range backend serves
    better than one `get` each, and which wrapper stores log as such; the rest are `get`s."""
    if target.store is None or not hasattr(target.store, method):
        return list(range(len(reads))), []
    ranges_of_key: dict[str, list[int]] = {}
    singles = []
    for index, (key, kind, _offset, _length) in enumerate(reads):
        if kind == 1:
            ranges_of_key.setdefault(key, []).append(index)
        else:
            singles.append(index)
    return singles, list(ranges_of_key.values())


def _ranges_answers(requests: int, found: Any) -> list[Any]:
    """Answers in request order from `get_ranges`' (request index, buffer) pairs."""
    answers: list[Any] = [None] * requests
    for index, buffer in found:
        answers[index] = _answer(buffer)
    return answers


def _get_ranges_sync(
    target: Target, key: str, requests: list[ByteRequest | None], coalescing: tuple[int, int]
) -> list[Any]:
    assert target.store is not None
    try:
        found = target.store.get_ranges_sync(
            key,
            requests,
            prototype=target.prototype,
            max_gap_bytes=coalescing[0],
            max_coalesced_bytes=coalescing[1],
        )
    except* FileNotFoundError:
        found = None  # gone since its index was read: missing, as `get` would say
    return [None] * len(requests) if found is None else _ranges_answers(len(requests), found)


def _drive_sync(plan: Plan, target: Target, coalescing: tuple[int, int]) -> None:
    while reads := plan.reads():
        singles, groups = _split_round(target, reads, "get_ranges_sync")
        answers: list[Any] = [None] * len(reads)
        for index in singles:
            key, kind, offset, length = reads[index]
            answers[index] = _get_sync(target, key, byte_request(kind, offset, length))
        for indices in groups:
            requests = [byte_request(*reads[index][1:]) for index in indices]
            found = _get_ranges_sync(target, reads[indices[0]][0], requests, coalescing)
            for index, answer in zip(indices, found, strict=True):
                answers[index] = answer
        plan.complete_reads(answers)
    if isinstance(plan, _core.WritePlan):
        for kind, key, _offset, value in plan.take_writes():
            _set_sync(target, kind, key, value)


async def _bounded_gather[T](calls: Sequence[Callable[[], Awaitable[T]]], limit: int) -> list[T]:
    """Runs the calls concurrently, at most `limit` at once; the first failure cancels the rest
    and propagates as itself (not as an ExceptionGroup)."""
    semaphore = asyncio.Semaphore(max(1, limit))

    async def run(call: Callable[[], Awaitable[T]]) -> T:
        async with semaphore:
            return await call()

    tasks = [asyncio.ensure_future(run(call)) for call in calls]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _get_ranges(
    target: Target, key: str, requests: list[ByteRequest | None], coalescing: tuple[int, int]
) -> list[Any]:
    assert target.store is not None
    found: list[tuple[int, Buffer | None]] | None = []
    try:
        async for group in target.store.get_ranges(
            key,
            requests,
            prototype=target.prototype,
            max_gap_bytes=coalescing[0],
            max_coalesced_bytes=coalescing[1],
        ):
            found.extend(group)
    except* FileNotFoundError:
        found = None  # gone since its index was read: missing, as `get` would say
    return [None] * len(requests) if found is None else _ranges_answers(len(requests), found)


async def _read_round(
    target: Target, reads: Sequence[Any], limit: int, coalescing: tuple[int, int]
) -> list[Any]:
    """The answers to one round's requests, in order, fetched concurrently."""
    singles, groups = _split_round(target, reads, "get_ranges")
    answers: list[Any] = [None] * len(reads)

    async def fetch_single(index: int) -> None:
        key, kind, offset, length = reads[index]
        answers[index] = await _get(target, key, byte_request(kind, offset, length))

    async def fetch_group(indices: list[int]) -> None:
        requests = [byte_request(*reads[index][1:]) for index in indices]
        found = await _get_ranges(target, reads[indices[0]][0], requests, coalescing)
        for index, answer in zip(indices, found, strict=True):
            answers[index] = answer

    await _bounded_gather(
        [partial(fetch_single, index) for index in singles]
        + [partial(fetch_group, indices) for indices in groups],
        limit,
    )
    return answers


async def _drive_async(plan: Plan, target: Target, coalescing: tuple[int, int]) -> None:
    limit = int(zarr_config.get("async.concurrency") or 10)
    while reads := plan.reads():
        answers = await _read_round(target, reads, limit, coalescing)
        await asyncio.to_thread(plan.complete_reads, answers)
    if isinstance(plan, _core.WritePlan):
        await _bounded_gather(
            [
                partial(_set, target, kind, key, value)
                for kind, key, _offset, value in plan.take_writes()
            ],
            limit,
        )


async def run(plan: Plan, target: Target, *, data_bytes: int, options: _core.EngineOptions) -> None:
    """Runs `plan` (made with `options`) to completion against `target`. `data_bytes` (the
    size of the output or of the written selection) decides whether a synchronous run stays on
    the event loop's thread."""
    inline = data_bytes <= INLINE_MAX_BYTES
    coalescing = (options.coalesce_max_gap_bytes, options.coalesce_max_bytes)
    if target.native is not None:
        if inline:
            _core.execute(plan, target.native)
        else:
            await asyncio.to_thread(_core.execute, plan, target.native)
    elif target.sync:
        if inline:
            _drive_sync(plan, target, coalescing)
        else:
            await asyncio.to_thread(_drive_sync, plan, target, coalescing)
    else:
        await _drive_async(plan, target, coalescing)


def run_in_memory(plan: Plan, values: Sequence[Any]) -> list[Any]:
    """Runs `plan` over in-memory values keyed by position ("0", "1", ...); returns the value
    written to each position (None where nothing was written). For `decode`/`encode`, whose
    chunks are bytes in hand."""
    while reads := plan.reads():
        answers = []
        for key, kind, offset, length in reads:
            value = values[int(key)]
            if value is not None:
                size = len(value)
                if kind == 1:
                    value = value[min(offset, size) : min(offset + length, size)]
                elif kind == 2:
                    value = value[min(offset, size) :]
                elif kind == 3:
                    value = value[max(size - length, 0) :]
            answers.append(value)
        plan.complete_reads(answers)
    written: list[Any] = [None] * len(values)
    if isinstance(plan, _core.WritePlan):
        for kind, key, _offset, value in plan.take_writes():
            _check_write(kind, key)
            written[int(key)] = value if kind == _KIND_SET else None
    return written
