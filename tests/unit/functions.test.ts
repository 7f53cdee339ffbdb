/**
 * Functions: FUNCTION LOAD/DELETE/FLUSH/LIST/DUMP/RESTORE/STATS/KILL/HELP, FCALL and FCALL_RO,
 * mirroring Redis 7.0's tests/unit/functions.tcl (the tests that need replication, DEBUG
 * RELOAD or maxmemory are left out), plus FUNCTION DUMP payloads exchanged with the real
 * redis-server 7.0 when it is installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, haveRedisServer, OK, ReplyError, startOracle, startTestServer, type Reply, type RespClient, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let r: RespClient;

before(async () => {
  srv = await startTestServer();
  r = await srv.client();
});

after(async () => {
  await srv.close();
});

/** Redis's get_function_code: a library `name` with one function `fn` whose body is `body`. */
function functionCode(engine: string, name: string, fn: string, body: string): string {
  return `#!${engine} name=${name}\nredis.register_function('${fn}', function(KEYS, ARGV)\n ${body} \nend)`;
}

/** Redis's get_no_writes_function_code. */
function noWritesFunctionCode(engine: string, name: string, fn: string, body: string): string {
  return `#!${engine} name=${name}\nredis.register_function{function_name='${fn}', callback=function(KEYS, ARGV)\n ${body} \nend, flags={'no-writes'}}`;
}

function errText(reply: Reply): string {
  assert.ok(reply instanceof ReplyError, `expected an error, got ${JSON.stringify(reply)}`);
  return reply.message;
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** Poll until `c` gets a -BUSY reply to PING (a script has become busy); bounded. */
async function waitBusy(c: RespClient): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const rep = await c.call('PING');
    if (rep instanceof ReplyError && rep.message.startsWith('BUSY')) return;
    await sleep(10);
  }
  assert.fail('the script never became busy');
}

/** Poll until PING answers PONG again. */
async function waitNotBusy(c: RespClient): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const rep = await c.call('PING');
    if (!(rep instanceof ReplyError)) return;
    await sleep(10);
  }
  assert.fail('the script never ended');
}

