"""zarrphase's settings in zarr-python's configuration (`zarr.config`), under "zarrphase.*".

They are set like any zarr setting, e.g. ``zarr.config.set({"zarrphase.threads": 4})`` or the
environment variable ``ZARR_ZARRPHASE__THREADS=4``:

- ``zarrphase.threads``: threads the native engine computes on (None: one per core).
- ``zarrphase.coalesce_max_gap_bytes`` / ``zarrphase.coalesce_max_bytes``: two byte ranges of a
  shard are fetched in one request when the gap between them is at most the first and the merged
  request stays within the second. None: the engine's default for local files and memory (small
  gaps); for any other store, where a request costs a round trip, zarr-python's own
  ``array.sharding_coalesce_max_gap_bytes`` / ``array.sharding_coalesce_max_bytes`` (global or per
  array), which are also passed on to the store's ``get_ranges``.
- ``zarrphase.whole_shard_fraction``: fetch a whole shard, skipping its index round, once this
  fraction of its subchunks is wanted (None: the engine's default for the store).
- ``zarrphase.validate_checksums``: verify crc32c on read (default True).
- ``zarrphase.strict``: raise instead of falling back to zarr-python's pipeline when an array
  cannot run natively (default False).
- ``zarrphase.write_ranges_in_place``: let partial writes of fixed-size subchunks patch the shard
  file in place instead of rewriting it (local files only; not atomic; default False).

The order of subchunks in the shards we write is zarr-python's own setting, the ShardingCodec's
``subchunk_write_order``, as upstream.
"""

from __future__ import annotations

from dataclasses import dataclass

from zarr.core.config import config as zarr_config

from zarrphase import _core

DEFAULTS: dict[str, object] = {
    "threads": None,
    "coalesce_max_gap_bytes": None,
    "coalesce_max_bytes": None,
    "whole_shard_fraction": None,
    "validate_checksums": True,
    "strict": False,
    "write_ranges_in_place": False,
}

# DEFAULTS are not registered in zarr.config: installing zarrphase must not change zarr's own
# configuration for people who never select its pipeline (zarr imports every registered pipeline
# when it looks one up). Missing keys read as their default instead.


@dataclass(frozen=True, slots=True)
class Settings:
    threads: int | None
    coalesce_max_gap_bytes: int | None
    coalesce_max_bytes: int | None
    whole_shard_fraction: float | None
    validate_checksums: bool
    strict: bool
    write_ranges_in_place: bool


def _optional_int(value: object, name: str) -> int | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError
        number = int(value)
    except ValueError:
        raise ValueError(f"zarrphase.{name} must be an integer or None, not {value!r}") from None
    if number < 0:
        raise ValueError(f"zarrphase.{name} must not be negative, not {value!r}")
    return number


def _flag(value: object, name: str) -> bool:
    # Environment variables arrive as text ("0", "false") or as YAML-parsed values.
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
    elif isinstance(value, bool | int):
        return bool(value)
    raise ValueError(f"zarrphase.{name} must be true or false, not {value!r}")


_KEYS = tuple(DEFAULTS)
# The last raw values seen and their parse: settings rarely change between batches.
_last: tuple[tuple[object, ...], Settings] | None = None


def current() -> Settings:
    """The settings in force now (zarr.config.set contexts included)."""
    global _last
    section = zarr_config.get("zarrphase", None) or {}
    raw = tuple(section.get(key, DEFAULTS[key]) for key in _KEYS)
    last = _last
    if last is not None and last[0] == raw:
        return last[1]
    parsed = _parse(section)
    _last = (raw, parsed)
    return parsed


def _parse(section: dict[str, object]) -> Settings:
    fraction = section.get("whole_shard_fraction")
    try:
        fraction = None if fraction is None else float(fraction)
    except (TypeError, ValueError):
        raise ValueError(
            f"zarrphase.whole_shard_fraction must be a number or None, not {fraction!r}"
        ) from None
    return Settings(
        threads=_optional_int(section.get("threads"), "threads"),
        coalesce_max_gap_bytes=_optional_int(
            section.get("coalesce_max_gap_bytes"), "coalesce_max_gap_bytes"
        ),
        coalesce_max_bytes=_optional_int(section.get("coalesce_max_bytes"), "coalesce_max_bytes"),
        whole_shard_fraction=fraction,
        validate_checksums=_flag(section.get("validate_checksums", True), "validate_checksums"),
        strict=_flag(section.get("strict", False), "strict"),
        write_ranges_in_place=_flag(
            section.get("write_ranges_in_place", False), "write_ranges_in_place"
        ),
    )


_applied_threads: int | None = None


def apply_threads(settings: Settings) -> None:
    """Resizes the native thread pool when zarrphase.threads changed since the last batch."""
    global _applied_threads
    if settings.threads != _applied_threads:
        _core.set_thread_count(settings.threads or 0)
        _applied_threads = settings.threads


_options: dict[tuple[object, ...], _core.EngineOptions] = {}


def engine_options(
    settings: Settings,
    *,
    remote: bool,
    write_empty_chunks: bool,
    subchunk_write_order: _core.SubchunkWriteOrder,
    ranges_in_place_possible: bool,
    zarr_coalescing: tuple[int, int] | None = None,
) -> _core.EngineOptions:
    """The EngineOptions of one batch: the store's defaults, then the settings that are set.
    `zarr_coalescing` is the array's (max gap, max merged size) from zarr-python's config, the
    default for remote stores. Shared between batches (plans copy them); callers must not modify
    the result."""
    key = (
        settings,
        remote,
        write_empty_chunks,
        subchunk_write_order,
        ranges_in_place_possible,
        zarr_coalescing,
    )
    cached = _options.get(key)
    if cached is not None:
        return cached
    options = (
        _core.EngineOptions.for_remote_store() if remote else _core.EngineOptions.for_local_store()
    )
    options.validate_checksums = settings.validate_checksums
    options.write_empty_chunks = write_empty_chunks
    options.subchunk_write_order = subchunk_write_order
    options.write_ranges_in_place = settings.write_ranges_in_place and ranges_in_place_possible
    if remote and zarr_coalescing is not None:
        options.coalesce_max_gap_bytes, options.coalesce_max_bytes = zarr_coalescing
    if settings.coalesce_max_gap_bytes is not None:
        options.coalesce_max_gap_bytes = settings.coalesce_max_gap_bytes
    if settings.coalesce_max_bytes is not None:
        options.coalesce_max_bytes = settings.coalesce_max_bytes
    if settings.whole_shard_fraction is not None:
        options.whole_shard_fraction = settings.whole_shard_fraction
    if len(_options) >= 64:
        _options.clear()
    _options[key] = options
    return options


def zarr_coalescing(spec: object) -> tuple[int, int] | None:
    """zarr-python's coalescing of partial shard reads for an ArraySpec (its per-array config,
    which zarr fills from the global one), or None on zarr versions without it."""
    config = getattr(spec, "config", None)
    gap = getattr(config, "sharding_coalesce_max_gap_bytes", None)
    size = getattr(config, "sharding_coalesce_max_bytes", None)
    if gap is None or size is None:
        return None
    return int(gap), int(size)
