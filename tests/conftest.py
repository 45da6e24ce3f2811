"""Shared fixtures: arrays written by zarr-python, read back through zarrphase's native engine."""

from pathlib import Path

import numpy as np

import zarrphase


def read_with_zarrphase(root: Path, path: str = "") -> np.ndarray:
    """Reads a whole local array (v3 or v2) through zarrphase's engine and filesystem store."""
    return zarrphase.open_array(root, path)[...]
