"""Runs the suite: for each (store, layout, codec) cell, writes the dataset once, places it in the
store, then measures every implementation on every workload of the cell.

Per measurement: outputs reset to a sentinel, one warm-up run (on S3 its requests are counted at
the server), its result verified, then `repeats` timed runs (garbage collected before, collector
off during each) whose median is reported. Sampled piecewise workloads are extrapolated to all
pieces. A failure or a wrong result is recorded for that measurement and the run goes on.
"""

from __future__ import annotations

import gc
import os
import shutil
import statistics
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from zarrphase.benchmark.adapters import IMPLEMENTATIONS, Implementation
from zarrphase.benchmark.adapters.base import StoreSpec
from zarrphase.benchmark.dataset import DATASET_PATH, Dataset, build_dataset, volume
from zarrphase.benchmark.limits import CodecSpeed, codec_speed, memcpy_bandwidth
from zarrphase.benchmark.model import CODECS, Layout, Settings, Workload, make_layout
from zarrphase.benchmark.s3server import S3Server
from zarrphase.benchmark.workloads import Buffers, WrongResult, prepare


@dataclass
class Measurement:
    store: str
    layout: str
    codec: str
    impl: str
    workload: str
    seconds: float | None = None  # median, extrapolated to every piece when sampled
    times: list[float] = field(default_factory=list)  # raw timed runs (of the sample)
    pieces: int | None = None
    sampled: int | None = None
    decoded_bytes: int = 0  # what the workload moves, decoded (whole array or box)
    limit_seconds: float | None = None  # the physical limit's time for those bytes
    requests: dict[str, int] | None = None  # S3 only: per method, during one run
    verified: bool = False
    skipped: str | None = None
    error: str | None = None


@dataclass
class CellInfo:
    store: str
    layout: str
    codec: str
    layout_text: str
    codec_text: str
    size: int
    stored_bytes: int
    decode_speed: float
    encode_speed: float
    ratio: float


@dataclass
class Results:
    settings: dict[str, Any]
    versions: dict[str, str]
    notes: list[str]
    memcpy_bandwidth: float
    cells: list[CellInfo] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    wall_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Reporter = Callable[[str], None]  # advances the progress bar with a note


def available_implementations(
    settings: Settings, impls: tuple[Implementation, ...], notes: list[str]
) -> tuple[list[Implementation], dict[str, str]]:
    """The implementations asked for that import, their versions; a note for each that does not."""
    chosen, versions = [], {}
    for impl in impls:
        if settings.impls is not None and impl.key not in settings.impls:
            continue
        try:
            versions[impl.name] = impl.version()
            chosen.append(impl)
        except ImportError as err:
            notes.append(f"{impl.name} skipped: not importable ({err})")
    return chosen, versions


