"""PhasedCodecPipeline as a zarr-python CodecPipeline: selected by name, by environment variable
and entry point (in a fresh interpreter), picklable, usable by zarr-python's sharding codec for
inner chunks, the CodecPipeline methods agreeing with zarr-python's pipeline, and zarr-python's
own pipeline behaviour suite."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import os
import pickle
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import zarr
from zarr.codecs import BytesCodec, Crc32cCodec, GzipCodec, ShardingCodec, ZstdCodec
from zarr.codecs.numcodecs import BZ2
from zarr.core.array_spec import ArrayConfig, ArraySpec
from zarr.core.buffer import default_buffer_prototype
from zarr.core.codec_pipeline import BatchedCodecPipeline
from zarr.core.dtype import Int32
from zarr.registry import get_pipeline_class
from zarr.storage import MemoryStore

import zarrphase
from zarrphase import executor
from zarrphase.native_chain import NativeChain

from .pipeline_support import DEFAULT, PHASED, fixed_gzip_time, pipeline
from .upstream import load_upstream_module

__all__ = ["fixed_gzip_time"]


CodecPipelineTests = load_upstream_module("test_codec_pipeline_suite.py").CodecPipelineTests


class TestZarrPipelineSuite(CodecPipelineTests):  # type: ignore[misc, valid-type]
    """zarr-python's behaviour suite for codec pipelines (its tests/test_codec_pipeline_suite.py),
    on a store with synchronous IO and one without."""

    pipeline_path = PHASED


# ------------------------------------------------------------------------------------------
# Selection.


def test_selected_by_name() -> None:
    with pipeline(PHASED):
        assert get_pipeline_class() is zarrphase.PhasedCodecPipeline
        array = zarr.create_array(MemoryStore(), shape=(4,), chunks=(2,), dtype="int8")
        assert isinstance(array._async_array.codec_pipeline, zarrphase.PhasedCodecPipeline)


def test_entry_point_is_registered() -> None:
    points = importlib.metadata.entry_points(group="zarr.codec_pipeline")
    assert any(p.value == "zarrphase:PhasedCodecPipeline" for p in points)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ZARR_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_environment_variable_selects_the_pipeline(tmp_path) -> None:
    """ZARR_CODEC_PIPELINE__PATH alone (zarrphase never imported by the program) selects it:
    zarr-python loads it through the entry point."""
    code = f"""
import json, sys, numpy as np, zarr
array = zarr.create_array({str(tmp_path / "a")!r}, shape=(6, 6), chunks=(2, 2), shards=(4, 4),
                          dtype="int32")
array[...] = np.arange(36).reshape(6, 6)
pipeline = array._async_array.codec_pipeline
print(json.dumps({{"class": type(pipeline).__module__ + "." + type(pipeline).__qualname__,
                  "loaded": "zarrphase" in sys.modules, "sum": int(array[...].sum())}}))
"""
    result = run_python(code, ZARR_CODEC_PIPELINE__PATH=PHASED)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report == {"class": PHASED, "loaded": True, "sum": sum(range(36))}
    with pipeline(DEFAULT):
        array = zarr.open_array(tmp_path / "a", mode="r")
        np.testing.assert_array_equal(array[...], np.arange(36).reshape(6, 6))


def test_settings_from_the_environment() -> None:
    code = """
import zarr, zarrphase
array = zarr.create_array({}, shape=(2,), chunks=(2,), dtype=str)
try:
    array[...] = ["a", "b"]
except NotImplementedError as e:
    print("strict:", e)
