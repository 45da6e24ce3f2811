"""Writes shard-layout fixtures in cpp/tests/golden/engine/ with zarr-python's subchunk orders.

Each case creates a sharded array in a MemoryStore with
`ShardingCodec(..., subchunk_write_order=<order>)`, then runs its steps: a full write of the
whole array, then a partial write of a region that cuts through subchunks and shards. After
every step the bytes of every stored key are saved, so the engine can replay the same writes
and must produce byte-identical shards (and the same set of keys).

manifest.json lists the cases: codecs (as zarr.json holds them), data type, array shape, shard
shape, fill value, order, and per step the region ([start, stop] per dimension), the file with
the written values (C order, little-endian) and the stored keys with their files.

Run from the repository root: .venv/bin/python cpp/tests/golden/generate_engine_layouts.py
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import zarr
from zarr.codecs import BytesCodec, Crc32cCodec, ShardingCodec
from zarr.storage import MemoryStore

OUT_DIR = Path(__file__).resolve().parent / "engine"
ORDERS = ("morton", "lexicographic", "colexicographic")


@dataclass
class Step:
    region: list[tuple[int, int]]
    values: np.ndarray


def full_values(shape: tuple[int, ...], fill: int) -> np.ndarray:
    data = (np.arange(int(np.prod(shape)), dtype="<i4").reshape(shape) * 7 - 50).astype("<i4")
    # A block of fill values wide enough to empty whole subchunks, which zarr-python leaves out.
    data[0:4, 0:4] = fill
    return data


def partial_values(region: list[tuple[int, int]]) -> np.ndarray:
    shape = tuple(stop - start for start, stop in region)
    return (np.arange(int(np.prod(shape)), dtype="<i4").reshape(shape) + 1000).astype("<i4")


def run_case(
    name: str,
    order: str,
    index_location: str,
    manifest: list[dict[str, Any]],
    *,
    nested: bool = False,
    write_empty_chunks: bool = False,
) -> None:
    shape = (10, 9)
    shard_shape = (8, 6)  # a 4 x 3 grid of 2 x 2 subchunks; ragged shards at both edges
    fill = -1
    index_codecs = [BytesCodec(endian="little"), Crc32cCodec()]
    inner_codecs: list[Any] = [BytesCodec(endian="little"), Crc32cCodec()]
    chunk_shape = (2, 2)
    if nested:
        # Inner shards of 4 x 2 (a 2 x 3 grid per shard) holding 2 x 1 subchunks. The inner
        # codec keeps zarr-python's default (morton) order.
        inner_codecs = [
            ShardingCodec(chunk_shape=(2, 1), codecs=inner_codecs, index_codecs=index_codecs)
        ]
        chunk_shape = (4, 2)
    sharding = ShardingCodec(
        chunk_shape=chunk_shape,
        codecs=inner_codecs,
        index_codecs=index_codecs,
        index_location=index_location,
        subchunk_write_order=order,
    )
    store = MemoryStore()
    array = zarr.create_array(
        store,
        shape=shape,
        dtype="int32",
        chunks=shard_shape,
        serializer=sharding,
        compressors=None,
        fill_value=fill,
        config={"write_empty_chunks": write_empty_chunks},
    )
    partial_region = [(1, 7), (2, 8)]
    steps = [
        Step([(0, shape[0]), (0, shape[1])], full_values(shape, fill)),
        Step(partial_region, partial_values(partial_region)),
    ]
    metadata = json.loads(store._store_dict["zarr.json"].to_bytes())
    case: dict[str, Any] = {
        "name": name,
        "codecs": metadata["codecs"],
        "data_type": "int32",
        "shape": list(shape),
        "chunk_shape": list(shard_shape),
        "fill_value": fill,
        "order": order,
        "write_empty_chunks": write_empty_chunks,
        "steps": [],
    }
    for number, step in enumerate(steps):
        selection = tuple(slice(start, stop) for start, stop in step.region)
        array[selection] = step.values
        prefix = f"{name}.step{number}"
        values_file = f"{prefix}.values.bin"
        (OUT_DIR / values_file).write_bytes(step.values.astype("<i4").tobytes())
        keys: dict[str, str] = {}
        for key in sorted(store._store_dict):
            if key == "zarr.json":
                continue
            key_file = f"{prefix}.{key.replace('/', '.')}.bin"
            (OUT_DIR / key_file).write_bytes(store._store_dict[key].to_bytes())
            keys[key] = key_file
        case["steps"].append(
            {"region": [list(r) for r in step.region], "values": values_file, "keys": keys}
        )
    manifest.append(case)


def main() -> None:
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    OUT_DIR.mkdir()
    manifest: list[dict[str, Any]] = []
    for order in ORDERS:
        run_case(f"int32_{order}_index_end", order, "end", manifest)
    run_case("int32_colexicographic_index_start", "colexicographic", "start", manifest)
    run_case("int32_morton_index_start", "morton", "start", manifest)
    run_case("int32_nested_morton", "morton", "end", manifest, nested=True)
    run_case(
        "int32_lexicographic_write_empty", "lexicographic", "end", manifest, write_empty_chunks=True
    )
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
