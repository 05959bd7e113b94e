import { describe, expect, it } from 'vitest';
import { HOUR, MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';
import { SchedulerError } from '../../../main/core/schedule/scheduler-error.js';
import { FakeConditions } from '../../../main/core/conditions/fake-conditions.js';
import type { TaskConditionsInput } from '../../../main/core/model/conditions.js';
import type { TaskTriggersInput } from '../../../main/core/model/triggers.js';
import type { WaitingRunState } from '../../../main/core/conditions/waiting-run-state.js';

const iso = (ms: number | null): string => (ms === null ? 'null' : new Date(ms).toISOString());
const noop = (): void => undefined;

function task(conditions: TaskConditionsInput, extra: { triggers?: TaskTriggersInput } = {}) {
  return {
    name: 'backup',
    schedule: { kind: 'cron' as const, pattern: '0 * * * *' },
    timezone: 'UTC',
    conditions,
    ...extra,
    action: noop,
  };
}

function setup(state: ConstructorParameters<typeof FakeConditions>[0] = {}, startMs = T0) {
  const conditions = new FakeConditions(state);
  const saved: WaitingRunState[][] = [];
  const fixture = makeScheduler({
    conditions,
    onWaitingChange: (runs) => saved.push(runs),
    startMs,
  });
  return { ...fixture, conditions, saved };
}

describe('only on AC power', () => {
  it('a run due on battery waits, shows "waiting for AC power", and starts the moment the cable goes in', async () => {
    const { scheduler, clock, finals, conditions } = setup({ onAc: false });
    const id = await scheduler.schedule(task({ acPower: true }));
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    expect(finals()).toEqual([]);
    expect(scheduler.get(id)?.waitingFor).toBe('waiting for AC power');
    await clock.advance(17 * MIN);
    conditions.set({ onAc: true });
    await clock.advance(0);
    const [run] = finals();
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
    expect(iso(run?.scheduledFor ?? null)).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(run?.startedAt ?? null)).toBe('2026-01-05T09:17:01.000Z');
    expect(scheduler.get(id)?.waitingFor).toBeNull();
    await scheduler.stop();
  });

  it("a run still on battery at its deadline is recorded 'missed', saying so", async () => {
    const { scheduler, clock, finals } = setup({ onAc: false });
    await scheduler.schedule(task({ acPower: true, deadlineMs: 30 * MIN }, {}));
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + 30 * MIN + SEC);
    const [run] = finals();
    expect(run?.status).toBe('missed');
    expect(run?.error).toContain('still on battery at the deadline');
    expect(run?.error).toContain('waited 30 min for AC power');
    expect(iso(run?.endedAt ?? null)).toBe('2026-01-05T09:30:00.000Z');
    await scheduler.stop();
  });

  it("with policy 'skip' a run due on battery is recorded 'skipped', naming the condition", async () => {
    const { scheduler, clock, finals } = setup({ onAc: false });
    const id = await scheduler.schedule(task({ acPower: true, policy: 'skip' }));
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    const [run] = finals();
    expect(run?.status).toBe('skipped');
    expect(run?.error).toBe(
      'Skipped: on battery (due at 2026-01-05T09:00:00.000Z; this task runs only on AC power).',
    );
    expect(scheduler.get(id)?.waitingFor).toBeNull();
    await scheduler.stop();
  });

  it('one run of a task waits at a time: a later due time takes the waiting one’s place', async () => {
    const { scheduler, clock, finals, conditions } = setup({ onAc: false });
    await scheduler.schedule(task({ acPower: true, deadlineMs: 4 * HOUR }));
    scheduler.start();
    await clock.advanceTo(T0 + 3 * HOUR + 5 * MIN);
    conditions.set({ onAc: true });
    await clock.advance(0);
    expect(finals().map((r) => `${iso(r.scheduledFor)} ${r.status}`)).toEqual([
      '2026-01-05T09:00:00.000Z skipped',
      '2026-01-05T10:00:00.000Z skipped',
      '2026-01-05T11:00:00.000Z succeeded',
    ]);
    expect(finals()[0]?.error).toContain('took its place');
    await scheduler.stop();
  });
});

