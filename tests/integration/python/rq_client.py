"""Enqueues the RQ test's jobs (`enqueue`) and, after a burst worker ran, reports what became
of them (`inspect`) as one JSON object; tests/integration/rq.test.ts asserts on it.

The job ids are fixed so the two phases need not pass anything between them.
"""
import datetime
import json
import os
import sys

import redis
from rq import Queue, Retry, Worker
from rq.job import Job
from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry

import rq_jobs

conn = redis.Redis.from_url(os.environ["CINNABAR_URL"])
queue = Queue("default", connection=conn)


def enqueue():
    queue.enqueue(rq_jobs.add, 2, 3, job_id="add")
    queue.enqueue(rq_jobs.echo, {"nested": [1, "two", None], "bytes": b"\x00\xff"}, job_id="echo")
    queue.enqueue(rq_jobs.boom, "it failed", job_id="boom")
    queue.enqueue(rq_jobs.flaky, "retried", 2, job_id="retried", retry=Retry(max=3))
    queue.enqueue(rq_jobs.flaky, "exhausted", 5, job_id="exhausted", retry=Retry(max=1))
    parent = queue.enqueue(rq_jobs.add, 20, 1, job_id="parent")
    queue.enqueue(rq_jobs.after, "parent", job_id="child", depends_on=parent)
    queue.enqueue(rq_jobs.with_meta, job_id="meta")
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    queue.enqueue_at(past, rq_jobs.add, 40, 2, job_id="due")
    queue.enqueue_in(datetime.timedelta(hours=1), rq_jobs.add, 0, 0, job_id="later")
    print(json.dumps({"queued": queue.count, "scheduled": ScheduledJobRegistry(queue=queue).count}))


def describe(job_id):
    job = Job.fetch(job_id, connection=conn)
    latest = job.latest_result()
    return {
        "status": job.get_status(),
        "result": job.return_value(),
        "exc_info": job.exc_info,
        "retries_left": job.retries_left,
        "meta": job.meta,
        "latest_result_type": latest.type.name if latest else None,
    }


def inspect():
    out = {name: describe(name) for name in ("add", "echo", "boom", "retried", "exhausted", "parent", "child", "meta", "due", "later")}
    out["attempts"] = {n: int(conn.get("cinnabar-test:attempts:" + n) or 0) for n in ("retried", "exhausted")}
    out["finished"] = sorted(FinishedJobRegistry(queue=queue).get_job_ids())
    out["failed"] = sorted(FailedJobRegistry(queue=queue).get_job_ids())
    out["scheduled"] = sorted(ScheduledJobRegistry(queue=queue).get_job_ids())
    out["queued"] = queue.count
    # The burst worker deregistered itself when it ran out of work.
    out["workers"] = [w.name for w in Worker.all(connection=conn)]
    return out


if __name__ == "__main__":
    if sys.argv[1] == "enqueue":
        enqueue()
    else:
        result = inspect()
        # echo's bytes survive pickling; JSON cannot carry them, so report their repr.
        result["echo"]["result"] = repr(result["echo"]["result"])
        print(json.dumps(result, default=str))
