/**
 * Crontray benchmarks against its peers: `npm run bench` (build first), `-- --quick` for a short
 * run. Every measurement runs in its own child process; results go to bench/results.json and
 * bench/RESULTS.md. Never part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { burstRoundsText, medianBurst } from './burst-rounds.js';
import { clusterSection } from './cluster-report.js';
import { engineTargets } from './engine-targets.js';
import { PEER_NAMES } from './peers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');

// `node bench/run.js --report` rewrites RESULTS.md from results.json (e.g. after editing NOTES.md).
if (process.argv.includes('--report')) {
  const saved = JSON.parse(readFileSync(join(HERE, 'results.json'), 'utf8'));
  await writeFormatted('RESULTS.md', report(saved));
  console.log('bench/RESULTS.md rewritten from bench/results.json');
  process.exit(0);
}

const PLAN = quick
  ? {
      sizes: [1000, 10_000],
      firings: 5,
      backgrounds: [1, 2000],
      idleSeconds: 10,
      idleTasks: 2000,
      burst: 1000,
      burstRounds: 1,
      jobFiles: [10_000],
      searchFiles: 10_000,
      apiTasks: 200,
      apiCalls: 100,
      startupFiles: 10_000,
      startupBoots: 2,
      alertTasks: 1000,
      alertFirings: 10,
    }
  : {
      sizes: [1000, 10_000, 100_000],
      firings: 20,
      backgrounds: [1, 10_000],
      idleSeconds: 65,
      idleTasks: 10_000,
      burst: 1000,
      burstRounds: 3,
      jobFiles: [10_000, 100_000],
      searchFiles: 100_000,
      apiTasks: 1000,
      apiCalls: 300,
      startupFiles: 100_000,
      startupBoots: 3,
      alertTasks: 1000,
      alertFirings: 30,
    };

/** Writes a file under bench/ as the repository's Prettier settings format it. */
async function writeFormatted(name, text) {
  const path = join(HERE, name);
  const config = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(text, { ...config, filepath: path }));
}

