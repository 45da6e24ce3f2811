"""Writes the golden codec fixtures in cpp/tests/golden/codecs/ from zarr-python and numcodecs.

Each case is one chunk: `<case>.decoded.bin` holds the array as C-ordered native (little-endian)
bytes, `<case>.encoded.bin` the bytes zarr-python / numcodecs store for it, and manifest.json the
codec chain in v3 form (as zarr.json would hold it), the data type, the shape, and whether
zarrphase is expected to re-encode the decoded bytes to exactly the same stored bytes.

v3 cases go through zarr-python's own codec pipeline (create_array + write + read the stored
chunk). Zarr v2 compressors ("numcodecs.*") are applied with numcodecs to the chunk as an array of
its data type, which is what zarr-python does for a Zarr v2 array.

Run from the repository root: .venv/bin/python cpp/tests/golden/generate_codecs.py
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numcodecs
import numpy as np
import zarr
from numcodecs.abc import Codec as Numcodec
from zarr.abc.codec import BytesBytesCodec
from zarr.codecs import BloscCodec, BytesCodec, Crc32cCodec, GzipCodec, ZstdCodec
from zarr.storage import MemoryStore

OUT_DIR = Path(__file__).resolve().parent / "codecs"

# numcodecs' GZip stamps the current time into the header; pin it so fixtures are reproducible.
# The C++ test ignores these four bytes when it compares a re-encoding (zarrphase writes 0).
GZIP_MTIME = 1_700_000_000
GZIP_MTIME_BYTES = [4, 8]

V2_SHUFFLE_NAMES = {-1: "autoshuffle", 0: "noshuffle", 1: "shuffle", 2: "bitshuffle"}

LITTLE_ENDIAN_BYTES: dict[str, Any] = {"name": "bytes", "configuration": {"endian": "little"}}


@dataclass
class Case:
    name: str
    codecs: list[dict[str, Any]]
    array: np.ndarray
    encoded: bytes
    reencode_identical: bool
    note: str = ""
    ignore_byte_ranges: list[list[int]] = field(default_factory=list)


def smooth_uint16(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """A slowly varying image-like signal: what compressors meet in practice."""
    rng = np.random.default_rng(seed)
    steps = rng.integers(-3, 4, size=int(np.prod(shape)))
    return (1000 + np.cumsum(steps)).astype("<u2").reshape(shape)


def noisy_float32(shape: tuple[int, ...], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.linspace(0.0, 10.0, int(np.prod(shape)), dtype=np.float64)
    return (np.sin(base) + rng.normal(0, 0.01, base.size)).astype("<f4").reshape(shape)


def small_int64(shape: tuple[int, ...], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(-50, 50, size=shape).astype("<i8")


def bytes_uint8(shape: tuple[int, ...], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 4, size=shape) * 17).astype("u1")


def booleans(shape: tuple[int, ...], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2, size=shape).astype("bool")


def complex64(shape: tuple[int, ...], seed: int) -> np.ndarray:
    real = noisy_float32(shape, seed).astype(np.float32)
    imag = noisy_float32(shape, seed + 1).astype(np.float32)
    return (real + 1j * imag).astype("<c8")


@contextmanager
def pinned_gzip_mtime() -> Iterator[None]:
    original = gzip.time.time
    gzip.time.time = lambda: float(GZIP_MTIME)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        gzip.time.time = original  # type: ignore[attr-defined]


def through_zarr_v3(
    array: np.ndarray,
    compressors: list[BytesBytesCodec],
    serializer: BytesCodec | None = None,
) -> tuple[list[dict[str, Any]], bytes]:
    """Writes `array` as one chunk with zarr-python; returns zarr.json's codecs and the chunk."""
    store = MemoryStore()
    z = zarr.create_array(
        store=store,
        shape=array.shape,
        chunks=array.shape,
        dtype=array.dtype,
        serializer=serializer if serializer is not None else BytesCodec(),
        compressors=compressors,
        fill_value=0,
        zarr_format=3,
    )
    with pinned_gzip_mtime():
        z[...] = array
    metadata = json.loads(store._store_dict["zarr.json"].to_bytes())
    chunk_key = "c/" + "/".join("0" for _ in array.shape) if array.ndim else "c"
    encoded = store._store_dict[chunk_key].to_bytes()
    np.testing.assert_array_equal(z[...], array)
    return metadata["codecs"], encoded


