"""A Celery application configured the way the setup guides in the wild configure it: one
Cinnabar URL for the broker and another database for the result backend, late acks,
prefetch 1, visibility timeout and socket options in broker_transport_options.

The tasks leave traces in Cinnabar (through a plain redis-py client) so the tests can check
what ran, how often and when, independently of Celery's own bookkeeping.
"""
import os
import time

import redis
from celery import Celery

BROKER_URL = os.environ["CINNABAR_BROKER_URL"]
RESULT_BACKEND = os.environ["CINNABAR_RESULT_BACKEND"]

app = Celery("cinnabar_test", broker=BROKER_URL, backend=RESULT_BACKEND)
app.conf.update(
    broker_transport_options={
        "visibility_timeout": 3600,
        "socket_timeout": 30,
        "socket_connect_timeout": 30,
        "socket_keepalive": True,
        "retry_on_timeout": True,
    },
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    result_expires=86400,
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
    enable_utc=True,
)

# Traces go to the result backend's database under their own prefix.
_traces = redis.Redis.from_url(RESULT_BACKEND)


def trace_key(name):
    return "cinnabar-test:" + name


@app.task
def add(x, y):
    return x + y


@app.task
def tsum(values):
    return sum(values)


@app.task
def echo(value):
    """Returns its argument unchanged: checks JSON round trips of nested values."""
    return value


@app.task(bind=True, max_retries=5, default_retry_delay=0)
def flaky(self, name, failures):
    """Fails `failures` times (retrying), then returns how many attempts it took."""
    _traces.incr(trace_key("attempts:" + name))
    if self.request.retries < failures:
        raise self.retry(exc=RuntimeError("not yet"), countdown=0)
    return self.request.retries + 1


@app.task(bind=True, max_retries=1, default_retry_delay=0)
def hopeless(self, name):
    """Always fails: after one retry the error reaches the caller."""
    _traces.incr(trace_key("attempts:" + name))
    raise self.retry(exc=ValueError("hopeless " + name), countdown=0)


@app.task
def stamp(name):
    """Records the wall-clock time it ran at (ms) and returns it."""
    now = int(time.time() * 1000)
    _traces.set(trace_key("ran:" + name), now)
    return now
