/**
 * A small RESP2/RESP3 test client over a real socket, for asserting exact replies.
 *
 * Replies decode to plain values so tests can deepStrictEqual them:
 *   simple string  → { status: 'OK' }        (so it is distinguishable from a bulk 'OK')
 *   error          → ReplyError (an Error whose message is the full text, e.g. 'ERR syntax error')
 *   integer        → number (bigint beyond 2^53)
 *   bulk / verbatim→ string (latin1: one char per byte; use callBuffer() for Buffers)
 *   null           → null
 *   array / set / push → array (push frames are delivered to `pushes` when not awaited)
 *   map            → Map
 *   double         → { double: '1.5' } (the text as sent)
 *   boolean        → true / false
 *   big number     → { big: '123' }
 * RESP3 set and verbatim types are also recorded on `lastTypes` for tests that care.
 */
import net from 'node:net';

export class ReplyError extends Error {}

export type Reply =
  | string
  | number
  | bigint
  | null
  | boolean
  | ReplyError
  | { status: string }
  | { double: string }
  | { big: string }
  | Reply[]
  | Map<Reply, Reply>;

interface Pending {
  resolve: (r: Reply) => void;
}

export class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  readonly pushes: Reply[] = [];
  private pushWaiters: ((r: Reply) => void)[] = [];
  private rawWaiter: { n: number; resolve: (b: Buffer) => void; timer: NodeJS.Timeout } | null = null;
  private rawMode = false;
  closed = false;
  private closeWaiters: (() => void)[] = [];
  /** Type characters of the top-level replies, in order. */
  readonly types: string[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.closeWaiters) w();
      for (const p of this.pending.splice(0)) p.resolve(new ReplyError('connection closed'));
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RespClient(s)));
      s.once('error', reject);
    });
  }

  /** Send a command and resolve with its decoded reply. */
  call(...args: (string | number | Buffer)[]): Promise<Reply> {
    this.socket.write(encodeCommand(args));
    return new Promise((resolve) => this.pending.push({ resolve }));
  }

  /** Send several commands in one write; resolve with all replies. */
  pipeline(cmds: (string | number | Buffer)[][]): Promise<Reply[]> {
    const bufs = cmds.map(encodeCommand);
    this.socket.write(Buffer.concat(bufs));
    return Promise.all(cmds.map(() => new Promise<Reply>((resolve) => this.pending.push({ resolve }))));
  }

  /** Write raw bytes; does not wait for anything. */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Write raw bytes and collect raw reply bytes until `expectLen` bytes arrived or timeout. */
  rawExchange(data: string | Buffer, expectLen: number, timeoutMs = 2000): Promise<Buffer> {
    this.rawMode = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.rawWaiter = null;
        const b = this.buf;
        this.buf = Buffer.alloc(0);
        resolve(b);
      }, timeoutMs);
      this.rawWaiter = { n: expectLen, resolve, timer };
      this.write(data);
      this.checkRaw();
    });
  }

  /** Wait for the next push (or, in RESP2 subscriber mode, unsolicited) frame. */
  nextPush(): Promise<Reply> {
    const p = this.pushes.shift();
    if (p !== undefined) return Promise.resolve(p);
    return new Promise((resolve) => this.pushWaiters.push(resolve));
  }

  /** Read the next reply without sending anything (blocked commands, subscriptions). */
  read(): Promise<Reply> {
    return new Promise((resolve) => this.pending.push({ resolve }));
  }

  waitClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((r) => this.closeWaiters.push(r));
  }

  close(): void {
    this.socket.destroy();
  }

  private checkRaw(): void {
    const w = this.rawWaiter;
    if (w && this.buf.length >= w.n) {
      clearTimeout(w.timer);
      this.rawWaiter = null;
      const b = this.buf;
      this.buf = Buffer.alloc(0);
      w.resolve(b);
    }
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    if (this.rawMode) {
      if (this.rawWaiter) this.checkRaw();
      if (this.rawWaiter || this.pending.length === 0) return;
    }
    for (;;) {
      const r = parseReply(this.buf, 0);
      if (r === null) return;
      this.buf = this.buf.subarray(r.end);
      this.types.push(r.type);
      if (r.type === '>' && (this.pending.length === 0 || this.pushWaiters.length > 0 || isPushMessage(r.value))) {
        const w = this.pushWaiters.shift();
        if (w) w(r.value);
        else this.pushes.push(r.value);
        continue;
      }
      const p = this.pending.shift();
      if (p) p.resolve(r.value);
      else {
        const w = this.pushWaiters.shift();
        if (w) w(r.value);
        else this.pushes.push(r.value);
      }
    }
  }
}

/** Push frames carrying messages (not subscription confirmations) never answer a call. */
function isPushMessage(v: Reply): boolean {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return false;
  return ['message', 'pmessage', 'smessage', 'invalidate'].includes(v[0]);
}

export function encodeCommand(args: readonly (string | number | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

function lineEnd(b: Buffer, from: number): number {
  const i = b.indexOf('\r\n', from);
  return i;
}

export function parseReply(b: Buffer, pos: number): { value: Reply; end: number; type: string } | null {
  if (pos >= b.length) return null;
  const type = String.fromCharCode(b[pos] as number);
  const le = lineEnd(b, pos);
  if (le < 0) return null;
  const line = b.latin1Slice(pos + 1, le);
  const next = le + 2;
  switch (type) {
    case '+':
      return { value: { status: line }, end: next, type };
    case '-':
      return { value: new ReplyError(line), end: next, type };
    case ':': {
      const n = BigInt(line);
      return { value: n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, end: next, type };
    }
    case '$':
    case '=':
    case '!': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next, type };
      if (b.length < next + len + 2) return null;
      let s = b.latin1Slice(next, next + len);
      if (type === '=') s = s.slice(4);
      if (type === '!') return { value: new ReplyError(s), end: next + len + 2, type };
      return { value: s, end: next + len + 2, type };
    }
    case '_':
      return { value: null, end: next, type };
    case ',':
      return { value: { double: line }, end: next, type };
    case '#':
      return { value: line === 't', end: next, type };
    case '(':
      return { value: { big: line }, end: next, type };
    case '*':
    case '~':
    case '>': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next, type };
      const arr: Reply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(b, p);
        if (r === null) return null;
        arr.push(r.value);
        p = r.end;
      }
      return { value: arr, end: p, type };
    }
    case '%': {
      const n = Number(line);
      const m = new Map<Reply, Reply>();
      let p = next;
      for (let i = 0; i < n; i++) {
        const k = parseReply(b, p);
        if (k === null) return null;
        const v = parseReply(b, k.end);
        if (v === null) return null;
        m.set(k.value, v.value);
        p = v.end;
      }
      return { value: m, end: p, type };
    }
    default:
      throw new Error(`bad reply type ${JSON.stringify(type)} in ${JSON.stringify(b.latin1Slice(pos, Math.min(b.length, pos + 60)))}`);
  }
}
