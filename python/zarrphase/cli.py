"""The `zarrphase` command line.

Each subcommand is a module with `add_parser(subparsers)`, which registers it, and
`run(args) -> int`, which does it and returns the exit status; adding one is an import and an
entry in `_COMMANDS`. Mistakes in the command line (bad paths, bad option values) print one line
on stderr and exit with status 2, like argparse's own usage errors; failures that are no
mistake of the user's (unreadable data) exit with 1, and Ctrl-C with 130.
"""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from zarrphase.benchmark import command as bench
from zarrphase.commands import arguments, copy, info, verify
from zarrphase.commands.arguments import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    CommandError,
    UsageError,
)

_DEMO_EXAMPLES = """examples:
  zarrphase demo                                  # 256^3 array in demo-data/demo.zarr
  zarrphase demo --dir /tmp/d.zarr --shape 64,64,64 --chunks 32,32,32
"""


def _add_demo(subparsers: Any) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="write, read back and verify a 3-D zstd+crc32c array (the main job of `make demo`)",
        description="Write a 3-D zstd+crc32c array with zarrphase, read it back with zarrphase\n"
        "and with zarr-python, and check that both read exactly what was written.",
        epilog=_DEMO_EXAMPLES,
        formatter_class=arguments.HelpFormatter,
    )
    demo.add_argument(
        "--dir",
        type=Path,
        default=Path("demo-data/demo.zarr"),
        help="where to write the array (replaced if present)",
    )
    demo.add_argument(
        "--shape",
        type=arguments.shape,
        default=(256, 256, 256),
        help="array shape, e.g. 256,256,256",
    )
    demo.add_argument(
        "--chunks", type=arguments.shape, default=(64, 64, 64), help="chunk shape, e.g. 64,64,64"
    )


def _run_demo(args: argparse.Namespace) -> int:
    from zarrphase import demo

    if len(args.shape) != len(args.chunks):
        raise UsageError("demo: --shape and --chunks need the same number of sizes")
    demo.run(args.dir, args.shape, args.chunks)
    return EXIT_OK


class Command(Protocol):
    """What a subcommand module provides."""

    def add_parser(self, subparsers: Any, /) -> None: ...

    def run(self, args: argparse.Namespace, /) -> int: ...


class _Demo:
    add_parser = staticmethod(_add_demo)
    run = staticmethod(_run_demo)


# By the name each registers, in the order --help lists them.
_COMMANDS: dict[str, Command] = {
    "demo": _Demo(),
    "bench": bench,
    "info": info,
    "copy": copy,
    "verify": verify,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zarrphase",
        description="A phased, native Zarr engine: benchmark, inspect, copy and verify Zarr "
        "arrays.",
        epilog="Run `zarrphase COMMAND --help` for a command's options and examples.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _COMMANDS.values():
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.command].run(args))
    except UsageError as err:
        print(f"zarrphase {err}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as err:
        print(f"zarrphase {err}", file=sys.stderr)
        return EXIT_PROBLEM
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print(f"zarrphase {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
