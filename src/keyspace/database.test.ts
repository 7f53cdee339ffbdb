/**
 * Unit tests of Database (over KeyDict) and the active expiry cycle: look-ups by string and by
 * request bytes, growth and shrinking of the bucket table under SCAN, random keys, expiry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyspace, type KeyspaceHooks } from './keyspace.js';
import { LOOKUP, type Database } from './database.js';
import { NOTIFY_ALL, NOTIFY } from './notify.js';
import { compactFromString, compactLru, strText } from '../values/string.js';
import type { RedisValue } from '../values/types.js';

const T0 = 1_700_000_000_000;

/** A deterministic random source (xorshift), so tests do not depend on luck. */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

interface Recorder {
  events: string[];
  modified: string[];
}

function setup(dbs = 16): { ks: Keyspace; db: Database; rec: Recorder } {
  const ks = new Keyspace(dbs);
  ks.now = T0;
  ks.random = seeded(42);
  const rec: Recorder = { events: [], modified: [] };
  const hooks: KeyspaceHooks = {
    modified: (db, key) => rec.modified.push(`${db.id}:${key}`),
    ready: () => {},
    event: (_t, event, key, dbid) => rec.events.push(`${dbid}:${event}:${key}`),
    flushing: () => {},
    expired: () => {},
  };
  ks.hooks = hooks;
  ks.notifyFlags = NOTIFY_ALL | NOTIFY.KEY_MISS | NOTIFY.NEW | NOTIFY.KEYEVENT;
  return { ks, db: ks.db(0), rec };
}

const val = (ks: Keyspace, s: string): string => compactFromString(s, ks.initialWord());
const text = (v: RedisValue | undefined): string | undefined => (v === undefined ? undefined : strText(v as string));

function fill(ks: Keyspace, db: Database, n: number, prefix = 'key:'): void {
  for (let i = 0; i < n; i++) db.set(`${prefix}${i}`, val(ks, `v${i}`));
}

/** Run a whole SCAN iteration, calling `between` after every call. */
function scanAll(db: Database, count: number, between: (round: number) => void = () => {}): string[] {
  const seen: string[] = [];
  let cursor = 0;
  let round = 0;
  do {
    cursor = db.scanKeys(cursor, count, seen);
    between(round++);
    assert.ok(round < 100_000, 'SCAN does not terminate');
  } while (cursor !== 0);
  return seen;
}

test('set, get, overwrite and delete, by string and by bytes', () => {
  const { ks, db, rec } = setup();
  fill(ks, db, 1000);
  assert.equal(db.size, 1000);
  for (let i = 0; i < 1000; i++) assert.equal(text(db.lookupRead(`key:${i}`)), `v${i}`);
  const req = Buffer.from('*2\r\n$3\r\nGET\r\n$7\r\nkey:150\r\n', 'latin1');
  const at = req.indexOf('key:150');
  assert.equal(text(db.lookupReadBytes(req, at, at + 7)), 'v150');
  assert.equal(text(db.lookupReadBytes(req, at, at + 6)), 'v15', 'a prefix is another key');
  assert.equal(db.lookupReadBytes(req, at, at + 4), undefined);
  // Overwriting by bytes keeps the stored key string and does not fire 'new'.
  const stored = db.keyFromBytes(req, at, at + 7);
  rec.events.length = 0;
  assert.equal(db.setBytes(req, at, at + 7, val(ks, 'new'), false), stored);
  assert.deepEqual(rec.events, []);
  assert.equal(text(db.peek('key:150')), 'new');
  for (const i of [0, 999]) assert.equal(db.set(`key:${i}`, val(ks, 'new')), false);
  assert.equal(db.size, 1000);
  // A new key by bytes fires 'new'; binary bytes survive as latin1 chars.
  const bin = Buffer.from([0, 0xff, 0x80, 0x0d, 0x0a]);
  assert.equal(db.setBytes(bin, 0, 5, val(ks, 'b'), false), '\u0000\u00ff\u0080\r\n');
  assert.deepEqual(rec.events, ['0:new:\u0000\u00ff\u0080\r\n']);
  assert.equal(text(db.lookupRead('\u0000\u00ff\u0080\r\n')), 'b');
  db.delete('\u0000\u00ff\u0080\r\n');
  // Deleting moves other entries around; all stay reachable.
  for (const i of [1, 2, 3, 250, 251, 998]) assert.equal(db.delete(`key:${i}`), true);
  assert.equal(db.delete('key:1'), false);
  assert.equal(db.size, 994);
  for (let i = 0; i < 1000; i++) {
    const gone = [1, 2, 3, 250, 251, 998].includes(i);
    assert.equal(db.peek(`key:${i}`) === undefined, gone, `key:${i}`);
  }
  const all = new Set(db.allKeys());
  assert.equal(all.size, 994);
  assert.ok(all.has('key:999') && !all.has('key:998'));
});

