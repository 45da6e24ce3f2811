"""The physical limits each row is held against, measured on this machine at run time.

Uncompressed: a warm single-threaded memcpy of the same bytes (every byte must move at least
once). Compressed: the single-core decode (reads) or encode (writes) speed of one (sub)chunk of
the data through zarrphase's CodecChain, times the core count (the best an ideal parallel
implementation could do with the codec library itself).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from zarrphase.benchmark.dataset import Dataset

_MEASURE_BYTES = 16 << 20  # decoded bytes per timed batch: long enough to time, short to run
_MAX_ROUNDS = 4096  # tiny units (tests) would otherwise loop for seconds


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


def codec_speed(dataset: Dataset) -> CodecSpeed:
    from zarrphase import CodecChain

    unit = dataset.layout.unit
    edge = min(unit, dataset.data.shape[0])
    block = np.ascontiguousarray(dataset.data[:edge, :edge, :edge])
    chain = CodecChain.from_json(inner_chain_json(dataset), "uint16", list(block.shape))
    rounds = max(1, min(_MAX_ROUNDS, _MEASURE_BYTES // block.nbytes))
    encoded = chain.encode(block)
    out = np.empty_like(block)

    def encode() -> None:
        for _ in range(rounds):
            chain.encode(block)

    def decode() -> None:
        for _ in range(rounds):
            chain.decode_into(encoded, out)

    encode_s = _median_seconds(encode)
    decode_s = _median_seconds(decode)
    if not np.array_equal(out, block):
        raise RuntimeError(f"codec limit: {dataset.codec} did not round-trip one unit")
    total = block.nbytes * rounds
    return CodecSpeed(total / decode_s, total / encode_s, block.nbytes / len(encoded))
