/**
 * House rules that a build must enforce: one-way imports between layers (DESIGN.md), and no
 * `any`, `@ts-ignore` or `@ts-nocheck` in src/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SRC = path.join(ROOT, 'src');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Which top-level folders of src/ each folder may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  protocol: [],
  values: ['util'],
  keyspace: ['values', 'util'],
  commands: ['keyspace', 'values', 'protocol', 'util'],
  config: ['keyspace', 'values', 'protocol', 'util'],
  blocking: ['commands', 'keyspace', 'values', 'protocol', 'util'],
  pubsub: ['commands', 'keyspace', 'values', 'protocol', 'util'],
  transactions: ['commands', 'keyspace', 'values', 'protocol', 'util'],
  scripting: ['commands', 'keyspace', 'values', 'protocol', 'util', 'config'],
  persistence: ['commands', 'keyspace', 'values', 'protocol', 'util', 'config'],
  server: ['commands', 'keyspace', 'values', 'protocol', 'util', 'config', 'blocking', 'pubsub', 'transactions', 'scripting', 'persistence'],
  network: ['server', 'commands', 'keyspace', 'values', 'protocol', 'util', 'config'],
};

function layerOf(file: string): string {
  const rel = path.relative(SRC, file);
  const parts = rel.split(path.sep);
  return parts.length === 1 ? '(root)' : (parts[0] as string);
}

test('imports go one way between layers', () => {
  const violations: string[] = [];
  for (const file of walk(SRC)) {
    const from = layerOf(file);
    if (from === '(root)') continue; // index.ts, main.ts compose everything
    const allowed = ALLOWED[from];
    assert.ok(allowed, `src/${from}/ has no layering rule: add one to tests/lint/layers.test.ts`);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(file), m[1] as string);
      const to = layerOf(target);
      if (to === from) continue;
      if (to === '(root)' || !allowed.includes(to)) violations.push(`${path.relative(ROOT, file)} imports ${m[1]}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('no any, @ts-ignore or @ts-nocheck in src/', () => {
  const bad: string[] = [];
  for (const file of walk(SRC)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/(:\s*any\b|\bas any\b|<any>|@ts-ignore|@ts-nocheck)/.test(line)) bad.push(`${path.relative(ROOT, file)}:${i + 1}`);
    });
  }
  assert.deepEqual(bad, []);
});
