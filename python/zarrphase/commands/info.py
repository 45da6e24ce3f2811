"""`zarrphase info PATH`: what an array or group holds and how it is stored.

For an array: format, shape, data type, fill value, the codec chain (sharding's inner and index
chains included), chunk and shard grids with how many of each are stored, stored bytes and the
compression ratio. For a group: its attributes and a one-line summary of every member, recursively.
`--json` prints the same as one JSON document. Exit status 1 when some metadata cannot be read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from zarrphase.commands import arguments, summary
from zarrphase.commands.arguments import EXIT_OK, EXIT_PROBLEM
from zarrphase.commands.hierarchy import MetadataError, Node, Problem, walk

_DESCRIPTION = """\
Show what a Zarr array or group (v2 or v3) holds and how it is stored: format, shape, data type,
fill value, the codec chain (sharding's inner and index chains included), chunk and shard grids
with how many of each are stored, stored bytes and the compression ratio (decoded / stored).
For a group, its attributes and one line per member, recursively.

Exit status: 0, or 1 when some metadata cannot be read, 2 for a bad path.
"""

_EXAMPLES = """examples:
  zarrphase info data.zarr                 # an array, or a group and every member in it
  zarrphase info data.zarr/temperature     # one member of a group
  zarrphase info --json data.zarr | jq .compression_ratio
"""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "info",
        help="show an array's or group's metadata, codecs, stored chunks and compression",
        description=_DESCRIPTION,
        epilog=_EXAMPLES,
        formatter_class=arguments.HelpFormatter,
    )
    parser.add_argument(
        "path", type=Path, metavar="PATH", help="a local Zarr array or group (v2 or v3) folder"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead")


def collect(root: Path) -> dict[str, Any]:
    """The info document of the node at `root` (an existing folder)."""
    hierarchy = walk(root, "info")
    problems = list(hierarchy.problems)
    documents: list[dict[str, Any]] = []
    for node in hierarchy.nodes:
        try:
            documents.append(_summarize(node))
        except MetadataError as err:
            problems.append(Problem(node.metadata_key, str(err)))
    problem_docs = [{"key": p.key, "reason": p.reason} for p in problems]
    if not documents:
        return {"location": str(root), "node_type": None, "problems": problem_docs}
    head, members = documents[0], documents[1:]
    if head["node_type"] == "array":
        return {"location": str(root), **head, "problems": problem_docs}
    arrays = [m for m in members if m["node_type"] == "array"]
    # The ratio covers the arrays of fixed-size types (variable-length ones have no nbytes).
    sized = [a for a in arrays if a["nbytes"] is not None]
    nbytes = sum(a["nbytes"] for a in sized)
    sized_stored = sum(a["stored_bytes"] for a in sized)
    return {
        "location": str(root),
        **head,
        "members": members,
        "stored_bytes": sum(a["stored_bytes"] for a in arrays),
        "nbytes": nbytes,
        "compression_ratio": nbytes / sized_stored if sized_stored else None,
        "problems": problem_docs,
    }


def _summarize(node: Node) -> dict[str, Any]:
    return summary.summarize_array(node) if node.is_array else summary.summarize_group(node)


def run(args: argparse.Namespace) -> int:
    root = arguments.existing_node_folder(args.path, "info")
    document = collect(root)
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print("\n".join(render(document)))
    return EXIT_PROBLEM if document["problems"] else EXIT_OK


# ---------------------------------------------------------------------------------------------
# Text.


def human_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _shape(values: list[int] | None) -> str:
    if values is None:
        return "-"
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _json(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _grid_line(doc: dict[str, Any]) -> str:
    stored = "?" if doc["stored"] is None else f"{doc['stored']:,}"
    return (
        f"{_shape(doc['shape'])}: {doc['count']:,} in a {' x '.join(map(str, doc['grid'])) or '1'}"
        f" grid, {stored} stored"
    )


def _bytes_lines(doc: dict[str, Any], note: str = "") -> list[str]:
    nbytes = doc["nbytes"]
    lines = [f"  stored bytes   {doc['stored_bytes']:,} ({human_bytes(doc['stored_bytes'])})"]
    if nbytes is not None:
        lines.append(f"  decoded bytes  {nbytes:,} ({human_bytes(nbytes)}){note}")
    lines.append(f"  ratio          {_ratio(doc['compression_ratio'])} (decoded / stored)")
    return lines


def _array_lines(doc: dict[str, Any]) -> list[str]:
    lines = [
        f"array  {doc['location']}  (Zarr v{doc['zarr_format']})",
        f"  shape          {_shape(doc['shape'])}",
        f"  data type      {_json(doc['data_type'])}",
        f"  fill value     {_json(doc['fill_value'])}",
        f"  chunks         {_grid_line(doc['chunks'])}",
    ]
    if doc["shards"] is not None:
        lines.append(f"  shards         {_grid_line(doc['shards'])}")
    codecs = doc["codecs_text"]
    lines.append(f"  codecs         {codecs[0]}")
    lines.extend(f"                 {line}" for line in codecs[1:])
    lines.extend(_bytes_lines(doc))
    if doc["other_objects"]:
        lines.append(f"  other objects  {doc['other_objects']} (not chunks of this array's grid)")
    if doc["dimension_names"] is not None:
        lines.append(f"  dimensions     {_json(doc['dimension_names'])}")
    lines.append(f"  attributes     {_json(doc['attributes'])}")
    return lines


def _member_rows(members: list[dict[str, Any]]) -> list[list[str]]:
    rows = [["PATH", "SHAPE", "DTYPE", "CHUNKS", "SHARDS", "CODECS", "STORED", "RATIO"]]
    for m in members:
        if m["node_type"] == "group":
            rows.append([m["path"] + "/", "group", "", "", "", "", "", ""])
            continue
        shards = m["shards"]
        rows.append(
            [
                m["path"],
                _shape(m["shape"]),
                _json(m["data_type"], 24),
                _shape(m["chunks"]["shape"]),
                _shape(shards["shape"]) if shards else "-",
                m["codecs_short"],
                human_bytes(m["stored_bytes"]),
                _ratio(m["compression_ratio"]),
            ]
        )
    return rows


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def render(doc: dict[str, Any]) -> list[str]:
    """The info document as text."""
    if doc["node_type"] is None:
        lines = [f"{doc['location']}: metadata cannot be read"]
    elif doc["node_type"] == "array":
        lines = _array_lines(doc)
    else:
        members = doc["members"]
        arrays = sum(1 for m in members if m["node_type"] == "array")
        lines = [
            f"group  {doc['location']}  (Zarr v{doc['zarr_format']})",
            f"  members        {arrays} arrays and {len(members) - arrays} groups, recursively",
            *_bytes_lines(doc, " in arrays of fixed-size types"),
            f"  attributes     {_json(doc['attributes'])}",
        ]
        if members:
            lines += ["", *_table(_member_rows(members))]
    if doc["problems"]:
        lines += ["", "problems:"]
        lines += [f"  {p['key']}: {p['reason']}" for p in doc["problems"]]
    return lines
