"""zarrphase.PhasedCodecPipeline: zarr-python's codec pipeline, run by the native phased engine.

Select it with ``zarr.config.set({"codec_pipeline.path": "zarrphase.PhasedCodecPipeline"})`` or
the environment variable ``ZARR_CODEC_PIPELINE__PATH=zarrphase.PhasedCodecPipeline``.

Every read and write of a batch becomes one native plan: the batch's selections are translated in
C++ (`_core.ChunkBatch`), the plan asks for the bytes it needs in few wide rounds (shard indexes,
then only the touched subchunks, merged), decodes, merges and encodes on native threads without
the GIL, and hands back the keys to set or delete. `executor.py` does the IO. Results are the ones
zarr-python's default pipeline gives, byte for byte for deterministic codecs.

What the engine cannot run (string, object, datetime and structured data types, third-party or
unsupported codecs, non-CPU buffers, irregular chunk grids) runs through zarr-python's
BatchedCodecPipeline instead: logged once per array with the reason, counted in `fallbacks`,
and an error when the ``zarrphase.strict`` setting is on (settings.py).
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from zarr.abc.codec import CodecPipeline
from zarr.buffer import cpu
from zarr.codecs.sharding import ShardingCodec
from zarr.core.chunk_utils import evolve_codecs
from zarr.core.codec_pipeline import (
    BatchedCodecPipeline,
    codecs_from_list,
    codecs_from_list_unchecked,
    pipeline_supports_partial_decode,
    pipeline_supports_partial_encode,
)
from zarr.core.config import config as zarr_config
from zarr.registry import register_pipeline

from zarrphase import _core, executor, settings
from zarrphase.chunks import native_view
from zarrphase.native_chain import NativeChain, NotNative, lower

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Self

    from zarr.abc.codec import Codec, GetResult
    from zarr.abc.store import ByteGetter, ByteSetter
    from zarr.core.array_spec import ArraySpec
    from zarr.core.buffer import Buffer, NDBuffer
    from zarr.core.dtype.wrapper import TBaseDType, TBaseScalar, ZDType
    from zarr.core.indexing import SelectorTuple
    from zarr.core.metadata.v3 import ChunkGridMetadata

    BatchInfo = tuple[ByteGetter | ByteSetter, ArraySpec, SelectorTuple, SelectorTuple, bool]

logger = logging.getLogger(__name__)

# Arrays (pipelines) that ran through zarr-python's pipeline instead of the engine, by reason.
fallbacks: Counter[str] = Counter()


def fallback_count() -> int:
    """How many times an array fell back to zarr-python's pipeline (once per array and reason)."""
    return sum(fallbacks.values())


# Lowered chains kept per pipeline: one per chunk spec seen (regular grids see one or two).
_MAX_LOWERED = 32


