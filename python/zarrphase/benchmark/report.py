"""Turns `Results` into the printed report: a header of facts (machine, versions, policies), one
markdown table per (store, layout, codec), the footnotes, and the issue's targets as facts."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterable
from typing import Any

from zarrphase.benchmark.adapters import REFERENCE
from zarrphase.benchmark.model import WORKLOADS
from zarrphase.benchmark.runner import Measurement, Results

CPP = "zarrphase C++ API"
PEERS_NOT = {REFERENCE, CPP}  # ours; every other implementation is a peer


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as info:
            model = next((ln.split(":", 1)[1].strip() for ln in info if "model name" in ln), "")
    except OSError:
        pass
    memory = 0
    try:
        with open("/proc/meminfo") as info:
            memory = int(next(ln for ln in info if ln.startswith("MemTotal")).split()[1]) * 1024
    except (OSError, StopIteration):
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_bytes": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def _fmt_seconds(m: Measurement | None) -> str:
    if m is None:
        return ""
    if m.skipped:
        return "skip"
    if m.error or m.seconds is None:
        return "ERROR"
    star = "*" if m.sampled is not None and m.sampled < (m.pieces or 0) else ""
    return f"{m.seconds:.3g}{star}"


def _speedup(ours: Measurement | None, peer: Measurement | None) -> str:
    if ours is None or peer is None or ours.seconds is None or peer.seconds is None:
        return ""
    return f"{peer.seconds / ours.seconds:.2f}x"


def _of_limit(m: Measurement | None) -> str:
    if m is None or m.seconds is None or m.limit_seconds is None:
        return ""
    return f"{100 * m.limit_seconds / m.seconds:.0f}%"


def impl_names(results: Results) -> list[str]:
    return list(results.versions)


def _by_key(results: Results) -> dict[tuple[str, str, str, str, str], Measurement]:
    return {(m.store, m.layout, m.codec, m.workload, m.impl): m for m in results.measurements}


def tables(results: Results) -> list[str]:
    names = impl_names(results)
    peers = [n for n in names if n not in PEERS_NOT]
    index = _by_key(results)
    lines: list[str] = []
    for cell in results.cells:
        key = (cell.store, cell.layout, cell.codec)
        workloads = [w for w in WORKLOADS if any((*key, w, n) in index for n in names)]
        if not workloads:
            continue
        lines.append(
            f"### {cell.store} / {cell.layout_text} / {cell.codec_text} "
            f"(stored {cell.stored_bytes / 2**20:.1f} MiB, ratio {cell.ratio:.2f})"
        )
        lines.append("")
        head = ["workload", *[f"{n} s" for n in names]]
        if REFERENCE in names:
            head += [f"vs {p}" for p in peers]
            head += ["zarrphase of limit"]
        if CPP in names:
            head += ["C++ API of limit"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for w in workloads:
            row = [WORKLOADS[w].label] + [_fmt_seconds(index.get((*key, w, n))) for n in names]
            ours = index.get((*key, w, REFERENCE))
            if REFERENCE in names:
                row += [_speedup(ours, index.get((*key, w, p))) for p in peers]
                row += [_of_limit(ours)]
            if CPP in names:
                row += [_of_limit(index.get((*key, w, CPP)))]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    return lines


def targets(results: Results) -> list[str]:
    """The issue's targets for zarrphase through zarr-python, as facts; every miss listed."""
    index = _by_key(results)
    names = impl_names(results)
    misses: list[str] = []
    checked = 0
    per_target: dict[str, list[int]] = {}  # target -> [met, checked]
    sharded = {c.layout for c in results.cells if c.layout != "chunks"}
    for (store, layout, codec, workload, impl), peer in index.items():
        if impl in PEERS_NOT or peer.seconds is None:
            continue
        ours = index.get((store, layout, codec, workload, REFERENCE))
        if ours is None or ours.seconds is None:
            continue
        ratio = peer.seconds / ours.seconds
        where = f"{store}/{layout}/{codec}/{workload}"
        wanted = [(1.0, "never slower")]
        if layout in sharded and impl == "zarrs-python":
            wanted.append((1.5, ">= 1.5x zarrs-python on sharded"))
        if layout in sharded and impl == "zarr default":
            wanted.append((5.0, ">= 5x zarr default on sharded"))
        if workload.startswith("read-subchunks") and impl == "zarrs-python":
            wanted.append((2.0, ">= 2x zarrs-python subchunk by subchunk"))
        for need, text in wanted:
            checked += 1
            tally = per_target.setdefault(text, [0, 0])
            tally[1] += 1
            if ratio < need:
                misses.append(f"{text}: {where}: {ratio:.2f}x {impl}")
            else:
                tally[0] += 1
    for m in results.measurements:
        if m.impl == REFERENCE and m.workload == "read-all" and m.limit_seconds and m.seconds:
            checked += 1
            share = m.limit_seconds / m.seconds
            tally = per_target.setdefault("read-all >= 70% of the limit", [0, 0])
            tally[1] += 1
            tally[0] += share >= 0.7
            if share < 0.7:
                misses.append(
                    f"read-all >= 70% of the limit: {m.store}/{m.layout}/{m.codec}: {share:.0%}"
                )
    if REFERENCE not in names:
        return ["Targets: zarrphase (through zarr-python) was not measured."]
    out = [f"Targets (zarrphase through zarr-python): {checked - len(misses)} of {checked} met."]
    out += [f"- {text}: {met} of {total} met" for text, (met, total) in sorted(per_target.items())]
    out += ["", "Misses:"] if misses else []
    out += [f"- miss: {text}" for text in sorted(misses)]
    return out


