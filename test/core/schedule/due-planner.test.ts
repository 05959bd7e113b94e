import { describe, it, expect } from 'vitest';
import { MemoryTaskStateStore } from '../../../main/core/schedule/task-state.js';
import { HOUR, MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';

describe('missed runs and catch-up', () => {
  async function restartAfterDays(
    policy: 'none' | 'latest' | 'all',
    extra: { cap?: number; deadlineMs?: number } = {},
  ) {
    // A daily 09:00 task last due three days ago; the app starts at 10:00 today.
    const now = Date.UTC(2026, 0, 10, 10, 0, 0);
    const state = new MemoryTaskStateStore({
      daily: { lastDueAt: Date.UTC(2026, 0, 7, 9, 0, 0), cycles: 7 },
    });
    const fx = makeScheduler({ startMs: now, state });
    let runs = 0;
    await fx.scheduler.schedule({
      id: 'daily',
      name: 'daily',
      schedule: { kind: 'cron', pattern: '0 9 * * *' },
      timezone: 'UTC',
      catchUp: { policy, cap: extra.cap ?? 10, deadlineMs: extra.deadlineMs ?? 0 },
      action: () => runs++,
    });
    fx.scheduler.start();
    await fx.clock.advance(0);
    return { ...fx, runs: () => runs, state };
  }

  it('a daily task missed for three days runs once on start with policy latest, and two missed runs are recorded', async () => {
    const { runs, finals, state } = await restartAfterDays('latest');
    expect(runs()).toBe(1);
    expect(
      finals().map((r) => [r.status, r.trigger, new Date(r.scheduledFor ?? 0).toISOString()]),
    ).toEqual([
      ['missed', 'schedule', '2026-01-08T09:00:00.000Z'],
      ['missed', 'schedule', '2026-01-09T09:00:00.000Z'],
      ['succeeded', 'catch-up', '2026-01-10T09:00:00.000Z'],
    ]);
    expect(state.get('daily')).toEqual({ lastDueAt: Date.UTC(2026, 0, 10, 9, 0, 0), cycles: 8 });
  });

  it('policy none only records the misses; policy all runs each one up to the cap', async () => {
    const none = await restartAfterDays('none');
    expect(none.runs()).toBe(0);
    expect(none.statuses()).toEqual(['schedule:missed', 'schedule:missed', 'schedule:missed']);
    const all = await restartAfterDays('all', { cap: 2 });
    expect(all.runs()).toBe(2);
    expect(all.statuses()).toEqual(['schedule:missed', 'catch-up:succeeded', 'catch-up:succeeded']);
  });

  it('a miss older than the deadline is only recorded', async () => {
    const { runs, statuses } = await restartAfterDays('all', { deadlineMs: 30 * HOUR });
    expect(runs()).toBe(2);
    expect(statuses()).toEqual(['schedule:missed', 'catch-up:succeeded', 'catch-up:succeeded']);
    const late = await restartAfterDays('latest', { deadlineMs: 30 * MIN });
    expect(late.runs()).toBe(0);
  });

  it('notices a suspend (clock jump) within maxSleepMs and applies the catch-up policy', async () => {
    const { scheduler, clock, statuses, logger } = makeScheduler();
    await scheduler.scheduleCron({
      name: 'hourly',
      pattern: '0 * * * *',
      timezone: 'UTC',
      catchUp: { policy: 'latest' },
      action: () => 1,
    });
    scheduler.start();
    clock.jump(T0 + 5 * HOUR + 10 * MIN); // the laptop slept five hours
    await clock.advance(30 * SEC);
    expect(statuses()).toEqual([
      'schedule:missed',
      'schedule:missed',
      'schedule:missed',
      'schedule:missed',
      'catch-up:succeeded',
    ]);
    expect(logger.messages().some((m) => m.includes('late'))).toBe(true);
    expect(scheduler.get(scheduler.list()[0]?.id ?? '')?.nextDueAt).toBe(T0 + 6 * HOUR);
  });

  it('a due time only slightly late still runs as a scheduled run', async () => {
    const { scheduler, clock, statuses } = makeScheduler({ lateGraceMs: 5000 });
    await scheduler.scheduleCron({ name: 'm', pattern: '* * * * *', action: () => 1 });
    clock.jump(T0 + MIN + 3000);
    await scheduler.runPending();
    expect(statuses()).toEqual(['schedule:succeeded']);
  });

  it('caps missed records per task and counts the rest in one record', async () => {
    const { scheduler, clock, finals } = makeScheduler({ missedRecordLimit: 5 });
    await scheduler.scheduleInterval({ name: 'fast', everyMs: 1000, action: () => 1 });
    clock.jump(T0 + 100 * SEC + 500 + 10_000);
    await scheduler.runPending();
    const records = finals();
    // 110 due instants: the last is on time and runs, 5 are listed as missed, 104 are counted.
    expect(records).toHaveLength(7);
    expect(records.slice(0, 5).map((r) => r.scheduledFor)).toEqual(
      [1, 2, 3, 4, 5].map((s) => T0 + s * SEC),
    );
    expect(records[5]).toMatchObject({ status: 'missed', scheduledFor: null });
    expect(records[5]?.error).toMatch(
      /104 more runs due after 2026-01-05T08:00:05.000Z up to .* were missed/,
    );
    expect(records[6]).toMatchObject({
      status: 'succeeded',
      trigger: 'schedule',
      scheduledFor: T0 + 110 * SEC,
    });
    expect(scheduler.list()[0]?.nextDueAt).toBe(T0 + 111 * SEC);
  });

  it('after the clock goes back an hour, new due times in the repeated hour run but those already handled do not run again', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    await scheduler.scheduleCron({ name: 'minutely', pattern: '0 * * * * *', action: () => 1 });
    scheduler.start();
    await clock.advance(5 * MIN); // 08:01 .. 08:05 ran
    clock.jump(clock.now() - HOUR);
    await clock.advance(70 * MIN);
    const ran = finals()
      .filter((r) => r.status === 'succeeded')
      .map((r) => r.scheduledFor);
    expect(new Set(ran).size).toBe(ran.length);
    expect(ran).toContain(T0 - 30 * MIN); // 07:30, new in the repeated hour
    expect(ran).toContain(T0 + 6 * MIN); // 08:06, the first one not handled before
  });

  it('waking exactly on a due time with catch-up latest runs that due time on schedule, not the hour before', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    await scheduler.scheduleCron({
      name: 'hourly',
      pattern: '0 0 * * * *',
      catchUp: { policy: 'latest', cap: 3 },
      action: () => 1,
    });
    scheduler.start();
    await clock.advance(30 * MIN);
    clock.jump(T0 + 6 * HOUR);
    await scheduler.runPending();
    const ran = finals().filter((r) => r.status === 'succeeded');
    expect(ran.map((r) => [r.trigger, r.scheduledFor])).toEqual([['schedule', T0 + 6 * HOUR]]);
  });

  it('after stop and start, the paused time is neither run nor recorded as missed', async () => {
    const { scheduler, clock, statuses } = makeScheduler();
    await scheduler.scheduleCron({
      name: 'm',
      pattern: '* * * * *',
      catchUp: { policy: 'all' },
      action: () => 1,
    });
    scheduler.start();
    await clock.advance(MIN);
    await scheduler.stop();
    await clock.advance(10 * MIN);
    scheduler.start();
    await clock.advance(MIN);
    expect(statuses()).toEqual(['schedule:succeeded', 'schedule:succeeded']);
  });
});

