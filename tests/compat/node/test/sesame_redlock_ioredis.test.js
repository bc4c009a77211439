'use strict';
// npm @sesamecare-oss/redlock 1.4.0 over ioredis 5.11.1 (defineCommand: EVAL first per socket,
// then EVALSHA; every script starts with redis.pcall("SELECT", n)), five locknode nodes (COMPAT.md §2.4).
const h = require('../lib/harness');
const { redlockSuite } = require('../lib/redlock_suite');

const { Redlock } = h.requireClient('@sesamecare-oss/redlock');
h.logVersions(['ioredis', '@sesamecare-oss/redlock']);

redlockSuite('sesame', {
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