@dataclass(frozen=True)
class PhasedCodecPipeline(CodecPipeline):
    """A CodecPipeline whose reads and writes run on zarrphase's native engine."""

    codecs: tuple[Codec, ...]
    # The spec the codecs were evolved for (evolve_from_array_spec); None before.
    array_spec: ArraySpec | None = None
    batch_size: int = 1

    # Derived state; rebuilt from the fields above (also when unpickling).
    _split: tuple[Any, Any, Any] = field(init=False, repr=False, compare=False)
    _batched: BatchedCodecPipeline = field(init=False, repr=False, compare=False)
    _native: NativeChain | str | None = field(init=False, repr=False, compare=False)
    _lowered: dict[ArraySpec, NativeChain | str] = field(init=False, repr=False, compare=False)
    _chains: dict[tuple[object, ...], NativeChain] = field(init=False, repr=False, compare=False)
    _reported: set[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Validates the chain's order; from_codecs has already given zarr's advisory warnings
        # once, and evolve_from_array_spec must not repeat them.
        aa, ab, bb = codecs_from_list_unchecked(self.codecs)
        object.__setattr__(self, "_split", (aa, ab, bb))
        batched = BatchedCodecPipeline(
            array_array_codecs=aa,
            array_bytes_codec=ab,
            bytes_bytes_codecs=bb,
            batch_size=self.batch_size,
        )
        object.__setattr__(self, "_batched", batched)
        object.__setattr__(self, "_lowered", {})
        object.__setattr__(self, "_chains", {})
        object.__setattr__(self, "_reported", set())
        object.__setattr__(self, "_native", None)
        if self.array_spec is not None:
            object.__setattr__(self, "_native", self._lower(self.array_spec))

    def __reduce__(self) -> tuple[Any, ...]:
        # The native chain does not pickle; the fields rebuild it.
        return (_restore, (type(self), self.codecs, self.array_spec, self.batch_size))

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_codecs(cls, codecs: Iterable[Codec], *, batch_size: int | None = None) -> Self:
        codecs = tuple(codecs)
        # The user-facing first construction: zarr's advisory warnings apply to us too (codecs
        # after sharding make the engine read and write whole shards as well).
        codecs_from_list(codecs)
        return cls(
            codecs=codecs,
            batch_size=batch_size or zarr_config.get("codec_pipeline.batch_size"),
        )

    def evolve_from_array_spec(self, array_spec: ArraySpec) -> Self:
        return type(self)(
            codecs=evolve_codecs(self.codecs, array_spec),
            array_spec=array_spec,
            batch_size=self.batch_size,
        )

    def __iter__(self) -> Iterator[Codec]:
        return iter(self.codecs)

    @property
    def supports_partial_decode(self) -> bool:
        aa, ab, bb = self._split
        return pipeline_supports_partial_decode(
            ab, array_array_codecs=aa, bytes_bytes_codecs=bb, require_no_aa_bb=True
        )

    @property
    def supports_partial_encode(self) -> bool:
        aa, ab, bb = self._split
        return pipeline_supports_partial_encode(
            ab, array_array_codecs=aa, bytes_bytes_codecs=bb, require_no_aa_bb=True
        )

    def validate(
        self,
        *,
        shape: tuple[int, ...],
        dtype: ZDType[TBaseDType, TBaseScalar],
        chunk_grid: ChunkGridMetadata,
    ) -> None:
        for codec in self.codecs:
            codec.validate(shape=shape, dtype=dtype, chunk_grid=chunk_grid)

    def compute_encoded_size(self, byte_length: int, array_spec: ArraySpec) -> int:
        for codec in self.codecs:
            byte_length = codec.compute_encoded_size(byte_length, array_spec)
            array_spec = codec.resolve_metadata(array_spec)
        return byte_length

    # -- lowering to the native chain --------------------------------------------------------

    def _lower(self, spec: ArraySpec) -> NativeChain | str:
        """The native chain for chunks of `spec`, or the reason there is none (cached)."""
        try:
            return self._lowered[spec]
        except KeyError:
            pass
        codecs = self.codecs if self.array_spec is not None else evolve_codecs(self.codecs, spec)
        try:
            lowered = lower(codecs, spec)
        except NotNative as e:
            result: NativeChain | str = str(e)
        else:
            # Specs that differ only in what the chain ignores (write_empty_chunks, ...) share
            # one chain, so a batch's specs can be compared by identity.
            result = self._chains.setdefault(lowered.signature, lowered)
        if len(self._lowered) >= _MAX_LOWERED:
            self._lowered.clear()
            self._chains.clear()
        self._lowered[spec] = result
        return result

    def _chain_for(self, spec: ArraySpec) -> NativeChain | str:
        native = self._native
        # zarr-python builds a new spec per call from the same metadata objects, so the
        # evolved chain is recognised by identity; anything else goes through the cache.
        if (
            isinstance(native, NativeChain)
            and spec.dtype is native.zdtype
            and spec.fill_value is native.fill_value
            and spec.shape == native.chunk_shape
            and (native.order is None or spec.order == native.order)
        ):
            return native
        return self._lower(spec)

    def _fall_back(self, reason: str, where: object) -> BatchedCodecPipeline:
        """zarr-python's pipeline for this call: logged and counted once per reason per array,
        an error under zarrphase.strict."""
        if settings.current().strict:
            raise _core.UnsupportedError(f"zarrphase.strict: {where} cannot run natively: {reason}")
        if reason not in self._reported:
            self._reported.add(reason)
            fallbacks[reason] += 1
            logger.info("zarrphase: %s runs on zarr-python's pipeline: %s", where, reason)
        return self._batched

    # -- the batch API -----------------------------------------------------------------------

    async def read(
        self,
        batch_info: Iterable[BatchInfo],
        out: NDBuffer,
        drop_axes: tuple[int, ...] = (),
    ) -> tuple[GetResult, ...]:
        batch = batch_info if isinstance(batch_info, list) else list(batch_info)
        if not batch:
            return ()
        native = self._chain_for(batch[0][1])
        if isinstance(native, str):
            return await self._fall_back(native, batch[0][0]).read(batch, out, drop_axes)
        out_array = out.as_ndarray_like() if isinstance(out, cpu.NDBuffer) else None
        if not isinstance(out_array, np.ndarray):
            fallback = self._fall_back(
                "the output is not a numpy array in zarr's CPU NDBuffer", batch[0][0]
            )
            return await fallback.read(batch, out, drop_axes)
        target = executor.target_for(batch, writing=False)
        chunks = _core.ChunkBatch(
            batch, out_array.shape, drop_axes, native.chunk_shape, target.keys_from_path
        )
        if not chunks.uniform_spec:
            fallback = self._fall_back("chunks of different shapes in one batch", batch[0][0])
            return await fallback.read(batch, out, drop_axes)

        config = settings.current()
        settings.apply_threads(config)
        options = settings.engine_options(
            config,
            remote=target.remote,
            write_empty_chunks=batch[0][1].config.write_empty_chunks,
            subchunk_write_order=native.subchunk_write_order,
            ranges_in_place_possible=False,
            zarr_coalescing=settings.zarr_coalescing(batch[0][1]),
        )
        # The engine holds elements in native byte order; another order (or dtype) goes
        # through a native copy, which starts as `out` so unselected places keep their values.
        direct = out_array.dtype == native.dtype
        dest = out_array if direct else out_array.astype(native.dtype)
        plan = _core.ReadPlan(native.chain, chunks, native_view(dest), options, target.name())
        await executor.run(plan, target, data_bytes=dest.nbytes, options=options)
        if not direct:
            out_array[...] = dest
        return plan.results()

    async def write(
        self,
        batch_info: Iterable[BatchInfo],
        value: NDBuffer,
        drop_axes: tuple[int, ...] = (),
    ) -> None:
        batch = batch_info if isinstance(batch_info, list) else list(batch_info)
        if not batch:
            return
        spec = batch[0][1]
        native = self._chain_for(spec)
        if isinstance(native, str):
            await self._fall_back(native, batch[0][0]).write(batch, value, drop_axes)
            return
        value_array = value.as_ndarray_like() if isinstance(value, cpu.NDBuffer) else None
        if not isinstance(value_array, np.ndarray):
            fallback = self._fall_back(
                "the value is not a numpy array in zarr's CPU NDBuffer", batch[0][0]
            )
            await fallback.write(batch, value, drop_axes)
            return
        target = executor.target_for(batch, writing=True)
        chunks = _core.ChunkBatch(batch, None, drop_axes, native.chunk_shape, target.keys_from_path)
        if not chunks.uniform_spec:
            fallback = self._fall_back("chunks of different shapes in one batch", batch[0][0])
            await fallback.write(batch, value, drop_axes)
            return

        config = settings.current()
        settings.apply_threads(config)
        options = settings.engine_options(
            config,
            remote=target.remote,
            write_empty_chunks=spec.config.write_empty_chunks,
            subchunk_write_order=native.subchunk_write_order,
            ranges_in_place_possible=target.native is not None,
            zarr_coalescing=settings.zarr_coalescing(spec),
        )
        if value_array.dtype != native.dtype:
            value_array = value_array.astype(native.dtype)
        plan = _core.WritePlan(
            native.chain, chunks, native_view(value_array), options, target.name()
        )
        data_bytes = math.prod(chunks.needed_shape) * native.dtype.itemsize
        await executor.run(plan, target, data_bytes=data_bytes, options=options)

    # -- whole chunks (the sharding codec's index, direct users) ------------------------------

    def _uniform_chain(
        self, items: list[tuple[Any, ArraySpec]]
    ) -> tuple[NativeChain | None, str | None]:
        """The one native chain for every spec of `items`, or the reason there is none."""
        native: NativeChain | str | None = None
        for _, spec in items:
            chain = self._chain_for(spec)
            if isinstance(chain, str):
                return None, chain
            if native is None:
                native = chain
            elif chain is not native:
                return None, "chunks of different specs in one batch"
        return (native if isinstance(native, NativeChain) else None), None

    async def decode(
        self,
        chunk_bytes_and_specs: Iterable[tuple[Buffer | None, ArraySpec]],
    ) -> Iterable[NDBuffer | None]:
        items = list(chunk_bytes_and_specs)
        native, reason = self._uniform_chain(items)
        if native is None:
            if reason is None:
                return [None] * len(items)
            return await self._fall_back(reason, "decoded chunks").decode(items)
        present = [i for i, (data, _) in enumerate(items) if data is not None]
        if not present:
            return [None] * len(items)
        # One plan decodes every chunk, in parallel, into one stacked array.
        entries, stacked = _stacked_whole_chunks(items, present, native)
        chunks = _core.ChunkBatch(entries, stacked.shape, (), native.chunk_shape, False)
        options = settings.engine_options(
            settings.current(),
            remote=False,
            write_empty_chunks=False,
            subchunk_write_order=native.subchunk_write_order,
            ranges_in_place_possible=False,
        )
        plan = _core.ReadPlan(native.chain, chunks, native_view(stacked), options, "decode")
        values = [items[i][0].as_numpy_array() for i in present]  # type: ignore[union-attr]
        executor.run_in_memory(plan, values)
        memory_dtype = np.dtype(items[present[0]][1].dtype.to_native_dtype())
        decoded: list[NDBuffer | None] = [None] * len(items)
        for k, i in enumerate(present):
            chunk = stacked[k] if memory_dtype == native.dtype else stacked[k].astype(memory_dtype)
            decoded[i] = items[i][1].prototype.nd_buffer.from_ndarray_like(chunk)
        return decoded

    async def encode(
        self,
        chunk_arrays_and_specs: Iterable[tuple[NDBuffer | None, ArraySpec]],
    ) -> Iterable[Buffer | None]:
        items = list(chunk_arrays_and_specs)
        native, reason = self._uniform_chain(items)
        if native is None:
            if reason is None:
                return [None] * len(items)
            return await self._fall_back(reason, "encoded chunks").encode(items)
        present = [i for i, (array, _) in enumerate(items) if array is not None]
        if not present:
            return [None] * len(items)
        entries, stacked = _stacked_whole_chunks(items, present, native)
        for k, i in enumerate(present):
            stacked[k] = items[i][0].as_numpy_array()  # type: ignore[union-attr]
        chunks = _core.ChunkBatch(entries, None, (), native.chunk_shape, False)
        sharded = isinstance(self._split[1], ShardingCodec)
        spec = items[present[0]][1]
        options = settings.engine_options(
            settings.current(),
            remote=False,
            # zarr-python encodes every chunk it is given; only a shard whose subchunks all
            # equal the fill value (and are dropped by write_empty_chunks) encodes to None.
            write_empty_chunks=not sharded or spec.config.write_empty_chunks,
            subchunk_write_order=native.subchunk_write_order,
            ranges_in_place_possible=False,
        )
        plan = _core.WritePlan(native.chain, chunks, native_view(stacked), options, "encode")
        written = executor.run_in_memory(plan, [None] * len(present))
        encoded: list[Buffer | None] = [None] * len(items)
        for k, i in enumerate(present):
            if written[k] is not None:
                encoded[i] = items[i][1].prototype.buffer.from_array_like(written[k])
        return encoded


def _stacked_whole_chunks(
    items: list[tuple[Any, ArraySpec]], present: list[int], native: NativeChain
) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """The batch entries of decode()/encode(): whole chunk k of a stacked array per present
    item, and that (uninitialised) stacked array, one chunk per row."""
    everything = tuple(slice(0, n) for n in native.chunk_shape)
    entries = [(None, items[i][1], everything, (k, *everything)) for k, i in enumerate(present)]
    stacked = np.empty((len(present), *native.chunk_shape), dtype=native.dtype)
    return entries, stacked


# Registered as "zarrphase.PhasedCodecPipeline", the name users set in codec_pipeline.path (and
# the one pickle finds it by: zarrphase exports it).
PhasedCodecPipeline.__module__ = "zarrphase"
register_pipeline(PhasedCodecPipeline)


def _restore(
    cls: type[PhasedCodecPipeline],
    codecs: tuple[Codec, ...],
    array_spec: ArraySpec | None,
    batch_size: int,
) -> PhasedCodecPipeline:
    return cls(codecs=codecs, array_spec=array_spec, batch_size=batch_size)
