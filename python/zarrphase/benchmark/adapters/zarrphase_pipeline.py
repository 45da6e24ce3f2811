"""zarrphase through zarr-python: `zarrphase.PhasedCodecPipeline`, strict (no silent fallback)."""

from __future__ import annotations

from typing import Any

from zarrphase.benchmark.adapters.base import StoreSpec
from zarrphase.benchmark.adapters.zarr_common import ZarrImplementation


class ZarrphasePipeline(ZarrImplementation):
    name = "zarrphase"
    key = "zarrphase"
    pipeline = "zarrphase.PhasedCodecPipeline"
    expected = "PhasedCodecPipeline"

    def version(self) -> str:
        import zarrphase

        return f"zarrphase {zarrphase.__version__}"

    def config(self, spec: StoreSpec) -> dict[str, Any]:
        return {
            **super().config(spec),
            "zarrphase.strict": True,
            "zarrphase.threads": spec.threads,
            "zarrphase.validate_checksums": True,
        }
