import { describe, expect, it } from 'vitest';
import { useServices } from '../../support/service-fixture.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const openService = useServices('crontray-triggers-');
const open = (dataDir?: string) => openService(dataDir ? { dataDir } : {});

const backup = {
  name: 'backup',
  schedule: { kind: 'cron' as const, pattern: '0 9 * * 1-5' },
  timezone: 'Europe/Berlin',
  triggers: {
    schedules: [{ schedule: { kind: 'cron' as const, pattern: '0 11 * * 6' } }],
    quiet: { windows: [{ kind: 'dates' as const, from: '2026-06-03', to: '2026-06-04' }] },
  },
  action: { kind: 'shell' as const, program: 'echo', args: ['backup'] },
};

describe('triggers through the service', () => {
  it('keeps two schedules and a quiet window in config.json across a restart', async () => {
    const first = await open();
    const task = await first.call('tasks:create', backup);
    // Monday 1 June 09:00 Berlin is 07:00Z, past: Tuesday, then Friday (3-4 June are quiet), Saturday.
    expect(task.nextRunAt).toBe(Date.UTC(2026, 5, 2, 7));
    await first.close();
    const config = JSON.parse(await readFile(join(first.dir, 'config.json'), 'utf8')) as {
      tasks: Record<string, { triggers?: unknown }>;
    };
    expect(config.tasks[task.id]?.triggers).toMatchObject({
      jitterSec: 0,
      quiet: { policy: 'skip' },
    });
    const again = await open(first.dir);
    const stored = await again.call('tasks:get', { id: task.id });
    expect(stored.triggers?.schedules).toHaveLength(1);
    expect(stored.nextRunAt).toBe(Date.UTC(2026, 5, 2, 7));
  });

  it('previews merged schedules with quiet days left out, the delay as a range, and the triggers in words', async () => {
    const { call } = await open();
    const preview = await call('tasks:preview', {
      schedule: backup.schedule,
      timezone: backup.timezone,
      triggers: { ...backup.triggers, jitterSec: 600, events: ['wake'] },
      count: 3,
    });
    expect(preview.runs.map((r) => [r.at, r.latestAt])).toEqual([
      [Date.UTC(2026, 5, 2, 7), Date.UTC(2026, 5, 2, 7, 10)],
      [Date.UTC(2026, 5, 5, 7), Date.UTC(2026, 5, 5, 7, 10)],
      [Date.UTC(2026, 5, 6, 9), Date.UTC(2026, 5, 6, 9, 10)],
    ]);
    expect(preview.triggerNotes).toEqual([
      'Schedule 2: At 11:00, only on Saturday (Europe/Berlin); a time two schedules share runs once.',
      'Each run starts at a random moment up to 10 min after its time, so tasks due together spread out.',
      "Quiet: quiet days 2026-06-03 to 2026-06-04: runs due inside one are skipped and recorded 'skipped'.",
      'Also runs after the machine wakes (noticed within 30 s).',
    ]);
  });

  it('an imported @reboot line is a task that runs only when Crontray starts, with no next run', async () => {
    const { call } = await open();
    const task = await call('tasks:create', {
      ...backup,
      name: 'on-boot',
      triggers: { events: ['start'], eventsOnly: true },
    });
    expect(task.nextRunAt).toBeNull();
    const preview = await call('tasks:preview', {
      schedule: backup.schedule,
      triggers: { events: ['start'], eventsOnly: true },
    });
    expect(preview.runs).toEqual([]);
    expect(preview.triggerNotes).toEqual([
      'Runs only when Crontray starts; the schedule is not used.',
    ]);
  });

  it('takes the triggers away with null, and refuses a bad window without changing the task', async () => {
    const { call, fail } = await open();
    const task = await call('tasks:create', backup);
    const error = await fail('tasks:update', {
      id: task.id,
      patch: { triggers: { quiet: { windows: [{ kind: 'daily', from: '09:00', to: '09:00' }] } } },
    });
    expect(error.field).toBe('triggers.quiet.windows.0.to');
    expect((await call('tasks:get', { id: task.id })).triggers?.quiet.windows).toHaveLength(1);
    const plain = await call('tasks:update', { id: task.id, patch: { triggers: null } });
    expect(plain.triggers).toBeUndefined();
    expect(plain.nextRunAt).toBe(Date.UTC(2026, 5, 2, 7));
  });
});