def v2_case(
    name: str,
    array: np.ndarray,
    codec: Numcodec,
    config: dict[str, Any],
    note: str = "",
    reencode_identical: bool = True,
) -> Case:
    """A Zarr v2 compressor applied the way a v2 array applies it: to the chunk's ndarray."""
    with pinned_gzip_mtime():
        encoded = bytes(codec.encode(np.ascontiguousarray(array)))
    decoded = np.frombuffer(bytes(codec.decode(encoded)), dtype=array.dtype)
    np.testing.assert_array_equal(decoded.reshape(array.shape), array)
    codec_name = "numcodecs." + codec.codec_id
    ignore = GZIP_MTIME_BYTES if codec.codec_id == "gzip" else None
    return Case(
        name=name,
        codecs=[LITTLE_ENDIAN_BYTES, {"name": codec_name, "configuration": config}],
        array=array,
        encoded=encoded,
        reencode_identical=reencode_identical,
        note=note,
        ignore_byte_ranges=[ignore] if ignore else [],
    )


def decode_only_case(
    name: str,
    array: np.ndarray,
    codec_json: dict[str, Any],
    encoded: bytes,
    decode: Callable[[bytes], bytes],
    note: str,
) -> Case:
    """Bytes some other writer produced; numcodecs must read them, and so must zarrphase."""
    np.testing.assert_array_equal(
        np.frombuffer(decode(encoded), dtype=array.dtype).reshape(array.shape), array
    )
    return Case(name, [LITTLE_ENDIAN_BYTES, codec_json], array, encoded, False, note)


