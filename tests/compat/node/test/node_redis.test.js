'use strict';
// npm redis (node-redis) 5.12.1 against locknode in RESP2 (default handshake: CLIENT SETINFO x2)
// and RESP3 (HELLO 3 [AUTH] [SETNAME], fatal on error) (COMPAT.md §1.5): the commands a lock
// needs, scripts with the NOSCRIPT error, reply types, a password and a client name.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const h = require('../lib/harness');

const { createClient, ErrorReply } = h.requireClient('redis');
h.logVersions(['redis', '@redis/client']);

let node;
let authNode;
const open = [];

before(async () => {
  node = await h.startNode();
  authNode = await h.startNode(['--requirepass', 'pw1']);
});
after(async () => {
  for (const c of open) { try { c.destroy(); } catch { /* ignore */ } }
  await h.closeAll();
});

async function connect(opts) {
  const c = createClient({ socket: { host: '127.0.0.1', port: node.port, reconnectStrategy: false },
                           ...opts });
  c.on('error', () => {});
  open.push(c);
  await c.connect();
  return c;
}

const RELEASE = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end';

for (const RESP of [2, 3]) {
  test(`RESP${RESP}: lock commands and reply types`, async () => {
    const c = await connect(RESP === 3 ? { RESP: 3 } : {});
    const k = `nr${RESP}:lock`;
    assert.equal(await c.ping(), 'PONG');
    assert.equal(await c.set(k, 'tok', { expiration: { type: 'PX', value: 5000 }, condition: 'NX' }), 'OK');
    assert.equal(await c.set(k, 'tok2', { expiration: { type: 'PX', value: 5000 }, condition: 'NX' }), null);
    assert.equal(await c.set(`${k}:ex`, 'v', { EX: 10, NX: true }), 'OK');
    assert.equal(await c.get(k), 'tok');
    const pttl = await c.pTTL(k);
    assert.ok(pttl > 0 && pttl <= 5000, `pttl ${pttl}`);
    assert.equal(await c.pExpire(k, 20000), 1);
    assert.ok((await c.ttl(k)) > 10);
    assert.equal(await c.exists([k, k, 'missing']), 2);
    assert.equal(await c.persist(k), 1);
    assert.equal(await c.pTTL(k), -1);
    assert.equal(await c.get('missing'), null);
    assert.equal(await c.pTTL('missing'), -2);
    assert.equal(await c.del([k, `${k}:ex`, 'missing']), 2);
    assert.equal(await c.echo('hi'), 'hi');
    const info = await c.info();
    assert.equal(typeof info, 'string');
    assert.match(info, /redis_version:/);
  });

  test(`RESP${RESP}: EVAL, SCRIPT LOAD/EXISTS/FLUSH, EVALSHA and NOSCRIPT`, async () => {
    const c = await connect(RESP === 3 ? { RESP: 3 } : {});
    const k = `nr${RESP}:script`;
    const sha = crypto.createHash('sha1').update(RELEASE).digest('hex');
    await c.set(k, 'me');
    assert.equal(await c.eval(RELEASE, { keys: [k], arguments: ['other'] }), 0);
    assert.equal(await c.evalSha(sha, { keys: [k], arguments: ['me'] }), 1); // EVAL cached it
    assert.equal(await c.get(k), null);
    assert.equal(await c.scriptFlush(), 'OK');
    assert.deepEqual(await c.scriptExists(sha), [0]);
    await assert.rejects(c.evalSha(sha, { keys: [k], arguments: ['me'] }), (e) => {
      assert.ok(e instanceof ErrorReply, String(e));
      assert.equal(e.message, 'NOSCRIPT No matching script. Please use EVAL.');
      return true;
    });
    assert.equal(await c.scriptLoad(RELEASE), sha);
    assert.deepEqual(await c.scriptExists([sha, '0'.repeat(40)]), [1, 0]);
    // Lua -> RESP conversions as a client decodes them.
    assert.deepEqual(await c.eval("return {1, 'two', {3}, false}", { keys: [] }), [1, 'two', [3], null]);
    assert.equal(await c.eval('return redis.status_reply("FINE")'), 'FINE');
    assert.equal(await c.eval('return 3.99'), 3);
    assert.equal(await c.eval('return nil'), null);
    await assert.rejects(c.eval('return redis.error_reply("boom")'), /boom/);
    await assert.rejects(c.eval('return redis.call("nosuchcmd")'), ErrorReply);
    assert.equal(await c.ping(), 'PONG'); // still in sync after errors
  });

  test(`RESP${RESP}: password and client name in the handshake`, async () => {
    const base = { socket: { host: '127.0.0.1', port: authNode.port, reconnectStrategy: false } };
    if (RESP === 3) base.RESP = 3;
    const c = createClient({ ...base, password: 'pw1', name: `compat-${RESP}` });
    c.on('error', () => {});
    open.push(c);
    await c.connect();
    assert.equal(await c.clientGetName(), `compat-${RESP}`);
    assert.equal(await c.set('authed', '1'), 'OK');
    const bad = createClient({ ...base, password: 'wrong' });
    bad.on('error', () => {});
    open.push(bad);
    await assert.rejects(bad.connect(), /WRONGPASS/);
  });
}

test('RESP3: HELLO reply as node-redis decodes it', async () => {
  const c = await connect({ RESP: 3 });
  const hello = await c.hello();
  assert.equal(hello.proto, 3);
  assert.equal(typeof hello.id, 'number');
  assert.equal(hello.server, 'redis');
  assert.equal(hello.role, 'master');
});
