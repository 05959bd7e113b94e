import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';

const TASKS = 1000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The rule: no frame over 50 ms while scrolling and zooming. */
const FRAME_LIMIT_MS = 50;

/** Monday 00:00 of the week holding `at`, as the week view loads it. */
function mondayOf(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d.getTime();
}

function patternOf(i: number): string {
  const minute = i % 60;
  if (i % 3 === 0) return `${minute} * * * *`;
  if (i % 3 === 1) return `${minute % 30},${(minute % 30) + 30} * * * *`;
  return `${minute} */3 * * *`;
}

/** A run record as the engine writes it; every 3 hours per task, some failing or skipped. */
function runRecord(task: { id: string; name: string }, i: number, k: number, at: number) {
  const kind = (i + k) % 17;
  const status = kind === 0 ? 'skipped' : kind === 1 ? 'failed' : 'succeeded';
  const duration = ((i * 7 + k * 13) % 20) * MINUTE + 2000;
  return {
    runId: `seed-${i}-${k}`,
    taskId: task.id,
    project: `project-${i % 12}`,
    group: 'default',
    name: task.name,
    status,
    trigger: 'schedule',
    scheduledFor: at,
    startedAt: status === 'skipped' ? null : at,
    endedAt: status === 'skipped' ? null : at + duration,
    exitCode: status === 'failed' ? 1 : status === 'succeeded' ? 0 : null,
    stdout: { head: `run ${k} of ${task.name}\n`, tail: '', truncated: false, totalBytes: 20 },
  };
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map(work));
}

describe('the week view with 1,000 tasks in a real browser', () => {
  let dataDir: string;
  let app: HeadlessProcess | undefined;
  let browser: BrowserSession | undefined;
  let now: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crontray-e2e-frames-'));
    const first = await startHeadless({ testMode: true, dataDir });
    const tasks: { id: string; name: string; i: number }[] = [];
    await inBatches(
      Array.from({ length: TASKS }, (_, i) => i),
      20,
      async (i) => {
        const name = `task-${String(i).padStart(4, '0')}`;
        const created = (await call(first, 'tasks:create', {
          name,
          project: `project-${i % 12}`,
          schedule: { kind: 'cron', pattern: patternOf(i) },
          action: { kind: 'shell', program: 'true' },
          ...(i % 10 === 0
            ? { triggers: { quiet: { windows: [{ kind: 'daily', from: '22:00', to: '06:00' }] } } }
            : {}),
          ...(i % 10 === 5 ? { triggers: { jitterSec: 1800 } } : {}),
        })) as { id: string };
        tasks.push({ id: created.id, name, i });
      },
    );
    await first.stop();
    // A history of past runs from Monday to now, written as the engine writes records and read
    // by a fresh start (the index is built from the folders). The clock is not moved: moving a
    // virtual clock days ahead fires every periodic timer on the way.
    now = Date.now();
    const monday = mondayOf(now);
    // At most some 28 runs per task, so a Sunday evening does not write 50,000 files.
    const step = Math.max(3 * HOUR, Math.ceil((now - monday) / 28));
    const writes: (() => Promise<void>)[] = [];
    for (const task of tasks) {
      const dir = join(dataDir, 'jobs', `project-${task.i % 12}`, 'default', task.name);
      await mkdir(dir, { recursive: true });
      for (let k = 0, at = monday + (task.i % 60) * MINUTE; at < now - HOUR; k++, at += step) {
        const record = runRecord(task, task.i, k, at);
        writes.push(() => writeFile(join(dir, `${record.runId}.json`), JSON.stringify(record)));
      }
    }
    await inBatches(writes, 200, (w) => w());
    // Reading some 28,000 records at start takes a while on a busy machine.
    app = await startHeadless({ testMode: true, dataDir, startTimeoutMs: 180_000 });
    browser = await openBrowser({ width: 1280, height: 800 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every frame under 50 ms while scrolling and zooming the week', async () => {
    const { page } = browser!;
    await page.goto(app!.url);
    await page.evaluate(
      (hash) => (window.location.hash = hash),
      `#/timeline/week/${new Date(now).toISOString()}`,
    );
    const canvas = page.getByTestId('timeline-canvas');
    await expect.poll(() => canvas.isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await canvas.getAttribute('aria-label')).toContain(`${TASKS} tasks`);
    const range = await canvas.evaluate((c) => ({ ...(c as HTMLCanvasElement).dataset }));
    expect(Number(range.to) - Number(range.from)).toBe(7 * DAY);
    await canvas.focus();

    // One input event per animation frame, dispatched in the page as a person's wheel and keys
    // would arrive: scroll down the rows, zoom in on Thursday, pan, zoom out, scroll back up.
    const frames = await canvas.evaluate(async (el) => {
      const steps: (() => Event)[] = [];
      const wheel = (init: WheelEventInit) => () =>
        new WheelEvent('wheel', {
          bubbles: true,
          cancelable: true,
          clientX: 800,
          clientY: 300,
          ...init,
        });
      const key = (k: string) => () =>
        new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true });
      for (let i = 0; i < 120; i++) steps.push(wheel({ deltaY: 90 }));
      for (let i = 0; i < 20; i++) steps.push(wheel({ deltaY: -120, ctrlKey: true }));
      for (let i = 0; i < 40; i++) steps.push(wheel({ deltaX: 60 }));
      for (let i = 0; i < 20; i++) steps.push(key('PageDown'));
      for (let i = 0; i < 30; i++) steps.push(key(i % 2 === 0 ? 'ArrowLeft' : 'ArrowDown'));
      for (let i = 0; i < 25; i++) steps.push(wheel({ deltaY: 120, ctrlKey: true }));
      for (let i = 0; i < 10; i++) steps.push(key('-'));
      for (let i = 0; i < 120; i++) steps.push(wheel({ deltaY: -90 }));
      for (let i = 0; i < 10; i++) steps.push(key('+'));
      steps.push(key('0'));
      const times: number[] = [];
      await new Promise<void>((done) => {
        let i = 0;
        const tick = (t: number) => {
          times.push(t);
          if (i >= steps.length + 2) return done();
          if (i < steps.length) el.dispatchEvent(steps[i]!());
          i++;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      return times.slice(1).map((t, i) => t - times[i]!);
    });
    const sorted = [...frames].sort((a, b) => a - b);
    const worst = sorted[sorted.length - 1]!;
    const p95 = sorted[Math.floor(sorted.length * 0.95)]!;
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    console.log(
      `timeline week, ${TASKS} tasks: ${frames.length} frames, worst ${worst.toFixed(1)} ms, ` +
        `p95 ${p95.toFixed(1)} ms, median ${median.toFixed(1)} ms (load average ${load})`,
    );
    // The view really moved: the rows scrolled and the span zoomed back out to the whole week.
    const end = await canvas.evaluate((c) => ({ ...(c as HTMLCanvasElement).dataset }));
    expect(Number(end.to) - Number(end.from)).toBe(7 * DAY);
    expect(frames.length).toBeGreaterThan(390);
    expect(worst).toBeLessThanOrEqual(FRAME_LIMIT_MS);
  });
});
