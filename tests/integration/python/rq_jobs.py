"""Job functions for the RQ test: the worker imports them by dotted path (rq_jobs.add)."""
import os

import redis


def add(x, y):
    return x + y


def echo(value):
    return value


def boom(message):
    raise ValueError(message)


def flaky(name, failures):
    """Fails `failures` times, then returns the number of the attempt that succeeded."""
    r = redis.Redis.from_url(os.environ["CINNABAR_URL"])
    attempt = r.incr("cinnabar-test:attempts:" + name)
    if attempt <= failures:
        raise RuntimeError("attempt %d fails" % attempt)
    return attempt


def after(dependency_id):
    """Runs only once its dependency has finished; returns the dependency's result doubled."""
    from rq.job import Job

    r = redis.Redis.from_url(os.environ["CINNABAR_URL"])
    return Job.fetch(dependency_id, connection=r).return_value() * 2


def with_meta():
    from rq import get_current_job

    job = get_current_job()
    job.meta["progress"] = 100
    job.save_meta()
    return "done"
