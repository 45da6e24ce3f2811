"""Real object storage: moto's S3 server on loopback, reached through obstore and through
fsspec/s3fs. A sharded array round-trips through zarrphase's pipeline, and a partial read issues
the ranged GETs the plan promises, counted at the server."""

from collections.abc import Iterator

import numpy as np
import pytest
import zarr

from zarrphase.benchmark.s3server import ACCESS_KEY, BUCKET, REGION, SECRET_KEY, S3Server

PHASED = "zarrphase.PhasedCodecPipeline"


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    """The package's loopback moto server (also the benchmark suite's), requests recorded."""
    with S3Server() as server:
        yield server


def obstore_store(s3: S3Server, prefix: str) -> zarr.abc.store.Store:
    from obstore.store import S3Store

    store = S3Store(
        BUCKET,
        prefix=prefix,
        endpoint=s3.endpoint,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        region=REGION,
        client_options={"allow_http": True},
    )
    return zarr.storage.ObjectStore(store)


def fsspec_store(s3: S3Server, prefix: str) -> zarr.abc.store.Store:
    options = {
        "endpoint_url": s3.endpoint,
        "key": ACCESS_KEY,
        "secret": SECRET_KEY,
        "asynchronous": True,
    }
    return zarr.storage.FsspecStore.from_url(f"s3://{BUCKET}/{prefix}", storage_options=options)


STORES = {"obstore": obstore_store, "fsspec": fsspec_store}


@pytest.mark.parametrize("kind", sorted(STORES))
def test_sharded_round_trip_and_ranged_reads(s3: S3Server, kind: str) -> None:
    data = np.arange(64 * 60, dtype="uint16").reshape(64, 60)
    with zarr.config.set({"codec_pipeline.path": PHASED, "zarrphase.strict": True}):
        store = STORES[kind](s3, f"{kind}/a")
        array = zarr.create_array(
            store, shape=data.shape, chunks=(8, 10), shards=(32, 30), dtype="uint16",
            compressors=zarr.codecs.ZstdCodec(level=1),
        )  # fmt: skip
        assert type(array._async_array.codec_pipeline).__name__ == "PhasedCodecPipeline"
        array[...] = data
        array[3:5, 40:55] = 9
        data[3:5, 40:55] = 9
        np.testing.assert_array_equal(array[...], data)

        # Two neighbouring subchunks of shard c/0/0: the index (a suffix range: 4 x 3 entries of
        # 16 bytes + crc32c), then one GET, as their byte ranges merge.
        s3.clear()
        reopened = zarr.open_array(STORES[kind](s3, f"{kind}/a"), mode="r")
        s3.clear()
        np.testing.assert_array_equal(reopened[0:8, 0:20], data[0:8, 0:20])
        gets = s3.ranged_gets("/c/0/0")
        assert len(gets) == 2, gets
        assert gets[0] == f"bytes=-{4 * 3 * 16 + 4}", gets
        assert gets[1] is not None and gets[1].startswith("bytes=0-"), gets