describe('FUNCTION LOAD, FCALL, DELETE', () => {
  test('FUNCTION - Basic usage', async () => {
    assert.equal(await r.call('FUNCTION', 'LOAD', functionCode('LUA', 'test', 'test', "return 'hello'")), 'test');
    assert.equal(await r.call('FCALL', 'test', 0), 'hello');
  });

  test('FUNCTION - Load with unknown argument', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'LOAD', 'foo', 'bar', functionCode('LUA', 'test', 'test', "return 'hello'"))), 'ERR Unknown option given: foo');
  });

  test('FUNCTION - Create an already exiting library raise error', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'LOAD', functionCode('LUA', 'test', 'test', "return 'hello1'"))), "ERR Library 'test' already exists");
  });

  test('FUNCTION - Create an already exiting library raise error (case insensitive)', async () => {
    assertError(await r.call('FUNCTION', 'LOAD', functionCode('LUA', 'test', 'test', "return 'hello1'")), '*already exists*');
  });

  test('FUNCTION - Create a library with wrong name format', async () => {
    assert.equal(
      errText(await r.call('FUNCTION', 'LOAD', functionCode('LUA', 'bad\\0foramat', 'test', "return 'hello1'"))),
      'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
    );
  });

  test('FUNCTION - Create library with unexisting engine', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'LOAD', functionCode('bad_engine', 'test', 'test', "return 'hello1'"))), "ERR Engine 'bad_engine' not found");
  });

  test('FUNCTION - Test uncompiled script', async () => {
    assert.equal(
      errText(await r.call('FUNCTION', 'LOAD', 'REPLACE', functionCode('LUA', 'test', 'test', 'bad script'))),
      "ERR Error compiling function: user_function:3: '=' expected near 'script'",
    );
  });

  test('FUNCTION - test replace argument', async () => {
    assert.equal(await r.call('FUNCTION', 'LOAD', 'REPLACE', functionCode('LUA', 'test', 'test', "return 'hello1'")), 'test');
    assert.equal(await r.call('FCALL', 'test', 0), 'hello1');
  });

  test('FUNCTION - test function case insensitive', async () => {
    assert.equal(await r.call('FCALL', 'TEST', 0), 'hello1');
  });

  test('FUNCTION - test replace argument with failure keeps old libraries', async () => {
    assertError(await r.call('FUNCTION', 'CREATE', 'LUA', 'test', 'REPLACE', 'error'), 'ERR unknown subcommand*');
    assertError(await r.call('FUNCTION', 'LOAD', 'REPLACE', functionCode('LUA', 'test', 'test', 'error')), '*Error compiling function*');
    assertError(await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=test\nredis.register_function('test', function() return 1 end)\nerror('x')"), '*Error registering functions*');
    assert.equal(await r.call('FCALL', 'test', 0), 'hello1');
  });

  test('FUNCTION - test function delete', async () => {
    assert.deepEqual(await r.call('FUNCTION', 'DELETE', 'test'), OK);
    assert.equal(errText(await r.call('FCALL', 'test', 0)), 'ERR Function not found');
  });

  test('FUNCTION - test fcall bad arguments', async () => {
    await r.call('FUNCTION', 'LOAD', functionCode('LUA', 'test', 'test', "return 'hello'"));
    assert.equal(errText(await r.call('FCALL', 'test', 'bad_arg')), 'ERR Bad number of keys provided');
  });

  test('FUNCTION - test fcall bad number of keys arguments', async () => {
    assert.equal(errText(await r.call('FCALL', 'test', 10, 'key1')), "ERR Number of keys can't be greater than number of args");
  });

  test('FUNCTION - test fcall negative number of keys', async () => {
    assert.equal(errText(await r.call('FCALL', 'test', -1, 'key1')), "ERR Number of keys can't be negative");
  });

  test('FUNCTION - test delete on not exiting library', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'DELETE', 'test1')), 'ERR Library not found');
  });

  test('FUNCTION - test function kill when function is not running', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'KILL')), 'NOTBUSY No scripts in execution right now.');
  });

  test('FUNCTION - test wrong subcommand', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'bad_subcommand')), "ERR unknown subcommand 'bad_subcommand'. Try FUNCTION HELP.");
  });

  test('FUNCTION - test flushall and flushdb do not clean functions', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', 'REPLACE', functionCode('lua', 'test', 'test', "return redis.call('set', 'x', '1')"));
    await r.call('FLUSHALL');
    await r.call('FLUSHDB');
    assert.deepEqual(await r.call('FUNCTION', 'LIST'), [['library_name', 'test', 'engine', 'LUA', 'functions', [['name', 'test', 'description', null, 'flags', []]]]]);
  });

  test('FUNCTION - test fcall_ro with write command', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', noWritesFunctionCode('lua', 'test', 'test', "return redis.call('set', 'x', '1')"));
    assertError(await r.call('FCALL_RO', 'test', 0), 'ERR Write commands are not allowed from read-only scripts.*');
  });

  test('FUNCTION - test fcall_ro with read only commands', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', noWritesFunctionCode('lua', 'test', 'test', "return redis.call('get', 'x')"));
    await r.call('SET', 'x', '1');
    assert.equal(await r.call('FCALL_RO', 'test', 0), '1');
  });

  test('FUNCTION - test keys and argv', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', functionCode('lua', 'test', 'test', "return redis.call('set', KEYS[1], ARGV[1])"));
    assert.deepEqual(await r.call('FCALL', 'test', 1, 'x', 'foo'), OK);
    assert.equal(await r.call('GET', 'x'), 'foo');
  });

  test('FUNCTION - test command get keys on fcall', async () => {
    assert.deepEqual(await r.call('COMMAND', 'GETKEYS', 'FCALL', 'test', 1, 'x', 'foo'), ['x']);
  });

  test('FUNCTION - test command get keys on fcall_ro', async () => {
    assert.deepEqual(await r.call('COMMAND', 'GETKEYS', 'FCALL_RO', 'test', 1, 'x', 'foo'), ['x']);
  });

  test('FUNCTION - test function flush', async () => {
    const loop = functionCode('lua', 'test', 'test', 'local a = 1 while true do a = a + 1 end');
    const listed = [['library_name', 'test', 'engine', 'LUA', 'functions', [['name', 'test', 'description', null, 'flags', []]]]];
    for (const mode of [[], ['ASYNC'], ['SYNC']]) {
      await r.call('FUNCTION', 'LOAD', 'REPLACE', loop);
      assert.deepEqual(await r.call('FUNCTION', 'LIST'), listed);
      assert.deepEqual(await r.call('FUNCTION', 'FLUSH', ...mode), OK);
      assert.deepEqual(await r.call('FUNCTION', 'LIST'), []);
    }
  });

  test('FUNCTION - test function wrong argument', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'FLUSH', 'bad_arg')), 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    assert.equal(errText(await r.call('FUNCTION', 'FLUSH', 'sync', 'extra_arg')), "ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.");
  });

  test('FCALL errors name the function and its line', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', "#!lua name=errs\nredis.register_function('boom', function() error('boom') end)\nredis.register_function('nilidx', function() local a = nil\n return a.b end)\nredis.register_function('incr', function(k) return redis.call('incr', k[1]) end)");
    assert.equal(errText(await r.call('FCALL', 'boom', 0)), 'ERR user_function:2: boom script: boom, on @user_function:2.');
    assert.equal(errText(await r.call('FCALL', 'nilidx', 0)), "ERR user_function:4: attempt to index local 'a' (a nil value) script: nilidx, on @user_function:4.");
    await r.call('SET', 'str', 'abc');
    assert.equal(errText(await r.call('FCALL', 'incr', 1, 'str')), 'ERR value is not an integer or out of range script: incr, on @user_function:5.');
  });
});

