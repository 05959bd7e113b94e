/**
 * The cluster section of `npm run bench`: N cluster tasks at 1 Hz on 2 local worker processes
 * through a redis-server of its own, against the same load on the local engine.
 *   node bench/cluster-child.js cluster|local '{"tasks":1000,"seconds":60}'
 *   node bench/cluster-child.js worker '<json>'   (started by the cluster mode, one per worker)
 * Prints `RESULT <json>` as its last line. Actions are no-ops in both modes, so what is measured
 * is the engines (Redis, BullMQ, the results queue), not the machine's process spawning.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary } from './stats.js';

const [mode, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? '{}');
const TASKS = options.tasks ?? 1000;
const SECONDS = options.seconds ?? 60;
const LEAD_MS = options.leadMs ?? 30_000;
const DRAIN_MS = options.drainMs ?? 120_000;
/** How long before its instant each tick is handed to the workers (the controller's default if unset). */
const HAND_OVER_MS = options.handOverMs;
const noop = { run: async () => ({ status: 'succeeded' }) };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * A run is written when it waits ('queued', when every slot is taken), when it starts
 * ('running') and when it ends: only the last write is the run's outcome. Counting the 'queued'
 * writes made the local engine look like it ran 744 of every 1,000 ticks twice.
 */
const IN_FLIGHT = new Set(['queued', 'running']);
const keepFinal = (records) => ({
  write: (r) => void (!IN_FLIGHT.has(r.status) && records.push(r)),
});

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function startRedis(dir) {
  const port = await freePort();
  const proc = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  await new Promise((resolveReady, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolveReady();
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  // Set at run time rather than on the command line, as the docs tell an operator to.
  return { url: `redis://127.0.0.1:${port}`, proc };
}

/** CPU seconds a process has used so far (user + system), from /proc; null elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Redis's own count of calls per command (scripts count once; commands inside them too). */
async function commandCalls(redis) {
  const calls = {};
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) calls[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
  }
  return calls;
}

/**
 * Where the window's time goes: CPU seconds of the controller, each worker and redis-server, and
 * the Lua scripts Redis ran (evalsha: BullMQ's; eval: Crontray's task locks). Divided by the runs
 * due in the window once they are counted.
 */
async function profile(redis, pids) {
  const at = () => Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSeconds(p)]));
  const cpu0 = at();
  const calls0 = await commandCalls(redis);
  return async () => {
    const cpu1 = at();
    const calls1 = await commandCalls(redis);
    const calls = (name) => (calls1[name]?.calls ?? 0) - (calls0[name]?.calls ?? 0);
    return (runs) => {
      const ms = (v) => Math.round((v / runs) * 1e5) / 100;
      const cpuMsPerRun = Object.fromEntries(
        Object.keys(pids).map((k) => [k, ms(cpu1[k] - cpu0[k])]),
      );
      const total = Object.keys(pids).reduce((sum, k) => sum + cpu1[k] - cpu0[k], 0);
      return {
        cpuMsPerRun: { ...cpuMsPerRun, total: ms(total) },
        redisScriptsPerRun: {
          bullmq: Math.round((calls('evalsha') / runs) * 100) / 100,
          locks: Math.round((calls('eval') / runs) * 100) / 100,
        },
      };
    };
  };
}