def header(results: Results) -> list[str]:
    s = results.settings
    m = machine()
    lines = [
        f"zarrphase bench: {'quick' if s['quick'] else 'full'} run, "
        f"wall {results.wall_seconds:.0f} s",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_bytes'] / 2**30:.0f} GiB, "
        f"{m['platform']}, Python {m['python']}",
        "Versions: " + "; ".join(f"{k}: {v}" for k, v in results.versions.items()),
        f"Settings: uint16 volume of edge {s['size']} (S3: {min(s['size'], s['s3_size'])}), "
        f"subchunk edge {s['subchunk']}, median of {s['repeats']} timed runs after one "
        f"verified warm-up, N in flight = {s['inflight']}, {s['threads']} threads for every "
        "implementation's compute (zarrphase threads, zarrs/zarr threading.max_workers, "
        "tensorstore data_copy_concurrency); zarr async.concurrency 10 (default).",
        "Policies: one dataset per (layout, codec) written by zarr-python's default pipeline and "
        "read by all; memory stores: each implementation gets its own copy of the objects; local "
        "files written just before each cell (page cache warm); outputs preallocated, touched "
        "and passed to every implementation (zarr out=, tensorstore ts.array(out), C++ read_into); "
        f"allocator: {malloc_policy()}; tensorstore chunk cache off; "
        "garbage collector off during timed runs.",
        f"Limits: memcpy {results.memcpy_bandwidth / 1e9:.1f} GB/s single-threaded "
        "(uncompressed rows); compressed rows: single-core decode/encode of every (sub)chunk "
        f"once through zarrphase's CodecChain x {s['threads']} cores.",
    ]
    lines += [f"Note: {n}" for n in results.notes]
    return lines


def malloc_policy() -> str:
    names = ("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")
    set_ = [f"{n}={os.environ[n]}" for n in names if n in os.environ]
    if not set_:
        return "glibc defaults (large frees return pages to the OS)"
    return "glibc " + " ".join(set_) + " (freed heap reused warm)"


def footnotes(results: Results) -> list[str]:
    lines = [
        "Seconds per whole workload (lower is better); 'vs X' = X's time / zarrphase's time "
        "(zarrphase through zarr-python); 'of limit' = the physical limit's time / the measured "
        "time. Round trip: the limit is decode + encode of the array; partial overwrite: decode "
        "+ encode of the touched subchunks (the chunk, when not sharded).",
    ]
    sampled = [m for m in results.measurements if m.sampled and m.pieces and m.sampled < m.pieces]
    if sampled:
        example = sampled[0]
        lines.append(
            f"* timed on the same evenly spaced sample of at most {results.settings['max_pieces']} "
            f"pieces for every implementation, extrapolated to all pieces (e.g. {example.sampled} "
            f"of {example.pieces})."
        )
    skipped = sorted({f"{m.impl} on {m.store}: {m.skipped}" for m in results.measurements
                      if m.skipped})  # fmt: skip
    lines += [f"skip: {s}" for s in skipped]
    errors = [m for m in results.measurements if m.error]
    for m in errors:
        lines.append(f"ERROR {m.impl} {m.store}/{m.layout}/{m.codec}/{m.workload}: {m.error}")
    requests = [m for m in results.measurements if m.requests is not None]
    if requests:
        lines.append("")
        lines.append(
            "S3 requests during one run, counted at the server (sampled workloads: for the "
            "sampled pieces only):"
        )
        lines.append("")
        lines.append("| layout | codec | workload | implementation | GET | PUT | HEAD | other |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for m in requests:
            r = dict(m.requests or {})
            get, put, head = r.pop("GET", 0), r.pop("PUT", 0), r.pop("HEAD", 0)
            lines.append(
                f"| {m.layout} | {m.codec} | {m.workload} | {m.impl} | {get} | {put} | {head} "
                f"| {sum(r.values())} |"
            )
    return lines


def markdown(results: Results) -> str:
    parts: Iterable[str] = [
        *header(results),
        "",
        *tables(results),
        *footnotes(results),
        "",
        *targets(results),
    ]
    return "\n".join(parts) + "\n"


def write_json(results: Results, path: str) -> None:
    document = results.to_json()
    document["machine"] = machine()
    document["malloc_policy"] = malloc_policy()
    with open(path, "w") as file:
        json.dump(document, file, indent=1)
