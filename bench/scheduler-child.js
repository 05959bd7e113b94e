/**
 * One measurement of one scheduler, in its own process so heaps and timers never mix:
 *   node --expose-gc bench/scheduler-child.js <measure> <peer> [options as JSON]
 * Prints `RESULT <json>` as its last line.
 */
import { createHook } from 'node:async_hooks';
import { PEERS, distinctPattern } from './peers.js';
import { summary, wallClock } from './stats.js';

const [measure, peerName, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? '{}');

function gc() {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
}

function activeTimers() {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

async function peer(extra = {}) {
  const make = PEERS[peerName];
  if (!make) throw new Error(`bench: unknown peer '${peerName}'`);
  return make(extra);
}

async function registerMany(p, n, now = new Date()) {
  for (let i = 0; i < n; i++) await p.schedule(distinctPattern(i, now), () => {}, i);
}

/** Registration time and retained heap per task, and the timers left armed. */
async function register() {
  const n = options.n;
  const p = await peer();
  p.start();
  const now = new Date();
  const patterns = Array.from({ length: n }, (_, i) => distinctPattern(i, now));
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await p.schedule(patterns[i], () => {}, i);
  const elapsed = performance.now() - t0;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  return {
    n,
    usPerTask: (elapsed * 1000) / n,
    bytesPerTask: (heapAfter - heapBefore) / n,
    activeTimers: activeTimers(),
  };
}

/** How late a per-second job fires after each second boundary, with `background` other jobs registered. */
async function lateness() {
  const firings = options.firings;
  const clock = wallClock();
  const samples = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const record = () => {
    const t = clock.now();
    const late = t - Math.floor(t / 1000) * 1000;
    // A firing just before its second would read ~999 ms late; it is early, so negative.
    samples.push(late > 900 ? late - 1000 : late);
    if (samples.length === firings + 1) resolveDone();
  };
  let stop;
  if (peerName === 'floor') {
    let timer;
    const arm = () => {
      const now = Date.now();
      timer = setTimeout(
        () => {
          record();
          arm();
        },
        1000 - (now % 1000),
      );
    };
    arm();
    stop = () => clearTimeout(timer);
  } else {
    const p = await peer();
    p.start();
    await registerMany(p, options.background);
    gc();
    await p.schedule('* * * * * *', record, 'probe');
    stop = () => p.stop();
  }
  await done;
  await stop();
  // The first firing may come right after a slow registration; it is not counted.
  return {
    background: options.background,
    offsetMs: clock.offset,
    samples: samples.slice(1),
    ...summary(samples.slice(1)),
  };
}

/** CPU time and timer callbacks while `n` jobs wait and none is due. */
async function idle() {
  // The hook is on before any job exists, so every timer the scheduler arms is known to it.
  const types = new Set();
  let wakeups = 0;
  let counting = false;
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout') types.add(id);
    },
    before(id) {
      if (counting && types.has(id)) wakeups++;
    },
    destroy(id) {
      types.delete(id);
    },
  });
  hook.enable();
  const p = await peer();
  p.start();
  await registerMany(p, options.n);
  gc();
  await new Promise((r) => setTimeout(r, 2000));
  counting = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, options.seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const elapsed = performance.now() - t0;
  counting = false;
  hook.disable();
  await p.stop();
  return {
    n: options.n,
    seconds: elapsed / 1000,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wakeups: Math.max(0, wakeups - 1), // the measuring timeout itself
    activeTimers: activeTimers(),
  };
}

/** 1000 jobs due in the same second: time from that second until the last has started. */
async function burst() {
  const n = options.n;
  const clock = wallClock();
  const p = await peer({ globalConcurrency: n });
  p.start();
  const due = new Date(Math.ceil((Date.now() + options.leadMs) / 1000) * 1000);
  const pattern = `${due.getSeconds()} ${due.getMinutes()} ${due.getHours()} * * *`;
  const starts = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  for (let i = 0; i < n; i++) {
    await p.schedule(
      pattern,
      () => {
        starts.push(clock.now());
        if (starts.length === n) resolveDone();
      },
      i,
    );
  }
  const registeredBeforeDue = Date.now() < due.getTime();
  const timeout = new Promise((r) => setTimeout(r, options.leadMs + 10_000));
  await Promise.race([done, timeout]);
  await p.stop();
  return {
    n,
    started: starts.length,
    registeredBeforeDue,
    firstMs: starts.length ? Math.min(...starts) - due.getTime() : null,
    lastMs: starts.length === n ? Math.max(...starts) - due.getTime() : null,
  };
}

const MEASURES = { register, lateness, idle, burst };

const result = await MEASURES[measure]();
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
