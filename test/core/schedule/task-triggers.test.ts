import { describe, expect, it } from 'vitest';
import { HOUR, MIN, SEC, makeScheduler } from './scheduler-fixture.js';
import { SchedulerError } from '../../../main/core/schedule/scheduler-error.js';
import type { TaskTriggersInput } from '../../../main/core/model/triggers.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const noop = (): void => undefined;

/** The SchedulerError a registration is refused with. */
async function refusalOf(attempt: Promise<unknown>): Promise<SchedulerError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof SchedulerError) return error;
    throw error;
  }
  throw new Error('the registration was accepted');
}

/** A fixed sequence of "random" numbers, repeated. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

function cronTask(pattern: string, triggers: TaskTriggersInput, timezone = 'UTC') {
  return {
    name: 'backup',
    schedule: { kind: 'cron' as const, pattern },
    timezone,
    triggers,
    action: noop,
  };
}

describe('several schedules per task', () => {
  it('a task with weekdays at 09:00 Berlin and Saturdays at 11:00 New York runs at both, in their zones', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    const id = await scheduler.schedule(
      cronTask(
        '0 9 * * 1-5',
        {
          schedules: [
            { schedule: { kind: 'cron', pattern: '0 11 * * 6' }, timezone: 'America/New_York' },
          ],
        },
        'Europe/Berlin',
      ),
    );
    // T0 is Monday 2026-01-05 08:00Z (09:00 Berlin): the next are Tuesday to Friday, then Saturday.
    expect(scheduler.nextRuns(id, 6).map(iso)).toEqual([
      '2026-01-06T08:00:00.000Z',
      '2026-01-07T08:00:00.000Z',
      '2026-01-08T08:00:00.000Z',
      '2026-01-09T08:00:00.000Z',
      '2026-01-10T16:00:00.000Z',
      '2026-01-12T08:00:00.000Z',
    ]);
    scheduler.start();
    await clock.advanceTo(Date.UTC(2026, 0, 10, 16, 0, 1));
    expect(finals().map((r) => iso(r.scheduledFor ?? 0))).toEqual([
      '2026-01-06T08:00:00.000Z',
      '2026-01-07T08:00:00.000Z',
      '2026-01-08T08:00:00.000Z',
      '2026-01-09T08:00:00.000Z',
      '2026-01-10T16:00:00.000Z',
    ]);
    await scheduler.stop();
  });

  it('two schedules due at the same time give one run', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    await scheduler.schedule(
      cronTask('0 * * * *', {
        schedules: [{ schedule: { kind: 'cron', pattern: '0 */2 * * *' } }],
      }),
    );
    scheduler.start();
    await clock.advance(4 * HOUR + SEC);
    expect(finals().map((r) => iso(r.scheduledFor ?? 0))).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T10:00:00.000Z',
      '2026-01-05T11:00:00.000Z',
      '2026-01-05T12:00:00.000Z',
    ]);
    await scheduler.stop();
  });

  it('a schedule that cannot fire is refused naming which schedule, and the task is not added', async () => {
    const { scheduler } = makeScheduler();
    const error = await refusalOf(
      scheduler.schedule(
        cronTask('0 9 * * *', {
          schedules: [{ schedule: { kind: 'cron', pattern: '0 9 30 2 *' } }],
        }),
      ),
    );
    expect(error.field).toBe('triggers.schedules.0.schedule.pattern');
    expect(error.plainMessage).toMatch(/^schedule 2: .*February/);
    expect(scheduler.list()).toEqual([]);
  });
});

