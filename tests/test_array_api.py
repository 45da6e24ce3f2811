"""zarrphase.Array: numpy-style reads and writes through the native engine, checked against a
plain numpy model and against zarr-python reading the same store."""

from pathlib import Path

import numpy as np
import pytest
import zarr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zarrphase

BYTES = {"name": "bytes", "configuration": {"endian": "little"}}
ZSTD = {"name": "zstd", "configuration": {"level": 1, "checksum": False}}


def document(
    shape: tuple[int, ...], chunks: tuple[int, ...], codecs: list[dict], dtype: str = "uint16"
) -> dict:
    return {
        "zarr_format": 3,
        "node_type": "array",
        "shape": list(shape),
        "data_type": dtype,
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunks)}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0,
        "codecs": codecs,
        "attributes": {},
    }


def sharded(subchunks: tuple[int, ...], inner: list[dict]) -> list[dict]:
    index = [BYTES, {"name": "crc32c"}]
    config = {"chunk_shape": list(subchunks), "codecs": inner, "index_codecs": index}
    return [{"name": "sharding_indexed", "configuration": config}]


def test_whole_array_round_trip_is_what_zarr_python_reads(tmp_path: Path) -> None:
    data = np.arange(20 * 18, dtype=np.uint16).reshape(20, 18)
    array = zarrphase.create_array(
        tmp_path, "a", document((20, 18), (8, 6), sharded((4, 3), [BYTES, ZSTD]))
    )
    array[...] = data
    np.testing.assert_array_equal(array[...], data)
    np.testing.assert_array_equal(zarr.open_array(str(tmp_path / "a"), mode="r")[...], data)


def test_scalar_writes_broadcast(tmp_path: Path) -> None:
    array = zarrphase.create_array(tmp_path, "", document((10, 10), (4, 4), [BYTES, ZSTD]))
    array[2:7, 3] = 9
    expected = np.zeros((10, 10), np.uint16)
    expected[2:7, 3] = 9
    np.testing.assert_array_equal(array[...], expected)
    array[1, :] = np.arange(10)
    expected[1, :] = np.arange(10)
    np.testing.assert_array_equal(array[...], expected)
    np.testing.assert_array_equal(array[1], expected[1])
    assert array[4, 3] == 9


@st.composite
def basic_selections(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple:
    items = []
    for extent in shape:
        if draw(st.booleans()) and extent > 0:
            items.append(draw(st.integers(-extent, extent - 1)))
        else:
            start = draw(st.integers(0, extent))
            stop = draw(st.integers(start, extent))
            items.append(slice(start, stop, draw(st.integers(1, 4))))
    return tuple(items)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_property_selections_match_numpy(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    shape = (data.draw(st.integers(1, 14)), data.draw(st.integers(1, 14)))
    chunks = (data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6)))
    layout = data.draw(st.sampled_from(["plain", "zstd", "sharded"]))
    codecs = {
        "plain": [BYTES],
        "zstd": [BYTES, ZSTD],
        "sharded": sharded((1, chunks[1]), [BYTES, ZSTD]),  # a row of each shard per subchunk
    }[layout]
    root = tmp_path_factory.mktemp("sel")
    array = zarrphase.create_array(root, "", document(shape, chunks, codecs))
    model = np.zeros(shape, np.uint16)
    for _ in range(3):
        selection = data.draw(basic_selections(shape))
        value = np.random.default_rng(len(str(selection))).integers(0, 1000, model[selection].shape)
        array[selection] = value
        model[selection] = value
        np.testing.assert_array_equal(array[...], model)
        read_selection = data.draw(basic_selections(shape))
        np.testing.assert_array_equal(array[read_selection], model[read_selection])
    np.testing.assert_array_equal(zarr.open_array(str(root), mode="r")[...], model)


def test_memory_store_groups_and_resize() -> None:
    store = zarrphase.memory_store()
    root = zarrphase.Group.create(store)
    zarrphase.create_array(store, "x", document((6,), (2,), [BYTES]))[...] = np.arange(6)
    root.create_group("g")
    assert root.children() == [("g", "group"), ("x", "array")]
    array = zarrphase.open_array(store, "x")
    array.resize((3,))
    assert zarrphase.open_array(store, "x").shape == (3,)
    np.testing.assert_array_equal(array[...], [0, 1, 2])
    assert store.list("x/c/") == ["x/c/0", "x/c/1"]


def test_errors_are_clear(tmp_path: Path) -> None:
    array = zarrphase.create_array(tmp_path, "a", document((4,), (2,), [BYTES, ZSTD]))
    array[...] = np.arange(4)
    with pytest.raises(IndexError, match="out of bounds"):
        array[4]
    with pytest.raises(IndexError, match="positive slice steps"):
        array[::-1]
    (tmp_path / "a" / "c" / "1").write_bytes(b"garbage")
    with pytest.raises(zarrphase.CorruptDataError, match="c/1"):
        array[...]
    np.testing.assert_array_equal(array[:2], [0, 1])
    with pytest.raises(zarrphase.InvalidArgumentError, match="no Zarr array"):
        zarrphase.open_array(tmp_path, "missing")
