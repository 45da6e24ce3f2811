"""`zarrphase copy`: v2 -> sharded v3 read back equal through zarr-python's default pipeline,
attributes and groups carried over, codec options, resuming after an interruption (in process and
after SIGKILL) with every stored shard whole, journal mismatches refused, clear usage errors."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr
from zarr.codecs import Crc32cCodec

import zarrphase
from zarrphase.cli import main
from zarrphase.commands import copy as copy_command
from zarrphase.commands.hierarchy import JOURNAL_NAME, is_temp_file

ZARR_DEFAULT_PIPELINE = {"codec_pipeline.path": "zarr.core.codec_pipeline.BatchedCodecPipeline"}
SHARDED = ["--chunks", "10,15", "--shards", "40,45"]


def _read(path: Path, name: str = "") -> np.ndarray:
    """The array's values through zarr-python's own pipeline, whatever the environment selects."""
    with zarr.config.set(ZARR_DEFAULT_PIPELINE):
        return zarr.open_array(str(path), path=name, mode="r")[...]


def _values(shape: tuple[int, ...]) -> np.ndarray:
    return (np.arange(np.prod(shape), dtype="int32") * 7 % 1000).reshape(shape)


@pytest.fixture
def v2_source(tmp_path: Path) -> Path:
    path = tmp_path / "src.zarr"
    array = zarr.create_array(
        str(path),
        shape=(200, 90),
        chunks=(20, 30),
        dtype="<i4",
        zarr_format=2,
        compressors=numcodecs.Zstd(level=1),
        fill_value=-1,
        attributes={"units": "K", "_ARRAY_DIMENSIONS": ["y", "x"]},
    )
    array[...] = _values((200, 90))
    return path


def _objects(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_v2_array_to_sharded_v3(v2_source: Path, tmp_path: Path, capsys) -> None:
    dst = tmp_path / "dst.zarr"
    assert main(["copy", str(v2_source), str(dst), *SHARDED, "--jobs", "2"]) == 0
    assert "copied 1 array and 0 groups" in capsys.readouterr().out
    np.testing.assert_array_equal(_read(dst), _values((200, 90)))
    meta = json.loads((dst / "zarr.json").read_text())
    assert meta["zarr_format"] == 3
    assert meta["fill_value"] == -1
    assert meta["chunk_grid"]["configuration"]["chunk_shape"] == [40, 45]
    sharding = meta["codecs"][0]
    assert sharding["name"] == "sharding_indexed"
    assert sharding["configuration"]["chunk_shape"] == [10, 15]
    assert [c["name"] for c in sharding["configuration"]["codecs"]] == ["bytes", "zstd"]
    assert sharding["configuration"]["codecs"][1]["configuration"]["level"] == 3
    # v2 .zattrs -> v3 attributes; xarray's dimension attribute -> dimension_names.
    assert meta["attributes"] == {"units": "K"}
    assert meta["dimension_names"] == ["y", "x"]
    assert not (dst / JOURNAL_NAME).exists()
    assert main(["verify", str(dst)]) == 0


def test_hierarchy_groups_attributes_and_fallback_dtypes(tmp_path: Path) -> None:
    src = tmp_path / "src.zarr"
    root = zarr.open_group(str(src), mode="w", zarr_format=2, attributes={"title": "t"})
    root.create_array("a", shape=(30,), chunks=(7,), dtype="f8")[...] = np.linspace(0, 1, 30)
    sub = root.create_group("sub", attributes={"level": 1})
    sub.create_group("deeper")
    sub.create_array("names", shape=(3,), chunks=(2,), dtype=str)[...] = np.array(["a", "b", "c"])
    sub.create_array("scalar", shape=(), dtype="i2", fill_value=3)

    dst = tmp_path / "dst.zarr"
    assert main(["copy", str(src), str(dst), "--codec", "gzip:6"]) == 0
    with zarr.config.set(ZARR_DEFAULT_PIPELINE):
        copied = zarr.open_group(str(dst), mode="r")
        assert copied.metadata.zarr_format == 3
        assert dict(copied.attrs) == {"title": "t"}
        assert dict(copied["sub"].attrs) == {"level": 1}
        assert isinstance(copied["sub/deeper"], zarr.Group)
        np.testing.assert_array_equal(copied["a"][...], np.linspace(0, 1, 30))
        assert list(copied["sub/names"][...]) == ["a", "b", "c"]
        assert copied["sub/scalar"][()] == 3
    codecs = json.loads((dst / "a" / "zarr.json").read_text())["codecs"]
    assert codecs[-1] == {"name": "gzip", "configuration": {"level": 6}}


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("none", ["bytes"]),
        ("zstd", ["bytes", "zstd"]),
        ("blosc:lz4:7", ["bytes", "blosc"]),
    ],
)
def test_codec_choices(v2_source: Path, tmp_path: Path, codec: str, expected: list[str]) -> None:
    dst = tmp_path / "dst.zarr"
    assert main(["copy", str(v2_source), str(dst), "--codec", codec]) == 0
    codecs = json.loads((dst / "zarr.json").read_text())["codecs"]
    assert [c["name"] for c in codecs] == expected
    if codec.startswith("blosc"):
        assert codecs[1]["configuration"]["cname"] == "lz4"
        assert codecs[1]["configuration"]["clevel"] == 7
        assert codecs[1]["configuration"]["shuffle"] == "shuffle"
    np.testing.assert_array_equal(_read(dst), _values((200, 90)))


def _interrupt_after(monkeypatch, calls: int) -> None:
    """Makes the `calls`-th block raise KeyboardInterrupt, as Ctrl-C would."""
    real = copy_command._copy_block
    count = {"n": 0}

    def copy_block(work, block: int) -> None:
        count["n"] += 1
        if count["n"] == calls:
            raise KeyboardInterrupt
        real(work, block)

    monkeypatch.setattr(copy_command, "_copy_block", copy_block)


def _assert_stored_shards_whole(dst: Path, source: np.ndarray) -> int:
    """Every stored shard decodes and holds its whole region of the source; returns how many."""
    with zarr.config.set(ZARR_DEFAULT_PIPELINE):
        array = zarr.open_array(str(dst), mode="r")
        shards = array.shards
        stored = [p for p in (dst / "c").rglob("*") if p.is_file() and not is_temp_file(p.name)]
        for shard in stored:
            i, j = (int(part) for part in shard.relative_to(dst / "c").parts)
            region = (
                slice(i * shards[0], (i + 1) * shards[0]),
                slice(j * shards[1], (j + 1) * shards[1]),
            )
            np.testing.assert_array_equal(array[region], source[region])
    return len(stored)


def test_resume_after_interruption(v2_source: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    reference = tmp_path / "reference.zarr"
    assert main(["copy", str(v2_source), str(reference), *SHARDED]) == 0

    dst = tmp_path / "dst.zarr"
    _interrupt_after(monkeypatch, calls=4)
    assert main(["copy", str(v2_source), str(dst), *SHARDED, "--jobs", "2"]) == 130
    assert "run the same command again" in capsys.readouterr().err
    assert (dst / JOURNAL_NAME).exists()
    written = _assert_stored_shards_whole(dst, _values((200, 90)))
    assert 0 < written < 10
    assert main(["verify", str(dst)]) == 0  # every object on disk decodes

    monkeypatch.undo()
    assert main(["copy", str(v2_source), str(dst), *SHARDED, "--jobs", "2"]) == 0
    # Every block the journal names was skipped: exactly the shards already on disk.
    assert f"({written} done before)" in capsys.readouterr().out
    assert not (dst / JOURNAL_NAME).exists()
    np.testing.assert_array_equal(_read(dst), _values((200, 90)))
    assert _objects(dst) == _objects(reference)


def test_resume_after_sigkill_mid_copy(tmp_path: Path) -> None:
    src = tmp_path / "src.zarr"
    source = zarr.create_array(
        str(src), shape=(320, 320), chunks=(40, 40), dtype="<i4", zarr_format=2
    )
    values = _values((320, 320))
    source[...] = values
    dst = tmp_path / "dst.zarr"
    args = ["copy", str(src), str(dst), "--shards", "80,80", "--jobs", "4"]
    # The child kills itself (no cleanup, no finally blocks) while other blocks are in flight.
    script = (
        "import os, signal, sys\n"
        "from zarrphase.commands.journal import Journal\n"
        "from zarrphase.cli import main\n"
        "real = Journal.mark_done\n"
        "def mark_done(self, array, block):\n"
        "    real(self, array, block)\n"
        "    if sum(map(len, self.done.values())) == 5:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "Journal.mark_done = mark_done\n"
        "main(sys.argv[1:])\n"
    )
    package_root = str(Path(zarrphase.__file__).parent.parent)  # as imported here
    env = {**os.environ, "PYTHONPATH": package_root}
    child = subprocess.run([sys.executable, "-c", script, *args], env=env, check=False)
    assert child.returncode == -signal.SIGKILL
    assert (dst / JOURNAL_NAME).exists()
    assert _assert_stored_shards_whole(dst, values) >= 5
    assert main(["verify", str(dst)]) == 0

    assert main(args) == 0
    assert not (dst / JOURNAL_NAME).exists()
    assert not [p for p in dst.rglob("*") if is_temp_file(p.name)]
    np.testing.assert_array_equal(_read(dst), values)


def test_journal_from_another_command_is_refused(
    v2_source: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    dst = tmp_path / "dst.zarr"
    _interrupt_after(monkeypatch, calls=2)
    assert main(["copy", str(v2_source), str(dst), *SHARDED, "--jobs", "1"]) == 130
    monkeypatch.undo()
    capsys.readouterr()

    assert main(["copy", str(v2_source), str(dst), *SHARDED, "--codec", "gzip"]) == 2
    err = capsys.readouterr().err
    assert "unfinished copy by a different command" in err
    assert "codec 'zstd:3' (now 'gzip:5')" in err
    assert "--overwrite" in err

    other = tmp_path / "other.zarr"
    zarr.create_array(str(other), shape=(4,), chunks=(2,), dtype="i1")
    assert main(["copy", str(other), str(dst), *SHARDED]) == 2
    assert "source" in capsys.readouterr().err

    assert main(["copy", str(v2_source), str(dst), "--codec", "gzip", "--overwrite"]) == 0
    np.testing.assert_array_equal(_read(dst), _values((200, 90)))


def test_existing_destination_needs_overwrite(v2_source: Path, tmp_path: Path, capsys) -> None:
    dst = tmp_path / "dst.zarr"
    assert main(["copy", str(v2_source), str(dst)]) == 0
    assert main(["copy", str(v2_source), str(dst)]) == 2
    assert "already exists and holds no unfinished copy" in capsys.readouterr().err
    assert main(["copy", str(v2_source), str(dst), "--overwrite", "--codec", "none"]) == 0
    np.testing.assert_array_equal(_read(dst), _values((200, 90)))


def test_overwrite_refuses_a_folder_that_is_no_zarr_node(
    v2_source: Path, tmp_path: Path, capsys
) -> None:
    dst = tmp_path / "documents"
    dst.mkdir()
    (dst / "notes.txt").write_text("keep me")
    assert main(["copy", str(v2_source), str(dst), "--overwrite"]) == 2
    assert "--overwrite will not delete it" in capsys.readouterr().err
    assert (dst / "notes.txt").read_text() == "keep me"


def test_sharded_source_keeps_its_shards_unless_told(tmp_path: Path, capsys) -> None:
    src = tmp_path / "src.zarr"
    array = zarr.create_array(
        str(src), shape=(60, 60), chunks=(10, 10), shards=(30, 30), dtype="u1"
    )
    array[...] = _values((60, 60)) % 256
    kept = tmp_path / "kept.zarr"
    assert main(["copy", str(src), str(kept), "--chunks", "5,15"]) == 0
    with zarr.config.set(ZARR_DEFAULT_PIPELINE):
        copied = zarr.open_array(str(kept), mode="r")
        assert (copied.chunks, copied.shards) == ((5, 15), (30, 30))
        np.testing.assert_array_equal(copied[...], array[...])
    assert main(["copy", str(src), str(tmp_path / "x.zarr"), "--chunks", "20,20"]) == 2
    assert "pass --shards SHAPE or --shards none" in capsys.readouterr().err
    unsharded = tmp_path / "unsharded.zarr"
    assert main(["copy", str(src), str(unsharded), "--chunks", "20,20", "--shards", "none"]) == 0
    with zarr.config.set(ZARR_DEFAULT_PIPELINE):
        copied = zarr.open_array(str(unsharded), mode="r")
        assert (copied.chunks, copied.shards) == ((20, 20), None)
        np.testing.assert_array_equal(copied[...], array[...])


def test_unreadable_source_chunk_fails_naming_the_region(tmp_path: Path, capsys) -> None:
    src = tmp_path / "src.zarr"
    array = zarr.create_array(
        str(src), shape=(40,), chunks=(10,), dtype="f8", compressors=[Crc32cCodec()]
    )
    array[...] = np.arange(40.0)
    damaged = bytearray((src / "c/2").read_bytes())
    damaged[0] ^= 0xFF
    (src / "c/2").write_bytes(bytes(damaged))
    dst = tmp_path / "dst.zarr"
    assert main(["copy", str(src), str(dst), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "zarrphase copy: array '.', region [20:30]" in err
    assert "checksum" in err
    assert (dst / JOURNAL_NAME).exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--chunks", "10,10,10"], "--chunks has 3 sizes but the source array has 2 dimensions"),
        (["--shards", "25,30"], "must be a multiple of the chunks [20, 30]"),
        (["--codec", "lzma"], "expected none, zstd[:LEVEL]"),
        (["--codec", "zstd:99"], "level must be an integer in -131072..22"),
        (["--codec", "blosc:nope"], "blosc compressor must be one of"),
    ],
)
def test_bad_options_exit_2(
    v2_source: Path, tmp_path: Path, capsys, options: list[str], message: str
) -> None:
    dst = tmp_path / "dst.zarr"
    assert main(["copy", str(v2_source), str(dst), *options]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not dst.exists()


def test_bad_paths_exit_2(v2_source: Path, tmp_path: Path, capsys) -> None:
    assert main(["copy", str(tmp_path / "missing"), str(tmp_path / "d")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["copy", str(v2_source), str(v2_source)]) == 2
    assert "the same folder" in capsys.readouterr().err
    assert main(["copy", str(v2_source), str(v2_source / "inside")]) == 2
    assert "must not contain each other" in capsys.readouterr().err