describe('FUNCTION DUMP and RESTORE', () => {
  test('FUNCTION - test function dump and restore', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', functionCode('lua', 'test', 'test', "return 'hello'"));
    const e = await r.call('FUNCTION', 'DUMP');
    assert.equal(typeof e, 'string');
    await r.call('FUNCTION', 'DELETE', 'test');
    assert.deepEqual(await r.call('FUNCTION', 'LIST'), []);
    assert.deepEqual(await r.call('FUNCTION', 'RESTORE', e as string), OK);
    assert.deepEqual(await r.call('FUNCTION', 'LIST'), [['library_name', 'test', 'engine', 'LUA', 'functions', [['name', 'test', 'description', null, 'flags', []]]]]);
  });

  test('FUNCTION - test function dump and restore with flush argument', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', functionCode('lua', 'test', 'test', "return 'hello'"));
    const e = (await r.call('FUNCTION', 'DUMP')) as string;
    assert.deepEqual(await r.call('FUNCTION', 'RESTORE', Buffer.from(e, 'latin1'), 'FLUSH'), OK);
    assert.equal(await r.call('FCALL', 'test', 0), 'hello');
  });

  test('FUNCTION - test function dump and restore with append argument', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', functionCode('lua', 'test', 'test', "return 'hello'"));
    const e = Buffer.from((await r.call('FUNCTION', 'DUMP')) as string, 'latin1');
    assert.equal(errText(await r.call('FUNCTION', 'RESTORE', e, 'APPEND')), 'ERR Library test already exists');
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', functionCode('lua', 'test1', 'test1', "return 'hello1'"));
    assert.deepEqual(await r.call('FUNCTION', 'RESTORE', e, 'APPEND'), OK);
    assert.equal(await r.call('FCALL', 'test', 0), 'hello');
    assert.equal(await r.call('FCALL', 'test1', 0), 'hello1');
  });

  test('FUNCTION - test function dump and restore with replace argument', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', functionCode('LUA', 'test', 'test', "return 'hello'"));
    const e = Buffer.from((await r.call('FUNCTION', 'DUMP')) as string, 'latin1');
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', functionCode('lua', 'test', 'test', "return 'hello1'"));
    assert.equal(await r.call('FCALL', 'test', 0), 'hello1');
    assert.deepEqual(await r.call('FUNCTION', 'RESTORE', e, 'REPLACE'), OK);
    assert.equal(await r.call('FCALL', 'test', 0), 'hello');
  });

  test('FUNCTION - test function restore with bad payload do not drop existing functions', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', functionCode('LUA', 'test', 'test', "return 'hello'"));
    assert.equal(errText(await r.call('FUNCTION', 'RESTORE', 'bad payload')), 'ERR DUMP payload version or checksum are wrong');
    assert.equal(await r.call('FCALL', 'test', 0), 'hello');
  });

  test('FUNCTION - test function restore with wrong number of arguments', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'RESTORE', 'arg1', 'args2', 'arg3')), "ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.");
    assert.equal(errText(await r.call('FUNCTION', 'RESTORE', 'x', 'bad')), 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
  });

  test('FUNCTION - test function restore with function name collision', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', "#!lua name=lib1\nlocal function add1(a) return a + 1 end\nredis.register_function('f1', function(keys, args) return add1(1) end)\nredis.register_function('f2', function(keys, args) return add1(2) end)\nredis.register_function('f3', function(keys, args) return add1(3) end)");
    const e = Buffer.from((await r.call('FUNCTION', 'DUMP')) as string, 'latin1');
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', "#!lua name=lib1\nredis.register_function('f6', function(keys, args) return 7 end)");
    await r.call('FUNCTION', 'LOAD', "#!lua name=lib2\nlocal function add1(a) return a + 1 end\nredis.register_function('f4', function(keys, args) return add1(4) end)\nredis.register_function('f5', function(keys, args) return add1(5) end)\nredis.register_function('f3', function(keys, args) return add1(3) end)");
    assert.equal(errText(await r.call('FUNCTION', 'RESTORE', e)), 'ERR Library lib1 already exists');
    assert.deepEqual([await r.call('FCALL', 'f3', 0), await r.call('FCALL', 'f4', 0), await r.call('FCALL', 'f5', 0), await r.call('FCALL', 'f6', 0)], [4, 5, 6, 7]);
    assert.equal(errText(await r.call('FUNCTION', 'RESTORE', e, 'REPLACE')), 'ERR Function f3 already exists');
    assert.deepEqual([await r.call('FCALL', 'f3', 0), await r.call('FCALL', 'f4', 0), await r.call('FCALL', 'f5', 0), await r.call('FCALL', 'f6', 0)], [4, 5, 6, 7]);
  });

  test('FUNCTION RESTORE of a payload that holds something else than libraries', async () => {
    // A DUMP payload of a string value: type 0, then the value, version and checksum.
    await r.call('SET', 'dumped', 'v');
    const dump = Buffer.from((await r.call('DUMP', 'dumped')) as string, 'latin1');
    assert.equal(errText(await r.call('FUNCTION', 'RESTORE', dump)), 'ERR given type is not a function');
  });
});

