"""The Python face of the native core: metadata, codec chains, stores and error classes."""

import json

import numcodecs
import numpy as np
import pytest

import zarrphase
from zarrphase.chunks import decode_chunk

ARRAY_DOC = {
    "zarr_format": 3,
    "node_type": "array",
    "shape": [10, 7],
    "data_type": "int32",
    "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4, 4]}},
    "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
    "fill_value": -5,
    "codecs": [
        {"name": "bytes", "configuration": {"endian": "big"}},
        {"name": "zstd", "configuration": {"level": 1, "checksum": True}},
    ],
    "attributes": {"answer": 42},
}


def test_metadata_round_trip_and_accessors() -> None:
    meta = zarrphase.ArrayMetadata.from_json(json.dumps(ARRAY_DOC))
    assert meta.shape == [10, 7]
    assert meta.chunk_shape == [4, 4]
    assert meta.grid_shape == [3, 2]
    assert meta.data_type.name == "int32"
    assert np.frombuffer(meta.fill_value_bytes, dtype=np.int32)[0] == -5
    assert meta.chunk_key([2, 1]) == "c/2/1"
    written = json.loads(meta.to_json())
    assert written["fill_value"] == -5
    assert written["attributes"] == {"answer": 42}
    again = zarrphase.ArrayMetadata.from_json(meta.to_json())
    assert json.loads(again.to_json()) == written


def test_malformed_metadata_raises_invalid_metadata_naming_the_field() -> None:
    bad = dict(ARRAY_DOC, fill_value="not a number")
    with pytest.raises(zarrphase.InvalidMetadataError, match="fill_value") as info:
        zarrphase.ArrayMetadata.from_json(json.dumps(bad))
    assert isinstance(info.value, ValueError)
    with pytest.raises(zarrphase.InvalidMetadataError, match=r"zarr\.json"):
        zarrphase.ArrayMetadata.from_json("{not json")


def test_unsupported_dtype_is_a_distinct_error() -> None:
    doc = dict(ARRAY_DOC, data_type="string", fill_value="")
    with pytest.raises(zarrphase.UnsupportedError) as info:
        zarrphase.ArrayMetadata.from_json(json.dumps(doc))
    assert isinstance(info.value, NotImplementedError)


def test_codec_chain_matches_numcodecs_and_round_trips() -> None:
    meta = zarrphase.ArrayMetadata.from_json(json.dumps(ARRAY_DOC))
    chain = zarrphase.CodecChain.for_array(meta)
    chunk = np.arange(16, dtype=np.int32).reshape(4, 4)
    encoded = chain.encode(chunk)
    # What zarr-python stores for this chunk: big-endian bytes through numcodecs' Zstd.
    expected = numcodecs.Zstd(level=1, checksum=True).encode(chunk.astype(">i4").tobytes())
    assert encoded == bytes(expected)
    np.testing.assert_array_equal(decode_chunk(chain, encoded), chunk)


def test_fixed_size_chain_reports_its_encoded_size() -> None:
    chain = zarrphase.CodecChain.from_json(
        json.dumps([{"name": "bytes", "configuration": {"endian": "little"}}, "crc32c"]),
        "float64",
        [3, 5],
    )
    assert chain.encoded_size == 3 * 5 * 8 + 4


def test_checksum_mismatch_and_corrupt_data_errors() -> None:
    chain = zarrphase.CodecChain.from_json(
        json.dumps([{"name": "bytes", "configuration": {"endian": "little"}}, "crc32c"]),
        "uint8",
        [8],
    )
    encoded = bytearray(chain.encode(np.arange(8, dtype=np.uint8)))
    encoded[0] ^= 0xFF
    with pytest.raises(zarrphase.ChecksumMismatchError, match="crc32c"):
        decode_chunk(chain, bytes(encoded))
    assert issubclass(zarrphase.ChecksumMismatchError, zarrphase.CorruptDataError)
    with pytest.raises(zarrphase.CorruptDataError):
        decode_chunk(chain, b"\x01")


def test_decode_into_checks_the_output_array() -> None:
    chain = zarrphase.CodecChain.from_json(
        json.dumps([{"name": "bytes", "configuration": {"endian": "little"}}]), "uint16", [4]
    )
    encoded = chain.encode(np.arange(4, dtype=np.uint16))
    with pytest.raises(zarrphase.InvalidArgumentError, match="dtype"):
        chain.decode_into(encoded, np.empty(4, dtype=np.int16))
    with pytest.raises(zarrphase.InvalidArgumentError, match="bytes"):
        chain.decode_into(encoded, np.empty(5, dtype=np.uint16))


@pytest.mark.parametrize("kind", ["memory", "filesystem"])
def test_stores(kind: str, tmp_path) -> None:
    store = (
        zarrphase.memory_store() if kind == "memory" else zarrphase.filesystem_store(str(tmp_path))
    )
    assert store.get("a/b") is None
    store.set("a/b", b"0123456789")
    store.set("a/c", b"x")
    assert store.get("a/b") == b"0123456789"
    assert store.get("a/b", zarrphase.ByteRange.range(2, 3)) == b"234"
    assert store.get("a/b", zarrphase.ByteRange.suffix(4)) == b"6789"
    assert store.get("a/b", zarrphase.ByteRange.from_offset(8)) == b"89"
    assert store.size("a/b") == 10
    assert store.list("a/") == ["a/b", "a/c"]
    store.erase("a/b")
    assert not store.exists("a/b")
    for key in ["../escape", "/abs", "a//b", "a/./b", "a\\b", ""]:
        with pytest.raises(zarrphase.InvalidKeyError):
            store.get(key)
