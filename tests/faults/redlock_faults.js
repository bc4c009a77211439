'use strict';
// Fault-injection tests of Redlock over five locknode nodes (issue 4, SAFETY.md §4.1 and rows 1-4
// of §4.2), with the real `redlock` 5.0.0-beta.2 over ioredis 5 from tests/compat/node.
//
//   node tests/faults/redlock_faults.js [scenario ...]      (ctest label `faults` runs them all)
//
// Each client is its own Redlock instance with its own five connections. Every successful acquire
// logs a belief interval on process.hrtime (CLOCK_MONOTONIC, unaffected by libfaketime, which is
// only ever loaded into the servers): [t_ok, min(t_release, t0 + ttl - drift)), t0 taken before
// the first SET, exactly the window in which Redlock says "you hold it". Under the lock a holder
// read-modify-writes a counter on a separate locknode (the resource), with a sleep in between, so
// two simultaneous holders lose an update. The checker reports every overlap of two holds of one
// resource, the smallest gap between consecutive holders, and lost updates.
//
// Scenarios that must pass (0 overlaps, 0 lost updates, enough acquisitions):
//   baseline   five healthy nodes
//   pause      2 random nodes SIGSTOPped for 3 s, every 4 s
//   restart    kill -9 of a random node 1 s after the last one granted again, immediate restart,
//              restart safety on; the wait until it grants again is measured
//   walljump   wall clock of 2 nodes jumps +1 h / -1 h / back every 2 s (libfaketime,
//              FAKETIME_DONT_FAKE_MONOTONIC=1), TTLs run on CLOCK_MONOTONIC
// Deterministic scripts (SAFETY.md §4.1): A holds on n1-n3 while n4, n5 are stopped; n3
// misbehaves; B tries on n3-n5 while n1, n2 are stopped. Negative controls must overlap:
//   restart-unsafe  n3 kill -9 + restart WITHOUT a lease file      -> overlap expected
//   monotonic-jump  n3's monotonic clock jumps +1 h (libfaketime)  -> overlap expected
// and their twins must not: restart-safe (lease file on), walljump-det (wall clock only).
// `unlocked` (clients that never ask for the lock) must show overlaps and lost updates: it proves
// the checker and the counter can fail.
// Exit status 0 when every scenario met its criterion, 1 otherwise, 77 if a tool is missing.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const modules = path.join(__dirname, '..', 'compat', 'node', 'node_modules');
// Every dependency here is required (.ci/install-deps test): a missing one fails the run.
const fail = (why) => {
  process.stderr.write(`\n*** MISSING REQUIRED DEPENDENCY: ${why} ***\n\n`);
  process.exit(1);
};
let Redis, Redlock;
try {
  Redis = require(path.join(modules, 'ioredis'));
  Redlock = require(path.join(modules, 'redlock')).default;
} catch (e) {
  fail(`redlock/ioredis not installed in tests/compat/node (npm ci; .ci/install-deps test): ${e.message}`);
}
const BIN = process.env.LOCKNODE_BINARY || '';
if (!BIN || !fs.existsSync(BIN)) fail(`LOCKNODE_BINARY is not an executable locknode ('${BIN}')`);
const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

const TTL = 2000;           // SAFETY.md §4.2: TTL 2 s, drift 1% + 2 ms
const DRIFT_FACTOR = 0.01;
const DRIFT = Math.round(DRIFT_FACTOR * TTL) + 2;
const CLIENTS = 6;
const RESOURCES = ['res:a', 'res:b', 'res:c'];
const SECONDS = Number(process.env.LOCKNODE_FAULT_SECONDS || 15);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowNs = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;
const rand = (n) => Math.floor(Math.random() * n);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