describe("Jenkins' H per task", () => {
  it("fixes H from the task's id: two tasks with the same H pattern get different, stable times", async () => {
    const a = makeScheduler();
    const first = await a.scheduler.schedule({ ...cronTask('H H(0-7) * * *', {}), name: 'one' });
    const second = await a.scheduler.schedule({ ...cronTask('H H(0-7) * * *', {}), name: 'two' });
    const times = [a.scheduler.nextRuns(first, 1)[0], a.scheduler.nextRuns(second, 1)[0]];
    expect(times[0]).not.toBe(times[1]);
    for (const at of times) expect(new Date(at ?? 0).getUTCHours()).toBeLessThanOrEqual(7);
    // The same ids on another start give the same times.
    const b = makeScheduler();
    const again = await b.scheduler.schedule({ ...cronTask('H H(0-7) * * *', {}), name: 'one' });
    expect(b.scheduler.nextRuns(again, 1)[0]).toBe(times[0]);
  });

  it('an H range outside its field is refused naming the field', async () => {
    const { scheduler } = makeScheduler();
    const error = await refusalOf(scheduler.schedule(cronTask('H(0-70) * * * *', {})));
    expect(error.field).toBe('schedule.pattern');
    expect(error.plainMessage).toBe(
      "The minute field's H(0-70) is outside 0–59: write H(0-59) or a narrower range.",
    );
  });
});

describe('random delay (jitter)', () => {
  it('each run starts its drawn delay after the due time and its record keeps the due time', async () => {
    const { scheduler, clock, finals } = makeScheduler({ random: sequence(0.5, 0.25) });
    await scheduler.schedule(cronTask('0 * * * *', { jitterSec: 600 }));
    scheduler.start();
    await clock.advance(HOUR + 4 * MIN);
    expect(finals()).toEqual([]);
    await clock.advance(MIN + SEC);
    await clock.advance(HOUR);
    const runs = finals().map((r) => [iso(r.scheduledFor ?? 0), iso(r.startedAt ?? 0), r.status]);
    expect(runs).toEqual([
      ['2026-01-05T09:00:00.000Z', '2026-01-05T09:05:00.000Z', 'succeeded'],
      ['2026-01-05T10:00:00.000Z', '2026-01-05T10:02:30.000Z', 'succeeded'],
    ]);
    await scheduler.stop();
  });

  it('tells the next start (due time + delay) in the task info', async () => {
    const { scheduler } = makeScheduler({ random: sequence(0.999_999) });
    const id = await scheduler.schedule(cronTask('0 9 * * *', { jitterSec: 60 }));
    expect(iso(scheduler.get(id)?.nextDueAt ?? 0)).toBe('2026-01-05T09:01:00.000Z');
  });
});

