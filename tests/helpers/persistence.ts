/**
 * Helpers for persistence tests: scratch directories, fixtures, INFO fields, waiting for a
 * background save.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RespClient } from './resp-client.js';

/** The checkout: compiled tests run from dist/tests/<dir>/, three levels below it. */
export const ROOT = path.resolve(import.meta.dirname, '../../..');
/** Redis 7.0.15's tests/assets RDB files. */
export const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'rdb');

/** A new empty directory. */
export function tmp(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `rdb-${name}-`));
}

/** A directory holding a copy of fixture `file`. */
export function withFixture(file: string): string {
  const dir = tmp('fixture');
  copyFileSync(path.join(FIXTURES, file), path.join(dir, file));
  return dir;
}

/** One field of INFO persistence. */
export async function info(c: RespClient, field: string): Promise<string> {
  const text = (await c.call('INFO', 'persistence')) as string;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  assert.ok(m, `no ${field} in INFO`);
  return (m[1] as string).trim();
}

export async function waitFor(cond: () => Promise<boolean>, what: string, ms = 10000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Redis's waitForBgsave. */
export async function waitForBgsave(c: RespClient): Promise<void> {
  await waitFor(async () => (await info(c, 'rdb_bgsave_in_progress')) === '0', 'the background save');
}