/** Counts and lateness over the ticks due in [from, to]: one record per task and second expected. */
function score(records, from, to) {
  const seen = new Map();
  const late = [];
  let completed = 0;
  // A run started before its due instant is a bug (a held tick let go early): counted, not hidden.
  let early = 0;
  const bySecond = {};
  for (const r of records) {
    if (r.scheduledFor < from || r.scheduledFor > to || IN_FLIGHT.has(r.status)) continue;
    const key = `${r.taskId}@${r.scheduledFor}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (r.status === 'succeeded') {
      completed++;
      late.push(r.startedAt - r.scheduledFor);
      if (r.startedAt < r.scheduledFor) early++;
      const second = (r.scheduledFor - from) / 1000;
      (bySecond[second] ??= []).push(r.startedAt - r.scheduledFor);
    }
  }
  const expected = TASKS * (Math.floor((to - from) / 1000) + 1);
  let duplicated = 0;
  for (const n of seen.values()) if (n > 1) duplicated += n - 1;
  // Where the lost ticks fall in the window (seconds from its start): a loss bunched at the
  // end is a run still in flight when the count was taken, spread out it is a real loss.
  const lostAt = {};
  const perInstant = new Map();
  for (const key of seen.keys()) {
    const at = Number(key.slice(key.lastIndexOf('@') + 1));
    perInstant.set(at, (perInstant.get(at) ?? 0) + 1);
  }
  for (let at = from; at <= to; at += 1000) {
    const lost = TASKS - (perInstant.get(at) ?? 0);
    if (lost > 0) lostAt[(at - from) / 1000] = lost;
  }
  return {
    tasks: TASKS,
    seconds: (to - from) / 1000 + 1,
    expected,
    completed,
    lost: expected - seen.size,
    duplicated,
    early,
    lostAt,
    notSucceeded: records.filter((r) => r.status !== 'succeeded').length,
    statuses: records.reduce((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {}),
    latenessMs: summary(late),
    // Each second's median and worst lateness: a tail from a few bad seconds or from every one.
    latenessBySecond: Object.fromEntries(
      Object.entries(bySecond).map(([k, v]) => [k, [summary(v).median, summary(v).max]]),
    ),
    loadAverage: loadavg(),
  };
}

async function local() {
  const { TaskScheduler } = await import('../dist/main/core/schedule/index.js');
  const records = [];
  const engine = new TaskScheduler({
    runner: noop,
    globalConcurrency: 256,
    sink: keepFinal(records),
  });
  const from = Math.ceil(Date.now() / 1000) * 1000 + 3000;
  for (let i = 0; i < TASKS; i++) {
    await engine.scheduleInterval({ name: `t${i}`, everyMs: 1000, startAt: from, action: 'noop' });
  }
  engine.start();
  await sleep(from + SECONDS * 1000 - Date.now() + 2000);
  await engine.stop();
  return score(records, from, from + (SECONDS - 1) * 1000);
}

async function cluster() {
  if (!existsSync('/usr/bin/redis-server')) return { error: 'redis-server is not installed' };
  const { ClusterController, ClusterKey } = await import('../dist/main/core/cluster/index.js');
  const { storedTask } = await import('../dist/main/core/model/task.js');
  const dir = await mkdtemp(join(tmpdir(), 'crontray-bench-cluster-'));
  const redis = await startRedis(dir);
  const workers = [];
  try {
    const key = await ClusterKey.forController(dir, {});
    const records = [];
    const controller = new ClusterController({
      redisUrl: redis.url,
      key,
      sink: keepFinal(records),
      handOverMs: HAND_OVER_MS,
    });
    await controller.start();
    const self = fileURLToPath(import.meta.url);
    for (const name of ['bench-w1', 'bench-w2']) {
      const args = { url: redis.url, keyFile: join(dir, 'cluster.key'), name };
      const proc = spawn(process.execPath, [self, 'worker', JSON.stringify(args)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise((r) => proc.stdout.once('data', r));
      workers.push(proc);
    }
    // The first tick waits for all 1,000 schedulers: upserts are Redis round trips, slow under load.
    const from = Math.ceil(Date.now() / 1000) * 1000 + LEAD_MS;
    for (let i = 0; i < TASKS; i++) {
      const task = storedTask.parse({
        id: `t${i}`,
        name: `t${i}`,
        schedule: { kind: 'interval', everyMs: 1000, startAt: from },
        createdAt: 0,
        updatedAt: 0,
      });
      await controller.upsert({
        task,
        queue: 'bench',
        action: {
          kind: 'http',
          url: 'http://127.0.0.1/',
          method: 'GET',
          headers: [],
          expectStatus: { min: 200, max: 299 },
        },
      });
    }
    if (Date.now() > from)
      return { error: `registering ${TASKS} tasks took longer than ${LEAD_MS / 1000} s` };
    const { Redis } = await import('ioredis');
    const probe = new Redis(redis.url);
    await sleep(from - Date.now());
    const pids = { controller: process.pid, redis: redis.proc.pid };
    workers.forEach((w, i) => (pids[`worker${i + 1}`] = w.pid));
    const measured = await profile(probe, pids);
    await sleep(from + SECONDS * 1000 - Date.now());
    const windowEnd = Date.now();
    for (let i = 0; i < TASKS; i++) await controller.remove(`t${i}`);
    // Counted once the task and results queues are empty (at most DRAIN_MS): a tick still
    // waiting for a worker when the window closes is late, not lost.
    const { Queue } = await import('bullmq');
    const port = Number(new URL(redis.url).port);
    const queues = ['crontray-q-bench', 'crontray-results'].map(
      (name) => new Queue(name, { connection: { host: '127.0.0.1', port }, prefix: '{crontray}' }),
    );
    let idle = 0;
    while (Date.now() - windowEnd < DRAIN_MS && idle < 2) {
      await sleep(1000);
      let left = 0;
      for (const q of queues) {
        const c = await q.getJobCounts('waiting', 'active', 'prioritized');
        left += c.waiting + c.active + c.prioritized;
      }
      idle = left === 0 ? idle + 1 : 0;
    }
    // Until every run due in the window is done, so a run finished late still counts its cost.
    const spent = await measured();
    probe.disconnect();
    const { failed } = await queues[0].getJobCounts('failed');
    for (const q of queues) await q.close();
    await controller.close();
    const counted = score(records, from, from + (SECONDS - 1) * 1000);
    return {
      ...counted,
      drainedMs: Date.now() - windowEnd,
      failedJobs: failed,
      ...spent(Math.max(1, counted.expected - counted.lost)),
    };
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    redis.proc.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

async function worker() {
  const { ClusterKey, ClusterWorker } = await import('../dist/main/core/cluster/index.js');
  const w = new ClusterWorker({
    redisUrl: options.url,
    queue: 'bench',
    concurrency: 64,
    name: options.name,
    key: await ClusterKey.forWorker(options.keyFile, {}),
    runner: noop,
  });
  await w.start();
  process.stdout.write('ready\n');
  await new Promise(() => {});
}

const run = { local, cluster, worker }[mode];
if (!run) throw new Error(`bench: unknown mode '${mode}'`);
const result = await run();
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
