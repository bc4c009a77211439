'use strict';
// Transactions of the two npm clients against locknode: ioredis 5 multi()/exec() (MULTI ... EXEC
// in one write, replies through its queue), watch() + multi() with a competing writer (null
// EXEC -> result null), EXECABORT after a queuing error; node-redis 5 multi().exec() in RESP2 and
// RESP3, executeIsolated-free WATCH via a dedicated client, WatchError and MultiErrorReply.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const Redis = h.requireClient('ioredis');
const { createClient, WatchError } = h.requireClient('redis');
h.logVersions(['ioredis', 'redis', '@redis/client']);

let node;
const open = [];

before(async () => { node = await h.startNode(); });
after(async () => {
  for (const c of open) { try { c.disconnect ? c.disconnect() : c.destroy(); } catch { /* ignore */ } }
  await h.closeAll();
});

async function ioredis() {
  const [c] = await h.ioredisClients(Redis, [node]);
  open.push(c);
  return c;
}

test('ioredis: multi().exec() runs the queue atomically', async () => {
  const c = await ioredis();
  await c.set('io:b', 'x');
  const res = await c.multi().set('io:a', '1', 'PX', 30000).get('io:a').del('io:b').pttl('io:a').exec();
  assert.deepEqual(res.slice(0, 3), [[null, 'OK'], [null, '1'], [null, 1]]);
  assert.ok(res[3][1] > 0 && res[3][1] <= 30000);
  assert.equal(await c.exists('io:b'), 0);
});

test('ioredis: watch + multi, unchanged and changed', async () => {
  const c = await ioredis();
  const other = await ioredis();
  await c.set('io:lock', 'tok', 'PX', 30000);
  await c.watch('io:lock');
  assert.equal(await c.get('io:lock'), 'tok');
  assert.deepEqual(await c.multi().del('io:lock').exec(), [[null, 1]]);
  await c.set('io:lock', 'tok', 'PX', 30000);
  await c.watch('io:lock');
  await other.set('io:lock', 'thief', 'PX', 30000);
  assert.equal(await c.multi().del('io:lock').exec(), null);  // EXEC answered *-1
  assert.equal(await c.get('io:lock'), 'thief');
});

test('ioredis: a queuing error aborts with EXECABORT', async () => {
  const c = await ioredis();
  await assert.rejects(c.multi().set('io:e', '1').call('NOSUCHCMD').exec(), /EXECABORT/);
  assert.equal(await c.exists('io:e'), 0);
  const res = await c.multi().set('io:e', 'v').pexpire('io:e', 'abc').get('io:e').exec();
  assert.equal(res[0][1], 'OK');
  assert.match(String(res[1][0]), /not an integer/);
  assert.equal(res[2][1], 'v');
});

for (const RESP of [2, 3]) {
  test(`node-redis RESP${RESP}: multi().exec(), WATCH and WatchError`, async () => {
    const opts = { socket: { host: '127.0.0.1', port: node.port, reconnectStrategy: false } };
    if (RESP === 3) opts.RESP = 3;
    const c = createClient(opts);
    const other = createClient(opts);
    for (const x of [c, other]) { x.on('error', () => {}); open.push(x); await x.connect(); }
    const k = `nr${RESP}:tx`;
    const res = await c.multi().set(k, 'v', { PX: 30000 }).get(k).del(`${k}:none`).exec();
    assert.deepEqual(res, ['OK', 'v', 0]);
    await c.watch(k);
    assert.equal(await c.get(k), 'v');
    assert.deepEqual(await c.multi().del(k).exec(), [1]);
    await c.set(k, 'v');
    await c.watch(k);
    await other.set(k, 'w');
    await assert.rejects(c.multi().del(k).exec(), (e) => e instanceof WatchError);
    assert.equal(await c.get(k), 'w');
    // node-redis reads EXECABORT and rejects with the queuing error that caused it.
    await assert.rejects(c.multi().set(k, 'z').addCommand(['NOSUCHCMD']).exec(), /unknown command/);
    assert.equal(await c.get(k), 'w');
  });
}
