/**
 * Raw-socket RESP traffic for the bench: bulk loading (a million SETs in a few seconds) and a
 * small pipelined load generator for commands redis-benchmark cannot express (its
 * __rand_int__ placeholders are drawn independently, so `ZRANGE z r r+9` is impossible there).
 *
 * Replies are counted, not decoded: the loader expects one-line replies (+OK, :n, -ERR), the
 * driver skips whole RESP2 replies of any shape.
 */
import net from 'node:net';

/** RESP encoding of one command whose arguments are latin1 text. */
export function encodeCommand(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.off('error', reject);
      s.setNoDelay(true);
      resolve(s);
    });
    s.once('error', reject);
  });
}

export interface LoadResult {
  commands: number;
  ms: number;
}

/**
 * Send `total` commands (made by `make(i)`) over one pipelined connection and wait for every
 * reply. At most `window` commands are in flight, so neither server has to buffer the whole
 * load (that transient memory would blur the RSS measurements that follow a load).
 */
export async function loadPipelined(port: number, total: number, make: (i: number) => string, opts: { window?: number; chunk?: number; timeoutMs?: number } = {}): Promise<LoadResult> {
  const window = opts.window ?? 50_000;
  const chunk = opts.chunk ?? 2_000;
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const sock = await connect(port);
  const t0 = process.hrtime.bigint();
  let replies = 0;
  let lineStart = true; // the next byte received begins a reply
  let firstError: string | null = null;
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    if (w) w();
  };
  sock.on('data', (d: Buffer) => {
    let pos = 0;
    while (pos < d.length) {
      if (lineStart && d[pos] === 0x2d /* '-' */ && firstError === null) {
        const e = d.indexOf(0x0a, pos);
        firstError = d.latin1Slice(pos + 1, e < 0 ? d.length : e).trim();
      }
      const nl = d.indexOf(0x0a, pos);
      if (nl < 0) {
        lineStart = false;
        break;
      }
      replies++;
      lineStart = true;
      pos = nl + 1;
    }
    notify();
  });
  sock.on('error', (e) => {
    failure = e;
    notify();
  });
  sock.on('close', () => {
    failure ??= new Error('connection closed during load');
    notify();
  });
  const deadline = Date.now() + timeoutMs;
  const waitUntil = async (cond: () => boolean) => {
    while (!cond()) {
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`load timed out after ${timeoutMs} ms (${replies}/${total} replies)`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(notify, 200);
      });
    }
  };
  try {
    let sent = 0;
    while (sent < total) {
      const end = Math.min(total, sent + chunk);
      let text = '';
      for (let i = sent; i < end; i++) text += make(i);
      const ok = sock.write(Buffer.from(text, 'latin1'));
      sent = end;
      if (!ok) await new Promise<void>((resolve) => sock.once('drain', resolve));
      await waitUntil(() => replies >= sent - window);
    }
    await waitUntil(() => replies >= total);
  } finally {
    sock.destroy();
  }
  if (firstError !== null) throw new Error(`server replied with an error during load: ${firstError}`);
  return { commands: total, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** End offset of the RESP2 reply starting at `pos`, or -1 if it is not complete yet. */
export function skipReply(b: Buffer, pos: number): number {
  if (pos >= b.length) return -1;
  const nl = b.indexOf(0x0a, pos);
  if (nl < 0) return -1;
  const type = b[pos];
  if (type === 0x2b || type === 0x2d || type === 0x3a) return nl + 1; // + - :
  const n = Number(b.latin1Slice(pos + 1, nl - 1));
  if (type === 0x24) {
    // $
    if (n < 0) return nl + 1;
    const end = nl + 1 + n + 2;
    return end <= b.length ? end : -1;
  }
  if (type === 0x2a) {
    // *
    let p = nl + 1;
    for (let i = 0; i < n; i++) {
      p = skipReply(b, p);
      if (p < 0) return -1;
    }
    return p;
  }
  throw new Error(`unexpected reply type ${String.fromCharCode(type ?? 0)}`);
}

export interface DriverResult {
  requests: number;
  ms: number;
  rps: number;
  errors: number;
}

/**
 * A redis-benchmark-like closed loop: `clients` connections, each sending one pre-encoded
 * batch of `pipeline` commands and waiting for all its replies before the next. Batches are
 * taken round-robin from `batches` (built once, so the loop allocates almost nothing).
 */
export async function runDriver(port: number, batches: readonly Buffer[], pipeline: number, clients: number, total: number, timeoutMs: number): Promise<DriverResult> {
  const socks = await Promise.all(Array.from({ length: clients }, () => connect(port)));
  let issued = 0;
  let completed = 0;
  let errors = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`driver timed out after ${timeoutMs} ms`)), timeoutMs);
      let running = clients;
      const finish = () => {
        if (--running === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      for (const sock of socks) {
        let pending: Buffer = Buffer.alloc(0);
        let awaiting = 0;
        const send = () => {
          if (issued >= total) {
            finish();
            return;
          }
          const batch = batches[next++ % batches.length] as Buffer;
          issued += pipeline;
          awaiting = pipeline;
          sock.write(batch);
        };
        sock.on('data', (d: Buffer) => {
          pending = pending.length > 0 ? Buffer.concat([pending, d]) : d;
          let pos = 0;
          while (awaiting > 0) {
            if (pending[pos] === 0x2d) errors++;
            const end = skipReply(pending, pos);
            if (end < 0) break;
            pos = end;
            awaiting--;
            completed++;
          }
          pending = pos < pending.length ? pending.subarray(pos) : Buffer.alloc(0);
          if (awaiting === 0) send();
        });
        sock.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        send();
      }
    });
  } finally {
    for (const s of socks) s.destroy();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { requests: completed, ms, rps: (completed * 1000) / ms, errors };
}