test('add and replace', () => {
  const { ks, db, rec } = setup();
  fill(ks, db, 350);
  db.add('added', val(ks, 'a'));
  assert.ok(rec.events.includes('0:new:added'));
  db.replace('key:349', val(ks, 'replaced'));
  assert.equal(text(db.peek('key:349')), 'replaced');
  assert.equal(db.size, 351);
});

test('the bucket table grows and shrinks with the key count', () => {
  const { ks, db } = setup();
  fill(ks, db, 5000);
  assert.equal(db.dict.bucketCount, 8192);
  for (let i = 0; i < 4900; i++) db.delete(`key:${i}`);
  // Below 10% fill it shrinks to the smallest power of two holding the keys.
  assert.ok(db.dict.bucketCount <= 256, `buckets ${db.dict.bucketCount}`);
  for (let i = 4900; i < 5000; i++) assert.equal(text(db.peek(`key:${i}`)), `v${i}`);
});

test('SCAN returns every key exactly once', () => {
  const { ks, db } = setup();
  fill(ks, db, 1000);
  for (const count of [1, 7, 10, 1000, 5000]) {
    const seen = scanAll(db, count);
    assert.equal(seen.length, 1000, `COUNT ${count}`);
    assert.equal(new Set(seen).size, 1000, `COUNT ${count}`);
  }
});

test('SCAN guarantee: keys present throughout are returned while the table grows and shrinks', () => {
  const { ks, db } = setup();
  fill(ks, db, 500, 'stable:');
  const rnd = seeded(7);
  let added = 0;
  const bucketCounts = new Set<number>();
  const seen = scanAll(db, 10, (round) => {
    // Between calls: the table grows (many adds), then shrinks (deletes), several times.
    if (round % 40 < 20) {
      for (let j = 0; j < 200; j++) db.set(`added:${added++}`, val(ks, 'x'));
    } else {
      for (let j = 0; j < 400; j++) db.delete(`added:${Math.floor(rnd() * added)}`);
    }
    bucketCounts.add(db.dict.bucketCount);
  });
  assert.ok(bucketCounts.size >= 3, `the table must be resized during the scan (${[...bucketCounts]})`);
  const stable = new Set(seen.filter((k) => k.startsWith('stable:')));
  assert.equal(stable.size, 500);
});

test('SCAN cursors are stateless: repeating a step gives the same keys', () => {
  const { ks, db } = setup();
  fill(ks, db, 300);
  const first: string[] = [];
  const cursor = db.scanKeys(0, 50, first);
  assert.notEqual(cursor, 0);
  const again: string[] = [];
  let c = db.scanKeys(cursor, 50, again);
  const retry: string[] = [];
  c = db.scanKeys(cursor, 50, retry);
  assert.deepEqual(retry, again);
  const rest: string[] = [];
  while (c !== 0) c = db.scanKeys(c, 50, rest);
  assert.equal(new Set([...first, ...again, ...rest]).size, 300);
});

test('randomKey returns every key eventually', () => {
  const { ks, db } = setup();
  fill(ks, db, 50);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const k = db.randomKey();
    assert.ok(k !== null && db.peek(k) !== undefined);
    seen.add(k);
  }
  assert.equal(seen.size, 50);
});

