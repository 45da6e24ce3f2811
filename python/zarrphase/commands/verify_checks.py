"""How `zarrphase verify` checks one array: a checker per array that decodes one stored object
(a chunk, or a whole shard with every subchunk) and says what is wrong with it, if anything.

The native checker decodes with the array's full codec chain, sharding included, on native
threads without the GIL; it validates every crc32c, the shard index (entry bounds, missing-entry
markers, entries reaching into the index itself) and every subchunk, and raises errors naming
the subchunk.
Arrays the native core does not run (string or object data types, v2 filters, codecs it lacks)
are read chunk by chunk through zarr-python's own pipeline instead: that catches what
zarr-python raises on, which is less (it reads a shard whose index is unreadable as empty).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import zarr
from zarr.storage import LocalStore

from zarrphase import UnsupportedError, ZarrphaseError, _core
from zarrphase.chunks import decode_chunk, numpy_dtype
from zarrphase.commands.hierarchy import V2_ARRAY, V3_METADATA, Grid, Node, Problem, key_of

# zarr-python's own pipeline, whatever ZARR_CODEC_PIPELINE__PATH selects for the process.
ZARR_DEFAULT_PIPELINE = "zarr.core.codec_pipeline.BatchedCodecPipeline"


class MetadataProblem(Exception):
    """The array's metadata is broken: nothing of it can be checked."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


def _native_metadata(node: Node) -> _core.ArrayMetadata:
    if node.zarr_format == 3:
        return _core.ArrayMetadata.from_json((node.folder / V3_METADATA).read_text("utf-8"))
    return _core.ArrayMetadata.from_v2_json(
        (node.folder / V2_ARRAY).read_text("utf-8"), json.dumps(node.attributes)
    )


def _open_with_zarr(node: Node) -> Any:
    """The array opened by zarr-python with its default pipeline; MetadataProblem when
    zarr-python refuses the metadata."""
    try:
        with (
            warnings.catch_warnings(),
            zarr.config.set({"codec_pipeline.path": ZARR_DEFAULT_PIPELINE}),
        ):
            warnings.simplefilter("ignore")  # zarr's notes on unstable data type specs
            store = LocalStore(node.folder, read_only=True)
            return zarr.open_array(store, mode="r", zarr_format=node.zarr_format)
    except Exception as err:  # zarr raises many types for bad metadata; all mean the same here
        raise MetadataProblem(
            Problem(node.metadata_key, f"zarr-python cannot open it: {type(err).__name__}: {err}")
        ) from err


@dataclass
class NativeChecker:
    """Decodes stored objects with the native codec chain of the whole chunk (or shard)."""

    chain: _core.CodecChain
    dtype: np.dtype
    mode: str = "native"

    def check(self, node: Node, key: str, coords: tuple[int, ...]) -> str | None:
        del coords  # the whole object is decoded, wherever it sits in the grid
        data = (node.folder / key).read_bytes()
        out = np.empty(tuple(self.chain.chunk_shape), dtype=self.dtype)
        try:
            decode_chunk(self.chain, data, out)
        except (ZarrphaseError, ValueError) as err:
            return str(err)
        return None


@dataclass
class ZarrChecker:
    """Reads each stored object's region through zarr-python's default pipeline."""

    array: Any
    grid: Grid
    mode: str = "zarr-python"

    def check(self, node: Node, key: str, coords: tuple[int, ...]) -> str | None:
        del node, key
        try:
            self.array[self.grid.region(coords)]
        except Exception as err:  # any failure to decode is the finding, whatever its type
            return f"{type(err).__name__}: {err}"
        return None


Checker = NativeChecker | ZarrChecker


def checker_for(node: Node, grid: Grid) -> Checker:
    """The checker of one array; MetadataProblem when its metadata is broken."""
    array = _open_with_zarr(node)
    try:
        meta = _native_metadata(node)
        chain = _core.CodecChain.for_array(meta)
    except UnsupportedError:
        return ZarrChecker(array, grid)
    except (ZarrphaseError, ValueError, OSError) as err:
        raise MetadataProblem(Problem(node.metadata_key, str(err))) from err
    return NativeChecker(chain, numpy_dtype(meta.data_type))


def object_key(node: Node, key: str) -> str:
    """A stored object's key relative to the command's PATH."""
    return key_of(node.path, key)
