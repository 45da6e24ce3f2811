"""zarr-python's default codec pipeline (BatchedCodecPipeline): the reference everyone runs."""

from __future__ import annotations

from zarrphase.benchmark.adapters.zarr_common import ZarrImplementation


class ZarrDefault(ZarrImplementation):
    name = "zarr default"
    key = "zarr"
    pipeline = "zarr.core.codec_pipeline.BatchedCodecPipeline"
    expected = "BatchedCodecPipeline"
