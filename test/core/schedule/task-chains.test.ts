import { describe, expect, it } from 'vitest';
import type { RunContext, RunOutcome } from '../../../main/core/actions/runner.js';
import type { ChainJournal, ChainStart } from '../../../main/core/schedule/task-chains.js';
import { SchedulerError } from '../../../main/core/schedule/scheduler-error.js';
import { HOUR, MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';

/** An action that says how its run ends; the context each run got is kept. */
type Step = (context: RunContext) => RunOutcome;
const seen: RunContext[] = [];
const runner = {
  run: async (action: Step, context: RunContext): Promise<RunOutcome> => {
    seen.push(context);
    return action(context);
  },
};
const out = (text: string) => ({ head: text, tail: '', truncated: false, totalBytes: text.length });
const ok =
  (text = ''): Step =>
  () => ({ status: 'succeeded', stdout: out(text) });
const fail: Step = () => ({ status: 'failed', error: 'exit 1', stdout: out('disk full') });

function setup(chains?: ChainJournal) {
  seen.length = 0;
  return makeScheduler<Step>({ runner, ...(chains && { chains }) });
}

const hourly = { kind: 'cron', pattern: '0 * * * *' } as const;
const never = { kind: 'cron', pattern: '0 0 1 1 *' } as const;

describe('chains: "after task A"', () => {
  it("runs B after A succeeds, telling B A's run id, status and the tail of its output", async () => {
    const { scheduler, clock, finals } = setup();
    const a = await scheduler.schedule({
      name: 'backup',
      schedule: hourly,
      action: ok('42 files'),
    });
    const b = await scheduler.schedule({
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: a, when: 'success' }], eventsOnly: true },
      action: ok(),
    });
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    const [parent, child] = finals();
    expect([parent?.name, parent?.status, child?.name, child?.trigger]).toEqual([
      'backup',
      'succeeded',
      'sync',
      'chain',
    ]);
    expect(child?.parent).toMatchObject({ runId: parent?.runId, taskId: a, name: 'backup' });
    expect(parent?.chained).toEqual([
      { runId: child?.runId, taskId: b, project: 'default', group: 'default', name: 'sync' },
    ]);
    expect(seen[1]?.parent).toEqual({
      runId: parent?.runId,
      taskName: 'backup',
      status: 'succeeded',
      outputTail: '42 files',
    });
    await scheduler.stop();
  });

  it('follows the link\'s "when": a failure starts the failure and finish followers, not the success one', async () => {
    const { scheduler, clock, finals } = setup();
    const a = await scheduler.schedule({ name: 'backup', schedule: never, action: fail });
    for (const when of ['success', 'failure', 'finish'] as const)
      await scheduler.schedule({
        name: `on-${when}`,
        schedule: never,
        triggers: { after: [{ taskId: a, when }], eventsOnly: true },
        action: ok(),
      });
    scheduler.start();
    await (
      await scheduler.runNow(a)
    ).done;
    await clock.advance(SEC);
    expect(finals().map((r) => `${r.name}:${r.status}`)).toEqual([
      'backup:failed',
      'on-failure:succeeded',
      'on-finish:succeeded',
    ]);
    expect(seen.at(-1)?.parent?.status).toBe('failed');
    await scheduler.stop();
  });

  it('stops following once the link is removed by a change, and runs removed tasks never', async () => {
    const { scheduler, clock, finals } = setup();
    const a = await scheduler.schedule({ name: 'backup', schedule: never, action: ok() });
    const b = await scheduler.schedule({
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: a }] },
      action: ok(),
    });
    const c = await scheduler.schedule({
      name: 'report',
      schedule: never,
      triggers: { after: [{ taskId: a }] },
      action: ok(),
    });
    await scheduler.update(b, { triggers: { after: [] } });
    await scheduler.unschedule(c);
    scheduler.start();
    await (
      await scheduler.runNow(a)
    ).done;
    await clock.advance(SEC);
    expect(finals().map((r) => r.name)).toEqual(['backup']);
    expect(finals()[0]?.chained).toBeUndefined();
    await scheduler.stop();
  });

  it('starts no child when the parent is skipped by a quiet window', async () => {
    const { scheduler, clock, finals } = setup();
    const a = await scheduler.schedule({
      name: 'backup',
      schedule: hourly,
      triggers: { quiet: { windows: [{ kind: 'daily', from: '08:30', to: '10:30' }] } },
      action: ok(),
    });
    await scheduler.schedule({
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: a, when: 'finish' }], eventsOnly: true },
      action: ok(),
    });
    scheduler.start();
    await clock.advanceTo(T0 + 2 * HOUR + SEC);
    expect(finals().map((r) => `${r.name}:${r.status}`)).toEqual([
      'backup:skipped',
      'backup:skipped',
    ]);
    await scheduler.stop();
  });

  it("follows a retried parent's final attempt only, not each try", async () => {
    const { scheduler, clock, finals } = setup();
    let tries = 0;
    const flaky: Step = () =>
      ++tries < 3 ? fail({} as RunContext) : ok('third time')({} as RunContext);
    const a = await scheduler.schedule({
      name: 'backup',
      schedule: hourly,
      maxRetries: 3,
      retryDelayMs: 10 * SEC,
      action: flaky,
    });
    for (const when of ['success', 'failure'] as const)
      await scheduler.schedule({
        name: `on-${when}`,
        schedule: never,
        triggers: { after: [{ taskId: a, when }], eventsOnly: true },
        action: ok(),
      });
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + 2 * MIN);
    const names = finals().map((r) => `${r.name}:${r.status}:${r.attempt}`);
    expect(names).toEqual([
      'backup:failed:1',
      'backup:failed:2',
      'backup:succeeded:3',
      'on-success:succeeded:1',
    ]);
    expect(finals()[3]?.parent?.runId).toBe(finals()[2]?.runId);
    await scheduler.stop();
  });

  it("refuses a loop at registration and at a change, spelling it out with the tasks' names", async () => {
    const { scheduler } = setup();
    const backup = await scheduler.schedule({ name: 'backup', schedule: hourly, action: ok() });
    const sync = await scheduler.schedule({
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: backup }], eventsOnly: true },
      action: ok(),
    });
    const change = scheduler.update(backup, { triggers: { after: [{ taskId: sync }] } });
    await expect(change).rejects.toBeInstanceOf(SchedulerError);
    const error = (await change.catch((e: unknown) => e)) as SchedulerError;
    expect(error.field).toBe('triggers.after.0.taskId');
    expect(error.plainMessage).toContain("'backup' → 'sync' → 'backup' would run forever");
    const report = await scheduler.schedule({
      name: 'report',
      schedule: never,
      triggers: { after: [{ taskId: sync }], eventsOnly: true },
      action: ok(),
    });
    const longer = scheduler.update(backup, {
      triggers: { events: [], after: [{ taskId: report, when: 'failure' }] },
    });
    const longerError = (await longer.catch((e: unknown) => e)) as SchedulerError;
    expect(longerError.plainMessage).toContain("'backup' → 'sync' → 'report' → 'backup'");
    expect(scheduler.get(backup)?.definition.triggers).toBeUndefined();
  });

  it('keeps each chained start in the journal before the parent ends and forgets it once the child is recorded', async () => {
    const log: string[] = [];
    const journal: ChainJournal = {
      add: async (starts) => void log.push(`add ${starts.map((s) => s.child.name).join()}`),
      done: async (runId) => void log.push(`done ${runId}`),
    };
    const { scheduler, sink, clock, finals } = setup(journal);
    const write = sink.write.bind(sink);
    sink.write = (record) => {
      if (record.status !== 'running') log.push(`record ${record.name} ${record.status}`);
      write(record);
    };
    const a = await scheduler.schedule({ name: 'backup', schedule: never, action: ok() });
    await scheduler.schedule({
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: a }], eventsOnly: true },
      action: ok(),
    });
    scheduler.start();
    await (
      await scheduler.runNow(a)
    ).done;
    await clock.advance(SEC);
    await scheduler.stop();
    const child = finals().find((r) => r.name === 'sync');
    // The child may finish before the parent's record is written; both follow the journal entry.
    expect(log[0]).toBe('add sync');
    expect(log.slice(1).sort()).toEqual(
      ['record backup succeeded', 'record sync succeeded', `done ${child?.runId}`].sort(),
    );
    expect(log.indexOf(`done ${child?.runId}`)).toBeGreaterThan(
      log.indexOf('record sync succeeded'),
    );
  });

  it('after a restart, starts a kept chained run with its own run id, or records it missed past its deadline', async () => {
    const { scheduler, clock, finals } = setup();
    const sync = await scheduler.schedule({
      name: 'sync',
      schedule: never,
      catchUp: { deadlineMs: 10 * MIN },
      triggers: { after: [{ taskId: 'gone-parent' }], eventsOnly: true },
      action: ok(),
    });
    const parent = {
      runId: 'parent-1',
      taskId: 'gone-parent',
      project: 'default',
      group: 'default',
      name: 'backup',
      status: 'succeeded' as const,
      outputTail: 'ok',
    };
    const start = (runId: string, at: number): ChainStart => ({
      child: { runId, taskId: sync, project: 'default', group: 'default', name: 'sync' },
      parent,
      at,
    });
    scheduler.start();
    expect(scheduler.resumeChain(start('kept-1', T0 - 5 * MIN))).toBe(true);
    expect(scheduler.resumeChain(start('kept-2', T0 - 20 * MIN))).toBe(true);
    await clock.advance(SEC);
    const runs = finals().sort((x, y) => x.runId.localeCompare(y.runId));
    expect(runs.map((r) => [r.runId, r.status, r.trigger, r.parent?.runId])).toEqual([
      ['kept-1', 'succeeded', 'chain', 'parent-1'],
      ['kept-2', 'missed', 'chain', 'parent-1'],
    ]);
    expect(runs[1]?.error).toContain("The run after 'backup' (run parent-1)");
    await scheduler.stop();
  });
});