describe('FUNCTION DUMP payloads and redis-server 7.0', { skip: !haveRedisServer() }, () => {
  const lib = "#!lua name=mylib\nredis.register_function{function_name='myfunc', callback=function(keys, args) return args[1] end, flags={'no-writes'}, description='echo'}";

  test('FUNCTION DUMP is byte for byte the payload redis-server writes', async () => {
    const oracle = await startOracle();
    try {
      const o = await oracle.client();
      await r.call('FUNCTION', 'FLUSH');
      assert.equal(await o.call('FUNCTION', 'LOAD', lib), 'mylib');
      assert.equal(await r.call('FUNCTION', 'LOAD', lib), 'mylib');
      const theirs = await o.call('FUNCTION', 'DUMP');
      assert.equal(await r.call('FUNCTION', 'DUMP'), theirs);
      // And without LZF (rdbcompression no): the code is stored as it is.
      await o.call('CONFIG', 'SET', 'rdbcompression', 'no');
      await r.call('CONFIG', 'SET', 'rdbcompression', 'no');
      assert.equal(await r.call('FUNCTION', 'DUMP'), await o.call('FUNCTION', 'DUMP'));
      await r.call('CONFIG', 'SET', 'rdbcompression', 'yes');
    } finally {
      await oracle.close();
    }
  });

  test('Payloads restore in both directions', async () => {
    const oracle = await startOracle();
    try {
      const o = await oracle.client();
      await o.call('FUNCTION', 'LOAD', lib);
      const theirs = Buffer.from((await o.call('FUNCTION', 'DUMP')) as string, 'latin1');
      await r.call('FUNCTION', 'FLUSH');
      assert.deepEqual(await r.call('FUNCTION', 'RESTORE', theirs), OK);
      assert.equal(await r.call('FCALL_RO', 'myfunc', 0, 'hi'), 'hi');
      await r.call('FUNCTION', 'LOAD', "#!lua name=second\nredis.register_function('two', function() return 2 end)");
      const ours = Buffer.from((await r.call('FUNCTION', 'DUMP')) as string, 'latin1');
      assert.deepEqual(await o.call('FUNCTION', 'RESTORE', ours, 'FLUSH'), OK);
      assert.equal(await o.call('FCALL', 'two', 0), 2);
      assert.equal(await o.call('FCALL_RO', 'myfunc', 0, 'hi'), 'hi');
    } finally {
      await oracle.close();
    }
  });
});

