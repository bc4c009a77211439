'use strict';
// Waiting for a lock without polling, with real clients (issue 17): simple-redis-mutex 3.0.0
// (node-redis 5: SUBSCRIBE on a duplicated connection, a release script that PUBLISHes, INCR for
// fencing tokens), Spring Integration's pub/sub lock registry emulated (PSUBSCRIBE + PUBLISH
// from the release script), and a waiter woken by a keyspace notification when the lock expires
// untouched. RESP2 and RESP3 (node-redis's RESP3 subscriptions are push messages).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const { createClient } = h.requireClient('redis');
const mutex = h.requireClient('simple-redis-mutex');
h.logVersions(['redis', 'simple-redis-mutex']);

let node;
const open = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  node = await h.startNode();
});
after(async () => {
  // Gracefully, and before the server goes: simple-redis-mutex unsubscribes its own duplicated
  // connection when the client ends, and that must not race the server's exit.
  for (const c of open) { try { await c.close(); } catch { /* ignore */ } }
  await sleep(300);
  await h.closeAll();
});

async function connect(opts = {}) {
  const c = createClient({ socket: { host: '127.0.0.1', port: node.port, reconnectStrategy: false },
                           ...opts });
  c.on('error', () => {});
  open.push(c);
  await c.connect();
  return c;
}

// simple-redis-mutex takes a fencing token with INCR on every acquire.

test('simple-redis-mutex: a waiter is woken by the release PUBLISH, not by polling', async () => {
  const c = await connect();
  // failAfter: a failing INCR would leave the library's acquire unsettled (its polling timer
  // would keep the process alive); the first lock is free and immediate.
  const release = await mutex.lock(c, 'res1', { timeout: 30000, pollingInterval: 600000,
                                                failAfter: 3000 });
  const t0 = Date.now();
  let acquiredAt = 0;
  const waiting = mutex.lock(c, 'res1', { timeout: 30000, pollingInterval: 600000,
                                          failAfter: 10000 })
    .then((r) => { acquiredAt = Date.now(); return r; });
  await sleep(200);
  assert.equal(acquiredAt, 0, 'the waiter must not get a held lock');
  await release();
  const release2 = await waiting;
  // Polling is every 10 minutes: only the PUBLISH from the release script can have woken it.
  assert.ok(acquiredAt - t0 < 5000, `woken after ${acquiredAt - t0} ms`);
  assert.ok(release2.fencingToken > release.fencingToken, 'fencing tokens go up');
  await release2();
  assert.equal(await c.get('@simple-redis-mutex:lock-res1'), null);
});

test('simple-redis-mutex: tryLock', async () => {
  const c = await connect();
  const [ok, release] = await mutex.tryLock(c, 'res2', { timeout: 5000 });
  assert.equal(ok, true);
  const [again] = await mutex.tryLock(c, 'res2', { timeout: 5000 });
  assert.equal(again, false);
  await release();
  const [after] = await mutex.tryLock(c, 'res2', { timeout: 5000 });
  assert.equal(after, true);
});

// Spring Integration's RedisLockRegistry in SUBSCRIBE_LOCK mode: waiters PSUBSCRIBE to the
// registry's channel pattern; the unlock script deletes the key and PUBLISHes its name.
const SPRING_UNLOCK = `
if (redis.call('GET', KEYS[1]) == ARGV[1]) then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], KEYS[1])
  return true
end
return false`;

for (const RESP of [2, 3]) {
  test(`RESP${RESP}: Spring-style pub/sub waiting (PSUBSCRIBE + PUBLISH from the unlock script)`,
       async () => {
    const holder = await connect();
    const waiter = await connect(RESP === 3 ? { RESP: 3 } : {});
    const key = `registry:lock-${RESP}`;
    assert.equal(await holder.set(key, 'holder-uuid', { NX: true, PX: 30000 }), 'OK');
    const woken = new Promise((resolve) => {
      waiter.pSubscribe('registry-unlock*', (message, channel) => resolve({ message, channel }));
    });
    await sleep(100);  // the subscription is in place (SUBSCRIBE was answered)
    assert.equal(await holder.set(key, 'waiter-uuid', { NX: true, PX: 30000 }), null);
    const unlocked = await holder.eval(SPRING_UNLOCK,
                                       { keys: [key], arguments: ['holder-uuid', 'registry-unlock'] });
    assert.equal(unlocked, 1);  // Lua true -> integer 1
    const got = await woken;
    assert.deepEqual(got, { message: key, channel: 'registry-unlock' });
    assert.equal(await holder.set(key, 'waiter-uuid', { NX: true, PX: 30000 }), 'OK');
  });

  test(`RESP${RESP}: a waiter is woken by the expired keyspace notification`, async () => {
    const admin = await connect();
    const waiter = await connect(RESP === 3 ? { RESP: 3 } : {});
    assert.equal(await admin.configSet('notify-keyspace-events', 'Ex'), 'OK');
    const key = `expiring-lock-${RESP}`;
    const expired = new Promise((resolve) => {
      waiter.subscribe('__keyevent@0__:expired', (message) => { if (message === key) resolve(Date.now()); });
    });
    await sleep(100);
    const t0 = Date.now();
    assert.equal(await admin.set(key, 'crashed-holder', { NX: true, PX: 300 }), 'OK');
    // Nobody reads the key: the server's expiry timer removes it and notifies.
    const at = await expired;
    assert.ok(at - t0 >= 250 && at - t0 < 3000, `notified after ${at - t0} ms`);
    assert.equal(await admin.set(key, 'waiter', { NX: true, PX: 30000 }), 'OK');
    assert.equal(await admin.configSet('notify-keyspace-events', ''), 'OK');
  });
}
