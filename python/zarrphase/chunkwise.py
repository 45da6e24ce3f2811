"""Whole-array reads and writes one chunk at a time: a Python loop over chunks whose encode and
decode run natively with the GIL released, spread over a thread pool.

This is the interim path the demo and the tests use until the phased engine plans whole batches
natively; it handles every array the core runs (any dtype, chain and ragged edge).
"""

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from zarrphase._core import ArrayMetadata, CodecChain, Store
from zarrphase.chunks import decode_chunk, native_view, numpy_dtype


def chunk_boxes(metadata: ArrayMetadata) -> Iterator[tuple[list[int], tuple[slice, ...]]]:
    """(grid coordinates, array region) of every chunk."""
    for coords in itertools.product(*(range(n) for n in metadata.grid_shape)):
        region = tuple(
            slice(c * size, min((c + 1) * size, extent))
            for c, size, extent in zip(coords, metadata.chunk_shape, metadata.shape, strict=True)
        )
        yield list(coords), region


def fill_scalar(metadata: ArrayMetadata) -> np.ndarray:
    """The array's fill value as a 0-d numpy array."""
    return np.frombuffer(metadata.fill_value_bytes, dtype=numpy_dtype(metadata.data_type))[0]


def write_array(
    store: Store, metadata: ArrayMetadata, data: np.ndarray, threads: int, prefix: str = ""
) -> int:
    """Encodes and stores every chunk of `data`; returns the bytes stored."""
    chain = CodecChain.for_array(metadata)
    fill = fill_scalar(metadata)

    def write_one(coords: list[int], region: tuple[slice, ...]) -> int:
        chunk = np.full(tuple(metadata.chunk_shape), fill, dtype=data.dtype)  # pads edge chunks
        chunk[tuple(slice(0, r.stop - r.start) for r in region)] = data[region]
        encoded = chain.encode(native_view(chunk))
        store.set(prefix + metadata.chunk_key(coords), encoded)
        return len(encoded)

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(lambda box: write_one(*box), chunk_boxes(metadata)))


def read_array(
    store: Store, metadata: ArrayMetadata, out: np.ndarray, threads: int, prefix: str = ""
) -> None:
    """Reads every chunk into `out` (the whole array); missing chunks read as the fill value."""
    chain = CodecChain.for_array(metadata)
    fill = fill_scalar(metadata)

    def read_one(coords: list[int], region: tuple[slice, ...]) -> None:
        encoded = store.get(prefix + metadata.chunk_key(coords))
        if encoded is None:
            out[region] = fill
            return
        chunk = decode_chunk(chain, encoded)
        out[region] = chunk[tuple(slice(0, r.stop - r.start) for r in region)]

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda box: read_one(*box), chunk_boxes(metadata)))
