import { describe, it, expect } from 'vitest';
import { TaskScheduler } from '../../../main/core/schedule/task-scheduler.js';
import { systemClock } from '../../../main/core/time/clock.js';

describe('on the real clock', () => {
  it('a per-second cron task fires within 20 ms after each second boundary (measured over 3 firings)', async () => {
    const lateness: number[] = [];
    const scheduler = new TaskScheduler({ clock: systemClock });
    const done = new Promise<void>((resolve) => {
      void scheduler.scheduleCron({
        name: 'every-second',
        pattern: '* * * * * *',
        action: (ctx) => {
          lateness.push(Date.now() % 1000);
          if (lateness.length === 3) resolve();
          return ctx.runId;
        },
      });
    });
    scheduler.start();
    await done;
    await scheduler.stop();
    expect(lateness).toHaveLength(3);
    for (const ms of lateness) expect(ms).toBeLessThanOrEqual(20);
  });
});
