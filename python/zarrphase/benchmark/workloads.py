"""How each workload runs on one implementation, and how its result is checked.

A `Prepared` workload has `run` (the timed part), `reset` (untimed: outputs overwritten with a
sentinel so a read that does nothing cannot pass) and `verify` (untimed: the outputs or the
written array compared to the expected values; raises `WrongResult` naming what differs).
Written arrays are checked independently of the implementation that wrote them: their stored
objects are fetched and decoded by zarr-python's default pipeline, so a writer and a reader that
share one mistake cannot cancel it out.
Outputs are allocated and touched once per cell by `Buffers` and shared by every implementation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from zarrphase.benchmark.adapters.base import Handle, Region, Session
from zarrphase.benchmark.dataset import DATASET_PATH, Dataset, grid_regions, partial_box, sample
from zarrphase.benchmark.model import Workload

SENTINEL = 0xFFFF  # never produced by the volume (its values stay far below)


class WrongResult(AssertionError):
    """An implementation returned or stored values that differ from the expected ones."""


@dataclass
class Pieces:
    """The pieces a piecewise workload reads: all of them, the timed sample and its outputs."""

    total: int
    regions: list[Region]
    outputs: list[np.ndarray]


class Buffers:
    """Every output of one cell, preallocated and touched (fresh pages would be timed)."""

    def __init__(self, dataset: Dataset, max_pieces: int) -> None:
        data = dataset.data
        self.full = np.full_like(data, SENTINEL)
        self.pieces: dict[str, Pieces] = {}
        layout = dataset.layout
        edges = {"chunk": layout.chunk, "subchunk": layout.unit}
        for kind, edge in edges.items():
            regions = grid_regions(data.shape, edge)
            chosen = sample(regions, max_pieces)
            outputs = [np.full(tuple(s.stop - s.start for s in r), SENTINEL, data.dtype)
                       for r in chosen]  # fmt: skip
            self.pieces[kind] = Pieces(len(regions), chosen, outputs)
        self.box = partial_box(layout, data.shape)
        # The overwrite changes every value of the box, so a write that does nothing is caught.
        self.box_value = np.ascontiguousarray(data[self.box] ^ np.uint16(0x00FF))
        self.after_partial = data.copy()
        self.after_partial[self.box] = self.box_value


@dataclass
class Prepared:
    run: Callable[[], None]
    reset: Callable[[], None]
    verify: Callable[[], None]
    pieces: Pieces | None = None


def _check(label: str, got: np.ndarray, expected: np.ndarray) -> None:
    if not np.array_equal(got, expected):
        wrong = int(np.count_nonzero(got != expected))
        raise WrongResult(f"{label}: {wrong} of {expected.size} values differ from the expected")


def _fill(outputs: list[np.ndarray]) -> None:
    for out in outputs:
        out.fill(SENTINEL)


def _new_array(session: Session, dataset: Dataset, path: str, with_data: bool) -> None:
    """Creates `path` as an empty twin of the dataset (its zarr.json), or a full copy."""
    session.put(f"{path}/zarr.json", dataset.metadata)
    if with_data:
        prefix = f"{DATASET_PATH}/"
        for key, value in dataset.objects.items():
            if key.startswith(prefix) and not key.endswith("zarr.json"):
                session.put(f"{path}/{key[len(prefix) :]}", value)


def prepare(
    workload: Workload,
    session: Session,
    source: Handle,
    dataset: Dataset,
    buffers: Buffers,
    scratch: str,
) -> Prepared:
    """Builds `workload` for one implementation; `scratch` is a path prefix its writes own."""
    data = dataset.data
    whole: Region = tuple(slice(0, n) for n in data.shape)
    label = f"{workload.label} of {DATASET_PATH!r}"

    if workload.kind == "read" and workload.pieces is None:
        target = source.bind(buffers.full)
        return Prepared(
            run=lambda: source.read(whole, target),
            reset=lambda: buffers.full.fill(SENTINEL),
            verify=lambda: _check(label, buffers.full, data),
        )

    if workload.kind == "read":
        assert workload.pieces is not None
        pieces = buffers.pieces[workload.pieces]
        targets = [source.bind(out) for out in pieces.outputs]

        def read_one_by_one() -> None:
            for region, target in zip(pieces.regions, targets, strict=True):
                source.read(region, target)

        def read_in_flight() -> None:
            source.read_many(pieces.regions, targets)

        def verify_pieces() -> None:
            for region, out in zip(pieces.regions, pieces.outputs, strict=True):
                _check(f"{label}, region {region}", out, data[region])

        return Prepared(
            run=read_in_flight if workload.inflight else read_one_by_one,
            reset=lambda: _fill(pieces.outputs),
            verify=verify_pieces,
            pieces=pieces,
        )

    if workload.kind == "write":
        path = f"{scratch}/all"
        _new_array(session, dataset, path, with_data=False)
        written = session.open(path)
        return Prepared(
            run=lambda: written.write(whole, data),
            reset=lambda: None,
            verify=lambda: _check_stored(session, dataset, path, data, f"write all to {path!r}"),
        )

    if workload.kind == "round-trip":
        path = f"{scratch}/copy"
        _new_array(session, dataset, path, with_data=False)
        copy = session.open(path)
        target = source.bind(buffers.full)

        def round_trip() -> None:
            source.read(whole, target)
            copy.write(whole, buffers.full)

        def verify_round_trip() -> None:
            _check(f"{label}: the read of the round trip", buffers.full, data)
            _check_stored(session, dataset, path, data, f"round trip to {path!r}")

        return Prepared(
            run=round_trip,
            reset=lambda: buffers.full.fill(SENTINEL),
            verify=verify_round_trip,
        )

    if workload.kind == "partial":
        path = f"{scratch}/partial"
        _new_array(session, dataset, path, with_data=True)
        patched = session.open(path)
        box = buffers.box
        return Prepared(
            run=lambda: patched.write(box, buffers.box_value),
            reset=lambda: None,
            verify=lambda: _check_stored(
                session,
                dataset,
                path,
                buffers.after_partial,
                f"partial overwrite of box {box} in {path!r}",
            ),
        )

    raise ValueError(f"unknown workload kind {workload.kind!r}")


def _check_stored(
    session: Session, dataset: Dataset, path: str, expected: np.ndarray, label: str
) -> None:
    """Decodes the objects stored under `path` with zarr-python's default pipeline."""
    import zarr
    from zarr.core.buffer import default_buffer_prototype
    from zarr.storage import MemoryStore

    prefix = f"{DATASET_PATH}/"
    keys = [k[len(prefix) :] for k in dataset.objects if k.startswith(prefix)]
    buffer = default_buffer_prototype().buffer
    objects = {}
    for key in keys:
        value = session.get(f"{path}/{key}")
        if value is not None:  # a missing chunk reads as fill values, as zarr would
            objects[key] = buffer.from_bytes(value)
    if "zarr.json" not in objects:
        raise WrongResult(f"{label}: {path}/zarr.json is missing")
    pipeline = "zarr.core.codec_pipeline.BatchedCodecPipeline"
    with zarr.config.set({"codec_pipeline.path": pipeline}):
        stored = zarr.open_array(MemoryStore(objects), mode="r")[...]
    _check(label, stored, expected)