/** Runs one child; resolves with its RESULT json, or { error } when it crashed or ran out of time. */
function child(script, args, { flags = [], timeoutMs = 120_000 } = {}) {
  return new Promise((resolveResult) => {
    const started = Date.now();
    const proc = spawn(process.execPath, [...flags, join(HERE, script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      const label = `${script} ${args.join(' ')}`;
      if (line) {
        process.stdout.write(`  ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        resolveResult(JSON.parse(line.slice(7)));
        return;
      }
      const oom = /heap out of memory|Allocation failed/.test(out);
      const error =
        signal === 'SIGKILL'
          ? `did not finish within ${timeoutMs / 1000} s`
          : oom
            ? 'ran out of heap'
            : `exited with ${code}: ${out.trim().split('\n').slice(-3).join(' | ')}`;
      process.stdout.write(`  ${label}: ${error}\n`);
      resolveResult({ error });
    });
  });
}

const GC = ['--expose-gc', '--max-old-space-size=4096'];
const results = {
  startedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  machine: {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // Other work on a shared machine shows up here: the 1/5/15-minute load averages.
    loadAtStart: loadavg(),
  },
  plan: PLAN,
  register: {},
  lateness: {},
  idle: {},
  burst: {},
  jobCache: {},
  alerts: {},
};

const t0 = Date.now();
console.log(`bench (${results.mode}) on ${results.machine.cores} cores, Node ${process.version}`);

console.log('registration, heap and timers');
for (const peer of PEER_NAMES) {
  results.register[peer] = {};
  for (const n of PLAN.sizes) {
    const previous = results.register[peer][PLAN.sizes[PLAN.sizes.indexOf(n) - 1]];
    // A peer that already failed at a smaller size is not asked for a bigger one.
    results.register[peer][n] = previous?.error
      ? { error: `skipped: ${previous.error} at a smaller size` }
      : await child('scheduler-child.js', ['register', peer, JSON.stringify({ n })], {
          flags: GC,
          timeoutMs: n >= 100_000 ? 100_000 : 60_000,
        });
  }
}

console.log('firing lateness');
for (const background of PLAN.backgrounds) {
  results.lateness[background] = {};
  for (const peer of ['floor', ...PEER_NAMES]) {
    results.lateness[background][peer] = await child(
      'scheduler-child.js',
      ['lateness', peer, JSON.stringify({ background, firings: PLAN.firings })],
      { flags: GC, timeoutMs: 120_000 },
    );
  }
}

// Before the idle section: five processes with 10,000 tasks each (croner's hold ~800 MB) exiting
// at once left the machine busy for seconds, and the first burst after them started late.
// Rounds go peer by peer in turn, so each peer meets the same conditions; the median round (by
// the last start) is the result, and every round is shown.
console.log(`many tasks due in the same second (${PLAN.burstRounds} rounds)`);
const burstRounds = Object.fromEntries(PEER_NAMES.map((peer) => [peer, []]));
for (let round = 0; round < PLAN.burstRounds; round++) {
  for (const peer of PEER_NAMES) {
    burstRounds[peer].push(
      await child(
        'scheduler-child.js',
        ['burst', peer, JSON.stringify({ n: PLAN.burst, leadMs: 4000 })],
        { flags: GC, timeoutMs: 60_000 },
      ),
    );
  }
}
for (const peer of PEER_NAMES) results.burst[peer] = medianBurst(burstRounds[peer], PLAN.burst);

console.log(`idling ${PLAN.idleSeconds} s (all peers at once, each in its own process)`);
const idle = await Promise.all(
  PEER_NAMES.map((peer) =>
    child(
      'scheduler-child.js',
      ['idle', peer, JSON.stringify({ n: PLAN.idleTasks, seconds: PLAN.idleSeconds })],
      { flags: [...GC, '--no-memory-reducer'], timeoutMs: (PLAN.idleSeconds + 90) * 1000 },
    ),
  ),
);
PEER_NAMES.forEach((peer, i) => (results.idle[peer] = idle[i]));

console.log('JobCache, CacheMemory, Cache, headless API');
for (const files of PLAN.jobFiles) {
  results.jobCache[files] = await child('store-child.js', ['jobCache', JSON.stringify({ files })], {
    timeoutMs: 300_000,
  });
}
results.search = await child('search-child.js', [JSON.stringify({ files: PLAN.searchFiles })], {
  flags: GC,
  timeoutMs: 600_000,
});
results.cacheMemory = await child('store-child.js', [
  'cacheMemory',
  JSON.stringify({ rounds: 200_000 }),
]);
results.cacheDisk = await child('store-child.js', ['cacheDisk', JSON.stringify({ rounds: 20 })]);
results.api = await child(
  'api-child.js',
  [JSON.stringify({ tasks: PLAN.apiTasks, calls: PLAN.apiCalls })],
  { timeoutMs: 300_000 },
);
console.log('start-up with a large run history');
results.startup = await child(
  'startup-child.js',
  [JSON.stringify({ files: PLAN.startupFiles, boots: PLAN.startupBoots })],
  { timeoutMs: 900_000 },
);
console.log('cluster: tasks at 1 Hz on 2 local workers, then the same load on the local engine');
results.cluster = {};
for (const mode of ['cluster', 'local']) {
  results.cluster[mode] = await child(
    'cluster-child.js',
    [mode, JSON.stringify({ tasks: 1000, seconds: 60 })],
    { timeoutMs: 300_000 },
  );
}
console.log(`alerts off and on (${PLAN.alertTasks.toLocaleString('en-US')} flapping tasks)`);
for (const on of [false, true]) {
  results.alerts[on ? 'on' : 'off'] = await child(
    'alerts-child.js',
    [JSON.stringify({ tasks: PLAN.alertTasks, firings: PLAN.alertFirings, alerts: on })],
    { flags: GC, timeoutMs: (PLAN.alertFirings + 90) * 1000 },
  );
}
results.durationSeconds = (Date.now() - t0) / 1000;
results.machine.loadAtEnd = loadavg();

await writeFormatted('results.json', JSON.stringify(results, null, 2));
await writeFormatted('RESULTS.md', report(results));
console.log(
  `done in ${Math.round(results.durationSeconds)} s: bench/RESULTS.md, bench/results.json`,
);

// ------------------------------------------------------------------------------------ report

function fmt(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}

function cell(result, pick, digits) {
  if (!result) return '-';
  if (result.error) return `(${result.error})`;
  return fmt(pick(result), digits);
}

function ratio(value, base) {
  if (!value || !base || value.error || base.error) return '-';
  return `${fmt(value / base, 1)}x`;
}

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function report(r) {
  const sizes = r.plan.sizes;
  const largest = sizes[sizes.length - 1];
  const ct = (n) => r.register.crontray?.[n];
  const lines = [];
  lines.push('# Crontray benchmarks');
  lines.push('');
  lines.push(
    `Generated by \`npm run bench${r.mode === 'quick' ? ' -- --quick' : ''}\` on ${r.startedAt} in ${Math.round(r.durationSeconds)} s.`,
  );
  lines.push(
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}, ${r.machine.platform}${r.machine.loadAtEnd ? `, load average (1/5/15 min) ${r.machine.loadAtStart.map((l) => l.toFixed(1)).join('/')} at the start and ${r.machine.loadAtEnd.map((l) => l.toFixed(1)).join('/')} at the end` : ''}. Every peer ran in its own child process, in the same run; the machine is shared and noisy, so read medians and ratios, not single numbers.`,
  );
  lines.push('');
  lines.push(`## Registration: time and heap per task (distinct \`s m h * * *\` patterns)`);
  lines.push('');
  lines.push(
    table(
      [
        'scheduler',
        ...sizes.map((n) => `us/task @${n.toLocaleString('en-US')}`),
        ...sizes.map((n) => `bytes/task @${n.toLocaleString('en-US')}`),
        `time vs crontray @${largest.toLocaleString('en-US')}`,
        `heap vs crontray @${largest.toLocaleString('en-US')}`,
      ],
      PEER_NAMES.map((peer) => [
        peer,
        ...sizes.map((n) => cell(r.register[peer][n], (x) => x.usPerTask)),
        ...sizes.map((n) => cell(r.register[peer][n], (x) => x.bytesPerTask, 0)),
        ratio(r.register[peer][largest]?.usPerTask, ct(largest)?.usPerTask),
        ratio(r.register[peer][largest]?.bytesPerTask, ct(largest)?.bytesPerTask),
      ]),
    ),
  );
  lines.push('');
  const timersAt = sizes.includes(10_000) ? 10_000 : sizes[sizes.length - 1];
  lines.push(`## Active timers and idling`);
  lines.push('');
  lines.push(
    table(
      [
        'scheduler',
        `active timers after ${timersAt.toLocaleString('en-US')} tasks`,
        `CPU ms over ${r.plan.idleSeconds} s idle (${r.plan.idleTasks.toLocaleString('en-US')} tasks)`,
        'timer wake-ups',
        'wake-ups per 30 s',
      ],
      PEER_NAMES.map((peer) => [
        peer,
        cell(r.register[peer][timersAt], (x) => x.activeTimers, 0),
        cell(r.idle[peer], (x) => x.cpuMs),
        cell(r.idle[peer], (x) => x.wakeups, 0),
        cell(r.idle[peer], (x) => (x.wakeups * 30) / x.seconds),
      ]),
    ),
  );
  lines.push('');
  lines.push(
    `## Firing lateness of a per-second task (ms after the second, ${r.plan.firings} firings)`,
  );
  lines.push('');
  const backs = r.plan.backgrounds;
  lines.push(
    table(
      [
        'scheduler',
        ...backs.flatMap((b) => {
          const label = b === 1 ? 'alone' : `+${b.toLocaleString('en-US')} tasks`;
          return [`median ${label}`, `p95 ${label}`, `max ${label}`, `median - floor ${label}`];
        }),
      ],
      ['floor', ...PEER_NAMES].map((peer) => [
        peer === 'floor' ? 'floor (bare setTimeout)' : peer,
        ...backs.flatMap((b) => {
          const x = r.lateness[b][peer];
          const floor = r.lateness[b].floor;
          return [
            cell(x, (v) => v.median, 2),
            cell(x, (v) => v.p95, 2),
            cell(x, (v) => v.max, 2),
            peer === 'floor' ? '-' : cell(x, (v) => v.median - floor.median, 2),
          ];
        }),
      ]),
    ),
  );
  lines.push('');
  lines.push(`## ${r.plan.burst.toLocaleString('en-US')} tasks due in the same second`);
  lines.push('');
  lines.push(
    table(
      [
        'scheduler',
        'first started (ms after due)',
        'last started (ms after due)',
        'started',
        'every round: first / last (ms)',
      ],
      PEER_NAMES.map((peer) => [
        peer,
        cell(r.burst[peer], (x) => x.firstMs, 2),
        cell(r.burst[peer], (x) => x.lastMs, 2),
        cell(r.burst[peer], (x) => x.started, 0),
        burstRoundsText(r.burst[peer]),
      ]),
    ),
  );
  lines.push('');
  lines.push('## JobCache (warm page cache)');
  lines.push('');
  lines.push(
    table(
      [
        'run files',
        'full scan ms',
        'idle poll ms (median)',
        'full re-stat ms (median)',
        'filtered query us (median / p99)',
      ],
      r.plan.jobFiles.map((files) => {
        const x = r.jobCache[files];
        return [
          files.toLocaleString('en-US'),
          cell(x, (v) => v.scanMs, 0),
          cell(x, (v) => v.idlePoll.median, 1),
          cell(x, (v) => v.fullRestat.median, 0),
          x?.error
            ? `(${x.error})`
            : `${fmt(x.filteredQueryUs.median)} / ${fmt(x.filteredQueryUs.p99)}`,
        ];
      }),
    ),
  );
  lines.push('');
  lines.push('## Caches and the headless API');
  lines.push('');
  const cm = r.cacheMemory;
  const cd = r.cacheDisk;
  const api = r.api;
  lines.push(
    table(
      ['measure', 'value'],
      [
        ['CacheMemory hit, awaited (ns/call)', cell(cm, (x) => x.hitNs)],
        ['plain property read, awaited (ns/call)', cell(cm, (x) => x.plainAwaitedReadNs)],
        ['CacheMemory hit overhead (ns/call)', cell(cm, (x) => x.overheadNs)],
        [
          'Cache 1 KB: first get, source + write (ms, median)',
          cell(cd, (x) => x['1KB'].writeMs.median, 2),
        ],
        [
          'Cache 1 KB: read back from disk (ms, median)',
          cell(cd, (x) => x['1KB'].readMs.median, 2),
        ],
        [
          'Cache 1 MB: first get, source + write (ms, median)',
          cell(cd, (x) => x['1MB'].writeMs.median, 2),
        ],
        [
          'Cache 1 MB: read back from disk (ms, median)',
          cell(cd, (x) => x['1MB'].readMs.median, 2),
        ],
        [
          `headless tasks:list with ${r.plan.apiTasks} tasks, p50 (ms)`,
          cell(api, (x) => x.tasksList.median, 2),
        ],
        [
          `headless tasks:list with ${r.plan.apiTasks} tasks, p99 (ms)`,
          cell(api, (x) => x.tasksList.p99, 2),
        ],
        [
          'headless tasks:create (ms per task, 8 in flight on kept-alive connections)',
          cell(api, (x) => x.createMsPerTask, 2),
        ],
        [
          'headless tasks:create (ms per task, 8 in flight, a new connection per call)',
          cell(api, (x) => x.createNewConnectionMsPerTask, 2),
        ],
      ],
    ),
  );
  lines.push('');
  lines.push(...startupSection(r));
  lines.push(...clusterSection(r.cluster));
  lines.push(...alertsReport(r));
  lines.push('## Targets (issue 12: the engine and the write path)');
  lines.push('');
  lines.push(table(['target', 'measured', 'met'], engineTargets(r)));
  lines.push('');
  lines.push('## Targets (issue 8)');
  lines.push('');
  lines.push(table(['target', 'measured', 'met'], targets(r)));
  lines.push('');
  const notes = join(HERE, 'NOTES.md');
  if (existsSync(notes)) lines.push(readFileSync(notes, 'utf8').trim(), '');
  return `${lines.join('\n')}\n`;
}

/** Spawn to URL and to the first history:runs answer, without and with the saved run index. */
function startupSection(r) {
  const s = r.startup;
  if (!s) return [];
  const files = (r.plan.startupFiles ?? s.files ?? 0).toLocaleString('en-US');
  return [
    `## Start-up with ${files} run files (headless, spawn to URL / to the first history:runs)`,
    '',
    table(
      ['start', 'to URL ms', 'to first history:runs ms'],
      [
        [
          'no saved run index (reads every file)',
          cell(s, (x) => x.withoutIndex.openMs, 0),
          cell(s, (x) => x.withoutIndex.firstQueryMs, 0),
        ],
        [
          `saved run index (median of ${s.withIndex?.openMs?.n ?? '-'})`,
          cell(s, (x) => x.withIndex.openMs.median, 0),
          cell(s, (x) => x.withIndex.firstQueryMs.median, 0),
        ],
      ],
    ),
    '',
  ];
}

/** Issue 13: the engine's lateness with alerts off and on (every run raising an alert). */
function alertsReport(r) {
  if (!r.alerts?.off && !r.alerts?.on) return [];
  const row = (label, x) => [
    label,
    cell(x, (v) => v.median, 2),
    cell(x, (v) => v.p95, 2),
    cell(x, (v) => v.max, 2),
    cell(x, (v) => v.runsPerSecond, 1),
    cell(x, (v) => v.cpuPercent, 1),
    cell(x, (v) => v.alertsRaised, 0),
    cell(x, (v) => v.alertsReceived, 0),
  ];
  return [
    `## Alerts on the run path (${r.plan.alertTasks.toLocaleString('en-US')} tasks failing and recovering in turn)`,
    '',
    `A per-second probe's lateness (ms after the second, ${r.plan.alertFirings} firings) while the background tasks each run once a minute and every run raises a failure or a recovery alert, delivered to a webhook receiver in another process; "off" runs the same tasks with no alert monitor.`,
    '',
    table(
      [
        'alerts',
        'median',
        'p95',
        'max',
        'background runs/s',
        'CPU %',
        'alerts raised',
        'alerts received',
      ],
      [row('off', r.alerts.off), row('on', r.alerts.on)],
    ),
    '',
  ];
}

function targets(r) {
  const rows = [];
  const add = (label, value, ok) =>
    rows.push([label, value, ok === null ? '-' : ok ? 'yes' : '**no**']);
  const sizes = r.plan.sizes;
  const largest = sizes[sizes.length - 1];
  const reg = r.register.crontray?.[largest];
  add(
    `registration <= 50 us/task @${largest.toLocaleString('en-US')}`,
    cell(reg, (x) => x.usPerTask),
    reg && !reg.error ? reg.usPerTask <= 50 : false,
  );
  add(
    `heap <= 2 KB/task @${largest.toLocaleString('en-US')}`,
    cell(reg, (x) => x.bytesPerTask, 0),
    reg && !reg.error ? reg.bytesPerTask <= 2048 : false,
  );
  const timers = sizes.map((n) => r.register.crontray?.[n]?.activeTimers);
  add(
    'exactly one active timer whatever the task count',
    timers.join(', '),
    timers.every((t) => t === 1),
  );
  const idle = r.idle.crontray;
  const idleRate = idle && !idle.error ? (idle.wakeups * 30) / idle.seconds : null;
  add('<= 1 wake-up per 30 s while idle', fmt(idleRate, 2), idleRate !== null && idleRate <= 1.05);
  for (const b of r.plan.backgrounds) {
    const x = r.lateness[b].crontray;
    const floor = r.lateness[b].floor;
    const label = b === 1 ? 'alone' : `with ${b.toLocaleString('en-US')} tasks`;
    const ok = x && !x.error && floor && !floor.error;
    add(
      `lateness median within 1 ms of the floor, ${label}`,
      ok ? `${fmt(x.median, 2)} vs ${fmt(floor.median, 2)}` : '-',
      ok ? x.median - floor.median <= 1 : false,
    );
    add(
      `lateness p95 <= 5 ms, ${label}`,
      cell(x, (v) => v.p95, 2),
      ok ? x.p95 <= 5 : false,
    );
  }
  const burst = r.burst.crontray;
  add(
    `${r.plan.burst} simultaneous tasks all started within 50 ms`,
    cell(burst, (x) => x.lastMs, 2),
    burst && !burst.error && burst.lastMs !== null ? burst.lastMs <= 50 : false,
  );
  const st = r.startup;
  if (st && r.plan.startupFiles === 100_000) {
    add(
      'start-up @100,000 run files: first history:runs < 1 s',
      cell(st, (x) => x.withIndex.firstQueryMs.median, 0),
      !st.error && st.withIndex.firstQueryMs.median < 1000,
    );
  }
  const api = r.api;
  if (api && r.plan.apiTasks === 1000) {
    add(
      'tasks:list @1,000 tasks: p50 <= 5 ms',
      cell(api, (x) => x.tasksList.median, 2),
      !api.error && api.tasksList.median <= 5,
    );
  }
  const off = r.alerts?.off;
  const on = r.alerts?.on;
  if (off || on) {
    const ok = off && on && !off.error && !on.error;
    add(
      'lateness median with alerts on within 1 ms of alerts off (issue 13)',
      ok ? `${fmt(on.median, 2)} vs ${fmt(off.median, 2)}` : '-',
      ok ? on.median - off.median <= 1 : false,
    );
  }
  const se = r.search;
  if (se && r.plan.searchFiles) {
    const n = r.plan.searchFiles.toLocaleString('en-US');
    add(
      `Search @${n}: query p95 <= 300 ms`,
      cell(se, (x) => x.queryMs.p95),
      !se.error && se.queryMs.p95 <= 300,
    );
    add(
      `Search @${n}: index heap <= 150 MB`,
      cell(se, (x) => x.heapMB),
      !se.error && se.heapMB <= 150,
    );
    add(
      `Search @${n}: start-up <= 2 s (built after, in the background)`,
      cell(se, (x) => x.startMs, 0),
      !se.error && se.startMs <= 2000,
    );
  }
  const jc = r.jobCache[100_000];
  if (jc) {
    add(
      'JobCache @100,000: scan < 3 s',
      cell(jc, (x) => x.scanMs, 0),
      !jc.error && jc.scanMs < 3000,
    );
    add(
      'JobCache @100,000: idle poll < 300 ms',
      cell(jc, (x) => x.idlePoll.median),
      !jc.error && jc.idlePoll.median < 300,
    );
    add(
      'JobCache @100,000: filtered query < 20 ms',
      cell(jc, (x) => x.filteredQueryUs.p99 / 1000, 3),
      !jc.error && jc.filteredQueryUs.p99 < 20_000,
    );
  }
  return rows;
}
