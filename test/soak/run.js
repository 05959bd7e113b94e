// The long reliability run: `npm run soak` (builds first). Writes its figures to
// test-results/soak/*.json and prints a summary; exits non-zero when anything was lost.
//
// 1. the crash test of test/reliability with 50 kill -9 cycles, and the hostile-input test with
//    1,000 payloads per channel (the same code npm test runs with 5 cycles and 120 payloads);
// 2. load: 1,000 tasks each firing every second for 60 s in headless mode (test/soak/noop-host.js)
//    with in-process no-op actions, under `ulimit -n 1024` (a Linux desktop session's default):
//    every due time must run exactly once, and the host must stay within its targets (lateness,
//    heap, RSS, open descriptors, sampled from /proc/<pid>/fd). Heap is live memory after a
//    full collection (the host runs with --expose-gc), every 5 s; the drift compares the first
//    and last samples of the window, which starts 10 s after scheduler:start, once the first
//    second's burst (every task's runs missed while stopped) is written. ArrayBuffers (the
//    history's index of runs, which grows with each run kept) are reported beside the heap, with
//    their growth per run. When anything fails, the host's own output and exit code are printed.
const FD_LIMIT = Number(process.env.SOAK_FD_LIMIT ?? 1024);
const TARGETS = { latenessP99Ms: 100, heapDrift: 0.2, rssMB: 300, openFiles: 512 };
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FIGURES = join(ROOT, 'test-results', 'soak');
const TASKS = Number(process.env.SOAK_TASKS ?? 1000);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WARMUP_MS = Number(process.env.SOAK_WARMUP_MS ?? 10_000);

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
  // exec keeps the pid: the descriptors sampled are the host's own.
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      `ulimit -n ${FD_LIMIT} && exec "$0" --expose-gc "$1" "$2"`,
      process.execPath,
      join(ROOT, 'test/soak/noop-host.js'),
      dataDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const fds = { peak: 0, samples: 0 };
  const sampler = setInterval(() => {
    try {
      fds.peak = Math.max(fds.peak, readdirSync(`/proc/${child.pid}/fd`).length);
      fds.samples++;
    } catch {
      // not started yet, or gone
    }
  }, 100);
  const exit = new Promise((r) =>
    child.once('exit', (code, signal) => {
      clearInterval(sampler);
      r({ code, signal });
    }),
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
  return { child, heap, call, fds, exit, output: () => output };
}

