/**
 * Celery 5.2 (Debian's python3-celery, kombu 5.2, redis-py 4.3) with Cinnabar as both broker
 * and result backend, configured like the setup guides do: a password URL per role (broker on
 * db 0, results on db 1), late acks, prefetch 1
 * and socket options in broker_transport_options. One solo-pool worker runs as a child
 * process for the whole file; tests/integration/python/celery_client.py drives each scenario
 * and prints what it saw. The worker's start-up already exercises the broker: mingle and
 * remote control (PSUBSCRIBE/PUBLISH fanout), BRPOP on the queue, and kombu's mutex
 * (SET NX PX + a Lua release through EVALSHA) when it restores unacked messages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { findPython, refusedCommands, runPythonJson, serverHasCommand, startWorker, type Worker } from '../helpers/python.js';

const PASSWORD = 'celery-secret';
const probe = findPython(['celery', 'kombu', 'redis'], ['python3-celery', 'python3-redis']);
// kombu's mutex releases its lock with a Lua script; without it the worker cannot start.
const skip = probe.skip || ((await serverHasCommand('evalsha')) ? false : 'waits on scripting: COMMAND INFO evalsha is empty');

describe('Celery worker with Cinnabar as broker and result backend', { skip }, () => {
  const python = probe.python as string;
  let srv: TestServer;
  let worker: Worker;
  let env: Record<string, string>;

  before(async () => {
    srv = await startTestServer({ requirepass: PASSWORD });
    const base = `redis://:${PASSWORD}@127.0.0.1:${srv.port}`;
    env = { CINNABAR_BROKER_URL: `${base}/0`, CINNABAR_RESULT_BACKEND: `${base}/1` };
    worker = await startWorker(
      python,
      ['-m', 'celery', '-A', 'celery_app', 'worker', '--pool=solo', '--loglevel=INFO', '-n', 'cinnabar-test@localhost'],
      env,
      /cinnabar-test@localhost ready\./,
    );
  });

  after(async () => {
    await worker?.stop();
    await srv?.close();
  });

  const scenario = (name: string): Promise<Record<string, unknown>> => runPythonJson(python, ['celery_client.py', name], env);

  test('tasks return their results through the result backend', async () => {
    const r = await scenario('results');
    assert.equal(r['add'], 5);
    assert.equal(r['state'], 'SUCCESS');
    assert.deepEqual(r['echo'], r['echo_expected']);
    assert.deepEqual(r['many'], Array.from({ length: 20 }, (_, i) => i + 100));
    // The result meta key carries result_expires (86400 s) as its TTL.
    assert.ok(typeof r['meta_ttl'] === 'number' && r['meta_ttl'] > 86000 && r['meta_ttl'] <= 86400, `meta TTL ${String(r['meta_ttl'])}`);
    assert.equal(r['meta_status'], 'SUCCESS');
  });

  test('retries: a task retried twice succeeds on its third attempt; an exhausted one fails', async () => {
    const r = await scenario('retry');
    assert.equal(r['flaky'], 3);
    assert.equal(r['flaky_attempts'], 3);
    assert.equal(r['hopeless'], 'hopeless h1');
    assert.equal(r['hopeless_state'], 'FAILURE');
    assert.equal(r['hopeless_attempts'], 2);
  });

  test('countdown and ETA: delayed tasks run, and not before they are due', async () => {
    const r = await scenario('countdown');
    assert.equal(r['quick'], 2);
    // Worker and client share the machine's clock; a few ms of slack covers the float
    // timestamps Celery converts through. An ignored countdown would run ~2 s early.
    const slackMs = 100;
    const num = (k: string): number => r[k] as number;
    assert.ok(num('countdown_ran') >= num('countdown_due') - slackMs, `countdown task ran ${num('countdown_due') - num('countdown_ran')} ms early`);
    assert.ok(num('eta_ran') >= num('eta_due') - slackMs, `ETA task ran ${num('eta_due') - num('eta_ran')} ms early`);
  });

  test('group results and chord callback', async () => {
    const r = await scenario('canvas');
    assert.deepEqual(r['group'], [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert.equal(r['chord'], 90);
    assert.equal(r['chord_chain'], 1010);
  });

  test('a revoked task is not executed and its state is REVOKED', async () => {
    const r = await scenario('revoke');
    assert.equal(r['survivor'], true);
    assert.equal(r['doomed'], 'revoked');
    assert.equal(r['doomed_state'], 'REVOKED');
    assert.equal(r['doomed_trace'], null);
    assert.match(worker.output(), /Discarding revoked task: celery_app\.stamp/);
  });

  test('remote control: inspect ping and stats reach the worker and come back', async () => {
    const r = await scenario('control');
    assert.deepEqual(r['ping'], [{ ok: 'pong' }]);
    assert.deepEqual(r['workers'], ['cinnabar-test@localhost']);
    assert.deepEqual(r['stats_broker_transport'], ['redis']);
  });

  test('Cinnabar refused no command that Celery sent', async () => {
    assert.deepEqual(await refusedCommands(srv, PASSWORD), { errors: {}, failed: {} });
  });
});
