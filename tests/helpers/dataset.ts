/**
 * Test data for persistence: a dataset with every type in its small and large encodings,
 * binary keys and values, expiries and several databases, built through commands so that
 * Cinnabar and redis-server get exactly the same data; and a complete, comparable dump of a
 * server's contents (every key of every database: type, encoding, absolute expiry, value).
 */
import type { Reply, RespClient } from './resp-client.js';

type Cmd = (string | number | Buffer)[];

/** A far-future absolute expiry in ms (fixed, so both servers hold the same one). */
const FAR = 4102444800000; // 2100-01-01

function binary(seed: number, n: number): string {
  let s = '';
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += String.fromCharCode(x & 0xff);
  }
  return s;
}

/** The commands that build the dataset (database 0 unless a SELECT says otherwise). */
export function datasetCommands(scale = 1): Cmd[] {
  const c: Cmd[] = [];
  // strings: integer-encoded, short, empty, long compressible, long random, binary key
  c.push(['SET', 'str:int', '12345'], ['SET', 'str:neg', '-2147483648'], ['SET', 'str:bigint', '9223372036854775807']);
  c.push(['SET', 'str:short', 'hello'], ['SET', 'str:empty', ''], ['SET', 'str:long', 'a'.repeat(1000)]);
  c.push(['SET', 'str:random', binary(7, 3000)], ['SET', binary(3, 40), binary(4, 17)], ['SET', 'str:crlf', 'a\r\nb\0c\xff']);
  c.push(['SET', 'str:ttl', 'expiring', 'PXAT', FAR], ['SET', 'str:0lead', '007'], ['SET', 'str:float', '3.14']);
  c.push(['APPEND', 'str:raw', 'edited'], ['SETRANGE', 'str:raw', 20, 'x'], ['PFADD', 'hll', 'a', 'b', 'c']);
  // lists: small, many nodes, long elements, integers
  c.push(['RPUSH', 'list:small', 'a', '1', '-1', '300', '70000', '5000000000', 'z'.repeat(70)]);
  const big: string[] = [];
  for (let i = 0; i < 3000 * scale; i++) big.push(i % 3 === 0 ? String(i) : `element:${i}`);
  c.push(['RPUSH', 'list:big', ...big]);
  c.push(['RPUSH', 'list:huge-element', 'x'.repeat(20000), 'y', 'z'.repeat(9000)]);
  c.push(['LPUSH', 'list:lpushed', 'c', 'b', 'a'], ['PEXPIREAT', 'list:big', FAR - 1]);
  // sets: intset (16/32/64-bit), hashtable, a big intset (over set-max-intset-entries)
  c.push(['SADD', 'set:int16', '1', '2', '3', '-7'], ['SADD', 'set:int64', '1', '9999999999', '-9223372036854775808']);
  c.push(['SADD', 'set:strings', 'a', 'b', 'c', binary(9, 33)]);
  const ints: string[] = [];
  for (let i = 0; i < 600 * scale; i++) ints.push(String(i * 7));
  c.push(['SADD', 'set:bigint', ...ints]);
  const members: string[] = [];
  for (let i = 0; i < 1000 * scale; i++) members.push(`member:${i}`);
  c.push(['SADD', 'set:big', ...members]);
  // hashes: listpack, a long value (hashtable), many fields (hashtable)
  c.push(['HSET', 'hash:small', 'f1', 'v1', 'num', '42', 'neg', '-3', binary(5, 10), binary(6, 10)]);
  c.push(['HSET', 'hash:longval', 'f', 'v'.repeat(100)]);
  const fields: string[] = [];
  for (let i = 0; i < 700 * scale; i++) fields.push(`field:${i}`, i % 2 ? String(i) : `value:${i}`);
  c.push(['HSET', 'hash:big', ...fields], ['PEXPIREAT', 'hash:big', FAR - 2]);
  // sorted sets: listpack with odd scores, skiplist by size and by member length
  c.push(['ZADD', 'zset:small', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'd', '-inf', 'e', '1e100', 'f', '-0', 'g', '0.1', 'h']);
  c.push(['ZADD', 'zset:longmember', '1', 'm'.repeat(100)]);
  const zs: string[] = [];
  for (let i = 0; i < 500 * scale; i++) zs.push(String((i * 37) % 101 + i / 7), `zm:${i}`);
  c.push(['ZADD', 'zset:big', ...zs]);
  // streams: small; many nodes with tombstones; consumer groups with PELs
  c.push(['XADD', 'stream:small', '1-1', 'field', 'value', 'n', '5'], ['XADD', 'stream:small', '1-2', 'field', 'other', 'n', '6']);
  c.push(['XADD', 'stream:small', '2-0', 'different', 'fields']);
  for (let i = 1; i <= 350 * scale; i++) c.push(['XADD', 'stream:big', `${1000 + i}-${i % 3}`, 'f', String(i), 'g', i % 5 ? 'x' : binary(i, 20)]);
  c.push(['XDEL', 'stream:big', '1010-1', '1011-2', '1200-0'], ['XTRIM', 'stream:big', 'MINID', '1005']);
  c.push(['XGROUP', 'CREATE', 'stream:big', 'g1', '0'], ['XGROUP', 'CREATE', 'stream:big', 'g2', '1100-0']);
  c.push(['XGROUP', 'CREATE', 'stream:small', 'empty-group', '$']);
  c.push(['XADD', 'stream:empty', 'MAXLEN', '0', '5-5', 'a', 'b']);
  // databases other than 0
  c.push(['SELECT', 9], ['SET', 'in9', 'nine'], ['RPUSH', 'list9', 'x'], ['SELECT', 15], ['HSET', 'h15', 'a', 'b'], ['SELECT', 0]);
  return c;
}

