/**
 * RQ 1.13 (Debian's python3-rq, redis-py 4.3) against Cinnabar, through a password URL with
 * the `default` user on db 3 as hosted Redis services hand out. rq_client.py enqueues a fixed
 * set of jobs (results, a failure, retries, a dependency, meta, a due and a future scheduled
 * job); then `rq worker --burst --with-scheduler` runs until the queue is empty, and
 * rq_client.py reports what became of each job. The worker exercises INFO server (RQ parses
 * redis_version to choose result streams), CLIENT SETNAME / CLIENT LIST, WATCH/MULTI/EXEC,
 * XADD/XREVRANGE results, the scheduler's SET NX locks and the registries' sorted sets.
 * Last, redis_check.py runs the plain redis-py connection check that setup guides give.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { findPython, refusedCommands, runPython, runPythonJson } from '../helpers/python.js';

const PASSWORD = 'rq-secret';
const probe = findPython(['rq', 'redis'], ['python3-rq', 'python3-redis']);

interface JobReport {
  status: string;
  result: unknown;
  exc_info: string | null;
  retries_left: number | null;
  meta: Record<string, unknown>;
  latest_result_type: string | null;
}

describe('RQ burst worker with Cinnabar', { skip: probe.skip }, () => {
  const python = probe.python as string;
  let srv: TestServer;
  let enqueued: Record<string, unknown>;
  let workerRun: { code: number | null; stdout: string; stderr: string };
  let report: Record<string, unknown>;
  const job = (id: string): JobReport => report[id] as JobReport;

  before(async () => {
    srv = await startTestServer({ requirepass: PASSWORD });
    const url = `redis://default:${PASSWORD}@127.0.0.1:${srv.port}/3`;
    const env = { CINNABAR_URL: url };
    enqueued = await runPythonJson(python, ['rq_client.py', 'enqueue'], env);
    workerRun = await runPython(python, ['-m', 'rq.cli', 'worker', '--burst', '--with-scheduler', '--url', url, '--name', 'cinnabar-burst', 'default'], env);
    report = await runPythonJson(python, ['rq_client.py', 'inspect'], env);
  });

  after(async () => {
    await srv?.close();
  });

  test('jobs are queued and scheduled before the worker runs', () => {
    assert.deepEqual(enqueued, { queued: 7, scheduled: 2 });
  });

  test('the burst worker drains the queue and exits cleanly', () => {
    assert.equal(workerRun.code, 0, workerRun.stderr.slice(-4000));
    assert.match(workerRun.stdout + workerRun.stderr, /Worker rq:worker:cinnabar-burst: done, quitting/);
    assert.equal(report['queued'], 0);
    assert.deepEqual(report['workers'], []);
  });

  test('job results', () => {
    assert.equal(job('add').status, 'finished');
    assert.equal(job('add').result, 5);
    assert.equal(job('add').latest_result_type, 'SUCCESSFUL');
    // Pickled values, bytes included, round-trip through Cinnabar unchanged.
    assert.equal(job('echo').result, "{'nested': [1, 'two', None], 'bytes': b'\\x00\\xff'}");
    assert.deepEqual(job('meta').meta, { progress: 100 });
    assert.equal(job('meta').result, 'done');
  });

  test('a failing job lands in the failed registry with its traceback', () => {
    assert.equal(job('boom').status, 'failed');
    assert.equal(job('boom').result, null);
    assert.match(job('boom').exc_info ?? '', /ValueError: it failed\n$/);
    assert.equal(job('boom').latest_result_type, 'FAILED');
    assert.deepEqual(report['failed'], ['boom', 'exhausted']);
  });

  test('retries: success on the third attempt; failure once retries are exhausted', () => {
    assert.equal(job('retried').status, 'finished');
    assert.equal(job('retried').result, 3);
    assert.equal(job('retried').retries_left, 1);
    assert.equal(job('exhausted').status, 'failed');
    assert.equal(job('exhausted').retries_left, 0);
    assert.match(job('exhausted').exc_info ?? '', /RuntimeError: attempt 2 fails/);
    assert.deepEqual(report['attempts'], { retried: 3, exhausted: 2 });
  });

  test('a dependent job runs after its dependency, with its result', () => {
    assert.equal(job('parent').result, 21);
    assert.equal(job('child').status, 'finished');
    assert.equal(job('child').result, 42);
  });

  test('scheduled jobs: a due one runs, a future one stays scheduled', () => {
    assert.equal(job('due').status, 'finished');
    assert.equal(job('due').result, 42);
    assert.equal(job('later').status, 'scheduled');
    assert.deepEqual(report['scheduled'], ['later']);
    assert.deepEqual(report['finished'], ['add', 'child', 'due', 'echo', 'meta', 'parent', 'retried']);
  });

  test('Cinnabar refused no command that RQ sent', async () => {
    assert.deepEqual(await refusedCommands(srv, PASSWORD), { errors: {}, failed: {} });
  });

  // Last: the authentication failures it provokes would show up in INFO errorstats above.
  test('redis-py connection check from the setup guides, and its authentication errors', async () => {
    const at = `127.0.0.1:${srv.port}/3`;
    const r = await runPythonJson(python, ['redis_check.py', `redis://default:${PASSWORD}@${at}`, `redis://${at}`, `redis://:wrong@${at}`], {});
    // RQ int()s the first three dot-separated parts and needs >= 5.0.0 for result streams.
    assert.match(String(r['redis_version']), /^([5-9]|\d\d+)\.\d+\.\d+$/);
    delete r['redis_version'];
    assert.deepEqual(r, {
      ping: true,
      set: true,
      get: 'test_value',
      ttl_ok: true,
      delete: 1,
      lpush: 2,
      llen: 2,
      lrange: ['task2', 'task1'],
      no_password: 'AuthenticationError: Authentication required.',
      wrong_password: 'ResponseError: WRONGPASS invalid username-password pair or user is disabled.',
    });
  });
});
