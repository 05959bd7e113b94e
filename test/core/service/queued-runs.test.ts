import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ResponseOf } from '../../../main/api/contract.js';
import { DEFAULT_MAX_OPEN_FILES, fileGate } from '../../../main/core/fs/fd-gate.js';
import type { RunRecord } from '../../../main/core/model/run.js';
import { useServices } from '../../support/service-fixture.js';

const openService = useServices('crontray-queued-');
const MINUTE = 60_000;

/** A task whose in-process action finishes when the test says so. */
function heldActions() {
  const waiting: (() => void)[] = [];
  const script = {
    run: () =>
      new Promise<{ status: 'succeeded' }>((ok) => waiting.push(() => ok({ status: 'succeeded' }))),
  };
  const finishAll = () => waiting.splice(0).forEach((finish) => finish());
  return { script, finishAll, started: () => waiting.length };
}

describe('a run waiting for a free slot (Settings: runs at once, changed without a restart)', () => {
  it('shows as queued while it waits, even when the disk is behind, and ends with its own final record', async () => {
    const actions = heldActions();
    const { call, clock, dir } = await openService({ actions: { script: actions.script } });
    await call('settings:set', { globalConcurrency: 1 });
    const every = { kind: 'cron' as const, pattern: '* * * * *' };
    const action = { kind: 'script' as const, file: '/noop.mjs' };
    const first = await call('tasks:create', { name: 'first', schedule: every, action });
    const second = await call('tasks:create', { name: 'second', schedule: every, action });
    await call('scheduler:start');
    type Run = ResponseOf<'history:runs'>['items'][number];
    const runsOf = async (taskId: string): Promise<Run[]> =>
      (await call('history:runs', { taskId })).items;
    const waitFor = async (what: () => Promise<boolean>) => {
      for (let i = 0; i < 400 && !(await what()); i++) await delay(10);
      expect(await what()).toBe(true);
    };

    // Every descriptor taken: the records of both runs wait for the disk.
    fileGate.setLimit(1);
    let freeDisk = (): void => undefined;
    const busy = fileGate.run(() => new Promise<void>((resolve) => (freeDisk = resolve)));
    try {
      await clock.advance(MINUTE);
      await waitFor(async () => actions.started() === 1);
      // The engine did not wait for the disk to start the one run a slot allows.
      freeDisk();
      await busy;
      await waitFor(
        async () =>
          (await runsOf(second.id))[0]?.status === 'queued' ||
          (await runsOf(first.id))[0]?.status === 'queued',
      );
    } finally {
      freeDisk();
      fileGate.setLimit(DEFAULT_MAX_OPEN_FILES);
    }
    const [queuedTask, runningTask] =
      (await runsOf(second.id))[0]?.status === 'queued' ? [second, first] : [first, second];
    const queued = (await runsOf(queuedTask.id))[0] as Run;
    const file = join(dir, 'jobs', 'default', 'default', queuedTask.name, `${queued.runId}.json`);
    expect((JSON.parse(readFileSync(file, 'utf8')) as RunRecord).status).toBe('queued');
    expect((await runsOf(runningTask.id))[0]?.status).toBe('running');

    // The first run ends, the waiting one starts and ends: each keeps its own final record.
    actions.finishAll();
    await waitFor(async () => actions.started() === 1);
    actions.finishAll();
    await waitFor(async () => (await runsOf(queuedTask.id))[0]?.status === 'succeeded');
    for (const task of [first, second]) {
      const runs = await runsOf(task.id);
      expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    }
    expect((JSON.parse(readFileSync(file, 'utf8')) as RunRecord).status).toBe('succeeded');
  });
});
