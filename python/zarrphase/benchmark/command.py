"""`zarrphase bench`: options, the allocator re-exec, the progress bar and the outputs.

`add_parser` registers the command on the CLI's subparsers and `run` executes it; both are all
the CLI needs. Before measuring, `run` re-executes the interpreter once with glibc's malloc told
to keep freed memory (no mmap for large blocks, no trimming): implementations that allocate their
results then reuse warm pages instead of paying the kernel for fresh ones on every call, the same
way for everyone (the report states the policy).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from typing import Any

from zarrphase.benchmark.model import (
    CODECS,
    FULL,
    LAYOUT_NAMES,
    QUICK,
    STORE_NAMES,
    WORKLOADS,
    Settings,
)
from zarrphase.commands.arguments import UsageError

MALLOC_ENV = {
    "MALLOC_MMAP_MAX_": "0",  # large blocks come from the heap, so they are reused when freed
    "MALLOC_TRIM_THRESHOLD_": str(1 << 40),  # never give freed heap back to the kernel
    "MALLOC_TOP_PAD_": str(256 << 20),  # grow the heap in big steps
}
_REEXEC_MARK = "ZARRPHASE_BENCH_REEXEC"


def _names(known: tuple[str, ...] | list[str], what: str) -> Any:
    def parse(text: str) -> tuple[str, ...]:
        values = tuple(v.strip() for v in text.split(",") if v.strip())
        unknown = [v for v in values if v not in known]
        if unknown or not values:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(unknown) or text!r}; known: {', '.join(known)}"
            )
        return values

    return parse


def add_parser(subparsers: Any) -> None:
    """Registers `bench` on an argparse subparsers object."""
    from zarrphase.benchmark.adapters import IMPLEMENTATIONS

    impl_keys = [impl.key for impl in IMPLEMENTATIONS]
    bench = subparsers.add_parser(
        "bench",
        help="side-by-side benchmark of zarrphase against zarr-python, zarrs-python, tensorstore",
        description="Measures every installed implementation on the same data; prints markdown "
        "tables to stdout and a progress bar to stderr.",
    )
    bench.add_argument("--quick", action="store_true", help="a representative subset (~1 min)")
    bench.add_argument("--json", metavar="FILE", help="write every timing and setting as JSON")
    bench.add_argument("--plot", metavar="FILE", help="write a PNG chart (needs matplotlib)")
    bench.add_argument("--markdown", metavar="FILE", help="also write the printed report here")
    bench.add_argument("--store", type=_names(STORE_NAMES, "store"), help="e.g. memory,local")
    bench.add_argument("--layout", type=_names(LAYOUT_NAMES, "layout"), help="e.g. shards-64")
    bench.add_argument("--codec", type=_names(tuple(CODECS), "codec"), help="e.g. none,zstd")
    bench.add_argument("--impl", type=_names(impl_keys, "implementation"), help="e.g. zarrphase")
    bench.add_argument("--workload", type=_names(tuple(WORKLOADS), "workload"))
    bench.add_argument("--size", type=int, help="array edge (elements; uint16 volume size^3)")
    bench.add_argument("--subchunk", type=int, help="subchunk edge of the sharded layouts")
    bench.add_argument("--repeats", type=int, help="timed runs per measurement (median)")
    bench.add_argument("--max-pieces", type=int, help="piecewise workloads time at most this many")
    bench.add_argument("--inflight", type=int, help="N of the 'N in flight' workloads")
    bench.add_argument("--threads", type=int, help="compute threads for every implementation")
    bench.add_argument("--s3-full", action="store_true", help="the whole matrix on S3 too")
    bench.add_argument("--workdir", help="folder for the local-store arrays (default: a temp dir)")
    bench.add_argument(
        "--no-reexec", action="store_true", help="keep the allocator as it is (no re-exec)"
    )


def settings_from(args: argparse.Namespace) -> Settings:
    settings = QUICK if args.quick else FULL
    overrides: dict[str, Any] = {}
    for option, name in (("store", "stores"), ("layout", "layouts"), ("codec", "codecs"),
                         ("workload", "workloads"), ("impl", "impls")):  # fmt: skip
        if getattr(args, option) is not None:
            overrides[name] = getattr(args, option)
    for name in ("size", "subchunk", "repeats", "max_pieces", "inflight", "threads", "workdir"):
        value = getattr(args, name)
        if value is not None:
            if name != "workdir" and value < 1:
                raise UsageError(f"bench: --{name.replace('_', '-')} must be >= 1")
            overrides[name] = value
    if args.s3_full:
        overrides["s3_reduced"] = False
    return replace(settings, **overrides)


def _launched_as_program() -> bool:
    """True when this process is the `zarrphase` command or bench/suite.py, which may replace
    itself; a library call of `run` (tests, notebooks) must not exec anything."""
    program = sys.argv[0] if sys.argv else ""
    return program.endswith(
        ("zarrphase", os.path.join("zarrphase", "__main__.py"), os.path.join("bench", "suite.py"))
    )


def _reexec_with_allocator_policy() -> None:
    if os.environ.get(_REEXEC_MARK) or not sys.platform.startswith("linux"):
        return
    if not _launched_as_program():
        return
    env = {**os.environ, **MALLOC_ENV, _REEXEC_MARK: "1"}
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def run(args: argparse.Namespace) -> int:
    """Runs the suite; returns 1 when any measurement failed or returned wrong data."""
    from zarrphase.benchmark import plot, report
    from zarrphase.benchmark.runner import Suite
    from zarrphase.commands.progress import Progress

    settings = settings_from(args)
    if args.plot:
        try:
            plot.require_matplotlib()
        except plot.PlotUnavailableError as err:
            print(f"zarrphase bench: {err}", file=sys.stderr)
            return 2
    if not args.no_reexec:
        _reexec_with_allocator_policy()

    suite = Suite(settings)
    for note in suite.notes:
        print(f"zarrphase bench: {note}", file=sys.stderr)
    with Progress(suite.total_steps(), "bench") as bar:
        suite.on_step = lambda note: bar.advance(note=note)
        results = suite.run()
    text = report.markdown(results)
    sys.stdout.write(text)
    if args.markdown:
        with open(args.markdown, "w") as file:
            file.write(text)
    if args.json:
        report.write_json(results, args.json)
    if args.plot:
        plot.write_png(results, args.plot)
    return 1 if any(m.error for m in results.measurements) else 0
