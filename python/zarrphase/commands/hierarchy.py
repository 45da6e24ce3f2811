"""A local Zarr hierarchy as the commands see it: nodes found from their metadata files, the
stored objects of each array, and which chunk (or shard) of the grid each object is.

It reads the folder itself rather than through zarr-python so that one broken document is a
reported problem of one node instead of an exception that hides the rest of the hierarchy, and so
that the raw JSON (exactly what is stored, v2 or v3) is at hand for `info` and `verify`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from zarrphase.commands.arguments import UsageError

V3_METADATA = "zarr.json"
V2_ARRAY = ".zarray"
V2_GROUP = ".zgroup"
V2_ATTRS = ".zattrs"
METADATA_NAMES = frozenset({V3_METADATA, V2_ARRAY, V2_GROUP, V2_ATTRS, ".zmetadata"})
# `zarrphase copy` keeps its progress here, in the destination's root folder, until it succeeds.
JOURNAL_NAME = ".zarrphase-copy-journal"

# Files a writer leaves while replacing a value: zarrphase's native store writes
# ".<name>.tmp\<pid>.<n>" and renames it; zarr-python's LocalStore "<stem>.<uuid hex>.partial".
# Neither is a value: a process killed mid-write leaves them behind, the old value intact.
_TEMP_FILE = re.compile(r"(\.tmp\\\d+\.\d+$)|(\.[0-9a-f]{32}\.partial$)")


def is_temp_file(name: str) -> bool:
    """Whether `name` (a file name) is a half-written temporary file, not a stored value."""
    return _TEMP_FILE.search(name) is not None


@dataclass(frozen=True)
class Problem:
    """Something wrong with a stored object or metadata document: its key (relative to the
    command's PATH) and why."""

    key: str
    reason: str


@dataclass
class Node:
    """An array or group with readable metadata."""

    path: str  # relative to the hierarchy's root, "/"-separated; "" for the root itself
    folder: Path
    kind: Literal["array", "group"]
    zarr_format: Literal[2, 3]
    metadata: dict[str, Any]  # the zarr.json document, or .zarray / .zgroup
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def metadata_key(self) -> str:
        """The key of the document that defines this node."""
        name = V3_METADATA if self.zarr_format == 3 else V2_ARRAY if self.is_array else V2_GROUP
        return key_of(self.path, name)

    @property
    def is_array(self) -> bool:
        return self.kind == "array"

    def display_path(self) -> str:
        return self.path or "."


def key_of(node_path: str, name: str) -> str:
    """The key of `name` inside the node at `node_path` (both relative to the root)."""
    return f"{node_path}/{name}" if node_path else name


class _Unreadable(Exception):
    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.problem = Problem(key, reason)


def _read_json(folder: Path, path: str, name: str) -> Any:
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _Unreadable(key_of(path, name), f"cannot be read as JSON: {err}") from err


def _load(folder: Path, path: str) -> Node | Problem | None:
    if (folder / V3_METADATA).is_file():
        document = _read_json(folder, path, V3_METADATA)
        key = key_of(path, V3_METADATA)
        if not isinstance(document, dict) or document.get("zarr_format") != 3:
            return Problem(key, "not a Zarr v3 document (zarr_format must be 3)")
        kind = document.get("node_type")
        if kind not in ("array", "group"):
            return Problem(key, f"node_type must be 'array' or 'group', got {kind!r}")
        attributes = document.get("attributes", {})
        if not isinstance(attributes, dict):
            return Problem(key, "attributes must be a JSON object")
        return Node(path, folder, cast(Literal["array", "group"], kind), 3, document, attributes)
    v2_kinds: tuple[tuple[str, Literal["array", "group"]], ...] = (
        (V2_ARRAY, "array"),
        (V2_GROUP, "group"),
    )
    for name, v2_kind in v2_kinds:
        if (folder / name).is_file():
            document = _read_json(folder, path, name)
            if not isinstance(document, dict) or document.get("zarr_format") != 2:
                return Problem(key_of(path, name), "not a Zarr v2 document (zarr_format must be 2)")
            attributes = {}
            if (folder / V2_ATTRS).is_file():
                attributes = _read_json(folder, path, V2_ATTRS)
                if not isinstance(attributes, dict):
                    return Problem(key_of(path, V2_ATTRS), "attributes must be a JSON object")
            return Node(path, folder, v2_kind, 2, document, attributes)
    return None


def load_node(folder: Path, path: str) -> Node | Problem | None:
    """The node stored in `folder`, a Problem naming its unreadable or invalid document, or None
    when the folder holds no Zarr metadata."""
    try:
        return _load(folder, path)
    except _Unreadable as err:
        return err.problem


@dataclass
class Hierarchy:
    """Every node under a root folder (the root first, then depth first by name) and the
    metadata documents that could not be read."""

    root: Path
    nodes: list[Node]
    problems: list[Problem]

    def arrays(self) -> list[Node]:
        return [node for node in self.nodes if node.is_array]


def walk(root: Path, command: str) -> Hierarchy:
    """The hierarchy at `root`; a UsageError when `root` is no Zarr array or group at all."""
    found = load_node(root, "")
    if found is None:
        raise UsageError(
            f"{command}: {root}: not a Zarr array or group (no {V3_METADATA}, {V2_ARRAY} "
            f"or {V2_GROUP} in it)"
        )
    hierarchy = Hierarchy(root, [], [])
    pending: list[Node | Problem] = [found]
    while pending:
        item = pending.pop()
        if isinstance(item, Problem):
            hierarchy.problems.append(item)
            continue
        hierarchy.nodes.append(item)
        if item.kind == "group":
            children = [
                load_node(sub, key_of(item.path, sub.name))
                for sub in sorted(item.folder.iterdir(), reverse=True)
                if sub.is_dir() and not sub.name.startswith(".")
            ]
            # Folders without metadata are not members (Zarr v3 has no implicit groups).
            pending.extend(child for child in children if child is not None)
    return hierarchy


# ---------------------------------------------------------------------------------------------
# Stored objects of an array and where they sit in its grid.


@dataclass(frozen=True)
class Grid:
    """An array's grid of stored objects: chunks, or shards when the array is sharded."""

    shape: tuple[int, ...]  # the array's shape
    object_shape: tuple[int, ...]  # shape of one stored object (chunk or shard)
    prefix: str  # "c" for v3's default key encoding, "" otherwise
    separator: str

    @property
    def grid_shape(self) -> tuple[int, ...]:
        return tuple(math.ceil(s / c) for s, c in zip(self.shape, self.object_shape, strict=True))

    @property
    def size(self) -> int:
        return math.prod(self.grid_shape)

    def coords(self, key: str) -> tuple[int, ...] | None:
        """The grid position of the object at `key`, None when `key` is not one of them."""
        parts = key.split(self.separator)
        if self.prefix:
            if parts[0] != self.prefix:
                return None
            parts = parts[1:]
        elif not self.shape and parts == ["0"]:
            return ()  # v2's one chunk of a 0-d array
        if len(parts) != len(self.shape) or not all(p.isdigit() for p in parts):
            return None
        coords = tuple(int(p) for p in parts)
        if any(c >= g for c, g in zip(coords, self.grid_shape, strict=True)):
            return None
        return coords

    def region(self, coords: tuple[int, ...]) -> tuple[slice, ...]:
        """The part of the array the object at `coords` holds (clipped to the shape)."""
        return tuple(
            slice(c * n, min((c + 1) * n, s))
            for c, n, s in zip(coords, self.object_shape, self.shape, strict=True)
        )


class MetadataError(ValueError):
    """An array document whose grid or key encoding cannot be understood."""


def _int_list(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int) and v >= 0 for v in value):
        raise MetadataError(f"{what} must be a list of non-negative integers, got {value!r}")
    return tuple(value)


