"""A loopback S3 server (moto) that records the requests it answers, for the benchmark suite
and the object-storage tests.

The record is taken at the server through a WSGI wrapper, so it sees what every client really
sends (retries, index fetches, listing) whatever library issued it.
"""

from __future__ import annotations

import threading
from collections import Counter
from types import TracebackType
from typing import Any

from werkzeug.serving import WSGIRequestHandler

BUCKET = "bench"
REGION = "us-east-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"


class _QuietHandler(WSGIRequestHandler):
    """werkzeug logs every request to stderr; the progress bar lives there."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class S3Server:
    """`with S3Server() as s3:` serves a fresh bucket `BUCKET` at `s3.endpoint`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (method, path, Range header) of every request since the last clear()
        self._requests: list[tuple[str, str, str | None]] = []
        self.endpoint = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> S3Server:
        from moto.server import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        app = DomainDispatcherApplication(create_backend_app)

        def counting_app(environ: dict[str, Any], start_response: Any) -> Any:
            request = (
                environ["REQUEST_METHOD"],
                environ.get("PATH_INFO", ""),
                environ.get("HTTP_RANGE"),
            )
            with self._lock:
                self._requests.append(request)
            return app(environ, start_response)

        self._server = make_server(
            "127.0.0.1", 0, counting_app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def counts(self) -> dict[str, int]:
        """Requests by HTTP method since the last clear()."""
        with self._lock:
            return dict(Counter(method for method, _, _ in self._requests))

    def ranged_gets(self, path_suffix: str) -> list[str | None]:
        """The Range header of every GET of a path ending in `path_suffix` since the last clear()
        (None for a whole-object GET)."""
        with self._lock:
            return [r for m, p, r in self._requests if m == "GET" and p.endswith(path_suffix)]

    def put_objects(self, prefix: str, objects: dict[str, bytes]) -> None:
        client = self.client()
        for key, value in objects.items():
            client.put_object(Bucket=BUCKET, Key=f"{prefix}/{key}", Body=value)
