"""`zarrphase verify PATH`: decodes every stored chunk of an array or of every array in a group
(every subchunk of every shard), checking crc32c checksums and shard indexes, and lists each
damaged object with its key and the reason, plus metadata that cannot be read.

Exit status 0 when everything decodes, 1 when anything is damaged. Objects are checked in
parallel (`--jobs`); each is decoded on native threads without the GIL (see verify_checks.py).
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zarrphase.commands import arguments, layout
from zarrphase.commands.arguments import EXIT_OK, EXIT_PROBLEM
from zarrphase.commands.hierarchy import MetadataError, Node, Problem, grid_of, stored_objects, walk
from zarrphase.commands.progress import Progress
from zarrphase.commands.verify_checks import Checker, MetadataProblem, checker_for, object_key

_DESCRIPTION = """\
Decode every stored chunk of an array, or of every array in a group (every subchunk of every
shard), checking crc32c checksums and shard indexes. Damaged objects are listed with their key
and the reason, and so is metadata that cannot be read.

Exit status: 0 when everything decodes, 1 when something is damaged, 2 for a bad path or option.
Arrays stored without checksums can only be checked for decoding errors: damage inside a
compressed payload may decode to wrong values unnoticed (the report says which arrays).
"""

_EXAMPLES = """examples:
  zarrphase verify data.zarr               # exit status 0: clean, 1: damage found
  zarrphase verify --jobs 4 data.zarr/temperature
  zarrphase verify --json data.zarr > report.json
"""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="decode every stored chunk and shard; list damaged keys (exit 1 on damage)",
        description=_DESCRIPTION,
        epilog=_EXAMPLES,
        formatter_class=arguments.HelpFormatter,
    )
    parser.add_argument(
        "path", type=Path, metavar="PATH", help="a local Zarr array or group (v2 or v3) folder"
    )
    parser.add_argument(
        "--jobs",
        type=arguments.positive_int,
        default=arguments.default_jobs(),
        metavar="N",
        help="objects decoded at once (default: one per core)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON document")


@dataclass
class ArrayReport:
    path: str
    mode: str  # "native" or "zarr-python": who decoded the objects
    checksummed: bool  # whether the chunks carry checksums of their data
    objects: int = 0
    stored_bytes: int = 0
    damaged: int = 0


@dataclass
class Report:
    location: str
    arrays: list[ArrayReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "clean": self.clean,
            "arrays": [vars(a) for a in self.arrays],
            "problems": [vars(p) for p in self.problems],
            "warnings": [vars(w) for w in self.warnings],
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class _Task:
    node: Node
    checker: Checker
    report: ArrayReport
    key: str
    coords: tuple[int, ...]


def _plan(node: Node, report: Report) -> list[_Task]:
    """The objects of one array to check; its metadata problem or stray keys go to `report`."""
    try:
        grid = grid_of(node)
        checker = checker_for(node, grid)
    except MetadataError as err:
        report.problems.append(Problem(node.metadata_key, str(err)))
        return []
    except MetadataProblem as err:
        report.problems.append(err.problem)
        return []
    checksummed = layout.data_checksummed(node.zarr_format, node.metadata)
    array_report = ArrayReport(node.display_path(), checker.mode, checksummed)
    report.arrays.append(array_report)
    tasks = []
    for key, size in stored_objects(node):
        coords = grid.coords(key)
        if coords is None:
            grid_text = " x ".join(map(str, grid.grid_shape)) or "1"
            report.warnings.append(
                Problem(object_key(node, key), f"not a chunk of this array's {grid_text} grid")
            )
            continue
        array_report.objects += 1
        array_report.stored_bytes += size
        tasks.append(_Task(node, checker, array_report, key, coords))
    return tasks


def _check(task: _Task) -> Problem | None:
    try:
        reason = task.checker.check(task.node, task.key, task.coords)
    except OSError as err:
        reason = f"cannot be read: {err}"
    return None if reason is None else Problem(object_key(task.node, task.key), reason)


def verify(root: Path, jobs: int) -> Report:
    """Checks the hierarchy at `root` (an existing folder)."""
    start = time.perf_counter()
    hierarchy = walk(root, "verify")
    report = Report(str(root), problems=list(hierarchy.problems))
    tasks = [task for node in hierarchy.arrays() for task in _plan(node, report)]
    with Progress(len(tasks), "verify") as bar, ThreadPoolExecutor(max_workers=jobs) as pool:
        for task, problem in zip(tasks, pool.map(_check, tasks), strict=True):
            if problem is not None:
                task.report.damaged += 1
                report.problems.append(problem)
            bar.advance()
    report.problems.sort(key=lambda p: p.key)
    report.seconds = time.perf_counter() - start
    return report


def render(report: Report) -> list[str]:
    objects = sum(a.objects for a in report.arrays)
    stored = sum(a.stored_bytes for a in report.arrays)
    lines = [
        f"verify  {report.location}",
        f"  checked {len(report.arrays)} array{'s' * (len(report.arrays) != 1)}, "
        f"{objects} stored objects, {stored:,} bytes "
        f"in {report.seconds:.2f} s",
    ]
    for a in report.arrays:
        state = "ok" if not a.damaged else f"DAMAGED ({a.damaged} of {a.objects} objects)"
        checks = "checksums verified" if a.checksummed else "no checksums, decoding checked"
        lines.append(f"  {a.path}: {a.objects} objects decoded by {a.mode} ({checks}): {state}")
    lines += [f"DAMAGED  {p.key}: {p.reason}" for p in report.problems]
    lines += [f"warning  {w.key}: {w.reason}" for w in report.warnings]
    problems = len(report.problems)
    keys = "key" if problems == 1 else "keys"
    lines.append("result: clean" if report.clean else f"result: {problems} damaged {keys}")
    return lines


def run(args: argparse.Namespace) -> int:
    root = arguments.existing_node_folder(args.path, "verify")
    report = verify(root, args.jobs)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print("\n".join(render(report)))
    return EXIT_OK if report.clean else EXIT_PROBLEM
