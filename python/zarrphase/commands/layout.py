"""An array's storage layout read from its raw metadata: the codec chain in words (sharding's
inner and index chains included), and the shard index of a stored shard, parsed here so that
`info` can count stored subchunks (the entries are validated by the native decoder `verify`
runs).

Only the index layouts zarr writes are parsed (`bytes`, optionally followed by `crc32c`); the
checksum itself is checked by the native decoder in `verify`, not here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SHARDING = "sharding_indexed"
_MISSING = np.uint64(2**64 - 1)
_CRC32C_BYTES = 4
_DEFAULT_INDEX_CODECS = [
    {"name": "bytes", "configuration": {"endian": "little"}},
    {"name": "crc32c"},
]


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, int) for v in value):
        return "x".join(str(v) for v in value) if value else "()"
    return json.dumps(value, separators=(",", ":"))


def codec_name(codec: Any) -> str:
    return str(codec.get("name", "?")) if isinstance(codec, dict) else str(codec)


def describe_codec(codec: Any) -> str:
    """One v3 codec as `name(key=value, ...)`, e.g. `zstd(level=3, checksum=false)`."""
    if not isinstance(codec, dict):
        return _value(codec)
    config = codec.get("configuration") or {}
    if codec.get("name") == SHARDING:
        config = {k: v for k, v in config.items() if k in ("chunk_shape", "index_location")}
    if not config:
        return codec_name(codec)
    return f"{codec_name(codec)}({', '.join(f'{k}={_value(v)}' for k, v in config.items())})"


def describe_chain(codecs: list[Any], indent: str = "") -> list[str]:
    """A v3 codec list as lines: the chain, then for sharding its inner and index chains,
    indented (nested sharding recursively)."""
    lines = [indent + " -> ".join(describe_codec(c) for c in codecs)]
    for codec in codecs:
        config = codec.get("configuration") or {} if isinstance(codec, dict) else {}
        if codec_name(codec) == SHARDING:
            inner = describe_chain(config.get("codecs", []), indent + "    ")
            inner[0] = f"{indent}  inner: {inner[0].lstrip()}"
            index = config.get("index_codecs", _DEFAULT_INDEX_CODECS)
            lines.extend(inner)
            lines.append(f"{indent}  index: {' -> '.join(describe_codec(c) for c in index)}")
    return lines


def short_chain(codecs: list[Any]) -> str:
    """Codec names only, sharding's inner chain in brackets: `sharding_indexed[bytes>zstd]`."""
    parts = []
    for codec in codecs:
        if codec_name(codec) == SHARDING:
            inner = codec.get("configuration", {}).get("codecs", [])
            parts.append(f"{SHARDING}[{short_chain(inner)}]")
        else:
            parts.append(codec_name(codec))
    return ">".join(parts)


def _numcodec(config: Any) -> str:
    if not isinstance(config, dict):
        return _value(config)
    rest = {k: v for k, v in config.items() if k != "id"}
    if not rest:
        return str(config.get("id"))
    return f"{config.get('id')}({', '.join(f'{k}={_value(v)}' for k, v in rest.items())})"


def describe_v2(meta: dict[str, Any]) -> str:
    """A .zarray's encoding in one line: filters, compressor and memory order."""
    filters = meta.get("filters") or []
    compressor = meta.get("compressor")
    parts = [_numcodec(f) for f in filters]
    parts.append(_numcodec(compressor) if compressor is not None else "no compressor")
    return f"{' -> '.join(parts)} (order {meta.get('order', 'C')})"


def short_v2(meta: dict[str, Any]) -> str:
    filters = [str(f.get("id")) for f in meta.get("filters") or [] if isinstance(f, dict)]
    compressor = meta.get("compressor")
    names = [*filters, str(compressor.get("id")) if isinstance(compressor, dict) else "raw"]
    return ">".join(names)


def sharding_of(codecs: Any) -> dict[str, Any] | None:
    """The configuration of the array's sharding codec, None when the array is not sharded."""
    for codec in codecs if isinstance(codecs, list) else []:
        if codec_name(codec) == SHARDING:
            config = codec.get("configuration")
            return config if isinstance(config, dict) else {}
    return None


