'use strict';
// The Redlock scenarios shared by redlock 5.0.0-beta.2, redlock 4.2.0 and @sesamecare-oss/redlock,
// each over ioredis against FIVE locknode nodes (COMPAT.md §2.2–2.4):
//   acquire / extend / release (checked on every node), a held resource is refused,
//   `using` auto-extension (v5 and sesame), 10 contending workers (no overlapping holds, no lost
//   update), quorum holds with 2 of 5 nodes SIGKILLed and fails with 3.
//
// An adapter hides the API differences:
//   make(clients, settings) -> locker      settings: {retryCount, retryDelay, retryJitter}
//   locker.acquire(resource, ttl) -> handle (rejects when it cannot reach a quorum)
//   locker.extend(handle, ttl) -> handle;  locker.release(handle);  handle.value
//   locker.using(resource, ttl, threshold, routine(signal)) (optional)
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const Redis = h.requireClient('ioredis');

function redlockSuite(name, adapter) {
  let nodes = [];
  let clients = [];   // one per node, shared by the lockers of the single-holder tests
  let probes = [];    // separate connections used only to inspect keys
  const lockers = []; // extra client sets, disconnected at the end

  const patient = { retryCount: 0, retryDelay: 50, retryJitter: 20 };

  before(async () => {
    nodes = await h.startNodes(5);
    clients = await h.ioredisClients(Redis, nodes);
    probes = await h.ioredisClients(Redis, nodes);
  });

  after(async () => {
    h.quitAll(clients);
    h.quitAll(probes);
    for (const set of lockers) h.quitAll(set);
    await h.closeAll();
  });

  // [value, pttl] of `key` on every live node. redlock v5 and sesame resolve as soon as a
  // quorum has voted, so the last nodes may still be working: poll (up to 3 s) until `ok` holds
  // for every node, then return what was seen (the caller's asserts report a real mismatch).
  async function onEveryNode(key, only = probes, ok = null) {
    const read = () => Promise.all(only.map(async (p) => [await p.get(key), await p.pttl(key)]));
    let seen = await read();
    const deadline = Date.now() + 3000;
    while (ok && !seen.every(ok) && Date.now() < deadline) {
      await h.sleep(20);
      seen = await read();
    }
    return seen;
  }
  const holds = (value) => ([v]) => v === value;
  const gone = ([v]) => v === null;

  test(`${name}: acquire, extend and release on all five nodes`, async () => {
    const locker = adapter.make(clients, patient);
    const resource = `${name}:basic`;
    const lock = await locker.acquire(resource, 5000);
    for (const [value, pttl] of await onEveryNode(resource, probes, holds(lock.value))) {
      assert.equal(value, lock.value);
      assert.ok(pttl > 0 && pttl <= 5000, `pttl ${pttl}`);
    }

    // Held: a second acquisition (no retries) is refused and leaves the keys alone.
    await assert.rejects(locker.acquire(resource, 5000));
    for (const [value] of await onEveryNode(resource)) assert.equal(value, lock.value);

    const extended = await locker.extend(lock, 30000);
    const extendedEverywhere = ([v, pttl]) => v === lock.value && pttl > 20000;
    for (const [value, pttl] of await onEveryNode(resource, probes, extendedEverywhere)) {
      assert.equal(value, lock.value);
      assert.ok(pttl > 20000 && pttl <= 30000, `pttl after extend ${pttl}`);
    }

    await locker.release(extended);
    for (const [value, pttl] of await onEveryNode(resource, probes, gone)) {
      assert.equal(value, null);
      assert.equal(pttl, -2);
    }
    const again = await locker.acquire(resource, 5000);
    await locker.release(again);
  });

  test(`${name}: an expired lock can be taken by another holder and not released by the first`, async () => {
    const locker = adapter.make(clients, patient);
    const resource = `${name}:expiry`;
    // 1 s, not less: Redlock counts an acquisition only if it took less than ttl - drift, and a
    // loaded CI machine can spend a few hundred ms on one.
    const first = await locker.acquire(resource, 1000);
    await h.sleep(1500);
    const second = await locker.acquire(resource, 10000);
    assert.notEqual(first.value, second.value);
    // The first holder's release compares values: it must not delete the second holder's keys.
    for (const [value] of await onEveryNode(resource, probes, holds(second.value))) {
      assert.equal(value, second.value);
    }
    await locker.release(first).catch(() => {});
    await h.sleep(100); // let every node process the stale release
    for (const [value] of await onEveryNode(resource)) assert.equal(value, second.value);
    await assert.rejects(locker.extend(first, 10000));
    await locker.release(second);
  });

  if (adapter.using) {
    test(`${name}: using() extends the lock automatically and releases it`, async () => {
      const locker = adapter.make(clients, patient);
      const resource = `${name}:using`;
      let sawValue = null;
      // Duration 2 s, extended when 1.5 s are left: wide margins, so a loaded machine that runs
      // the extension late does not lose the lock (a failure once seen with 1 s / 0.5 s).
      const result = await adapter.using(locker, resource, 2000, 1500, async (signal) => {
        // Runs for 2.5 durations: only automatic extension keeps the lock alive.
        for (let i = 0; i < 5; i++) {
          await h.sleep(1000);
          assert.equal(signal.aborted, false, `lock lost: ${signal.error}`);
          const seen = await onEveryNode(resource);
          for (const [value, pttl] of seen) {
            assert.ok(value !== null && pttl > 0, `key gone during using(): ${JSON.stringify(seen)}`);
          }
          sawValue = seen[0][0];
        }
        return 'done';
      });
      assert.equal(result, 'done');
      assert.ok(sawValue);
      for (const [value] of await onEveryNode(resource, probes, gone)) assert.equal(value, null);
    });
  }

  test(`${name}: 10 contending workers never overlap and lose no update`, async () => {
    const workerLockers = [];
    for (let w = 0; w < 10; w++) {
      const own = await h.ioredisClients(Redis, nodes);
      lockers.push(own);
      workerLockers.push(adapter.make(own, { retryCount: 2000, retryDelay: 15, retryJitter: 10 }));
    }
    const resource = `${name}:contended`;
    const log = await h.contend({
      workers: 10, rounds: 3, resource,
      withLock: async (who, critical) => {
        const lock = await workerLockers[who].acquire(resource, 10000);
        try {
          await critical();
        } finally {
          await workerLockers[who].release(lock);
        }
      },
    });
    assert.equal(log.holds.length, log.expected);
    assert.deepEqual(h.overlaps(log.holds), [], 'overlapping holds');
    assert.equal(log.counter, log.expected, 'lost update');
  });

  test(`${name}: quorum holds with 2 of 5 nodes killed and fails with 3`, async () => {
    const locker = adapter.make(clients, patient);
    const resource = `${name}:quorum`;
    await nodes[3].kill('SIGKILL');
    await nodes[4].kill('SIGKILL');
    await h.sleep(100);

    const lock = await locker.acquire(resource, 5000);
    const live = probes.slice(0, 3);
    for (const [value] of await onEveryNode(resource, live, holds(lock.value))) {
      assert.equal(value, lock.value);
    }
    await assert.rejects(locker.acquire(resource, 5000), 'a held lock must still be refused');
    const extended = await locker.extend(lock, 20000);
    for (const [, pttl] of await onEveryNode(resource, live, ([, t]) => t > 10000)) {
      assert.ok(pttl > 10000, `pttl ${pttl}`);
    }
    await locker.release(extended);
    for (const [value] of await onEveryNode(resource, live, gone)) assert.equal(value, null);

    await nodes[2].kill('SIGKILL');
    await h.sleep(100);
    await assert.rejects(locker.acquire(`${resource}:2`, 5000), 'only 2 of 5 nodes: no quorum');
    await assert.rejects(locker.acquire(resource, 5000), 'only 2 of 5 nodes: no quorum');
  });
}

module.exports = { redlockSuite };
