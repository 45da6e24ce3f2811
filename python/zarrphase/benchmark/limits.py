"""The physical limits each row is held against, measured on this machine at run time.

Uncompressed: a warm single-threaded memcpy of the same bytes (every byte must move at least
once). Compressed: the single-core decode (reads) or encode (writes) speed of the codec library,
through zarrphase's CodecChain, over every (sub)chunk of the data once, times the core count (the
best an ideal parallel implementation could do with the codec library itself).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from zarrphase.benchmark.dataset import Dataset


def _median_seconds(run: Callable[[], None], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def memcpy_bandwidth(nbytes: int) -> float:
    """Bytes per second of a warm single-threaded copy of `nbytes` (both buffers touched)."""
    src = np.ones(nbytes, dtype=np.uint8)
    dst = np.zeros(nbytes, dtype=np.uint8)
    np.copyto(dst, src)
    return nbytes / _median_seconds(lambda: np.copyto(dst, src), repeats=5)


@dataclass(frozen=True)
class CodecSpeed:
    """Single-core decoded bytes per second of one unit of a (layout, codec)."""

    decode: float
    encode: float
    ratio: float  # decoded / encoded size of that unit


def inner_chain_json(dataset: Dataset) -> str:
    """The codec list of one unit: a shard's inner codecs, or the array's own."""
    codecs = json.loads(dataset.metadata)["codecs"]
    if codecs[0]["name"] == "sharding_indexed":
        codecs = codecs[0]["configuration"]["codecs"]
    return json.dumps(codecs)


def _units(data: np.ndarray, edge: int) -> list[np.ndarray]:
    """The array cut into contiguous unit-edge blocks (edge blocks cut short), in C order."""
    starts = [range(0, n, edge) for n in data.shape]
    return [
        np.ascontiguousarray(data[i : i + edge, j : j + edge, k : k + edge])
        for i in starts[0]
        for j in starts[1]
        for k in starts[2]
    ]


def codec_speed(dataset: Dataset) -> CodecSpeed:
    """Single-core speed over every unit of the array once (not one unit again and again, which
    would run from the cache and flatter the limit), each into its own touched output."""
    from zarrphase import CodecChain

    unit = min(dataset.layout.unit, dataset.data.shape[0])
    blocks = _units(dataset.data, unit)
    chains: dict[tuple[int, ...], CodecChain] = {}

    def chain_for(block: np.ndarray) -> CodecChain:
        if block.shape not in chains:
            chains[block.shape] = CodecChain.from_json(
                inner_chain_json(dataset), "uint16", list(block.shape)
            )
        return chains[block.shape]

    encoded = [chain_for(block).encode(block) for block in blocks]
    outs = [np.zeros_like(block) for block in blocks]

    def encode() -> None:
        for block in blocks:
            chain_for(block).encode(block)

    def decode() -> None:
        for block, data, out in zip(blocks, encoded, outs, strict=True):
            chain_for(block).decode_into(data, out)

    encode_s = _median_seconds(encode)
    decode_s = _median_seconds(decode)
    if not all(np.array_equal(out, block) for out, block in zip(outs, blocks, strict=True)):
        raise RuntimeError(f"codec limit: {dataset.codec} did not round-trip the array's units")
    total = sum(block.nbytes for block in blocks)
    return CodecSpeed(total / decode_s, total / encode_s, total / sum(len(e) for e in encoded))
