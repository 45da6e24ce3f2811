"""Runs zarrphase's zarr-python integration tests against the oldest zarr-python it supports
(`make oldest-zarr-test`, part of `make test`).

pyproject.toml declares `zarr>=OLDEST`; this proves it. A second environment, .venv/oldest-zarr,
holds that zarr (and numpy, numcodecs, pytest) and imports the very zarrphase build installed in
.venv (the native module does not depend on zarr's version), so the same code is tested twice.
zarr's own pipeline suite ships with its sdist per version, so the contract tests run only on the
pinned version (`make python-test`, `make upstream-test`).
"""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

OLDEST = "3.3.0"
REPO = Path(__file__).resolve().parents[1]
ENV = REPO / ".venv" / "oldest-zarr"
PACKAGES = [f"zarr=={OLDEST}", "numpy>=2.0", "numcodecs>=0.16", "pytest>=9", "hypothesis>=6.100"]
TESTS = [
    "tests/test_pipeline_parity.py",
    "tests/test_pipeline_stores.py",
    "tests/test_pipeline_errors.py",
    "tests/test_zarr_interop.py",
]


def ensure_environment() -> Path:
    python = ENV / "bin" / "python"
    marker = ENV / f"zarr-{OLDEST}.installed"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(ENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *PACKAGES],
            check=True,
        )
        marker.touch()
    return python


def main() -> int:
    python = ensure_environment()
    # A folder holding only `zarrphase` (a link to .venv's installed package) goes first on the
    # old environment's path: same build, other zarr.
    installed = Path(sysconfig.get_paths()["purelib"]) / "zarrphase"
    if not installed.is_dir():
        sys.exit(f"{installed} is missing: run `make python` first")
    overlay = ENV / "zarrphase-overlay"
    overlay.mkdir(exist_ok=True)
    link = overlay / "zarrphase"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(installed, target_is_directory=True)
    environment = dict(os.environ, PYTHONPATH=str(overlay))
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS]
    print(f"zarr {OLDEST} (the oldest supported):", " ".join(TESTS), flush=True)
    return subprocess.run(command, cwd=REPO, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