// One raw RESP request on a fresh connection: the first reply line (enough for SET/GET/TIME
// probes), or 'ERR:<reason>'. Never hangs: 1 s deadline.
function rawCall(port, args) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const done = (v) => { sock.destroy(); resolve(v); };
    const timer = setTimeout(() => done('ERR:timeout'), 1000);
    sock.on('error', (e) => { clearTimeout(timer); done(`ERR:${e.code}`); });
    sock.on('connect', () => {
      sock.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
    });
    sock.on('data', (d) => {
      buf += d;
      if (buf.includes('\r\n') && (buf[0] !== '*' || buf.split('\r\n').length > 4)) {
        clearTimeout(timer);
        done(buf);
      }
    });
  });
}

// A locknode process on a fixed port, restartable on the same port (clients keep their endpoint).
class Node {
  constructor(name, port, dir, options) {
    Object.assign(this, { name, port, dir, options, child: null, exited: true, log: '' });
    this.timeFile = path.join(dir, `${name}.faketime`);
    fs.writeFileSync(this.timeFile, '+0\n');
  }
  async start() {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--loglevel', 'warn'];
    if (this.options.lease) args.push('--lease-file', path.join(this.dir, `${this.name}.lease`));
    const env = { ...process.env };
    if (this.options.faketime) {
      Object.assign(env, { LD_PRELOAD: FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE: this.timeFile,
                           FAKETIME_NO_CACHE: '1' });
      if (this.options.faketime === 'wall') env.FAKETIME_DONT_FAKE_MONOTONIC = '1';
    }
    this.child = spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = false;
    const keep = (d) => { this.log = (this.log + d).slice(-3000); };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.exitPromise = new Promise((r) => this.child.once('exit', () => { this.exited = true; r(); }));
    this.startedAt = nowNs();
    for (let i = 0; i < 500; i++) {
      if (this.exited) break;
      if ((await rawCall(this.port, ['PING'])).startsWith('+PONG')) return;
      await sleep(10);
    }
    throw new Error(`${this.name} did not start on port ${this.port}:\n${this.log}`);
  }
  signal(sig) { if (!this.exited) this.child.kill(sig); }
  async kill() { if (!this.exited) { this.child.kill('SIGKILL'); await this.exitPromise; } }
  setClockOffset(offset) { fs.writeFileSync(this.timeFile, `${offset}\n`); }
}

async function startCluster(dir, optionsOf) {
  const nodes = [];
  for (let i = 1; i <= 5; i++) {
    const node = new Node(`n${i}`, await freePort(), dir, optionsOf(i));
    await node.start();
    nodes.push(node);
  }
  return nodes;
}

function connect(port) {
  const c = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false, maxRetriesPerRequest: 0,
                        commandTimeout: 300, connectTimeout: 500, retryStrategy: () => 50 });
  c.on('error', () => {});
  return c;
}
async function ready(clients) {
  const deadline = Date.now() + 10000;
  while (clients.some((c) => c.status !== 'ready')) {
    if (Date.now() > deadline) throw new Error('clients not ready');
    await sleep(10);
  }
}

// A Redlock client with its own connections; acquire() returns a hold record or null.
class Client {
  constructor(who, ports) {
    this.who = who;
    this.conns = ports.map(connect);
    this.redlock = new Redlock(this.conns, { driftFactor: DRIFT_FACTOR, retryCount: 0 });
    this.redlock.on('error', () => {});
  }
  async acquire(resource, ttl = TTL) {
    const t0 = nowNs();
    let lock;
    if (this.noLocking) {  // the `unlocked` control: believe it holds without asking anyone
      lock = { release: async () => {} };
    } else {
      try { lock = await this.redlock.acquire([resource], ttl); } catch { return null; }
    }
    const tOk = nowNs();
    const validUntil = t0 + BigInt(ttl - Math.round(DRIFT_FACTOR * ttl) - 2) * 1000000n;
    return { resource, who: `${this.who}#${tOk}`, lock, start: tOk, end: validUntil, validUntil };
  }
  async release(hold) {
    hold.end = nowNs() < hold.end ? nowNs() : hold.end;
    try { await hold.lock.release(); } catch { /* expires anyway */ }
  }
  close() { for (const c of this.conns) c.disconnect(); }
}

