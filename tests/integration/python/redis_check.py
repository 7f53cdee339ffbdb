"""The connection check that Redis setup guides for Celery/RQ deployments ask operators to
run (redis.from_url with decode_responses, PING, SET with EX, LPUSH/LLEN, INFO server), plus
the two authentication failures their troubleshooting sections describe. Prints one JSON
object; tests/integration/rq.test.ts asserts on it.

Usage: python3 redis_check.py URL URL_WITHOUT_PASSWORD URL_WITH_WRONG_PASSWORD
"""
import json
import sys

import redis


def check(url):
    r = redis.from_url(url, decode_responses=True)
    out = {"ping": r.ping()}
    out["set"] = r.set("test_key", "test_value", ex=60)
    out["get"] = r.get("test_key")
    out["ttl_ok"] = 0 < r.ttl("test_key") <= 60
    out["delete"] = r.delete("test_key")
    r.delete("test_queue")
    out["lpush"] = r.lpush("test_queue", "task1", "task2")
    out["llen"] = r.llen("test_queue")
    out["lrange"] = r.lrange("test_queue", 0, -1)
    r.delete("test_queue")
    info = r.info("server")
    out["redis_version"] = info.get("redis_version")
    r.close()
    return out


def auth_error(url):
    try:
        redis.from_url(url).ping()
        return "no error"
    except redis.exceptions.AuthenticationError as e:
        return "AuthenticationError: " + str(e)
    except redis.exceptions.ResponseError as e:
        return "ResponseError: " + str(e)


if __name__ == "__main__":
    out = check(sys.argv[1])
    out["no_password"] = auth_error(sys.argv[2])
    out["wrong_password"] = auth_error(sys.argv[3])
    print(json.dumps(out))
