"""The journal that makes `zarrphase copy` resumable.

It lives in the destination's root folder while a copy is unfinished and is removed when the copy
succeeds. Its first line says which command wrote it (source, layout and codec options, and a
digest of the source's metadata); then one line marks that the destination's groups and arrays were
created, and one line per finished block follows. A line is appended only after the block's
writes returned, so a block the journal names is complete on disk; a block it does not name is
written again, whole, on the next run. Lines are JSON, appended and flushed one at a time: an
interrupted append leaves at most one torn last line, which reading ignores.

The journal guards against interrupted processes (Ctrl-C, kill, a crash); it does not fsync, so
like the stores it writes through it does not guard against losing the OS's page cache.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from zarrphase.commands.hierarchy import JOURNAL_NAME, METADATA_NAMES, Hierarchy

_FORMAT = "zarrphase-copy-journal"
_VERSION = 1


def source_digest(hierarchy: Hierarchy) -> str:
    """A digest of every metadata document of the source: a journal written for another source
    (or the same path after its metadata changed) does not match."""
    digest = hashlib.sha256()
    for node in hierarchy.nodes:
        for name in sorted(METADATA_NAMES):
            document = node.folder / name
            if document.is_file():
                digest.update(f"{node.path}/{name}\0".encode())
                digest.update(document.read_bytes())
    return digest.hexdigest()


class JournalMismatch(Exception):
    """The destination's journal was written by a different command; the message says how."""


@dataclass
class Journal:
    """An open journal: what it recorded before, and appends from now on."""

    path: Path
    created: bool = False
    done: dict[str, set[int]] = field(default_factory=dict)
    _file: IO[str] | None = None

    @staticmethod
    def location(destination: Path) -> Path:
        return destination / JOURNAL_NAME

    @classmethod
    def start(cls, destination: Path, command: dict[str, Any]) -> Journal:
        """A new journal for `command` (JSON-ready) in `destination`."""
        journal = cls(cls.location(destination))
        journal._file = journal.path.open("w", encoding="utf-8")
        journal._append({"journal": _FORMAT, "version": _VERSION, "command": command})
        return journal

    @classmethod
    def resume(cls, destination: Path, command: dict[str, Any]) -> Journal:
        """The journal in `destination`, reopened for appending; JournalMismatch when it was
        written by another command."""
        journal = cls(cls.location(destination))
        text = journal.path.read_text(encoding="utf-8")
        lines = text.splitlines()
        header = _parse(lines[0]) if lines else None
        if not isinstance(header, dict) or header.get("journal") != _FORMAT:
            raise JournalMismatch(f"{journal.path} is not a zarrphase copy journal")
        recorded = header.get("command", {})
        differences = [
            f"{name} {recorded.get(name)!r} (now {value!r})"
            for name, value in command.items()
            if recorded.get(name) != value
        ]
        if header.get("version") != _VERSION or differences:
            raise JournalMismatch(
                f"{journal.path} records an unfinished copy by a different command: "
                + ("; ".join(differences) or f"journal version {header.get('version')}")
            )
        for line in lines[1:]:
            entry = _parse(line)
            if entry == ["created"]:
                journal.created = True
            elif isinstance(entry, list) and len(entry) == 3 and entry[0] == "done":
                journal.done.setdefault(str(entry[1]), set()).add(int(entry[2]))
        journal._file = journal.path.open("a", encoding="utf-8")
        if not text.endswith("\n"):
            journal._file.write("\n")  # end a torn last line so the next entry stands alone
        return journal

    def mark_created(self) -> None:
        self._append(["created"])
        self.created = True

    def mark_done(self, array: str, block: int) -> None:
        self._append(["done", array, block])
        self.done.setdefault(array, set()).add(block)

    def finish(self) -> None:
        """The copy is complete: the journal goes."""
        self.close()
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _append(self, entry: Any) -> None:
        assert self._file is not None
        self._file.write(json.dumps(entry) + "\n")
        self._file.flush()


def _parse(line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None
