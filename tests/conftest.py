"""Shared fixtures: arrays written by zarr-python, read back through zarrphase's native core."""

from pathlib import Path

import numpy as np

import zarrphase
from zarrphase.chunks import numpy_dtype
from zarrphase.chunkwise import read_array


def read_with_zarrphase(root: Path, path: str = "") -> np.ndarray:
    """Reads a whole local array with zarrphase's metadata parser, store and codec chains."""
    store = zarrphase.filesystem_store(str(root), create=False)
    prefix = f"{path}/" if path else ""
    document = store.get(prefix + "zarr.json")
    if document is not None:
        metadata = zarrphase.ArrayMetadata.from_json(document.decode())
    else:
        zarray = store.get(prefix + ".zarray")
        assert zarray is not None, f"no array at {root}/{path}"
        zattrs = store.get(prefix + ".zattrs")
        metadata = zarrphase.ArrayMetadata.from_v2_json(
            zarray.decode(), zattrs.decode() if zattrs else None
        )
    out = np.empty(tuple(metadata.shape), dtype=numpy_dtype(metadata.data_type))
    read_array(store, metadata, out, threads=2, prefix=prefix)
    return out
