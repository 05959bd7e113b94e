// The long reliability run: `npm run soak` (builds first). Writes its figures to
// test-results/soak/*.json and prints a summary; exits non-zero when anything was lost.
//
// 1. the crash test of test/reliability with 50 kill -9 cycles, and the hostile-input test with
//    1,000 payloads per channel (the same code npm test runs with 5 cycles and 120 payloads);
// 2. load: 1,000 tasks each firing every second for 60 s in headless mode (test/soak/noop-host.js)
//    with in-process no-op actions: every due time must run exactly once.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FIGURES = join(ROOT, 'test-results', 'soak');
const TASKS = Number(process.env.SOAK_TASKS ?? 1000);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function vitestStep() {
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      'test/reliability/crash-restart.test.ts',
      'test/reliability/hostile-input.test.ts',
      'test/reliability/corrupt-files.test.ts',
      'test/reliability/disk-faults.test.ts',
      'test/reliability/clock-faults.test.ts',
      'test/reliability/security.test.ts',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        CRONTRAY_CRASH_CYCLES: process.env.SOAK_CRASH_CYCLES ?? '50',
        CRONTRAY_FUZZ_RUNS: process.env.SOAK_FUZZ_RUNS ?? '1000',
        CRONTRAY_FIGURES_DIR: FIGURES,
      },
    },
  );
  return result.status === 0;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function startHost(dataDir) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', join(ROOT, 'test/soak/noop-host.js'), dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const heap = [];
  let output = '';
  child.stdout.on('data', (d) => {
    output += d.toString();
    for (const m of d.toString().matchAll(/^HEAP (.*)$/gm)) heap.push(JSON.parse(m[1]));
  });
  child.stderr.on('data', (d) => (output += d.toString()));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`host did not start:\n${output}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        ok({ origin: m[1], token: m[2] });
      }
    });
    child.once('exit', (code) => fail(new Error(`host exited with ${code}:\n${output}`)));
  });
  const call = async (channel, payload) => {
    const res = await fetch(`${url.origin}/api/${channel}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${url.token}`, 'Content-Type': 'application/json' },
      body: payload === undefined ? '' : JSON.stringify(payload),
    });
    const envelope = await res.json();
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
    return envelope.value;
  };
  return { child, heap, call, output: () => output };
}

async function loadStep() {
  const dataDir = await mkdtemp(join(tmpdir(), 'crontray-soak-load-'));
  const host = await startHost(dataDir);
  try {
    await host.call('settings:set', { globalConcurrency: 256 });
    const createStarted = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < TASKS) {
        const i = next++;
        await host.call('tasks:create', {
          name: `load ${String(i).padStart(4, '0')}`,
          schedule: { kind: 'interval', everyMs: 1000 },
          action: { kind: 'script', file: '/noop.mjs' },
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const createMs = Date.now() - createStarted;
    await host.call('scheduler:start');
    // Every task fires once a second on its own phase; the measured window starts once all run.
    const startAt = Date.now() + 2000;
    await sleep(2000);
    host.child.kill('SIGUSR2');
    await sleep(SECONDS * 1000 + 2000);
    host.child.kill('SIGUSR2');
    await sleep(200);
    await host.call('scheduler:stop');
    const exited = new Promise((r) => host.child.once('exit', r));
    host.child.kill('SIGINT');
    await exited;

    const windowEnd = startAt + SECONDS * 1000;
    const perTask = new Map();
    let files = 0;
    const lateness = [];
    const statuses = {};
    const base = join(dataDir, 'jobs', 'default', 'default');
    for (const name of await readdir(base)) {
      for (const file of await readdir(join(base, name))) {
        if (!file.endsWith('.json') || file.startsWith('.')) continue;
        files++;
        const r = JSON.parse(await readFile(join(base, name, file), 'utf8'));
        if (r.scheduledFor === null || r.scheduledFor < startAt || r.scheduledFor >= windowEnd)
          continue;
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        const list = perTask.get(r.taskId) ?? [];
        list.push(r.scheduledFor);
        perTask.set(r.taskId, list);
        if (r.status === 'succeeded' && r.startedAt !== null)
          lateness.push(r.startedAt - r.scheduledFor);
      }
    }
    let duplicates = 0;
    let missing = 0;
    for (const list of perTask.values()) {
      duplicates += list.length - new Set(list).size;
      missing += Math.max(0, SECONDS - new Set(list).size);
    }
    missing += (TASKS - perTask.size) * SECONDS;
    lateness.sort((a, b) => a - b);
    const inWindow = host.heap.filter((h) => h.at >= startAt - 1000);
    const figures = {
      tasks: TASKS,
      seconds: SECONDS,
      expectedRuns: TASKS * SECONDS,
      runsInWindow: [...perTask.values()].reduce((n, l) => n + l.length, 0),
      statuses,
      missing,
      duplicates,
      notSucceeded: Object.entries(statuses)
        .filter(([s]) => s !== 'succeeded')
        .reduce((n, [, c]) => n + c, 0),
      latenessMs: {
        p50: percentile(lateness, 50),
        p99: percentile(lateness, 99),
        max: lateness.at(-1) ?? null,
      },
      heapUsedMB: {
        start: inWindow[0] ? +(inWindow[0].heapUsed / 2 ** 20).toFixed(1) : null,
        end: inWindow.at(-1) ? +(inWindow.at(-1).heapUsed / 2 ** 20).toFixed(1) : null,
        samples: inWindow.map((h) => +(h.heapUsed / 2 ** 20).toFixed(1)),
      },
      rssMB: { end: inWindow.at(-1) ? +(inWindow.at(-1).rss / 2 ** 20).toFixed(1) : null },
      recordFiles: files,
      // Other work on the machine skews lateness; the 1-minute load average says how much.
      loadAverageAtEnd: loadavg()[0],
      createTasksMs: createMs,
    };
    await mkdir(FIGURES, { recursive: true });
    await writeFile(join(FIGURES, 'load.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log('load:', JSON.stringify(figures, null, 2));
    return figures.missing === 0 && figures.duplicates === 0 && figures.notSucceeded === 0;
  } finally {
    if (host.child.exitCode === null) host.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

const only = process.env.SOAK_ONLY;
let ok = true;
if (!only || only === 'faults') ok = vitestStep() && ok;
if (!only || only === 'load') ok = (await loadStep()) && ok;
console.log(ok ? 'soak: nothing lost' : 'soak: FAILED (see above)');
process.exit(ok ? 0 : 1);
