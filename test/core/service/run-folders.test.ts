import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { useServices } from '../../support/service-fixture.js';

const openService = useServices('crontray-folders-');

describe("a new task's run folder", () => {
  it('is made when the task is created, before its first run, so the first records need not make it', async () => {
    const { call, dir } = await openService();
    const task = await call('tasks:create', {
      name: 'yearly report',
      group: 'reports',
      schedule: { kind: 'cron', pattern: '0 9 1 1 *' },
      action: { kind: 'shell', program: 'true' },
    });
    const folder = join(dir, 'jobs', task.project, 'reports', 'yearly report');
    for (let i = 0; i < 200 && !existsSync(folder); i++) await delay(10);
    expect(existsSync(folder)).toBe(true);
    expect((await call('history:runs', { taskId: task.id })).items).toEqual([]);
  });
});
