import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrontrayService } from '../../../main/core/service/service.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import type { Envelope } from '../../../main/api/channel.js';
import type { Channel, RequestOf, ResponseOf } from '../../../main/api/contract.js';

const START = Date.UTC(2026, 5, 1, 8, 0, 0); // a Monday
const dirs: string[] = [];
const services: CrontrayService[] = [];

async function open(dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'crontray-triggers-')));
  if (!dataDir) dirs.push(dir);
  const service = new CrontrayService({
    dataDir: dir,
    host: 'headless',
    version: '1.2.3',
    testMode: true,
    clock: new VirtualClock(START),
    historyMode: 'polling',
  });
  await service.open();
  services.push(service);
  const call = async <C extends Channel>(c: C, request?: RequestOf<C>): Promise<ResponseOf<C>> => {
    const envelope = (await service.call(c, request)) as Envelope<ResponseOf<C>>;
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
    return envelope.value;
  };
  const fail = async (c: Channel, request: unknown) => {
    const envelope = await service.call(c, request);
    if (envelope.ok) throw new Error(`${c} unexpectedly succeeded`);
    return envelope.error;
  };
  return { dir, service, call, fail };
}

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

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
    await first.service.close();
    services.splice(services.indexOf(first.service), 1);
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
