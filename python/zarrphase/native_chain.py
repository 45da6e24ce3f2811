"""Lowering a zarr-python codec chain and chunk spec to the native engine's codec chain.

The engine takes a chain as the Zarr v3 codec JSON (`codec.to_dict()`); a Zarr v2 array's
filters and compressor are translated by the native `.zarray` parser, so both versions run
through one engine. Whatever the engine cannot run exactly as zarr-python does raises
`NotNative` with the reason, and the pipeline falls back to zarr-python for that array.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from zarr.buffer import cpu
from zarr.codecs._v2 import V2Codec
from zarr.codecs.sharding import ShardingCodec
from zarr.core.chunk_utils import fill_value_or_default

from zarrphase import _core

if TYPE_CHECKING:
    from zarr.abc.codec import Codec
    from zarr.core.array_spec import ArraySpec


class NotNative(Exception):
    """The reason an array cannot run on the native engine."""


_ORDERS = {
    "morton": _core.SubchunkWriteOrder.morton,
    "lexicographic": _core.SubchunkWriteOrder.lexicographic,
    "colexicographic": _core.SubchunkWriteOrder.colexicographic,
    "unordered": _core.SubchunkWriteOrder.unordered,
}


@dataclass(frozen=True, slots=True)
class NativeChain:
    """One chunk spec's native chain and how arrays cross into it."""

    chain: _core.CodecChain
    chunk_shape: tuple[int, ...]
    # Element type as the engine holds it: zarr's in-memory dtype in native byte order (arrays
    # in the other order, e.g. ">i4" on a little-endian machine, cross through a native copy).
    dtype: np.dtype[Any]
    subchunk_write_order: _core.SubchunkWriteOrder
    # What the chain was lowered from, for the cheap per-batch check that a spec matches.
    zdtype: object
    fill_value: object
    # The memory order chunks are stored in: a Zarr v2 array's ("C" or "F"); None for v3, whose
    # stored order is fixed by its codecs whatever order arrays have in memory.
    order: str | None
    # Equal signatures mean equal chains (codec JSON, data type, chunk shape, fill bytes).
    signature: tuple[object, ...]


def _v3_name(dtype: np.dtype[Any]) -> str:
    """The engine's Zarr v3 data type name for a numpy dtype, or NotNative."""
    if dtype.fields is not None or dtype.subdtype is not None:
        raise NotNative(f"structured data type {dtype} is not run natively")
    bits = dtype.itemsize * 8
    match dtype.kind:
        case "b":
            return "bool"
        case "i":
            return f"int{bits}"
        case "u":
            return f"uint{bits}"
        case "f" if dtype.itemsize in (2, 4, 8):
            return f"float{bits}"
        case "c" if dtype.itemsize in (8, 16):
            return f"complex{bits}"
        case "V" if dtype.itemsize > 0:
            return f"r{bits}"
    raise NotNative(f"data type {dtype} is not run natively")


def _builtin(codec: object) -> bool:
    """Only zarr-python's own codec classes are lowered by name: a third-party class registered
    under a built-in name may not mean what the engine's codec of that name does."""
    if not type(codec).__module__.startswith("zarr.codecs"):
        return False
    if isinstance(codec, ShardingCodec):
        return all(_builtin(inner) for inner in (*codec.codecs, *codec.index_codecs))
    return True


def _write_orders(codecs: tuple[Codec, ...]) -> set[str]:
    orders: set[str] = set()
    for codec in codecs:
        if isinstance(codec, ShardingCodec):
            orders.add(codec.subchunk_write_order)
            orders |= _write_orders(codec.codecs)
    return orders


def _v2_codecs_json(codec: V2Codec, spec: ArraySpec, dtype: np.dtype[Any]) -> str:
    """The v3 chain that means what this v2 filters + compressor pair means, as the native
    .zarray parser translates it (order "F" becomes a transpose, the dtype's byte order the
    bytes codec's endian)."""
    for numcodec in (*(codec.filters or ()), codec.compressor):
        if numcodec is not None and not type(numcodec).__module__.startswith("numcodecs"):
            raise NotNative(f"v2 codec {numcodec!r} is not a numcodecs codec")
    zarray = {
        "zarr_format": 2,
        "shape": list(spec.shape),
        "chunks": list(spec.shape),
        "dtype": dtype.str,
        "compressor": None if codec.compressor is None else codec.compressor.get_config(),
        "filters": [f.get_config() for f in codec.filters] if codec.filters else None,
        "fill_value": None,
        "order": spec.order,
    }
    try:
        return _core.ArrayMetadata.from_v2_json(json.dumps(zarray)).codecs_json
    except (_core.UnsupportedError, _core.InvalidMetadataError) as e:
        raise NotNative(str(e)) from None


def lower(codecs: tuple[Codec, ...], spec: ArraySpec) -> NativeChain:
    """The native chain for chunks of `spec` encoded by `codecs` (evolved for `spec`)."""
    prototype = spec.prototype
    if not (
        issubclass(prototype.buffer, cpu.Buffer) and issubclass(prototype.nd_buffer, cpu.NDBuffer)
    ):
        raise NotNative(f"buffer prototype {prototype} is not zarr's CPU buffer")
    memory_dtype = np.dtype(spec.dtype.to_native_dtype())
    name = _v3_name(memory_dtype)
    dtype = memory_dtype.newbyteorder("=")

    stored_order: str | None = None
    if len(codecs) == 1 and isinstance(codecs[0], V2Codec):
        # The stored byte order is the dtype's (v2), not the memory order we hand the engine.
        codecs_json = _v2_codecs_json(codecs[0], spec, memory_dtype)
        stored_order = spec.order
    else:
        for codec in codecs:
            if not _builtin(codec):
                raise NotNative(
                    f"codec {type(codec).__module__}.{type(codec).__qualname__} is not one of "
                    "zarr-python's built-in codecs"
                )
        try:
            codecs_json = json.dumps([codec.to_dict() for codec in codecs])
        except (TypeError, ValueError) as e:
            raise NotNative(f"codec configuration is not JSON: {e}") from None

    orders = _write_orders(codecs)
    if len(orders) > 1:
        raise NotNative(f"nested sharding codecs with different subchunk_write_order {orders}")
    order = _ORDERS[orders.pop()] if orders else _core.SubchunkWriteOrder.morton

    fill = fill_value_or_default(spec)
    try:
        fill_bytes = np.asarray(fill, dtype=dtype).tobytes()
    except (TypeError, ValueError) as e:
        raise NotNative(f"fill value {fill!r} has no {dtype} representation: {e}") from None
    try:
        chain = _core.plan_chain(codecs_json, name, list(spec.shape), fill_bytes)
    except _core.ZarrphaseError as e:  # zarr-python accepted the chain; the engine does not
        raise NotNative(str(e)) from None
    return NativeChain(
        chain=chain,
        chunk_shape=tuple(spec.shape),
        dtype=dtype,
        subchunk_write_order=order,
        zdtype=spec.dtype,
        fill_value=spec.fill_value,
        order=stored_order,
        signature=(codecs_json, name, tuple(spec.shape), fill_bytes),
    )