// SAFETY.md §4.1 interval checker. holds: [{resource, start, end, who}] with bigint ns.
function check(holds) {
  const byKey = new Map();
  for (const h of holds) {
    if (h.end <= h.start) continue;  // validity already over when the quorum was known
    if (!byKey.has(h.resource)) byKey.set(h.resource, []);
    byKey.get(h.resource).push(h);
  }
  const overlaps = [];
  let minGapNs = null;
  for (const [resource, ivs] of byKey) {
    ivs.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let hiEnd = null, hiWho = null;
    for (const { start, end, who } of ivs) {
      if (hiEnd !== null && start < hiEnd && who !== hiWho) {
        overlaps.push({ resource, first: hiWho, second: who, overlapMs: ms(hiEnd - start) });
      } else if (hiEnd !== null) {
        const gap = start - hiEnd;
        if (minGapNs === null || gap < minGapNs) minGapNs = gap;
      }
      if (hiEnd === null || end > hiEnd) { hiEnd = end; hiWho = who; }
    }
  }
  return { overlaps, minGapMs: minGapNs === null ? null : ms(minGapNs) };
}

// The lock-set workload: every client loops acquire -> read counter -> sleep -> write -> release.
// A write is made (and counted) only while the holder still believes it holds the lock.
async function workload(nodes, resourcePort, seconds, stats, noLocking) {
  const resource = connect(resourcePort);
  const clients = Array.from({ length: CLIENTS }, (_, i) => new Client(`c${i}`, nodes.map((n) => n.port)));
  for (const c of clients) c.noLocking = noLocking;
  await ready([resource, ...clients.flatMap((c) => c.conns)]);
  for (const r of RESOURCES) await resource.set(`counter:${r}`, '0');
  const holds = [];
  const acked = Object.fromEntries(RESOURCES.map((r) => [r, 0]));
  const stopAt = Date.now() + seconds * 1000;
  const run = async (client) => {
    while (Date.now() < stopAt) {
      const r = RESOURCES[rand(RESOURCES.length)];
      stats.attempts++;
      const hold = await client.acquire(r);
      if (!hold) { stats.failed++; await sleep(10 + rand(30)); continue; }
      stats.acquired++;
      holds.push(hold);
      try {
        const v = Number(await resource.get(`counter:${r}`));
        await sleep(1 + rand(4));
        if (nowNs() < hold.validUntil - 50000000n) {  // 50 ms margin for the write itself
          await resource.set(`counter:${r}`, String(v + 1));
          acked[r]++;
        } else {
          stats.abandoned++;
        }
      } catch { stats.resourceErrors++; }
      await client.release(hold);
      await sleep(rand(5));
    }
  };
  await Promise.all(clients.map(run));
  let lost = 0;
  for (const r of RESOURCES) lost += acked[r] - Number(await resource.get(`counter:${r}`));
  clients.forEach((c) => c.close());
  resource.disconnect();
  return { holds, lost };
}

// After a restart: how long until the node grants again, and how writes and reads were answered.
// The README's promise: the first write after every restart is refused with -QUARANTINE, every
// refusal until the grant is that error (anything else counts in probeErrors), reads keep
// working (readErrors), and the node grants again within 3 TTLs (else probeGaveUp).
async function probeAfterRestart(node, stats) {
  const t = nowNs();
  let quarantined = 0;
  for (let first = true; ; first = false) {
    const reply = await rawCall(node.port, ['SET', `probe:${node.name}`, 'x', 'NX', 'PX', '20']);
    if (reply.startsWith('+OK')) {
      if (first) stats.grantedAtOnce++;
      break;
    }
    if (reply.startsWith('-QUARANTINE')) {
      quarantined++;
    } else {
      stats.probeErrors++;
      if (stats.firstProbeError === '') stats.firstProbeError = reply.slice(0, 80);
    }
    const read = await rawCall(node.port, ['GET', 'res:a']);
    if (!read.startsWith('$')) stats.readErrors++;
    if (ms(nowNs() - t) > 3 * TTL) { stats.probeGaveUp++; break; }
    await sleep(20);
  }
  const waited = ms(nowNs() - node.startedAt);
  stats.waits.push(Math.round(waited));
  if (quarantined > 0) stats.quarantinedRestarts++;
}

