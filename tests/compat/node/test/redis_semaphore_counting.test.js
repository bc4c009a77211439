'use strict';
// npm redis-semaphore 5.8.0 Semaphore and MultiSemaphore over ioredis 5.11.1: the counting
// semaphores keep their holders in a sorted set (ZREMRANGEBYSCORE, ZCARD, ZADD, PEXPIRE in the
// acquire script, ZSCORE in refresh, ZREM on release). Up to the limit acquire at once, the next
// one waits (polling mode: retries every retryInterval) and gets in when a holder releases.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const Redis = h.requireClient('ioredis');
const { Semaphore, MultiSemaphore } = h.requireClient('redis-semaphore');
h.logVersions(['ioredis', 'redis-semaphore']);

let nodes = [];
let clients = [];

before(async () => {
  nodes = await h.startNodes(1);
  clients = await h.ioredisClients(Redis, nodes);
});
after(async () => {
  h.quitAll(clients);
  await h.closeAll();
});

test('Semaphore: limit holders at once, the next waits until a release', async () => {
  const [c] = clients;
  const opts = { lockTimeout: 5000, acquireTimeout: 3000, retryInterval: 20, refreshInterval: 0 };
  const holders = [];
  for (let i = 0; i < 3; i++) {
    const s = new Semaphore(c, 'pool', 3, opts);
    await s.acquire();
    holders.push(s);
  }
  assert.equal(await c.zcard('semaphore:pool'), 3);
  assert.equal(await c.type('semaphore:pool'), 'zset');
  const pttl = await c.pttl('semaphore:pool');
  assert.ok(pttl > 0 && pttl <= 5000, `pttl ${pttl}`);
  // The identifiers are the members.
  const members = await c.zrange('semaphore:pool', 0, -1);
  assert.deepEqual(members.slice().sort(), holders.map((s) => s.identifier).sort());

  const extra = new Semaphore(c, 'pool', 3, { ...opts, acquireAttemptsLimit: 1 });
  assert.equal(await extra.tryAcquire(), false);

  const waiter = new Semaphore(c, 'pool', 3, opts);
  let got = false;
  const waiting = waiter.acquire().then(() => { got = true; });
  await h.sleep(200);
  assert.equal(got, false, 'the fourth holder got in while the semaphore was full');
  await holders[0].release();
  await waiting;
  assert.equal(got, true);
  assert.equal(await c.zscore('semaphore:pool', holders[0].identifier), null);
  assert.notEqual(await c.zscore('semaphore:pool', waiter.identifier), null);
  for (const s of [holders[1], holders[2], waiter]) await s.release();
  assert.equal(await c.exists('semaphore:pool'), 0);
});

test('Semaphore: refresh keeps a holder, an expired holder frees its slot', async () => {
  const [c] = clients;
  // Refreshed every 100 ms for 3x lockTimeout (wide margins: CI machines are shared).
  const kept = new Semaphore(c, 'refresh', 1, { lockTimeout: 1000, refreshInterval: 100 });
  await kept.acquire();
  await h.sleep(3000);
  assert.equal(kept.isAcquired, true);
  assert.notEqual(await c.zscore('semaphore:refresh', kept.identifier), null);
  await kept.release();

  // A holder that stops refreshing: its score ages past lockTimeout and the next acquire
  // removes it (ZREMRANGEBYSCORE -inf now-lockTimeout).
  const stale = new Semaphore(c, 'stale', 1, { lockTimeout: 300, refreshInterval: 0 });
  await stale.acquire();
  const next = new Semaphore(c, 'stale', 1, { lockTimeout: 300, acquireTimeout: 2000,
                                            retryInterval: 20, refreshInterval: 0 });
  const started = Date.now();
  await next.acquire();
  assert.ok(Date.now() - started >= 200, 'acquired before the stale holder aged out');
  assert.equal(await c.zscore('semaphore:stale', stale.identifier), null);
  await next.release();
});

test('MultiSemaphore: permits are counted, a big request waits for enough', async () => {
  const [c] = clients;
  const opts = { lockTimeout: 5000, acquireTimeout: 3000, retryInterval: 20, refreshInterval: 0 };
  const a = new MultiSemaphore(c, 'multi', 5, 3, opts);
  await a.acquire();
  assert.equal(await c.zcard('semaphore:multi'), 3);
  const b = new MultiSemaphore(c, 'multi', 5, 2, opts);
  await b.acquire();
  const big = new MultiSemaphore(c, 'multi', 5, 3, opts);
  let got = false;
  const waiting = big.acquire().then(() => { got = true; });
  await h.sleep(200);
  assert.equal(got, false, 'three permits granted while only zero were free');
  await b.release();
  await h.sleep(150);
  assert.equal(got, false, 'three permits granted while only two were free');
  await a.release();
  await waiting;
  assert.equal(await c.zcard('semaphore:multi'), 3);
  await big.release();
  assert.equal(await c.exists('semaphore:multi'), 0);
});

test('Semaphore: 20 workers over limit 4 never exceed it', async () => {
  const workers = [];
  for (let w = 0; w < 20; w++) {
    const [c] = await h.ioredisClients(Redis, [nodes[0]]);
    workers.push(c);
  }
  let inside = 0;
  let most = 0;
  await Promise.all(workers.map(async (c) => {
    for (let round = 0; round < 3; round++) {
      const s = new Semaphore(c, 'crowd', 4, { lockTimeout: 10000, acquireTimeout: 30000,
                                              retryInterval: 5, refreshInterval: 0 });
      await s.acquire();
      inside += 1;
      most = Math.max(most, inside);
      assert.ok(await clients[0].zcard('semaphore:crowd') <= 4);
      await h.sleep(5);
      inside -= 1;
      await s.release();
    }
  }));
  h.quitAll(workers);
  assert.ok(most <= 4, `${most} holders at once`);
  assert.ok(most >= 2, `never more than ${most} holder at once: no concurrency was tested`);
});