def zstd_cli_stream(data: bytes) -> bytes | None:
    """A zstd frame without a content size, as any streaming compressor writes it."""
    if shutil.which("zstd") is None:
        return None
    result = subprocess.run(
        ["zstd", "-q", "-c", "-3", "--no-check", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout


def v3_cases() -> list[Case]:
    cases: list[Case] = []
    image = smooth_uint16((24, 40), seed=1)
    floats = noisy_float32((500,), seed=2)

    def add(name: str, array: np.ndarray, compressors: list[BytesBytesCodec], **kw: Any) -> None:
        codecs, encoded = through_zarr_v3(array, compressors, kw.pop("serializer", None))
        cases.append(Case(name, codecs, array, encoded, **kw))

    gzip_note = "gzip MTIME (bytes 4-8) is the write time in numcodecs and 0 in zarrphase"
    for level in (0, 1, 5, 9):
        add(
            f"v3_gzip_level{level}_uint16",
            image,
            [GzipCodec(level=level)],
            reencode_identical=True,
            note=gzip_note,
            ignore_byte_ranges=[GZIP_MTIME_BYTES],
        )
    # Level 0 writes stored blocks whose sizes follow CPython's output-buffer growth: > 32 KiB
    # of input crosses the first buffer boundary.
    add(
        "v3_gzip_level0_large_uint8",
        bytes_uint8((40_000,), seed=3),
        [GzipCodec(level=0)],
        reencode_identical=True,
        note=gzip_note,
        ignore_byte_ranges=[GZIP_MTIME_BYTES],
    )
    for level, checksum in ((0, False), (3, True), (-5, False), (19, True)):
        tag = f"m{-level}" if level < 0 else str(level)
        add(
            f"v3_zstd_level{tag}_{'checksum' if checksum else 'nochecksum'}_float32",
            floats,
            [ZstdCodec(level=level, checksum=checksum)],
            reencode_identical=True,
        )
    add("v3_zstd_int64_3d", small_int64((4, 5, 6), seed=4), [ZstdCodec()], reencode_identical=True)

    blosc_note = (
        "numcodecs' c-blosc 1.21.7 and the system c-blosc 1.21.3 agree here; see "
        "generate_codecs.py for the settings where their bundled compressors differ"
    )
    for cname in ("blosclz", "lz4", "lz4hc", "zlib", "zstd"):
        for shuffle in ("noshuffle", "shuffle", "bitshuffle"):
            add(
                f"v3_blosc_{cname}_{shuffle}_uint16",
                image,
                [BloscCodec(cname=cname, clevel=5, shuffle=shuffle)],
                reencode_identical=True,
                note=blosc_note,
            )
    add(
        "v3_blosc_default_float32",
        floats,
        [BloscCodec()],
        reencode_identical=True,
        note="typesize and shuffle resolved from the data type",
    )
    add(
        "v3_blosc_default_uint8",
        bytes_uint8((3000,), seed=5),
        [BloscCodec(cname="lz4")],
        reencode_identical=True,
        note="1-byte type: zarr-python picks bitshuffle",
    )
    add(
        "v3_blosc_lz4_blocksize_complex64",
        complex64((300,), seed=6),
        [BloscCodec(cname="lz4", clevel=9, shuffle="shuffle", blocksize=512)],
        reencode_identical=True,
        note=blosc_note,
    )
    # zarrphase links the system libraries (Debian: c-blosc 1.21.3 built on zstd 1.5.4 and
    # lz4 1.9.4); numcodecs bundles c-blosc 1.21.7 with zstd 1.5.6 and lz4 1.10. blosclz, lz4
    # and zlib encode identically; lz4hc at clevel 1 never does and zstd at clevel >= 5 on some
    # inputs past ~32 KiB does not, because those compressors changed between versions.
    library_note = (
        "the bundled compressor library differs from the system one (zstd 1.5.6 vs 1.5.4, "
        "lz4 1.10 vs 1.9.4), so only decoding is compared"
    )
    add(
        "v3_blosc_lz4hc_clevel1_uint16",
        image,
        [BloscCodec(cname="lz4hc", clevel=1, shuffle="shuffle")],
        reencode_identical=False,
        note=library_note,
    )
    add(
        "v3_bytes_bigendian_int64",
        small_int64((7, 9), seed=7),
        [],
        serializer=BytesCodec(endian="big"),
        reencode_identical=True,
    )
    add(
        "v3_bytes_crc32c_float32",
        floats,
        [Crc32cCodec()],
        reencode_identical=True,
    )
    add(
        "v3_zstd_crc32c_bool",
        booleans((33, 17), seed=8),
        [ZstdCodec(level=1), Crc32cCodec()],
        reencode_identical=True,
    )
    return cases


def v2_cases() -> list[Case]:
    cases: list[Case] = []
    image = smooth_uint16((24, 40), seed=11)
    floats = noisy_float32((500,), seed=12)
    raw = bytes_uint8((40_000,), seed=13)

    for level in (1, 6, 9):
        cases.append(
            v2_case(f"v2_zlib_level{level}_uint16", image, numcodecs.Zlib(level), {"level": level})
        )
    cases.append(v2_case("v2_zlib_level0_large_uint8", raw, numcodecs.Zlib(0), {"level": 0}))
    for level in (1, 9):
        cases.append(
            v2_case(
                f"v2_gzip_level{level}_float32",
                floats,
                numcodecs.GZip(level),
                {"level": level},
                note="gzip MTIME (bytes 4-8) is the write time in numcodecs and 0 in zarrphase",
            )
        )
    cases.append(v2_case("v2_zstd_level1_uint16", image, numcodecs.Zstd(level=1), {"level": 1}))
    cases.append(
        v2_case(
            "v2_zstd_level5_checksum_float32",
            floats,
            numcodecs.Zstd(level=5, checksum=True),
            {"level": 5, "checksum": True},
        )
    )
    cases.append(
        v2_case(
            "v2_zstd_level9_large_uint16",
            smooth_uint16((17_000,), seed=1),
            numcodecs.Zstd(level=9),
            {"level": 9},
            note="numcodecs bundles zstd 1.5.6, the system has 1.5.4: level 9 compresses "
            "differently past ~32 KiB, so only decoding is compared",
            reencode_identical=False,
        )
    )
    for cname, shuffle, array in (
        ("lz4", 1, image),
        ("zstd", -1, bytes_uint8((3000,), seed=14)),
        ("zstd", -1, floats),
        ("blosclz", 2, floats),
        ("zlib", 0, image),
    ):
        config = {"cname": cname, "clevel": 5, "shuffle": shuffle, "blocksize": 0}
        cases.append(
            v2_case(
                f"v2_blosc_{cname}_{V2_SHUFFLE_NAMES[shuffle]}_{array.dtype.name}",
                array,
                numcodecs.Blosc(**config),
                config,
            )
        )
    for acceleration in (1, 10):
        cases.append(
            v2_case(
                f"v2_lz4_acceleration{acceleration}_float32",
                floats,
                numcodecs.LZ4(acceleration=acceleration),
                {"acceleration": acceleration},
            )
        )
    return cases


def decode_only_cases() -> list[Case]:
    cases: list[Case] = []
    image = smooth_uint16((24, 40), seed=21)
    data = image.tobytes()
    zstd = numcodecs.Zstd(level=3)
    gz = numcodecs.GZip(level=5)

    stream = zstd_cli_stream(data)
    if stream is not None:
        cases.append(
            decode_only_case(
                "decode_zstd_stream_no_content_size",
                image,
                {"name": "zstd", "configuration": {"level": 3, "checksum": False}},
                stream,
                lambda b: bytes(zstd.decode(b)),
                "written by the zstd CLI from a pipe: the frame has no content size",
            )
        )
    half = len(data) // 2
    cases.append(
        decode_only_case(
            "decode_zstd_two_frames",
            image,
            {"name": "zstd", "configuration": {"level": 3, "checksum": False}},
            bytes(zstd.encode(data[:half])) + bytes(zstd.encode(data[half:])),
            lambda b: bytes(zstd.decode(b)),
            "two concatenated frames, each with its content size",
        )
    )
    with pinned_gzip_mtime():
        members = bytes(gz.encode(data[:half])) + b"\0\0\0" + bytes(gz.encode(data[half:]))
    cases.append(
        decode_only_case(
            "decode_gzip_two_members_zero_padding",
            image,
            {"name": "gzip", "configuration": {"level": 5}},
            members,
            lambda b: bytes(gz.decode(b)),
            "two gzip members with zero padding between them, as Python's gzip module reads",
        )
    )
    # zarr-python 3 hands the v3 numcodecs.blosc wrapper raw bytes, so blosc sees typesize 1;
    # zarrphase resolves the typesize from the data type (what a Zarr v2 array does).
    codecs, encoded = through_zarr_v3(
        image, [zarr.codecs.numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1)]
    )
    cases.append(
        Case(
            "decode_v3_numcodecs_blosc_typesize1",
            codecs,
            image,
            encoded,
            False,
            "zarr-python 3 compresses v3 numcodecs.blosc with typesize 1; zarrphase uses the "
            "element size, so only decoding is compared",
        )
    )
    return cases


def write(cases: list[Case]) -> None:
    if OUT_DIR.exists():
        for old in OUT_DIR.glob("*.bin"):
            old.unlink()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    manifest_cases = []
    for case in cases:
        native = case.array.astype(case.array.dtype.newbyteorder("<"), copy=False)
        (OUT_DIR / f"{case.name}.decoded.bin").write_bytes(np.ascontiguousarray(native).tobytes())
        (OUT_DIR / f"{case.name}.encoded.bin").write_bytes(case.encoded)
        entry: dict[str, Any] = {
            "name": case.name,
            "codecs": case.codecs,
            "data_type": zarr.dtype.parse_dtype(case.array.dtype, zarr_format=3).to_json(
                zarr_format=3
            ),
            "shape": list(case.array.shape),
            "reencode_identical": case.reencode_identical,
        }
        if case.ignore_byte_ranges:
            entry["ignore_byte_ranges"] = case.ignore_byte_ranges
        if case.note:
            entry["note"] = case.note
        manifest_cases.append(entry)
    manifest = {
        "generator": "cpp/tests/golden/generate_codecs.py",
        "zarr": zarr.__version__,
        "numcodecs": numcodecs.__version__,
        "generated_at_mtime_pin": GZIP_MTIME,
        "cases": manifest_cases,
    }
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def main() -> None:
    start = time.monotonic()
    cases = v3_cases() + v2_cases() + decode_only_cases()
    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    write(cases)
    total = sum(p.stat().st_size for p in OUT_DIR.iterdir())
    print(f"wrote {len(cases)} cases, {total} bytes, in {time.monotonic() - start:.1f}s")


if __name__ == "__main__":
    main()
