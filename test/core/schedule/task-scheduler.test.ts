import { describe, it, expect } from 'vitest';
import { MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';

describe('changing tasks', () => {
  it('update takes effect at once and re-arms', async () => {
    const { scheduler, clock } = makeScheduler();
    const seen: number[] = [];
    const id = await scheduler.scheduleCron({
      name: 'c',
      pattern: '0 9 * * *',
      timezone: 'UTC',
      action: () => seen.push(clock.now()),
    });
    scheduler.start();
    await clock.advance(SEC);
    await scheduler.update(id, { schedule: { kind: 'cron', pattern: '*/10 * * * * *' } });
    expect(scheduler.get(id)?.nextDueAt).toBe(T0 + 10 * SEC);
    await clock.advance(10 * SEC);
    expect(seen).toEqual([T0 + 10 * SEC]);
    await expect(
      scheduler.update(id, { schedule: { kind: 'cron', pattern: '* * 99 * *' } }),
    ).rejects.toThrow(/TaskScheduler: pattern/);
  });

  it('disable stops a task, enable starts it again from now, unschedule removes it', async () => {
    const { scheduler, clock, statuses, events } = makeScheduler();
    const id = await scheduler.scheduleInterval({ name: 'i', everyMs: SEC, action: () => 1 });
    scheduler.start();
    await scheduler.disable(id);
    await clock.advance(5 * SEC);
    expect(statuses()).toEqual([]);
    await scheduler.enable(id);
    await clock.advance(SEC);
    expect(statuses()).toEqual(['schedule:succeeded']);
    expect(await scheduler.unschedule(id)).toBe(true);
    expect(await scheduler.unschedule(id)).toBe(false);
    await clock.advance(5 * SEC);
    expect(statuses()).toHaveLength(1);
    expect(events.filter((e) => e.type === 'task:changed')).toHaveLength(4);
    expect(() => scheduler.nextRuns(id)).toThrow(/no task with id/);
  });

  it('nextRuns lists upcoming instants for a task and for a definition', async () => {
    const { scheduler } = makeScheduler();
    const id = await scheduler.scheduleCron({
      name: 'c',
      pattern: '0 */6 * * *',
      timezone: 'UTC',
      action: () => 1,
    });
    expect(scheduler.nextRuns(id, 3)).toEqual([
      Date.UTC(2026, 0, 5, 12),
      Date.UTC(2026, 0, 5, 18),
      Date.UTC(2026, 0, 6, 0),
    ]);
    expect(
      scheduler.nextRuns({ name: 'p', schedule: { kind: 'interval', everyMs: MIN } }, 2),
    ).toEqual([T0 + MIN, T0 + 2 * MIN]);
  });
});
