/**
 * Unit tests of the packed structures behind sets and hashes: StrDict (against a Map model,
 * through growth and shrinking, and its SCAN guarantee), the intset string, and the listpack
 * string.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packPair, pairField, pairValue, StrDict } from './dict.js';
import { intsetGet, intsetInsertAt, intsetSearch, intsetUpgrade, parseInt64Parts, widthFor, type Int64Parts } from './intset.js';
import { lpAppend2, lpCut, lpFindField, lpGet, lpNext, lpReplace } from './listpack.js';

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

function dictKeys(d: StrDict): string[] {
  const out: string[] = [];
  for (let i = 0; i < d.size; i++) out.push(d.at(i));
  return out.sort();
}

test('StrDict set mode agrees with a Set through random adds and deletes', () => {
  const rand = seeded(7);
  const d = new StrDict(false);
  const model = new Set<string>();
  for (let step = 0; step < 50_000; step++) {
    const k = `m${Math.floor(rand() * 3000)}`;
    if (rand() < 0.6) assert.equal(d.add(k), !model.has(k) && (model.add(k), true));
    else assert.equal(d.delete(k), model.delete(k));
    if (step % 5000 === 0) assert.deepEqual(dictKeys(d), [...model].sort());
  }
  assert.equal(d.size, model.size);
  for (const k of model) assert.ok(d.has(k));
  assert.ok(!d.has('absent'));
  // Deleting everything shrinks the bucket table back to the minimum.
  for (const k of model) d.delete(k);
  assert.equal(d.size, 0);
  assert.equal(d.bucketCount, 4);
});

test('StrDict pair mode keys by field and keeps the value', () => {
  const d = new StrDict(true);
  const long = 'f'.repeat(300); // a field length needing a 2-char varint
  d.addNew('a', packPair('a', '1'));
  d.addNew(long, packPair(long, 'v'));
  d.addNew('', packPair('', 'empty field'));
  assert.equal(pairValue(d.at(d.indexOf('a'))), '1');
  assert.equal(pairField(d.at(d.indexOf(long))), long);
  assert.equal(pairValue(d.at(d.indexOf(long))), 'v');
  assert.equal(pairValue(d.at(d.indexOf(''))), 'empty field');
  assert.equal(d.indexOf('a1'), -1, 'a field is not matched by a prefix of the packed entry');
  assert.equal(d.indexOf('1'), -1);
});

test('StrDict scan returns every element present throughout, across grow and shrink', () => {
  const rand = seeded(11);
  for (let round = 0; round < 30; round++) {
    const d = new StrDict(false);
    for (let i = 0; i < 200; i++) d.add(`keep${i}`);
    let cursor = 0;
    const seen = new Set<string>();
    let calls = 0;
    do {
      const out: string[] = [];
      cursor = d.scan(cursor, 1 + Math.floor(rand() * 20), 1, out);
      for (const m of out) seen.add(m);
      // Churn: add many (grows the table) or delete many (shrinks it).
      if (rand() < 0.5) for (let i = 0; i < 300; i++) d.add(`tmp${round}-${calls}-${i}`);
      else for (const m of d.ents.slice()) if (m.startsWith('tmp')) d.delete(m);
      calls++;
    } while (cursor !== 0);
    for (let i = 0; i < 200; i++) assert.ok(seen.has(`keep${i}`), `keep${i} missing in round ${round}`);
  }
});

test('StrDict scan with no changes returns each element exactly once', () => {
  const d = new StrDict(false);
  for (let i = 0; i < 1000; i++) d.add(`e${i}`);
  const all: string[] = [];
  let cursor = 0;
  do cursor = d.scan(cursor, 10, 1, all);
  while (cursor !== 0);
  assert.equal(all.length, 1000);
  assert.equal(new Set(all).size, 1000);
});

test('intset: canonical int64 parsing, widths and order', () => {
  const p: Int64Parts = { hi: 0, lo: 0 };
  for (const bad of ['', '-', '01', '-0', '+1', ' 1', '1 ', '1a', '9223372036854775808', '-9223372036854775809', '1.0']) {
    assert.equal(parseInt64Parts(bad, p), false, bad);
  }
  const values = ['0', '-1', '32767', '-32768', '32768', '2147483647', '-2147483648', '2147483648', '9223372036854775807', '-9223372036854775808', '123456789012345678'];
  let s = '';
  let w = 2;
  for (const v of values) {
    assert.ok(parseInt64Parts(v, p), v);
    const need = widthFor(p);
    if (need > w) {
      s = intsetUpgrade(s, w, need);
      w = need;
    }
    const at = intsetSearch(s, w, p);
    assert.ok(at < 0, `${v} not yet present`);
    s = intsetInsertAt(s, w, -at - 1, p);
  }
  assert.equal(w, 8);
  const got: string[] = [];
  for (let i = 0; i < s.length / w; i++) got.push(intsetGet(s, w, i));
  const sorted = [...values].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  assert.deepEqual(got, sorted);
  assert.ok(parseInt64Parts('32767', p) && intsetSearch(s, w, p) >= 0);
  assert.ok(parseInt64Parts('5', p) && intsetSearch(s, w, p) < 0);
});

test('listpack string: append, find, replace, cut', () => {
  let lp = '';
  lp = lpAppend2(lp, 'a', '1');
  lp = lpAppend2(lp, 'b'.repeat(200), 'x'.repeat(20000));
  lp = lpAppend2(lp, '1', 'a');
  assert.equal(lpFindField(lp, 'a'), 0);
  assert.equal(lpFindField(lp, '1'), lpNext(lp, lpNext(lp, lpNext(lp, lpNext(lp, 0)))));
  assert.equal(lpFindField(lp, 'x'), -1, 'values are not fields');
  const pb = lpFindField(lp, 'b'.repeat(200));
  assert.equal(lpGet(lp, lpNext(lp, pb)), 'x'.repeat(20000));
  const vp = lpNext(lp, pb);
  lp = lpReplace(lp, vp, lpNext(lp, vp), 'short');
  assert.equal(lpGet(lp, lpNext(lp, lpFindField(lp, 'b'.repeat(200)))), 'short');
  const p1 = lpFindField(lp, 'a');
  lp = lpCut(lp, p1, lpNext(lp, lpNext(lp, p1)));
  assert.equal(lpFindField(lp, 'a'), -1);
  assert.equal(lpGet(lp, lpNext(lp, lpFindField(lp, '1'))), 'a');
});
