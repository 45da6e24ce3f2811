"""dask and xarray with zarrphase's pipeline: selected through the environment on distributed
workers (no code change), and through zarr.config for xarray's to_zarr / open_zarr."""

import os
from pathlib import Path

import dask.array
import numpy as np
import pytest
import xarray as xr
import zarr
from distributed import Client, LocalCluster

PHASED = "zarrphase.PhasedCodecPipeline"


def pipeline_in_use(path: str) -> str:
    """On a worker: the class name of the pipeline zarr picks for the array at `path`."""
    import zarr as worker_zarr

    return type(worker_zarr.open_array(path, mode="r")._async_array.codec_pipeline).__name__


def test_dask_workers_pick_the_pipeline_from_the_environment(tmp_path: Path) -> None:
    data = np.arange(40 * 30, dtype="float32").reshape(40, 30)
    path = str(tmp_path / "a.zarr")
    array = zarr.create_array(
        path, shape=data.shape, chunks=(5, 5), shards=(20, 15), dtype="float32"
    )
    array[...] = data
    environment = {"ZARR_CODEC_PIPELINE__PATH": PHASED, "ZARR_ZARRPHASE__STRICT": "true"}
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, env=environment,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        pipelines = client.run(pipeline_in_use, path)
        assert set(pipelines.values()) == {"PhasedCodecPipeline"}, pipelines
        assert len(pipelines) == 2
        lazy = dask.array.from_zarr(path)
        assert float(client.compute((lazy * 2).sum()).result()) == float((data * 2).sum())
        np.testing.assert_array_equal(client.compute(lazy[7:33, 4:29]).result(), data[7:33, 4:29])
    assert "ZARR_CODEC_PIPELINE__PATH" not in os.environ  # the workers' setting stayed theirs


@pytest.mark.parametrize("shards", [None, (10, 12)])
def test_xarray_round_trip(tmp_path: Path, shards: tuple[int, int] | None) -> None:
    rng = np.random.default_rng(0)
    dataset = xr.Dataset(
        {
            "temperature": (("y", "x"), rng.normal(size=(20, 24)).astype("float32")),
            "count": (("y", "x"), rng.integers(0, 100, size=(20, 24)).astype("int16")),
        },
        coords={"y": np.arange(20), "x": np.linspace(0, 1, 24)},
        attrs={"title": "zarrphase"},
    )
    encoding = {name: {"chunks": (5, 6), "shards": shards} for name in ("temperature", "count")}
    with zarr.config.set({"codec_pipeline.path": PHASED, "zarrphase.strict": True}):
        dataset.to_zarr(tmp_path / "ds.zarr", encoding=encoding, zarr_format=3, consolidated=False)
        reopened = xr.open_zarr(tmp_path / "ds.zarr", consolidated=False)
        pipeline = type(
            zarr.open_array(str(tmp_path / "ds.zarr" / "count"))._async_array.codec_pipeline
        )
        assert pipeline.__name__ == "PhasedCodecPipeline"
        xr.testing.assert_identical(reopened.load(), dataset)
        reopened["count"][2:4, 5:9].load()  # a partial read of a lazily opened variable
        np.testing.assert_array_equal(
            reopened["count"][2:4, 5:9].values, dataset["count"][2:4, 5:9].values
        )
