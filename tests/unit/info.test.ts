/**
 * INFO: sections, their order and field names (compared with a real redis-server 7.0), the
 * values Cinnabar fills, errorstats and commandstats as in Redis's tests/unit/info.tcl, and
 * CONFIG RESETSTAT's effect on them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertError,
  haveRedisServer,
  OK,
  startOracle,
  startTestServer,
  type RespClient,
  type TestServer,
} from '../helpers/server.js';

/** Section titles in the order INFO printed them. */
function titles(info: string): string[] {
  return info
    .split('\r\n')
    .filter((l) => l.startsWith('# '))
    .map((l) => l.slice(2));
}

/** field → value for every 'field:value' line. */
function infoFields(info: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of info.split('\r\n')) {
    const i = l.indexOf(':');
    if (i > 0 && !l.startsWith('#')) m.set(l.slice(0, i), l.slice(i + 1));
  }
  return m;
}

/** Field names per section. */
function namesBySection(info: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur: string[] = [];
  for (const l of info.split('\r\n')) {
    if (l.startsWith('# ')) {
      cur = [];
      m.set(l.slice(2), cur);
    } else if (l.includes(':')) {
      cur.push(l.slice(0, l.indexOf(':')));
    }
  }
  return m;
}

const DEFAULT = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace'];
const ALL = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Latencystats', 'Cluster', 'Keyspace'];

