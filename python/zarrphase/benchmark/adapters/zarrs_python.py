"""zarrs-python: zarr-python with the Rust zarrs crate as its codec pipeline.

Its native store support covers LocalStore, FsspecStore and obstore-backed stores; on zarr's
MemoryStore (and on obstore's in-memory store, which it rejects) zarr-python silently falls back
to its default pipeline, so the memory rows skip it rather than measure zarr default twice.
On S3 (obstore), reads of part of a chunk or shard never return from the loopback moto server
(zarrs 0.2.3 rebuilds the store in its own Rust object_store; whole-object reads work), and on
fsspec's S3 store zarr-python falls back to its own pipeline, so the S3 rows skip it too.
`codec_pipeline.strict` makes any other unsupported case an error instead of a fallback.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from zarrphase.benchmark.adapters.base import StoreSpec
from zarrphase.benchmark.adapters.zarr_common import ZarrImplementation


class ZarrsPython(ZarrImplementation):
    name = "zarrs-python"
    key = "zarrs"
    pipeline = "zarrs.ZarrsCodecPipeline"
    expected = "ZarrsCodecPipeline"

    def version(self) -> str:
        import zarrs  # noqa: F401  (ImportError when it is not installed)

        return f"zarrs-python {version('zarrs')}"

    def skip_reason(self, store_kind: str) -> str | None:
        if store_kind == "memory":
            return "zarrs-python has no in-memory store (zarr's MemoryStore falls back to zarr)"
        if store_kind == "s3":
            return (
                "zarrs-python 0.2.3 hangs on ranged reads from the loopback S3 server via obstore "
                "(fsspec falls back to zarr's pipeline)"
            )
        return None

    def config(self, spec: StoreSpec) -> dict[str, Any]:
        return {
            **super().config(spec),
            "codec_pipeline.strict": True,
            "codec_pipeline.validate_checksums": True,
        }
