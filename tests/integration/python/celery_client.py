"""Drives the tasks of celery_app.py against a running worker and prints one JSON object
with what it observed; tests/integration/celery.test.ts asserts on it.

Usage: python3 celery_client.py SCENARIO   (results | retry | countdown | canvas | revoke | control)
"""
import datetime
import json
import os
import sys
import time

import redis
from celery import chord, group
from celery.exceptions import TaskRevokedError

from celery_app import RESULT_BACKEND, add, app, echo, flaky, hopeless, stamp, trace_key, tsum

TIMEOUT = 30
traces = redis.Redis.from_url(RESULT_BACKEND)


def now_ms():
    return int(time.time() * 1000)


def wait_for(predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def results():
    r = add.delay(2, 3)
    out = {"add": r.get(timeout=TIMEOUT), "state": r.state}
    nested = {"list": [1, 2.5, "three", None, True], "map": {"k": "v\u00e9"}}
    out["echo"] = echo.delay(nested).get(timeout=TIMEOUT)
    out["echo_expected"] = nested
    many = [add.delay(i, 100) for i in range(20)]
    out["many"] = [m.get(timeout=TIMEOUT) for m in many]
    meta_key = "celery-task-meta-" + r.id
    out["meta_ttl"] = traces.ttl(meta_key)
    out["meta_status"] = json.loads(traces.get(meta_key))["status"]
    return out


def retry():
    out = {"flaky": flaky.delay("r1", 2).get(timeout=TIMEOUT)}
    out["flaky_attempts"] = int(traces.get(trace_key("attempts:r1")))
    h = hopeless.delay("h1")
    try:
        h.get(timeout=TIMEOUT)
        out["hopeless"] = "no error"
    except ValueError as e:
        out["hopeless"] = str(e)
    out["hopeless_state"] = h.state
    out["hopeless_attempts"] = int(traces.get(trace_key("attempts:h1")))
    return out


def countdown():
    sent = now_ms()
    by_countdown = stamp.apply_async(("cd",), countdown=2)
    eta = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
    by_eta = stamp.apply_async(("eta",), eta=eta)
    # A task sent later without a countdown must not wait behind the delayed ones.
    quick = add.delay(1, 1)
    out = {"quick": quick.get(timeout=TIMEOUT)}
    out["countdown_ran"] = by_countdown.get(timeout=TIMEOUT)
    out["countdown_due"] = sent + 2000
    out["eta_ran"] = by_eta.get(timeout=TIMEOUT)
    out["eta_due"] = int(eta.timestamp() * 1000)
    return out


def canvas():
    g = group(add.s(i, i) for i in range(10))()
    out = {"group": g.get(timeout=TIMEOUT)}
    c = chord(add.s(i, i) for i in range(10))(tsum.s())
    out["chord"] = c.get(timeout=TIMEOUT)
    # A chain inside: the header results feed the body, whose result feeds the next task.
    chained = (chord([add.s(1, 2), add.s(3, 4)], tsum.s()) | add.s(1000))()
    out["chord_chain"] = chained.get(timeout=TIMEOUT)
    return out


def revoke():
    doomed = stamp.apply_async(("revoked",), countdown=2)
    doomed.revoke()
    survivor = stamp.apply_async(("survivor",), countdown=2)
    out = {"survivor": survivor.get(timeout=TIMEOUT) > 0}
    try:
        doomed.get(timeout=TIMEOUT)
        out["doomed"] = "ran"
    except TaskRevokedError:
        out["doomed"] = "revoked"
    out["doomed_state"] = doomed.state
    out["doomed_trace"] = traces.get(trace_key("ran:revoked"))
    return out


def control():
    # limit=1: return as soon as the one worker answered instead of waiting out the timeout.
    replies = app.control.inspect(timeout=10, limit=1).ping() or {}
    stats = app.control.inspect(timeout=10, limit=1).stats() or {}
    return {
        "ping": sorted(replies.values(), key=json.dumps),
        "workers": sorted(replies.keys()),
        "stats_broker_transport": [s["broker"]["transport"] for s in stats.values()],
    }


SCENARIOS = {f.__name__: f for f in (results, retry, countdown, canvas, revoke, control)}

if __name__ == "__main__":
    print(json.dumps(SCENARIOS[sys.argv[1]]()), flush=True)
    # Skip interpreter teardown: AsyncResult.__del__ then tries to UNSUBSCRIBE through a
    # fresh connection while modules are being unloaded and prints ImportError noise.
    os._exit(0)
