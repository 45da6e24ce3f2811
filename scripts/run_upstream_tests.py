"""Runs zarr-python's own test suite (fetched by scripts/fetch_upstream_tests.py) with
zarrphase.PhasedCodecPipeline as the default pipeline, selected the way users select it: through
ZARR_CODEC_PIPELINE__PATH.

Tests that cannot apply to another pipeline, or that fail with zarr's default pipeline too, are
listed in tests/upstream_exclusions.txt, one node id per line followed by "# reason"; they are
deselected. Everything else must pass. Run by `make upstream-test` (part of `make test`).
"""

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXCLUSIONS = REPO / "tests" / "upstream_exclusions.txt"


def exclusions() -> list[str]:
    node_ids = []
    for number, line in enumerate(EXCLUSIONS.read_text().splitlines(), start=1):
        entry, _, reason = line.partition("#")
        if not entry.strip():
            continue
        if not reason.strip():
            sys.exit(f"{EXCLUSIONS}:{number}: every exclusion needs a '# reason'")
        node_ids.append(entry.strip())
    return node_ids


def main() -> int:
    upstream = REPO / ".venv" / "upstream" / f"zarr-{version('zarr')}"
    if not (upstream / "tests").is_dir():
        sys.exit(f"{upstream}/tests is missing: run scripts/setup.sh")
    environment = dict(os.environ, ZARR_CODEC_PIPELINE__PATH="zarrphase.PhasedCodecPipeline")
    # scripts/upstream_pytest_plugin.py: tells zarr's sharding tests which store methods our
    # pipeline uses (they choose what to count by the pipeline's name).
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "scripts"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    command = [
        sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider",
        "-p", "upstream_pytest_plugin",
        "-n", str(min(2, os.cpu_count() or 1)),
        # upstream's addopts configure plugins (benchmark columns, doctests of its sources) that
        # its test files do not need; its strictness settings (warnings as errors) stay on.
        "-o", "addopts=", "--benchmark-disable", "-ra",
    ]  # fmt: skip
    for node_id in exclusions():
        command += ["--deselect", node_id]
    return subprocess.run(command, cwd=upstream, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
