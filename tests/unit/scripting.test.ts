/**
 * Scripting: EVAL, EVALSHA, EVAL_RO, SCRIPT and the Lua sandbox, mirroring Redis's
 * tests/unit/scripting.tcl (eval mode), plus a conformance run of EVAL probes compared with the
 * real redis-server 7.0 when it is installed.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { startTestServer, startOracle, haveRedisServer, assertError, OK, ReplyError, RespClient, type Reply, type TestServer } from '../helpers/server.js';
import { luaWasmPath } from '../../src/scripting/lua-module.js';

let srv: TestServer;
let r: RespClient;

before(async () => {
  srv = await startTestServer();
  r = await srv.client();
});

after(async () => {
  await srv.close();
});

function errText(reply: Reply): string {
  assert.ok(reply instanceof ReplyError, `expected an error, got ${JSON.stringify(reply)}`);
  return reply.message;
}

describe('EVAL replies and conversions', () => {
  test('EVAL - Does Lua interpreter replies to our requests?', async () => {
    assert.equal(await r.call('EVAL', "return 'hello'", 0), 'hello');
  });

  test('EVAL - Return _G', async () => {
    assert.deepEqual(await r.call('EVAL', 'return _G', 0), []);
  });

  test('EVAL - Return table with a metatable that raise error', async () => {
    assert.deepEqual(await r.call('EVAL', 'local a = {}; setmetatable(a,{__index=function() foo() end}) return a', 0), []);
  });

  test('EVAL - Return table with a metatable that call redis', async () => {
    await r.call('DEL', 'x');
    assert.deepEqual(await r.call('EVAL', "local a = {}; setmetatable(a,{__index=function() redis.call('set', 'x', '1') end}) return a", 0), []);
    assert.equal(await r.call('GET', 'x'), null);
  });

  test('EVAL - Lua integer -> Redis protocol type conversion', async () => {
    assert.equal(await r.call('EVAL', 'return 100.5', 0), 100);
    assert.equal(await r.call('EVAL', 'return -3.99', 0), -3);
  });

  test('EVAL - Lua string -> Redis protocol type conversion', async () => {
    assert.equal(await r.call('EVAL', "return 'hello world'", 0), 'hello world');
  });

  test('EVAL - Lua true boolean -> Redis protocol type conversion', async () => {
    assert.equal(await r.call('EVAL', 'return true', 0), 1);
  });

  test('EVAL - Lua false boolean -> Redis protocol type conversion', async () => {
    assert.equal(await r.call('EVAL', 'return false', 0), null);
  });

  test('EVAL - Lua status code reply -> Redis protocol type conversion', async () => {
    assert.deepEqual(await r.call('EVAL', "return {ok='fine'}", 0), { status: 'fine' });
  });

  test('EVAL - Lua error reply -> Redis protocol type conversion', async () => {
    assert.equal(errText(await r.call('EVAL', "return {err='ERR this is an error'}", 0)), 'ERR this is an error');
  });

  test('EVAL - Lua table -> Redis protocol type conversion', async () => {
    assert.deepEqual(await r.call('EVAL', "return {1,2,3,'ciao',{1,2}}", 0), [1, 2, 3, 'ciao', [1, 2]]);
  });

  test('EVAL - Are the KEYS and ARGV arrays populated correctly?', async () => {
    assert.deepEqual(await r.call('EVAL', 'return {KEYS[1],KEYS[2],ARGV[1],ARGV[2]}', 2, 'a{t}', 'b{t}', 'c{t}', 'd{t}'), ['a{t}', 'b{t}', 'c{t}', 'd{t}']);
  });

  test('EVAL - is Lua able to call Redis API?', async () => {
    await r.call('SET', 'mykey', 'myval');
    assert.equal(await r.call('EVAL', "return redis.call('get',KEYS[1])", 1, 'mykey'), 'myval');
  });

  test('EVAL - binary-safe keys, arguments and replies', async () => {
    const bin = Buffer.from([0, 255, 13, 10, 128, 1]);
    assert.equal(await r.call('EVAL', "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", 1, bin, bin), bin.toString('latin1'));
  });
});

describe('EVALSHA', () => {
  test('EVALSHA - Can we call a SHA1 if already defined?', async () => {
    await r.call('SET', 'mykey', 'myval');
    await r.call('EVAL', "return redis.call('get',KEYS[1])", 1, 'mykey');
    assert.equal(await r.call('EVALSHA', 'fd758d1589d044dd850a6f05d52f2eefd27f033f', 1, 'mykey'), 'myval');
  });

  test('EVALSHA - Can we call a SHA1 in uppercase?', async () => {
    assert.equal(await r.call('EVALSHA', 'FD758D1589D044DD850A6F05D52F2EEFD27F033F', 1, 'mykey'), 'myval');
  });

  test('EVALSHA - Do we get an error on invalid SHA1?', async () => {
    assert.equal(errText(await r.call('EVALSHA', 'NotValidShaSUM', 0)), 'NOSCRIPT No matching script. Please use EVAL.');
  });

  test('EVALSHA - Do we get an error on non defined SHA1?', async () => {
    assertError(await r.call('EVALSHA', 'ffd632c7d33e571e9f24556ebed26c3479a87130', 0), 'NOSCRIPT*');
  });

  test('EVAL - numkeys is checked', async () => {
    assert.equal(errText(await r.call('EVAL', 'return 1', 2, 'a')), "ERR Number of keys can't be greater than number of args");
    assert.equal(errText(await r.call('EVAL', 'return 1', -1)), "ERR Number of keys can't be negative");
    assert.equal(errText(await r.call('EVAL', 'return 1', 'x')), 'ERR value is not an integer or out of range');
  });
});

describe('Redis replies to Lua', () => {
  test('EVAL - Redis integer -> Lua type conversion', async () => {
    await r.call('SET', 'x', '0');
    assert.deepEqual(await r.call('EVAL', "local foo = redis.pcall('incr',KEYS[1]) return {type(foo),foo}", 1, 'x'), ['number', 1]);
  });

  test('EVAL - Redis bulk -> Lua type conversion', async () => {
    await r.call('SET', 'mykey', 'myval');
    assert.deepEqual(await r.call('EVAL', "local foo = redis.pcall('get',KEYS[1]) return {type(foo),foo}", 1, 'mykey'), ['string', 'myval']);
  });

  test('EVAL - Redis multi bulk -> Lua type conversion', async () => {
    await r.call('DEL', 'mylist');
    await r.call('RPUSH', 'mylist', 'a', 'b', 'c');
    assert.deepEqual(
      await r.call('EVAL', "local foo = redis.pcall('lrange',KEYS[1],0,-1) return {type(foo),foo[1],foo[2],foo[3],# foo}", 1, 'mylist'),
      ['table', 'a', 'b', 'c', 3],
    );
  });

  test('EVAL - Redis status reply -> Lua type conversion', async () => {
    assert.deepEqual(await r.call('EVAL', "local foo = redis.pcall('set',KEYS[1],'myval') return {type(foo),foo['ok']}", 1, 'mykey'), ['table', 'OK']);
  });

  test('EVAL - Redis error reply -> Lua type conversion', async () => {
    await r.call('SET', 'mykey', 'myval');
    assert.deepEqual(await r.call('EVAL', "local foo = redis.pcall('incr',KEYS[1]) return {type(foo),foo['err']}", 1, 'mykey'), [
      'table',
      'ERR value is not an integer or out of range',
    ]);
  });

  test('EVAL - Redis nil bulk reply -> Lua type conversion', async () => {
    await r.call('DEL', 'mykey');
    assert.deepEqual(await r.call('EVAL', "local foo = redis.pcall('get',KEYS[1]) return {type(foo),foo == false}", 1, 'mykey'), ['boolean', 1]);
  });

  test('EVAL - Is the Lua client using the currently selected DB?', async () => {
    const c = await srv.client();
    await c.call('SELECT', 9);
    await c.call('SET', 'mykey', 'this is DB 9');
    await c.call('SELECT', 10);
    await c.call('SET', 'mykey', 'this is DB 10');
    assert.equal(await c.call('EVAL', "return redis.pcall('get',KEYS[1])", 1, 'mykey'), 'this is DB 10');
  });

  test('EVAL - SELECT inside Lua should not affect the caller', async () => {
    const c = await srv.client();
    await c.call('SELECT', 10);
    await c.call('SET', 'mykey', 'original value');
    assert.deepEqual(await c.call('EVAL', "return redis.pcall('select','9')", 0), OK);
    assert.equal(await c.call('GET', 'mykey'), 'original value');
  });

  test('Script with RESP3 map', async () => {
    await r.call('DEL', 'hash');
    await r.call('HSET', 'hash', 'field', 'value');
    const script = "redis.setresp(3) local r = redis.call('hgetall', KEYS[1]) return {type(r), r['map']['field']}";
    assert.deepEqual(await r.call('EVAL', script, 1, 'hash'), ['table', 'value']);
    assert.deepEqual(await r.call('EVAL', "redis.setresp(3) return redis.call('hgetall', KEYS[1])", 1, 'hash'), ['field', 'value']);
    const c3 = await srv.client();
    await c3.call('HELLO', 3);
    const m = await c3.call('EVAL', "redis.setresp(3) return redis.call('hgetall', KEYS[1])", 1, 'hash');
    assert.ok(m instanceof Map);
    assert.equal(m.get('field'), 'value');
    // RESP2 inside the script: the map arrives as a flat array.
    assert.deepEqual(await c3.call('EVAL', "return redis.call('hgetall', KEYS[1])", 1, 'hash'), ['field', 'value']);
  });

  test('Script return values in RESP3: booleans follow redis.setresp, doubles and nulls the client', async () => {
    const c3 = await srv.client();
    await c3.call('HELLO', 3);
    assert.equal(await c3.call('EVAL', 'redis.setresp(3) return true', 0), true);
    assert.equal(await c3.call('EVAL', 'redis.setresp(3) return false', 0), false);
    assert.equal(await c3.call('EVAL', 'return true', 0), 1);
    assert.equal(await c3.call('EVAL', 'return false', 0), null);
    assert.deepEqual(await c3.call('EVAL', 'return {double=3.5}', 0), { double: '3.5' });
    assert.equal(await r.call('EVAL', 'return {double=3.5}', 0), '3.5');
    assert.equal(await r.call('EVAL', 'redis.setresp(3) return false', 0), 0);
  });
});

describe('Scripts and the command table', () => {
  test("EVAL - Scripts can't run blpop command", async () => {
    assertError(await r.call('EVAL', "return redis.pcall('blpop','x',0)", 0), '*not allowed*');
  });

  test("EVAL - Scripts can't run XREAD and XREADGROUP with BLOCK option", async () => {
    await r.call('DEL', 's');
    await r.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    assert.equal(errText(await r.call('EVAL', "return redis.pcall('xread','BLOCK',0,'STREAMS','s','$')", 0)), 'ERR xread command is not allowed with BLOCK option from scripts');
    assert.equal(
      errText(await r.call('EVAL', "return redis.pcall('XREADGROUP','GROUP','g','c','BLOCK',0,'STREAMS','s','>')", 0)),
      'ERR XREADGROUP command is not allowed with BLOCK option from scripts',
    );
  });

  test('EVAL - Blocking commands allowed in scripts answer at once (BLMPOP, BZMPOP)', async () => {
    await r.call('DEL', 'l', 'z');
    assert.equal(await r.call('EVAL', "return redis.call('blmpop', 0, 1, 'l', 'LEFT')", 0), null);
    assert.equal(await r.call('EVAL', "return redis.call('bzmpop', 0, 1, 'z', 'MIN')", 0), null);
  });

  test('EVAL - Scripts can run non-deterministic commands', async () => {
    assert.deepEqual(await r.call('EVAL', "redis.pcall('randomkey'); return redis.pcall('set','x','ciao')", 0), OK);
  });

  test('EVAL - No arguments to redis.call/pcall is considered an error', async () => {
    assertError(await r.call('EVAL', 'return redis.call()', 0), '*one argument*');
  });

  test('EVAL - redis.call variant raises a Lua error on Redis cmd error (1)', async () => {
    const e = errText(await r.call('EVAL', "redis.call('nosuchcommand')", 0));
    assert.equal(e, 'ERR Unknown Redis command called from script script: 85df46f06646b8d8c9a2dc843ca8611cf060463c, on @user_script:1.');
  });

  test('EVAL - redis.call variant raises a Lua error on Redis cmd error (2)', async () => {
    assertError(await r.call('EVAL', "redis.call('get','a','b','c')", 0), '*number of args*');
  });

  test('EVAL - redis.call variant raises a Lua error on Redis cmd error (3)', async () => {
    await r.call('SET', 'foo', 'bar');
    assertError(await r.call('EVAL', "redis.call('lpush',KEYS[1],'val')", 1, 'foo'), '*against a key*');
  });

  test('EVAL - Scripts cannot call noscript commands', async () => {
    assert.equal(errText(await r.call('EVAL', "return redis.pcall('eval','return 1',0)", 0)), 'ERR This Redis command is not allowed from script');
    assertError(await r.call('EVAL', "return redis.pcall('script','flush')", 0), '*not allowed from script*');
  });

  test('EVAL_RO - Successful case', async () => {
    await r.call('SET', 'foo', 'bar');
    assert.equal(await r.call('EVAL_RO', "return redis.call('get', KEYS[1]);", 1, 'foo'), 'bar');
  });

  test('EVAL_RO - Cannot run write commands', async () => {
    await r.call('SET', 'foo', 'bar');
    assertError(await r.call('EVAL_RO', "redis.call('del', KEYS[1]);", 1, 'foo'), 'ERR Write commands are not allowed from read-only scripts*');
    assert.equal(await r.call('GET', 'foo'), 'bar');
  });

  test('Shebang flags: no-writes makes a script read-only, and *_ro refuses a writing script', async () => {
    assertError(await r.call('EVAL', "#!lua flags=no-writes\nredis.call('set', 'x', 1)", 0), 'ERR Write commands are not allowed from read-only scripts*');
    assert.equal(errText(await r.call('EVAL_RO', "#!lua\nreturn 1", 0)), 'ERR Can not execute a script with write flag using *_ro command.');
    assert.equal(await r.call('EVAL_RO', "#!lua flags=no-writes\nreturn 1", 0), 1);
    assert.equal(errText(await r.call('EVAL', '#!lua flags=bogus\nreturn 1', 0)), 'ERR Unexpected flag in script shebang: bogus');
    assert.equal(errText(await r.call('EVAL', '#!python\nreturn 1', 0)), 'ERR Unexpected engine in script shebang: #!python');
    assert.equal(errText(await r.call('EVAL', '#!lua', 0)), 'ERR Invalid script shebang');
    // The shebang line keeps the line numbers of the body.
    assertError(await r.call('EVAL', '#!lua\n\nerror("x")', 0), 'ERR user_script:3: x script:*');
  });

  test('Scripts can handle commands with incorrect arity', async () => {
    assertError(await r.call('EVAL', "redis.call('set','invalid')", 0), '*Wrong number of args calling Redis command from script*');
    assertError(await r.call('EVAL', "redis.call('incr')", 0), '*Wrong number of args calling Redis command from script*');
  });

  test('Call Redis command with many args from Lua (issue #1764)', async () => {
    const script = `local i\nlocal x={}\nredis.call('del','mylist')\nfor i=1,100 do\ntable.insert(x,i)\nend\nredis.call('rpush','mylist',unpack(x))\nreturn redis.call('lrange','mylist',0,-1)`;
    const expected = Array.from({ length: 100 }, (_, i) => String(i + 1));
    assert.deepEqual(await r.call('EVAL', script, 0), expected);
  });

  test('Number conversion precision test (issue #1118)', async () => {
    assert.equal(await r.call('EVAL', "local value = 9007199254740991 redis.call('set','foo',value) return redis.call('get','foo')", 0), '9007199254740991');
    assert.equal(await r.call('EVAL', "redis.call('set', 'key', 0.1) return redis.call('get', 'key')", 0), '0.10000000000000001');
  });

  test('String containing number precision test (regression of issue #1118)', async () => {
    assert.equal(await r.call('EVAL', "redis.call('set', 'key', '12039611435714932082') return redis.call('get', 'key')", 0), '12039611435714932082');
  });

  test('Verify negative arg count is error instead of crash (issue #1842)', async () => {
    assertError(await r.call('EVAL', 'return "hello"', -12), "ERR Number of keys can't be negative");
  });

  test('Correct handling of reused argv (issue #1939)', async () => {
    const script = "for i = 0, 10 do redis.call('SET', 'a{t}', '1') redis.call('MGET', 'a{t}', 'b{t}', 'c{t}') redis.call('EXPIRE', 'a{t}', 0) redis.call('GET', 'a{t}') redis.call('MGET', 'a{t}', 'b{t}', 'c{t}') end";
    assert.equal(await r.call('EVAL', script, 0), null);
  });

  test('Functions in the Redis namespace are able to report errors', async () => {
    assertError(await r.call('EVAL', 'redis.sha1hex()', 0), '*wrong number*');
    assertError(await r.call('EVAL', 'redis.setresp(4)', 0), '*RESP version must be 2 or 3*');
    assertError(await r.call('EVAL', "redis.log('x', 'y')", 0), '*First argument must be a number*');
  });

  test('Test an example script DECR_IF_GT', async () => {
    const script = "local current\ncurrent = redis.call('get',KEYS[1])\nif not current then return nil end\nif current > ARGV[1] then\nreturn redis.call('decr',KEYS[1])\nelse\nreturn redis.call('get',KEYS[1])\nend";
    await r.call('SET', 'foo', '5');
    const res: Reply[] = [];
    for (let i = 0; i < 5; i++) res.push(await r.call('EVAL', script, 1, 'foo', 2));
    assert.deepEqual(res, [4, 3, 2, '2', '2']);
  });

  test('A script sees keys as of its start (expiry clock frozen while it runs)', async () => {
    await r.call('SET', 'frozen', 'v', 'PX', 30);
    const script = "local t0 = redis.call('time') local n = 0 repeat n = n + 1 local t = redis.call('time') until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 60000 return redis.call('get', KEYS[1])";
    assert.equal(await r.call('EVAL', script, 1, 'frozen'), 'v');
    assert.equal(await r.call('GET', 'frozen'), null);
  });
});

describe('Sandbox', () => {
  test('Globals protection reading an undeclared global variable', async () => {
    const e = errText(await r.call('EVAL', 'return a', 0));
    assert.equal(e, "ERR user_script:1: Script attempted to access nonexistent global variable 'a' script: bbfcd1ececc90deec823f7fb730e4bfb2a4ba625, on @user_script:1.");
  });

  test('Globals protection setting an undeclared global*', async () => {
    assertError(await r.call('EVAL', 'a=10', 0), 'ERR *Attempt to modify a readonly table*');
  });

  test('Try trick readonly table on basic types metatable', async () => {
    assertError(await r.call('EVAL', "getmetatable('').__index = function() return 1 end", 0), '*Attempt to modify a readonly table*');
    assertError(await r.call('EVAL', 'rawset(string, "x", 1)', 0), '*Attempt to modify a readonly table*');
    assertError(await r.call('EVAL', 'setmetatable(_G, nil)', 0), '*Attempt to modify a readonly table*');
  });

  test('No os, io, loadfile, dofile, print, getfenv in the sandbox', async () => {
    for (const name of ['os', 'io', 'loadfile', 'dofile', 'print', 'getfenv', 'setfenv', 'newproxy', 'require', 'debug']) {
      assertError(await r.call('EVAL', `return type(${name})`, 0), `*nonexistent global variable '${name}'*`);
    }
  });

  test('EVAL - Able to parse trailing comments', async () => {
    assert.equal(await r.call('EVAL', "return 'hello' --trailing comment", 0), 'hello');
  });

  test('EVAL - Test table unpack with invalid indexes', async () => {
    assertError(await r.call('EVAL', 'return {unpack({1,2,3}, -2, 2147483647)}', 0), '*too many results to unpack*');
    assertError(await r.call('EVAL', 'return {unpack({1,2,3}, 0, 2147483647)}', 0), '*too many results to unpack*');
    assert.deepEqual(await r.call('EVAL', 'return {unpack({1,2,3}, -1, -2)}', 0), []);
  });

  test('redis.sha1hex() implementation', async () => {
    assert.equal(await r.call('EVAL', "return redis.sha1hex('')", 0), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
    assert.equal(await r.call('EVAL', "return redis.sha1hex('Pizza & Mandolino')", 0), '74822d82031af7493c20eefa13bd07ec4fada82f');
  });

  test('lua bit.tohex bug', async () => {
    assert.equal(await r.call('EVAL', 'return bit.tohex(65535, -2147483648)', 0), '0000FFFF');
    assert.deepEqual(await r.call('PING'), { status: 'PONG' });
  });

  test('EVAL - Verify minimal bitop functionality', async () => {
    assert.equal(await r.call('EVAL', 'assert(bit.tobit(1) == 1); assert(bit.band(1) == 1); assert(bit.bxor(1,2) == 3); assert(bit.bor(1,2,4,8,16,32,64,128) == 255)', 0), null);
  });

  test('EVAL - JSON smoke test', async () => {
    assert.equal(await r.call('EVAL', "return cjson.encode(cjson.decode('[1,2,3,\"x\",{\"a\":true}]'))", 0), '[1,2,3,"x",{"a":true}]');
    assert.deepEqual(await r.call('EVAL', "return {cjson.decode('0.0'), cjson.decode('-5.0'), cjson.decode('-0.0')}", 0), [0, -5, 0]);
  });

  test('EVAL - cmsgpack can pack double?', async () => {
    const hex = await r.call('EVAL', "local encoded = cmsgpack.pack(0.1) local h = '' for i = 1, #encoded do h = h .. string.format('%02x',string.byte(encoded, i)) end return h", 0);
    assert.equal(hex, 'cb3fb999999999999a');
  });

  test('EVAL - cmsgpack can pack negative int64?', async () => {
    const hex = await r.call('EVAL', "local encoded = cmsgpack.pack(-1099511627776) local h = '' for i = 1, #encoded do h = h .. string.format('%02x',string.byte(encoded, i)) end return h", 0);
    assert.equal(hex, 'd3ffffff0000000000');
  });

  test('EVAL - cmsgpack pack/unpack smoke test', async () => {
    const script = "local t = {1, 'two', {three=3}, true} local u = cmsgpack.unpack(cmsgpack.pack(t)) return {u[1], u[2], u[3].three, u[4] and 1 or 0}";
    assert.deepEqual(await r.call('EVAL', script, 0), [1, 'two', 3, 1]);
  });

  test('Scripting engine PRNG can be seeded correctly', async () => {
    const s = 'math.randomseed(ARGV[1]); return tostring(math.random())';
    const a = await r.call('EVAL', s, 0, 10);
    const b = await r.call('EVAL', s, 0, 10);
    const c = await r.call('EVAL', s, 0, 20);
    assert.equal(a, b);
    assert.notEqual(b, c);
  });

  test('Script return recursive object', async () => {
    // The reply nests arrays until Lua's stack is exhausted, then ends with the error (read raw:
    // the nesting is deeper than a recursive decoder should go).
    const c = await srv.client();
    const raw = await c.rawExchange('*3\r\n$4\r\nEVAL\r\n$47\r\nlocal a = {}; local b = {a}; a[1] = b; return a\r\n$1\r\n0\r\n', Number.MAX_SAFE_INTEGER, 500);
    const lines = raw.toString('latin1').split('\r\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.pop(), '-ERR reached lua stack limit');
    assert.ok(lines.length > 100, `nesting depth ${lines.length}`);
    assert.ok(lines.every((l) => l === '*1'));
    const r2 = await srv.client();
    assert.deepEqual(await r2.call('PING'), { status: 'PONG' });
  });

  test('A runaway allocation is an error, and the next script runs', async () => {
    // Each doubling copies the string; a 100-byte string doubled 30 times is 100 GB.
    assertError(await r.call('EVAL', "local s = string.rep('x', 100) for i=1,30 do s = s .. s end return #s", 0), '*not enough memory*');
    assert.equal(await r.call('EVAL', 'return 7', 0), 7);
  });

  test('A pathological pattern is an error, not a crash', async () => {
    assertError(await r.call('EVAL', "return string.find(('a'):rep(30000), ('a?'):rep(20000))", 0), '*pattern too complex*');
    assert.deepEqual(await r.call('EVAL', "return {string.find(('a'):rep(5000), ('a?'):rep(2000))}", 0), [1, 2000]);
  });
});

describe('SCRIPT', () => {
  test('SCRIPTING FLUSH - is able to clear the scripts cache?', async () => {
    await r.call('SET', 'mykey', 'myval');
    await r.call('SCRIPT', 'LOAD', "return redis.call('get',KEYS[1])");
    assert.equal(await r.call('EVALSHA', 'fd758d1589d044dd850a6f05d52f2eefd27f033f', 1, 'mykey'), 'myval');
    assert.deepEqual(await r.call('SCRIPT', 'FLUSH'), OK);
    assertError(await r.call('EVALSHA', 'fd758d1589d044dd850a6f05d52f2eefd27f033f', 1, 'mykey'), 'NOSCRIPT*');
  });

  test('SCRIPTING FLUSH ASYNC', async () => {
    for (let j = 0; j < 100; j++) await r.call('SCRIPT', 'LOAD', `return ${j}`);
    assert.match(String(await r.call('INFO', 'memory')), /number_of_cached_scripts:100\r\n/);
    assert.deepEqual(await r.call('SCRIPT', 'FLUSH', 'ASYNC'), OK);
    assert.match(String(await r.call('INFO', 'memory')), /number_of_cached_scripts:0\r\n/);
    assert.deepEqual(await r.call('SCRIPT', 'EXISTS', 'b534286061d4b9e4026607613b95c06c06015ae8'), [0]);
    assert.equal(errText(await r.call('SCRIPT', 'FLUSH', 'LATER')), 'ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  });

  test('EVAL does not leak in the Lua stack', async () => {
    await r.call('SCRIPT', 'FLUSH');
    await r.call('SET', 'x', '0');
    const cmds = Array.from({ length: 10000 }, () => ['EVAL', 'return redis.call("incr",KEYS[1])', '1', 'x']);
    const replies = await r.pipeline(cmds);
    assert.equal(replies[9999], 10000);
    const info = String(await r.call('INFO', 'memory'));
    const m = /used_memory_lua:(\d+)/.exec(info);
    assert.ok(m !== null && Number(m[1]) > 0 && Number(m[1]) < 1024 * 100, `used_memory_lua ${m?.[1]}`);
    assert.equal(await r.call('GET', 'x'), '10000');
  });

  test('SCRIPT EXISTS - can detect already defined scripts?', async () => {
    await r.call('EVAL', 'return 1+1', 0);
    assert.deepEqual(await r.call('SCRIPT', 'EXISTS', 'a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bd9', 'a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bda', 'A27E7E8A43702B7046D4F6A7CCF5B60CEF6B9BD9'), [1, 0, 1]);
  });

  test('SCRIPT LOAD - is able to register scripts in the scripting cache', async () => {
    assert.deepEqual(
      [await r.call('SCRIPT', 'LOAD', "return 'loaded'"), await r.call('EVALSHA', 'b534286061d4b9e4026607613b95c06c06015ae8', 0)],
      ['b534286061d4b9e4026607613b95c06c06015ae8', 'loaded'],
    );
  });

  test('SCRIPT LOAD and EVAL report compile errors', async () => {
    assert.equal(errText(await r.call('SCRIPT', 'LOAD', 'return (')), "ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'");
    assertError(await r.call('EVAL', 'retur 1', 0), "ERR Error compiling script (new function): user_script:1: '=' expected near '1'");
  });

  test('SCRIPT KILL answers NOTBUSY when no script runs', async () => {
    assert.equal(errText(await r.call('SCRIPT', 'KILL')), 'NOTBUSY No scripts in execution right now.');
  });

  test('SCRIPT HELP', async () => {
    const help = await r.call('SCRIPT', 'HELP');
    assert.ok(Array.isArray(help));
    assert.deepEqual(help[0], { status: 'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
    assert.ok(help.some((l) => typeof l === 'object' && l !== null && 'status' in l && l.status.startsWith('LOAD <script>')));
  });

  test('COMMAND INFO of the scripting commands', async () => {
    const info = await r.call('COMMAND', 'INFO', 'eval', 'evalsha_ro');
    assert.ok(Array.isArray(info));
    const ev = info[0] as Reply[];
    assert.deepEqual(ev.slice(0, 6), ['eval', -3, [{ status: 'noscript' }, { status: 'stale' }, { status: 'skip_monitor' }, { status: 'no_mandatory_keys' }, { status: 'movablekeys' }], 0, 0, 0]);
    assert.deepEqual(await r.call('COMMAND', 'GETKEYS', 'EVAL', 'return 1', 2, 'k1', 'k2', 'a'), ['k1', 'k2']);
  });
});

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** Poll until `c` gets -BUSY for PING (a script is busy); bounded. */
async function waitBusy(c: RespClient): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const rep = await c.call('PING');
    if (rep instanceof ReplyError && rep.message.startsWith('BUSY')) return;
    await sleep(10);
  }
  assert.fail('the script never became busy');
}

