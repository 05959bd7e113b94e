import { describe, it, expect } from 'vitest';
import { SchedulerError } from '../../../main/core/schedule/scheduler-error.js';
import { HOUR, MIN, T0, makeScheduler } from './scheduler-fixture.js';

describe('registration', () => {
  it('rejects an invalid cron pattern with a sentence naming the field; library callers also see the pattern', async () => {
    const { scheduler } = makeScheduler();
    const bad = scheduler.scheduleCron({ name: 'bad', pattern: '61 * * * *', action: () => 1 });
    await expect(bad).rejects.toThrow(
      "TaskScheduler: pattern '61 * * * *': Minute 61 does not exist: minutes run 0–59.",
    );
    await expect(bad).rejects.toMatchObject({
      code: 'invalid',
      field: 'schedule.pattern',
      plainMessage: 'Minute 61 does not exist: minutes run 0–59.',
    });
    await expect(
      scheduler.scheduleCron({ name: 'short', pattern: '* * * *', action: () => 1 }),
    ).rejects.toThrow(/^TaskScheduler: A cron pattern has 5 fields .*; '\* \* \* \*' has 4\.$/);
  });

  it('refuses a pattern that never fires, and says why', async () => {
    const { scheduler } = makeScheduler();
    await expect(
      scheduler.scheduleCron({ name: 'feb30', pattern: '0 0 30 2 *', action: () => 1 }),
    ).rejects.toThrow(
      /^TaskScheduler: The pattern '0 0 30 2 \*' never fires after 2026-01-05: February has no day 30\.$/,
    );
    await expect(
      scheduler.scheduleCron({ name: 'past', pattern: '0 0 0 1 1 * 2020', action: () => 1 }),
    ).rejects.toThrow(/never fires after 2026-01-05: its last year, 2020, is past/);
    await expect(
      scheduler.scheduleCron({ name: 'empty', pattern: '70/5 * * * * *', action: () => 1 }),
    ).rejects.toThrow(
      /'70\/5' starts past the end of the second field, so the pattern never fires/,
    );
  });

  it('names the field and the reason for invalid definitions', async () => {
    const { scheduler } = makeScheduler();
    await expect(
      scheduler.scheduleInterval({ name: 'x', everyMs: 10, action: () => 1 }),
    ).rejects.toThrow('TaskScheduler: schedule.everyMs: everyMs must be at least 100 ms');
    await expect(
      scheduler.scheduleCron({ name: '../up', pattern: '* * * * *', action: () => 1 }),
    ).rejects.toThrow(/TaskScheduler: name: /);
    await expect(
      scheduler.scheduleCron({
        name: 'tz',
        pattern: '* * * * *',
        timezone: 'Mars/Olympus',
        action: () => 1,
      }),
    ).rejects.toThrow(
      "TaskScheduler: timezone: timezone 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Berlin)",
    );
    await expect(
      scheduler.scheduleOnce({ name: 'old', at: T0 - 1, action: () => 1 }),
    ).rejects.toThrow(/schedule.at .* is in the past/);
  });

  it('gives back the same id for the same name, schedule and action, and a new id otherwise', async () => {
    const { scheduler } = makeScheduler();
    const action = () => 1;
    const a = await scheduler.scheduleCron({ name: 'sync', pattern: '*/5 * * * *', action });
    const b = await scheduler.scheduleCron({
      name: 'sync',
      pattern: '*/5  * * * *',
      dayMatch: 'or',
      action,
    });
    const c = await scheduler.scheduleCron({
      name: 'sync',
      pattern: '*/5 * * * *',
      action: () => 1,
    });
    const d = await scheduler.scheduleCron({
      name: 'sync',
      pattern: '*/5 * * * *',
      project: 'other',
      action,
    });
    expect(b).toBe(a);
    expect(new Set([a, c, d]).size).toBe(3);
    expect(scheduler.list()).toHaveLength(3);
  });

  it('keeps tasks of one definition apart by their action, through removal and change', async () => {
    const { scheduler } = makeScheduler();
    const def = { name: 'sync', pattern: '*/5 * * * *' };
    const [one, two, three] = [() => 1, () => 2, () => 3];
    const a = await scheduler.scheduleCron({ ...def, action: one });
    const b = await scheduler.scheduleCron({ ...def, action: two });
    const c = await scheduler.scheduleCron({ ...def, action: three });
    expect(new Set([a, b, c]).size).toBe(3);
    expect(await scheduler.scheduleCron({ ...def, action: two })).toBe(b);
    expect(await scheduler.scheduleCron({ ...def, action: one })).toBe(a);
    await scheduler.unschedule(b);
    expect(await scheduler.scheduleCron({ ...def, action: two })).not.toBe(b);
    await expect(scheduler.update(c, { action: one })).rejects.toMatchObject({
      code: 'conflict',
    });
    await scheduler.update(c, { action: () => 4 });
    expect(await scheduler.scheduleCron({ ...def, action: three })).not.toBe(c);
    expect(scheduler.list()).toHaveLength(4);
  });

  it('treats data actions with the same content as the same action', async () => {
    const { scheduler } = makeScheduler<{ kind: string; url: string }>();
    const a = await scheduler.scheduleInterval({
      name: 'ping',
      everyMs: 1000,
      action: { kind: 'http', url: 'http://x' },
    });
    const b = await scheduler.scheduleInterval({
      name: 'ping',
      everyMs: 1000,
      action: { url: 'http://x', kind: 'http' },
    });
    expect(b).toBe(a);
  });

  it('takes every instant as a Date, an ISO string or epoch milliseconds, and they agree', async () => {
    const { scheduler } = makeScheduler();
    const at = T0 + HOUR;
    const ids = [
      await scheduler.scheduleOnce({ name: 'date', at: new Date(at), action: () => 1 }),
      await scheduler.scheduleOnce({
        name: 'iso',
        at: new Date(at).toISOString(),
        action: () => 1,
      }),
      await scheduler.scheduleOnce({ name: 'ms', at, action: () => 1 }),
    ];
    expect(ids.map((id) => scheduler.get(id)?.nextDueAt)).toEqual([at, at, at]);
    const every = await scheduler.scheduleInterval({
      name: 'window',
      everyMs: MIN,
      startAt: new Date(at),
      until: new Date(at + 2 * MIN),
      action: () => 1,
    });
    expect(scheduler.nextRuns(every, 5)).toEqual([at, at + MIN, at + 2 * MIN]);
    const loop = await scheduler.scheduleRoutine({
      name: 'loop',
      waitMs: MIN,
      until: new Date(at),
      action: () => 1,
    });
    expect(scheduler.get(loop)?.definition.schedule).toMatchObject({ until: at });
  });

  it('refuses an invalid Date with a sentence naming the field', async () => {
    const { scheduler } = makeScheduler();
    const error = await scheduler
      .scheduleOnce({ name: 'bad', at: new Date('not a date'), action: () => 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error).toMatchObject({ code: 'invalid', field: 'schedule.at' });
    expect((error as SchedulerError).plainMessage).not.toMatch(/TaskScheduler/);
  });
});