describe('LIBRARIES', () => {
  test('LIBRARIES - test shared function can access default globals', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', "#!lua name=lib1\nlocal function ping()\n return redis.call('ping')\nend\nredis.register_function('f1', function(keys, args) return ping() end)");
    assert.deepEqual(await r.call('FCALL', 'f1', 0), { status: 'PONG' });
  });

  test('LIBRARIES - usage and code sharing', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=lib1\nlocal function add1(a) return a + 1 end\nredis.register_function('f1', function(keys, args) return add1(1) end)\nredis.register_function('f2', function(keys, args) return add1(2) end)");
    assert.equal(await r.call('FCALL', 'f1', 0), 2);
    assert.equal(await r.call('FCALL', 'f2', 0), 3);
    const list = (await r.call('FUNCTION', 'LIST')) as Reply[][];
    assert.equal(list.length, 1);
    assert.deepEqual((list[0] as Reply[]).slice(0, 4), ['library_name', 'lib1', 'engine', 'LUA']);
  });

  test('LIBRARIES - test registration failure revert the entire load', async () => {
    const e = await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=lib1\nlocal function add1(a) return a + 2 end\nredis.register_function('f1', function(keys, args) return add1(1) end)\nredis.register_function('f2', 'not a function')");
    assert.equal(errText(e), 'ERR Error registering functions: ERR second argument to redis.register_function must be a function');
    assert.equal(await r.call('FCALL', 'f1', 0), 2);
    assert.equal(await r.call('FCALL', 'f2', 0), 3);
  });

  test('LIBRARIES - test registration function name collision', async () => {
    const e = await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=lib2\nredis.register_function('f1', function(keys, args) return 1 end)");
    assert.equal(errText(e), 'ERR Function f1 already exists');
    assert.equal(await r.call('FCALL', 'f1', 0), 2);
    assert.equal(await r.call('FCALL', 'f2', 0), 3);
  });

  test('LIBRARIES - test registration function name collision on same library', async () => {
    const e = await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=lib2\nredis.register_function('f1', function(keys, args) return 1 end)\nredis.register_function('f1', function(keys, args) return 1 end)");
    assert.equal(errText(e), 'ERR Error registering functions: ERR Function already exists in the library');
  });

  const registration: [string, string, string][] = [
    ['LIBRARIES - test registration with no argument', 'redis.register_function()', 'wrong number of arguments to redis.register_function'],
    ['LIBRARIES - test registration with only name', "redis.register_function('f1')", 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).'],
    ['LIBRARIES - test registration with to many arguments', "redis.register_function('f1', function() return 1 end, {}, 'description', 'extra arg')", 'wrong number of arguments to redis.register_function'],
    ['LIBRARIES - test registration with no string name', 'redis.register_function(nil, function() return 1 end)', 'first argument to redis.register_function must be a string'],
    ['LIBRARIES - test registration with wrong name format', "redis.register_function('test\\0test', function() return 1 end)", 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'],
    ['LIBRARIES - test registration with empty name', "redis.register_function('', function() return 1 end)", 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'],
    ['LIBRARIES - named arguments, bad function name', "redis.register_function{function_name=function() return 1 end, callback=function() return 'hello' end, description='some desc'}", 'function_name argument given to redis.register_function must be a string'],
    ['LIBRARIES - named arguments, bad callback type', "redis.register_function{function_name='f1', callback='bad', description='some desc'}", 'callback argument given to redis.register_function must be a function'],
    ['LIBRARIES - named arguments, bad description', "redis.register_function{function_name='f1', callback=function() return 'hello' end, description=function() return 1 end}", 'description argument given to redis.register_function must be a string'],
    ['LIBRARIES - named arguments, unknown argument', "redis.register_function{function_name='f1', callback=function() return 'hello' end, description='desc', some_unknown='unknown'}", 'unknown argument given to redis.register_function'],
    ['LIBRARIES - named arguments, missing function name', "redis.register_function{callback=function() return 'hello' end, description='desc'}", 'redis.register_function must get a function name argument'],
    ['LIBRARIES - named arguments, missing callback', "redis.register_function{function_name='f1', description='desc'}", 'redis.register_function must get a callback argument'],
    ['FUNCTION - wrong flags type named arguments', "redis.register_function{function_name = 'f1', callback = function() return 1 end, flags = 'bad flags type'}", 'flags argument to redis.register_function must be a table representing function flags'],
    ['FUNCTION - wrong flag type', "redis.register_function{function_name = 'f1', callback = function() return 1 end, flags = {function() return 1 end}}", 'unknown flag given'],
    ['FUNCTION - unknown flag', "redis.register_function{function_name = 'f1', callback = function() return 1 end, flags = {'unknown'}}", 'unknown flag given'],
  ];
  for (const [title, code, msg] of registration) {
    test(title, async () => {
      assert.equal(errText(await r.call('FUNCTION', 'LOAD', 'REPLACE', `#!lua name=lib2\n${code}`)), `ERR Error registering functions: ERR ${msg}`);
    });
  }

  const loadTime: [string, string, string][] = [
    ['LIBRARIES - math.random from function load', 'return math.random()', 'math'],
    ['LIBRARIES - redis.call from function load', "return redis.call('ping')", 'call'],
    ['LIBRARIES - redis.setresp from function load', 'return redis.setresp(3)', 'setresp'],
    ['LIBRARIES - redis.set_repl from function load', 'return redis.set_repl(redis.REPL_NONE)', 'set_repl'],
    ['FUNCTION - test getmetatable on script load', 'mt = getmetatable(_G)', 'getmetatable'],
  ];
  for (const [title, code, name] of loadTime) {
    test(title, async () => {
      assert.equal(
        errText(await r.call('FUNCTION', 'LOAD', 'REPLACE', `#!lua name=lib2\n${code}`)),
        `ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable '${name}'`,
      );
    });
  }

  test('LIBRARIES - malicious access test', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=lib1\nlocal lib = redis\nlib.register_function('f1', function ()\n lib.redis = redis\n lib.math = math\n return {ok='OK'}\nend)\nlib.register_function('f2', function ()\n lib.register_function('f1', function ()\n lib.redis = redis\n lib.math = math\n return {ok='OK'}\n end)\nend)");
    assertError(await r.call('FCALL', 'f1', 0), '*Attempt to modify a readonly table*');
    assertError(await r.call('FUNCTION', 'LOAD', "#!lua name=lib2\nredis.math.random()"), "*Script attempted to access nonexistent global variable 'math'*");
    assertError(await r.call('FUNCTION', 'LOAD', "#!lua name=lib2\nredis.redis.call('ping')"), "*Script attempted to access nonexistent global variable 'redis'*");
    assert.equal(errText(await r.call('FCALL', 'f2', 0)), 'ERR redis.register_function can only be called on FUNCTION LOAD command script: f2, on @user_function:9.');
  });

  test('LIBRARIES - delete removed all functions on library', async () => {
    await r.call('FUNCTION', 'DELETE', 'lib1');
    assert.deepEqual(await r.call('FUNCTION', 'LIST'), []);
    assert.equal(errText(await r.call('FCALL', 'f1', 0)), 'ERR Function not found');
  });

  test('LIBRARIES - register function inside a function', async () => {
    await r.call('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f1', function(keys, args)\n redis.register_function('f2', function(key, args) return 2 end)\n return 1\nend)");
    assert.equal(errText(await r.call('FCALL', 'f1', 0)), "ERR user_function:3: attempt to call field 'register_function' (a nil value) script: f1, on @user_function:3.");
  });

  test('LIBRARIES - register library with no functions', async () => {
    await r.call('FUNCTION', 'FLUSH');
    assert.equal(errText(await r.call('FUNCTION', 'LOAD', '#!lua name=lib\nreturn 1')), 'ERR No functions registered');
  });

  test('LIBRARIES - load timeout', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'LOAD', '#!lua name=lib\nlocal a = 1\nwhile 1 do a = a + 1 end')), 'ERR Error registering functions: ERR FUNCTION LOAD timeout');
    assert.deepEqual(await r.call('FUNCTION', 'LIST'), []);
  });

  test('LIBRARIES - verify global protection on the load run', async () => {
    assertError(await r.call('FUNCTION', 'LOAD', '#!lua name=lib\na = 1'), '*Attempt to modify a readonly table*');
  });

  test('LIBRARIES - named arguments', async () => {
    await r.call('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function{function_name='f1', callback=function() return 'hello' end, description='some desc'}");
    assert.deepEqual(await r.call('FUNCTION', 'LIST'), [['library_name', 'lib', 'engine', 'LUA', 'functions', [['name', 'f1', 'description', 'some desc', 'flags', []]]]]);
  });

  test('Functions run in a sandbox of their own, with the libraries and without the debugger', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=lib\nredis.register_function('g', function() local t = {} for k in pairs(redis) do t[#t+1] = k end table.sort(t) return t end)\nredis.register_function('k', function(keys, args) return {keys[1], args[1], #keys, #args, type(KEYS)} end)\nredis.register_function('set', function() x = 1 end)");
    const names = (await r.call('FCALL', 'g', 0)) as string[];
    assert.ok(names.includes('call') && names.includes('setresp') && names.includes('REDIS_VERSION'));
    assert.ok(!names.includes('breakpoint') && !names.includes('register_function'));
    assertError(await r.call('FCALL', 'k', 1, 'k1', 'a1'), "*Script attempted to access nonexistent global variable 'KEYS'*");
    assertError(await r.call('FCALL', 'set', 0), '*Attempt to modify a readonly table*');
  });
});

