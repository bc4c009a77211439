'use strict';
// npm redlock 4.2.0 (installed as redlock4) over ioredis 5.11.1, five locknode nodes (COMPAT.md §2.2).
const h = require('../lib/harness');
const { redlockSuite } = require('../lib/redlock_suite');

const Redlock = h.requireClient('redlock4');
h.logVersions(['ioredis', 'redlock4']);

redlockSuite('redlock4', {
  make: (clients, settings) => {
    const redlock = new Redlock(clients, settings);
    redlock.on('clientError', () => {}); // errors from SIGKILLed nodes
    return {
      acquire: (resource, ttl) => redlock.lock(resource, ttl),
      extend: (lock, ttl) => lock.extend(ttl),
      release: (lock) => lock.unlock(),
    };
  },
});
