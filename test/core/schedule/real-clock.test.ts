import { describe, it, expect } from 'vitest';
import { TaskScheduler } from '../../../main/core/schedule/task-scheduler.js';
import { systemClock } from '../../../main/core/time/clock.js';

describe('on the real clock', () => {
  it('a per-second cron task fires once per second, never before its second starts (3 firings; lateness is measured in bench/)', async () => {
    const fired: { at: number; due: number | null }[] = [];
    const scheduler = new TaskScheduler({
      clock: systemClock,
      onEvent: (e) => {
        if (e.type === 'run:started')
          fired.push({ at: e.run.startedAt ?? 0, due: e.run.scheduledFor });
      },
    });
    const done = new Promise<void>((resolve) => {
      void scheduler.scheduleCron({
        name: 'every-second',
        pattern: '* * * * * *',
        overlap: 'parallel',
        maxConcurrent: 3,
        action: () => {
          if (fired.length >= 3) resolve();
        },
      });
    });
    scheduler.start();
    await done;
    await scheduler.stop();
    const dues = fired.slice(0, 3).map((f) => f.due ?? 0);
    expect(dues.every((d) => d % 1000 === 0)).toBe(true);
    expect(new Set(dues).size).toBe(3);
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.due ?? 0);
  });
});