describe('FUNCTION LIST, flags and metadata', () => {
  test('FUNCTION - test function list with code', async () => {
    await r.call('FUNCTION', 'FLUSH');
    const code = "#!lua name=library1\nredis.register_function('f6', function(keys, args) return 7 end)";
    await r.call('FUNCTION', 'LOAD', code);
    assert.deepEqual(await r.call('FUNCTION', 'LIST', 'WITHCODE'), [['library_name', 'library1', 'engine', 'LUA', 'functions', [['name', 'f6', 'description', null, 'flags', []]], 'library_code', code]]);
  });

  test('FUNCTION - test function list with pattern', async () => {
    await r.call('FUNCTION', 'LOAD', "#!lua name=lib1\nredis.register_function('f7', function(keys, args) return 7 end)");
    assert.deepEqual(await r.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'library*'), [['library_name', 'library1', 'engine', 'LUA', 'functions', [['name', 'f6', 'description', null, 'flags', []]]]]);
    assert.equal(((await r.call('FUNCTION', 'LIST', 'libraryname', 'LIB1')) as Reply[]).length, 1);
  });

  test('FUNCTION - test function list wrong argument', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'LIST', 'bad_argument')), 'ERR Unknown argument bad_argument');
  });

  test('FUNCTION - test function list with bad argument to library name', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'LIST', 'libraryname')), 'ERR library name argument was not given');
  });

  test('FUNCTION - test function list withcode multiple times', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'LIST', 'withcode', 'withcode')), 'ERR Unknown argument withcode');
  });

  test('FUNCTION - test function list libraryname multiple times', async () => {
    assert.equal(errText(await r.call('FUNCTION', 'LIST', 'withcode', 'libraryname', 'foo', 'libraryname', 'foo')), 'ERR Unknown argument libraryname');
  });

  test('FUNCTION - test function list with CRLF injection attempt', async () => {
    await r.call('FUNCTION', 'FLUSH');
    assert.equal(errText(await r.call('FUNCTION', 'LIST', 'X\r\n+INJECTED')), 'ERR Unknown argument X  +INJECTED');
    assert.deepEqual(await r.call('PING'), { status: 'PONG' });
  });

  test('FUNCTION LIST in RESP3: maps, a set of flags, null descriptions', async () => {
    const c = await srv.client();
    await c.call('HELLO', 3);
    await c.call('FUNCTION', 'LOAD', "#!lua name=r3\nredis.register_function{function_name='f', callback=function() return 1 end, flags={'allow-stale', 'NO-WRITES', 'allow-cross-slot-keys', 'no-cluster', 'allow-oom'}}");
    const list = (await c.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'r3')) as Reply[];
    const lib = list[0] as Map<string, Reply>;
    assert.equal(lib.get('library_name'), 'r3');
    const f = (lib.get('functions') as Reply[])[0] as Map<string, Reply>;
    assert.equal(f.get('description'), null);
    // Redis's flag order, whatever the order they were given in.
    assert.deepEqual(f.get('flags'), [{ status: 'no-writes' }, { status: 'allow-oom' }, { status: 'allow-stale' }, { status: 'no-cluster' }, { status: 'allow-cross-slot-keys' }]);
    await c.call('FUNCTION', 'DELETE', 'r3');
  });

  test('FUNCTION - write script on fcall_ro', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=test\nredis.register_function{function_name = 'f1', callback = function() return redis.call('set', 'x', 1) end}");
    assert.equal(errText(await r.call('FCALL_RO', 'f1', 0)), 'ERR Can not execute a script with write flag using *_ro command.');
  });

  test('FUNCTION - write script with no-writes flag', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=test\nredis.register_function{function_name = 'f1', callback = function() return redis.call('set', 'x', 1) end, flags = {'no-writes'}}");
    assert.equal(errText(await r.call('FCALL', 'f1', 0)), 'ERR Write commands are not allowed from read-only scripts. script: f1, on @user_function:2.');
  });

  test('FUNCTION - redis version api', async () => {
    await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=test\nlocal version = redis.REDIS_VERSION_NUM\nredis.register_function{function_name='get_version_v1', callback=function()\n return string.format('%s.%s.%s', bit.band(bit.rshift(version, 16), 0x000000ff), bit.band(bit.rshift(version, 8), 0x000000ff), bit.band(version, 0x000000ff))\nend}\nredis.register_function{function_name='get_version_v2', callback=function() return redis.REDIS_VERSION end}");
    assert.equal(await r.call('FCALL', 'get_version_v1', 0), '7.0.15');
    assert.equal(await r.call('FCALL', 'get_version_v2', 0), '7.0.15');
  });

  test('FUNCTION - function stats', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', "#!lua name=test1\nredis.register_function('f1', function() return 1 end)\nredis.register_function('f2', function() return 1 end)");
    await r.call('FUNCTION', 'LOAD', "#!lua name=test2\nredis.register_function('f3', function() return 1 end)");
    assert.deepEqual(await r.call('FUNCTION', 'STATS'), ['running_script', null, 'engines', ['LUA', ['libraries_count', 2, 'functions_count', 3]]]);
  });

  test('FUNCTION - function stats delete library', async () => {
    await r.call('FUNCTION', 'DELETE', 'test1');
    assert.deepEqual(await r.call('FUNCTION', 'STATS'), ['running_script', null, 'engines', ['LUA', ['libraries_count', 1, 'functions_count', 1]]]);
  });

  test('FUNCTION - test function stats on loading failure', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', "#!lua name=test1\nredis.register_function('f1', function() return 1 end)\nredis.register_function('f2', function() return 1 end)");
    assert.equal(errText(await r.call('FUNCTION', 'LOAD', "#!lua name=test1\nredis.register_function('f3', function() return 1 end)")), "ERR Library 'test1' already exists");
    assert.deepEqual(await r.call('FUNCTION', 'STATS'), ['running_script', null, 'engines', ['LUA', ['libraries_count', 1, 'functions_count', 2]]]);
  });

  test('FUNCTION - function stats cleaned after flush', async () => {
    await r.call('FUNCTION', 'FLUSH');
    assert.deepEqual(await r.call('FUNCTION', 'STATS'), ['running_script', null, 'engines', ['LUA', ['libraries_count', 0, 'functions_count', 0]]]);
  });

  const metadata: [string, string, string][] = [
    ['FUNCTION - function test empty engine', "#! name=test\nredis.register_function('foo', function() return 1 end)", "ERR Engine '' not found"],
    ['FUNCTION - function test unknown metadata value', "#!lua name=test foo=bar\nredis.register_function('foo', function() return 1 end)", 'ERR Invalid metadata value given: foo=bar'],
    ['FUNCTION - function test no name', "#!lua\nredis.register_function('foo', function() return 1 end)", 'ERR Library name was not given'],
    ['FUNCTION - function test multiple names', "#!lua name=foo name=bar\nredis.register_function('foo', function() return 1 end)", 'ERR Invalid metadata value, name argument was given multiple times'],
    ['Library metadata must come first', "redis.register_function('foo', function() return 1 end)", 'ERR Missing library metadata'],
    ['Library metadata must end with a newline', '#!lua name=foo', 'ERR Invalid library metadata'],
  ];
  for (const [title, code, msg] of metadata) {
    test(title, async () => {
      assert.equal(errText(await r.call('FUNCTION', 'LOAD', 'REPLACE', code)), msg);
    });
  }

  test('FUNCTION - function test name with quotes', async () => {
    assert.equal(await r.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=\"foo\"\nredis.register_function('foo', function() return 1 end)"), 'foo');
  });

  test('FUNCTION - trick global protection 1', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', "#!lua name=test1\nredis.register_function('f1', function()\n mt = getmetatable(_G)\n original_globals = mt.__index\n original_globals['redis'] = function() return 1 end\nend)");
    assertError(await r.call('FCALL', 'f1', 0), '*Attempt to modify a readonly table*');
  });

  test('FUNCTION HELP', async () => {
    const help = (await r.call('FUNCTION', 'HELP')) as Reply[];
    assert.deepEqual(help[0], { status: 'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
    assert.ok(help.some((l) => typeof l === 'object' && l !== null && 'status' in l && l.status === 'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]'));
    assert.deepEqual(help[help.length - 2], { status: 'HELP' });
  });

  test('FUNCTION LOAD, DELETE, FLUSH and RESTORE count as changes; INFO reports functions', async () => {
    await r.call('FUNCTION', 'FLUSH');
    await r.call('FUNCTION', 'LOAD', "#!lua name=m1\nredis.register_function('a', function() return 1 end)\nredis.register_function('b', function() return 1 end)");
    const info = String(await r.call('INFO', 'memory'));
    assert.match(info, /\r\nnumber_of_functions:2\r\nnumber_of_libraries:1\r\nused_memory_vm_functions:\d+\r\nused_memory_vm_total:\d+\r\n/);
    const vmFunctions = Number(/used_memory_vm_functions:(\d+)/.exec(info)?.[1]);
    assert.ok(vmFunctions > 0);
    assert.match(info, /\r\nused_memory_functions:\d+\r\nused_memory_scripts:\d+\r\nused_memory_scripts_human:/);
  });
});