def grid_of(node: Node) -> Grid:
    """The grid of `node`'s stored objects; MetadataError when the document lacks one."""
    meta = node.metadata
    shape = _int_list(meta.get("shape"), "shape")
    if node.zarr_format == 2:
        chunks = _int_list(meta.get("chunks"), "chunks")
        separator = meta.get("dimension_separator") or "."
        prefix = ""
    else:
        grid = meta.get("chunk_grid")
        if grid is None:
            raise MetadataError("chunk_grid is missing")
        if not isinstance(grid, dict) or grid.get("name") != "regular":
            raise MetadataError(f"only regular chunk grids are supported, got {grid!r}")
        chunks = _int_list(grid.get("configuration", {}).get("chunk_shape"), "chunk_shape")
        encoding = meta.get("chunk_key_encoding", {"name": "default"})
        name = encoding.get("name") if isinstance(encoding, dict) else encoding
        config = encoding.get("configuration", {}) if isinstance(encoding, dict) else {}
        if name == "default":
            prefix, separator = "c", config.get("separator", "/")
        elif name == "v2":
            prefix, separator = "", config.get("separator", ".")
        else:
            raise MetadataError(f"unknown chunk_key_encoding {encoding!r}")
    if len(chunks) != len(shape) or any(c == 0 for c in chunks):
        raise MetadataError(f"chunk shape {list(chunks)} does not fit shape {list(shape)}")
    if separator not in (".", "/"):
        raise MetadataError(f"key separator must be '.' or '/', got {separator!r}")
    return Grid(shape, chunks, prefix, separator)


def stored_objects(node: Node) -> Iterator[tuple[str, int]]:
    """(key relative to the array, size in bytes) of every stored object of an array, sorted:
    everything in its folder but metadata, temporary files and the copy journal."""
    for path in sorted(node.folder.rglob("*")):
        name = path.name
        if name in METADATA_NAMES or name == JOURNAL_NAME or is_temp_file(name):
            continue
        if path.is_file():
            yield path.relative_to(node.folder).as_posix(), path.stat().st_size