describe('INFO', () => {
  let srv: TestServer;
  let r: RespClient;

  async function s(field: string): Promise<string | undefined> {
    return infoFields((await r.call('INFO', 'everything')) as string).get(field);
  }

  async function errorstat(code: string): Promise<string | undefined> {
    return infoFields((await r.call('INFO', 'errorstats')) as string).get(`errorstat_${code}`);
  }

  async function cmdstat(name: string): Promise<string | undefined> {
    return infoFields((await r.call('INFO', 'commandstats')) as string).get(`cmdstat_${name}`);
  }

  before(async () => {
    srv = await startTestServer();
    r = await srv.client();
  });

  after(async () => {
    await srv.close();
  });

  test('INFO with no argument prints the default sections in order', async () => {
    const info = (await r.call('INFO')) as string;
    assert.deepEqual(titles(info), DEFAULT);
    assert.deepEqual(titles((await r.call('INFO', 'default')) as string), DEFAULT);
    // Sections are separated by an empty line and every line ends in CRLF.
    assert.ok(info.startsWith('# Server\r\nredis_version:7.0.15\r\n'));
    assert.ok(info.includes('\r\n\r\n# Clients\r\n'));
    assert.ok(info.endsWith('\r\n') && !info.endsWith('\r\n\r\n'));
  });

  test('INFO all and everything add commandstats and latencystats', async () => {
    assert.deepEqual(titles((await r.call('INFO', 'all')) as string), ALL);
    assert.deepEqual(titles((await r.call('INFO', 'EVERYTHING')) as string), ALL);
  });

  test('INFO with several sections prints them in Redis order, case-insensitively', async () => {
    assert.deepEqual(titles((await r.call('INFO', 'keyspace', 'CPU', 'server')) as string), ['Server', 'CPU', 'Keyspace']);
    assert.deepEqual(titles((await r.call('INFO', 'commandstats', 'default')) as string), ALL.filter((t) => t !== 'Latencystats'));
    const cpu = (await r.call('INFO', 'cpu')) as string;
    assert.match(cpu, /^# CPU\r\nused_cpu_sys:\d+\.\d{6}\r\nused_cpu_user:\d+\.\d{6}\r\nused_cpu_sys_children:0\.000000\r\nused_cpu_user_children:0\.000000\r\n$/);
  });

  test('INFO with an unknown section is an empty string', async () => {
    assert.equal(await r.call('INFO', 'nosuchsection'), '');
  });

  test('INFO is a verbatim string in RESP3', async () => {
    const c = await srv.client();
    await c.call('HELLO', '3');
    c.types.length = 0;
    const info = (await c.call('INFO', 'server')) as string;
    assert.deepEqual(c.types, ['=']);
    assert.ok(info.startsWith('# Server\r\n'));
  });

  test('INFO server: version, mode and process fields clients read', async () => {
    const f = infoFields((await r.call('INFO', 'server')) as string);
    assert.equal(f.get('redis_version'), '7.0.15');
    assert.match(f.get('cinnabar_version') ?? '', /^\d+\.\d+\.\d+/);
    assert.equal(f.get('redis_mode'), 'standalone');
    assert.equal(f.get('process_id'), String(process.pid));
    assert.equal(f.get('tcp_port'), String(srv.port));
    assert.match(f.get('run_id') ?? '', /^[0-9a-f]{40}$/);
    assert.equal(f.get('hz'), '10');
    assert.equal(f.get('configured_hz'), '10');
    assert.match(f.get('arch_bits') ?? '', /^(32|64)$/);
    assert.match(f.get('uptime_in_seconds') ?? '', /^\d+$/);
    const usec = Number(f.get('server_time_usec'));
    assert.ok(Math.abs(usec / 1000 - Date.now()) < 5000);
  });

  test('INFO memory and replication: maxmemory_policy and role', async () => {
    const f = infoFields((await r.call('INFO', 'memory', 'replication')) as string);
    assert.equal(f.get('maxmemory'), '0');
    assert.equal(f.get('maxmemory_human'), '0B');
    assert.equal(f.get('maxmemory_policy'), 'noeviction');
    assert.ok(Number(f.get('used_memory')) > 0);
    assert.match(f.get('used_memory_human') ?? '', /^\d+\.\d\dM$|^\d+\.\d\dK$|^\d+\.\d\dG$/);
    assert.ok(Number(f.get('used_memory_peak')) >= Number(f.get('used_memory')));
    assert.equal(f.get('role'), 'master');
    assert.equal(f.get('connected_slaves'), '0');
    assert.match(f.get('master_replid') ?? '', /^[0-9a-f]{40}$/);
  });

  test('INFO persistence reports no persistence honestly', async () => {
    const f = infoFields((await r.call('INFO', 'persistence')) as string);
    assert.equal(f.get('loading'), '0');
    assert.equal(f.get('aof_enabled'), '0');
    assert.equal(f.get('rdb_bgsave_in_progress'), '0');
    assert.equal(f.get('rdb_saves'), '0');
    const before = Number(f.get('rdb_changes_since_last_save'));
    await r.call('SET', 'dirty-key', '1');
    await r.call('SET', 'dirty-key', '2');
    assert.equal(Number(await s('rdb_changes_since_last_save')), before + 2);
  });

  test('INFO clients and stats follow connections, commands and the keyspace', async () => {
    const c0 = Number(await s('connected_clients'));
    const received = Number(await s('total_connections_received'));
    const extra = await srv.client();
    await extra.call('PING');
    assert.equal(Number(await s('connected_clients')), c0 + 1);
    assert.equal(Number(await s('total_connections_received')), received + 1);
    const processed = Number(await s('total_commands_processed'));
    await r.call('PING');
    // The INFO that reads the counter is itself counted once it completes.
    assert.equal(Number(await s('total_commands_processed')), processed + 2);
    const hits = Number(await s('keyspace_hits'));
    const misses = Number(await s('keyspace_misses'));
    await r.call('SET', 'hit', 'v');
    await r.call('GET', 'hit');
    await r.call('GET', 'miss');
    assert.equal(Number(await s('keyspace_hits')), hits + 1);
    assert.equal(Number(await s('keyspace_misses')), misses + 1);
    const blocked = infoFields((await r.call('INFO', 'clients')) as string).get('blocked_clients');
    assert.equal(blocked, '0');
    extra.close();
  });

  test('INFO keyspace lists the databases that have keys', async () => {
    const c = await srv.client();
    await c.call('SELECT', '5');
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '1', 'EX', '1000');
    const ks = (await r.call('INFO', 'keyspace')) as string;
    assert.match(ks, /\r\ndb5:keys=2,expires=1,avg_ttl=\d+\r\n/);
    assert.ok(!ks.includes('db6:'));
    await c.call('FLUSHDB');
    assert.ok(!((await r.call('INFO', 'keyspace')) as string).includes('db5:'));
  });

  test('INFO commandstats: calls, usec, usec_per_call, rejected and failed calls, subcommands by full name', async () => {
    await r.call('CLIENT', 'ID');
    const line = (await cmdstat('client|id')) ?? '';
    assert.match(line, /^calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
    assert.equal(await cmdstat('client'), undefined);
    assert.equal(await cmdstat('lpushx'), undefined, 'commands never called are not listed');
  });

  test('errorstats: failed call authentication error', async () => {
    assert.deepEqual(await r.call('CONFIG', 'RESETSTAT'), OK);
    assert.equal(await errorstat('ERR'), undefined);
    assert.equal(await s('total_error_replies'), '0');
    assertError(await r.call('AUTH', 'k'), 'ERR AUTH*');
    assert.equal(await errorstat('ERR'), 'count=1');
    assert.match((await cmdstat('auth')) ?? '', /^calls=1,.*,rejected_calls=0,failed_calls=1$/);
    assert.equal(await s('total_error_replies'), '1');
    assert.deepEqual(await r.call('CONFIG', 'RESETSTAT'), OK);
    assert.equal(await errorstat('ERR'), undefined);
  });

  test('errorstats: rejected call unknown command', async () => {
    await r.call('CONFIG', 'RESETSTAT');
    assert.equal(await s('total_error_replies'), '0');
    assertError(await r.call('asdf'), 'ERR unknown*');
    assert.equal(await errorstat('ERR'), 'count=1');
    assert.equal(await s('total_error_replies'), '1');
    await r.call('CONFIG', 'RESETSTAT');
    assert.equal(await errorstat('ERR'), undefined);
  });

  test('errorstats: rejected call due to wrong arity', async () => {
    await r.call('CONFIG', 'RESETSTAT');
    assertError(await r.call('SET', 'k'), "ERR wrong number of arguments for 'set' command");
    assert.equal(await errorstat('ERR'), 'count=1');
    assert.match((await cmdstat('set')) ?? '', /^calls=0,.*,rejected_calls=1,failed_calls=0$/);
    // After a rejected command, valid ones are counted properly.
    await r.call('SET', 'k1', 'v1');
    await r.call('SET', 'k2', 'v2');
    assert.match((await cmdstat('set')) ?? '', /^calls=2,.*,rejected_calls=1,failed_calls=0$/);
    assert.equal(await s('total_error_replies'), '1');
  });

  test('errorstats: rejected call within MULTI/EXEC', async () => {
    await r.call('CONFIG', 'RESETSTAT');
    assert.equal(await s('total_error_replies'), '0');
    await r.call('MULTI');
    assertError(await r.call('SET'), "ERR wrong number of arguments for 'set' command");
    assertError(await r.call('EXEC'), 'EXECABORT*');
    assert.equal(await errorstat('ERR'), 'count=1');
    assert.equal(await errorstat('EXECABORT'), 'count=1');
    assert.match((await cmdstat('set')) ?? '', /^calls=0,.*,rejected_calls=1,failed_calls=0$/);
    assert.match((await cmdstat('exec')) ?? '', /^calls=1,.*,rejected_calls=0,failed_calls=1$/);
    assert.equal(await s('total_error_replies'), '2');
  });

  test('errorstats: failed call within MULTI/EXEC', async () => {
    await r.call('CONFIG', 'RESETSTAT');
    await r.call('MULTI');
    await r.call('SET', 'a', 'b');
    await r.call('AUTH', 'a');
    const res = (await r.call('EXEC')) as unknown[];
    assertError(res[1] as Error, 'ERR AUTH*');
    assert.equal(await errorstat('ERR'), 'count=1');
    assert.match((await cmdstat('set')) ?? '', /^calls=1,.*,rejected_calls=0,failed_calls=0$/);
    assert.match((await cmdstat('auth')) ?? '', /^calls=1,.*,rejected_calls=0,failed_calls=1$/);
    assert.match((await cmdstat('exec')) ?? '', /^calls=1,.*,rejected_calls=0,failed_calls=0$/);
    assert.equal(await s('total_error_replies'), '1');
    // Errors of EXEC itself are EXEC's.
    assertError(await r.call('EXEC'), 'ERR EXEC without MULTI');
    assert.match((await cmdstat('exec')) ?? '', /^calls=2,.*,rejected_calls=0,failed_calls=1$/);
    assert.equal(await errorstat('ERR'), 'count=2');
    assert.equal(await s('total_error_replies'), '2');
  });

  test('errorstats: codes are counted apart and listed in order', async () => {
    await r.call('CONFIG', 'RESETSTAT');
    await r.call('SET', 'str', 'v');
    assertError(await r.call('LPUSH', 'str', 'x'), 'WRONGTYPE*');
    assertError(await r.call('HELLO', '4'), 'NOPROTO*');
    assertError(await r.call('nosuch'), 'ERR*');
    const lines = ((await r.call('INFO', 'errorstats')) as string).split('\r\n');
    assert.deepEqual(lines, ['# Errorstats', 'errorstat_ERR:count=1', 'errorstat_NOPROTO:count=1', 'errorstat_WRONGTYPE:count=1', '']);
  });

  test('CONFIG RESETSTAT zeroes the counters INFO reports', async () => {
    await r.call('GET', 'nothing-here');
    assert.deepEqual(await r.call('CONFIG', 'RESETSTAT'), OK);
    const f = infoFields((await r.call('INFO', 'everything')) as string);
    assert.equal(f.get('keyspace_misses'), '0');
    assert.equal(f.get('keyspace_hits'), '0');
    assert.equal(f.get('total_error_replies'), '0');
    assert.equal(f.get('total_connections_received'), '0');
    // Only CONFIG RESETSTAT itself has run since (INFO counts after it replies).
    assert.equal(f.get('total_commands_processed'), '1');
    assert.deepEqual([...f.keys()].filter((k) => k.startsWith('cmdstat_')), ['cmdstat_config|resetstat']);
    assert.match(f.get('cmdstat_config|resetstat') ?? '', /^calls=1,.*,rejected_calls=0,failed_calls=0$/);
  });
});

describe('INFO field names and order match redis-server 7.0', { skip: !haveRedisServer() && 'redis-server is not installed' }, () => {
  test('every field Cinnabar prints exists in Redis, in the same section and order', async () => {
    const srv = await startTestServer();
    const oracle = await startOracle();
    try {
      const r = await srv.client();
      const o = await oracle.client();
      // Make every section non-empty on both sides.
      for (const c of [r, o]) {
        await c.call('SET', 'k', 'v');
        await c.call('GET', 'k');
        await c.call('nosuchcommand');
      }
      const ours = namesBySection((await r.call('INFO', 'everything')) as string);
      const theirs = namesBySection((await o.call('INFO', 'everything')) as string);
      assert.deepEqual([...ours.keys()], [...theirs.keys()]);
      const extras = new Set(['cinnabar_version', 'node_version']);
      const problems: string[] = [];
      for (const [section, names] of ours) {
        if (section === 'Commandstats' || section === 'Latencystats') continue;
        const ref = theirs.get(section) ?? [];
        let last = -1;
        for (const n of names) {
          if (extras.has(n)) continue;
          const i = ref.indexOf(n);
          if (i < 0) problems.push(`${section}: ${n} is not a Redis field`);
          else if (i < last) problems.push(`${section}: ${n} out of order`);
          else last = i;
        }
      }
      assert.deepEqual(problems, []);
      // Fields clients parse are all there.
      const all = [...ours.values()].flat();
      for (const f of ['redis_version', 'loading', 'maxmemory_policy', 'connected_clients', 'used_memory', 'role', 'keyspace_hits']) {
        assert.ok(all.includes(f), f);
      }
    } finally {
      await srv.close();
      await oracle.close();
    }
  });
});

describe('INFO stats: socket reads and writes', () => {
  test('total_reads_processed and total_writes_processed count one read and one write per request', async () => {
    const srv = await startTestServer();
    try {
      const r = await srv.client();
      const stats = async (): Promise<[number, number]> => {
        const f = infoFields((await r.call('INFO', 'stats')) as string);
        return [Number(f.get('total_reads_processed')), Number(f.get('total_writes_processed'))];
      };
      const [reads, writes] = await stats();
      assert.deepEqual(await r.call('PING'), { status: 'PONG' });
      assert.deepEqual(await r.call('PING'), { status: 'PONG' });
      // An INFO reply counts its request's read but not its own write: since the first one,
      // reads are PING, PING, INFO; writes are the first INFO's reply, PING, PING.
      assert.deepEqual(await stats(), [reads + 3, writes + 3]);
    } finally {
      await srv.close();
    }
  });
});