/** Reads that change data deterministically (consumer groups' PELs); run after datasetCommands. */
export function datasetPelCommands(): Cmd[] {
  return [
    ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', 5, 'STREAMS', 'stream:big', '>'],
    ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', 3, 'STREAMS', 'stream:big', '>'],
    ['XREADGROUP', 'GROUP', 'g2', 'carol', 'COUNT', 2, 'STREAMS', 'stream:big', '>'],
    ['XACK', 'stream:big', 'g1', '1006-0'],
  ];
}

export async function runAll(c: RespClient, cmds: Cmd[]): Promise<void> {
  const replies = await c.pipeline(cmds);
  replies.forEach((r, i) => {
    if (r instanceof Error) throw new Error(`${String(cmds[i]?.[0])}: ${r.message}`);
  });
}

function text(r: Reply): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v));
}

function status(r: Reply): string {
  return r !== null && typeof r === 'object' && 'status' in r ? r.status : String(r);
}

/**
 * Every key of every database, sorted, each as one line: db, key (hex), type, encoding,
 * PEXPIRETIME, contents. Volatile fields (stream consumers' seen/delivery times) are kept:
 * they come from the file, so both sides of a load must agree on them too.
 *
 * `reloaded`: compare a dataset with what a save and load made of it. Loading turns short
 * strings that were edited in place ('raw') into 'embstr', in Redis as in Cinnabar, so the
 * two string encodings are written alike.
 */
export async function fullDump(c: RespClient, databases = 16, reloaded = false): Promise<string[]> {
  const out: string[] = [];
  for (let db = 0; db < databases; db++) {
    await c.call('SELECT', db);
    const keys = ((await c.call('KEYS', '*')) as string[]).sort();
    for (const k of keys) {
      const type = status(await c.call('TYPE', k));
      let enc = await c.call('OBJECT', 'ENCODING', k);
      if (reloaded && (enc === 'raw' || enc === 'embstr')) enc = 'raw|embstr';
      const ttl = await c.call('PEXPIRETIME', k);
      let v: Reply;
      switch (type) {
        case 'string':
          v = await c.call('GET', k);
          break;
        case 'list':
          v = await c.call('LRANGE', k, 0, -1);
          break;
        case 'set':
          v = ((await c.call('SMEMBERS', k)) as string[]).sort();
          break;
        case 'zset':
          v = await c.call('ZRANGE', k, 0, -1, 'WITHSCORES');
          break;
        case 'hash': {
          const flat = (await c.call('HGETALL', k)) as string[];
          const pairs: string[][] = [];
          for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
          v = pairs.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)).flat();
          break;
        }
        case 'stream':
          v = await c.call('XINFO', 'STREAM', k, 'FULL');
          break;
        default:
          v = `unknown type ${type}`;
      }
      out.push(`${db} ${Buffer.from(k, 'latin1').toString('hex')} ${type} ${text(enc)} ${text(ttl)} ${text(v)}`);
    }
  }
  await c.call('SELECT', 0);
  return out;
}
