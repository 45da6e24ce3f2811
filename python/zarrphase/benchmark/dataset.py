"""The data every implementation reads: one generated volume, written once per (layout, codec) by
zarr-python's default pipeline into plain objects (key -> bytes), which every store then holds
byte for byte. Also the regions the piecewise workloads visit and the partial-overwrite box."""

from __future__ import annotations

import itertools
import json
import warnings
from dataclasses import dataclass

import numpy as np

from zarrphase.benchmark.model import Layout
from zarrphase.demo import make_volume

Region = tuple[slice, ...]
DATASET_PATH = "data"


def volume(size: int) -> np.ndarray:
    """The benchmark's uint16 volume (smooth + noise, compresses like imaging data)."""
    return make_volume((size, size, size), seed=7)


def _compressors(codec: str) -> object:
    from zarr.codecs import BloscCodec, GzipCodec, ZstdCodec

    if codec == "none":
        return None
    if codec == "zstd":
        return ZstdCodec(level=3)
    if codec == "blosc":
        return BloscCodec(cname="lz4", clevel=5, shuffle="shuffle", typesize=2)
    if codec == "gzip":
        return GzipCodec(level=1)
    raise ValueError(f"unknown codec {codec!r}")


@dataclass
class Dataset:
    """The stored objects of the array at DATASET_PATH, and its zarr.json for new arrays."""

    data: np.ndarray
    layout: Layout
    codec: str
    objects: dict[str, bytes]
    metadata: bytes  # the array's zarr.json: copying it to a new path creates an empty twin

    @property
    def stored_bytes(self) -> int:
        return sum(len(v) for k, v in self.objects.items() if not k.endswith("zarr.json"))


def build_dataset(data: np.ndarray, layout: Layout, codec: str) -> Dataset:
    """Writes `data` with zarr-python's default pipeline into a MemoryStore and returns its
    objects: a neutral writer, so no implementation reads data laid out by itself."""
    import zarr
    from zarr.core.sync import sync
    from zarr.storage import MemoryStore

    store = MemoryStore()
    shape = data.shape
    inner = (layout.unit,) * len(shape)
    shards = (layout.chunk,) * len(shape) if layout.sharded else None
    with zarr.config.set({"codec_pipeline.path": "zarr.core.codec_pipeline.BatchedCodecPipeline"}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zarr's notes on sharding/partial reads
            array = zarr.create_array(
                store, name=DATASET_PATH, shape=shape, chunks=inner, shards=shards,
                dtype=data.dtype, compressors=_compressors(codec), fill_value=0,
                write_data=True,
            )  # fmt: skip
        array[...] = data

    async def collect() -> dict[str, bytes]:
        from zarr.core.buffer import default_buffer_prototype

        objects = {}
        async for key in store.list():
            buffer = await store.get(key, prototype=default_buffer_prototype())
            if buffer is not None:
                objects[key] = buffer.to_bytes()
        return objects

    objects = sync(collect())
    objects.pop("zarr.json", None)  # the root group zarr-python adds; nobody reads it
    metadata = objects[f"{DATASET_PATH}/zarr.json"]
    json.loads(metadata)  # it must be a document; fail here rather than in a peer
    return Dataset(data, layout, codec, objects, metadata)


def grid_regions(shape: tuple[int, ...], edge: int) -> list[Region]:
    """Every cell of a regular grid of `edge` over `shape`, clipped to the array, C order."""
    ranges = [range(0, extent, edge) for extent in shape]
    return [
        tuple(slice(s, min(s + edge, extent)) for s, extent in zip(starts, shape, strict=True))
        for starts in itertools.product(*ranges)
    ]


def sample(regions: list[Region], limit: int) -> list[Region]:
    """At most `limit` regions, evenly spaced: the same sample for every implementation."""
    if len(regions) <= limit:
        return regions
    picks = np.linspace(0, len(regions) - 1, limit).round().astype(int)
    return [regions[i] for i in picks]


def partial_box(layout: Layout, shape: tuple[int, ...]) -> Region:
    """A box inside the first shard (or chunk) that cuts through a few subchunks without being
    aligned to any: from half a subchunk in, two subchunks long on each axis."""
    unit = layout.unit if layout.sharded else max(1, layout.chunk // 4)
    start = unit // 2
    stop = [min(start + 2 * unit, layout.chunk, extent) for extent in shape]
    return tuple(slice(start, s) for s in stop)


def touched_units_bytes(layout: Layout, box: Region, itemsize: int) -> int:
    """Decoded bytes of the subchunks (or the chunk) a partial write must decode and re-encode."""
    unit = layout.unit
    count = 1
    for axis in box:
        count *= (axis.stop - 1) // unit - axis.start // unit + 1
    return count * unit ** len(box) * itemsize
