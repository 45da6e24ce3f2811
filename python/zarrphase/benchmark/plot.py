"""The PNG chart of a run: one panel per (store, layout, codec), decoded GB/s per workload and
implementation (higher is better). Needs matplotlib, which only this chart uses."""

from __future__ import annotations

from zarrphase.benchmark.model import WORKLOADS
from zarrphase.benchmark.runner import Results


class PlotUnavailableError(RuntimeError):
    """matplotlib is not installed."""


def require_matplotlib() -> None:
    """Fails early (before a long run) when the chart cannot be drawn."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as err:
        raise PlotUnavailableError(
            "--plot needs matplotlib, which is not installed (pip install matplotlib)"
        ) from err


def write_png(results: Results, path: str) -> None:
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    cells = results.cells
    names = list(results.versions)
    columns = min(4, max(1, len(cells)))
    rows = (len(cells) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(5.5 * columns, 3.6 * rows), squeeze=False)
    index = {(m.store, m.layout, m.codec, m.workload, m.impl): m for m in results.measurements}
    width = 0.8 / max(1, len(names))
    for n, cell in enumerate(cells):
        ax = axes[n // columns][n % columns]
        key = (cell.store, cell.layout, cell.codec)
        workloads = [w for w in WORKLOADS if any((*key, w, i) in index for i in names)]
        for k, impl in enumerate(names):
            values = []
            for w in workloads:
                m = index.get((*key, w, impl))
                ok = m is not None and m.seconds
                values.append(m.decoded_bytes / m.seconds / 1e9 if ok and m else 0.0)
            positions = [x + (k - (len(names) - 1) / 2) * width for x in range(len(workloads))]
            ax.bar(positions, values, width, label=impl)
        ax.set_title(f"{cell.store} / {cell.layout} / {cell.codec}", fontsize=9)
        ax.set_xticks(range(len(workloads)))
        ax.set_xticklabels(workloads, rotation=35, ha="right", fontsize=7)
        ax.set_ylabel("GB/s (decoded)", fontsize=8)
    for n in range(len(cells), rows * columns):
        axes[n // columns][n % columns].axis("off")
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="upper center", ncol=len(names), fontsize=9)
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    figure.savefig(path, dpi=90)
    plt.close(figure)
