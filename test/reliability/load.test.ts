import { describe, expect, it } from 'vitest';
import { TaskScheduler } from '../../main/core/schedule/task-scheduler.js';
import { MemoryRunSink } from '../../main/core/schedule/run-sink.js';
import { systemClock } from '../../main/core/time/clock.js';

const TASKS = 200;
const SECONDS = 5;

/**
 * The short version of the soak's load test, on the real clock through the library API: counts
 * only, never timings (a busy CI machine may run late, but must never skip or repeat a run).
 */
describe('load on the real clock', () => {
  it(`${TASKS} tasks firing every second for ${SECONDS} s run every due time exactly once`, async () => {
    const sink = new MemoryRunSink(1_000_000);
    const scheduler = new TaskScheduler({ clock: systemClock, sink, globalConcurrency: 256 });
    // A whole second ahead, so every task is registered before the first one is due.
    const startAt = Math.ceil((Date.now() + 1000) / 1000) * 1000;
    let calls = 0;
    for (let i = 0; i < TASKS; i++) {
      await scheduler.scheduleInterval({
        name: `load ${i}`,
        everyMs: 1000,
        startAt,
        action: () => {
          calls++;
        },
      });
    }
    scheduler.start();
    // Wait for the runs, not for a time: a slow machine runs late, which is not what is tested.
    const deadline = Date.now() + 25_000;
    while (sink.finalRecords().length < TASKS * SECONDS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await scheduler.stop();

    const records = sink.finalRecords();
    const byTask = new Map<string, number[]>();
    for (const r of records) {
      expect(r.status, r.error ?? '').toBe('succeeded');
      byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r.scheduledFor ?? -1]);
    }
    expect(byTask.size).toBe(TASKS);
    for (const due of byTask.values()) {
      // Every second from startAt, none skipped and none twice, at least SECONDS of them.
      due.sort((a, b) => a - b);
      expect(due.length).toBeGreaterThanOrEqual(SECONDS);
      expect(due).toEqual(due.map((_, k) => startAt + k * 1000));
    }
    expect(calls).toBe(records.length);
  }, 30_000);
});
