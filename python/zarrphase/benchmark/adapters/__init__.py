"""One adapter per implementation the suite compares, all behind `base.Implementation`.

`IMPLEMENTATIONS` is the report's column order: the peers first, then zarrphase through
zarr-python (the row the targets are about), then zarrphase's C++ API.
"""

from __future__ import annotations

from zarrphase.benchmark.adapters.base import Implementation
from zarrphase.benchmark.adapters.tensorstore_zarr3 import Tensorstore
from zarrphase.benchmark.adapters.zarr_default import ZarrDefault
from zarrphase.benchmark.adapters.zarr_fused import ZarrFused
from zarrphase.benchmark.adapters.zarrphase_cpp import ZarrphaseCpp
from zarrphase.benchmark.adapters.zarrphase_pipeline import ZarrphasePipeline
from zarrphase.benchmark.adapters.zarrs_python import ZarrsPython

IMPLEMENTATIONS: tuple[Implementation, ...] = (
    ZarrDefault(),
    ZarrFused(),
    ZarrsPython(),
    Tensorstore(),
    ZarrphasePipeline(),
    ZarrphaseCpp(),
)
REFERENCE = "zarrphase"  # the implementation the speed-ups and targets are about

__all__ = ["IMPLEMENTATIONS", "REFERENCE", "Implementation"]
