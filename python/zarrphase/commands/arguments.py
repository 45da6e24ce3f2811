"""What the subcommands share about their arguments: shape parsing, help formatting, and the
`UsageError` that `zarrphase.cli` turns into a message on stderr and exit status 2 (a user's
mistake gets a sentence, never a traceback)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

# Exit statuses every subcommand uses.
EXIT_OK = 0
EXIT_PROBLEM = 1  # the data is damaged (verify) or its metadata cannot be read (info)
EXIT_USAGE = 2  # a bad path or argument: argparse's own status for usage errors
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C


class UsageError(Exception):
    """A mistake in the command line (bad path, bad option value): printed without a traceback,
    exit status 2."""


class CommandError(Exception):
    """The command could not do its job for a reason that is no usage mistake (unreadable source
    data, a failed write): printed without a traceback, exit status 1."""


def shape(text: str) -> tuple[int, ...]:
    """argparse type for a comma-separated list of positive sizes, e.g. `64,64,64`."""
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from err
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive sizes, got {text!r}")
    return values


def positive_int(text: str) -> int:
    """argparse type for a count of at least one (e.g. `--jobs`)."""
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from err
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def default_jobs() -> int:
    """Parallel workers by default: the cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def existing_node_folder(path: Path, command: str) -> Path:
    """`path` resolved, or a UsageError saying why it cannot be a local Zarr folder."""
    if not path.exists():
        raise UsageError(f"{command}: {path}: no such file or directory")
    if not path.is_dir():
        raise UsageError(f"{command}: {path}: not a directory (a Zarr array or group is a folder)")
    return path.resolve()


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and epilogs (the examples) as written."""