test('randomKey skips and reclaims expired keys, and returns null when all are gone', () => {
  const { ks, db, rec } = setup();
  fill(ks, db, 300);
  for (let i = 0; i < 300; i++) if (i !== 123) db.setExpire(`key:${i}`, T0 + 10);
  ks.now = T0 + 11;
  assert.equal(db.randomKey(), 'key:123');
  assert.ok(db.size < 300);
  assert.ok(rec.events.some((e) => e.startsWith('0:expired:')));
  db.setExpire('key:123', T0 + 5);
  while (db.size > 0) assert.equal(db.randomKey(), null);
  assert.equal(db.randomKey(), null);
  assert.equal(ks.stats.expiredKeys, 300);
});

test('flush empties the database and signals the hook', () => {
  const { ks, db } = setup();
  let flushed = 0;
  ks.hooks.flushing = () => {
    flushed++;
  };
  fill(ks, db, 450);
  db.setExpire('key:5', T0 + 1000);
  assert.equal(db.flush(), 450);
  assert.equal(flushed, 1);
  assert.equal(db.size, 0);
  assert.equal(db.expires.size, 0);
  assert.equal(db.peek('key:420'), undefined);
  assert.equal(db.randomKey(), null);
  assert.deepEqual(scanAll(db, 10), []);
  fill(ks, db, 150);
  assert.equal(db.size, 150);
});

test('swapWith exchanges contents and expires', () => {
  const { ks, db } = setup();
  const other = ks.db(3);
  fill(ks, db, 250, 'a:');
  fill(ks, other, 30, 'b:');
  db.setExpire('a:240', T0 + 5000);
  db.swapWith(other);
  assert.equal(db.size, 30);
  assert.equal(other.size, 250);
  assert.equal(text(other.peek('a:240')), 'v240');
  assert.equal(other.getExpire('a:240'), T0 + 5000);
  assert.equal(db.getExpire('a:240'), -1);
  assert.equal(db.peek('a:1'), undefined);
  assert.equal(new Set(scanAll(other, 17)).size, 250);
});

test('a key expires once now is past its time, not at it', () => {
  const { ks, db, rec } = setup();
  db.set('k', val(ks, 'v'));
  db.setExpire('k', T0 + 100);
  ks.now = T0 + 100;
  assert.equal(text(db.lookupRead('k')), 'v');
  assert.equal(db.keyIsExpired('k'), false);
  ks.now = T0 + 101;
  assert.equal(db.keyIsExpired('k'), true);
  assert.equal(db.size, 1, 'keyIsExpired does not delete');
  assert.equal(db.lookupRead('k'), undefined);
  assert.equal(db.size, 0);
  assert.ok(rec.events.includes('0:expired:k'));
  assert.equal(ks.stats.expiredKeys, 1);
});

test('lookupReadFlags honours NOTOUCH, NONOTIFY and NOSTATS', () => {
  const { ks, db, rec } = setup();
  db.set('k', val(ks, 'v'));
  const word = compactLru(db.peek('k') as string);
  ks.now = T0 + 5000;
  db.lookupReadFlags('k', LOOKUP.NOTOUCH);
  assert.equal(compactLru(db.peek('k') as string), word);
  assert.equal(ks.stats.keyspaceHits, 1);
  db.lookupReadFlags('k', 0);
  assert.notEqual(compactLru(db.peek('k') as string), word);
  db.lookupReadFlags('missing', LOOKUP.NONOTIFY);
  assert.equal(ks.stats.keyspaceMisses, 1);
  assert.ok(!rec.events.includes('0:keymiss:missing'));
  db.lookupReadFlags('missing', LOOKUP.NOSTATS);
  assert.equal(ks.stats.keyspaceMisses, 1);
  assert.ok(rec.events.includes('0:keymiss:missing'));
  db.lookupReadFlags('k', LOOKUP.NOSTATS);
  assert.equal(ks.stats.keyspaceHits, 2);
});

/** A clock for the cycle's time budget that advances `step` ms per reading. */
function steppingClock(step: number): () => number {
  let t = 0;
  return () => (t += step);
}

