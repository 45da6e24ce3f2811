"""`zarrphase copy SRC DST`: re-encodes an array or a whole hierarchy into a new Zarr v3 one,
optionally with new chunks, sharding and compression, in parallel and resumably.

Reading and writing go through zarr-python with zarrphase's PhasedCodecPipeline, so every data
type and codec zarr-python supports is handled and the heavy lifting runs natively. The copy works
in blocks of whole destination shards (copy_plan.py); each destination shard or chunk is written
as one object, by one atomic store write (temporary file + rename, in zarrphase's native store and
in zarr-python's LocalStore alike), so an interruption never leaves a half-written object. A
journal in DST (journal.py) records finished blocks; running the same command again continues
where it stopped, and the journal goes when the copy is complete.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zarr
from zarr.storage import LocalStore

from zarrphase.commands import arguments, copy_plan
from zarrphase.commands.arguments import EXIT_INTERRUPTED, EXIT_OK, CommandError, UsageError
from zarrphase.commands.copy_plan import ArrayPlan, Codec
from zarrphase.commands.hierarchy import (
    Hierarchy,
    Node,
    is_temp_file,
    load_node,
    stored_objects,
    walk,
)
from zarrphase.commands.journal import Journal, JournalMismatch, source_digest
from zarrphase.commands.progress import Progress

PIPELINE = "zarrphase.PhasedCodecPipeline"

_DESCRIPTION = """\
Re-encode a Zarr array or a whole hierarchy (v2 or v3) into a new Zarr v3 one, with new chunks,
sharding or compression if asked; attributes and groups are carried over.

Blocks of whole destination shards are copied in parallel through zarr-python with zarrphase's
native pipeline. Each destination shard (or chunk) is written as one object that atomically
replaces any older one, so an interrupted copy never leaves a half-written object. A journal in
DST records the finished blocks: run the same command again to continue where it stopped.
The journal is removed once the copy is complete.
"""

_EXAMPLES = """examples:
  zarrphase copy old.zarr new.zarr                          # v2 or v3 -> v3, zstd level 3
  zarrphase copy old.zarr new.zarr --shards 1024,1024       # sharded, source chunks inside
  zarrphase copy a.zarr b.zarr --chunks 64,64,64 --shards 512,512,512 --codec blosc:lz4:5
  zarrphase copy a.zarr b.zarr --codec none --jobs 8

Interrupted? Run the same command again: it continues where it stopped.
"""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "copy",
        help="re-encode an array or hierarchy into Zarr v3 (new chunks, sharding, codec)",
        description=_DESCRIPTION,
        epilog=_EXAMPLES,
        formatter_class=arguments.HelpFormatter,
    )
    parser.add_argument(
        "source", type=Path, metavar="SRC", help="a local Zarr array or group (v2 or v3)"
    )
    parser.add_argument("destination", type=Path, metavar="DST", help="the new Zarr v3 folder")
    parser.add_argument(
        "--chunks",
        type=arguments.shape,
        metavar="SHAPE",
        help="chunk (or subchunk, when sharded) shape, e.g. 64,64,64 (default: the source's)",
    )
    parser.add_argument(
        "--shards",
        type=copy_plan.parse_shards,
        metavar="SHAPE|none",
        help="shard shape, a multiple of the chunks, e.g. 512,512,512; `none` for no sharding "
        "(default: the source's sharding)",
    )
    parser.add_argument(
        "--codec",
        default=copy_plan.DEFAULT_CODEC,
        metavar="SPEC",
        help="none, zstd[:LEVEL], gzip[:LEVEL] or blosc[:CNAME[:CLEVEL]] (byte shuffle) "
        f"(default: {copy_plan.DEFAULT_CODEC})",
    )
    parser.add_argument(
        "--jobs",
        type=arguments.positive_int,
        default=arguments.default_jobs(),
        metavar="N",
        help="blocks copied at once (default: one per core)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace DST if it exists, even an unfinished copy by another command",
    )


@dataclass
class _Work:
    """One array's copy: its plan and both ends, opened through zarr-python."""

    plan: ArrayPlan
    source: Any
    destination: Any


def _check_paths(source: Path, destination: Path) -> None:
    if destination == source:
        raise UsageError("copy: SRC and DST are the same folder")
    if destination.is_relative_to(source) or source.is_relative_to(destination):
        raise UsageError("copy: SRC and DST must not contain each other")
    if destination.exists() and not destination.is_dir():
        raise UsageError(f"copy: {destination}: exists and is not a directory")


