import { describe, expect, it } from 'vitest';
import { HOUR, MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';
import { SchedulerError } from '../../../main/core/schedule/scheduler-error.js';

const noop = (): void => undefined;

describe('event triggers', () => {
  it('a "when Crontray starts" task (crontab @reboot) runs once at the first start, not after a pause, and never by its schedule', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    const id = await scheduler.schedule({
      name: 'mount-backup-disk',
      schedule: { kind: 'cron', pattern: '0 0 * * *' },
      triggers: { events: ['start'], eventsOnly: true },
      action: noop,
    });
    expect(scheduler.get(id)?.nextDueAt).toBeNull();
    scheduler.start();
    await clock.advance(SEC);
    await scheduler.stop();
    scheduler.start();
    await clock.advance(2 * 24 * HOUR);
    expect(finals().map((r) => [r.trigger, r.status, r.scheduledFor])).toEqual([
      ['startup', 'succeeded', T0],
    ]);
    await scheduler.stop();
  });

  it('an "after the machine wakes" task runs when a wake comes more than a minute late, beside its schedule', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    await scheduler.schedule({
      name: 'sync',
      schedule: { kind: 'cron', pattern: '0 12 * * *' },
      triggers: { events: ['wake'] },
      action: noop,
    });
    scheduler.start();
    // A 50 s stall is not a sleep: the next wake is late by less than a minute.
    clock.jump(T0 + 50 * SEC);
    await clock.advance(30 * SEC);
    expect(finals()).toEqual([]);
    // The lid was closed for two hours: the timer fires that late.
    clock.jump(T0 + 2 * HOUR);
    await clock.advance(30 * SEC);
    expect(finals().map((r) => [r.trigger, r.status])).toEqual([['wake', 'succeeded']]);
    expect(finals()[0]?.scheduledFor).toBeGreaterThan(T0 + 2 * HOUR);
    await clock.advanceTo(Date.UTC(2026, 0, 5, 12, 0, 1));
    expect(finals().map((r) => r.trigger)).toEqual(['wake', 'schedule']);
    await scheduler.stop();
  });

  it('runs an "after the machine wakes" task at once when the host says the machine woke, and once only', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    await scheduler.schedule({
      name: 'sync',
      schedule: { kind: 'cron', pattern: '0 12 * * *' },
      triggers: { events: ['wake'] },
      action: noop,
    });
    scheduler.start();
    // Asleep for two hours: no timer fired; powerMonitor's 'resume' comes first.
    clock.jump(T0 + 2 * HOUR);
    await scheduler.wake();
    expect(finals().map((r) => [r.trigger, r.scheduledFor])).toEqual([['wake', T0 + 2 * HOUR]]);
    // The timer that slept through it does not start a second run.
    await clock.advance(MIN);
    expect(finals()).toHaveLength(1);
    await scheduler.stop();
  });

  it('refuses "events only" without an event, naming the field', async () => {
    const { scheduler } = makeScheduler();
    const attempt = scheduler.schedule({
      name: 'nothing',
      schedule: { kind: 'interval', everyMs: 10 * MIN },
      triggers: { eventsOnly: true },
      action: noop,
    });
    await expect(attempt).rejects.toBeInstanceOf(SchedulerError);
    await expect(attempt).rejects.toMatchObject({ field: 'triggers.eventsOnly' });
    expect(scheduler.list()).toEqual([]);
  });
});
