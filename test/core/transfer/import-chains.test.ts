import { describe, expect, it } from 'vitest';
import { useServices } from '../../support/service-fixture.js';
import { taskDefinition } from '../../../main/core/model/task.js';
import { writeBundle } from '../../../main/core/transfer/bundle-write.js';

const START = Date.UTC(2026, 5, 1, 8, 0, 0);
const open = useServices('crontray-import-chains-');

/** A service on its own data folder (a machine of its own). */
async function machine() {
  const { call } = await open({ resumeScheduler: false });
  const byName = async (name: string) => (await call('tasks:list')).find((t) => t.name === name);
  return { call, byName };
}

const shell = { kind: 'shell' as const, mode: 'exec' as const, program: 'true', args: [] };
const daily = { kind: 'cron' as const, pattern: '0 3 * * *' };
const after = (taskId: string, when: 'success' | 'failure' | 'finish' = 'success') => ({
  after: [{ taskId, when }],
  eventsOnly: true,
});

/** A machine with 'backup' and 'sync', which runs after it. */
async function backupThenSync() {
  const a = await machine();
  const backup = await a.call('tasks:create', { name: 'backup', schedule: daily, action: shell });
  const sync = await a.call('tasks:create', {
    name: 'sync',
    schedule: daily,
    triggers: after(backup.id),
    action: shell,
  });
  return { a, backup, sync };
}

describe('importing a bundle keeps the chains between its tasks', () => {
  it('links between tasks of the bundle follow the new ids, whatever order they were exported in', async () => {
    const { a, backup, sync } = await backupThenSync();
    await a.call('tasks:create', {
      name: 'report',
      schedule: daily,
      triggers: after(sync.id, 'failure'),
      action: shell,
    });
    // Children first: the import must still create each parent before the task that follows it.
    const ids = (await a.call('tasks:list')).map((t) => t.id).reverse();
    const bundle = await a.call('transfer:export', { format: 'bundle', taskIds: ids });

    const b = await machine();
    const result = await b.call('transfer:import', { text: bundle.text });
    expect(result.created.map((c) => c.name).sort()).toEqual(['backup', 'report', 'sync']);
    const [newBackup, newSync, newReport] = await Promise.all(
      ['backup', 'sync', 'report'].map((n) => b.byName(n)),
    );
    expect(newBackup?.id).not.toBe(backup.id);
    expect(newSync?.triggers?.after).toEqual([{ taskId: newBackup?.id, when: 'success' }]);
    expect(newReport?.triggers?.after).toEqual([{ taskId: newSync?.id, when: 'failure' }]);
  });

  it('a link to a task already imported before follows that task', async () => {
    const { a, backup, sync } = await backupThenSync();
    const b = await machine();
    const first = await a.call('transfer:export', { format: 'bundle', taskIds: [backup.id] });
    await b.call('transfer:import', { text: first.text });
    const both = await a.call('transfer:export', {
      format: 'bundle',
      taskIds: [backup.id, sync.id],
    });
    const result = await b.call('transfer:import', { text: both.text });
    expect(result.counts).toMatchObject({ tasks: 1, existing: 1 });
    const here = await b.byName('backup');
    expect((await b.byName('sync'))?.triggers?.after).toEqual([
      { taskId: here?.id, when: 'success' },
    ]);
  });

  it('a task that runs after one neither in the bundle nor here is not imported, the field named; the rest are', async () => {
    const definition = (name: string, taskId?: string) =>
      taskDefinition.parse({
        name,
        schedule: daily,
        ...(taskId ? { triggers: after(taskId) } : {}),
      });
    const action = { ...shell, shell: 'sh' as const, script: '', env: [] };
    const { text } = await writeBundle(
      [
        { id: 'old-backup', definition: definition('backup'), action },
        { id: 'old-sync', definition: definition('sync', 'old-gone'), action },
        { id: 'old-report', definition: definition('report', 'old-sync'), action },
      ],
      { exportedAt: START },
    );
    const b = await machine();
    const preview = await b.call('transfer:preview', { text });
    expect(preview.counts).toEqual({ tasks: 1, existing: 0, skipped: 2 });
    expect(preview.rows[1]?.message).toBe(
      "not imported: triggers.after.0.taskId: it runs after a task with id 'old-gone' that is neither in the bundle nor here; export that task with it",
    );
    expect(preview.rows[2]?.message).toBe(
      "not imported: triggers.after.0.taskId: it runs after 'sync', which is not imported",
    );
    const result = await b.call('transfer:import', { text });
    expect(result.created.map((c) => c.name)).toEqual(['backup']);
    expect((await b.call('tasks:list')).map((t) => t.name)).toEqual(['backup']);
  });
});