const scenarios = {
  async unlocked(dir) {  // negative control of the checker and of the counter: no locking at all
    const nodes = await startCluster(dir, () => ({}));
    return { nodes, faults: async () => {}, noLocking: true, seconds: 3 };
  },
  async baseline(dir) {
    const nodes = await startCluster(dir, () => ({}));
    return { nodes, faults: async () => {} };
  },
  async pause(dir) {
    const nodes = await startCluster(dir, () => ({}));
    return {
      nodes,
      faults: async (stopAt, stats) => {
        while (Date.now() < stopAt - 3500) {
          await sleep(1000);
          const picked = [...nodes].sort(() => Math.random() - 0.5).slice(0, 2);
          picked.forEach((n) => n.signal('SIGSTOP'));
          stats.pauses++;
          await sleep(3000);
          picked.forEach((n) => n.signal('SIGCONT'));
        }
      },
    };
  },
  async restart(dir) {
    const nodes = await startCluster(dir, () => ({ lease: true }));
    return {
      nodes,
      faults: async (stopAt, stats) => {
        while (Date.now() < stopAt - 3500) {
          await sleep(1000);
          const n = nodes[rand(5)];
          await n.kill();
          await n.start();
          stats.restarts++;
          await probeAfterRestart(n, stats);
        }
      },
    };
  },
  async walljump(dir) {
    const nodes = await startCluster(dir, (i) => (i <= 2 ? { faketime: 'wall' } : {}));
    return {
      nodes,
      faults: async (stopAt, stats) => {
        const offsets = ['+3600', '-3600', '+0'];
        // PTTL continuity (SAFETY.md §4.2 row 4): a long key on a jumping node must lose exactly
        // the real time between two reads. With send/reply times s, r on the monotonic clock,
        // p_before - p_after lies in [s2 - r1, r2 - s1] (+-1 ms of rounding), whatever the noise.
        const pttl = async () => {
          const s = nowNs();
          const reply = await rawCall(nodes[0].port, ['PTTL', 'pttl:probe']);
          return { s, r: nowNs(), p: Number(reply.slice(1)) };
        };
        await rawCall(nodes[0].port, ['SET', 'pttl:probe', 'x', 'PX', '600000']);
        let last = await pttl();
        for (let k = 0; Date.now() < stopAt - 2000; k++) {
          await sleep(2000);
          for (const n of nodes.slice(0, 2)) n.setClockOffset(offsets[k % 3]);
          stats.jumps++;
          const now = await pttl();
          const drop = last.p - now.p;
          if (!(drop >= ms(now.s - last.r) - 1 && drop <= ms(now.r - last.s) + 1)) {
            stats.pttlJumps.push(`${last.p}->${now.p} over ${ms(now.s - last.r).toFixed(0)}..${ms(now.r - last.s).toFixed(0)} ms`);
          }
          stats.pttlSamples++;
          last = now;
          // The jump must really reach the server (else this scenario proves nothing).
          const time = await rawCall(nodes[0].port, ['TIME']);
          const secs = Number((time.split('\r\n')[2] || '0'));
          const skew = Math.abs(secs - Date.now() / 1000);
          if (offsets[k % 3] !== '+0' && skew > 3000) stats.jumpsSeen++;
        }
      },
    };
  },
};

