/**
 * The cost of alerts on the run path: the engine with `tasks` background tasks that fail and
 * recover on alternate runs (so every finished run raises an alert), with the alert monitor fed
 * every record and delivering to a webhook receiver in another process ("alerts": true), or
 * with no monitor at all (false). A per-second probe task measures the engine's due-time
 * lateness as scheduler-child.js does.
 *   node --expose-gc bench/alerts-child.js '{"tasks":1000,"firings":20,"alerts":true}'
 * Prints `RESULT <json>` as its last line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskScheduler, nullRunSink } from '../dist/main/core/schedule/index.js';
import { AlertMonitor } from '../dist/main/core/alerts/alert-monitor.js';
import { alertSettings } from '../dist/main/core/alerts/alert-config.js';
import { PlaintextCipher } from '../dist/main/core/store/cipher-plaintext.js';
import { systemClock } from '../dist/main/core/time/clock.js';
import { summary, wallClock } from './stats.js';

const options = { tasks: 1000, firings: 20, alerts: true, ...JSON.parse(process.argv[2] ?? '{}') };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A webhook receiver in its own process, so its work is not counted against the engine's. */
async function startReceiver() {
  const code = `
    let n = 0;
    const s = require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => { n++; res.writeHead(200).end('ok'); });
    });
    s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));
    process.on('SIGTERM', () => { console.log('RECEIVED ' + n); process.exit(0); });`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise((resolve) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve(Number(/RECEIVED (\d+)/.exec(out)?.[1] ?? 0)));
        proc.kill('SIGTERM');
      }),
  };
}

const dir = await mkdtemp(join(tmpdir(), 'crontray-bench-alerts-'));
const receiver = options.alerts ? await startReceiver() : null;
let monitor = null;
if (receiver) {
  monitor = new AlertMonitor({
    dir: join(dir, 'alerts'),
    cipher: new PlaintextCipher(),
    clock: systemClock,
    logger: quiet,
    taskSecrets: async () => [],
  });
  await monitor.open();
  await monitor.config.setSettings(
    alertSettings.parse({
      channels: [{ id: 'hook', name: 'Receiver', kind: 'webhook', url: receiver.url }],
      defaultChannels: ['hook'],
    }),
  );
}

let finished = 0;
const sink = {
  write(record) {
    if (record.status !== 'running' && record.name !== 'probe') finished++;
    if (monitor) monitor.record(record);
    return nullRunSink.write(record);
  },
};
const scheduler = new TaskScheduler({ sink, logger: quiet, globalConcurrency: 1000 });
scheduler.start();
for (let i = 0; i < options.tasks; i++) {
  // Spread over the minute: about tasks/60 runs every second, each the opposite of the last.
  const pattern = `${i % 60} * * * * *`;
  let broken = false;
  const id = await scheduler.scheduleCron({
    name: `flapping ${i}`,
    pattern,
    action: () => {
      broken = !broken;
      if (broken) throw new Error('broken');
    },
  });
  monitor?.watchTask({
    task: { id, name: `flapping ${i}`, project: 'bench', group: 'alerts' },
    schedule: { kind: 'cron', pattern, dayMatch: 'or' },
    timezone: undefined,
    createdAt: Date.now(),
    enabled: true,
  });
}
monitor?.deadman.check();
globalThis.gc?.();

const clock = wallClock();
const samples = [];
let resolveDone;
const done = new Promise((r) => (resolveDone = r));
let cpu0 = null;
let finished0 = 0;
let t0 = 0;
await scheduler.scheduleCron({
  name: 'probe',
  pattern: '* * * * * *',
  action: () => {
    const t = clock.now();
    const late = t - Math.floor(t / 1000) * 1000;
    samples.push(late > 900 ? late - 1000 : late);
    if (samples.length === 1) {
      cpu0 = process.cpuUsage();
      finished0 = finished;
      t0 = performance.now();
    }
    if (samples.length === options.firings + 1) resolveDone();
  },
});
await done;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const runs = finished - finished0;
await scheduler.stop();
if (monitor) await monitor.whenIdle();
// Counted once the monitor has judged every record, so it compares with what was received.
const alerts = monitor?.outbox.list() ?? [];
await monitor?.close();
const received = receiver ? await receiver.stop() : 0;
await rm(dir, { recursive: true, force: true });

// The first firing may come right after registration; it is not counted.
console.log(
  `RESULT ${JSON.stringify({
    tasks: options.tasks,
    alerts: options.alerts,
    runsPerSecond: runs / seconds,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
    alertsRaised: alerts.length,
    alertsReceived: received,
    ...summary(samples.slice(1)),
  })}`,
);
process.exit(0);
