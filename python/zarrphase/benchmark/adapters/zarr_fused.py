"""zarr-python's opt-in FusedCodecPipeline (codec compute run synchronously, in bulk)."""

from __future__ import annotations

from zarrphase.benchmark.adapters.zarr_common import ZarrImplementation


class ZarrFused(ZarrImplementation):
    name = "zarr fused"
    key = "zarr-fused"
    pipeline = "zarr.core.codec_pipeline.FusedCodecPipeline"
    expected = "FusedCodecPipeline"
