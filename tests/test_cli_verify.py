"""`zarrphase verify`: every stored chunk and subchunk is decoded; corrupted subchunks, truncated
shards, bad shard index entries and corrupted plain chunks are listed with their key (exit 1);
clean arrays and groups exit 0; metadata problems are reported; bad paths exit 2."""

import json
import struct
from pathlib import Path

import google_crc32c
import numcodecs
import numpy as np
import pytest
import zarr
from zarr.codecs import BytesCodec, Crc32cCodec, ZstdCodec

from zarrphase.cli import main

SUBCHUNKS_PER_SHARD = 4
INDEX_BYTES = 16 * SUBCHUNKS_PER_SHARD + 4  # (offset, nbytes) per subchunk, then a crc32c


def _verify(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["verify", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _damaged(out: str) -> dict[str, str]:
    """DAMAGED lines of the text report, by key."""
    found = {}
    for line in out.splitlines():
        if line.startswith("DAMAGED  "):
            key, reason = line.removeprefix("DAMAGED  ").split(": ", 1)
            found[key] = reason
    return found


def _sharded(path: Path) -> Path:
    array = zarr.create_array(
        str(path),
        shape=(64, 64),
        chunks=(16, 16),
        shards=(32, 32),
        dtype="uint16",
        serializer=BytesCodec(),
        compressors=[ZstdCodec(), Crc32cCodec()],
    )
    array[...] = np.arange(64 * 64, dtype="uint16").reshape(64, 64)
    return path


def _rewrite_index(shard: Path, change) -> None:
    """Applies `change(entries, shard_size)` to a shard's index and re-signs it (valid crc32c),
    so only the entries themselves are wrong."""
    data = bytearray(shard.read_bytes())
    entries = [
        list(struct.unpack_from("<QQ", data, len(data) - INDEX_BYTES + 16 * i))
        for i in range(SUBCHUNKS_PER_SHARD)
    ]
    change(entries, len(data))
    index = b"".join(struct.pack("<QQ", *entry) for entry in entries)
    data[-INDEX_BYTES:] = index + struct.pack("<I", google_crc32c.value(index))
    shard.write_bytes(bytes(data))


def test_clean_sharded_array_exits_0(tmp_path: Path, capsys) -> None:
    path = _sharded(tmp_path / "a.zarr")
    status, out, _ = _verify(capsys, str(path))
    assert status == 0
    assert "4 objects decoded by native" in out
    assert "checksums verified" in out
    assert out.rstrip().endswith("result: clean")


def test_every_kind_of_shard_damage_is_listed_with_its_key(tmp_path: Path, capsys) -> None:
    path = _sharded(tmp_path / "a.zarr")
    # A flipped byte inside the first subchunk (which carries a crc32c).
    shard = path / "c/0/0"
    data = bytearray(shard.read_bytes())
    data[12] ^= 0xFF
    shard.write_bytes(bytes(data))
    # A truncated shard.
    shard = path / "c/0/1"
    shard.write_bytes(shard.read_bytes()[:-40])

    # An index entry pointing past the end of the shard.
    def past_end(entries: list[list[int]], size: int) -> None:
        entries[1][0] = size + 100

    _rewrite_index(path / "c/1/0", past_end)

    # An index entry pointing into the index itself (inside the file).
    def into_index(entries: list[list[int]], size: int) -> None:
        entries[2] = [size - INDEX_BYTES + 8, 16]

    _rewrite_index(path / "c/1/1", into_index)

    status, out, _ = _verify(capsys, str(path))
    assert status == 1
    damaged = _damaged(out)
    assert set(damaged) == {"c/0/0", "c/0/1", "c/1/0", "c/1/1"}
    assert "checksum mismatch" in damaged["c/0/0"]
    assert "subchunk [0, 0]" in damaged["c/0/0"]
    assert "shard index" in damaged["c/0/1"]
    assert "index entry 1 (subchunk [0, 1])" in damaged["c/1/0"]
    assert "past the end" in damaged["c/1/0"]
    assert "subchunk [1, 0]" in damaged["c/1/1"]
    assert "inside the shard's own index" in damaged["c/1/1"]
    assert "result: 4 damaged keys" in out


def test_corrupted_plain_chunks_v3_and_v2(tmp_path: Path, capsys) -> None:
    v3 = tmp_path / "v3.zarr"
    array = zarr.create_array(
        str(v3), shape=(40,), chunks=(10,), dtype="f8", compressors=[Crc32cCodec()]
    )
    array[...] = np.arange(40.0)
    data = bytearray((v3 / "c/2").read_bytes())
    data[5] ^= 0x01
    (v3 / "c/2").write_bytes(bytes(data))
    status, out, _ = _verify(capsys, str(v3))
    assert status == 1
    assert set(_damaged(out)) == {"c/2"}
    assert "checksum mismatch" in _damaged(out)["c/2"]

    v2 = tmp_path / "v2.zarr"
    array = zarr.create_array(
        str(v2), shape=(40,), chunks=(10,), dtype="f8", zarr_format=2, compressors=numcodecs.Zstd()
    )
    array[...] = np.arange(40.0)
    (v2 / "1").write_bytes((v2 / "1").read_bytes()[:-3])
    (v2 / "3").write_bytes(b"")
    status, out, _ = _verify(capsys, str(v2))
    assert status == 1
    assert set(_damaged(out)) == {"1", "3"}
    assert "no checksums, decoding checked" in out  # v2 zstd chunks carry no checksum


def test_group_recursion_metadata_problems_and_json(tmp_path: Path, capsys) -> None:
    path = tmp_path / "g.zarr"
    root = zarr.open_group(str(path), mode="w")
    root.create_array("ok", shape=(8,), chunks=(4,), dtype="i4")[...] = 5
    sub = root.create_group("sub")
    _sharded(path / "sub" / "s")
    sub.create_group("broken")
    (path / "sub" / "broken" / "zarr.json").write_text('{"zarr_format": 3}')
    shard = path / "sub/s/c/1/1"
    shard.write_bytes(shard.read_bytes()[:10])

    status, out, _ = _verify(capsys, "--json", "--jobs", "2", str(path))
    assert status == 1
    report = json.loads(out)
    assert report["clean"] is False
    problems = {p["key"]: p["reason"] for p in report["problems"]}
    assert set(problems) == {"sub/broken/zarr.json", "sub/s/c/1/1"}
    assert "node_type" in problems["sub/broken/zarr.json"]
    assert "fewer than its 68-byte index" in problems["sub/s/c/1/1"]
    arrays = {a["path"]: a for a in report["arrays"]}
    assert arrays["ok"]["objects"] == 2
    assert arrays["ok"]["damaged"] == 0
    assert arrays["sub/s"]["damaged"] == 1


def test_arrays_zarrphase_does_not_run_natively_are_read_by_zarr(tmp_path: Path, capsys) -> None:
    path = tmp_path / "s.zarr"
    array = zarr.create_array(str(path), shape=(4,), chunks=(2,), dtype=str)
    array[...] = np.array(["a", "bb", "ccc", "d"])
    status, out, _ = _verify(capsys, str(path))
    assert status == 0
    assert "decoded by zarr-python" in out


def test_stray_objects_are_warnings_not_damage(tmp_path: Path, capsys) -> None:
    path = _sharded(tmp_path / "a.zarr")
    (path / "c" / "7").mkdir()
    (path / "c" / "7" / "7").write_bytes(b"left over")
    status, out, _ = _verify(capsys, str(path))
    assert status == 0
    assert "warning  c/7/7: not a chunk of this array's 2 x 2 grid" in out


@pytest.mark.parametrize("args", [["missing.zarr"], ["--jobs", "0", "."]])
def test_bad_arguments_exit_2(tmp_path: Path, capsys, monkeypatch, args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    if args[0] == "--jobs":
        with pytest.raises(SystemExit) as exit_info:
            main(["verify", *args])
        assert exit_info.value.code == 2
        assert "--jobs" in capsys.readouterr().err
        return
    status, _, err = _verify(capsys, *args)
    assert status == 2
    assert err == "zarrphase verify: missing.zarr: no such file or directory\n"