def _remove_temp_files(destination: Path) -> None:
    """Removes what writes of a killed process left half done: their temporary files (never
    values; the objects they were replacing are intact)."""
    for path in destination.rglob("*"):
        if is_temp_file(path.name) and path.is_file():
            path.unlink()


def _replaceable(destination: Path) -> bool:
    """Whether --overwrite may delete `destination`: an empty folder, a Zarr node or an unfinished
    copy. A mistyped DST naming some other folder is refused rather than deleted."""
    return (
        not any(destination.iterdir())
        or Journal.location(destination).is_file()
        or load_node(destination, "") is not None
    )


def _open_journal(destination: Path, command: dict[str, Any], overwrite: bool) -> Journal:
    if overwrite and destination.exists():
        if not _replaceable(destination):
            raise UsageError(
                f"copy: {destination}: holds no Zarr array or group, so --overwrite will not "
                "delete it; remove it yourself or pick another DST"
            )
        shutil.rmtree(destination)
    elif Journal.location(destination).is_file():
        try:
            journal = Journal.resume(destination, command)
        except JournalMismatch as err:
            raise UsageError(
                f"copy: {err}. Run that command again to finish it, or pass --overwrite to "
                "start over"
            ) from err
        _remove_temp_files(destination)
        if not journal.created:  # stopped while creating the nodes: no data yet, start them over
            for path in destination.iterdir():
                if path.is_dir():
                    shutil.rmtree(path)
                elif path != journal.path:
                    path.unlink()
        return journal
    elif destination.exists() and any(destination.iterdir()):
        raise UsageError(
            f"copy: {destination}: already exists and holds no unfinished copy; pass --overwrite "
            "to replace it"
        )
    destination.mkdir(parents=True, exist_ok=True)
    return Journal.start(destination, command)


def _attributes(node: Node, ndim: int) -> tuple[dict[str, Any], Any]:
    """The destination's attributes and dimension names: v2's xarray convention
    `_ARRAY_DIMENSIONS` becomes v3's `dimension_names`."""
    attributes = dict(node.attributes)
    if node.zarr_format == 3:
        return attributes, node.metadata.get("dimension_names")
    names = attributes.get("_ARRAY_DIMENSIONS")
    if isinstance(names, list) and len(names) == ndim and all(isinstance(n, str) for n in names):
        del attributes["_ARRAY_DIMENSIONS"]
        return attributes, names
    return attributes, None


def _create(
    store: LocalStore, node: Node, source: Any, plan: ArrayPlan | None, codec: Codec
) -> None:
    """Creates one destination group, or array with its new layout and codec (no data yet)."""
    if plan is None:
        zarr.create_group(store, path=node.path, attributes=dict(node.attributes), zarr_format=3)
        return
    meta = source.metadata
    attributes, dimension_names = _attributes(node, len(plan.shape))
    zarr.create_array(
        store,
        name=node.path or None,
        shape=plan.shape,
        dtype=meta.data_type if node.zarr_format == 3 else meta.dtype,
        chunks=plan.chunks,
        shards=plan.shards,
        compressors=codec.compressors or None,
        fill_value=meta.fill_value,
        attributes=attributes,
        dimension_names=dimension_names,
        zarr_format=3,
    )


def _copy_block(work: _Work, block: int) -> None:
    """Copies one block: reads its region of the source, writes it to the destination, where it
    covers whole shards (or chunks): each becomes one store write."""
    region = work.plan.region(block)
    work.destination[region] = work.source[region]


def _blocks(works: list[_Work], journal: Journal) -> Iterator[tuple[_Work, int]]:
    for work in works:
        done = journal.done.get(work.plan.path, set())
        for block in range(work.plan.blocks):
            if block not in done:
                yield work, block