@dataclass(frozen=True)
class ShardIndexFormat:
    """Where a shard's index is and how to read its (offset, nbytes) entries."""

    grid: tuple[int, ...]  # subchunks per shard along each axis
    big_endian: bool
    checksummed: bool
    at_end: bool

    @property
    def subchunks(self) -> int:
        return math.prod(self.grid)

    def subchunk_coords(self, entry: int) -> tuple[int, ...]:
        return tuple(int(c) for c in np.unravel_index(entry, self.grid))

    @property
    def encoded_size(self) -> int:
        return 16 * self.subchunks + (_CRC32C_BYTES if self.checksummed else 0)

    def index_span(self, shard_size: int) -> tuple[int, int]:
        """[start, stop) of the index inside a shard of `shard_size` bytes."""
        if self.at_end:
            return shard_size - self.encoded_size, shard_size
        return 0, self.encoded_size

    def read(self, path: Path) -> np.ndarray | None:
        """The (subchunks, 2) uint64 entries of the shard stored at `path`; None when the file is
        shorter than an index."""
        with path.open("rb") as file:
            size = file.seek(0, 2)
            start, _ = self.index_span(size)
            if start < 0:
                return None
            file.seek(start)
            raw = file.read(16 * self.subchunks)
        words = np.frombuffer(raw, dtype=">u8" if self.big_endian else "<u8")
        return words.reshape(self.subchunks, 2).astype(np.uint64)


def index_format(sharding: dict[str, Any], shard_shape: tuple[int, ...]) -> ShardIndexFormat | None:
    """How to read the index of shards of `shard_shape`; None for an index layout zarr does not
    write (anything but `bytes` with an optional `crc32c`) or a malformed configuration."""
    inner = sharding.get("chunk_shape")
    if not isinstance(inner, list) or len(inner) != len(shard_shape) or 0 in inner:
        return None
    codecs = sharding.get("index_codecs", _DEFAULT_INDEX_CODECS)
    names = [codec_name(c) for c in codecs]
    if names not in (["bytes"], ["bytes", "crc32c"]):
        return None
    endian = (codecs[0].get("configuration") or {}).get("endian", "little")
    return ShardIndexFormat(
        grid=tuple(s // c for s, c in zip(shard_shape, inner, strict=True)),
        big_endian=endian == "big",
        checksummed=len(names) == 2,
        at_end=sharding.get("index_location", "end") == "end",
    )


def present(entries: np.ndarray) -> np.ndarray:
    """Which entries point at a stored subchunk (missing ones are all ones)."""
    return ~((entries[:, 0] == _MISSING) & (entries[:, 1] == _MISSING))


def _checksummed_chain(codecs: Any) -> bool:
    for codec in codecs if isinstance(codecs, list) else []:
        config = (codec.get("configuration") or {}) if isinstance(codec, dict) else {}
        name = codec_name(codec)
        if name == "crc32c" or (name == "zstd" and config.get("checksum") is True):
            return True
        if name == SHARDING and _checksummed_chain(config.get("codecs")):
            return True  # the index's own crc32c guards only the index, not the data
    return False


_V2_CHECKSUMS = frozenset({"crc32", "crc32c", "adler32", "fletcher32", "jenkins_lookup3"})


def data_checksummed(zarr_format: int, metadata: dict[str, Any]) -> bool:
    """Whether the stored chunks carry a checksum of their data: without one, damage inside a
    compressed payload can decode to wrong values without any error."""
    if zarr_format == 3:
        return _checksummed_chain(metadata.get("codecs"))
    numcodecs = [*(metadata.get("filters") or []), metadata.get("compressor") or {}]
    for config in numcodecs:
        if not isinstance(config, dict):
            continue
        if config.get("id") in _V2_CHECKSUMS:
            return True
        if config.get("id") == "zstd" and config.get("checksum") is True:
            return True
    return False
