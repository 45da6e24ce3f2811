"""Per-call cost of the smallest read through zarr-python: 10 x 10 float32 elements inside one
16 x 16 subchunk of a sharded array, with each codec pipeline (zarr's default BatchedCodecPipeline,
zarr's FusedCodecPipeline, zarrs-python, zarrphase), on LocalStore and MemoryStore.

Every pipeline reads the same array written once, after warm-up, with its output allocated by
zarr-python the same way; the best of five batches of calls is reported in microseconds per call.

Run: .venv/bin/python bench/per_call_overhead.py [--calls N]
"""

import argparse
import tempfile
import time
from collections.abc import Callable

import numpy as np
import zarr
from zarr.abc.store import Store
from zarr.storage import LocalStore, MemoryStore

PIPELINES = {
    "zarr default": "zarr.core.codec_pipeline.BatchedCodecPipeline",
    "zarr fused": "zarr.core.codec_pipeline.FusedCodecPipeline",
    "zarrs-python": "zarrs.ZarrsCodecPipeline",
    "zarrphase": "zarrphase.PhasedCodecPipeline",
}
SELECTION = np.s_[20:30, 40:50]  # inside the 16 x 16 subchunk at (1, 2)


def per_call_us(store: Store, pipeline: str, calls: int) -> float:
    with zarr.config.set({"codec_pipeline.path": pipeline}):
        array = zarr.open_array(store, mode="r")
        expected = np.arange(256 * 256, dtype="float32").reshape(256, 256)[SELECTION]
        assert np.array_equal(array[SELECTION], expected), pipeline
        for _ in range(200):
            array[SELECTION]
        batches = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(calls // 5):
                array[SELECTION]
            batches.append((time.perf_counter() - start) / (calls // 5) * 1e6)
        return min(batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    calls = parser.parse_args().calls
    folder = tempfile.mkdtemp()
    stores: dict[str, Callable[[str], Store]] = {
        "LocalStore": lambda name: LocalStore(f"{folder}/{name}"),
        "MemoryStore": lambda name: MemoryStore(),
    }
    print(f"zarr {zarr.__version__}; microseconds per one-subchunk read (best of 5 x {calls // 5})")
    print("| store | codec | " + " | ".join(PIPELINES) + " |")
    print("|---|---|" + "---|" * len(PIPELINES))
    for store_name, make_store in stores.items():
        for codec_name, compressors in [("none", None), ("zstd", zarr.codecs.ZstdCodec(level=1))]:
            store = make_store(codec_name)
            array = zarr.create_array(
                store, shape=(256, 256), chunks=(16, 16), shards=(128, 128), dtype="float32",
                compressors=compressors, overwrite=True,
            )  # fmt: skip
            array[...] = np.arange(256 * 256, dtype="float32").reshape(256, 256)
            times = [per_call_us(store, path, calls) for path in PIPELINES.values()]
            cells = " | ".join(f"{t:.0f}" for t in times)
            print(f"| {store_name} | {codec_name} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
