"""The benchmark suite behind `zarrphase bench`: a tiny run on the memory store has the promised
structure, every result is really checked (adapters that return or store wrong values are
caught and reported, not timed), and the JSON, markdown and chart outputs are written."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zarrphase.benchmark import command, report
from zarrphase.benchmark.adapters import IMPLEMENTATIONS
from zarrphase.benchmark.adapters.base import Handle, Region, Session, StoreSpec
from zarrphase.benchmark.adapters.zarrphase_cpp import ZarrphaseCpp
from zarrphase.benchmark.model import FULL, QUICK, WORKLOADS, Settings, make_layout
from zarrphase.benchmark.runner import Results, Suite

TINY = replace(
    FULL,
    size=32,
    subchunk=4,
    repeats=2,
    max_pieces=16,
    inflight=4,
    stores=("memory",),
    layouts=("chunks", "shards-64"),
    codecs=("zstd",),
    impls=("zarr", "zarrphase", "cpp"),
)


def by_impl(impls: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(i for i in IMPLEMENTATIONS if i.key in {x for x in impls})


@pytest.fixture(scope="module")
def tiny() -> Results:
    return Suite(TINY).run()


def test_tiny_run_measures_and_verifies_every_cell(tiny: Results) -> None:
    assert set(tiny.versions) == {"zarr default", "zarrphase", "zarrphase C++ API"}
    assert [(c.store, c.layout, c.codec) for c in tiny.cells] == [
        ("memory", "chunks", "zstd"),
        ("memory", "shards-64", "zstd"),
    ]
    plain = len(WORKLOADS) - 2  # no subchunk workloads without shards
    assert len(tiny.measurements) == 3 * (plain + len(WORKLOADS))
    for m in tiny.measurements:
        assert m.error is None and m.skipped is None, m
        assert m.verified, m
        assert len(m.times) == TINY.repeats and all(t > 0 for t in m.times)
        assert m.seconds is not None and m.limit_seconds is not None and m.limit_seconds > 0
    # 8^3 subchunks in the 32^3 array: 16 are timed, the median extrapolated to all 512.
    sub = next(m for m in tiny.measurements if m.workload == "read-subchunks-1")
    assert (sub.pieces, sub.sampled) == (512, 16)
    assert sub.seconds == pytest.approx(float(np.median(sub.times)) * 512 / 16)


def test_report_tables_speedups_and_targets(tiny: Results) -> None:
    text = report.markdown(tiny)
    assert "### memory / shards 16^3 of 4^3 subchunks 4^3 of a 32^3 array / zstd level 3" in text
    assert (
        "| workload | zarr default s | zarrphase s | zarrphase C++ API s | vs zarr default |"
        in text
    )
    assert "read subchunk by subchunk, N in flight" in text
    assert "extrapolated to all pieces" in text
    assert "Targets (zarrphase through zarr-python):" in text
    # A speed-up cell is the peer's seconds over ours.
    ours = next(m for m in tiny.measurements if m.impl == "zarrphase" and m.layout == "chunks")
    peer = next(
        m for m in tiny.measurements
        if m.impl == "zarr default" and m.layout == "chunks" and m.workload == ours.workload
    )  # fmt: skip
    assert ours.seconds and peer.seconds
    assert f"{peer.seconds / ours.seconds:.2f}x" in text


class _Wrong(ZarrphaseCpp):
    """The C++ adapter with one deliberate fault, chosen by `fault`."""

    def __init__(self, fault: str) -> None:
        self.fault = fault
        self.name = f"broken ({fault})"
        self.key = "cpp"

    def session(self, spec: StoreSpec, objects: dict[str, bytes]) -> Session:
        inner = super().session(spec, objects)
        fault = self.fault

        class FaultyHandle(Handle):
            def __init__(self, real: Handle) -> None:
                self.real = real

            def bind(self, out: np.ndarray) -> Any:
                return (out, self.real.bind(out))

            def read(self, region: Region, target: Any) -> None:
                out, bound = target
                if fault == "skip-read":
                    return
                self.real.read(region, bound)
                if fault == "flip-one":
                    out.reshape(-1)[-1] ^= 1

            def read_many(self, regions: Sequence[Region], targets: Sequence[Any]) -> None:
                for region, target in zip(regions, targets, strict=True):
                    self.read(region, target)

            def write(self, region: Region, value: np.ndarray) -> None:
                if fault != "drop-write":
                    self.real.write(region, value)

        class FaultySession(Session):
            def close(self) -> None:
                inner.close()

            def put(self, key: str, value: bytes) -> None:
                inner.put(key, value)

            def get(self, key: str) -> bytes | None:
                return inner.get(key)

            def open(self, path: str) -> Handle:
                return FaultyHandle(inner.open(path))

        return FaultySession()


@pytest.mark.parametrize("fault", ["flip-one", "skip-read", "drop-write"])
def test_wrong_results_are_caught_not_timed(fault: str) -> None:
    settings = replace(TINY, layouts=("shards-64",), impls=None, repeats=1)
    results = Suite(settings, impls=(_Wrong(fault),)).run()
    by_workload = {m.workload: m for m in results.measurements}
    reads = [w for w, spec in WORKLOADS.items() if spec.kind == "read"]
    writes = ["write-all", "round-trip", "partial-overwrite"]
    # Written arrays are decoded by zarr-python, not read back through the faulty adapter: a
    # faulty read spoils only the reads (and the read half of the round trip).
    failing = writes if fault == "drop-write" else [*reads, "round-trip"]
    for name in failing:
        m = by_workload[name]
        assert m.error is not None and m.error.startswith("wrong result"), (name, m)
        assert not m.verified and m.seconds is None
    for name in set(by_workload) - set(failing):
        assert by_workload[name].verified, by_workload[name]
    assert "ERROR broken" in report.markdown(results)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["bench", *argv])


TINY_ARGS = (
    "--no-reexec", "--store", "memory", "--layout", "shards-64", "--codec", "none",
    "--impl", "zarrphase,zarr", "--size", "32", "--subchunk", "4", "--repeats", "1",
    "--max-pieces", "8", "--workload", "read-all,read-subchunks-n,write-all",
)  # fmt: skip


def test_command_writes_parseable_json_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json, out_md = tmp_path / "bench.json", tmp_path / "bench.md"
    code = command.run(_args(*TINY_ARGS, "--json", str(out_json), "--markdown", str(out_md)))
    assert code == 0
    printed = capsys.readouterr().out
    assert printed == out_md.read_text()
    assert "| read all |" in printed and "zarrphase bench: full run" in printed
    document = json.loads(out_json.read_text())
    assert document["settings"]["size"] == 32 and document["settings"]["repeats"] == 1
    assert set(document["versions"]) == {"zarr default", "zarrphase"}
    assert document["machine"]["cores"] >= 1 and document["memcpy_bandwidth"] > 0
    workloads = {(m["impl"], m["workload"]) for m in document["measurements"]}
    assert len(workloads) == 6
    assert all(m["verified"] and m["seconds"] > 0 for m in document["measurements"])


def test_plot_without_matplotlib_fails_before_running(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    code = command.run(_args(*TINY_ARGS, "--plot", str(tmp_path / "chart.png")))
    assert code == 2
    assert "--plot needs matplotlib" in capsys.readouterr().err
    assert not (tmp_path / "chart.png").exists()


def test_plot_writes_a_png(tiny: Results, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (requirements-dev.txt)")
    from zarrphase.benchmark import plot

    path = tmp_path / "chart.png"
    plot.write_png(tiny, str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_presets_and_filters() -> None:
    quick_cells = QUICK.cells()
    assert {s for s, _, _ in quick_cells} == {"memory", "local"}
    assert len(quick_cells) == 8
    full = FULL.cells()
    s3 = [c for c in full if c[0] == "s3"]
    assert s3 == [("s3", "chunks", "zstd"), ("s3", "shards-64", "zstd")]
    assert len(full) == 2 * 4 * 4 + 2
    plain = FULL.workloads_for("local", make_layout("chunks", 24, 192))
    assert not any(w.pieces == "subchunk" for w in plain)
    one_shard = make_layout("shard-1000", 24, 192)
    assert (one_shard.chunk, one_shard.subchunk) == (200, 20)
    settings = command.settings_from(_args("--quick", "--store", "local", "--repeats", "5"))
    assert isinstance(settings, Settings)
    assert settings.stores == ("local",) and settings.repeats == 5 and settings.quick
    with pytest.raises(SystemExit):
        _args("--store", "tape")
