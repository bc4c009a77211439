'use strict';
// npm redlock 5.0.0-beta.2 over ioredis 5.11.1, five locknode nodes (COMPAT.md §2.3).
const h = require('../lib/harness');
const { redlockSuite } = require('../lib/redlock_suite');

const Redlock = h.requireClient('redlock').default;
h.logVersions(['ioredis', 'redlock']);

redlockSuite('redlock5', {
  make: (clients, settings) => {
    const redlock = new Redlock(clients, settings);
    redlock.on('error', () => {}); // per-client errors from SIGKILLed nodes
    return {
      redlock,
      acquire: (resource, ttl) => redlock.acquire([resource], ttl),
      extend: (lock, ttl) => lock.extend(ttl),
      release: (lock) => lock.release(),
    };
  },
  using: (locker, resource, ttl, threshold, routine) =>
    locker.redlock.using([resource], ttl, { automaticExtensionThreshold: threshold }, routine),
});
