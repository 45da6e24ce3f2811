"""Fetches the test suite of the installed zarr-python from its sdist on PyPI into
.venv/upstream/zarr-<version>/ (tests/ and the pyproject.toml that holds its pytest settings), so
our tests can run upstream's own checks against zarrphase without copying upstream code into this
repository. Idempotent; run by setup.sh."""

import subprocess
import sys
import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path


def main() -> int:
    zarr_version = version("zarr")
    target = Path(".venv/upstream") / f"zarr-{zarr_version}"
    if (target / "tests").is_dir() and (target / "pyproject.toml").is_file():
        return 0
    with tempfile.TemporaryDirectory() as download:
        fetched = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
             f"zarr=={zarr_version}", "-d", download],
            check=False,
        )  # fmt: skip
        sdists = list(Path(download).glob("zarr-*.tar.gz"))
        if fetched.returncode != 0 or not sdists:
            print(f"fetch_upstream_tests: no sdist of zarr {zarr_version}", file=sys.stderr)
            return 1
        return extract_tests(sdists[0], target, zarr_version)


def extract_tests(sdist: Path, target: Path, zarr_version: str) -> int:
    with tarfile.open(sdist, mode="r:gz") as archive:
        root = archive.getnames()[0].split("/")[0] + "/"
        wanted = [
            m
            for m in archive.getmembers()
            if m.isfile()
            and (m.name.startswith(root + "tests/") or m.name == root + "pyproject.toml")
        ]
        for member in wanted:
            member.name = member.name[len(root) :]
            archive.extract(member, target, filter="data")
        members = [m for m in wanted if m.name.startswith("tests/")]
    print(f"fetched zarr {zarr_version}'s test suite ({len(members)} files) into {target}/tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