test('active expiry reclaims expired keys without any read', () => {
  const { ks, db, rec } = setup();
  fill(ks, db, 1000);
  for (let i = 0; i < 1000; i += 2) db.setExpire(`key:${i}`, T0 + 1000);
  ks.now = T0 + 1001;
  let cycles = 0;
  while (db.expires.size > 0) {
    ks.activeExpireCycle('slow', 10, 1, steppingClock(0));
    assert.ok(++cycles < 100);
  }
  assert.equal(db.size, 500);
  assert.equal(ks.stats.expiredKeys, 500);
  assert.equal(rec.events.filter((e) => e.includes(':expired:')).length, 500);
  assert.equal(db.peek('key:1') !== undefined && db.peek('key:2') === undefined, true);
});

test('active expiry stops at the acceptable share of stale keys', () => {
  const { ks, db } = setup();
  fill(ks, db, 1000);
  // 5% of the volatile keys are expired: below 10%, so one sample per database is enough.
  for (let i = 0; i < 1000; i++) db.setExpire(`key:${i}`, i % 20 === 0 ? T0 - 1 : T0 + 60_000);
  ks.activeExpireCycle('slow', 10, 1, steppingClock(0));
  // The first sample (key:0..19, in insertion order) holds one expired key: 5%, so it stops.
  assert.equal(db.size, 999);
});

test('active expiry keeps the average TTL with Redis integer maths', () => {
  const { ks, db } = setup();
  fill(ks, db, 10);
  for (let i = 0; i < 10; i++) db.setExpire(`key:${i}`, T0 + 1000);
  ks.activeExpireCycle('slow', 10, 1, steppingClock(0));
  assert.equal(db.avgTtl, 1000);
  for (let i = 0; i < 10; i++) db.setExpire(`key:${i}`, T0 + 5000);
  ks.activeExpireCycle('slow', 10, 1, steppingClock(0));
  // (1000/50)*49 + 5000/50
  assert.equal(db.avgTtl, 1080);
});

test('active expiry rotates databases so a busy one does not starve the others', () => {
  const { ks } = setup();
  const busy = ks.db(0);
  const quiet = ks.db(5);
  fill(ks, busy, 5000);
  for (let i = 0; i < 5000; i++) busy.setExpire(`key:${i}`, T0 - 1);
  quiet.set('q', val(ks, 'v'));
  quiet.setExpire('q', T0 - 1);
  // Every clock reading is 10ms later: the 25ms budget is exceeded at the first check.
  ks.activeExpireCycle('slow', 10, 1, steppingClock(10));
  assert.equal(ks.stats.expiredTimeCapReachedCount, 1);
  assert.ok(busy.size > 0);
  assert.equal(quiet.size, 1, 'the first call spent its budget on db 0');
  ks.activeExpireCycle('slow', 10, 1, steppingClock(10));
  assert.equal(quiet.size, 0, 'the next call starts after db 0');
});

test('the fast cycle runs only after a slow cycle ran out of time', () => {
  const { ks } = setup();
  const busy = ks.db(0);
  const small = ks.db(1);
  fill(ks, busy, 3000);
  for (let i = 0; i < 3000; i++) busy.setExpire(`key:${i}`, T0 - 1);
  fill(ks, small, 100);
  for (let i = 0; i < 100; i++) small.setExpire(`key:${i}`, T0 - 1);
  ks.activeExpireCycle('fast', 10, 1, steppingClock(0));
  assert.equal(busy.size + small.size, 3100, 'no fast cycle without a timed-out slow one');
  ks.activeExpireCycle('slow', 10, 1, steppingClock(10));
  assert.equal(ks.stats.expiredTimeCapReachedCount, 1);
  assert.equal(small.size, 100);
  ks.activeExpireCycle('fast', 10, 1, steppingClock(0));
  assert.equal(small.size, 0);
});

test('active expiry does nothing while expiry is frozen', () => {
  const { ks, db } = setup();
  fill(ks, db, 10);
  for (let i = 0; i < 10; i++) db.setExpire(`key:${i}`, T0 - 1);
  ks.expiryFrozen = true;
  ks.activeExpireCycle('slow', 10, 1, steppingClock(0));
  assert.equal(db.size, 10);
});
