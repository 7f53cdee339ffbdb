/**
 * COMMAND, and the command table's conformance with Redis 7.0.15: for every command and
 * subcommand in the table, COMMAND INFO (arity, flags, key positions, ACL categories, and key
 * specs where a row declares them) must equal the real redis-server's; every command Redis
 * has and Cinnabar lacks must get Redis's unknown-command error. Also COMMAND's own
 * subcommands (COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP) and their errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertError,
  haveRedisServer,
  startOracle,
  startTestServer,
  type Oracle,
  type Reply,
  type RespClient,
  type TestServer,
} from '../helpers/server.js';

/** Subcommands taken from Redis 7.2 on purpose (clients send them); 7.0 does not have them. */
const NEWER_THAN_7_0 = new Set(['client|setinfo', 'client|no-touch']);

interface Info {
  name: string;
  arity: number;
  flags: string[];
  first: number;
  last: number;
  step: number;
  acl: string[];
  keySpecs: Reply;
  subcommands: Info[];
}

function str(r: Reply): string {
  if (typeof r === 'string') return r;
  if (r !== null && typeof r === 'object' && 'status' in r) return r.status;
  throw new Error(`not a string: ${JSON.stringify(r)}`);
}

function parseInfo(r: Reply): Info {
  assert.ok(Array.isArray(r) && r.length === 10, `COMMAND INFO entry has 10 elements: ${JSON.stringify(r)}`);
  const [name, arity, flags, first, last, step, acl, , keySpecs, subs] = r as Reply[];
  return {
    name: str(name as Reply),
    arity: arity as number,
    flags: (flags as Reply[]).map(str).sort(),
    first: first as number,
    last: last as number,
    step: step as number,
    acl: (acl as Reply[]).map(str).sort(),
    keySpecs: normalizeKeySpecs(keySpecs as Reply),
    subcommands: (subs as Reply[]).map(parseInfo),
  };
}

/** Key specs as plain data: flags sorted, Redis's explanatory 'notes' dropped. */
function normalizeKeySpecs(r: Reply): Reply {
  if (!Array.isArray(r)) return r;
  return r.map((spec) => {
    const a = spec as Reply[];
    const out: Reply[] = [];
    for (let i = 0; i < a.length; i += 2) {
      const k = str(a[i] as Reply);
      if (k === 'notes') continue;
      const v = a[i + 1] as Reply;
      out.push(k, k === 'flags' ? (v as Reply[]).map(str).sort() : v);
    }
    return out;
  });
}

/**
 * The machine-readable part of a COMMAND DOCS entry: prose (summary, complexity, history) is
 * written in our own words, deprecation notes are not modelled, subcommands are compared
 * one by one.
 */
function docShape(v: Reply): Reply {
  if (v instanceof Map) {
    const out = new Map<Reply, Reply>();
    for (const [k, x] of v) {
      if (['summary', 'complexity', 'history', 'deprecated_since', 'replaced_by', 'subcommands'].includes(k as string)) continue;
      out.set(k, docShape(x));
    }
    return [...out];
  }
  if (Array.isArray(v)) return v.map(docShape);
  if (v !== null && typeof v === 'object' && 'status' in v) return v.status;
  return v;
}

/** Every command and subcommand by full name. */
function byName(all: Info[]): Map<string, Info> {
  const m = new Map<string, Info>();
  for (const i of all) {
    m.set(i.name, i);
    for (const s of i.subcommands) m.set(s.name, s);
  }
  return m;
}

