/**
 * BullMQ (devDependency) against an in-process Cinnabar. BullMQ does nearly everything through
 * its Lua scripts (cmsgpack-packed options, cjson, redis.pcall error tables, TIME, keys built
 * from a prefix instead of KEYS), a blocking BZPOPMIN on a marker key in the worker, and
 * XREAD BLOCK on the events stream in QueueEvents; these tests run the library's features the
 * way applications do and check what it reports: return values, attempts, order, counts, keys.
 *
 * Each test uses its own queue name. No test sleeps for a fixed time: they wait for events or
 * poll a condition under a generous deadline. Where a lower bound on elapsed time is the
 * outcome (backoff, delay, rate limit), only that bound is checked, so a slow machine cannot
 * fail it. Every expectation here was also checked against the real redis-server 7.0.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FlowProducer, Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
let admin: RespClient;

before(async () => {
  srv = await startTestServer();
  admin = await srv.client();
});

after(async () => {
  await srv.close();
});

/** Every BullMQ connection is its own ioredis client; workers need no per-request retry cap. */
const connection = () => ({ host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: null });

const TEST_TIMEOUT = 30_000;

/** Objects to close at the end of a test, newest first (workers before their queue). */
type Closable = { close(): Promise<void> };

async function closeAll(items: Closable[]): Promise<void> {
  for (const c of items.reverse()) await c.close();
}

function newQueue(name: string, opened: Closable[]): Queue {
  const q = new Queue(name, { connection: connection() });
  opened.push(q);
  return q;
}

function newWorker<T, R>(name: string, opened: Closable[], processor: (job: Job<T, R>) => Promise<R>, opts: { concurrency?: number; limiter?: { max: number; duration: number } } = {}): Worker<T, R> {
  const w = new Worker<T, R>(name, processor, { connection: connection(), ...opts });
  // Errors surface through the assertions (a job not completing); keep them off stderr.
  w.on('error', () => {});
  opened.push(w);
  return w;
}

