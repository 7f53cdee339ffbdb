/**
 * docs/compatibility.md against the command table: every Redis 7.0 command and subcommand
 * has one row; a row says supported or partial exactly when Cinnabar's table has the command,
 * missing exactly when it does not (and then the server answers the unknown-command error).
 * With redis-server installed, the fixture the doc is built from is checked against the real
 * server's COMMAND DOCS, so no Redis 7.0 command can be left out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_COMMANDS } from '../../src/commands/index.js';
import { haveRedisServer, startOracle, startTestServer, type Reply } from '../helpers/server.js';

// dist/tests/unit → repository root.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = readFileSync(path.join(root, 'tests/fixtures/redis-7.0.15-commands.tsv'), 'latin1')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => l.split('\t') as [string, string, string]);
const doc = readFileSync(path.join(root, 'docs/compatibility.md'), 'utf8');

interface Row {
  status: string;
  note: string;
}
const rows = new Map<string, Row>();
const duplicates: string[] = [];
for (const m of doc.matchAll(/^\| `([^`]+)` \| (supported|partial|missing) \| (.*) \|$/gm)) {
  const name = (m[1] as string).toLowerCase().replace(' ', '|');
  if (rows.has(name)) duplicates.push(name);
  rows.set(name, { status: m[2] as string, note: (m[3] as string).trim() });
}

const ours = new Set<string>();
for (const fam of ALL_COMMANDS) {
  for (const spec of fam) {
    ours.add(spec.name);
    for (const sub of spec.subcommands ?? []) ours.add(`${spec.name}|${sub.name}`);
  }
}

test('the doc has exactly one row per Redis 7.0 command and subcommand', () => {
  assert.deepEqual(duplicates, []);
  const names = fixture.map(([n]) => n);
  assert.deepEqual([...rows.keys()].sort(), [...names].sort());
});

test('supported/partial rows are exactly the commands in the command table', () => {
  const wrong: string[] = [];
  for (const [name, row] of rows) {
    const have = ours.has(name);
    if (have && row.status === 'missing') wrong.push(`${name}: in the table but documented missing`);
    if (!have && row.status !== 'missing') wrong.push(`${name}: documented ${row.status} but not in the table`);
    if (row.status === 'partial' && row.note === '') wrong.push(`${name}: partial without a note saying what differs`);
  }
  assert.deepEqual(wrong, [], 'run: npm run build && node scripts/compat-table.mjs');
});

test('every command in the table is a Redis 7.0 command or documented as an addition', () => {
  // Additions from later Redis versions that clients send (see the doc's deliberate differences).
  const additions = new Set(['client|setinfo', 'client|no-touch']);
  const extra = [...ours].filter((n) => !rows.has(n) && !additions.has(n));
  assert.deepEqual(extra, []);
});

test('a missing command answers the unknown-command error', async () => {
  const srv = await startTestServer();
  try {
    const c = await srv.client();
    const missing = [...rows].filter(([n, r]) => r.status === 'missing' && !n.includes('|')).map(([n]) => n);
    for (const name of missing) {
      const reply = await c.call(name.toUpperCase(), 'x');
      assert.ok(reply instanceof Error, `${name}: ${String(reply)}`);
      assert.equal(reply.message, `ERR unknown command '${name.toUpperCase()}', with args beginning with: 'x' `);
    }
  } finally {
    await srv.close();
  }
});

test('the fixture lists what redis-server 7.0 reports', { skip: !haveRedisServer() && 'redis-server not installed' }, async () => {
  const oracle = await startOracle();
  try {
    const c = await oracle.client();
    const docs = (await c.call('COMMAND', 'DOCS')) as Reply[];
    const live: string[] = [];
    const walk = (arr: Reply[]): void => {
      for (let i = 0; i < arr.length; i += 2) {
        live.push(arr[i] as string);
        const fields = arr[i + 1] as Reply[];
        for (let j = 0; j < fields.length; j += 2) if (fields[j] === 'subcommands') walk(fields[j + 1] as Reply[]);
      }
    };
    walk(docs);
    assert.deepEqual(live.sort(), fixture.map(([n]) => n).sort());
  } finally {
    await oracle.close();
  }
});
