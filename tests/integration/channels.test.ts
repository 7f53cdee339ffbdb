/**
 * Django Channels' Redis layers (Debian's python3-channels-redis 4.0 over redis-py 4.3's
 * asyncio client) against Cinnabar on db 2 with a password URL. channels_client.py runs the
 * same scenario through both layers, with separate layer instances standing for separate ASGI
 * processes: direct sends, group_send fan-out to three channels, per-channel order,
 * group_discard. RedisChannelLayer also covers named channels (BZPOPMIN), capacity and
 * ChannelFull, and flush; it sends plain EVAL for group_send and flush (a script that runs
 * KEYS and `unpack` inside Lua), so it waits on scripting where EVAL is missing.
 * RedisPubSubChannelLayer needs only SUBSCRIBE/PUBLISH.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { findPython, refusedCommands, runPythonJson, serverHasCommand } from '../helpers/python.js';

const PASSWORD = 'channels-secret';
const probe = findPython(['channels_redis.core', 'channels_redis.pubsub', 'redis'], ['python3-channels-redis', 'python3-django-channels', 'python3-redis']);
const coreSkip = probe.skip || ((await serverHasCommand('eval')) ? false : 'waits on scripting: COMMAND INFO eval is empty');

const GROUP_MESSAGE = { type: 'chat.message', text: 'to all' };

/** What both layers must do alike. */
function assertCommonScenario(r: Record<string, unknown>): void {
  assert.equal(r['channel_names_distinct'], true);
  assert.deepEqual(r['direct'], { type: 'direct.message', text: 'hi', n: 1, blob: '\u00e9\u0000' });
  assert.deepEqual(r['group'], [GROUP_MESSAGE, GROUP_MESSAGE, GROUP_MESSAGE]);
  assert.deepEqual(r['order'], [
    [0, 1, 2, 3, 4],
    [0, 1, 2, 3, 4],
    [0, 1, 2, 3, 4],
  ]);
  // The discarded channel gets nothing; the two others still get the group's messages.
  assert.deepEqual(r['after_discard'], ['after discard', true, 'after discard']);
  assert.equal(r['empty_group_ok'], true);
}

describe('channels-redis with Cinnabar', { skip: probe.skip }, () => {
  const python = probe.python as string;
  let srv: TestServer;
  let env: Record<string, string>;

  before(async () => {
    srv = await startTestServer({ requirepass: PASSWORD });
    env = { CINNABAR_URL: `redis://:${PASSWORD}@127.0.0.1:${srv.port}/2` };
  });

  after(async () => {
    await srv?.close();
  });

  test('RedisChannelLayer: send, group_send to several channels, capacity, flush', { skip: coreSkip }, async () => {
    const r = await runPythonJson(python, ['channels_client.py', 'core'], env);
    assertCommonScenario(r);
    assert.deepEqual(r['named'], { type: 'work', job: 7 });
    assert.equal(r['channel_full'], true);
    assert.deepEqual(r['capacity_kept'], [1, 2]);
    assert.equal(r['nothing_over_capacity'], true);
    assert.equal(r['after_flush_empty'], true);
    assert.deepEqual(r['keys_after_flush'], []);
  });

  test('RedisPubSubChannelLayer: send, group_send to several channels', async () => {
    assertCommonScenario(await runPythonJson(python, ['channels_client.py', 'pubsub'], env));
  });

  test('Cinnabar refused no command that channels-redis sent', async () => {
    assert.deepEqual(await refusedCommands(srv, PASSWORD), { errors: {}, failed: {} });
  });
});
