"""`zarrphase info`: metadata, codec chains, grid counts, stored bytes and ratios of v2, v3,
sharded arrays and groups, as text and as JSON; clear errors for bad paths and broken metadata."""

import json
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr
from zarr.codecs import BytesCodec, Crc32cCodec, ZstdCodec

from zarrphase.cli import main


def _info(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["info", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _stored_bytes(folder: Path) -> int:
    metadata = {"zarr.json", ".zarray", ".zattrs", ".zgroup"}
    return sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name not in metadata
    )


@pytest.fixture
def v2_array(tmp_path: Path) -> Path:
    path = tmp_path / "v2.zarr"
    array = zarr.create_array(
        str(path),
        shape=(50, 40),
        chunks=(10, 10),
        dtype="<i4",
        zarr_format=2,
        compressors=numcodecs.Zstd(level=1),
        fill_value=7,
        attributes={"units": "m"},
    )
    array[:30, :] = np.arange(30 * 40).reshape(30, 40)  # rows 30.. stay unwritten
    return path


@pytest.fixture
def sharded_array(tmp_path: Path) -> Path:
    path = tmp_path / "sharded.zarr"
    array = zarr.create_array(
        str(path),
        shape=(64, 64),
        chunks=(16, 16),
        shards=(32, 32),
        dtype="uint16",
        serializer=BytesCodec(),
        compressors=[ZstdCodec(level=2), Crc32cCodec()],
    )
    array[:16, :48] = 1  # three subchunks, in two shards
    return path


def test_v2_array_text(v2_array: Path, capsys) -> None:
    status, out, _ = _info(capsys, str(v2_array))
    assert status == 0
    assert "(Zarr v2)" in out
    assert "shape          (50, 40)" in out
    assert "data type      <i4" in out
    assert "fill value     7" in out
    assert "chunks         (10, 10): 20 in a 5 x 4 grid, 12 stored" in out
    assert "zstd(level=1)" in out
    assert '"units": "m"' in out


def test_v2_array_json_counts_bytes_and_ratio(v2_array: Path, capsys) -> None:
    status, out, _ = _info(capsys, "--json", str(v2_array))
    assert status == 0
    doc = json.loads(out)
    assert doc["zarr_format"] == 2
    assert doc["shape"] == [50, 40]
    assert doc["chunks"] == {"shape": [10, 10], "grid": [5, 4], "count": 20, "stored": 12}
    assert doc["shards"] is None
    assert doc["stored_bytes"] == _stored_bytes(v2_array)
    assert doc["nbytes"] == 50 * 40 * 4
    assert doc["compression_ratio"] == pytest.approx(doc["nbytes"] / doc["stored_bytes"])
    assert doc["codecs"]["compressor"] == {"id": "zstd", "level": 1}
    assert doc["attributes"] == {"units": "m"}
    assert doc["problems"] == []


def test_sharded_array_shows_inner_chain_and_counts_subchunks(sharded_array: Path, capsys) -> None:
    status, out, _ = _info(capsys, str(sharded_array))
    assert status == 0
    assert "chunks         (16, 16): 16 in a 4 x 4 grid, 3 stored" in out
    assert "shards         (32, 32): 4 in a 2 x 2 grid, 2 stored" in out
    assert "codecs         sharding_indexed(chunk_shape=16x16, index_location=end)" in out
    assert "inner: bytes(endian=little) -> zstd(level=2, checksum=false) -> crc32c" in out
    assert "index: bytes(endian=little) -> crc32c" in out

    _, out, _ = _info(capsys, "--json", str(sharded_array))
    doc = json.loads(out)
    assert doc["chunks"]["stored"] == 3
    assert doc["shards"] == {"shape": [32, 32], "grid": [2, 2], "count": 4, "stored": 2}
    assert doc["stored_bytes"] == _stored_bytes(sharded_array)
    assert doc["codecs"][0]["name"] == "sharding_indexed"


def test_v3_unsharded_array(tmp_path: Path, capsys) -> None:
    path = tmp_path / "v3.zarr"
    array = zarr.create_array(
        str(path), shape=(10,), chunks=(4,), dtype="float64", dimension_names=["t"]
    )
    array[...] = np.arange(10.0)
    status, out, _ = _info(capsys, "--json", str(path))
    doc = json.loads(out)
    assert status == 0
    assert doc["zarr_format"] == 3
    assert doc["data_type"] == "float64"
    assert doc["dimension_names"] == ["t"]
    assert doc["chunks"] == {"shape": [4], "grid": [3], "count": 3, "stored": 3}
    assert doc["codecs_short"] == "bytes>zstd"


def test_group_lists_members_recursively(tmp_path: Path, capsys) -> None:
    path = tmp_path / "group.zarr"
    root = zarr.open_group(str(path), mode="w", zarr_format=2, attributes={"title": "x"})
    root.create_array("a", shape=(8,), chunks=(4,), dtype="i2")[...] = 1
    sub = root.create_group("sub")
    sub.create_array("b", shape=(6, 6), chunks=(3, 3), dtype="f4")[...] = 2.0
    sub.create_array("names", shape=(3,), chunks=(2,), dtype=str)[...] = np.array(["x", "y", "z"])

    status, out, _ = _info(capsys, str(path))
    assert status == 0
    assert out.startswith(f"group  {path}  (Zarr v2)")
    assert "3 arrays and 1 groups, recursively" in out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["PATH", "SHAPE"])
    rows = [line.split()[0] for line in lines[header + 1 :] if line.strip()]
    assert rows == ["a", "sub/", "sub/b", "sub/names"]
    row_b = next(line for line in lines if line.split()[:1] == ["sub/b"])
    assert "(6, 6)" in row_b
    assert "(3, 3)" in row_b

    _, out, _ = _info(capsys, "--json", str(path))
    doc = json.loads(out)
    assert doc["node_type"] == "group"
    assert doc["attributes"] == {"title": "x"}
    members = {m["path"]: m for m in doc["members"]}
    assert set(members) == {"a", "sub", "sub/b", "sub/names"}
    assert members["sub/b"]["chunks"]["stored"] == 4
    assert members["sub/names"]["nbytes"] is None  # variable-length strings
    assert doc["stored_bytes"] == sum(m.get("stored_bytes", 0) for m in doc["members"])


def test_broken_member_metadata_is_reported_with_its_key(tmp_path: Path, capsys) -> None:
    path = tmp_path / "group.zarr"
    root = zarr.open_group(str(path), mode="w")
    root.create_array("good", shape=(4,), chunks=(2,), dtype="i1")[...] = 3
    root.create_array("bad", shape=(4,), chunks=(2,), dtype="i1")
    (path / "bad" / "zarr.json").write_text("{not json")
    status, out, _ = _info(capsys, str(path))
    assert status == 1
    assert "bad/zarr.json: cannot be read as JSON" in out
    assert "good" in out


@pytest.mark.parametrize("make", ["missing", "file", "plain folder"])
def test_bad_paths_exit_2_with_a_message(tmp_path: Path, capsys, make: str) -> None:
    path = tmp_path / "target"
    if make == "file":
        path.write_text("x")
    elif make == "plain folder":
        path.mkdir()
    status, out, err = _info(capsys, str(path))
    assert status == 2
    assert out == ""
    assert err.startswith(f"zarrphase info: {path}")
    assert "Traceback" not in err


def test_help_has_a_description_and_examples(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["info", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "zarrphase info data.zarr" in out
