"""A pytest plugin for zarr-python's own suite run with PhasedCodecPipeline
(scripts/run_upstream_tests.py loads it with `-p upstream_pytest_plugin`).

zarr's sharding tests count store calls on a mock, and pick which methods to count by the
pipeline's name: "Fused" in `codec_pipeline.path` means the synchronous family (`get_sync`,
`get_ranges_sync`) on stores that have it, any other name the async family (`get`,
`get_ranges`). PhasedCodecPipeline, like zarr's FusedCodecPipeline, does the IO of stores with
synchronous methods through those methods, so this plugin tells the tests so, for our pipeline
only. It changes what is counted, never what is asserted.

zarr's `test_sharding_partial_shard_read__*` tests inject failures into the partial-read path of
two-subchunk shards while reading one subchunk. Ours fetches a shard whole once half of it is
wanted (`zarrphase.whole_shard_fraction`), which would step around the injected failure; for those
tests the plugin sets the fraction to 1, so ours takes its partial-read path as zarr's does.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

_PATCHED = "_reads_are_sync"
_PARTIAL_READ_TESTS = "test_sharding_partial_shard_read__"


def _ours_reads_sync(original: Any) -> Any:
    def reads_are_sync(store_mock: Any) -> bool:
        from zarr.abc.store import SupportsGetSync
        from zarr.core.config import config

        if "PhasedCodecPipeline" not in config.get("codec_pipeline.path"):
            return bool(original(store_mock))
        wrapped = getattr(store_mock, "_mock_wraps", store_mock)
        return isinstance(wrapped, SupportsGetSync)

    return reads_are_sync


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    modules: set[ModuleType] = {
        item.module for item in items if isinstance(getattr(item, "module", None), ModuleType)
    }
    for module in modules:
        original = getattr(module, _PATCHED, None)
        if callable(original) and not getattr(original, "_zarrphase", False):
            patched = _ours_reads_sync(original)
            patched._zarrphase = True  # type: ignore[attr-defined]
            setattr(module, _PATCHED, patched)


@pytest.fixture(autouse=True)
def _partial_reads_where_tested(request: pytest.FixtureRequest) -> Iterator[None]:
    if not request.node.name.startswith(_PARTIAL_READ_TESTS):
        yield
        return
    from zarr.core.config import config

    if "reset_config" in request.fixturenames:
        request.getfixturevalue("reset_config")  # zarr's own fixture resets the config: first
    with config.set({"zarrphase.whole_shard_fraction": 1.0}):
        yield