async function runRandomScenario(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `locknode-faults-${name}-`));
  const resourceNode = new Node('resource', await freePort(), dir, {});
  await resourceNode.start();
  const { nodes, faults, noLocking = false, seconds: fixedSeconds } = await scenarios[name](dir);
  const stats = { attempts: 0, acquired: 0, failed: 0, abandoned: 0, resourceErrors: 0, pauses: 0,
                  restarts: 0, quarantinedRestarts: 0, waits: [], readErrors: 0, probeGaveUp: 0,
                  probeErrors: 0, firstProbeError: '', grantedAtOnce: 0,
                  jumps: 0, jumpsSeen: 0, pttlSamples: 0, pttlJumps: [] };
  // restart gets twice as long: each cycle waits out a quarantine (about TTL + 1 s).
  const seconds = fixedSeconds || (name === 'restart' ? 2 * SECONDS : SECONDS);
  const stopAt = Date.now() + seconds * 1000;
  const t = Date.now();
  const [{ holds, lost }] = await Promise.all([workload(nodes, resourceNode.port, seconds, stats, noLocking),
                                               faults(stopAt, stats)]);
  nodes.forEach((n) => n.signal('SIGCONT'));
  const { overlaps, minGapMs } = check(holds);
  for (const n of [...nodes, resourceNode]) await n.kill();
  fs.rmSync(dir, { recursive: true, force: true });
  const problems = [];
  if (noLocking) {
    if (!overlaps.length) problems.push('no overlap found without any locking: the checker cannot fail');
    if (lost === 0) problems.push('no lost update without any locking: the counter check cannot fail');
  } else {
    if (overlaps.length) problems.push(`${overlaps.length} overlaps, e.g. ${JSON.stringify(overlaps[0])}`);
    if (lost !== 0) problems.push(`${lost} lost counter updates`);
  }
  if (stats.acquired < seconds * RESOURCES.length) problems.push('fewer than 1 acquisition/s per resource');
  if (stats.resourceErrors) problems.push(`${stats.resourceErrors} counter reads/writes failed on the resource node`);
  if (name === 'restart') {
    if (stats.restarts === 0) problems.push('no restart happened');
    if (stats.quarantinedRestarts !== stats.restarts) {
      problems.push(`${stats.restarts - stats.quarantinedRestarts} of ${stats.restarts} restarts were not answered -QUARANTINE`);
    }
    if (stats.grantedAtOnce) problems.push(`${stats.grantedAtOnce} restarts granted the first write`);
    if (stats.probeErrors) problems.push(`${stats.probeErrors} probe writes got another error, e.g. ${JSON.stringify(stats.firstProbeError)}`);
    if (stats.probeGaveUp) problems.push(`${stats.probeGaveUp} restarts did not grant again within ${3 * TTL} ms`);
    if (stats.readErrors) problems.push(`${stats.readErrors} reads failed during quarantine`);
  }
  if (name === 'walljump' && stats.jumpsSeen === 0) problems.push('the faked wall clock never reached the node');
  if (name === 'walljump' && stats.pttlJumps.length) problems.push(`PTTL jumped: ${stats.pttlJumps.join('; ')}`);
  const extra = name === 'restart' ? ` restarts=${stats.restarts} quarantined=${stats.quarantinedRestarts} ` +
    `probe_errors=${stats.probeErrors} gave_up=${stats.probeGaveUp} read_errors=${stats.readErrors} ` +
    `wait_after_restart_ms=[${stats.waits.join(',')}]`
    : name === 'pause' ? ` pauses=${stats.pauses}` : name === 'walljump' ? ` jumps=${stats.jumps} seen=${stats.jumpsSeen} pttl_samples=${stats.pttlSamples} pttl_jumps=${stats.pttlJumps.length}` : '';
  console.log(`${name.padEnd(15)} ${((Date.now() - t) / 1000).toFixed(1)} s  attempts=${stats.attempts} ` +
              `acquired=${stats.acquired} failed=${stats.failed} abandoned=${stats.abandoned} ` +
              `overlaps=${overlaps.length} lost_updates=${lost} min_gap_ms=${minGapMs === null ? '-' : minGapMs.toFixed(2)}` +
              `${extra}  ${problems.length ? 'FAIL: ' + problems.join('; ') : 'pass'}`);
  return problems.length === 0;
}