describe('quiet windows', () => {
  it('skips hourly runs in a daily 22:00-06:00 window, each written skipped with the window named', async () => {
    const startMs = Date.UTC(2026, 0, 5, 20, 30);
    const { scheduler, clock, finals } = makeScheduler({ startMs });
    await scheduler.schedule(
      cronTask('0 * * * *', {
        quiet: { windows: [{ kind: 'daily', from: '22:00', to: '06:00' }], policy: 'skip' },
      }),
    );
    scheduler.start();
    await clock.advanceTo(Date.UTC(2026, 0, 6, 7, 0, 1));
    const rows = finals().map((r) => `${iso(r.scheduledFor ?? 0).slice(11, 16)} ${r.status}`);
    expect(rows).toEqual([
      '21:00 succeeded',
      ...['22', '23', '00', '01', '02', '03', '04', '05'].map((h) => `${h}:00 skipped`),
      '06:00 succeeded',
      '07:00 succeeded',
    ]);
    expect(finals()[1]?.error).toBe(
      'Skipped: due at 2026-01-05T22:00:00.000Z, inside the daily quiet window 22:00–06:00 (until 2026-01-06T06:00:00.000Z).',
    );
    await scheduler.stop();
  });

  it("defers runs in a window to the window's end, once, in the task's zone", async () => {
    const startMs = Date.UTC(2026, 0, 5, 20, 20);
    const { scheduler, clock, finals } = makeScheduler({ startMs });
    const id = await scheduler.schedule(
      cronTask(
        '*/30 * * * *',
        { quiet: { windows: [{ kind: 'daily', from: '22:00', to: '06:00' }], policy: 'defer' } },
        'Europe/Berlin',
      ),
    );
    // 21:00Z is 22:00 in Berlin: the window runs 21:00Z-05:00Z.
    expect(scheduler.nextRuns(id, 4).map(iso)).toEqual([
      '2026-01-05T20:30:00.000Z',
      '2026-01-06T05:00:00.000Z',
      '2026-01-06T05:30:00.000Z',
      '2026-01-06T06:00:00.000Z',
    ]);
    scheduler.start();
    await clock.advanceTo(Date.UTC(2026, 0, 6, 5, 45));
    expect(finals().map((r) => `${iso(r.scheduledFor ?? 0).slice(11, 16)} ${r.status}`)).toEqual([
      '20:30 succeeded',
      '05:00 succeeded',
      '05:30 succeeded',
    ]);
    await scheduler.stop();
  });

  it('a holiday date range skips every run from its first to its last day', async () => {
    const { scheduler } = makeScheduler();
    const id = await scheduler.schedule(
      cronTask('0 9 * * *', {
        quiet: { windows: [{ kind: 'dates', from: '2026-01-06', to: '2026-01-08' }] },
      }),
    );
    expect(scheduler.nextRuns(id, 2).map(iso)).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-09T09:00:00.000Z',
    ]);
  });

  it('refuses inverted, empty and overlapping windows naming the field', async () => {
    const { scheduler } = makeScheduler();
    const refusal = (triggers: TaskTriggersInput) =>
      refusalOf(scheduler.schedule(cronTask('0 9 * * *', triggers)));
    const inverted = await refusal({
      quiet: { windows: [{ kind: 'dates', from: '2026-12-26', to: '2026-12-24' }] },
    });
    expect([inverted.field, inverted.plainMessage]).toEqual([
      'triggers.quiet.windows.0.to',
      'the last quiet day 2026-12-24 is before the first, 2026-12-26: swap them',
    ]);
    const empty = await refusal({
      quiet: { windows: [{ kind: 'daily', from: '22:00', to: '22:00' }] },
    });
    expect(empty.field).toBe('triggers.quiet.windows.0.to');
    const overlapping = await refusal({
      quiet: {
        windows: [
          { kind: 'daily', from: '22:00', to: '06:00' },
          { kind: 'weekly', days: [0], from: '05:00', to: '08:00' },
        ],
      },
    });
    expect([overlapping.field, overlapping.plainMessage]).toEqual([
      'triggers.quiet.windows.1',
      'quiet window 2 overlaps quiet window 1: merge them into one window',
    ]);
    expect(scheduler.list()).toEqual([]);
  });
});

describe('combinations', () => {
  it('two schedules, a quiet window and jitter: each run lands in its window, none in the quiet hours', async () => {
    const startMs = Date.UTC(2026, 0, 5, 0, 0);
    const { scheduler, clock, finals } = makeScheduler({
      startMs,
      random: sequence(0.1, 0.9, 0.5),
    });
    const id = await scheduler.schedule(
      cronTask('0 */6 * * *', {
        schedules: [{ schedule: { kind: 'cron', pattern: '30 9 * * *' } }],
        jitterSec: 300,
        quiet: { windows: [{ kind: 'daily', from: '11:00', to: '13:00' }], policy: 'skip' },
      }),
    );
    expect(scheduler.nextRuns(id, 4).map(iso)).toEqual([
      '2026-01-05T06:00:00.000Z',
      '2026-01-05T09:30:00.000Z',
      '2026-01-05T18:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
    ]);
    scheduler.start();
    await clock.advanceTo(Date.UTC(2026, 0, 5, 18, 10));
    const rows = finals().map((r) => ({
      due: iso(r.scheduledFor ?? 0).slice(11, 16),
      status: r.status,
      delay: r.startedAt === null ? null : (r.startedAt - (r.scheduledFor ?? 0)) / SEC,
    }));
    expect(rows).toEqual([
      { due: '06:00', status: 'succeeded', delay: 30 },
      { due: '09:30', status: 'succeeded', delay: 270 },
      { due: '12:00', status: 'skipped', delay: null },
      { due: '18:00', status: 'succeeded', delay: 30 },
    ]);
    expect(finals().every((r) => r.trigger === 'schedule')).toBe(true);
    await scheduler.stop();
  });
});
