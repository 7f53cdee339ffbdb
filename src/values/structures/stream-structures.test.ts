/**
 * Unit tests of the stream structures: 64-bit ID halves (string2ull parsing, printing,
 * successor/predecessor across word boundaries), listpack entry sizes, IdMap against a sorted
 * array model, and StreamNode storage before and after sealing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdMap } from './id-map.js';
import { StreamNode } from './stream-node.js';
import { cmpId, decrId, ID_MAX, ID_MIN, incrId, lpDeltaSize, lpIntSize, lpStrSize, parseU64, StreamID, u64ToString } from './stream-id.js';

const id = (ms: number, seq: number): StreamID => StreamID.of(ms, seq);

function big(s: string): StreamID {
  const [ms, seq] = s.split('-').map((x) => BigInt(x)) as [bigint, bigint];
  return new StreamID(Number(ms >> 32n), Number(ms & 0xffffffffn), Number(seq >> 32n), Number(seq & 0xffffffffn));
}

test('parseU64 follows string2ull', () => {
  const v = (s: string): string | null => {
    const p = parseU64(s);
    return p === null ? null : u64ToString(p[0], p[1]);
  };
  assert.equal(v('0'), '0');
  assert.equal(v('123'), '123');
  assert.equal(v('18446744073709551615'), '18446744073709551615');
  assert.equal(v('18446744073709551616'), null);
  assert.equal(v('9007199254740993'), '9007199254740993');
  assert.equal(v('007'), '7');
  assert.equal(v('+5'), '5');
  assert.equal(v(' \t5'), '5');
  assert.equal(v('-0'), '0');
  assert.equal(v('-01'), '18446744073709551615');
  assert.equal(v('-9223372036854775809'), '9223372036854775807');
  assert.equal(v('-9999999999999999999'), '8446744073709551617');
  for (const bad of ['', '-', '+', ' ', '-1', '-9223372036854775808', '1 ', '1a', '0x10', '5 ']) assert.equal(v(bad), null, bad);
});

test('IDs print, compare and step across word boundaries', () => {
  assert.equal(ID_MAX.toString(), '18446744073709551615-18446744073709551615');
  assert.equal(big('4294967296-4294967295').toString(), '4294967296-4294967295');
  assert.equal(incrId(big('1-4294967295'))?.toString(), '1-4294967296');
  assert.equal(incrId(big('1-18446744073709551615'))?.toString(), '2-0');
  assert.equal(incrId(big('4294967295-18446744073709551615'))?.toString(), '4294967296-0');
  assert.equal(incrId(ID_MAX), null);
  assert.equal(decrId(big('2-0'))?.toString(), '1-18446744073709551615');
  assert.equal(decrId(big('4294967296-0'))?.toString(), '4294967295-18446744073709551615');
  assert.equal(decrId(ID_MIN), null);
  assert.equal(cmpId(big('1-2'), big('1-10')), -1);
  assert.equal(cmpId(big('4294967296-0'), big('4294967295-18446744073709551615')), 1);
  assert.equal(id(5, 5).msNumber(), 5);
  assert.equal(ID_MAX.msNumber(), Infinity);
});

test('listpack entry sizes', () => {
  assert.deepEqual([0, 127, 128, -1, 4095, -4096, 4096, 32767, -32769, 8388607, 2147483647, 2147483648].map(lpIntSize), [2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 10]);
  assert.equal(lpStrSize('12'), 2);
  assert.equal(lpStrSize('012'), 5);
  assert.equal(lpStrSize('-0'), 4);
  assert.equal(lpStrSize('9223372036854775807'), 10);
  assert.equal(lpStrSize('9223372036854775808'), 21);
  assert.equal(lpStrSize('x'.repeat(63)), 65);
  assert.equal(lpStrSize('x'.repeat(64)), 67);
  assert.equal(lpStrSize('x'.repeat(126)), 130);
  assert.equal(lpStrSize('x'.repeat(4096)), 4103);
  // Deltas wrap modulo 2^64 and read as int64.
  assert.equal(lpDeltaSize(0, 5, 0, 10), 3);
  assert.equal(lpDeltaSize(0xffffffff, 0xffffffff, 0, 0), 3);
  assert.equal(lpDeltaSize(1, 0, 0, 0), 10);
});

test('IdMap behaves as a sorted map', () => {
  let seed = 3;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const m = new IdMap<number>();
  const model = new Map<string, number>();
  const key = (x: StreamID): string => x.toString();
  for (let step = 0; step < 20000; step++) {
    const k = rnd(3) === 0 ? id(rnd(100000), rnd(3)) : id(step, 0);
    if (rnd(3) === 0) {
      assert.equal(m.delete(k), model.delete(key(k)));
    } else {
      assert.equal(m.insert(k, step), !model.has(key(k)));
      if (!model.has(key(k))) model.set(key(k), step);
    }
    assert.equal(m.size, model.size);
  }
  const sorted = [...model.keys()].map(big).sort(cmpId);
  const seen: string[] = [];
  m.forEach(null, (k, v) => {
    assert.equal(v, model.get(key(k)));
    seen.push(key(k));
    return true;
  });
  assert.deepEqual(seen, sorted.map(key));
  assert.equal(m.firstKey()?.toString(), sorted[0]?.toString());
  assert.equal(m.lastKey()?.toString(), sorted[sorted.length - 1]?.toString());
  for (let i = 0; i < 200; i++) {
    const probe = id(rnd(100000), rnd(3));
    const expected = sorted.find((k) => cmpId(k, probe) >= 0);
    assert.equal(m.ceiling(probe)?.id.toString(), expected?.toString());
    assert.equal(m.get(probe), model.get(key(probe)));
  }
});

test('StreamNode keeps fields and values across sealing', () => {
  const n = new StreamNode(id(1, 0), ['f', 'g']);
  n.append(id(1, 0), ['f', '1', 'g', 'abc']);
  n.append(id(2, 0), ['f', '-7', 'g', '']);
  n.append(id(3, 0), ['x', '007', 'y', '123456789012']);
  const read = (): string[][] => [0, 1, 2].map((i) => {
    const out: string[] = [];
    for (let j = 0; j < n.numFields(i); j++) out.push(n.field(i, j), n.value(i, j));
    return out;
  });
  const before = read();
  assert.deepEqual(before, [['f', '1', 'g', 'abc'], ['f', '-7', 'g', ''], ['x', '007', 'y', '123456789012']]);
  const bytes = n.bytes;
  n.seal();
  assert.deepEqual(read(), before);
  assert.equal(n.bytes, bytes);
  n.markDeleted(1);
  assert.equal(n.isDeleted(1), true);
  assert.deepEqual([n.count, n.deleted, n.lowerBound(id(2, 5)), n.upperIndex(id(2, 5))], [2, 1, 2, 1]);
  // Appending again reopens it.
  n.append(id(4, 0), ['f', '4', 'g', 'z']);
  assert.deepEqual([n.field(3, 0), n.value(3, 1), n.value(2, 1)], ['f', 'z', '123456789012']);
});
