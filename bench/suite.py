"""The side-by-side benchmark suite: `python bench/suite.py [options]` is `zarrphase bench`.

Run `python bench/suite.py --help` for the options; the package holds the suite
(python/zarrphase/benchmark/), this script only parses the arguments.
"""

import argparse
import sys

from zarrphase.benchmark import command


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/suite.py")
    command.add_parser(parser.add_subparsers(dest="command", required=True))
    return command.run(parser.parse_args(["bench", *sys.argv[1:]]))


if __name__ == "__main__":
    sys.exit(main())
