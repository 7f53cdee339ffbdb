/**
 * ZTree against a naive sorted array: random inserts, deletes, score updates, range deletes
 * and bulk loads, checking order, ranks, counts, parent links and the member → leaf map.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inner, keyCmp, Leaf, setTreeFanout, ZTree, type TreeNode } from './zset-tree.js';

interface Entry {
  m: string;
  s: number;
}

function sortModel(model: Entry[]): void {
  model.sort((a, b) => keyCmp(a.s, a.m, b.s, b.m));
}

/** Structural invariants: counts, parents, separators as lower bounds, leaf chain, dict. */
function check(t: ZTree, model: Entry[]): void {
  assert.equal(t.size, model.length);
  const seen: Entry[] = [];
  for (let leaf: Leaf | null = t.first; leaf !== null; leaf = leaf.next) {
    if (leaf.next !== null) assert.equal(leaf.next.prev, leaf);
    for (let j = 0; j < leaf.n; j++) {
      seen.push({ m: leaf.members[j] as string, s: leaf.scores[j] as number });
      assert.equal(t.dict.get(leaf.members[j] as string), leaf);
    }
  }
  assert.deepEqual(seen, model);
  const walk = (node: TreeNode, lo: Entry | null): number => {
    if (node.isLeaf) {
      if (node !== t.root) assert.ok(node.n > 0, 'empty non-root leaf');
      if (lo !== null && node.n > 0) assert.ok(keyCmp(lo.s, lo.m, node.scores[0] as number, node.members[0] as string) <= 0, 'separator above leaf');
      return node.n;
    }
    const inner: Inner = node;
    assert.equal(inner.children.length, inner.n);
    assert.equal(inner.counts.length, inner.n);
    assert.ok(inner.n >= 2 || inner !== t.root);
    let total = 0;
    for (let i = 0; i < inner.n; i++) {
      const child = inner.children[i] as TreeNode;
      assert.equal(child.parent, inner);
      const bound = i === 0 ? lo : { s: inner.sepScores[i] as number, m: inner.sepMembers[i] as string };
      const c = walk(child, bound);
      assert.equal(inner.counts[i], c, 'subtree count');
      total += c;
    }
    return total;
  };
  assert.equal(walk(t.root, null), model.length);
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

test('ZTree random operations match a sorted array', () => {
  for (const [seed, leafMax, innerMax] of [[1, 64, 64], [2, 8, 4], [3, 4, 8], [4, 5, 5]] as const) {
    setTreeFanout(leafMax, innerMax);
    const r = rng(seed);
    const t = new ZTree();
    const model: Entry[] = [];
    const byMember = new Map<string, Entry>();
    for (let step = 0; step < 6000; step++) {
      const op = r();
      const m = `m${Math.floor(r() * 3000)}`;
      const s = seed === 2 ? Math.floor(r() * 5) : r() * 100;
      const cur = byMember.get(m);
      if (op < 0.55) {
        if (cur === undefined) {
          t.insert(m, s);
          const e = { m, s };
          model.push(e);
          byMember.set(m, e);
        } else {
          t.updateScore(m, s);
          cur.s = s;
        }
        sortModel(model);
      } else if (op < 0.85) {
        const got = t.delete(m);
        assert.equal(got, cur?.s);
        if (cur !== undefined) {
          model.splice(model.indexOf(cur), 1);
          byMember.delete(m);
        }
      } else if (op < 0.862 && model.length > 0) {
        const a = Math.floor(r() * model.length);
        const b = Math.min(model.length - 1, a + Math.floor(r() * (op < 0.86 ? 10 : 2000)));
        t.deleteRange(a, b);
        for (const e of model.splice(a, b - a + 1)) byMember.delete(e.m);
      }
      if (step % 500 === 0) check(t, model);
    }
    check(t, model);
    assert.ok(model.length > 150, `model too small: ${model.length}`);
    for (let i = 0; i < model.length; i++) {
      const e = model[i] as Entry;
      assert.equal(t.rank(e.m), i);
      assert.equal(t.score(e.m), e.s);
      const c = t.at(i);
      assert.equal(c.member, e.m);
    }
    for (let k = 0; k < 200; k++) {
      const s = seed === 2 ? Math.floor(r() * 6) : r() * 100;
      assert.equal(t.countScoreBelow(s, false), model.filter((e) => e.s < s).length);
      assert.equal(t.countScoreBelow(s, true), model.filter((e) => e.s <= s).length);
    }
  }
});

test('ZTree appends, prepends and bulk loads keep leaves full and lex counts right', () => {
  setTreeFanout(64, 64);
  const t = new ZTree();
  const model: Entry[] = [];
  for (let i = 0; i < 5000; i++) {
    t.insert(`a${String(i).padStart(5, '0')}`, 0);
    model.push({ m: `a${String(i).padStart(5, '0')}`, s: 0 });
  }
  for (let i = 0; i < 3000; i++) {
    const m = `${String.fromCharCode(0x20)}${String(9999 - i).padStart(5, '0')}`;
    t.insert(m, 0);
    model.push({ m, s: 0 });
  }
  sortModel(model);
  check(t, model);
  for (const probe of ['a00100', 'a0', ' 08000', 'zzz', '']) {
    assert.equal(t.countLexBelow(probe, false), model.filter((e) => e.m < probe).length);
    assert.equal(t.countLexBelow(probe, true), model.filter((e) => e.m <= probe).length);
  }
  let leaves = 0;
  for (let leaf: Leaf | null = t.first; leaf !== null; leaf = leaf.next) leaves++;
  assert.ok(leaves <= Math.ceil(model.length / 60), `append pattern should keep leaves nearly full, got ${leaves}`);
  const b = new ZTree();
  for (const n of [0, 1, 63, 64, 65, 4097, 70000]) {
    const ms: string[] = [];
    const ss: number[] = [];
    for (let i = 0; i < n; i++) {
      ms.push(`k${String(i).padStart(6, '0')}`);
      ss.push(i);
    }
    b.load(ms, ss);
    check(b, ms.map((m, i) => ({ m, s: ss[i] as number })));
  }
  // Drain a bulk-loaded tree from the front: exercises merges up the whole height.
  for (let i = 0; i < 70000; i++) b.delete(`k${String(i).padStart(6, '0')}`);
  check(b, []);
  setTreeFanout(4, 4);
  const ms: string[] = [];
  for (let i = 0; i < 3000; i++) ms.push(`k${String(i).padStart(6, '0')}`);
  b.load(ms, ms.map((_, i) => i));
  for (let i = 2999; i >= 0; i -= 2) b.delete(`k${String(i).padStart(6, '0')}`);
  check(b, ms.filter((_, i) => i % 2 === 0).map((m) => ({ m, s: Number(m.slice(1)) })));
  setTreeFanout(64, 64);
});
