import { describe, expect, it } from 'vitest';
import { FakeConditions } from '../../../main/core/conditions/fake-conditions.js';
import type { TaskConditionsInput } from '../../../main/core/model/conditions.js';
import type { QuietPolicy } from '../../../main/core/model/triggers.js';
import type { ChainJournal, ChainStart } from '../../../main/core/schedule/task-chains.js';
import { HOUR, MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';

const iso = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? 'null' : new Date(ms).toISOString();
const noop = (): void => undefined;
const never = { kind: 'cron', pattern: '0 0 1 1 *' } as const;

/** A journal that shows what is pending: added at the parent's end, done at the child's record. */
function journal() {
  const pending = new Map<string, ChainStart>();
  const chains: ChainJournal = {
    add: async (starts) => {
      for (const s of starts) pending.set(s.child.runId, s);
    },
    done: async (runId) => {
      pending.delete(runId);
    },
  };
  return { chains, pending };
}

function setup(state: ConstructorParameters<typeof FakeConditions>[0] = {}) {
  const conditions = new FakeConditions(state);
  const { chains, pending } = journal();
  const fixture = makeScheduler({ conditions, chains });
  return { ...fixture, conditions, pending };
}

/** 'backup' (run by hand) and 'sync', which runs after it, with quiet hours or conditions. */
async function chainOf(
  scheduler: ReturnType<typeof setup>['scheduler'],
  child: { quiet?: QuietPolicy; conditions?: TaskConditionsInput },
) {
  const parent = await scheduler.schedule({ name: 'backup', schedule: never, action: noop });
  const quiet = child.quiet && {
    windows: [{ kind: 'daily' as const, from: '08:30', to: '10:00' }],
    policy: child.quiet,
  };
  await scheduler.schedule({
    name: 'sync',
    schedule: never,
    timezone: 'UTC',
    triggers: { after: [{ taskId: parent, when: 'success' }], eventsOnly: true, quiet },
    ...(child.conditions && { conditions: child.conditions }),
    action: noop,
  });
  return parent;
}

describe("chained runs follow the child's quiet windows and conditions", () => {
  it("a chained run inside the child's quiet window is recorded 'skipped', naming the window and its parent", async () => {
    const { scheduler, clock, finals, pending } = setup();
    const parent = await chainOf(scheduler, { quiet: 'skip' });
    scheduler.start();
    await clock.advanceTo(T0 + HOUR); // 09:00 UTC, inside 08:30-10:00
    const first = await scheduler.runNow(parent);
    await first.done;
    await clock.advance(SEC);
    const child = finals().find((r) => r.name === 'sync');
    expect(child).toMatchObject({ status: 'skipped', trigger: 'chain' });
    expect(child?.parent?.runId).toBe(first.runId);
    expect(child?.error).toContain(`the run after 'backup' (run ${first.runId})`);
    expect(child?.error).toContain('08:30');
    expect(child?.error).toContain('until 2026-01-05T10:00:00.000Z');
    expect(pending.size).toBe(0);
    await scheduler.stop();
  });

  it("a chained run inside the child's quiet window waits for its end and then runs once", async () => {
    const { scheduler, clock, finals, pending } = setup();
    const parent = await chainOf(scheduler, { quiet: 'defer' });
    scheduler.start();
    await clock.advanceTo(T0 + HOUR);
    const first = await scheduler.runNow(parent);
    await first.done;
    await clock.advance(30 * MIN);
    expect(finals().filter((r) => r.name === 'sync')).toEqual([]);
    expect(pending.size).toBe(1);
    await clock.advanceTo(T0 + 2 * HOUR + MIN);
    const children = finals().filter((r) => r.name === 'sync');
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ status: 'succeeded', trigger: 'chain' });
    expect(children[0]?.parent?.runId).toBe(first.runId);
    expect(iso(children[0]?.startedAt)).toBe('2026-01-05T10:00:00.000Z');
    expect(pending.size).toBe(0);
    await scheduler.stop();
  });

  it('a deferred chained run held over a stop runs once when the scheduler starts again after the window', async () => {
    const { scheduler, clock, finals } = setup();
    const parent = await chainOf(scheduler, { quiet: 'defer' });
    scheduler.start();
    await clock.advanceTo(T0 + HOUR);
    await (
      await scheduler.runNow(parent)
    ).done;
    await scheduler.stop();
    await clock.advanceTo(T0 + 3 * HOUR);
    expect(finals().filter((r) => r.name === 'sync')).toEqual([]);
    scheduler.start();
    await clock.advance(SEC);
    const children = finals().filter((r) => r.name === 'sync');
    expect(children.map((r) => `${r.trigger}:${r.status}`)).toEqual(['chain:succeeded']);
    expect(iso(children[0]?.startedAt)).toBe('2026-01-05T11:00:00.000Z');
    await scheduler.stop();
  });

  it('a chained run of a child that needs AC power waits on battery and starts when the cable goes in', async () => {
    const { scheduler, clock, finals, conditions, pending } = setup({ onAc: false });
    const parent = await chainOf(scheduler, { conditions: { acPower: true } });
    scheduler.start();
    const first = await scheduler.runNow(parent);
    await first.done;
    await clock.advance(10 * MIN);
    const sync = scheduler.list().find((t) => t.definition.name === 'sync');
    expect(sync?.waitingFor).toBe('waiting for AC power');
    expect(finals().filter((r) => r.name === 'sync')).toEqual([]);
    conditions.set({ onAc: true });
    await clock.advance(SEC);
    const [child] = finals().filter((r) => r.name === 'sync');
    expect(child).toMatchObject({ status: 'succeeded', trigger: 'chain' });
    expect(child?.parent?.runId).toBe(first.runId);
    expect(pending.size).toBe(0);
    await scheduler.stop();
  });

  it("a chained run of a child whose conditions skip is recorded 'skipped' with the reason, its parent kept", async () => {
    const { scheduler, clock, finals, pending } = setup({ onAc: false });
    const parent = await chainOf(scheduler, { conditions: { acPower: true, policy: 'skip' } });
    scheduler.start();
    const first = await scheduler.runNow(parent);
    await first.done;
    await clock.advance(SEC);
    const [child] = finals().filter((r) => r.name === 'sync');
    expect(child).toMatchObject({ status: 'skipped', trigger: 'chain' });
    expect(child?.parent?.runId).toBe(first.runId);
    expect(child?.error).toMatch(/battery/);
    expect(pending.size).toBe(0);
    await scheduler.stop();
  });

  it("a chained run waiting for conditions is 'missed' at the child's deadline, once", async () => {
    const { scheduler, clock, finals, pending } = setup({ onAc: false });
    const parent = await chainOf(scheduler, { conditions: { acPower: true, deadlineMs: HOUR } });
    scheduler.start();
    await (
      await scheduler.runNow(parent)
    ).done;
    await clock.advance(HOUR + 2 * MIN);
    const children = finals().filter((r) => r.name === 'sync');
    expect(children.map((r) => `${r.trigger}:${r.status}`)).toEqual(['chain:missed']);
    expect(children[0]?.error).toContain('still on battery at the deadline');
    expect(pending.size).toBe(0);
    await scheduler.stop();
  });

  it('a chained run kept from before a restart waits for the conditions again rather than running at once', async () => {
    const { scheduler, clock, finals, conditions } = setup({ onAc: false });
    const parentId = await chainOf(scheduler, { conditions: { acPower: true } });
    const sync = scheduler.list().find((t) => t.definition.name === 'sync');
    scheduler.start();
    const ref = { project: 'default', group: 'default' };
    const resumed = scheduler.resumeChain({
      child: { runId: 'kept-1', taskId: sync?.id ?? '', name: 'sync', ...ref },
      parent: { runId: 'p-1', taskId: parentId, name: 'backup', ...ref },
      at: clock.now(),
    } as ChainStart);
    expect(resumed).toBe(true);
    await clock.advance(MIN);
    expect(finals()).toEqual([]);
    conditions.set({ onAc: true });
    await clock.advance(SEC);
    expect(finals().map((r) => [r.runId, r.trigger, r.status])).toEqual([
      ['kept-1', 'chain', 'succeeded'],
    ]);
    await scheduler.stop();
  });

  it('a chained run in the conditions list kept from before a restart is left to the chain journal, not run twice', async () => {
    const { scheduler, clock, finals } = setup({ onAc: true });
    await chainOf(scheduler, { conditions: { acPower: true } });
    const sync = scheduler.list().find((t) => t.definition.name === 'sync');
    scheduler.resumeWaiting([
      {
        taskId: sync?.id ?? '',
        trigger: 'chain',
        scheduledFor: T0,
        forced: false,
        deadlineAt: T0 + HOUR,
        since: T0,
        waitingFor: 'waiting for AC power',
      },
    ]);
    scheduler.start();
    await clock.advance(MIN);
    expect(finals()).toEqual([]);
    await scheduler.stop();
  });
});
