"""`zarrphase demo` (the main job of `make demo`) runs end to end on a small array."""

import numpy as np
import zarr

from zarrphase.cli import main
from zarrphase.demo import make_volume


def test_demo_writes_an_array_zarr_python_reads(tmp_path, capsys) -> None:
    target = tmp_path / "demo.zarr"
    assert main(["demo", "--dir", str(target), "--shape", "40,33,20", "--chunks", "16,16,8"]) == 0
    printed = capsys.readouterr().out
    assert "verified: zarrphase reads back exactly what it wrote" in printed
    assert "verified: zarr-python" in printed
    np.testing.assert_array_equal(
        zarr.open_array(str(target), mode="r")[...], make_volume((40, 33, 20))
    )
