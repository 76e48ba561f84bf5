"""Gunicorn settings of `make run` (scripts/run.sh) and of the load benchmark (bench/load.py).

The worker model is measured in docs/benchmarks.md ("Capacity"): the server is CPU-bound, so
one process per core does the work and a few threads per process cover the time a request
waits on the database or the network. GUNICORN_WORKERS and GUNICORN_THREADS override it.
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
accesslog = "-"
errorlog = "-"
# Seconds an idle kept-alive connection stays open. Gunicorn's default (2) is shorter than a
# person's pause between two clicks under load, and a client reusing a connection the server
# has just closed sees a reset ("status 0" in the load benchmark).
keepalive = 5
