'use strict';
// Redlock across five password-protected locknode nodes with the real `redlock` 5.0.0-beta.2
// over ioredis 5 (the packages in tests/compat/node/node_modules): acquire, extend and release
// one lock, checking the key on every node after each step, and printing what happened.
//
//   bash .ci/redlock-local start
//   export LOCKNODE_PASSWORD="$(cat "${XDG_RUNTIME_DIR:-/tmp}/locknode-redlock/password")"
//   node tests/compat/node/examples/redlock_five_nodes.js
//
// Nodes that were stopped and started again moments ago are in their restart quarantine (README,
// Restart safety): they refuse lock writes until every lock they granted before has expired. For
// this demo the example reads each node's quarantine_remaining_ms (INFO persistence), says so and
// waits it out before locking.
//
// Environment:
//   LOCKNODE_PASSWORD_FILE  a file whose first line is the nodes' requirepass (the compose setup)
//   LOCKNODE_PASSWORD       the password itself, when LOCKNODE_PASSWORD_FILE is not set
//   LOCKNODE_REDLOCK_NODES  host:port list, comma-separated (default 127.0.0.1:7001..7005, which
//                           is both .ci/redlock-local and conf/redlock/compose.yaml)
// Exit status 0 when every step and check passed, 1 otherwise, 2 on a usage error.
const fs = require('node:fs');
const path = require('node:path');

const modules = path.join(__dirname, '..', 'node_modules');
const Redis = require(path.join(modules, 'ioredis'));
const Redlock = require(path.join(modules, 'redlock')).default;
const { ExecutionError } = require(path.join(modules, 'redlock'));

function readPassword() {
  const file = process.env.LOCKNODE_PASSWORD_FILE;
  if (!file) return process.env.LOCKNODE_PASSWORD;
  try {
    return fs.readFileSync(file, 'utf8').split('\n')[0];
  } catch (e) {
    console.error(`LOCKNODE_PASSWORD_FILE: ${e.message}`);
    process.exit(2);
  }
}
const password = readPassword();
if (!password) {
  console.error('set LOCKNODE_PASSWORD or LOCKNODE_PASSWORD_FILE (the password of the five nodes)');
  process.exit(2);
}
const endpoints = (process.env.LOCKNODE_REDLOCK_NODES ||
  '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005')
  .split(',').map((s) => s.trim()).filter(Boolean)
  .map((s) => { const i = s.lastIndexOf(':'); return { host: s.slice(0, i), port: Number(s.slice(i + 1)) }; });

const ms = (t0) => `${Date.now() - t0} ms`;
const failures = [];
function check(ok, what) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}
function connect(ep, pw) {
  const client = new Redis({
    host: ep.host, port: ep.port, password: pw, lazyConnect: true,
    connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false,
    // Patient (about 10 s): containers just started by `compose up -d` may not listen yet.
    retryStrategy: (n) => (n > 50 ? null : 200),
    enableReadyCheck: pw !== undefined,  // the ready check (INFO) itself needs AUTH
  });
  client.on('error', (e) => console.error(`  ${ep.host}:${ep.port}: ${e.message}`));
  return client;
}
// One line per node: [value, pttl] of `key`.
async function onEveryNode(probes, key) {
  return Promise.all(probes.map(async (p) => [await p.get(key), await p.pttl(key)]));
}
// redlock resolves once a quorum has voted; give the remaining nodes a moment to answer.
async function settle(probes, key, ok) {
  const deadline = Date.now() + 2000;
  let seen = await onEveryNode(probes, key);
  while (!seen.every(ok) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    seen = await onEveryNode(probes, key);
  }
  return seen;
}
async function votes(lock) {
  const stats = await Promise.all(lock.attempts);
  const last = stats[stats.length - 1];
  return `${last.votesFor.size} of ${last.membershipSize} nodes voted for (quorum ${last.quorumSize}), ` +
         `${stats.length} attempt(s)`;
}

