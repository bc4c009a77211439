'use strict';
// npm redlock-universal 0.8.5 (COMPAT.md §2.6): SimpleLock over ioredis 5.11.1 and over node-redis
// 5.12.1 (RESP2 and RESP3), RedLock over five ioredis-connected nodes. It sends PING, SET PX NX,
// SCRIPT LOAD + EVALSHA (reload on NOSCRIPT), GET.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const Redis = h.requireClient('ioredis');
const { createClient } = h.requireClient('redis');
const U = h.requireClient('redlock-universal');
h.logVersions(['ioredis', 'redis', 'redlock-universal']);

let nodes = [];
let clients = [];
const nodeRedis = [];

before(async () => {
  nodes = await h.startNodes(5);
  clients = await h.ioredisClients(Redis, nodes);
});
after(async () => {
  h.quitAll(clients);
  for (const c of nodeRedis) { try { c.destroy(); } catch { /* ignore */ } }
  await h.closeAll();
});

async function simpleLockScenario(adapter, probe, key) {
  const lock = U.createLock({ adapter, key, ttl: 2000, retryAttempts: 0 });
  const handle = await lock.acquire();
  assert.equal(await probe.get(key), handle.value);
  assert.equal(await lock.isLocked(key), true);
  const rival = U.createLock({ adapter, key, ttl: 2000, retryAttempts: 0 });
  await assert.rejects(rival.acquire());
  assert.equal(await lock.extend(handle, 20000), true);
  const pttl = await probe.pttl(key);
  assert.ok(pttl > 10000 && pttl <= 20000, `pttl ${pttl}`);
  await probe.script('FLUSH'); // the cached SHA is now unknown: NOSCRIPT -> SCRIPT LOAD -> EVALSHA
  assert.equal(await lock.extend(handle, 5000), true);
  assert.equal(await lock.release(handle), true);
  assert.equal(await probe.get(key), null);
  assert.equal(await lock.release(handle), false);
  assert.equal(await lock.extend(handle, 5000), false);
}

test('SimpleLock over ioredis: acquire, extend, release, SCRIPT FLUSH reload', async () => {
  await simpleLockScenario(new U.IoredisAdapter(clients[0]), clients[0], 'u:io');
});

for (const RESP of [2, 3]) {
  test(`SimpleLock over node-redis RESP${RESP}: acquire, extend, release, SCRIPT FLUSH reload`, async () => {
    const c = createClient({ socket: { host: '127.0.0.1', port: nodes[0].port }, RESP });
    c.on('error', () => {});
    nodeRedis.push(c);
    await c.connect();
    await simpleLockScenario(new U.NodeRedisAdapter(c), clients[0], `u:nr${RESP}`);
  });
}

test('SimpleLock using(): automatic extension keeps a short lock alive', async () => {
  // 2 s TTL held for 4 s: only automatic extension keeps it; not shorter, so a loaded machine
  // that runs the extension late does not lose the lock.
  const lock = U.createLock({ adapter: new U.IoredisAdapter(clients[0]), key: 'u:using', ttl: 2000 });
  const out = await lock.using(async (signal) => {
    for (let i = 0; i < 5; i++) {
      await h.sleep(800);
      assert.equal(signal.aborted, false);
      assert.ok((await clients[0].pttl('u:using')) > 0, 'lock key expired during using()');
    }
    return 42;
  });
  assert.equal(out, 42);
  assert.equal(await clients[0].get('u:using'), null);
});

test('SimpleLock: 10 contending workers never overlap and lose no update', async () => {
  const adapter = new U.IoredisAdapter(clients[1]);
  const log = await h.contend({
    workers: 10, rounds: 3, resource: 'u:contended',
    withLock: async (who, critical) => {
      const lock = U.createLock({ adapter, key: 'u:contended', ttl: 10000, retryAttempts: 2000,
                                  retryDelay: 10 });
      const handle = await lock.acquire();
      try { await critical(); } finally { await lock.release(handle); }
    },
  });
  assert.equal(log.holds.length, log.expected);
  assert.deepEqual(h.overlaps(log.holds), []);
  assert.equal(log.counter, log.expected);
});

test('RedLock on five nodes: acquire/extend/release; quorum with 2 killed, none with 3', async () => {
  const adapters = clients.map((c) => new U.IoredisAdapter(c));
  const mk = (key) => U.createRedlock({ adapters, key, ttl: 5000, retryAttempts: 0, retryDelay: 20 });
  const lock = mk('u:rl');
  const handle = await lock.acquire();
  for (const c of clients) assert.equal(await c.get('u:rl'), handle.value);
  await assert.rejects(mk('u:rl').acquire());
  assert.equal(await lock.extend(handle, 20000), true);
  for (const c of clients) assert.ok((await c.pttl('u:rl')) > 10000);
  assert.equal(await lock.release(handle), true);
  for (const c of clients) assert.equal(await c.get('u:rl'), null);

  await nodes[3].kill('SIGKILL');
  await nodes[4].kill('SIGKILL');
  await h.sleep(100);
  const l2 = mk('u:rl2');
  const h2 = await l2.acquire();
  await assert.rejects(mk('u:rl2').acquire());
  assert.equal(await l2.extend(h2, 10000), true);
  assert.equal(await l2.release(h2), true);

  await nodes[2].kill('SIGKILL');
  await h.sleep(100);
  await assert.rejects(mk('u:rl3').acquire());
});
