'use strict';
// npm redis-semaphore 5.8.0 Mutex and RedlockMutex over ioredis 5.11.1 (COMPAT.md §2.5):
// SET mutex:<key> <id> PX <ms> NX, refresh/release scripts via EVALSHA -> EVAL on NOSCRIPT.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const Redis = h.requireClient('ioredis');
const { Mutex, RedlockMutex } = h.requireClient('redis-semaphore');
h.logVersions(['ioredis', 'redis-semaphore']);

let nodes = [];
let clients = [];
const extra = [];

before(async () => {
  nodes = await h.startNodes(3);
  clients = await h.ioredisClients(Redis, nodes);
});
after(async () => {
  h.quitAll(clients);
  for (const set of extra) h.quitAll(set);
  await h.closeAll();
});

test('Mutex: acquire, refresh, release, tryAcquire refused while held', async () => {
  const [c] = clients;
  const m = new Mutex(c, 'basic', { lockTimeout: 1000, refreshInterval: 200, acquireTimeout: 2000 });
  await m.acquire();
  assert.equal(m.isAcquired, true);
  assert.equal(await c.get('mutex:basic'), m.identifier);
  const other = new Mutex(c, 'basic', { lockTimeout: 1000, acquireAttemptsLimit: 1 });
  assert.equal(await other.tryAcquire(), false);
  // Held for 3x lockTimeout: only the refresh script (every 200 ms) keeps it alive.
  await h.sleep(2500);
  assert.equal(m.isAcquired, true);
  assert.equal(await c.get('mutex:basic'), m.identifier);
  const pttl = await c.pttl('mutex:basic');
  assert.ok(pttl > 0 && pttl <= 1000, `pttl ${pttl}`);
  await m.release();
  assert.equal(await c.get('mutex:basic'), null);
  assert.equal(await other.tryAcquire(), true);
  await other.release();
});

test('Mutex: scripts survive SCRIPT FLUSH (EVALSHA -> NOSCRIPT -> EVAL)', async () => {
  const [c] = clients;
  const m = new Mutex(c, 'flush', { lockTimeout: 600, refreshInterval: 100 });
  await m.acquire();
  await c.script('FLUSH');
  await h.sleep(400);
  await c.script('FLUSH');
  await h.sleep(400);
  assert.equal(m.isAcquired, true);
  assert.equal(await c.get('mutex:flush'), m.identifier);
  await c.script('FLUSH');
  await m.release();
  assert.equal(await c.get('mutex:flush'), null);
});

test('Mutex: 10 contending workers never overlap and lose no update', async () => {
  const own = [];
  for (let w = 0; w < 10; w++) {
    const [c] = await h.ioredisClients(Redis, [nodes[0]]);
    extra.push([c]);
    own.push(c);
  }
  const log = await h.contend({
    workers: 10, rounds: 3, resource: 'contended',
    withLock: async (who, critical) => {
      const m = new Mutex(own[who], 'contended', { lockTimeout: 10000, acquireTimeout: 30000,
                                                  retryInterval: 5 });
      await m.acquire();
      try { await critical(); } finally { await m.release(); }
    },
  });
  assert.equal(log.holds.length, log.expected);
  assert.deepEqual(h.overlaps(log.holds), []);
  assert.equal(log.counter, log.expected);
});

test('RedlockMutex on three nodes: acquire, refresh, release; survives one killed node', async () => {
  const m = new RedlockMutex(clients, 'rl', { lockTimeout: 1000, refreshInterval: 200,
                                             acquireTimeout: 3000 });
  await m.acquire();
  for (const c of clients) assert.equal(await c.get('mutex:rl'), m.identifier);
  await h.sleep(1500);
  assert.equal(m.isAcquired, true);
  await m.release();
  for (const c of clients) assert.equal(await c.get('mutex:rl'), null);

  await nodes[2].kill('SIGKILL');
  const m2 = new RedlockMutex(clients, 'rl2', { lockTimeout: 2000, acquireTimeout: 3000 });
  await m2.acquire();
  const rival = new RedlockMutex(clients, 'rl2', { lockTimeout: 2000, acquireAttemptsLimit: 1 });
  assert.equal(await rival.tryAcquire(), false);
  await m2.release();
});
