"""What `zarrphase copy` will do, decided before anything is written: the `--codec` spec as zarr
codecs, and per source array its destination layout (chunks, shards) and the blocks the copy
works in. Every mistake in the options is found here, for every array, as a UsageError.

A block is one destination shard (or chunk, unsharded), grown along an axis to cover a whole
source chunk when the source's chunks are bigger: each source chunk is then decoded once, not once
per destination shard it overlaps. Blocks stay aligned to destination shards, so every
destination object is written whole, by one store write.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast, get_args

from zarr.codecs import BloscCodec, GzipCodec, ZstdCodec
from zarr.codecs.blosc import BloscCnameLiteral

from zarrphase.commands.arguments import UsageError, shape

DEFAULT_CODEC = "zstd:3"
# Blocks grown to cover a source chunk stop growing past this size; beyond it a huge source
# chunk is decoded once per block rather than held in memory whole.
MAX_GROWN_BLOCK_BYTES = 256 << 20


@dataclass(frozen=True)
class Codec:
    """A parsed `--codec`: its canonical spelling (what the journal records) and zarr codecs."""

    spec: str
    compressors: tuple[Any, ...]


def _level(text: str, low: int, high: int, spec: str) -> int:
    try:
        level = int(text)
    except ValueError:
        level = low - 1
    if not low <= level <= high:
        raise UsageError(f"copy: --codec {spec!r}: level must be an integer in {low}..{high}")
    return level


def parse_codec(spec: str) -> Codec:
    """none, zstd[:LEVEL], gzip[:LEVEL] or blosc[:CNAME[:CLEVEL]] (byte shuffle on)."""
    name, *params = spec.strip().lower().split(":")
    if name == "none" and not params:
        return Codec("none", ())
    if name == "zstd" and len(params) <= 1:
        level = _level(params[0], -131072, 22, spec) if params else 3
        return Codec(f"zstd:{level}", (ZstdCodec(level=level),))
    if name == "gzip" and len(params) <= 1:
        level = _level(params[0], 0, 9, spec) if params else 5
        return Codec(f"gzip:{level}", (GzipCodec(level=level),))
    if name == "blosc" and len(params) <= 2:
        cname = params[0] if params else "zstd"
        if cname not in get_args(BloscCnameLiteral):
            names = ", ".join(get_args(BloscCnameLiteral))
            raise UsageError(f"copy: --codec {spec!r}: blosc compressor must be one of {names}")
        clevel = _level(params[1], 0, 9, spec) if len(params) == 2 else 5
        blosc = BloscCodec(cname=cast(BloscCnameLiteral, cname), clevel=clevel, shuffle="shuffle")
        return Codec(f"blosc:{cname}:{clevel}", (blosc,))
    raise UsageError(
        f"copy: --codec {spec!r}: expected none, zstd[:LEVEL], gzip[:LEVEL] or "
        "blosc[:CNAME[:CLEVEL]]"
    )


# --shards none: write unsharded (without --shards, a sharded source keeps its shard shape).
NO_SHARDS = "none"


def parse_shards(text: str) -> tuple[int, ...] | str:
    """argparse type for --shards: a shape, or `none` to write unsharded."""
    return NO_SHARDS if text.strip().lower() == NO_SHARDS else shape(text)


@dataclass(frozen=True)
class ArrayPlan:
    """One array's copy: where it goes, its destination layout, and its blocks."""

    path: str  # relative to the source / destination root
    shape: tuple[int, ...]
    chunks: tuple[int, ...]
    shards: tuple[int, ...] | None
    block: tuple[int, ...]

    @property
    def block_grid(self) -> tuple[int, ...]:
        return tuple(math.ceil(s / b) for s, b in zip(self.shape, self.block, strict=True))

    @property
    def blocks(self) -> int:
        return math.prod(self.block_grid) if all(self.shape) else 0

    def region(self, block: int) -> tuple[slice, ...]:
        """The part of the array block number `block` (row-major in the block grid) covers."""
        coords = [int(c) for c in _unravel(block, self.block_grid)]
        return tuple(
            slice(c * b, min((c + 1) * b, s))
            for c, b, s in zip(coords, self.block, self.shape, strict=True)
        )


def _unravel(index: int, grid: tuple[int, ...]) -> list[int]:
    coords = []
    for size in reversed(grid):
        index, c = divmod(index, size)
        coords.append(c)
    return coords[::-1]


def _multiple(shards: tuple[int, ...], chunks: tuple[int, ...]) -> bool:
    return all(s % c == 0 for s, c in zip(shards, chunks, strict=True))


def _name(path: str) -> str:
    return repr(path) if path else "the source array"


def plan_array(
    path: str,
    source: Any,
    chunks: tuple[int, ...] | None,
    shards: tuple[int, ...] | str | None,
) -> ArrayPlan:
    """The plan of one source array (a zarr.Array); UsageError when the options do not fit it."""
    array_shape = tuple(source.shape)
    ndim = len(array_shape)
    source_chunks = tuple(source.chunks)
    if chunks is not None and ndim and len(chunks) != ndim:
        raise UsageError(
            f"copy: --chunks has {len(chunks)} sizes but {_name(path)} has {ndim} dimensions"
        )
    dst_chunks = chunks if chunks is not None and ndim else source_chunks
    dst_shards: tuple[int, ...] | None
    if shards is None:
        source_shards = source.shards
        dst_shards = tuple(source_shards) if source_shards is not None else None
        if dst_shards is not None and not _multiple(dst_shards, dst_chunks):
            raise UsageError(
                f"copy: {_name(path)} is sharded {list(dst_shards)}, not a multiple of the new "
                f"chunks {list(dst_chunks)}: pass --shards SHAPE or --shards none"
            )
    else:
        dst_shards = shards if isinstance(shards, tuple) and ndim else None
        if dst_shards is not None and len(dst_shards) != ndim:
            raise UsageError(
                f"copy: --shards has {len(dst_shards)} sizes but {_name(path)} has {ndim} "
                "dimensions"
            )
        if dst_shards is not None and not _multiple(dst_shards, dst_chunks):
            raise UsageError(
                f"copy: --shards {list(dst_shards)} must be a multiple of the chunks "
                f"{list(dst_chunks)} of {_name(path)} along every axis"
            )
    unit = dst_shards or dst_chunks
    grown = tuple(u * math.ceil(c / u) for u, c in zip(unit, source_chunks, strict=True))
    itemsize = getattr(source.dtype, "itemsize", 8) or 8
    block = grown if math.prod(grown) * itemsize <= MAX_GROWN_BLOCK_BYTES else unit
    return ArrayPlan(path, array_shape, dst_chunks, dst_shards, block)
