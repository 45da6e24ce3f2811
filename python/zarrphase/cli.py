"""The `zarrphase` command line."""

import argparse
from collections.abc import Sequence
from pathlib import Path


def _shape(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from err
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive sizes, got {text!r}")
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zarrphase", description="A phased, native Zarr engine: demo and tools."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="write, read back and verify a 3-D zstd+crc32c array (the main job of `make demo`)",
    )
    demo.add_argument(
        "--dir",
        type=Path,
        default=Path("demo-data/demo.zarr"),
        help="where to write the array (replaced if present)",
    )
    demo.add_argument(
        "--shape", type=_shape, default=(256, 256, 256), help="array shape, e.g. 256,256,256"
    )
    demo.add_argument(
        "--chunks", type=_shape, default=(64, 64, 64), help="chunk shape, e.g. 64,64,64"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        from zarrphase import demo

        if len(args.shape) != len(args.chunks):
            raise SystemExit("zarrphase demo: --shape and --chunks need the same number of sizes")
        demo.run(args.dir, args.shape, args.chunks)
    return 0