def _copy_blocks(works: list[_Work], journal: Journal, jobs: int, bar: Progress) -> None:
    """Runs every unfinished block on `jobs` threads (the native engine releases the GIL), at most
    two per thread queued; journals each as it completes. On an interruption or failure the blocks
    already running finish and are journaled before the error propagates."""
    todo = _blocks(works, journal)
    running: dict[Future[None], tuple[_Work, int]] = {}

    def record(future: Future[None]) -> None:
        work, block = running.pop(future)
        try:
            future.result()
        except Exception as err:
            region = work.plan.region(block)
            raise CommandError(
                f"copy: array {work.plan.path or '.'!r}, region {_region_text(region)}: {err}"
            ) from err
        journal.mark_done(work.plan.path, block)
        bar.advance()

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        try:
            while True:
                for work, block in todo:
                    running[pool.submit(_copy_block, work, block)] = (work, block)
                    if len(running) >= 2 * jobs:
                        break
                if not running:
                    return
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in finished:
                    record(future)
        except BaseException:
            for future in list(running):
                if future.cancel():
                    running.pop(future)
            for future in list(running):
                try:
                    record(future)
                except BaseException:  # the first error is the one to report
                    running.pop(future, None)
            raise


def _region_text(region: tuple[slice, ...]) -> str:
    return "[" + ", ".join(f"{s.start}:{s.stop}" for s in region) + "]"


def _stored_bytes(hierarchy: Hierarchy) -> int:
    return sum(size for node in hierarchy.arrays() for _, size in stored_objects(node))


def _open_sources(hierarchy: Hierarchy) -> dict[str, Any]:
    store = LocalStore(hierarchy.root, read_only=True)
    sources = {}
    for node in hierarchy.arrays():
        try:
            sources[node.path] = zarr.open_array(store, path=node.path, mode="r")
        except Exception as err:  # zarr raises many types for metadata it refuses
            raise CommandError(
                f"copy: cannot open source array {node.metadata_key}: {type(err).__name__}: {err}"
            ) from err
    return sources


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def copy_hierarchy(args: argparse.Namespace, source_root: Path, destination: Path) -> int:
    """The copy itself, once the paths are checked (inside the pipeline settings)."""
    codec = copy_plan.parse_codec(args.codec)
    hierarchy = walk(source_root, "copy")
    if hierarchy.problems:
        listed = "; ".join(f"{p.key}: {p.reason}" for p in hierarchy.problems)
        raise CommandError(f"copy: the source's metadata cannot be read: {listed}")
    sources = _open_sources(hierarchy)
    plans = {
        path: copy_plan.plan_array(path, array, args.chunks, args.shards)
        for path, array in sources.items()
    }
    command = {
        "source": str(source_root),
        "chunks": list(args.chunks) if args.chunks else None,
        "shards": list(args.shards) if isinstance(args.shards, tuple) else args.shards,
        "codec": codec.spec,
        "source_metadata": source_digest(hierarchy),
    }
    journal = _open_journal(destination, command, args.overwrite)
    start = time.perf_counter()
    total = sum(plan.blocks for plan in plans.values())
    try:
        store = LocalStore(destination)
        if not journal.created:
            for node in hierarchy.nodes:
                _create(store, node, sources.get(node.path), plans.get(node.path), codec)
            journal.mark_created()
        works = [
            _Work(plan, sources[path], zarr.open_array(store, path=path, mode="r+"))
            for path, plan in plans.items()
        ]
        resumed = sum(len(blocks) for blocks in journal.done.values())
        with Progress(total, "copy") as bar:
            bar.advance(resumed)
            _copy_blocks(works, journal, args.jobs, bar)
    except KeyboardInterrupt:
        done = sum(len(blocks) for blocks in journal.done.values())
        journal.close()
        print(
            f"zarrphase copy: interrupted with {done} of {total} blocks copied; run the same "
            f"command again to continue ({journal.path} records them)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except BaseException:
        journal.close()
        raise
    journal.finish()
    seconds = time.perf_counter() - start
    groups = len(hierarchy.nodes) - len(plans)
    before, after = _stored_bytes(hierarchy), _stored_bytes(walk(destination, "copy"))
    print(
        f"copied {_count(len(plans), 'array')} and {_count(groups, 'group')} to {destination} "
        f"(Zarr v3, {codec.spec}): {_count(total, 'block')} ({resumed} done before) in "
        f"{seconds:.2f} s; stored bytes {before:,} -> {after:,}"
    )
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    source_root = arguments.existing_node_folder(args.source, "copy")
    destination = args.destination.resolve()
    _check_paths(source_root, destination)
    # The pipeline is chosen when an array is opened, and zarrphase.* settings are read per call:
    # the whole copy runs inside these settings. Patching shards in place would make a write no
    # longer one atomic object replacement, which resuming relies on.
    settings = {"codec_pipeline.path": PIPELINE, "zarrphase.write_ranges_in_place": False}
    with zarr.config.set(settings):
        return copy_hierarchy(args, source_root, destination)
