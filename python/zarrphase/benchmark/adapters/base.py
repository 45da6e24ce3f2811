"""The small interface every implementation's adapter offers the runner.

An `Implementation` opens a `Session` on one store (for memory stores: its own store, loaded with
a copy of the dataset's objects); a session `put`s objects and `open`s arrays; a `Handle` reads a
region into a caller-owned output and writes a region. `bind` wraps an output once, outside the
timed region, in whatever the implementation reads into (so no wrapping is timed for anyone).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np

Region = tuple[slice, ...]


@dataclass(frozen=True)
class StoreSpec:
    """Where a session's arrays live. `root` is a folder (local) or a key prefix (s3)."""

    kind: str  # "memory", "local" or "s3"
    root: str
    endpoint: str | None
    threads: int
    inflight: int


class Handle(ABC):
    """One open array."""

    def bind(self, out: np.ndarray) -> Any:
        """What `read` takes for `out`; built once per output, untimed."""
        return out

    @abstractmethod
    def read(self, region: Region, target: Any) -> None:
        """Reads `region` into a bound output of exactly the region's shape."""

    @abstractmethod
    def read_many(self, regions: Sequence[Region], targets: Sequence[Any]) -> None:
        """Reads every region into its target with up to `StoreSpec.inflight` reads in flight."""

    @abstractmethod
    def write(self, region: Region, value: np.ndarray) -> None:
        """Writes `value` (the region's shape, C-contiguous) into `region`."""


class Session(ABC):
    """An implementation configured for one store; a context manager around its measurements
    (configuration is set once here, not per call, so no call pays for it)."""

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Releases the session's store, threads and configuration."""

    @abstractmethod
    def put(self, key: str, value: bytes) -> None:
        """Stores one object (used, untimed, to create arrays and copy datasets)."""

    @abstractmethod
    def get(self, key: str) -> bytes | None:
        """One stored object, or None (used, untimed, to check written arrays independently)."""

    @abstractmethod
    def open(self, path: str) -> Handle:
        """Opens the existing array at `path` for reading and writing."""


class Implementation(ABC):
    """One contender of the suite."""

    name: str  # as printed in the tables
    key: str  # as given to --impl

    @abstractmethod
    def version(self) -> str:
        """Versions of what is measured; raises ImportError when it is not installed."""

    def skip_reason(self, store_kind: str) -> str | None:
        """Why this implementation cannot run on a store kind (None: it can)."""
        return None

    @abstractmethod
    def session(self, spec: StoreSpec, objects: dict[str, bytes]) -> Session:
        """A session on `spec`; memory sessions load `objects` into a store of their own."""


def region_bounds(region: Region) -> tuple[list[int], list[int], list[int]]:
    """(start, stop, step) lists of a region of unit-step slices."""
    return [s.start for s in region], [s.stop for s in region], [1] * len(region)