/** Poll until PING is answered again. */
async function waitPong(c: RespClient): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (!(await c.call('PING') instanceof ReplyError)) return;
    await sleep(10);
  }
  assert.fail('the script never ended');
}

/** A Lua snippet that loops (calling redis) until `ms` milliseconds have passed. */
function loopFor(ms: number): string {
  return `local t0 = redis.call('time') local start = t0[1] * 1000000 + t0[2]
while true do local t = redis.call('time') if t[1] * 1000000 + t[2] - start > ${ms * 1000} then break end end`;
}

const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';

describe('Busy scripts (busy-reply-threshold, SCRIPT KILL)', () => {
  before(async () => {
    await r.call('CONFIG', 'SET', 'lua-time-limit', 10);
  });
  after(async () => {
    await r.call('CONFIG', 'SET', 'busy-reply-threshold', 5000);
  });

  test('Timedout read-only scripts can be killed by SCRIPT KILL', async () => {
    const rd = await srv.client();
    const body = 'while true do end';
    const pending = rd.call('EVAL', body, 0);
    await waitBusy(r);
    assert.equal(errText(await r.call('PING')), BUSY_EVAL);
    assert.deepEqual(await r.call('SCRIPT', 'KILL'), OK);
    const sha = createHash('sha1').update(body).digest('hex');
    assert.equal(errText(await pending), `ERR Script killed by user with SCRIPT KILL... script: ${sha}, on @user_script:1.`);
    assert.deepEqual(await r.call('PING'), { status: 'PONG' });
    assert.equal(errText(await r.call('SCRIPT', 'KILL')), 'NOTBUSY No scripts in execution right now.');
  });

  test('Timedout read-only scripts can be killed by SCRIPT KILL even when use pcall', async () => {
    const rd = await srv.client();
    const pending = rd.call('EVAL', "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end", 0);
    await waitBusy(r);
    assert.deepEqual(await r.call('SCRIPT', 'KILL'), OK);
    await waitPong(r);
    assertError(await pending, '*killed by user*');
  });

  test('Timedout scripts inside a sort comparator or a gsub callback can be killed', async () => {
    const rd = await srv.client();
    for (const body of ['table.sort({3, 2, 1}, function(a, b) while true do end end)', "string.gsub('abc', '%w', function(c) while true do end end)"]) {
      const pending = rd.call('EVAL', body, 0);
      await waitBusy(r);
      assert.deepEqual(await r.call('SCRIPT', 'KILL'), OK);
      assertError(await pending, 'ERR Script killed by user with SCRIPT KILL...*');
      await waitPong(r);
    }
  });

  test('Timedout scripts deep in nested pcalls can be killed', async () => {
    const rd = await srv.client();
    const pending = rd.call('EVAL', 'local function f(n)\n if n == 0 then while true do end end\n pcall(f, n - 1)\n return n\nend\nreturn f(150)', 0);
    await waitBusy(r);
    assert.deepEqual(await r.call('SCRIPT', 'KILL'), OK);
    // Each pcall catches the kill, and the line hook raises it again on its caller's next line.
    assertError(await pending, 'ERR Script killed by user with SCRIPT KILL... script: *, on @user_script:4.');
    await waitPong(r);
  });

  test('Timedout scripts inside coroutines can be killed', async () => {
    const rd = await srv.client();
    const pending = rd.call('EVAL', 'local function f(n) if n == 0 then while true do end end return coroutine.resume(coroutine.create(f), n - 1) end\nf(50)\nwhile true do end', 0);
    await waitBusy(r);
    assert.deepEqual(await r.call('SCRIPT', 'KILL'), OK);
    assertError(await pending, 'ERR Script killed by user with SCRIPT KILL...*');
    await waitPong(r);
  });

  test('A busy script stuck where it cannot be suspended (a metamethod) is killed, since it has not written', async () => {
    // No other client can get an answer meanwhile: SCRIPT KILL could never arrive.
    const reply = await r.call('EVAL', "return setmetatable({}, {__index = function() while true do end end}).x", 0);
    assertError(reply, 'ERR Script killed by user with SCRIPT KILL...*');
    assert.deepEqual(await r.call('PING'), { status: 'PONG' });
  });

  test('Timedout script does not cause a false dead client', async () => {
    const rd = await srv.client();
    // Pipelined on one connection: the busy EVAL, then a PING that must wait for it.
    const replies = rd.pipeline([['EVAL', "while 1 do redis.call('ping') end", '0'], ['PING']]);
    await waitBusy(r);
    assert.deepEqual(await r.call('SCRIPT', 'KILL'), OK);
    await waitPong(r);
    const [killed, pong] = await replies;
    assertError(killed as Reply, '*killed by user*');
    assert.deepEqual(pong, { status: 'PONG' });
  });

  test('Timedout script (a function) does not cause a false dead client', async () => {
    const rd = await srv.client();
    const replies = rd.pipeline([
      ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=test\nredis.register_function('test', function() while 1 do redis.call('ping') end end)"],
      ['FCALL', 'test', '0'],
      ['PING'],
    ]);
    await waitBusy(r);
    assert.deepEqual(await r.call('FUNCTION', 'KILL'), OK);
    await waitPong(r);
    const [name, killed, pong] = await replies;
    assert.equal(name, 'test');
    assertError(killed as Reply, '*killed by user*');
    assert.deepEqual(pong, { status: 'PONG' });
    await r.call('FUNCTION', 'FLUSH');
  });

  test('Timedout script link is still usable after Lua returns', async () => {
    assert.equal(await r.call('EVAL', "for i=1,100000 do redis.call('ping') end return 'ok'", 0), 'ok');
    assert.deepEqual(await r.call('PING'), { status: 'PONG' });
  });

  test('Timedout scripts and unblocked command', async () => {
    await r.call('DEL', 'x');
    const rd = await srv.client();
    const rd2 = await srv.client();
    const r3 = await srv.client();
    const popped = rd2.call('BLPOP', 'x', 0);
    await sleep(20);
    const script = rd.call('EVAL', `redis.call('lpush', KEYS[1], 'y') ${loopFor(1000)} redis.call('lpush', KEYS[1], 'z') return 'done'`, 1, 'x');
    await waitBusy(r);
    // Allowed while busy, and must not serve the blocked client halfway through the script.
    assert.ok((await r3.call('HELLO', 2, 'SETNAME', 'abortscript')) instanceof Array);
    assert.equal(await script, 'done');
    assert.deepEqual(await popped, ['x', 'z']);
    assert.deepEqual(await r.call('LRANGE', 'x', 0, -1), ['y']);
  });

  test('Only allow_busy commands run during a busy script; MULTI stays usable', async () => {
    const rd = await srv.client();
    const c = await srv.client();
    const script = rd.call('EVAL', 'while true do end', 0);
    await waitBusy(r);
    assert.equal(errText(await c.call('GET', 'x')), BUSY_EVAL);
    assert.equal(errText(await c.call('SHUTDOWN')), BUSY_EVAL);
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.equal(errText(await c.call('SET', 'x', '1')), BUSY_EVAL);
    assert.equal(errText(await c.call('EXEC')), BUSY_EVAL);
    assert.deepEqual(await c.call('DISCARD'), OK);
    assert.deepEqual(await c.call('SCRIPT', 'KILL'), OK);
    assertError(await script, '*killed by user*');
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
  });

  test('A busy script inside MULTI/EXEC: the rest of the transaction runs after it', async () => {
    const rd = await srv.client();
    await rd.call('MULTI');
    await rd.call('SET', 'tx1', 'a');
    await rd.call('EVAL', 'while true do end', 0);
    await rd.call('SET', 'tx2', 'b');
    const exec = rd.call('EXEC');
    await waitBusy(r);
    assert.deepEqual(await r.call('SCRIPT', 'KILL'), OK);
    const replies = (await exec) as Reply[];
    assert.equal(replies.length, 3);
    assert.deepEqual(replies[0], OK);
    assertError(replies[1] as Reply, '*killed by user*');
    assert.deepEqual(replies[2], OK);
    assert.deepEqual(await r.call('MGET', 'tx1', 'tx2'), ['a', 'b']);
  });

  test('The busy script keeps its start time for expiry', async () => {
    await r.call('SET', 'soon', 'v', 'PX', 150);
    const v = await r.call('EVAL', `${loopFor(300)} return redis.call('get', 'soon')`, 0);
    assert.equal(v, 'v');
    assert.equal(await r.call('GET', 'soon'), null);
  });
});

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('Busy scripts that wrote, and SHUTDOWN NOSAVE (a server process)', () => {
  test("Timedout scripts that modified data can't be killed by SCRIPT KILL; SHUTDOWN NOSAVE can kill a timedout script anyway", async () => {
    // The server binary's entry point from the same compiled tree as this test (what
    // bin/cinnabar runs), as a child process that SHUTDOWN NOSAVE can end.
    const main = path.resolve(import.meta.dirname, '../../src/main.js');
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'cinnabar-busy-'));
    const logfile = path.join(dir, 'server.log');
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(main)}); const code = await main(process.argv.slice(1)); if (code >= 0) process.exit(code);`, '--', '--port', String(port), '--save', '', '--dir', dir, '--lua-time-limit', '10', '--logfile', logfile, '--loglevel', 'notice'],
      // The server changes directory to --dir: tell it where the engine is.
      { stdio: 'ignore', env: { ...process.env, CINNABAR_LUA_WASM: luaWasmPath() } },
    );
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    try {
      let c: RespClient | null = null;
      for (let i = 0; i < 200 && c === null; i++) {
        c = await RespClient.connect(port).catch(() => null);
        if (c === null) await sleep(25);
      }
      assert.ok(c !== null, 'the server did not start');
      // redis.log follows loglevel: the verbose line is left out.
      await c.call('EVAL', "redis.log(redis.LOG_VERBOSE, 'quiet line') redis.log(redis.LOG_WARNING, 'loud', 'line') return 1", 0);
      const rd = await RespClient.connect(port);
      void rd.call('EVAL', "redis.call('set', KEYS[1], 'y'); while true do end", 1, 'x');
      await waitBusy(c);
      assert.equal(
        errText(await c.call('SCRIPT', 'KILL')),
        'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
      );
      assert.equal(errText(await c.call('PING')), BUSY_EVAL);
      assert.equal(errText(await c.call('SHUTDOWN')), BUSY_EVAL);
      // SHUTDOWN NOSAVE answers nothing: the server exits.
      const reply = await c.call('SHUTDOWN', 'NOSAVE');
      assertError(reply, 'connection closed');
      assert.equal(await exited, 0);
      const log = readFileSync(logfile, 'latin1');
      assert.match(log, /# loud line\n/);
      assert.doesNotMatch(log, /quiet line/);
      assert.match(log, /# Slow script detected: still in execution after \d+ milliseconds\. You can try killing the script using the SCRIPT KILL command\. Script name is: [0-9a-f]{40}\.\n/);
      assert.equal(await RespClient.connect(port).then(() => 'connected', () => 'refused'), 'refused');
      rd.close();
      c.close();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('Conformance with redis-server 7.0 (EVAL probes)', { skip: !haveRedisServer() }, () => {
  // Each probe runs with KEYS = {'k1'} and ARGV = {'a1', '2.5'} on a fresh keyspace.
  const PROBES = [
    'return tostring(10/2)',
    'return table.concat({1,2.5,10/2},",")',
    "return (tonumber('1712345678901')*0x1000)..''",
    'return tostring(9007199254740993)',
    'return string.format("%d", 3.5)',
    "return string.format('%x', -1)",
    "return string.format('%x', 1e20)",
    "return string.sub('hello', 1, 2^32+2)",
    'return {tostring(-0.0), tostring(1/0), tostring(0/0)}',
    'return string.format("%q","a\\0b")',
    'local t={} for k,v in pairs(_G) do t[#t+1]=k end return t',
    'local t={} for k,v in pairs(redis) do t[#t+1]=k end return t',
    "return cjson.encode({a=1,b={1,2,3},c='x',d={e={f=true}},g=0.1,h=1e300,i=-5})",
    'return cjson.encode({[1]=1,[2]=2,[4]=4})',
    'return cmsgpack.pack({a=1,b={c=2}})',
    "return cmsgpack.pack(1.5, -1, -33, 255, 65535, 65536, 4294967296, -2147483649, 0.1, 'x', ('y'):rep(40), true, false)",
    "return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2)}",
    "return {cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')}",
    "return {struct.pack('>I2', 258), struct.pack('<i4', -2), struct.pack('!4 b i', 1, 2)}",
    "return {struct.unpack('>i16', struct.pack('>i16', -1))}",
    "return {struct.size('>i4 d !8 b d')}",
    'return struct.pack("z", 1)',
    'return {bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.bswap(0x12345678)}',
    "return {bit.tohex(-1), bit.tohex(255, -4), bit.tobit(2.5), bit.tobit(2^32+5)}",
    'return {1, {err="inner"}, 3}',
    "return {err='boom\\nx'}",
    "return redis.error_reply('My Error')",
    "return {double=0.1}",
    "return {big_number='123456789012345678901234567890'}",
    "return {redis.call('set', 'x', 0.1), redis.call('get', 'x')}",
    "return {redis.call('set', 'x', 7013767900778496), redis.call('get', 'x')}",
    "return redis.pcall('nosuch')",
    "return {pcall(redis.call, 'nosuch')}",
    "error('x')",
    'error(123)',
    "local function f() error('in f') end f()",
    'x=1',
    "rawset(_G,'x',1)",
    'return redis.call()',
    "return redis.call('set', {}, 1)",
    "redis.setresp(3) return redis.call('get', 'nokey')",
    "redis.log(redis.LOG_WARNING)",
    "math.randomseed(42) return {tostring(math.random()), math.random(1000), math.random(5, 10)}",
    'return {unpack({1,2,3}, -1, 5)}',
    "local a,b = loadstring(string.dump(function() return 1 end)) return b",
    'return coroutine.running()',
    "return {string.find(('a'):rep(5000), ('a?'):rep(2000))}",
  ];

  test('EVAL probes reply exactly as redis-server 7.0', async () => {
    const oracle = await startOracle();
    try {
      const o = await oracle.client();
      const c = await srv.client();
      const mismatches: string[] = [];
      for (const src of PROBES) {
        await o.call('FLUSHALL');
        await c.call('FLUSHALL');
        const want = await o.call('EVAL', src, 1, 'k1', 'a1', '2.5');
        const got = await c.call('EVAL', src, 1, 'k1', 'a1', '2.5');
        const show = (x: Reply): string => (x instanceof ReplyError ? `ERR(${x.message})` : JSON.stringify(x));
        if (show(want) !== show(got)) mismatches.push(`${src}\n  redis: ${show(want)}\n  ours:  ${show(got)}`);
      }
      assert.deepEqual(mismatches, []);
    } finally {
      await oracle.close();
    }
  });
});
