'use strict';
// Starts N locknode processes on free ports for the real-client tests, kills them (SIGKILL for the
// "node killed" scenarios) and cleans up even when a test fails or the process exits early.
//
// The binary comes from $LOCKNODE_BINARY (ctest sets it). LOCKNODE_COMPAT_SERVER=redis runs the
// same tests against real redis-server processes (a test must pass there too; this is how a test
// bug is told apart from a server bug). A missing client package or binary fails the file (exit 1,
// with a loud message): they are required dependencies, never a reason to skip.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const live = new Set();

function failMissing(reason) {
  process.stderr.write(`\n*** MISSING REQUIRED DEPENDENCY: ${reason} ***\n\n`);
  process.exit(1);
}

// require() a client package; a missing one fails the whole file (npm ci in tests/compat/node).
function requireClient(name) {
  try {
    return require(name);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      failMissing(`node package '${name}' is not installed; run 'npm ci' in tests/compat/node ` +
               `(.ci/install-deps test does it)`);
    }
    throw e;
  }
}

function useRealRedis() {
  return process.env.LOCKNODE_COMPAT_SERVER === 'redis';
}

function binary() {
  if (useRealRedis()) return 'redis-server';
  const bin = process.env.LOCKNODE_BINARY || '';
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    failMissing(`LOCKNODE_BINARY is not set to an executable locknode (got '${bin}'); run through ctest`);
  }
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Node {
  constructor(dir, child) {
    this.dir = dir;
    this.child = child;
    this.port = 0;
    this.exited = false;
    this.log = '';
    child.stdout.on('data', (d) => { this.log = (this.log + d).slice(-4000); });
    child.stderr.on('data', (d) => { this.log = (this.log + d).slice(-4000); });
    this.exitPromise = new Promise((resolve) => child.once('exit', () => { this.exited = true; resolve(); }));
  }

  // SIGKILL by default: a crashed node, no goodbye to clients.
  async kill(signal = 'SIGKILL') {
    if (!this.exited) {
      try { this.child.kill(signal); } catch { /* already gone */ }
      await this.exitPromise;
    }
  }

  async close() {
    await this.kill();
    live.delete(this);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function startNode(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locknode-compat-node-'));
  const portFile = path.join(dir, 'port');
  let argv;
  if (useRealRedis()) {
    const port = await freePort();
    fs.writeFileSync(portFile, String(port));
    argv = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
            '--dir', dir, ...extraArgs];
  } else {
    argv = ['--port', '0', '--port-file', portFile, ...extraArgs];
  }
  const child = spawn(binary(), argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const node = new Node(dir, child);
  live.add(node);
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (node.exited) break;
    let text = '';
    try { text = fs.readFileSync(portFile, 'utf8').trim(); } catch { /* not yet */ }
    const port = Number.parseInt(text, 10);
    if (port > 0 && await canConnect(port)) {
      node.port = port;
      return node;
    }
    await sleep(20);
  }
  await node.close();
  throw new Error(`locknode did not start serving (exited=${node.exited}):\n${node.log}`);
}

async function startNodes(n, extraArgs = []) {
  const nodes = [];
  try {
    for (let i = 0; i < n; i++) nodes.push(await startNode(extraArgs));
  } catch (e) {
    await Promise.all(nodes.map((x) => x.close()));
    throw e;
  }
  return nodes;
}

async function closeAll() {
  await Promise.all([...live].map((x) => x.close()));
}

// Last resort (test runner exit, uncaught error): synchronous SIGKILL of everything still running.
process.on('exit', () => {
  for (const node of live) {
    if (!node.exited) { try { node.child.kill('SIGKILL'); } catch { /* gone */ } }
    try { fs.rmSync(node.dir, { recursive: true, force: true }); } catch { /* ignore */ }
  }
});

// ioredis client settings for multi-node tests: fail fast on a dead node (no offline queue, one
// retry) so quorum decisions do not wait for reconnects, and keep reconnecting in the background.
function ioredisOptions(port, extra = {}) {
  return {
    host: '127.0.0.1', port, lazyConnect: false, enableOfflineQueue: false,
    maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => 200, ...extra,
  };
}

async function ioredisClients(Redis, nodes, extra = {}) {
  const clients = nodes.map((n) => {
    const c = new Redis(ioredisOptions(n.port, extra));
    c.on('error', () => {}); // reconnect noise from killed nodes
    return c;
  });
  await Promise.all(clients.map((c) => (c.status === 'ready' ? null
    : new Promise((resolve, reject) => {
      c.once('ready', resolve);
      setTimeout(() => reject(new Error(`ioredis not ready: ${c.status}`)), 10000).unref();
    }))));
  return clients;
}

function quitAll(clients) {
  for (const c of clients) {
    try { c.disconnect(); } catch { /* ignore */ }
  }
}

// SAFETY.md §4.1 interval checker: holds = [{resource, start, end, who}] (bigint ns, one process).
function overlaps(holds) {
  const byKey = new Map();
  for (const h of holds) {
    if (!byKey.has(h.resource)) byKey.set(h.resource, []);
    byKey.get(h.resource).push(h);
  }
  const violations = [];
  for (const [resource, ivs] of byKey) {
    ivs.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let hiEnd = null;
    let hiWho = null;
    for (const { start, end, who } of ivs) {
      if (hiEnd !== null && start < hiEnd && who !== hiWho) {
        violations.push({ resource, holder: hiWho, next: who, overlapNs: String(hiEnd - start) });
      }
      if (hiEnd === null || end > hiEnd) { hiEnd = end; hiWho = who; }
    }
  }
  return violations;
}

// Runs `workers` async workers, each doing `rounds` holds of one resource through `withLock(worker,
// critical)`, where `critical` is the read-sleep-write of a shared counter. Returns the log.
async function contend({ workers, rounds, resource, withLock }) {
  const holds = [];
  const counter = { value: 0 };
  const run = async (who) => {
    for (let i = 0; i < rounds; i++) {
      await withLock(who, async () => {
        const start = process.hrtime.bigint();
        const read = counter.value;            // read ...
        await sleep(1 + Math.floor(Math.random() * 3)); // ... sleep a little ...
        counter.value = read + 1;              // ... write.
        const end = process.hrtime.bigint();
        holds.push({ resource, start, end, who });
      });
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => run(i)));
  return { holds, counter: counter.value, expected: workers * rounds };
}

function versionOf(pkg) {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    const p = require.resolve(pkg);
    let dir = path.dirname(p);
    while (dir !== path.dirname(dir)) {
      const f = path.join(dir, 'package.json');
      if (fs.existsSync(f)) {
        const j = JSON.parse(fs.readFileSync(f, 'utf8'));
        if (j.version) return j.version;
      }
      dir = path.dirname(dir);
    }
    return '?';
  }
}

function logVersions(pkgs) {
  process.stderr.write(`node ${process.version}; ${pkgs.map((p) => `${p} ${versionOf(p)}`).join(', ')}` +
                       `; server ${useRealRedis() ? 'redis-server' : binary()}\n`);
}

module.exports = {
  failMissing, requireClient, startNode, startNodes, closeAll, sleep, ioredisOptions,
  ioredisClients, quitAll, overlaps, contend, logVersions, useRealRedis,
};
