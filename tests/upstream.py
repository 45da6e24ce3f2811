"""zarr-python's own test modules, fetched from the sdist of the installed version by
scripts/fetch_upstream_tests.py (run by setup.sh) rather than copied into this repository."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import zarr

UPSTREAM_TESTS = (
    Path(__file__).parents[1] / ".venv" / "upstream" / f"zarr-{zarr.__version__}" / "tests"
)


def load_upstream_module(relative_path: str) -> ModuleType:
    """Imports one of zarr-python's test modules by its path under its tests/ folder."""
    path = UPSTREAM_TESTS / relative_path
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run scripts/setup.sh (it fetches zarr {zarr.__version__}'s "
            "test suite from its sdist)"
        )
    spec = importlib.util.spec_from_file_location(f"zarr_upstream_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module