async function loadStep() {
  const dataDir = await mkdtemp(join(tmpdir(), 'crontray-soak-load-'));
  const host = await startHost(dataDir);
  let ok = false;
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
    const startedAt = Date.now();
    // Every task fires once a second on its own phase. The first second also brings each task's
    // runs missed while the scheduler was stopped (recorded 'missed', or run by the catch-up
    // policy): two to three times the steady load, written within a few seconds. The measured
    // window starts after that burst; the heap 2 s after the start is reported beside it.
    const startAt = startedAt + WARMUP_MS;
    await sleep(2000);
    host.child.kill('SIGUSR2');
    await sleep(Math.max(0, startAt - Date.now()));
    host.child.kill('SIGUSR2');
    await sleep(SECONDS * 1000 + 2000);
    host.child.kill('SIGUSR2');
    await sleep(200);
    // Samples after this are of the host stopping (saving its run index), not of the load.
    const sampledUntil = Date.now();
    await host.call('scheduler:stop');
    host.child.kill('SIGINT');
    const hostExit = await host.exit;

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
    const inWindow = host.heap.filter((h) => h.at >= startAt - 1000 && h.at <= sampledUntil);
    const afterStart = host.heap.find((h) => h.at >= startedAt + 2000);
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
        twoSecondsAfterStart: afterStart ? mb(afterStart.heapUsed) : null,
        start: inWindow[0] ? mb(inWindow[0].heapUsed) : null,
        end: inWindow.at(-1) ? mb(inWindow.at(-1).heapUsed) : null,
        samples: inWindow.map((h) => mb(h.heapUsed)),
      },
      // ArrayBuffers hold the history's index of runs (typed columns), which grows with every
      // run kept until retention trims it: reported beside the heap, with its growth per run.
      heapAndArrayBuffersMB: {
        twoSecondsAfterStart: afterStart ? mb(afterStart.heapUsed + afterStart.arrayBuffers) : null,
        start: inWindow[0] ? mb(inWindow[0].heapUsed + inWindow[0].arrayBuffers) : null,
        end: inWindow.at(-1) ? mb(inWindow.at(-1).heapUsed + inWindow.at(-1).arrayBuffers) : null,
      },
      arrayBufferBytesPerRun:
        inWindow.length > 1 && files > 0
          ? Math.round(
              (inWindow.at(-1).arrayBuffers - inWindow[0].arrayBuffers) / (TASKS * SECONDS),
            )
          : null,
      // How far the disk fell behind from the start on: operations waiting for a descriptor.
      writesWaitingMax: Math.max(
        0,
        ...host.heap.filter((h) => h.at >= startedAt).map((h) => h.writesWaiting ?? 0),
      ),
      rssMB: {
        end: inWindow.at(-1) ? mb(inWindow.at(-1).rss) : null,
        max: inWindow.length > 0 ? mb(Math.max(...inWindow.map((h) => h.rss))) : null,
      },
      openFiles: { peak: host.fds.peak, samples: host.fds.samples, limit: FD_LIMIT },
      hostExit,
      recordFiles: files,
      // Other work on the machine skews lateness; the 1-minute load average says how much.
      loadAverageAtEnd: loadavg()[0],
      createTasksMs: createMs,
    };
    figures.targets = checkTargets(figures);
    await mkdir(FIGURES, { recursive: true });
    await writeFile(join(FIGURES, 'load.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(
      'load:',
      JSON.stringify(
        { ...figures, heapUsedMB: { ...figures.heapUsedMB, samples: undefined } },
        null,
        2,
      ),
    );
    ok =
      figures.missing === 0 &&
      figures.duplicates === 0 &&
      figures.notSucceeded === 0 &&
      hostExit.code === 0 &&
      Object.values(figures.targets).every((t) => t.met);
    return ok;
  } finally {
    if (host.child.exitCode === null && host.child.signalCode === null) host.child.kill('SIGKILL');
    if (!ok) {
      const { code, signal } = await host.exit;
      console.log(`load: the host exited with ${code ?? signal}; its output:\n${host.output()}`);
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

const mb = (bytes) => +(bytes / 2 ** 20).toFixed(1);

function checkTargets(f) {
  const { start, end } = f.heapUsedMB;
  const heapDrift = start && end ? Math.abs(end - start) / start : null;
  return {
    latenessP99: {
      value: f.latenessMs.p99,
      target: TARGETS.latenessP99Ms,
      met: f.latenessMs.p99 !== null && f.latenessMs.p99 <= TARGETS.latenessP99Ms,
    },
    heapDrift: {
      value: heapDrift === null ? null : +heapDrift.toFixed(3),
      target: TARGETS.heapDrift,
      met: heapDrift !== null && heapDrift <= TARGETS.heapDrift,
    },
    rssMB: {
      value: f.rssMB.max,
      target: TARGETS.rssMB,
      met: f.rssMB.max !== null && f.rssMB.max <= TARGETS.rssMB,
    },
    openFiles: {
      value: f.openFiles.peak,
      target: TARGETS.openFiles,
      met: f.openFiles.peak > 0 && f.openFiles.peak <= TARGETS.openFiles,
    },
  };
}

const only = process.env.SOAK_ONLY;
let ok = true;
if (!only || only === 'faults') ok = vitestStep() && ok;
if (!only || only === 'load') ok = (await loadStep()) && ok;
console.log(ok ? 'soak: nothing lost' : 'soak: FAILED (see above)');
process.exit(ok ? 0 : 1);