describe('only when the network is up', () => {
  it('without change events a waiting run is re-checked once a minute, never faster', async () => {
    const { scheduler, clock, finals, conditions } = setup({ networkUp: false });
    await scheduler.schedule(task({ network: {} }));
    scheduler.start();
    await clock.advanceTo(T0 + HOUR);
    const before = conditions.checks;
    await clock.advance(10 * MIN);
    // One check at the due time, then one per minute.
    expect(conditions.checks - before).toBeLessThanOrEqual(11);
    conditions.set({ networkUp: true }, true);
    await clock.advance(30 * SEC);
    expect(finals()).toEqual([]);
    await clock.advance(31 * SEC);
    expect(finals().map((r) => r.status)).toEqual(['succeeded']);
    await scheduler.stop();
  });

  it('with a URL it runs only once that URL answers', async () => {
    const { scheduler, clock, finals, conditions } = setup({ networkUp: true });
    const id = await scheduler.schedule(task({ network: { url: 'https://backup.example/' } }));
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    expect(scheduler.get(id)?.waitingFor).toBe('waiting for https://backup.example/ to answer');
    conditions.set({ answeringUrls: ['https://backup.example/'] });
    await clock.advance(0);
    expect(finals().map((r) => r.status)).toEqual(['succeeded']);
    await scheduler.stop();
  });
});

describe('only when the user is idle', () => {
  it('a run waits until the user has been idle 10 minutes', async () => {
    const { scheduler, clock, finals, conditions } = setup({ idleSeconds: 30 });
    const id = await scheduler.schedule(task({ idleMinutes: 10 }));
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    expect(scheduler.get(id)?.waitingFor).toBe('waiting for 10 min without user input');
    conditions.set({ idleSeconds: 600 }, true);
    await clock.advance(MIN);
    expect(finals().map((r) => r.status)).toEqual(['succeeded']);
    await scheduler.stop();
  });

  it('"never while the user is active" runs where idle time cannot be known (a headless server)', async () => {
    const { scheduler, clock, finals } = setup({ idleSeconds: null });
    await scheduler.schedule(task({ idleMinutes: 0 }));
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    expect(finals().map((r) => r.status)).toEqual(['succeeded']);
    await scheduler.stop();
  });
});

describe('conditions with other triggers', () => {
  it('a quiet window still skips, and a random delay starts the wait late but keeps the deadline from the due time', async () => {
    const conditions = new FakeConditions({ onAc: false });
    const { scheduler, clock, finals } = makeScheduler({ conditions, random: () => 0.5 });
    await scheduler.schedule(
      task(
        { acPower: true, deadlineMs: 90 * MIN },
        {
          triggers: {
            jitterSec: 600,
            quiet: { windows: [{ kind: 'daily', from: '09:00', to: '09:30' }] },
          },
        },
      ),
    );
    scheduler.start();
    await clock.advanceTo(T0 + 2 * HOUR + 4 * MIN);
    // 09:00 is quiet: skipped, not waiting. 10:00 waits from 10:05 (half the random delay).
    expect(finals().map((r) => `${iso(r.scheduledFor)} ${r.status}`)).toEqual([
      '2026-01-05T09:00:00.000Z skipped',
    ]);
    expect(finals()[0]?.error).toContain('quiet window');
    await clock.advanceTo(T0 + 3 * HOUR + 31 * MIN);
    const last = finals().at(-1);
    expect(`${iso(last?.scheduledFor ?? null)} ${last?.status}`).toBe(
      '2026-01-05T10:00:00.000Z skipped',
    );
    expect(last?.error).toContain('took its place');
    conditions.set({ onAc: true });
    await clock.advance(0);
    expect(`${iso(finals().at(-1)?.scheduledFor ?? null)} ${finals().at(-1)?.status}`).toBe(
      '2026-01-05T11:00:00.000Z succeeded',
    );
    await scheduler.stop();
  });

  it('a run deferred to the end of a quiet window then waits for its conditions', async () => {
    const { scheduler, clock, finals, conditions } = setup({ onAc: false });
    await scheduler.schedule(
      task(
        { acPower: true },
        {
          triggers: {
            quiet: { windows: [{ kind: 'daily', from: '08:30', to: '09:30' }], policy: 'defer' },
          },
        },
      ),
    );
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + 35 * MIN);
    conditions.set({ onAc: true });
    await clock.advance(0);
    const [run] = finals();
    expect(run?.status).toBe('succeeded');
    expect(iso(run?.scheduledFor ?? null)).toBe('2026-01-05T09:30:00.000Z');
    expect(iso(run?.startedAt ?? null)).toBe('2026-01-05T09:35:00.000Z');
    await scheduler.stop();
  });

  it('"when Crontray starts" waits for AC power too', async () => {
    const { scheduler, clock, finals, conditions } = setup({ onAc: false });
    await scheduler.schedule(task({ acPower: true }, { triggers: { events: ['start'] } }));
    scheduler.start();
    await clock.advance(MIN);
    expect(finals()).toEqual([]);
    conditions.set({ onAc: true });
    await clock.advance(0);
    expect(finals().map((r) => `${r.trigger}:${r.status}`)).toEqual(['startup:succeeded']);
    await scheduler.stop();
  });
});