print(zarr.config.get("zarrphase.threads"))
"""
    result = run_python(
        code,
        ZARR_CODEC_PIPELINE__PATH=PHASED,
        ZARR_ZARRPHASE__STRICT="True",
        ZARR_ZARRPHASE__THREADS="3",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("strict:") and "not run natively" in lines[0]
    assert lines[1] == "3"


def test_threads_setting_resizes_the_engine() -> None:
    with pipeline(PHASED), zarr.config.set({"zarrphase.threads": 2}):
        array = zarr.create_array(MemoryStore(), shape=(8,), chunks=(2,), dtype="int8")
        array[...] = 1
        assert zarrphase.thread_count() == 2
    with pipeline(PHASED):
        array[...] = 2
    assert zarrphase.thread_count() == (os.cpu_count() or 1)


# ------------------------------------------------------------------------------------------
# Pickling.


def test_pickle_round_trip() -> None:
    with pipeline(PHASED):
        array = zarr.create_array(
            MemoryStore(),
            shape=(10, 10),
            chunks=(5, 5),
            shards=(10, 10),
            dtype="float32",
            compressors=ZstdCodec(level=1),
        )
        array[...] = np.arange(100, dtype="float32").reshape(10, 10)
        pipeline_ = array._async_array.codec_pipeline
        restored = pickle.loads(pickle.dumps(pipeline_))
        assert type(restored) is zarrphase.PhasedCodecPipeline
        assert restored == pipeline_
        assert isinstance(restored._native, NativeChain)
        copy = pickle.loads(pickle.dumps(array))
        np.testing.assert_array_equal(copy[...], array[...])
        assert type(copy._async_array.codec_pipeline) is zarrphase.PhasedCodecPipeline
        unevolved = zarrphase.PhasedCodecPipeline.from_codecs([BytesCodec(), Crc32cCodec()])
        assert pickle.loads(pickle.dumps(unevolved)) == unevolved


# ------------------------------------------------------------------------------------------
# The CodecPipeline methods against zarr-python's pipeline.


def spec(shape: tuple[int, ...], write_empty_chunks: bool = False) -> ArraySpec:
    return ArraySpec(
        shape=shape,
        dtype=Int32(),
        fill_value=np.int32(0),
        config=ArrayConfig(order="C", write_empty_chunks=write_empty_chunks),
        prototype=default_buffer_prototype(),
    )


CHAINS = {
    "bytes": [BytesCodec()],
    "crc32c": [BytesCodec(), Crc32cCodec()],
    "gzip": [BytesCodec(endian="big"), GzipCodec(level=2)],
    "sharded": [ShardingCodec(chunk_shape=(2, 3), codecs=[BytesCodec(), ZstdCodec(level=1)])],
}


def both(codecs: list[Any], chunk_spec: ArraySpec) -> tuple[Any, Any]:
    ours = zarrphase.PhasedCodecPipeline.from_codecs(codecs).evolve_from_array_spec(chunk_spec)
    theirs = BatchedCodecPipeline.from_codecs(codecs).evolve_from_array_spec(chunk_spec)
    return ours, theirs


@pytest.mark.usefixtures("fixed_gzip_time")
@pytest.mark.parametrize("chain", list(CHAINS))
def test_encode_and_decode_match_zarr(chain: str) -> None:
    chunk_spec = spec((4, 6))
    ours, theirs = both(CHAINS[chain], chunk_spec)
    nd = default_buffer_prototype().nd_buffer
    arrays = [nd.from_numpy_array(np.arange(24, dtype="int32").reshape(4, 6) * k) for k in (1, 2)]
    batch = [(arrays[0], chunk_spec), (None, chunk_spec), (arrays[1], chunk_spec)]
    with pipeline(PHASED):
        encoded = list(asyncio.run(ours.encode(batch)))
        expected = list(asyncio.run(theirs.encode(batch)))
        assert encoded[1] is None and expected[1] is None
        for got, want in zip(encoded, expected, strict=True):
            assert (got is None) == (want is None)
            if got is not None:
                assert got.to_bytes() == want.to_bytes()
        decoded = list(asyncio.run(ours.decode([(e, chunk_spec) for e in encoded])))
    assert decoded[1] is None
    for got, want in ((decoded[0], arrays[0]), (decoded[2], arrays[1])):
        np.testing.assert_array_equal(got.as_numpy_array(), want.as_numpy_array())


def test_encode_of_an_all_fill_shard_is_none_as_in_zarr() -> None:
    chunk_spec = spec((4, 6))
    ours, theirs = both(CHAINS["sharded"], chunk_spec)
    zeros = default_buffer_prototype().nd_buffer.from_numpy_array(np.zeros((4, 6), "int32"))
    with pipeline(PHASED):
        assert list(asyncio.run(ours.encode([(zeros, chunk_spec)]))) == [None]
    assert list(asyncio.run(theirs.encode([(zeros, chunk_spec)]))) == [None]


@pytest.mark.parametrize("chain", list(CHAINS))
def test_metadata_methods_match_zarr(chain: str) -> None:
    chunk_spec = spec((4, 6))
    ours, theirs = both(CHAINS[chain], chunk_spec)
    assert ours.supports_partial_decode == theirs.supports_partial_decode
    assert ours.supports_partial_encode == theirs.supports_partial_encode
    assert list(ours) == list(theirs)
    try:
        expected: Any = theirs.compute_encoded_size(96, chunk_spec)
    except NotImplementedError:
        expected = NotImplementedError
    if expected is NotImplementedError:
        with pytest.raises(NotImplementedError):
            ours.compute_encoded_size(96, chunk_spec)
    else:
        assert ours.compute_encoded_size(96, chunk_spec) == expected


def test_codec_order_is_validated_as_in_zarr() -> None:
    for bad in ([Crc32cCodec(), BytesCodec()], [GzipCodec()], [BytesCodec(), BytesCodec()]):
        with pytest.raises((TypeError, ValueError)) as ours:
            zarrphase.PhasedCodecPipeline.from_codecs(bad)
        with pytest.raises((TypeError, ValueError)) as theirs:
            BatchedCodecPipeline.from_codecs(bad)
        assert type(ours.value) is type(theirs.value)


# ------------------------------------------------------------------------------------------
# The sharding codec's inner chunks.


@pytest.fixture
def inner_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """For each plan the pipeline runs on byte getters that are not store paths (the sharding
    codec's in-memory inner chunks), how its IO ran."""
    runs: list[str] = []
    original = executor.run

    async def spy(plan: Any, target: executor.Target, **kwargs: Any) -> None:
        if target.store is None:
            runs.append("sync" if target.sync else "async")
        await original(plan, target, **kwargs)

    monkeypatch.setattr(executor, "run", spy)
    return runs


def test_sharding_codec_uses_the_pipeline_for_inner_chunks(inner_runs) -> None:
    """An outer chain the engine does not run (bz2 around a shard) falls back to zarr-python's
    pipeline; its sharding codec then asks the configured pipeline, zarrphase's, to read and
    write the inner chunks, which run natively from the shard's in-memory bytes."""
    serializer = ShardingCodec(chunk_shape=(2, 2), codecs=[BytesCodec(), ZstdCodec(level=1)])
    data = np.arange(48, dtype="int32").reshape(6, 8)
    stores = {}
    for path in (PHASED, DEFAULT):
        with pipeline(path, strict=False):
            stores[path] = MemoryStore()
            array = zarr.create_array(
                stores[path],
                shape=(6, 8),
                chunks=(4, 4),
                dtype="int32",
                serializer=serializer,
                compressors=BZ2(level=1),
            )
            array[...] = data
            array[1:3, 2:7] = -5
            expected = data.copy()
            expected[1:3, 2:7] = -5
            np.testing.assert_array_equal(array[...], expected)
            np.testing.assert_array_equal(array[1:4, 3], expected[1:4, 3])
    assert inner_runs and set(inner_runs) == {"sync"}
    ours, theirs = (
        {k: v.to_bytes() for k, v in stores[p]._store_dict.items()} for p in (PHASED, DEFAULT)
    )
    assert ours == theirs


def test_sharding_codec_direct_use() -> None:
    """zarr-python's ShardingCodec, called directly, encodes and decodes whole shards through
    the configured pipeline: zarrphase's gives zarr-python's bytes."""
    codec = ShardingCodec(chunk_shape=(2, 3), codecs=[BytesCodec(), Crc32cCodec()])
    shard_spec = spec((4, 6), write_empty_chunks=False)
    codec = codec.evolve_from_array_spec(shard_spec)
    data = np.arange(24, dtype="int32").reshape(4, 6)
    data[0:2, 0:3] = 0  # one subchunk of fill values: left out of the shard
    value = default_buffer_prototype().nd_buffer.from_numpy_array(data)
    results = {}
    for path in (PHASED, DEFAULT):
        with pipeline(path):
            encoded = asyncio.run(codec._encode_single(value, shard_spec))
            assert encoded is not None
            decoded = asyncio.run(codec._decode_single(encoded, shard_spec))
            results[path] = encoded.to_bytes()
            np.testing.assert_array_equal(decoded.as_numpy_array(), data)
    assert results[PHASED] == results[DEFAULT]


def test_importing_zarrphase_leaves_zarr_config_defaults_alone() -> None:
    # zarr imports every registered pipeline when it looks one up, so this import happens for
    # every zarr user who has zarrphase installed; it must not change their configuration.
    assert zarrphase.PhasedCodecPipeline is not None
    assert all("zarrphase" not in defaults for defaults in zarr.config.defaults)
    with zarr.config.set({"zarrphase.strict": True}):
        assert zarrphase.settings.current().strict
    assert not zarrphase.settings.current().strict
