"""Real object storage: moto's S3 server on loopback, reached through obstore and through
fsspec/s3fs. A sharded array round-trips through zarrphase's pipeline, and a partial read issues
the ranged GETs the plan promises, counted at the server."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import numpy as np
import pytest
import zarr
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

PHASED = "zarrphase.PhasedCodecPipeline"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass
class RequestLog:
    """What the server saw: (method, path, Range header) per request."""

    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ranged_gets(self, suffix: str) -> list[str | None]:
        with self.lock:
            return [r for m, p, r in self.requests if m == "GET" and p.endswith(suffix)]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


@dataclass
class S3Server:
    endpoint: str
    log: RequestLog


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    log = RequestLog()
    app = DomainDispatcherApplication(create_backend_app)

    def counting_app(environ: dict[str, Any], start_response: Any) -> Any:
        with log.lock:
            log.requests.append(
                (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), environ.get("HTTP_RANGE"))
            )
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, counting_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{server.server_port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS).create_bucket(
        Bucket="bucket"
    )
    yield S3Server(endpoint, log)
    server.shutdown()


def obstore_store(s3: S3Server, prefix: str) -> zarr.abc.store.Store:
    from obstore.store import S3Store

    store = S3Store(
        "bucket",
        prefix=prefix,
        endpoint=s3.endpoint,
        access_key_id="testing",
        secret_access_key="testing",
        region="us-east-1",
        client_options={"allow_http": True},
    )
    return zarr.storage.ObjectStore(store)


def fsspec_store(s3: S3Server, prefix: str) -> zarr.abc.store.Store:
    options = {
        "endpoint_url": s3.endpoint,
        "key": "testing",
        "secret": "testing",
        "asynchronous": True,
    }
    return zarr.storage.FsspecStore.from_url(f"s3://bucket/{prefix}", storage_options=options)


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
        s3.log.clear()
        reopened = zarr.open_array(STORES[kind](s3, f"{kind}/a"), mode="r")
        s3.log.clear()
        np.testing.assert_array_equal(reopened[0:8, 0:20], data[0:8, 0:20])
        gets = s3.log.ranged_gets("/c/0/0")
        assert len(gets) == 2, gets
        assert gets[0] == f"bytes=-{4 * 3 * 16 + 4}", gets
        assert gets[1] is not None and gets[1].startswith("bytes=0-"), gets