describe('what conditions cost and keep', () => {
  it('tasks without conditions never ask the machine', async () => {
    const { scheduler, clock, finals, conditions } = setup({ onAc: false });
    await scheduler.schedule({ ...task({ acPower: true }), conditions: undefined });
    scheduler.start();
    await clock.advanceTo(T0 + 3 * HOUR + SEC);
    expect(finals().map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(conditions.checks).toBe(0);
    await scheduler.stop();
  });

  it('disabling a task ends its wait without a record', async () => {
    const { scheduler, clock, finals, saved } = setup({ onAc: false });
    const id = await scheduler.schedule(task({ acPower: true }));
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    expect(saved.at(-1)?.map((r) => r.waitingFor)).toEqual(['waiting for AC power']);
    await scheduler.disable(id);
    expect(scheduler.get(id)?.waitingFor).toBeNull();
    expect(saved.at(-1)).toEqual([]);
    await clock.advance(3 * HOUR);
    expect(finals()).toEqual([]);
    await scheduler.stop();
  });

  it('a waiting run given back after a restart runs once when the condition holds', async () => {
    const first = setup({ onAc: false });
    const id = await first.scheduler.schedule(task({ acPower: true }));
    first.scheduler.start();
    await first.clock.advanceTo(T0 + HOUR + SEC);
    const kept = first.saved.at(-1) ?? [];
    const lastDueAt = first.scheduler.get(id)?.lastDueAt ?? null;
    await first.scheduler.stop();

    const second = setup({ onAc: false }, T0 + HOUR + 20 * MIN);
    await second.scheduler.schedule({ ...task({ acPower: true }), id, lastDueAt });
    second.scheduler.resumeWaiting(kept);
    second.scheduler.start();
    await second.clock.advance(MIN);
    expect(second.scheduler.get(id)?.waitingFor).toBe('waiting for AC power');
    second.conditions.set({ onAc: true });
    await second.clock.advance(0);
    expect(second.finals().map((r) => `${iso(r.scheduledFor)} ${r.status}`)).toEqual([
      '2026-01-05T09:00:00.000Z succeeded',
    ]);
    await second.scheduler.stop();
  });

  it("a waiting run given back after its deadline is recorded 'missed'", async () => {
    const state: WaitingRunState = {
      taskId: 'kept',
      trigger: 'schedule',
      scheduledFor: T0,
      forced: false,
      deadlineAt: T0 + 2 * HOUR,
      since: T0,
      waitingFor: 'waiting for AC power',
    };
    const { scheduler, clock, finals } = setup({ onAc: false }, T0 + 5 * HOUR + 30 * MIN);
    await scheduler.schedule({ ...task({ acPower: true }), id: 'kept', lastDueAt: T0 + 5 * HOUR });
    scheduler.resumeWaiting([state]);
    scheduler.start();
    await clock.advance(0);
    const [run] = finals();
    expect(run?.status).toBe('missed');
    expect(run?.error).toContain('still on battery at the deadline');
    await scheduler.stop();
  });
});

describe('bad conditions', () => {
  async function refusal(conditions: TaskConditionsInput): Promise<SchedulerError> {
    const { scheduler } = setup();
    try {
      await scheduler.schedule(task(conditions));
    } catch (error) {
      if (error instanceof SchedulerError) return error;
      throw error;
    }
    throw new Error('accepted');
  }

  it('a wait deadline shorter than the grace period is refused naming the field', async () => {
    const e = await refusal({ acPower: true, deadlineMs: 2000 });
    expect(e.field).toBe('conditions.deadlineMs');
    expect(e.plainMessage).toContain('shorter than the grace period (5 s)');
  });

  it('conditions without any condition are refused naming the field', async () => {
    const e = await refusal({ policy: 'skip' });
    expect(e.field).toBe('conditions');
  });

  it('a URL that is not http(s) is refused naming the field', async () => {
    const e = await refusal({ network: { url: 'ftp://files.example/' } });
    expect(e.field).toBe('conditions.network.url');
  });
});
