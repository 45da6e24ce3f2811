"""zarrphase's C++ Array API, called from Python: one nanobind call per read or write, which plans,
does the IO and computes natively with the GIL released (`zarrphase.open_array`).

Reads go straight into the caller's output (`read_into`). N reads in flight are N Python threads
each in one native call. The native stores are memory and local files; there is no S3 store in
the C++ API, so the S3 rows skip it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from zarrphase.benchmark.adapters.base import (
    Handle,
    Implementation,
    Region,
    Session,
    StoreSpec,
    region_bounds,
)


class CppHandle(Handle):
    def __init__(self, array: Any, pool: ThreadPoolExecutor) -> None:
        # The numpy-facing Array allocates its result; its native object reads into ours.
        self._native = array._native
        self._pool = pool

    def bind(self, out: np.ndarray) -> Any:
        from zarrphase.chunks import native_view

        return native_view(out)

    def read(self, region: Region, target: Any) -> None:
        start, stop, step = region_bounds(region)
        self._native.read_into(start, stop, step, target)

    def read_many(self, regions: Sequence[Region], targets: Sequence[Any]) -> None:
        for _ in self._pool.map(self.read, regions, targets):
            pass

    def write(self, region: Region, value: np.ndarray) -> None:
        start, stop, step = region_bounds(region)
        self._native.write(start, stop, step, value)


class CppSession(Session):
    def __init__(self, spec: StoreSpec, objects: dict[str, bytes]) -> None:
        import zarrphase

        zarrphase.set_thread_count(spec.threads)
        if spec.kind == "memory":
            self._store = zarrphase.memory_store()
            for key, value in objects.items():
                self._store.set(key, value)
        else:
            self._store = zarrphase.filesystem_store(spec.root, True)
        self._pool = ThreadPoolExecutor(spec.inflight, thread_name_prefix="bench-cpp")

    def close(self) -> None:
        self._pool.shutdown()

    def put(self, key: str, value: bytes) -> None:
        self._store.set(key, value)

    def get(self, key: str) -> bytes | None:
        value = self._store.get(key)
        return None if value is None else bytes(value)

    def open(self, path: str) -> Handle:
        import zarrphase

        return CppHandle(zarrphase.open_array(self._store, path), self._pool)


class ZarrphaseCpp(Implementation):
    name = "zarrphase C++ API"
    key = "cpp"

    def version(self) -> str:
        import zarrphase

        return f"zarrphase {zarrphase.__version__} (native core)"

    def skip_reason(self, store_kind: str) -> str | None:
        if store_kind == "s3":
            return "the C++ Array API has no S3 store"
        return None

    def session(self, spec: StoreSpec, objects: dict[str, bytes]) -> Session:
        return CppSession(spec, objects)
