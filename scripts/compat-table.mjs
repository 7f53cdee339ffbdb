#!/usr/bin/env node
/**
 * Regenerates the per-command tables of docs/compatibility.md.
 *
 * Rows come from tests/fixtures/redis-7.0.15-commands.tsv (every command and subcommand of
 * redis-server 7.0.15, with its group, as its COMMAND DOCS reports them). A row's status is
 * `supported` when Cinnabar's command table (dist/, so build first) has the command and
 * `missing` otherwise; a row marked `partial` by hand stays partial while the command exists,
 * and every hand-written note is kept. tests/unit/compatibility.test.ts fails when the doc
 * and the command table disagree, so run this after adding or removing commands:
 *
 *   npm run build && node scripts/compat-table.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docPath = path.join(root, 'docs/compatibility.md');
const BEGIN = '<!-- BEGIN command tables (scripts/compat-table.mjs) -->';
const END = '<!-- END command tables -->';

const fixture = readFileSync(path.join(root, 'tests/fixtures/redis-7.0.15-commands.tsv'), 'latin1')
  .split('\n').filter(Boolean).map((l) => l.split('\t'));
const { ALL_COMMANDS } = await import(path.join(root, 'dist/src/commands/index.js'));
const ours = new Set();
for (const fam of ALL_COMMANDS) {
  for (const spec of fam) {
    ours.add(spec.name);
    for (const sub of spec.subcommands ?? []) ours.add(`${spec.name}|${sub.name}`);
  }
}

const doc = readFileSync(docPath, 'utf8');
const previous = new Map();
for (const m of doc.matchAll(/^\| `([^`]+)` \| (supported|partial|missing) \| (.*) \|$/gm)) {
  previous.set(m[1].toLowerCase().replace(' ', '|'), { status: m[2], note: m[3].trim() });
}

const groups = new Map();
for (const [name, group] of fixture) {
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group).push(name);
}
let out = `${BEGIN}\n`;
const totals = { supported: 0, partial: 0, missing: 0 };
for (const group of [...groups.keys()].sort()) {
  out += `\n### ${group}\n\n| Command | Status | Notes |\n| --- | --- | --- |\n`;
  for (const name of groups.get(group)) {
    const prev = previous.get(name);
    let status = ours.has(name) ? 'supported' : 'missing';
    if (status === 'supported' && prev?.status === 'partial') status = 'partial';
    totals[status]++;
    out += `| \`${name.toUpperCase().replace('|', ' ')}\` | ${status} | ${prev?.note ?? ''} |\n`;
  }
}
out += `\nTotals: ${totals.supported} supported, ${totals.partial} partial, ${totals.missing} missing, of ${fixture.length} commands and subcommands.\n${END}`;

const a = doc.indexOf(BEGIN);
const b = doc.indexOf(END);
const next = a >= 0 && b > a ? doc.slice(0, a) + out + doc.slice(b + END.length) : `${doc.trimEnd()}\n\n## Commands\n\n${out}\n`;
writeFileSync(docPath, next);
console.log(`docs/compatibility.md: ${totals.supported} supported, ${totals.partial} partial, ${totals.missing} missing`);
