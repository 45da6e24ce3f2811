"""The side-by-side benchmark suite behind `zarrphase bench`.

It measures zarr-python's default and fused pipelines, zarrs-python, tensorstore, zarrphase
through zarr-python and zarrphase's C++ API on the same data, workloads, layouts, codecs and
stores, checks every result, and reports seconds, speed-ups and the share of the machine's
physical limit. Modules: `model` (the vocabulary and presets), `dataset` (the data and regions),
`adapters` (one per implementation), `workloads` (run and verify), `limits` (memcpy and codec
speeds), `s3server` (loopback S3 with request counts), `runner` (the loop), `report` and `plot`
(outputs) and `command` (the CLI entry).
"""
