"""What the benchmark suite is made of: layouts, codecs, stores, workloads and the run settings.

Everything here is plain data, so the runner, the report and the tests agree on one vocabulary.
The quick and full presets live here too; `command.py` turns options into a `Settings`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Codec:
    """A compressor inside the (sub)chunk chain; `label` says its parameters in the report."""

    name: str
    label: str


CODECS: dict[str, Codec] = {
    "none": Codec("none", "none"),
    "zstd": Codec("zstd", "zstd level 3"),
    "blosc": Codec("blosc", "blosc lz4 clevel 5 + byte shuffle"),
    "gzip": Codec("gzip", "gzip level 1"),
}


@dataclass(frozen=True)
class Layout:
    """How an array of edge `size` is cut: `chunk` is the edge of zarr's chunk grid (a shard for
    sharded layouts), `subchunk` the edge of the inner chunks (None when not sharded)."""

    name: str
    chunk: int
    subchunk: int | None

    @property
    def sharded(self) -> bool:
        return self.subchunk is not None

    @property
    def unit(self) -> int:
        """Edge of the smallest independently encoded piece (subchunk, or the chunk itself)."""
        return self.subchunk if self.subchunk is not None else self.chunk

    def describe(self, size: int) -> str:
        if self.subchunk is None:
            return f"chunks {self.chunk}^3 of a {size}^3 array"
        per_side = self.chunk // self.subchunk
        return (
            f"shards {self.chunk}^3 of {per_side}^3 subchunks {self.subchunk}^3 of a {size}^3 array"
        )


LAYOUT_NAMES = ("chunks", "shards-64", "shards-512", "shard-1000")


def make_layout(name: str, subchunk: int, size: int) -> Layout:
    """Plain chunks have the byte size of a 64-subchunk shard, so chunk-by-chunk rows compare;
    'shard-1000' is zarr-python's own benchmark layout: the whole array is one shard of 10^3
    subchunks (the subchunk edge follows the array, edge subchunks may stick out)."""
    if name == "chunks":
        return Layout(name, 4 * subchunk, None)
    if name == "shards-64":
        return Layout(name, 4 * subchunk, subchunk)
    if name == "shards-512":
        return Layout(name, 8 * subchunk, subchunk)
    if name == "shard-1000":
        edge = math.ceil(size / 10)
        return Layout(name, 10 * edge, edge)
    raise ValueError(f"unknown layout {name!r}; known: {', '.join(LAYOUT_NAMES)}")


@dataclass(frozen=True)
class Workload:
    """`pieces` is None (the whole array), 'chunk' or 'subchunk'; `inflight` how many requests
    are outstanding at once; `kind` read, write, round trip or partial overwrite."""

    name: str
    label: str
    kind: str
    pieces: str | None = None
    inflight: bool = False


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload("read-all", "read all", "read"),
        Workload("read-chunks-1", "read chunk by chunk, 1 in flight", "read", "chunk"),
        Workload("read-chunks-n", "read chunk by chunk, N in flight", "read", "chunk", True),
        Workload("read-subchunks-1", "read subchunk by subchunk, 1 in flight", "read", "subchunk"),
        Workload(
            "read-subchunks-n", "read subchunk by subchunk, N in flight", "read", "subchunk", True
        ),
        Workload("write-all", "write all", "write"),
        Workload("round-trip", "round trip (read all, write a copy)", "round-trip"),
        Workload("partial-overwrite", "partial overwrite (box in one shard)", "partial"),
    )
}

STORE_NAMES = ("memory", "local", "s3")

# The S3 rows are a reduced subset: a loopback moto server moves ~100 MB/s and answers each
# request in ~1 ms, so the full matrix there would take most of the run for little insight.
S3_LAYOUTS = ("chunks", "shards-64")
S3_CODECS = ("zstd",)
S3_WORKLOADS = ("read-all", "read-chunks-n", "read-subchunks-n", "write-all", "partial-overwrite")


@dataclass(frozen=True)
class Settings:
    """One run of the suite. `max_pieces` bounds piecewise workloads: when an array has more
    pieces, the same evenly spaced sample is timed for every implementation and the time is
    extrapolated to all pieces (the report says so)."""

    # 256^3 uint16 (32 MiB) in 128^3 chunks or shards of 32^3 subchunks: engine_bench's layouts
    # at a size the slowest peers finish in a reasonable run on two cores.
    size: int = 256
    subchunk: int = 32
    s3_size: int = 256
    repeats: int = 5
    max_pieces: int = 256
    inflight: int = 8
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    stores: tuple[str, ...] = ("memory", "local", "s3")
    layouts: tuple[str, ...] = LAYOUT_NAMES
    codecs: tuple[str, ...] = tuple(CODECS)
    workloads: tuple[str, ...] = tuple(WORKLOADS)
    impls: tuple[str, ...] | None = None  # None: every implementation known to the suite
    s3_reduced: bool = True
    workdir: str | None = None  # local-store folder; a temporary one when None
    quick: bool = False

    def cells(self) -> list[tuple[str, str, str]]:
        """(store, layout, codec) combinations this run measures, in report order."""
        out = []
        for store in self.stores:
            for layout in self.layouts:
                for codec in self.codecs:
                    if (
                        store == "s3"
                        and self.s3_reduced
                        and (layout not in S3_LAYOUTS or codec not in S3_CODECS)
                    ):
                        continue
                    out.append((store, layout, codec))
        return out

    def workloads_for(self, store: str, layout: Layout) -> list[Workload]:
        chosen = []
        for name in self.workloads:
            workload = WORKLOADS[name]
            if workload.pieces == "subchunk" and not layout.sharded:
                continue  # a plain chunk has no subchunks: chunk by chunk covers it
            if store == "s3" and self.s3_reduced and name not in S3_WORKLOADS:
                continue
            chosen.append(workload)
        return chosen

    def array_size(self, store: str) -> int:
        return min(self.size, self.s3_size) if store == "s3" else self.size


FULL = Settings()
# --quick: a representative subset that finishes in about a minute on two cores.
QUICK = replace(
    FULL,
    size=128,
    subchunk=16,
    repeats=3,
    stores=("memory", "local"),
    layouts=("chunks", "shards-64"),
    codecs=("none", "zstd"),
    workloads=("read-all", "read-chunks-1", "read-subchunks-1", "read-subchunks-n", "write-all"),
    quick=True,
)