// SAFETY.md §4.1 deterministic script. misbehave(n3) runs between A's and B's acquire.
async function runScript(name, optionsOf, misbehave, expectOverlap) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `locknode-faults-${name}-`));
  const nodes = await startCluster(dir, optionsOf);
  const [n1, n2, n3, n4, n5] = nodes;
  const ttl = 8000;
  // "Blocked" nodes are a partition, not a pause: a paused node would still apply the SET it
  // receives when it resumes. So A's Redlock has n4 and n5 replaced by ports where nothing
  // listens (connection refused = a vote against), and B's has n1 and n2 replaced.
  const dead = [await freePort(), await freePort()];
  const a = new Client('A', [n1.port, n2.port, n3.port, ...dead]);
  const b = new Client('B', [...dead, n3.port, n4.port, n5.port]);
  await ready([a.conns[0], a.conns[1], a.conns[2], b.conns[2], b.conns[3], b.conns[4]]);
  const t = Date.now();
  const holdA = await a.acquire('res:det', ttl);
  await misbehave(n3);
  await ready([b.conns[2]]);  // B's connection to a restarted n3 is re-established
  const holdB = await b.acquire('res:det', ttl);
  const n3reply = await rawCall(n3.port, ['SET', 'res:det:probe', 'x', 'NX', 'PX', '100']);
  const detail = `n3 answers a lock write with ${n3reply.split('\r\n')[0].slice(0, 40)}`;
  const holds = [holdA, holdB].filter(Boolean);
  const { overlaps } = check(holds);
  a.close(); b.close();
  for (const n of nodes) await n.kill();
  fs.rmSync(dir, { recursive: true, force: true });
  const problems = [];
  if (!holdA) problems.push('A did not get the lock on n1-n3 (setup failed)');
  if (expectOverlap && overlaps.length === 0) problems.push('the checker found no overlap: this control cannot fail the test');
  if (!expectOverlap && overlaps.length > 0) problems.push(`${overlaps.length} overlap(s)`);
  console.log(`${name.padEnd(15)} ${((Date.now() - t) / 1000).toFixed(1)} s  A=${holdA ? 'held' : 'failed'} ` +
              `B=${holdB ? 'held' : 'refused'} overlaps=${overlaps.length}` +
              `${overlaps.length ? ` (${overlaps[0].overlapMs.toFixed(0)} ms)` : ''} ` +
              `expected=${expectOverlap ? '>=1 (negative control)' : '0'}; ${detail}  ` +
              `${problems.length ? 'FAIL: ' + problems.join('; ') : 'pass'}`);
  return problems.length === 0;
}

const restartN3 = async (n3) => { await n3.kill(); await n3.start(); };
const scripts = {
  'restart-unsafe': () => runScript('restart-unsafe', () => ({}), restartN3, true),
  'restart-safe': () => runScript('restart-safe', () => ({ lease: true }), restartN3, false),
  'monotonic-jump': () => runScript('monotonic-jump', (i) => (i === 3 ? { faketime: 'all' } : {}),
                                    async (n3) => { n3.setClockOffset('+3600'); await sleep(100); }, true),
  'walljump-det': () => runScript('walljump-det', (i) => (i === 3 ? { faketime: 'wall' } : {}),
                                  async (n3) => { n3.setClockOffset('+3600'); await sleep(100); }, false),
};

async function main() {
  if (!fs.existsSync(FAKETIME_LIB)) fail(`${FAKETIME_LIB} missing (apt-get install faketime)`);
  const all = [...Object.keys(scripts), ...Object.keys(scenarios)];
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all;
  console.log(`redlock 5 over 5 locknode nodes: ${CLIENTS} clients, ${RESOURCES.length} resources, ` +
              `ttl ${TTL} ms, drift ${DRIFT} ms, ${SECONDS} s per random scenario`);
  let ok = true;
  for (const name of wanted) {
    if (scripts[name]) ok = (await scripts[name]()) && ok;
    else if (scenarios[name]) ok = (await runRandomScenario(name)) && ok;
    else { console.error(`unknown scenario ${name}; known: ${all.join(' ')}`); process.exit(2); }
  }
  console.log(ok ? 'PASS' : 'FAIL');
  process.exit(ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
