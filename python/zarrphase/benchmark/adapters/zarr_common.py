"""zarr-python with a chosen codec pipeline: the shared adapter behind zarr's default and fused
pipelines, zarrs-python and zarrphase through zarr-python.

Reads pass a preallocated `out` (zarr's `get_basic_selection(out=...)`), which every one of these
pipelines decodes into. N reads in flight are `asyncio.gather`ed over the AsyncArray on zarr's
own event loop, bounded by a semaphore of `inflight` (zarr's private `_get_selection` is the only
AsyncArray read that takes `out`). zarr's `async.concurrency` stays at its default (10) and
`threading.max_workers` is set to the core count.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import numpy as np

from zarrphase.benchmark.adapters.base import Handle, Implementation, Region, Session, StoreSpec
from zarrphase.benchmark.s3server import ACCESS_KEY, BUCKET, REGION, SECRET_KEY


def zarr_store(spec: StoreSpec, objects: dict[str, bytes]) -> Any:
    """The zarr store for a spec: MemoryStore (own copy of `objects`), LocalStore, or obstore S3."""
    from zarr.core.buffer import default_buffer_prototype
    from zarr.storage import LocalStore, MemoryStore, ObjectStore

    if spec.kind == "memory":
        buffer = default_buffer_prototype().buffer
        return MemoryStore({k: buffer.from_bytes(v) for k, v in objects.items()})
    if spec.kind == "local":
        return LocalStore(spec.root)
    if spec.kind == "s3":
        from obstore.store import S3Store

        s3 = S3Store(
            BUCKET,
            prefix=spec.root,
            endpoint=spec.endpoint,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
            region=REGION,
            client_options={"allow_http": True},
        )
        return ObjectStore(s3)
    raise ValueError(f"unknown store kind {spec.kind!r}")


class ZarrHandle(Handle):
    def __init__(self, array: Any, inflight: int) -> None:
        from zarr.core.buffer import default_buffer_prototype

        self._array = array
        self._async = array._async_array
        self._prototype = default_buffer_prototype()
        self._inflight = inflight

    @property
    def pipeline(self) -> str:
        return type(self._async.codec_pipeline).__name__

    def bind(self, out: np.ndarray) -> Any:
        return self._prototype.nd_buffer.from_ndarray_like(out)

    def read(self, region: Region, target: Any) -> None:
        self._array.get_basic_selection(region, out=target)

    def read_many(self, regions: Sequence[Region], targets: Sequence[Any]) -> None:
        from zarr.core.indexing import BasicIndexer
        from zarr.core.sync import sync

        async_array = self._async
        grid = async_array._chunk_grid
        shape = async_array.shape
        prototype = self._prototype

        async def run() -> None:
            limit = asyncio.Semaphore(self._inflight)

            async def one(region: Region, target: Any) -> None:
                async with limit:
                    indexer = BasicIndexer(region, shape, grid)
                    await async_array._get_selection(indexer, prototype=prototype, out=target)

            await asyncio.gather(*(one(r, t) for r, t in zip(regions, targets, strict=True)))

        sync(run())

    def write(self, region: Region, value: np.ndarray) -> None:
        self._array.set_basic_selection(region, value)


class ZarrSession(Session):
    def __init__(self, spec: StoreSpec, objects: dict[str, bytes], config: dict[str, Any]) -> None:
        import zarr

        self._spec = spec
        self._config = zarr.config.set(config)
        self._config.__enter__()
        self._store = zarr_store(spec, objects)

    def close(self) -> None:
        self._config.__exit__(None, None, None)

    def put(self, key: str, value: bytes) -> None:
        from zarr.core.buffer import default_buffer_prototype
        from zarr.core.sync import sync

        sync(self._store.set(key, default_buffer_prototype().buffer.from_bytes(value)))

    def get(self, key: str) -> bytes | None:
        from zarr.core.buffer import default_buffer_prototype
        from zarr.core.sync import sync

        buffer = sync(self._store.get(key, prototype=default_buffer_prototype()))
        return None if buffer is None else buffer.to_bytes()

    def open(self, path: str) -> Handle:
        import zarr

        return ZarrHandle(zarr.open_array(self._store, path=path, mode="r+"), self._spec.inflight)


class ZarrImplementation(Implementation):
    """zarr-python with `pipeline` (a `codec_pipeline.path`); `expected` is the pipeline class
    name an opened array must report, so a silent fallback is caught instead of measured."""

    pipeline = "zarr.core.codec_pipeline.BatchedCodecPipeline"
    expected = "BatchedCodecPipeline"

    def version(self) -> str:
        import zarr

        return f"zarr {zarr.__version__}"

    def config(self, spec: StoreSpec) -> dict[str, Any]:
        return {"codec_pipeline.path": self.pipeline, "threading.max_workers": spec.threads}

    def session(self, spec: StoreSpec, objects: dict[str, bytes]) -> Session:
        return _CheckedSession(spec, objects, self.config(spec), self.expected)


class _CheckedSession(ZarrSession):
    def __init__(
        self, spec: StoreSpec, objects: dict[str, bytes], config: dict[str, Any], expected: str
    ) -> None:
        super().__init__(spec, objects, config)
        self._expected = expected

    def open(self, path: str) -> Handle:
        handle = super().open(path)
        assert isinstance(handle, ZarrHandle)
        if handle.pipeline != self._expected:
            raise RuntimeError(
                f"array {path!r} on the {self._spec.kind} store runs {handle.pipeline}, "
                f"not {self._expected}: the measurement would be of the wrong pipeline"
            )
        return handle
