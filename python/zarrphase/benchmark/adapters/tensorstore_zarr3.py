"""tensorstore with its own zarr3 driver (no zarr-python involved).

Reads copy straight into the caller's output: the output is wrapped once as an in-memory
TensorStore (`ts.array(out, copy=False)`) and each read is `target.write(source[region])`, so
tensorstore allocates no result array. Its chunk cache is disabled (`cache_pool` of 0 bytes), so
no read is served from an earlier one; `data_copy_concurrency` (its compute threads) is the core
count; file and S3 request concurrency stay at tensorstore's defaults. S3 goes through its `s3`
kvstore with the endpoint pointed at the loopback server.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import numpy as np

from zarrphase.benchmark.adapters.base import Handle, Implementation, Region, Session, StoreSpec
from zarrphase.benchmark.s3server import ACCESS_KEY, BUCKET, REGION, SECRET_KEY


class TensorstoreHandle(Handle):
    def __init__(self, store: Any, inflight: int) -> None:
        self._store = store
        self._inflight = inflight

    def bind(self, out: np.ndarray) -> Any:
        import tensorstore as ts

        return ts.array(out, copy=False, write=True)

    def _source(self, region: Region) -> Any:
        return self._store[region].translate_to[0]

    def read(self, region: Region, target: Any) -> None:
        target.write(self._source(region)).result()

    def read_many(self, regions: Sequence[Region], targets: Sequence[Any]) -> None:
        pending: deque[Any] = deque()
        for region, target in zip(regions, targets, strict=True):
            if len(pending) >= self._inflight:
                pending.popleft().result()
            pending.append(target.write(self._source(region)))
        while pending:
            pending.popleft().result()

    def write(self, region: Region, value: np.ndarray) -> None:
        self._store[region].write(value).result()


class TensorstoreSession(Session):
    def __init__(self, spec: StoreSpec, objects: dict[str, bytes]) -> None:
        import tensorstore as ts

        self._spec = spec
        self._context = ts.Context(
            {
                "cache_pool": {"total_bytes_limit": 0},
                "data_copy_concurrency": {"limit": spec.threads},
            }
        )
        self._saved_env: dict[str, str | None] = {}
        if spec.kind == "s3":
            # tensorstore's s3 kvstore takes credentials from the environment only.
            for name, value in (
                ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
                ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ):
                self._saved_env[name] = os.environ.get(name)
                os.environ[name] = value
        self._kvstore = ts.KvStore.open(self._kvstore_spec(""), context=self._context).result()
        for key, value in objects.items() if spec.kind == "memory" else ():
            self.put(key, value)

    def _kvstore_spec(self, path: str) -> dict[str, Any]:
        spec = self._spec
        if spec.kind == "memory":
            return {"driver": "memory", "path": path}
        if spec.kind == "local":
            return {"driver": "file", "path": os.path.join(spec.root, path)}
        if spec.kind == "s3":
            return {
                "driver": "s3",
                "bucket": BUCKET,
                "path": f"{spec.root}/{path}",
                "endpoint": spec.endpoint,
                "aws_region": REGION,
                "aws_credentials": {"type": "environment"},
            }
        raise ValueError(f"unknown store kind {spec.kind!r}")

    def close(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def put(self, key: str, value: bytes) -> None:
        self._kvstore.write(key, value).result()

    def get(self, key: str) -> bytes | None:
        result = self._kvstore.read(key).result()
        return bytes(result.value) if result.state == "value" else None

    def open(self, path: str) -> Handle:
        import tensorstore as ts

        spec = {"driver": "zarr3", "kvstore": self._kvstore_spec(path.rstrip("/") + "/")}
        try:
            store = ts.open(spec, open=True, read=True, write=True, context=self._context)
            return TensorstoreHandle(store.result(), self._spec.inflight)
        except ValueError as err:
            raise RuntimeError(
                f"tensorstore cannot open array {path!r} on the {self._spec.kind} store: {err}"
            ) from err


class Tensorstore(Implementation):
    name = "tensorstore"
    key = "tensorstore"

    def version(self) -> str:
        import tensorstore  # noqa: F401  (ImportError when it is not installed)

        return f"tensorstore {version('tensorstore')}"

    def session(self, spec: StoreSpec, objects: dict[str, bytes]) -> Session:
        return TensorstoreSession(spec, objects)
