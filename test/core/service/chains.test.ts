import { describe, expect, it } from 'vitest';
import { useServices } from '../../support/service-fixture.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const open = useServices('crontray-chains-');

const never = { kind: 'cron' as const, pattern: '0 0 1 1 *' };
const sh = (script: string) => ({ kind: 'shell' as const, mode: 'script' as const, script });

describe('chains through the service', () => {
  it("runs 'sync' after 'backup' succeeds with the parent's run id, status and output tail, and the history links both ways", async () => {
    const { call } = await open();
    const backup = await call('tasks:create', {
      name: 'backup',
      schedule: never,
      action: sh('echo copied 42 files'),
    });
    const sync = await call('tasks:create', {
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: backup.id, when: 'success' }], eventsOnly: true },
      action: sh(
        'printf "%s|%s|%s" "$CRONTRAY_PARENT_RUN_ID" "$CRONTRAY_PARENT_STATUS" "$CRONTRAY_PARENT_OUTPUT_TAIL"',
      ),
    });
    const parentRun = await call('tasks:runNow', { id: backup.id });
    let childId: string | undefined;
    // Two shell processes in a row: on a loaded machine that can take many seconds.
    for (let i = 0; i < 600 && childId === undefined; i++) {
      const page = await call('history:runs', { taskId: sync.id, status: 'succeeded' });
      childId = page.items[0]?.runId;
      if (childId === undefined) await delay(25);
    }
    expect(childId, "'sync' did not run within 15 s of 'backup'").toBeDefined();
    const key = { project: 'default', group: 'default' };
    const child = await call('history:run', { ...key, name: 'sync', runId: childId ?? '' });
    expect(child.trigger).toBe('chain');
    expect(child.parent).toMatchObject({ runId: parentRun.runId, name: 'backup' });
    expect((child.stdout?.head ?? '') + (child.stdout?.tail ?? '')).toBe(
      `${parentRun.runId}|succeeded|copied 42 files\n`,
    );
    // The child starts as the parent ends, alongside the write of the parent's final record (the
    // one that lists it): on a loaded machine the child's record can land first.
    let parent = await call('history:run', { ...key, name: 'backup', runId: parentRun.runId });
    for (let i = 0; i < 200 && parent.chained === undefined; i++) {
      await delay(25);
      parent = await call('history:run', { ...key, name: 'backup', runId: parentRun.runId });
    }
    expect(parent.chained?.map((r) => [r.name, r.runId])).toEqual([['sync', childId]]);
  });

  it('refuses a chain to an unknown task and a loop naming the field, and keeps config.json as it was', async () => {
    const { call, fail, dir } = await open();
    const unknown = await fail('tasks:create', {
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: 'no-such-task' }], eventsOnly: true },
      action: sh('true'),
    });
    expect(unknown).toMatchObject({ field: 'triggers.after.0.taskId' });
    expect(unknown.message).toContain("there is no task with id 'no-such-task'");
    const backup = await call('tasks:create', {
      name: 'backup',
      schedule: never,
      action: sh('true'),
    });
    const sync = await call('tasks:create', {
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: backup.id }], eventsOnly: true },
      action: sh('true'),
    });
    const before = await readFile(join(dir, 'config.json'), 'utf8');
    const loop = await fail('tasks:update', {
      id: backup.id,
      patch: { triggers: { after: [{ taskId: sync.id, when: 'finish' }] } },
    });
    expect(loop).toMatchObject({ field: 'triggers.after.0.taskId' });
    expect(loop.message).toContain("'backup' → 'sync' → 'backup' would run forever");
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('refuses to delete a task others run after, naming them, and deletes it once they are unlinked', async () => {
    const { call, fail } = await open();
    const backup = await call('tasks:create', {
      name: 'backup',
      schedule: never,
      action: sh('true'),
    });
    const sync = await call('tasks:create', {
      name: 'sync',
      schedule: never,
      triggers: { after: [{ taskId: backup.id }] },
      action: sh('true'),
    });
    const refused = await fail('tasks:delete', { id: backup.id });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain("'backup' cannot be deleted: 'sync' runs after it");
    expect((await call('tasks:get', { id: backup.id })).name).toBe('backup');
    await call('tasks:update', { id: sync.id, patch: { triggers: null } });
    expect(await call('tasks:delete', { id: backup.id })).toEqual({ deleted: true });
  });

  it("says in the preview which task it runs after and when: after 'backup' succeeds", async () => {
    const { call } = await open();
    const backup = await call('tasks:create', {
      name: 'backup',
      schedule: never,
      action: sh('true'),
    });
    const preview = await call('tasks:preview', {
      schedule: never,
      triggers: { after: [{ taskId: backup.id, when: 'success' }], eventsOnly: true },
    });
    expect(preview.triggerNotes).toContain(
      "Runs after 'backup' succeeds; the schedule is not used.",
    );
  });
});
