import { describe, expect, it } from 'vitest';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { untilWords } from '../../../main/api/until-words.js';
import type { ResponseOf } from '../../../main/api/contract.js';
import { useServices } from '../../support/service-fixture.js';

/** Monday 1 June 2026 08:00 on this computer's clock, whatever its zone. */
const START = new Date(2026, 5, 1, 8, 0, 0).getTime();
const HOUR = 3600_000;
const openService = useServices('crontray-until-');

async function open(options: { dir?: string; at?: number } = {}) {
  const opened = await openService({
    ...(options.dir === undefined ? {} : { dataDir: options.dir }),
    clock: new VirtualClock(options.at ?? START),
  });
  const { service, call } = opened;
  /** The task's runs once `count` of them are final (real shell processes take real time). */
  const runs = async (taskId: string, count: number) => {
    let items: ResponseOf<'history:runs'>['items'] = [];
    for (let i = 0; i < 600; i++) {
      await service.call('clock:advance', { ms: 0 });
      items = (await call('history:runs', { taskId })).items.filter(
        (r) => r.status !== 'running' && r.status !== 'queued',
      );
      if (items.length >= count) break;
      await delay(25);
    }
    return items.sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0));
  };
  return { ...opened, runs };
}

const hourly = {
  name: 'sync',
  schedule: { kind: 'cron' as const, pattern: '30 * * * *' },
  action: { kind: 'shell' as const, program: 'true' },
};

describe('"Do not run until …" through the service', () => {
  it('skips runs due before the time with the reason named, says so in the status, and runs again after it', async () => {
    const { call, clock, runs } = await open();
    const task = await call('tasks:create', hourly);
    await call('scheduler:start');
    const until = START + 2 * HOUR; // 10:00
    const status = await call('scheduler:until', { until });
    expect(status.doNotRunUntil).toEqual({ from: START, until });
    expect(status.running).toBe(true);
    await clock.advance(2 * HOUR + HOUR / 2 + 1000); // past 08:30, 09:30 and 10:30
    const [first, second, third] = await runs(task.id, 3);
    const reason = `Skipped: Crontray was told not to run until ${untilWords(until, START)}; Run now still runs a task.`;
    expect(untilWords(until, START)).toBe('10:00 Monday 1 June');
    for (const skipped of [first, second]) expect(skipped?.status).toBe('skipped');
    const detail = await call('history:run', {
      project: 'default',
      group: 'default',
      name: 'sync',
      runId: first?.runId ?? '',
    });
    expect(detail).toMatchObject({ error: reason, skipReason: 'do-not-run-until' });
    expect(third?.status).toBe('succeeded');
    expect((await call('scheduler:status')).doNotRunUntil).toBeNull();
  });

  it('still runs a task on Run now while it holds', async () => {
    const { call, runs } = await open();
    const task = await call('tasks:create', hourly);
    await call('scheduler:start');
    await call('scheduler:until', { until: START + 5 * HOUR });
    await call('tasks:runNow', { id: task.id });
    const [run] = await runs(task.id, 1);
    expect(run).toMatchObject({ trigger: 'manual', status: 'succeeded' });
  });

  it('is cleared by "Run now again": the next due run runs', async () => {
    const { call, clock, runs } = await open();
    const task = await call('tasks:create', hourly);
    await call('scheduler:start');
    await call('scheduler:until', { until: START + 5 * HOUR });
    const cleared = await call('scheduler:until', { until: null });
    expect(cleared.doNotRunUntil).toBeNull();
    await clock.advance(HOUR / 2 + 1000);
    const [run] = await runs(task.id, 1);
    expect(run?.status).toBe('succeeded');
  });

  it('is kept across a restart before the time, and is gone after a restart past it', async () => {
    const first = await open();
    await first.call('scheduler:until', { until: START + 3 * HOUR });
    await first.close();
    const before = await open({ dir: first.dir, at: START + HOUR });
    expect((await before.call('scheduler:status')).doNotRunUntil).toEqual({
      from: START,
      until: START + 3 * HOUR,
    });
    await before.close();
    const after = await open({ dir: first.dir, at: START + 4 * HOUR });
    expect((await after.call('scheduler:status')).doNotRunUntil).toBeNull();
    await expect(access(join(first.dir, 'scheduler', 'do-not-run-until.json'))).rejects.toThrow();
  });

  it('does not let catch-up replay runs due before the time when Crontray was closed through it', async () => {
    const first = await open();
    const task = await first.call('tasks:create', {
      ...hourly,
      catchUp: { policy: 'all', cap: 10 },
    });
    await first.call('scheduler:start');
    await first.call('scheduler:until', { until: START + 2 * HOUR });
    await first.close();
    // Back at 11:00: 08:30 and 09:30 fell inside the window, 10:30 after it.
    const again = await open({ dir: first.dir, at: START + 3 * HOUR });
    const done = await again.runs(task.id, 3);
    expect(done.map((r) => [r.trigger, r.status])).toEqual([
      ['catch-up', 'skipped'],
      ['catch-up', 'skipped'],
      ['catch-up', 'succeeded'],
    ]);
  });

  it('writes due times that fell inside the window as skipped, not missed, when catch-up runs only the latest', async () => {
    const first = await open();
    const task = await first.call('tasks:create', { ...hourly, catchUp: { policy: 'latest' } });
    await first.call('scheduler:start');
    await first.call('scheduler:until', { until: START + 2 * HOUR + 45 * 60_000 });
    await first.close();
    // Back at 11:40: 08:30, 09:30 and 10:30 fell inside the window (until 10:45), 11:30 after it.
    const again = await open({ dir: first.dir, at: START + 3 * HOUR + 40 * 60_000 });
    const done = await again.runs(task.id, 4);
    const told = /^Skipped: Crontray was told not to run until /;
    expect(done.map((r) => [r.status, told.test(r.error ?? '')])).toEqual([
      ['skipped', true],
      ['skipped', true],
      ['skipped', true],
      ['succeeded', false],
    ]);
  });

  it('ends by itself at the time and tells the window and the tray', async () => {
    const { call, clock, service } = await open();
    const states: (number | null)[] = [];
    service.events.subscribe((event, payload) => {
      if (event === 'scheduler:state')
        states.push((payload as ResponseOf<'scheduler:status'>).doNotRunUntil?.until ?? null);
    });
    await call('scheduler:until', { until: START + HOUR });
    await clock.advance(HOUR);
    expect(states).toEqual([START + HOUR, null]);
  });

  it('refuses a time in the past, more than a year ahead, or not a time, naming the field and keeping what was set', async () => {
    const { call, fail, dir } = await open();
    await call('scheduler:until', { until: START + HOUR });
    const file = join(dir, 'scheduler', 'do-not-run-until.json');
    const stored = await readFile(file, 'utf8');
    const past = await fail('scheduler:until', { until: START - 60_000 });
    expect(past).toMatchObject({ code: 'invalid', field: 'until' });
    expect(past.message).toContain('is not in the future');
    const far = await fail('scheduler:until', { until: START + 400 * 24 * HOUR });
    expect(far.message).toContain('more than a year ahead');
    const text = await fail('scheduler:until', { until: 'tomorrow 8:00' });
    expect(text).toMatchObject({ code: 'invalid', field: 'until' });
    expect(text.message).toContain('until: expected a date and time');
    expect(await readFile(file, 'utf8')).toBe(stored);
    expect((await call('scheduler:status')).doNotRunUntil?.until).toBe(START + HOUR);
  });
});