async function main() {
  console.log(`nodes: ${endpoints.map((e) => `${e.host}:${e.port}`).join(' ')}`);
  const clients = endpoints.map((ep) => connect(ep, password));  // the lockers' connections
  const probes = endpoints.map((ep) => connect(ep, password));   // inspection only
  const others = endpoints.map((ep) => connect(ep, password));   // a second, competing locker
  const anon = connect(endpoints[0], undefined);                 // no password
  const all = [...clients, ...probes, ...others, anon];
  try {
    await Promise.all(all.map((c) => c.connect()));
    const pongs = await Promise.all(probes.map((p) => p.ping()));
    check(pongs.every((r) => r === 'PONG'), `every node answers PING after AUTH (${pongs.join(' ')})`);
    let noauth = '';
    try { await anon.set('example:anon', 'x'); } catch (e) { noauth = e.message; }
    check(noauth.startsWith('NOAUTH'), `a client without the password is refused: ${noauth || '(accepted!)'}`);

    // Restart quarantine: wait until no node has any left (the longest wait reported, plus a margin).
    const infos = await Promise.all(probes.map((p) => p.info('persistence')));
    const left = infos.map((text) => Number((/quarantine_remaining_ms:(\d+)/.exec(text) || [])[1] || 0));
    const wait = Math.max(...left);
    if (wait > 0) {
      console.log(`restart quarantine: nodes restarted moments ago refuse lock writes for another ` +
                  `${left.join('/')} ms (until the locks they granted before have expired); waiting`);
      await new Promise((r) => setTimeout(r, wait + 200));
    }

    const settings = { driftFactor: 0.01, retryCount: 3, retryDelay: 200, retryJitter: 100 };
    const redlock = new Redlock(clients, settings);
    const rival = new Redlock(others, { ...settings, retryCount: 0 });
    redlock.on('error', () => {});  // per-node failures are reported through the attempts
    rival.on('error', () => {});
    const resource = `example:redlock-five-nodes:${process.pid}`;

    let t0 = Date.now();
    let lock = await redlock.acquire([resource], 5000);
    console.log(`acquire ${resource} ttl 5000 ms: ${ms(t0)}, ${await votes(lock)}, ` +
                `value ${lock.value}, valid for ${lock.expiration - Date.now()} ms`);
    let seen = await settle(probes, resource, ([v]) => v === lock.value);
    seen.forEach(([v, pttl], i) => check(v === lock.value && pttl > 0 && pttl <= 5000,
      `node${i + 1} holds the value, pttl ${pttl} ms`));

    let refused = '';
    try { await rival.acquire([resource], 5000); } catch (e) {
      refused = e instanceof ExecutionError ? e.message : `unexpected ${e}`;
    }
    check(refused.length > 0, `a second locker is refused while held: ${refused || '(granted!)'}`);

    t0 = Date.now();
    lock = await lock.extend(10000);
    console.log(`extend to 10000 ms: ${ms(t0)}, ${await votes(lock)}, valid for ${lock.expiration - Date.now()} ms`);
    seen = await settle(probes, resource, ([v, pttl]) => v === lock.value && pttl > 5000);
    seen.forEach(([v, pttl], i) => check(v === lock.value && pttl > 5000 && pttl <= 10000,
      `node${i + 1} still holds the value, pttl ${pttl} ms`));

    t0 = Date.now();
    await lock.release();
    console.log(`release: ${ms(t0)}`);
    seen = await settle(probes, resource, ([v]) => v === null);
    seen.forEach(([v, pttl], i) => check(v === null && pttl === -2, `node${i + 1} no longer has the key`));

    t0 = Date.now();
    const again = await rival.acquire([resource], 2000);
    console.log(`the second locker acquires it after the release: ${ms(t0)}, ${await votes(again)}`);
    await again.release();
  } catch (e) {
    failures.push(String(e));
    console.error(`error: ${e.stack || e}`);
  } finally {
    all.forEach((c) => c.disconnect());
  }
  console.log(failures.length === 0 ? 'PASS: acquire, extend and release across the five nodes'
                                    : `FAIL: ${failures.length} check(s) failed`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main();
