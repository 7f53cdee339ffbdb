/**
 * A key as the commands that rebuild it, for a base file written with
 * `aof-use-rdb-preamble no` (Redis 7.0's rewriteAppendOnlyFileRio):
 *
 *   string  SET key value
 *   list    RPUSH key e1 .. e64        (at most 64 items per command, AOF_REWRITE_ITEMS_PER_CMD)
 *   set     SADD key m1 .. m64
 *   zset    ZADD key s1 m1 ..          (scores as "%.17g")
 *   hash    HMSET key f1 v1 ..
 *   stream  XADD key id f v .. per entry (XADD key MAXLEN 0 0-1 x y for an empty one),
 *           XSETID key last ENTRIESADDED n MAXDELETEDID id, per group XGROUP CREATE key g id
 *           ENTRIESREAD n, then per consumer XCLAIM per pending entry (TIME, RETRYCOUNT,
 *           JUSTID, FORCE) or XGROUP CREATECONSUMER when it has none
 *   expiry  PEXPIREAT key ms
 */
import { formatG } from '../protocol/number-format.js';
import { RawString } from '../values/string.js';
import type { RedisValue } from '../values/types.js';
import { META_CHARS } from '../values/types.js';
import type { RedisList } from '../values/list.js';
import type { RedisSet } from '../values/set.js';
import type { RedisHash } from '../values/hash.js';
import type { RedisZset } from '../values/zset.js';
import type { RedisStream } from '../values/stream.js';
import type { StreamNode } from '../values/structures/stream-node.js';
import { ID_MAX, ID_MIN } from '../values/structures/stream-id.js';
import type { RespOut } from './aof-resp.js';

const ITEMS_PER_CMD = 64;

/** Commands for one key (value, then its expiry when it has one). */
export function writeKeyCommands(out: RespOut, key: string, v: RedisValue, expire: number): void {
  if (typeof v === 'string') {
    out.arrayHeader(3);
    out.bulkStr('SET');
    out.bulkStr(key);
    out.bulkStr(v, 0, v.length - META_CHARS);
  } else {
    switch (v.type) {
      case 'string': {
        const r = v as RawString;
        out.arrayHeader(3);
        out.bulkStr('SET');
        out.bulkStr(key);
        out.bulkBytes(r.buf, 0, r.len);
        break;
      }
      case 'list': {
        const l = v as RedisList;
        batches(out, 'RPUSH', key, l.length, 1, (i) => out.bulkStr(l.at(i) as string));
        break;
      }
      case 'set': {
        const s = v as RedisSet;
        batches(out, 'SADD', key, s.size, 1, (i) => out.bulkStr(s.at(i)));
        break;
      }
      case 'zset': {
        const z = v as RedisZset;
        const members: string[] = [];
        const scores: number[] = [];
        z.forEach((m, sc) => {
          members.push(m);
          scores.push(sc);
        });
        batches(out, 'ZADD', key, members.length, 2, (i) => {
          out.bulkStr(formatG(scores[i] as number, 17));
          out.bulkStr(members[i] as string);
        });
        break;
      }
      case 'hash': {
        const h = v as RedisHash;
        const fv: string[] = [];
        h.forEach((f, val) => fv.push(f, val));
        batches(out, 'HMSET', key, fv.length / 2, 2, (i) => {
          out.bulkStr(fv[2 * i] as string);
          out.bulkStr(fv[2 * i + 1] as string);
        });
        break;
      }
      case 'stream':
        writeStream(out, key, v as RedisStream);
        break;
    }
  }
  if (expire !== -1) {
    out.arrayHeader(3);
    out.bulkStr('PEXPIREAT');
    out.bulkStr(key);
    out.bulkInt(expire);
  }
}

/** Variadic commands of at most 64 items; `width` arguments per item. */
function batches(out: RespOut, cmd: string, key: string, items: number, width: number, item: (i: number) => void): void {
  for (let i = 0; i < items; i += ITEMS_PER_CMD) {
    const n = Math.min(ITEMS_PER_CMD, items - i);
    out.arrayHeader(2 + n * width);
    out.bulkStr(cmd);
    out.bulkStr(key);
    for (let j = i; j < i + n; j++) item(j);
  }
}

function writeStream(out: RespOut, key: string, s: RedisStream): void {
  if (s.length > 0) {
    s.forEachEntry(ID_MIN, ID_MAX, false, (node: StreamNode, i: number) => {
      const nf = node.numFields(i);
      out.arrayHeader(3 + nf * 2);
      out.bulkStr('XADD');
      out.bulkStr(key);
      out.bulkStr(node.idAt(i).toString());
      for (let j = 0; j < nf; j++) {
        out.bulkStr(node.field(i, j));
        out.bulkStr(node.value(i, j));
      }
      return true;
    });
  } else {
    // An empty stream is a value of its own: XADD then trim it all (MAXLEN 0).
    out.args(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
  }
  out.args(['XSETID', key, s.lastId.toString(), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID', s.maxDeletedId.toString()]);
  for (const [name, g] of s.sortedGroups()) {
    out.args(['XGROUP', 'CREATE', key, name, g.lastId.toString(), 'ENTRIESREAD', String(g.entriesRead)]);
    for (const c of g.sortedConsumers()) {
      if (c.pel.size === 0) {
        out.args(['XGROUP', 'CREATECONSUMER', key, name, c.name]);
        continue;
      }
      c.pel.forEach(null, (id, nack) => {
        out.args(['XCLAIM', key, name, c.name, '0', id.toString(), 'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE']);
        return true;
      });
    }
  }
}