describe('interval, routine and once', () => {
  it('an interval runs at a fixed rate from startAt, whatever a run takes, up to maxCycles', async () => {
    const { scheduler, clock } = makeScheduler();
    const starts: number[] = [];
    const id = await scheduler.scheduleInterval({
      name: 'rate',
      everyMs: 10 * SEC,
      startAt: T0 + 5 * SEC,
      maxCycles: 3,
      action: () => {
        starts.push(clock.now() - T0);
        return new Promise<void>((r) => clock.setTimer(r, 4 * SEC));
      },
    });
    scheduler.start();
    await clock.advance(MIN);
    expect(starts).toEqual([5000, 15000, 25000]);
    expect(scheduler.get(id)).toMatchObject({ cycles: 3, nextDueAt: null });
  });

  it('an interval stops after until', async () => {
    const { scheduler, clock } = makeScheduler();
    let n = 0;
    await scheduler.scheduleInterval({
      name: 'until',
      everyMs: SEC,
      until: T0 + 3500,
      action: () => n++,
    });
    scheduler.start();
    await clock.advance(MIN);
    expect(n).toBe(3);
  });

  it('a routine waits waitMs after each run ends before the next starts', async () => {
    const { scheduler, clock } = makeScheduler();
    const starts: number[] = [];
    await scheduler.scheduleRoutine({
      name: 'loop',
      waitMs: 10 * SEC,
      maxCycles: 3,
      action: () => {
        starts.push(clock.now() - T0);
        return new Promise<void>((r) => clock.setTimer(r, 3 * SEC));
      },
    });
    scheduler.start();
    await clock.advance(MIN);
    expect(starts).toEqual([0, 13000, 26000]);
  });

  it('a start after days off logs one line about the tasks that missed runs, not one per task', async () => {
    const now = Date.UTC(2026, 0, 10, 10, 0, 0);
    const lastDueAt = Date.UTC(2026, 0, 7, 9, 0, 0);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const state = new MemoryTaskStateStore(
      Object.fromEntries(names.map((n) => [n, { lastDueAt, cycles: 1 }])),
    );
    const { scheduler, clock, logger, statuses } = makeScheduler({ startMs: now, state });
    for (const name of names) {
      await scheduler.schedule({
        id: name,
        name,
        schedule: { kind: 'cron', pattern: '0 9 * * *' },
        timezone: 'UTC',
        action: () => 1,
      });
    }
    scheduler.start();
    await clock.advance(0);
    expect(statuses().filter((s) => s === 'schedule:missed')).toHaveLength(3 * names.length);
    const lines = logger.messages('warn').filter((m) => m.includes('missed runs'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/7 tasks missed runs .*'a', 'b', 'c', 'd', 'e' and 2 more/);
  });

  it('a routine still accepts the old name delayMs, and says once that it is deprecated', async () => {
    const { scheduler, clock, logger } = makeScheduler();
    const starts: number[] = [];
    for (const name of ['a', 'b']) {
      await scheduler.scheduleRoutine({
        name,
        delayMs: 10 * SEC,
        maxCycles: 2,
        action: () => starts.push(clock.now() - T0),
      });
    }
    scheduler.start();
    await clock.advance(MIN);
    expect(starts).toEqual([0, 0, 10000, 10000]);
    const warnings = logger.messages('warn').filter((m) => m.includes("'delayMs' is deprecated"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/call it 'waitMs'/);
  });

  it('a once task runs at its time, then is disabled, and stays disabled when restored', async () => {
    const state = new MemoryTaskStateStore();
    const { scheduler, clock, statuses } = makeScheduler({ state });
    const action = () => 'ok';
    const id = await scheduler.scheduleOnce({ name: 'once', at: T0 + MIN, action });
    scheduler.start();
    await clock.advance(2 * MIN);
    expect(statuses()).toEqual(['schedule:succeeded']);
    const info = scheduler.get(id);
    expect(info?.definition.enabled).toBe(false);

    const restarted = makeScheduler({ state, startMs: T0 + HOUR });
    await restarted.scheduler.schedule({ ...info!.definition, enabled: true, id, action });
    restarted.scheduler.start();
    await restarted.clock.advance(MIN);
    expect(restarted.statuses()).toEqual([]);
    expect(restarted.scheduler.get(id)?.definition.enabled).toBe(false);
  });
});
