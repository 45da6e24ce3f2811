"""What `zarrphase info` reports about one node, as a JSON-ready dict: metadata, codec chain,
grid and stored counts, stored bytes and compression ratio. `info.py` prints it as text or JSON.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from zarr.core.dtype import get_data_type_from_json
from zarr.core.dtype.common import HasItemSize

from zarrphase.commands import layout
from zarrphase.commands.hierarchy import Grid, Node, grid_of, stored_objects


def item_size(node: Node) -> int | None:
    """Bytes per element of the array's data type; None for variable-length or unknown types."""
    meta = node.metadata
    if node.zarr_format == 3:
        spec: Any = meta.get("data_type")
        if isinstance(spec, str) and spec.startswith("r") and spec[1:].isdigit():
            return int(spec[1:]) // 8  # raw bits, which zarr-python does not model
    else:
        spec = {"name": meta.get("dtype"), "object_codec_id": None}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zarr's "unstable specification" notes
            zdtype = get_data_type_from_json(spec, zarr_format=node.zarr_format)
    except (ValueError, TypeError, KeyError):
        return None
    return zdtype.item_size if isinstance(zdtype, HasItemSize) else None


def _chunk_grid(shape: tuple[int, ...], chunk: tuple[int, ...]) -> list[int]:
    return [math.ceil(s / c) for s, c in zip(shape, chunk, strict=True)]


def _stored_subchunks(
    node: Node, grid: Grid, sharding: dict[str, Any], keys: list[str]
) -> int | None:
    """Stored subchunks over every shard, from the shard indexes; None when the index layout is
    not one zarr writes. A shard too short to hold an index counts none (verify reports it)."""
    fmt = layout.index_format(sharding, grid.object_shape)
    if fmt is None:
        return None
    total = 0
    for key in keys:
        entries = fmt.read(node.folder / key)
        if entries is not None:
            total += int(layout.present(entries).sum())
    return total


def summarize_array(node: Node) -> dict[str, Any]:
    """The `info` document of one array. Raises hierarchy.MetadataError for a document whose
    grid or chunk keys cannot be understood."""
    meta = node.metadata
    grid = grid_of(node)
    objects = list(stored_objects(node))
    in_grid = [key for key, _ in objects if grid.coords(key) is not None]
    stored_bytes = sum(size for _, size in objects)
    size = item_size(node)
    nbytes = math.prod(grid.shape) * size if size is not None else None

    if node.zarr_format == 3:
        codecs = meta.get("codecs", [])
        sharding = layout.sharding_of(codecs)
        codecs_text = layout.describe_chain(codecs)
        codecs_short = layout.short_chain(codecs)
        data_type = meta.get("data_type")
    else:
        codecs = {k: meta.get(k) for k in ("filters", "compressor", "order")}
        sharding = None
        codecs_text = [layout.describe_v2(meta)]
        codecs_short = layout.short_v2(meta)
        data_type = meta.get("dtype")

    objects_doc = {"grid": list(grid.grid_shape), "count": grid.size, "stored": len(in_grid)}
    if sharding is not None:
        inner = tuple(sharding.get("chunk_shape") or grid.object_shape)
        chunks_doc = {
            "shape": list(inner),
            "grid": _chunk_grid(grid.shape, inner),
            "count": math.prod(_chunk_grid(grid.shape, inner)),
            "stored": _stored_subchunks(node, grid, sharding, in_grid),
        }
        shards_doc: dict[str, Any] | None = {"shape": list(grid.object_shape), **objects_doc}
    else:
        chunks_doc = {"shape": list(grid.object_shape), **objects_doc}
        shards_doc = None

    return {
        "path": node.path,
        "node_type": "array",
        "zarr_format": node.zarr_format,
        "shape": list(grid.shape),
        "data_type": data_type,
        "fill_value": meta.get("fill_value"),
        "dimension_names": meta.get("dimension_names"),
        "codecs": codecs,
        "codecs_text": codecs_text,
        "codecs_short": codecs_short,
        "chunks": chunks_doc,
        "shards": shards_doc,
        "stored_objects": len(objects),
        "other_objects": len(objects) - len(in_grid),
        "stored_bytes": stored_bytes,
        "nbytes": nbytes,
        "compression_ratio": nbytes / stored_bytes if nbytes is not None and stored_bytes else None,
        "attributes": node.attributes,
    }


def summarize_group(node: Node) -> dict[str, Any]:
    return {
        "path": node.path,
        "node_type": "group",
        "zarr_format": node.zarr_format,
        "attributes": node.attributes,
    }
