"""Cross-implementation checks against code nobody here wrote: arrays written by tensorstore and by
zarrs-python read exactly through zarrphase (its pipeline in zarr-python and its own Array API),
and arrays zarrphase writes read exactly through both."""

from pathlib import Path

import numpy as np
import pytest
import tensorstore as ts
import zarr

import zarrphase

PHASED = "zarrphase.PhasedCodecPipeline"
ZARRS = "zarrs.ZarrsCodecPipeline"

BYTES = {"name": "bytes", "configuration": {"endian": "little"}}
INNER = {
    "plain": [BYTES],
    "zstd": [BYTES, {"name": "zstd", "configuration": {"level": 3, "checksum": False}}],
    "gzip+crc32c": [BYTES, {"name": "gzip", "configuration": {"level": 5}}, {"name": "crc32c"}],
}
INDEX = [BYTES, {"name": "crc32c"}]


def sample(shape: tuple[int, ...], dtype: str, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 1000, size=shape)
    return values.astype(dtype)


def codecs(inner: str, sharded: bool, index_location: str = "end") -> list[dict]:
    if not sharded:
        return INNER[inner]
    config = {
        "chunk_shape": [4, 5],
        "codecs": INNER[inner],
        "index_codecs": INDEX,
        "index_location": index_location,
    }
    return [{"name": "sharding_indexed", "configuration": config}]


def tensorstore_spec(path: Path, data: np.ndarray, codec_list: list[dict]) -> dict:
    return {
        "driver": "zarr3",
        "kvstore": {"driver": "file", "path": str(path)},
        "metadata": {
            "shape": list(data.shape),
            "data_type": str(data.dtype),
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [8, 10]}},
            "codecs": codec_list,
        },
        "create": True,
    }


def read_through_pipeline(path: Path, pipeline: str) -> np.ndarray:
    with zarr.config.set({"codec_pipeline.path": pipeline}):
        array = zarr.open_array(str(path), mode="r")
        assert type(array._async_array.codec_pipeline).__name__ in pipeline
        return array[...]


LAYOUTS = [
    ("plain", False, "end"),
    ("zstd", False, "end"),
    ("zstd", True, "end"),
    ("zstd", True, "start"),
    ("gzip+crc32c", True, "end"),
    ("plain", True, "end"),
]


@pytest.mark.parametrize(("inner", "sharded", "index_location"), LAYOUTS)
@pytest.mark.parametrize("dtype", ["uint16", "int64", "float32"])
def test_reads_what_tensorstore_writes(
    tmp_path: Path, inner: str, sharded: bool, index_location: str, dtype: str
) -> None:
    data = sample((24, 20), dtype)
    spec = tensorstore_spec(tmp_path / "ts", data, codecs(inner, sharded, index_location))
    store = ts.open(spec).result()
    store[...] = data
    store[3:5, 7:9] = 0  # leave an all-fill region: missing chunks or subchunks where it is whole
    expected = data.copy()
    expected[3:5, 7:9] = 0
    np.testing.assert_array_equal(read_through_pipeline(tmp_path / "ts", PHASED), expected)
    np.testing.assert_array_equal(zarrphase.open_array(tmp_path / "ts")[...], expected)


@pytest.mark.parametrize(("inner", "sharded", "index_location"), LAYOUTS)
def test_tensorstore_reads_what_zarrphase_writes(
    tmp_path: Path, inner: str, sharded: bool, index_location: str
) -> None:
    data = sample((24, 20), "uint16", seed=1)
    document = {
        "zarr_format": 3,
        "node_type": "array",
        "shape": list(data.shape),
        "data_type": "uint16",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [8, 10]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0,
        "codecs": codecs(inner, sharded, index_location),
        "attributes": {},
    }
    ours = zarrphase.create_array(tmp_path, "ours", document)
    ours[...] = data
    ours[2:9, 3] = 7  # a partial write on top: read-modify-write of chunks and shards
    data[2:9, 3] = 7
    store = ts.open(
        {"driver": "zarr3", "kvstore": {"driver": "file", "path": str(tmp_path / "ours")}}
    )
    np.testing.assert_array_equal(store.result().read().result(), data)


@pytest.mark.parametrize("shards", [None, (8, 10)])
@pytest.mark.parametrize("compressor", ["zstd", "none"])
def test_reads_what_zarrs_python_writes(
    tmp_path: Path, shards: tuple[int, int] | None, compressor: str
) -> None:
    data = sample((24, 20), "int32", seed=2)
    compressors = None if compressor == "none" else zarr.codecs.ZstdCodec(level=3)
    with zarr.config.set({"codec_pipeline.path": ZARRS}):
        array = zarr.create_array(
            str(tmp_path / "zs"), shape=data.shape, chunks=(4, 5), shards=shards,
            dtype=data.dtype, compressors=compressors,
        )  # fmt: skip
        assert type(array._async_array.codec_pipeline).__name__ == "ZarrsCodecPipeline"
        array[...] = data
        array[5:7, :] = 0
    data[5:7, :] = 0
    np.testing.assert_array_equal(read_through_pipeline(tmp_path / "zs", PHASED), data)
    np.testing.assert_array_equal(zarrphase.open_array(tmp_path / "zs")[...], data)


@pytest.mark.parametrize("shards", [None, (8, 10)])
def test_zarrs_python_reads_what_zarrphase_writes(
    tmp_path: Path, shards: tuple[int, int] | None
) -> None:
    data = sample((24, 20), "float64", seed=3)
    with zarr.config.set({"codec_pipeline.path": PHASED}):
        array = zarr.create_array(
            str(tmp_path / "ours"), shape=data.shape, chunks=(4, 5), shards=shards,
            dtype=data.dtype,
        )  # fmt: skip
        array[...] = data
        array[::3, 1::4] = -1.5
    data[::3, 1::4] = -1.5
    np.testing.assert_array_equal(read_through_pipeline(tmp_path / "ours", ZARRS), data)