/** Poll until `cond` is true, or fail after `ms` with `what`. */
async function waitFor(what: string, cond: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves after `n` 'completed' events of the worker, with the jobs in completion order. */
function completions<T, R>(w: Worker<T, R>, n: number): Promise<Job<T, R>[]> {
  const done: Job<T, R>[] = [];
  return new Promise((resolve) => {
    w.on('completed', (job) => {
      done.push(job);
      if (done.length === n) resolve(done);
    });
  });
}

/** The queue's keys in the server (BullMQ's default prefix is `bull`). */
async function queueKeys(name: string): Promise<string[]> {
  const r = await admin.call('KEYS', `bull:${name}:*`);
  assert.ok(Array.isArray(r));
  return (r as string[]).sort();
}

describe('BullMQ', { timeout: 120_000 }, () => {
  test('queue and worker with concurrency: all jobs run, at most `concurrency` at once', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('concurrency', opened);
      const added = await q.addBulk(Array.from({ length: 12 }, (_, i) => ({ name: 'double', data: { n: i + 1 } })));
      assert.deepEqual(
        added.map((j) => j.id),
        Array.from({ length: 12 }, (_, i) => String(i + 1)),
      );
      assert.equal(await q.count(), 12);
      // The first five jobs wait until five run at once, which a worker honouring less
      // concurrency never reaches (the test then times out).
      let running = 0;
      let maxRunning = 0;
      let release: () => void = () => {};
      const fiveRunning = new Promise<void>((r) => (release = r));
      const w = newWorker<{ n: number }, number>(
        'concurrency',
        opened,
        async (job) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          if (running === 5) release();
          await fiveRunning;
          running--;
          return job.data.n * 2;
        },
        { concurrency: 5 },
      );
      const done = await completions(w, 12);
      assert.equal(maxRunning, 5);
      assert.deepEqual(done.map((j) => j.returnvalue).sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => (i + 1) * 2));
      for (const j of done) assert.equal(j.attemptsMade, 1);
      const stored = await q.getJob('7');
      assert.ok(stored);
      assert.equal(stored.returnvalue, 14);
      assert.equal(await stored.getState(), 'completed');
      assert.equal(await q.getCompletedCount(), 12);
    } finally {
      await closeAll(opened);
    }
  });

  test('retries with exponential backoff, then completion; exhausted attempts end in failed', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('retries', opened);
      const startedAt: Record<string, number[]> = {};
      const w = newWorker<{ failTimes: number }, string>('retries', opened, async (job) => {
        const id = job.id as string;
        (startedAt[id] ??= []).push(Date.now());
        if (job.attemptsMade < job.data.failTimes) throw new Error(`boom ${job.attemptsMade}`);
        return `ok after ${job.attemptsMade}`;
      });
      const failed = new Promise<Job>((resolve) => {
        w.on('failed', (job) => {
          if (job && job.id === 'always' && job.attemptsMade === 3) resolve(job);
        });
      });
      const completed = new Promise<Job>((resolve) => w.on('completed', (job) => resolve(job)));
      const backoff = { type: 'exponential', delay: 100 };
      await q.add('flaky', { failTimes: 2 }, { jobId: 'flaky', attempts: 3, backoff });
      await q.add('doomed', { failTimes: 99 }, { jobId: 'always', attempts: 3, backoff });

      const ok = await completed;
      assert.equal(ok.id, 'flaky');
      assert.equal(ok.returnvalue, 'ok after 2');
      assert.equal(ok.attemptsMade, 3);
      const bad = await failed;
      assert.equal(bad.failedReason, 'boom 2');
      assert.equal(bad.attemptsMade, 3);
      assert.equal(await bad.getState(), 'failed');
      const reloaded = await q.getJob('always');
      assert.ok(reloaded);
      assert.equal(reloaded.stacktrace?.length, 3);
      assert.equal(reloaded.attemptsMade, 3);
      assert.equal(reloaded.failedReason, 'boom 2');
      // Exponential: 100 ms before the second attempt, 200 ms before the third (lower bounds).
      for (const id of ['flaky', 'always']) {
        const t = startedAt[id] ?? [];
        assert.equal(t.length, 3, `${id} attempts`);
        assert.ok((t[1] as number) - (t[0] as number) >= 95, `${id}: first backoff ${(t[1] as number) - (t[0] as number)} ms`);
        assert.ok((t[2] as number) - (t[1] as number) >= 195, `${id}: second backoff ${(t[2] as number) - (t[1] as number)} ms`);
      }
      assert.deepEqual(await q.getJobCounts('completed', 'failed', 'delayed', 'wait', 'active'), { completed: 1, failed: 1, delayed: 0, wait: 0, active: 0 });
    } finally {
      await closeAll(opened);
    }
  });

  test('delayed job waits in the delayed set and runs after its delay, after an undelayed one', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('delayed', opened);
      const later = await q.add('later', { v: 'later' }, { delay: 400 });
      const now = await q.add('now', { v: 'now' });
      assert.equal(await later.getState(), 'delayed');
      assert.equal(await now.getState(), 'waiting');
      assert.deepEqual(await q.getJobCounts('delayed', 'waiting'), { delayed: 1, waiting: 1 });
      const delayedJobs = await q.getDelayed();
      assert.deepEqual(
        delayedJobs.map((j) => j.id),
        [later.id],
      );
      const order: string[] = [];
      const w = newWorker<{ v: string }, string>('delayed', opened, async (job) => {
        order.push(job.data.v);
        return job.data.v.toUpperCase();
      });
      const done = await completions(w, 2);
      assert.deepEqual(order, ['now', 'later']);
      assert.deepEqual(
        done.map((j) => j.returnvalue),
        ['NOW', 'LATER'],
      );
      const ran = await q.getJob(later.id as string);
      assert.ok(ran && ran.processedOn !== undefined);
      assert.ok(ran.processedOn - ran.timestamp >= 400, `processed ${ran.processedOn - ran.timestamp} ms after being added`);
    } finally {
      await closeAll(opened);
    }
  });

  test('priorities: unprioritized first, then lowest priority number first, FIFO within one', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('priorities', opened);
      await q.add('p10', null, { priority: 10 });
      await q.add('p1-a', null, { priority: 1 });
      await q.add('none', null);
      await q.add('p5', null, { priority: 5 });
      await q.add('p1-b', null, { priority: 1 });
      assert.deepEqual(await q.getJobCounts('prioritized', 'waiting'), { prioritized: 4, waiting: 1 });
      const order: string[] = [];
      const w = newWorker<null, void>('priorities', opened, async (job) => {
        order.push(job.name);
      });
      await completions(w, 5);
      assert.deepEqual(order, ['none', 'p1-a', 'p1-b', 'p5', 'p10']);
      assert.deepEqual(await q.getJobCounts('prioritized', 'waiting', 'completed'), { prioritized: 0, waiting: 0, completed: 5 });
    } finally {
      await closeAll(opened);
    }
  });

  test('job schedulers: every-N-ms and cron pattern with limits, listed and removed', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('schedulers', opened);
      await q.upsertJobScheduler('tick', { every: 150, limit: 3 }, { name: 'tick-job', data: { kind: 'every' } });
      // Six-field cron: every second, twice.
      await q.upsertJobScheduler('cron', { pattern: '* * * * * *', limit: 2 }, { name: 'cron-job', data: { kind: 'cron' } });
      const schedulers = await q.getJobSchedulers();
      assert.deepEqual(schedulers.map((s) => s.key).sort(), ['cron', 'tick']);
      const tick = schedulers.find((s) => s.key === 'tick');
      assert.equal(tick?.every, 150);
      assert.equal(tick?.name, 'tick-job');
      assert.equal(schedulers.find((s) => s.key === 'cron')?.pattern, '* * * * * *');
      assert.equal(await q.getJobSchedulersCount(), 2);

      const seen: { name: string; kind: string; runAt: number }[] = [];
      const w = newWorker<{ kind: string }, string>('schedulers', opened, async (job) => {
        seen.push({ name: job.name, kind: job.data.kind, runAt: Date.now() });
        return job.data.kind;
      });
      await completions(w, 5);
      const byKind = (k: string) => seen.filter((s) => s.kind === k);
      assert.equal(byKind('every').length, 3);
      assert.equal(byKind('cron').length, 2);
      for (const s of seen) assert.equal(s.name, s.kind === 'every' ? 'tick-job' : 'cron-job');
      // The limits are reached: the schedulers stay listed with their iteration counts, and
      // nothing further is scheduled.
      const after = await q.getJobSchedulers();
      assert.deepEqual(
        after.map((s) => [s.key, s.iterationCount, s.limit]).sort(),
        [
          ['cron', 2, 2],
          ['tick', 3, 3],
        ],
      );
      assert.deepEqual(await q.getJobCounts('delayed', 'waiting', 'completed'), { delayed: 0, waiting: 0, completed: 5 });
      for (const key of ['cron', 'tick']) assert.equal(await q.removeJobScheduler(key), true);

      // A scheduler removed before it runs out leaves no pending job behind.
      await q.upsertJobScheduler('hourly', { pattern: '0 0 * * * *' }, { name: 'hourly-job' });
      assert.equal(await q.getJobSchedulersCount(), 1);
      assert.equal(await q.getDelayedCount(), 1);
      assert.equal(await q.removeJobScheduler('hourly'), true);
      assert.equal(await q.removeJobScheduler('hourly'), false);
      assert.equal(await q.getDelayedCount(), 0);
    } finally {
      await closeAll(opened);
    }
  });

  test('rate limiter: at most `max` jobs start per `duration` window', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('limited', opened);
      await q.addBulk(Array.from({ length: 6 }, (_, i) => ({ name: 'job', data: { i: i + 1 } })));
      const w = newWorker<{ i: number }, number>('limited', opened, async (job) => job.data.i, { concurrency: 6, limiter: { max: 2, duration: 300 } });
      const done = await completions(w, 6);
      assert.deepEqual(done.map((j) => j.returnvalue).sort(), [1, 2, 3, 4, 5, 6]);
      // Six jobs at two per window need three windows: the fifth job starts at least two
      // windows after the first (without the limiter all six start together).
      const started = done.map((j) => j.processedOn as number).sort((a, b) => a - b);
      const spread = (started[4] as number) - (started[0] as number);
      assert.ok(spread >= 600 - 30, `jobs 1 and 5 started ${spread} ms apart`);
    } finally {
      await closeAll(opened);
    }
  });

  test('FlowProducer: the parent waits for its children and reads their results', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const flows = new FlowProducer({ connection: connection() });
      opened.push(flows);
      const tree = await flows.add({
        name: 'sum',
        queueName: 'flow-parents',
        data: { label: 'total' },
        children: [1, 2, 3].map((n) => ({ name: 'square', queueName: 'flow-children', data: { n } })),
      });
      assert.equal(tree.children?.length, 3);
      assert.equal(await tree.job.getState(), 'waiting-children');
      assert.deepEqual(await tree.job.getDependenciesCount(), { processed: 0, unprocessed: 3, failed: 0, ignored: 0 });

      const order: string[] = [];
      const children = newWorker<{ n: number }, number>('flow-children', opened, async (job) => {
        order.push(`child ${job.data.n}`);
        return job.data.n * job.data.n;
      });
      const parents = newWorker<{ label: string }, { label: string; sum: number; count: number }>('flow-parents', opened, async (job) => {
        order.push('parent');
        const values = Object.values(await job.getChildrenValues<number>());
        return { label: job.data.label, sum: values.reduce((a, b) => a + b, 0), count: values.length };
      });
      const [parentDone] = await Promise.all([completions(parents, 1), completions(children, 3)]);
      const parent = parentDone[0] as Job;
      assert.deepEqual(parent.returnvalue, { label: 'total', sum: 14, count: 3 });
      assert.equal(order.length, 4);
      assert.equal(order[3], 'parent');
      const childKeys = Object.keys(await parent.getChildrenValues()).sort();
      assert.deepEqual(
        childKeys,
        (tree.children ?? []).map((c) => `bull:flow-children:${c.job.id}`).sort(),
      );
      assert.deepEqual(await parent.getDependenciesCount(), { processed: 3, unprocessed: 0, failed: 0, ignored: 0 });
      assert.equal(await tree.job.getState(), 'completed');
    } finally {
      await closeAll(opened);
    }
  });

  test('FlowProducer: a failing child with failParentOnFailure fails the parent', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const flows = new FlowProducer({ connection: connection() });
      opened.push(flows);
      const tree = await flows.add({
        name: 'parent',
        queueName: 'flow-fail-parents',
        children: [
          { name: 'good', queueName: 'flow-fail-children', data: { fail: false } },
          { name: 'bad', queueName: 'flow-fail-children', data: { fail: true }, opts: { failParentOnFailure: true } },
        ],
      });
      const badChild = tree.children?.find((c) => c.job.name === 'bad')?.job;
      assert.ok(badChild);
      newWorker<{ fail: boolean }, string>('flow-fail-children', opened, async (job) => {
        if (job.data.fail) throw new Error('child broke');
        return 'fine';
      });
      // The failure is recorded on the parent and moves it to wait; the parent's worker then
      // fails it without running the processor.
      let parentRuns = 0;
      newWorker<unknown, string>('flow-fail-parents', opened, async () => {
        parentRuns++;
        return 'should not run';
      });
      await waitFor('parent failed', async () => (await tree.job.getState()) === 'failed');
      const parent = await newQueue('flow-fail-parents', opened).getJob(tree.job.id as string);
      assert.ok(parent);
      assert.equal(parent.failedReason, `child bull:flow-fail-children:${badChild.id} failed`);
      assert.equal(parentRuns, 0);
      assert.equal(await badChild.getState(), 'failed');
      const childQueue = newQueue('flow-fail-children', opened);
      await waitFor('the good child completed', async () => (await childQueue.getCompletedCount()) === 1);
      const [good] = await childQueue.getCompleted();
      assert.equal(good?.returnvalue, 'fine');
    } finally {
      await closeAll(opened);
    }
  });

  test('QueueEvents: completed and failed events with return values and reasons', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const events = new QueueEvents('events', { connection: connection() });
      opened.push(events);
      await events.waitUntilReady();
      const q = newQueue('events', opened);
      const completedEvents: { jobId: string; returnvalue: unknown }[] = [];
      const failedEvents: { jobId: string; failedReason: string }[] = [];
      const added: string[] = [];
      events.on('added', ({ jobId }) => added.push(jobId));
      events.on('completed', ({ jobId, returnvalue }) => completedEvents.push({ jobId, returnvalue }));
      events.on('failed', ({ jobId, failedReason }) => failedEvents.push({ jobId, failedReason }));

      const good = await q.add('good', { x: 20 }, { jobId: 'good' });
      const bad = await q.add('bad', { x: 0 }, { jobId: 'bad' });
      newWorker<{ x: number }, { y: number }>('events', opened, async (job) => {
        if (job.data.x === 0) throw new Error('x must not be zero');
        return { y: job.data.x + 1 };
      });
      assert.deepEqual(await good.waitUntilFinished(events), { y: 21 });
      await assert.rejects(bad.waitUntilFinished(events), /x must not be zero/);
      await waitFor('both events', () => completedEvents.length === 1 && failedEvents.length === 1);
      assert.deepEqual(completedEvents, [{ jobId: 'good', returnvalue: { y: 21 } }]);
      assert.deepEqual(failedEvents, [{ jobId: 'bad', failedReason: 'x must not be zero' }]);
      assert.deepEqual(added.sort(), ['bad', 'good']);
    } finally {
      await closeAll(opened);
    }
  });

  test('pause and resume: a paused queue keeps its jobs until resumed', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('pausable', opened);
      await q.pause();
      assert.equal(await q.isPaused(), true);
      await q.add('held', { v: 1 });
      await q.add('held', { v: 2 });
      const processed: number[] = [];
      const w = newWorker<{ v: number }, number>('pausable', opened, async (job) => {
        processed.push(job.data.v);
        return job.data.v;
      });
      const done = completions(w, 2);
      // The worker has asked for a job and is now blocked on the queue's marker key: had the
      // pause not held the jobs back, it would have taken one instead.
      // BullMQ names the worker's blocking connection `bull:<base64 of the queue name>`.
      const blockingName = `name=bull:${Buffer.from('pausable').toString('base64')} `;
      await waitFor('the worker to block', async () => {
        const list = await admin.call('CLIENT', 'LIST');
        return typeof list === 'string' && list.split('\n').some((l) => l.includes(blockingName) && l.includes(' flags=b ') && l.includes(' cmd=bzpopmin '));
      });
      assert.deepEqual(processed, []);
      assert.deepEqual(await q.getJobCounts('waiting', 'active', 'completed'), { waiting: 2, active: 0, completed: 0 });
      await q.resume();
      assert.equal(await q.isPaused(), false);
      await done;
      assert.deepEqual(processed, [1, 2]);
      assert.deepEqual(await q.getJobCounts('waiting', 'active', 'completed'), { waiting: 0, active: 0, completed: 2 });
    } finally {
      await closeAll(opened);
    }
  });

  test('getJobCounts reports every state', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('counts', opened);
      await q.add('ok', { fail: false });
      await q.add('ok', { fail: false });
      await q.add('ko', { fail: true });
      const w = newWorker<{ fail: boolean }, string>('counts', opened, async (job) => {
        if (job.data.fail) throw new Error('no');
        return 'yes';
      });
      const failed = new Promise<void>((resolve) => w.on('failed', () => resolve()));
      await Promise.all([completions(w, 2), failed]);
      await w.close();
      await q.add('waiting', {});
      await q.add('prioritized', {}, { priority: 3 });
      await q.add('delayed', {}, { delay: 3_600_000 });
      assert.deepEqual(await q.getJobCounts(), {
        active: 0,
        completed: 2,
        delayed: 1,
        failed: 1,
        prioritized: 1,
        waiting: 1,
        'waiting-children': 0,
      });
      assert.equal(await q.count(), 3);
    } finally {
      await closeAll(opened);
    }
  });

  test('clean removes finished jobs by state; obliterate removes every key of the queue', { timeout: TEST_TIMEOUT }, async () => {
    const opened: Closable[] = [];
    try {
      const q = newQueue('cleanable', opened);
      const other = newQueue('bystander', opened);
      await other.add('keep', { me: true });
      await q.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'job', data: { fail: i >= 3 } })));
      const w = newWorker<{ fail: boolean }, number>('cleanable', opened, async (job) => {
        if (job.data.fail) throw new Error('failing on purpose');
        return 1;
      });
      await waitFor('3 completed and 2 failed', async () => {
        const c = await q.getJobCounts('completed', 'failed');
        return c.completed === 3 && c.failed === 2;
      });
      await w.close();
      const cleanedCompleted = await q.clean(0, 100, 'completed');
      assert.deepEqual(cleanedCompleted.sort(), ['1', '2', '3']);
      assert.equal(await q.getJob('1'), undefined);
      const cleanedFailed = await q.clean(0, 1, 'failed');
      assert.equal(cleanedFailed.length, 1);
      assert.deepEqual(await q.getJobCounts('completed', 'failed'), { completed: 0, failed: 1 });
      await q.add('pending', {});
      await q.add('later', {}, { delay: 3_600_000 });
      assert.ok((await queueKeys('cleanable')).length > 0);

      await q.obliterate();
      assert.deepEqual(await queueKeys('cleanable'), []);
      assert.deepEqual(await q.getJobCounts('completed', 'failed', 'waiting', 'delayed'), { completed: 0, failed: 0, waiting: 0, delayed: 0 });
      // Only the obliterated queue's keys are gone.
      assert.equal(await other.count(), 1);
      assert.ok((await queueKeys('bystander')).includes('bull:bystander:1'));
    } finally {
      await closeAll(opened);
    }
  });
});
