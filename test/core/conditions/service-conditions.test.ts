import { describe, expect, it } from 'vitest';
import { SERVICE_START, useServices } from '../../support/service-fixture.js';
import { mkdtemp, readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { FakeConditions } from '../../../main/core/conditions/fake-conditions.js';

const START = SERVICE_START; // a Monday

const openService = useServices('crontray-conditions-');
const open = (conditions: FakeConditions, dataDir?: string, clock = new VirtualClock(START)) =>
  openService({ conditions, clock, ...(dataDir ? { dataDir } : {}) });

/** Polls (real time: the run is a real process) until the task's last run has ended. */
async function lastRunEnded(call: Awaited<ReturnType<typeof open>>['call'], id: string) {
  for (let i = 0; i < 250; i++) {
    const view = await call('tasks:get', { id });
    if (view.lastRun && view.lastRun.status !== 'running') return view;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the run did not end within 5 s');
}

const sync = {
  name: 'sync',
  schedule: { kind: 'cron' as const, pattern: '0 9 * * *' },
  timezone: 'UTC',
  conditions: { acPower: true, deadlineMs: 2 * 3600_000 },
  action: { kind: 'shell' as const, program: 'true' },
};

describe('conditions through the service', () => {
  it('the tasks list shows a run waiting for AC power, and the run happens when the cable goes in', async () => {
    const power = new FakeConditions({ onAc: false });
    const { call, clock } = await open(power);
    const task = await call('tasks:create', sync);
    await call('scheduler:start');
    await clock.advanceTo(START + 3600_000 + 1000);
    const [listed] = await call('tasks:list');
    expect(listed?.waitingFor).toBe('waiting for AC power');
    power.set({ onAc: true });
    const after = await lastRunEnded(call, task.id);
    expect(after.waitingFor).toBeNull();
    expect(after.lastRun?.status).toBe('succeeded');
  });

  it('keeps the conditions in config.json and names them in the preview', async () => {
    const { call, dir, service } = await open(new FakeConditions());
    const task = await call('tasks:create', sync);
    const preview = await call('tasks:preview', {
      schedule: sync.schedule,
      conditions: sync.conditions,
    });
    expect(preview.conditionNotes).toEqual([
      'Conditions: only on AC power; waits up to 2 h, then missed.',
    ]);
    await service.close();
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
      tasks: Record<string, { conditions?: unknown }>;
    };
    expect(config.tasks[task.id]?.conditions).toEqual({
      acPower: true,
      network: null,
      idleMinutes: null,
      policy: 'wait',
      deadlineMs: 7_200_000,
    });
  });

  it('refuses a deadline shorter than the grace period naming the field, and leaves the task unchanged', async () => {
    const { call, fail } = await open(new FakeConditions());
    const task = await call('tasks:create', sync);
    const error = await fail('tasks:update', {
      id: task.id,
      patch: { conditions: { acPower: true, deadlineMs: 1000 } },
    });
    expect(error.field).toBe('conditions.deadlineMs');
    expect((await call('tasks:get', { id: task.id })).conditions?.deadlineMs).toBe(7_200_000);
    const plain = await call('tasks:update', { id: task.id, patch: { conditions: null } });
    expect(plain.conditions).toBeUndefined();
  });

  it('a waiting run kept across a restart runs once when the condition holds', async () => {
    const power = new FakeConditions({ onAc: false });
    const first = await open(power);
    const task = await first.call('tasks:create', sync);
    await first.call('scheduler:start');
    await first.clock.advanceTo(START + 3600_000 + 1000);
    await first.close();
    const kept = JSON.parse(
      await readFile(join(first.dir, 'conditions', 'waiting.json'), 'utf8'),
    ) as { runs: { taskId: string }[] };
    expect(kept.runs.map((r) => r.taskId)).toEqual([task.id]);

    const again = await open(power, first.dir, new VirtualClock(START + 3600_000 + 60_000));
    const status = await again.call('scheduler:status');
    if (!status.running) await again.call('scheduler:start');
    expect((await again.call('tasks:get', { id: task.id })).waitingFor).toBe(
      'waiting for AC power',
    );
    power.set({ onAc: true });
    await lastRunEnded(again.call, task.id);
    const runs = await again.call('history:runs', { taskId: task.id });
    expect(runs.items.map((r) => r.status)).toEqual(['succeeded']);
  });

  it('a waiting list that is not ours is moved aside with a notice, never trusted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crontray-conditions-'));
    await mkdir(join(dir, 'conditions'), { recursive: true });
    await writeFile(join(dir, 'conditions', 'waiting.json'), '{"version":1,"runs":[{"taskId":5}]}');
    const { service } = await openService({
      conditions: new FakeConditions(),
      dataDir: dir,
      removeDir: true,
    });
    expect(service.startupNotices.map((n) => n.message).join('\n')).toContain(
      'runs waiting for their conditions could not be read',
    );
    expect((await readdir(join(dir, 'conditions'))).some((f) => f.includes('.corrupt-'))).toBe(
      true,
    );
  });
});