describe('Busy functions', () => {
  test('FUNCTION - test function kill', async () => {
    const rd = await srv.client();
    await r.call('FUNCTION', 'FLUSH');
    await r.call('CONFIG', 'SET', 'busy-reply-threshold', 10);
    await r.call('FUNCTION', 'LOAD', 'REPLACE', functionCode('lua', 'test', 'test', 'local a = 1 while true do a = a + 1 end'));
    const pending = rd.call('FCALL', 'test', 0);
    await waitBusy(r);
    assert.equal(errText(await r.call('PING')), 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
    const stats = (await r.call('FUNCTION', 'STATS')) as Reply[];
    const running = stats[1] as Reply[];
    assert.deepEqual(running.slice(0, 5), ['name', 'test', 'command', ['FCALL', 'test', '0'], 'duration_ms']);
    assert.equal(typeof running[5], 'number');
    assert.deepEqual(stats.slice(2), ['engines', ['LUA', ['libraries_count', 1, 'functions_count', 1]]]);
    assert.deepEqual(await r.call('FUNCTION', 'KILL'), OK);
    assert.equal(errText(await pending), 'ERR Script killed by user with SCRIPT KILL... script: test, on @user_function:3.');
    await waitNotBusy(r);
    assert.deepEqual(await r.call('PING'), { status: 'PONG' });
  });

  test('FUNCTION - test script kill not working on function', async () => {
    const rd = await srv.client();
    const pending = rd.call('FCALL', 'test', 0);
    await waitBusy(r);
    assert.equal(errText(await r.call('SCRIPT', 'KILL')), 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
    assert.deepEqual(await r.call('FUNCTION', 'KILL'), OK);
    assertError(await pending, '*killed by user*');
    await waitNotBusy(r);
  });

  test('FUNCTION - test function kill not working on eval', async () => {
    const rd = await srv.client();
    const pending = rd.call('EVAL', 'local a = 1 while true do a = a + 1 end', 0);
    await waitBusy(r);
    assert.equal(errText(await r.call('FUNCTION', 'KILL')), 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    assert.equal(errText(await r.call('FUNCTION', 'STATS')), 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    assert.deepEqual(await r.call('SCRIPT', 'KILL'), OK);
    assertError(await pending, '*killed by user*');
    await waitNotBusy(r);
    await r.call('CONFIG', 'SET', 'busy-reply-threshold', 5000);
  });
});
