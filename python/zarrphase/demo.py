"""The main job of `make demo`: write a 3-D array through a zstd + crc32c chain with the native
core, read it back, verify it, and check that zarr-python reads the very same array.

The whole write and the whole read are one call each into the native engine: it plans the IO,
runs every chunk's codecs on its thread pool and talks to the filesystem, the GIL released.
"""

import shutil
import time
from pathlib import Path

import numpy as np

from zarrphase._core import thread_count
from zarrphase.array import create_array

CODECS = [
    {"name": "bytes", "configuration": {"endian": "little"}},
    {"name": "zstd", "configuration": {"level": 3, "checksum": False}},
    {"name": "crc32c", "configuration": {}},
]


def make_volume(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """A smooth uint16 volume with some noise: compresses like real imaging data."""
    rng = np.random.default_rng(seed)
    grids = np.meshgrid(*(np.linspace(0, 4 * np.pi, n) for n in shape), indexing="ij")
    smooth = sum(np.sin(g * (i + 1)) for i, g in enumerate(grids))
    noise = rng.integers(0, 4, size=shape)
    return (smooth * 400 + 2000 + noise).astype(np.uint16)


def array_document(shape: tuple[int, ...], chunks: tuple[int, ...]) -> dict[str, object]:
    return {
        "zarr_format": 3,
        "node_type": "array",
        "shape": list(shape),
        "data_type": "uint16",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunks)}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0,
        "codecs": CODECS,
        "attributes": {"written_by": "zarrphase demo"},
    }


def run(directory: Path, shape: tuple[int, ...], chunks: tuple[int, ...]) -> None:
    import zarr  # imported here: only the demo's final check needs zarr-python

    threads = thread_count()
    data = make_volume(shape)
    mib = data.nbytes / 2**20
    print(f"zarrphase demo: {shape} uint16 ({mib:.0f} MiB), chunks {chunks}")
    print(f"  codecs: {' -> '.join(c['name'] for c in CODECS)}; {threads} native threads")

    shutil.rmtree(directory, ignore_errors=True)
    array = create_array(directory, "", array_document(shape, chunks))

    start = time.perf_counter()
    array[...] = data
    write_s = time.perf_counter() - start
    nchunks = int(np.prod(array.metadata.grid_shape))
    stored = sum(p.stat().st_size for p in (directory / "c").rglob("*") if p.is_file())
    print(
        f"  wrote {nchunks} chunks, {stored / 2**20:.1f} MiB stored "
        f"(ratio {data.nbytes / stored:.2f}x) in {write_s:.3f} s = {mib / write_s:.0f} MiB/s"
    )

    start = time.perf_counter()
    out = array[...]
    read_s = time.perf_counter() - start
    print(f"  read back in {read_s:.3f} s = {mib / read_s:.0f} MiB/s")
    if not np.array_equal(out, data):
        raise SystemExit("demo: FAILED: the array read back differs from the one written")
    print("  verified: zarrphase reads back exactly what it wrote")

    start = time.perf_counter()
    theirs = zarr.open_array(str(directory), mode="r")[...]
    zarr_s = time.perf_counter() - start
    if not np.array_equal(theirs, data):
        raise SystemExit("demo: FAILED: zarr-python reads different values")
    print(
        f"  verified: zarr-python {zarr.__version__} opens {directory} and reads the same "
        f"values ({zarr_s:.3f} s = {mib / zarr_s:.0f} MiB/s with its default pipeline)"
    )
