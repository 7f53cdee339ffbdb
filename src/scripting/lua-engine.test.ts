/**
 * The engine's suspension (a busy script letting the event loop turn): a script suspended on
 * nearly every hook, deep in pcall, sort, gsub and friends, must produce exactly what it
 * produces when it runs straight through. Runs LuaEngine directly, with a host that asks to
 * suspend at every hook and answers redis.call with the call's position.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Argv } from '../protocol/argv.js';
import { LuaEngine, RUN_SUSPENDED, SUSPEND, type LuaHost } from './lua-engine.js';

class Host implements LuaHost {
  suspendEvery = 0;
  kill = false;
  hooks = 0;
  calls = 0;
  call(): Uint8Array {
    this.calls++;
    return Buffer.from(`:${this.calls}\r\n`, 'latin1');
  }
  aclCheck(): boolean {
    return true;
  }
  log(): void {}
  hook(): string | null | typeof SUSPEND {
    this.hooks++;
    if (this.kill) return 'Script killed by user with SCRIPT KILL...';
    return this.suspendEvery > 0 && this.hooks % this.suspendEvery === 0 ? SUSPEND : null;
  }
  registerFunction(): string | null {
    return null;
  }
}

const SCRIPTS = [
  // Plain loops and calls.
  "local s = 0 for i = 1, 20000 do s = s + (i % 7) * redis.call('incr', 'x') end return s",
  // Nested pcall with errors caught at every level.
  "local function f(n) if n == 0 then local s = 0 for i = 1, 5000 do s = s + i end error('deep ' .. s) end local ok, e = pcall(f, n - 1) return (ok and 'ok' or e) .. '/' .. n end return f(120)",
  // table.sort with a Lua comparator, sorting sorted copies inside the comparator.
  "local t = {} for i = 1, 300 do t[i] = (i * 7919) % 1000 end local n = 0 table.sort(t, function(a, b) n = n + 1 if n % 50 == 0 then local u = {5, 3, 9, 1} table.sort(u, function(x, y) return x > y end) end return a < b end) return table.concat(t, ',', 1, 20) .. ':' .. n",
  // string.gsub with a callback (its buffer lives on the C stack) that itself loops.
  "local s = string.rep('abc', 300) local r = string.gsub(s, '(%w)', function(c) local x = 0 for i = 1, 30 do x = x + #c end return c:upper() .. x end) return #r .. r:sub(1, 40)",
  // xpcall handlers, string.format, table.concat, closures and upvalues.
  "local acc = {} for i = 1, 200 do local ok, m = xpcall(function() if i % 3 == 0 then error({code = i}) end return string.format('%05d', i) end, function(e) return 'h' .. e.code end) acc[#acc + 1] = m end return table.concat(acc, ' ')",
  // Coroutines (suspended inside too, nested) and metamethods (never suspended inside).
  "local co = coroutine.wrap(function() for i = 1, 2000 do coroutine.yield(i) end end) local s = 0 for i = 1, 2000 do s = s + co() end local m = setmetatable({}, {__index = function(t, k) local x = 0 for i = 1, 1000 do x = x + 1 end return k * x end}) return s + m[3] + m[4]",
  "local function gen(n) return coroutine.wrap(function() for i = 1, n do local x = 0 for j = 1, 50 do x = x + j end coroutine.yield(i + x) end end) end local outer = coroutine.create(function() local s = 0 local g = gen(300) for k = 1, 300 do s = s + g() end local ok, e = pcall(function() local g = gen(5) g() error('in co') end) coroutine.yield(s) return tostring(ok) .. e end) local a, b = coroutine.resume(outer) local c, d = coroutine.resume(outer) return tostring(a) .. b .. tostring(c) .. d .. coroutine.status(outer)",
  // cjson and cmsgpack round trips between redis.calls.
  "local out = {} for i = 1, 300 do local v = cjson.decode(cjson.encode({a = i, b = {i, i + 1}})) local w = cmsgpack.unpack(cmsgpack.pack(v.b))[2] out[#out + 1] = v.a + w + redis.call('get', 'k') end return #out .. ':' .. out[300]",
];

function runAll(engine: LuaEngine, host: Host, body: string): { status: number; out: string; suspensions: number } {
  const ref = engine.compile(Buffer.from(body, 'latin1'));
  assert.ok(ref > 0, engine.outputText());
  const argv = new Argv(Buffer.alloc(0), 4);
  host.hooks = 0;
  host.calls = 0;
  let status = engine.run(ref, argv, 0, 0, 0, 0, 'script', 2);
  let suspensions = 0;
  while (status === RUN_SUSPENDED) {
    suspensions++;
    assert.ok(suspensions < 1_000_000, 'the script never ends');
    status = engine.resume();
  }
  const out = engine.outputText();
  engine.release(ref);
  return { status, out, suspensions };
}

test('A script suspended at nearly every hook gives the same result as run straight through', () => {
  const host = new Host();
  const engine = new LuaEngine(host, { version: '7.0.15' });
  engine.setHookInterval(97);
  for (const body of SCRIPTS) {
    host.suspendEvery = 0;
    const straight = runAll(engine, host, body);
    assert.equal(straight.suspensions, 0);
    host.suspendEvery = 2;
    const suspended = runAll(engine, host, body);
    assert.ok(suspended.suspensions > 5, `suspended only ${suspended.suspensions} times: ${body}`);
    assert.deepEqual(suspended, { ...straight, suspensions: suspended.suspensions }, body);
  }
});

test('A suspended script can be killed, and the engine runs the next script', () => {
  const host = new Host();
  const engine = new LuaEngine(host, { version: '7.0.15' });
  engine.setHookInterval(1000);
  const argv = new Argv(Buffer.alloc(0), 4);
  // Every pcall level catches the kill and raises it again on its next line: each level's
  // frames, rebuilt after the suspensions, must be intact for that.
  for (const depth of [1, 60, 117, 150, 190]) {
    host.suspendEvery = 1;
    host.kill = false;
    const ref = engine.compile(Buffer.from(`local function f(n)\n if n == 0 then while true do end end\n pcall(f, n - 1)\n return n\nend\nreturn f(${depth})`));
    let status = engine.run(ref, argv, 0, 0, 0, 0, 'name', 2);
    for (let i = 0; i < 3; i++) {
      assert.equal(status, RUN_SUSPENDED);
      status = engine.resume();
    }
    host.kill = true;
    for (let i = 0; status === RUN_SUSPENDED; i++) {
      assert.ok(i < 1000, `the killed script keeps running (depth ${depth})`);
      status = engine.resume();
    }
    assert.equal(engine.outputText(), 'ERR Script killed by user with SCRIPT KILL... script: name, on @user_script:4.', `depth ${depth}`);
    engine.release(ref);
  }
  host.kill = false;
  host.suspendEvery = 0;
  const again = engine.compile(Buffer.from("return redis.call('ping')"));
  assert.equal(engine.run(again, argv, 0, 0, 0, 0, 'again', 2), 0);
  assert.equal(engine.output().toString('latin1'), ':1\r\n');
});

test('A script loops inside a coroutine: it suspends there and can be killed', () => {
  const host = new Host();
  const engine = new LuaEngine(host, { version: '7.0.15' });
  engine.setHookInterval(1000);
  host.suspendEvery = 1;
  const ref = engine.compile(Buffer.from('local co = coroutine.wrap(function() while true do end end)\nlocal ok, e = pcall(co)\nwhile true do end'));
  const argv = new Argv(Buffer.alloc(0), 4);
  let status = engine.run(ref, argv, 0, 0, 0, 0, 'co', 2);
  for (let i = 0; i < 3; i++) {
    assert.equal(status, RUN_SUSPENDED);
    status = engine.resume();
  }
  host.kill = true;
  for (let i = 0; status === RUN_SUSPENDED; i++) {
    assert.ok(i < 1000, 'the killed script keeps running');
    status = engine.resume();
  }
  // The kill raised in the coroutine reaches pcall; the script's next hook raises it again.
  assert.equal(engine.outputText(), 'ERR Script killed by user with SCRIPT KILL... script: co, on @user_script:3.');
});

test('An abandoned suspended script leaves a fresh engine', () => {
  const host = new Host();
  const engine = new LuaEngine(host, { version: '7.0.15' });
  engine.setHookInterval(1000);
  host.suspendEvery = 1;
  const ref = engine.compile(Buffer.from('while true do end'));
  const argv = new Argv(Buffer.alloc(0), 4);
  const generation = engine.generation;
  assert.equal(engine.run(ref, argv, 0, 0, 0, 0, 'x', 2), RUN_SUSPENDED);
  assert.ok(engine.suspended);
  engine.abandon();
  assert.ok(!engine.suspended);
  assert.notEqual(engine.generation, generation);
  host.suspendEvery = 0;
  const ok = engine.compile(Buffer.from('return 7'));
  assert.equal(engine.run(ok, argv, 0, 0, 0, 0, 'y', 2), 0);
  assert.equal(engine.output().toString('latin1'), ':7\r\n');
});