def _timed(run: Callable[[], None], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return times


class Suite:
    """One run; `impls` can be replaced (the tests add a deliberately wrong adapter)."""

    def __init__(
        self,
        settings: Settings,
        impls: tuple[Implementation, ...] = IMPLEMENTATIONS,
        report: Reporter | None = None,
    ) -> None:
        self.settings = settings
        self.notes: list[str] = []
        self.impls, self.versions = available_implementations(settings, impls, self.notes)
        self.on_step = report or (lambda note: None)  # called after every step (progress)
        self._datasets: dict[tuple[int, str, str], Dataset] = {}
        self._speeds: dict[tuple[int, str, str], CodecSpeed] = {}

    def total_steps(self) -> int:
        count = 0
        for store, layout_name, _ in self.settings.cells():
            layout = make_layout(
                layout_name, self.settings.subchunk, self.settings.array_size(store)
            )
            count += len(self.impls) * len(self.settings.workloads_for(store, layout))
        return count

    def run(self) -> Results:
        start = time.perf_counter()
        settings = self.settings
        results = Results(
            settings=asdict(settings),
            versions=self.versions,
            notes=self.notes,
            memcpy_bandwidth=memcpy_bandwidth(volume(settings.size).nbytes),
        )
        with ExitStack() as stack:
            workdir = settings.workdir or stack.enter_context(
                tempfile.TemporaryDirectory(prefix="zarrphase-bench-")
            )
            s3 = stack.enter_context(S3Server()) if "s3" in settings.stores else None
            for store, layout_name, codec in settings.cells():
                self._run_cell(results, store, layout_name, codec, workdir, s3)
        results.wall_seconds = time.perf_counter() - start
        return results

    def _dataset(self, size: int, layout: Layout, codec: str) -> tuple[Dataset, CodecSpeed]:
        key = (size, layout.name, codec)
        if key not in self._datasets:
            self._datasets = {k: v for k, v in self._datasets.items() if k[0] == size}
            self._datasets[key] = build_dataset(volume(size), layout, codec)
            self._speeds[key] = codec_speed(self._datasets[key])
        return self._datasets[key], self._speeds[key]

    def _run_cell(
        self,
        results: Results,
        store: str,
        layout_name: str,
        codec: str,
        workdir: str,
        s3: S3Server | None,
    ) -> None:
        settings = self.settings
        size = settings.array_size(store)
        layout = make_layout(layout_name, settings.subchunk, size)
        dataset, speed = self._dataset(size, layout, codec)
        workloads = settings.workloads_for(store, layout)
        results.cells.append(
            CellInfo(
                store,
                layout_name,
                codec,
                layout.describe(size),
                CODECS[codec].label,
                size,
                dataset.stored_bytes,
                speed.decode,
                speed.encode,
                speed.ratio,
            )
        )
        root = os.path.join(workdir, f"{store}-{layout_name}-{codec}")
        with _placed(store, root, dataset, s3) as spec_root:
            buffers = Buffers(dataset, settings.max_pieces)
            spec = StoreSpec(
                store, spec_root, s3.endpoint if s3 else None, settings.threads, settings.inflight
            )
            for impl in self.impls:
                cell = (store, layout_name, codec, impl.name)
                measurements = [Measurement(*cell, w.name) for w in workloads]
                results.measurements.extend(measurements)
                reason = impl.skip_reason(store)
                if reason is not None:
                    for m in measurements:
                        m.skipped = reason
                        self.on_step(f"{' '.join(cell)}: skipped")
                    continue
                self._measure_impl(impl, spec, dataset, buffers, workloads, measurements, s3,
                                   results.memcpy_bandwidth, speed)  # fmt: skip

    def _measure_impl(
        self,
        impl: Implementation,
        spec: StoreSpec,
        dataset: Dataset,
        buffers: Buffers,
        workloads: list[Workload],
        measurements: list[Measurement],
        s3: S3Server | None,
        memcpy: float,
        speed: CodecSpeed,
    ) -> None:
        objects = dataset.objects if spec.kind == "memory" else {}
        counter = s3 if spec.kind == "s3" else None  # requests are counted on S3 only
        try:
            session = impl.session(spec, objects)
        except Exception as err:  # a peer that cannot start on this store: say so, go on
            for m in measurements:
                m.error = f"session failed: {type(err).__name__}: {err}"
                self.on_step(f"{m.impl} {m.workload}: failed")
            return
        with session:
            source = None
            for workload, m in zip(workloads, measurements, strict=True):
                try:
                    source = source or session.open(DATASET_PATH)
                    scratch = f"w/{impl.key}/{workload.name}"
                    prepared = prepare(workload, session, source, dataset, buffers, scratch)
                    if counter is not None:
                        counter.clear()
                    prepared.reset()
                    prepared.run()  # warm-up, and the run that is verified
                    if counter is not None:
                        m.requests = counter.counts()
                    if workload.kind == "read":
                        prepared.verify()
                    m.times = _timed(prepared.run, self.settings.repeats)
                    if workload.kind != "read":
                        prepared.verify()  # what the repeated writes left behind
                    m.verified = True
                    scale = 1.0
                    if prepared.pieces is not None:
                        m.pieces = prepared.pieces.total
                        m.sampled = len(prepared.pieces.regions)
                        scale = m.pieces / m.sampled
                    m.seconds = statistics.median(m.times) * scale
                    m.decoded_bytes, m.limit_seconds = _limit(
                        workload, dataset, buffers, memcpy, speed, spec.threads
                    )
                except WrongResult as err:
                    m.error = f"wrong result: {err}"
                except Exception as err:
                    last = traceback.extract_tb(err.__traceback__)[-1]
                    where = f"{os.path.basename(last.filename)}:{last.lineno}"
                    m.error = f"{type(err).__name__}: {err} ({where})"
                self.on_step(f"{spec.kind} {dataset.layout.name} {dataset.codec} {m.impl}")


def _limit(
    workload: Workload,
    dataset: Dataset,
    buffers: Buffers,
    memcpy: float,
    speed: CodecSpeed,
    threads: int,
) -> tuple[int, float]:
    """(decoded bytes, seconds at the physical limit) of one run of the workload."""
    if dataset.codec == "none":
        read_rate = write_rate = memcpy
    else:
        read_rate, write_rate = speed.decode * threads, speed.encode * threads
    nbytes = dataset.data.nbytes
    if workload.kind == "read":
        return nbytes, nbytes / read_rate
    if workload.kind == "write":
        return nbytes, nbytes / write_rate
    if workload.kind == "round-trip":
        return 2 * nbytes, nbytes / read_rate + nbytes / write_rate
    from zarrphase.benchmark.dataset import touched_units_bytes

    touched = touched_units_bytes(dataset.layout, buffers.box, dataset.data.itemsize)
    return touched, touched / read_rate + touched / write_rate


@contextmanager
def _placed(store: str, root: str, dataset: Dataset, s3: S3Server | None) -> Iterator[str]:
    """Puts the dataset's objects where a store kind reads them; yields the spec's root.

    Local files are written just before the cell runs, so the page cache is warm for everyone.
    Memory stores get their own copy per implementation (in the session), nothing here.
    """
    if store == "memory":
        yield ""
    elif store == "local":
        for key, value in dataset.objects.items():
            path = os.path.join(root, key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as file:
                file.write(value)
        try:
            yield root
        finally:
            shutil.rmtree(root, ignore_errors=True)
    elif store == "s3":
        if s3 is None:
            raise RuntimeError("the S3 rows need the loopback S3 server")
        prefix = os.path.basename(root)
        s3.put_objects(prefix, dataset.objects)
        yield prefix
    else:
        raise ValueError(f"unknown store {store!r}")