describe('command table conformance with redis-server 7.0', { skip: !haveRedisServer() && 'redis-server is not installed' }, () => {
  let srv: TestServer;
  let oracle: Oracle;
  let c: RespClient;
  let ours: Map<string, Info>;
  let theirs: Map<string, Info>;

  before(async () => {
    srv = await startTestServer();
    oracle = await startOracle();
    c = await srv.client();
    const r = await oracle.client();
    ours = byName(((await c.call('COMMAND')) as Reply[]).map(parseInfo));
    theirs = byName(((await r.call('COMMAND')) as Reply[]).map(parseInfo));
  });

  after(async () => {
    await srv.close();
    await oracle.close();
  });

  test('every command and subcommand matches COMMAND INFO: arity, flags, keys, ACL categories', () => {
    const mismatches: string[] = [];
    for (const [name, mine] of ours) {
      const ref = theirs.get(name);
      if (ref === undefined) {
        if (!NEWER_THAN_7_0.has(name)) mismatches.push(`${name}: not a Redis 7.0 command`);
        continue;
      }
      const fields = ['arity', 'flags', 'first', 'last', 'step', 'acl'] as const;
      for (const f of fields) {
        if (JSON.stringify(mine[f]) !== JSON.stringify(ref[f])) {
          mismatches.push(`${name} ${f}: ours ${JSON.stringify(mine[f])}, redis ${JSON.stringify(ref[f])}`);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('key specs declared by rows match Redis', async () => {
    // Rows without keySpecs get one derived from (first, last, step); only declared ones are checked.
    const declared = new Set<string>();
    const { ALL_COMMANDS } = await import('../../src/commands/index.js');
    for (const fam of ALL_COMMANDS) {
      for (const spec of fam) {
        if (spec.keySpecs) declared.add(spec.name);
        for (const s of spec.subcommands ?? []) if (s.keySpecs) declared.add(`${spec.name}|${s.name}`);
      }
    }
    const mismatches: string[] = [];
    for (const name of declared) {
      const ref = theirs.get(name);
      if (ref === undefined) continue;
      const mine = ours.get(name) as Info;
      if (JSON.stringify(mine.keySpecs) !== JSON.stringify(ref.keySpecs)) {
        mismatches.push(`${name}: ours ${JSON.stringify(mine.keySpecs)}, redis ${JSON.stringify(ref.keySpecs)}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('COMMAND DOCS argument trees match Redis (names, types, tokens, flags, since)', async () => {
    const r3 = await srv.client();
    await r3.call('HELLO', '3');
    const o3 = await oracle.client();
    await o3.call('HELLO', '3');
    const names = [...ours.keys()].filter((n) => theirs.has(n));
    const mine = (await r3.call('COMMAND', 'DOCS', ...names)) as Map<Reply, Reply>;
    const ref = (await o3.call('COMMAND', 'DOCS', ...names)) as Map<Reply, Reply>;
    const mismatches: string[] = [];
    for (const name of names) {
      const a = JSON.stringify(docShape(mine.get(name) ?? null));
      const b = JSON.stringify(docShape(ref.get(name) ?? null));
      if (a !== b) mismatches.push(`${name}: ours ${a}, redis ${b}`);
    }
    assert.deepEqual(mismatches, []);
  });

  test('commands Redis has and Cinnabar lacks answer the unknown command error', async (t) => {
    let checked = 0;
    for (const name of theirs.keys()) {
      if (ours.has(name)) continue;
      const bar = name.indexOf('|');
      if (bar < 0) {
        assertError(await c.call(name, 'a', 'b'), `ERR unknown command '${name}', with args beginning with: 'a' 'b' `);
      } else {
        const parent = name.slice(0, bar);
        const sub = name.slice(bar + 1);
        const expected = ours.has(parent)
          ? `ERR unknown subcommand '${sub}'. Try ${parent.toUpperCase()} HELP.`
          : `ERR unknown command '${parent}', with args beginning with: '${sub}' `;
        assertError(await c.call(parent, sub), expected);
      }
      checked++;
    }
    // The connection survived all of it.
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    t.diagnostic(`${checked} Redis 7.0 commands and subcommands are not in Cinnabar's table`);
  });

  test('COMMAND COUNT counts the top-level commands COMMAND lists', async () => {
    const all = (await c.call('COMMAND')) as Reply[];
    assert.equal(await c.call('COMMAND', 'COUNT'), all.length);
  });
});

describe('COMMAND subcommands', () => {
  let srv: TestServer;
  let c: RespClient;

  before(async () => {
    srv = await startTestServer();
    c = await srv.client();
  });

  after(async () => {
    await srv.close();
  });

  test('COMMAND INFO of a command, a subcommand, and an unknown name', async () => {
    const r = (await c.call('COMMAND', 'INFO', 'get', 'CLIENT|ID', 'nosuch')) as Reply[];
    assert.equal(r.length, 3);
    assert.deepEqual(r[0], [
      'get', 2, [{ status: 'readonly' }, { status: 'fast' }], 1, 1, 1,
      [{ status: '@read' }, { status: '@string' }, { status: '@fast' }], [],
      [['flags', [{ status: 'RO' }, { status: 'access' }], 'begin_search', ['type', 'index', 'spec', ['index', 1]],
        'find_keys', ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]]]],
      [],
    ]);
    assert.deepEqual(r[1], [
      'client|id', 2, [{ status: 'noscript' }, { status: 'loading' }, { status: 'stale' }], 0, 0, 0,
      [{ status: '@slow' }, { status: '@connection' }], [], [], [],
    ]);
    assert.equal(r[2], null);
  });

  test('COMMAND INFO lists subcommands of a container', async () => {
    const [client] = (await c.call('COMMAND', 'INFO', 'client')) as Reply[][];
    assert.equal(client?.[0], 'client');
    assert.equal(client?.[1], -2);
    const subs = (client?.[9] as Reply[][]).map((s) => s[0]);
    assert.ok(subs.includes('client|list') && subs.includes('client|kill'));
    assert.ok(!subs.includes('client|pause'));
  });

  test('COMMAND INFO in RESP3: flags, categories, tips and key specs are sets', async () => {
    const r3 = await srv.client();
    await r3.call('HELLO', '3');
    const expected =
      '*1\r\n*10\r\n$4\r\ninfo\r\n:-1\r\n~2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@slow\r\n+@dangerous\r\n' +
      '~3\r\n$23\r\nnondeterministic_output\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:special\r\n~0\r\n~0\r\n';
    const raw = await r3.rawExchange('*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$4\r\ninfo\r\n', expected.length);
    assert.equal(raw.toString('latin1'), expected);
  });

  test('COMMAND with no argument and COMMAND INFO with none describe every command', async () => {
    const all = (await c.call('COMMAND')) as Reply[];
    const info = (await c.call('COMMAND', 'INFO')) as Reply[];
    assert.deepEqual(info, all);
    assert.ok(all.length > 10);
  });

  test('COMMAND DOCS: a map of the named commands, unknown names left out', async () => {
    const r = (await c.call('COMMAND', 'DOCS', 'echo', 'nosuch', 'client|setname')) as Reply[];
    assert.equal(r.length, 4);
    assert.equal(r[0], 'echo');
    const echo = r[1] as Reply[];
    assert.deepEqual(echo.filter((_v, i) => i % 2 === 0), ['summary', 'since', 'group', 'complexity', 'arguments']);
    assert.equal(echo[3], '1.0.0');
    assert.equal(echo[5], 'connection');
    assert.deepEqual(echo[9], [['name', 'message', 'type', 'string']]);
    assert.equal(r[2], 'client|setname');
    assert.deepEqual(await c.call('COMMAND', 'DOCS', 'nosuch'), []);
  });

  test('COMMAND DOCS in RESP3 is a map; argument flags are a set; subcommands nest', async () => {
    const r3 = await srv.client();
    await r3.call('HELLO', '3');
    const docs = (await r3.call('COMMAND', 'DOCS', 'ping', 'client')) as Map<Reply, Reply>;
    assert.ok(docs instanceof Map);
    const ping = docs.get('ping') as Map<Reply, Reply>;
    assert.equal(ping.get('group'), 'connection');
    const [arg] = ping.get('arguments') as Map<Reply, Reply>[];
    assert.deepEqual([...(arg as Map<Reply, Reply>)], [
      ['name', 'message'],
      ['type', 'string'],
      ['flags', [{ status: 'optional' }]],
    ]);
    const client = docs.get('client') as Map<Reply, Reply>;
    const subs = client.get('subcommands') as Map<Reply, Reply>;
    assert.ok(subs.has('client|kill'));
    assert.equal((subs.get('client|kill') as Map<Reply, Reply>).get('since'), '2.4.0');
  });

  test('COMMAND LIST with and without FILTERBY', async () => {
    const all = (await c.call('COMMAND', 'LIST')) as string[];
    assert.ok(all.includes('get') && all.includes('client|list') && all.includes('command|docs'));
    assert.deepEqual(((await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT|G*')) as string[]).sort(), ['client|getname']);
    const conn = (await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'connection')) as string[];
    assert.ok(conn.includes('ping') && conn.includes('client|id') && !conn.includes('get'));
    assert.deepEqual(await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuchcategory'), []);
    assert.deepEqual(await c.call('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'foo'), []);
    assertError(await c.call('COMMAND', 'LIST', 'FILTERBY'), 'ERR syntax error');
    assertError(await c.call('COMMAND', 'LIST', 'foo'), 'ERR syntax error');
    assertError(await c.call('COMMAND', 'LIST', 'FILTERBY', 'foo', 'bar'), 'ERR syntax error');
    assertError(await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN'), 'ERR syntax error');
  });

  test('COMMAND GETKEYS and GETKEYSANDFLAGS', async () => {
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'set', 'a', 'b'), ['a']);
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'), ['a', 'b']);
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'lmove', 'a', 'b', 'left', 'right'), ['a', 'b']);
    assert.deepEqual(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'a', 'b', 'left', 'right'), [
      ['a', [{ status: 'RW' }, { status: 'access' }, { status: 'delete' }]],
      ['b', [{ status: 'RW' }, { status: 'insert' }]],
    ]);
    assert.deepEqual(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'llen', 'x'), [['x', [{ status: 'RO' }]]]);
  });

  test('COMMAND GETKEYS errors', async () => {
    assertError(await c.call('COMMAND', 'GETKEYS'), "ERR wrong number of arguments for 'command|getkeys' command");
    assertError(await c.call('COMMAND', 'GETKEYS', 'get'), "ERR wrong number of arguments for 'command|getkeys' command");
    assertError(await c.call('COMMAND', 'GETKEYS', 'nosuch', 'a'), 'ERR Invalid command specified');
    assertError(await c.call('COMMAND', 'GETKEYS', 'client|kill', 'a'), 'ERR Invalid command specified');
    assertError(await c.call('COMMAND', 'GETKEYS', 'client', 'nosuch', 'a'), 'ERR Invalid command specified');
    assertError(await c.call('COMMAND', 'GETKEYS', 'ping', 'a'), 'ERR The command has no key arguments');
    assertError(await c.call('COMMAND', 'GETKEYS', 'client', 'kill', 'x'), 'ERR The command has no key arguments');
    assertError(await c.call('COMMAND', 'GETKEYS', 'get', 'a', 'b'), 'ERR Invalid number of arguments specified for command');
    assertError(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'ping', 'a'), 'ERR The command has no key arguments');
  });

  test('COMMAND HELP, COUNT arity and unknown subcommands', async () => {
    const help = (await c.call('COMMAND', 'HELP')) as Reply[];
    assert.deepEqual(help[0], { status: 'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
    assert.deepEqual(help.at(-2), { status: 'HELP' });
    assert.deepEqual(help.at(-1), { status: '    Prints this help.' });
    assertError(await c.call('COMMAND', 'COUNT', 'x'), "ERR wrong number of arguments for 'command|count' command");
    assertError(await c.call('COMMAND', 'HELP', 'x'), "ERR wrong number of arguments for 'command|help' command");
    assertError(await c.call('COMMAND', 'foo'), "ERR unknown subcommand 'foo'. Try COMMAND HELP.");
  });

  test('TIME returns seconds and microseconds as bulk strings', async () => {
    const before = Date.now();
    const r = (await c.call('TIME')) as string[];
    const after = Date.now();
    assert.equal(r.length, 2);
    assert.match(r[0] as string, /^\d+$/);
    assert.match(r[1] as string, /^\d{1,6}$/);
    const ms = Number(r[0]) * 1000 + Math.floor(Number(r[1]) / 1000);
    assert.ok(ms >= before - 1 && ms <= after + 1, `${ms} within [${before}, ${after}]`);
    assertError(await c.call('TIME', 'x'), "ERR wrong number of arguments for 'time' command");
  });
});
