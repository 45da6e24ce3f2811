"""numpy-style access to arrays through the native engine (the C++ Array API).

`open_array` and `create_array` work on the native stores: a local folder (a path) or a
`zarrphase.memory_store()`. Reads and writes take basic selections (integers, slices with positive
steps, Ellipsis) and run the whole batch natively: planning, IO and compute, the GIL released.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from zarrphase import _core
from zarrphase.chunks import native_view, numpy_dtype

Selection = Any  # what numpy accepts for basic indexing: int, slice, Ellipsis or a tuple of them


def _as_store(store: _core.Store | str | os.PathLike[str], create: bool) -> _core.Store:
    if isinstance(store, _core.Store):
        return store
    return _core.filesystem_store(os.fspath(store), create)


class Array:
    """A Zarr array read and written by the native engine."""

    def __init__(self, native: _core.Array) -> None:
        self._native = native
        self.dtype: np.dtype = numpy_dtype(native.metadata.data_type)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._native.shape)

    @property
    def chunks(self) -> tuple[int, ...]:
        return tuple(self._native.metadata.chunk_shape)

    @property
    def metadata(self) -> _core.ArrayMetadata:
        return self._native.metadata

    @property
    def options(self) -> _core.EngineOptions:
        return self._native.options

    @options.setter
    def options(self, options: _core.EngineOptions) -> None:
        self._native.options = options

    def _box(self, selection: Selection) -> tuple[list[int], list[int], list[int], list[int]]:
        """(start, stop, step, dropped axes) of a basic selection: an int selects one element and
        drops its axis from the result."""
        items = selection if isinstance(selection, tuple) else (selection,)
        if any(item is Ellipsis for item in items):
            at = next(i for i, item in enumerate(items) if item is Ellipsis)
            fill = (slice(None),) * (len(self.shape) - len(items) + 1)
            items = items[:at] + fill + items[at + 1 :]
        if len(items) > len(self.shape):
            raise IndexError(f"too many indices for an array of rank {len(self.shape)}")
        items = items + (slice(None),) * (len(self.shape) - len(items))
        start, stop, step, dropped = [], [], [], []
        for axis, (item, extent) in enumerate(zip(items, self.shape, strict=True)):
            if isinstance(item, slice):
                first, last, stride = item.indices(extent)
                if stride < 1:
                    raise IndexError("only positive slice steps are supported")
                start.append(first)
                stop.append(max(first, last))
                step.append(stride)
            elif isinstance(item, int | np.integer):
                index = int(item) + extent if int(item) < 0 else int(item)
                if not 0 <= index < extent:
                    raise IndexError(f"index {int(item)} is out of bounds for extent {extent}")
                start.append(index)
                stop.append(index + 1)
                step.append(1)
                dropped.append(axis)
            else:
                raise IndexError(f"unsupported selection {item!r}: use ints, slices and ...")
        return start, stop, step, dropped

    def __getitem__(self, selection: Selection) -> np.ndarray:
        start, stop, step, dropped = self._box(selection)
        box_shape = [len(range(a, b, s)) for a, b, s in zip(start, stop, step, strict=True)]
        out = np.empty(box_shape, dtype=self.dtype)
        self._native.read_into(start, stop, step, native_view(out))
        return out.squeeze(axis=tuple(dropped)) if dropped else out

    def __setitem__(self, selection: Selection, value: Any) -> None:
        start, stop, step, dropped = self._box(selection)
        box_shape = [len(range(a, b, s)) for a, b, s in zip(start, stop, step, strict=True)]
        result_shape = [n for axis, n in enumerate(box_shape) if axis not in dropped]
        # Broadcasting keeps zero strides (a scalar, a row), which the engine encodes once.
        array = np.broadcast_to(np.asarray(value, dtype=self.dtype), result_shape)
        array = np.expand_dims(array, tuple(dropped)) if dropped else array
        self._native.write(start, stop, step, native_view(array))

    def resize(self, shape: tuple[int, ...]) -> None:
        self._native.resize(list(shape))

    @property
    def attrs(self) -> dict[str, Any]:
        return json.loads(self._native.metadata.attributes_json)

    def set_attributes(self, attributes: dict[str, Any]) -> None:
        self._native.set_attributes(json.dumps(attributes))


def open_array(
    store: _core.Store | str | os.PathLike[str],
    path: str = "",
    options: _core.EngineOptions | None = None,
) -> Array:
    """Opens the Zarr array (v3 or v2) at `path` of a native store or local folder."""
    native_store = _as_store(store, create=False)
    return Array(_core.Array.open(native_store, path, options or _core.EngineOptions()))


def create_array(
    store: _core.Store | str | os.PathLike[str],
    path: str,
    metadata: _core.ArrayMetadata | dict[str, Any],
    overwrite: bool = False,
    options: _core.EngineOptions | None = None,
) -> Array:
    """Creates a Zarr v3 array from metadata (an ArrayMetadata or a zarr.json document)."""
    if isinstance(metadata, dict):
        metadata = _core.ArrayMetadata.from_json(json.dumps(metadata))
    native_store = _as_store(store, create=True)
    options = options or _core.EngineOptions()
    return Array(_core.Array.create(native_store, path, metadata, overwrite, options))
