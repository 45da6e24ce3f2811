"""Writes sharding fixtures with zarr-python for sharding_codec_test.cc.

Run from the repository root with the project venv:
    .venv/bin/python cpp/tests/golden/generate_sharding.py

For each case, cpp/tests/golden/sharding/<case>.json holds the array's codecs as zarr-python
writes them, <case>.input.bin the array's data (C order, little-endian) and <case>.shard.bin
the bytes of shard c/0/0 (the only shard).
"""

import json
import pathlib

import numpy as np
import zarr
from zarr.codecs import BytesCodec, Crc32cCodec, ShardingCodec, TransposeCodec
from zarr.storage import MemoryStore

OUT = pathlib.Path(__file__).parent / "sharding"


def uint16_4x4() -> np.ndarray:
    data = np.arange(1, 17, dtype="<u2").reshape(4, 4) * 257
    data[2:4, 0:2] = 0  # subchunk (1, 0) is all fill value: zarr-python leaves it out
    return data


def write_case(name: str, data: np.ndarray, sharding: ShardingCodec, fill_value: int = 0) -> None:
    store = MemoryStore()
    array = zarr.create_array(
        store,
        shape=data.shape,
        dtype=data.dtype,
        chunks=data.shape,  # one shard: the outer chunk is the whole array
        serializer=sharding,
        compressors=None,
        fill_value=fill_value,
    )
    array[...] = data
    metadata = json.loads(store._store_dict["zarr.json"].to_bytes())
    shard = store._store_dict["c/0/0"].to_bytes()
    (OUT / f"{name}.json").write_text(json.dumps(metadata["codecs"], indent=2) + "\n")
    (OUT / f"{name}.input.bin").write_bytes(data.astype(data.dtype.newbyteorder("<")).tobytes())
    (OUT / f"{name}.shard.bin").write_bytes(shard)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    index_codecs = [BytesCodec(endian="little"), Crc32cCodec()]
    for location in ("end", "start"):
        write_case(
            f"uint16_4x4_index_{location}",
            uint16_4x4(),
            ShardingCodec(
                chunk_shape=(2, 2),
                codecs=[BytesCodec(endian="little")],
                index_codecs=index_codecs,
                index_location=location,
            ),
        )
    # Morton order on a non-square grid (3 x 5 subchunks), big-endian subchunks with checksums
    # and a transpose, plus a non-zero fill value.
    data = (np.arange(6 * 10, dtype="<i4").reshape(6, 10) * 7 - 100).astype("<i4")
    data[0:2, 4:6] = -1
    write_case(
        "int32_6x10_morton",
        data,
        ShardingCodec(
            chunk_shape=(2, 2),
            codecs=[TransposeCodec(order=(1, 0)), BytesCodec(endian="big"), Crc32cCodec()],
            index_codecs=index_codecs,
            index_location="end",
        ),
        fill_value=-1,
    )


if __name__ == "__main__":
    main()
