import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrontrayService } from '../../../main/core/service/service.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { AesGcmCipher } from '../../../main/core/store/vault.js';
import type { Envelope } from '../../../main/api/channel.js';
import type { EventMap, RequestOf, ResponseOf, Channel } from '../../../main/api/contract.js';
import type { Logger } from '../../../main/core/log/logger.js';
import { recordingLogger } from '../../support/recording-logger.js';

const START = Date.UTC(2026, 5, 1, 8, 0, 0);
const dirs: string[] = [];
const services: CrontrayService[] = [];

async function newService(
  options: { dataDir?: string; clock?: VirtualClock; cipher?: 'aes'; logger?: Logger } = {},
) {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'crontray-service-')));
  if (!options.dataDir) dirs.push(dataDir);
  const clock = options.clock ?? new VirtualClock(START);
  const service = new CrontrayService({
    dataDir,
    host: 'headless',
    version: '1.2.3',
    testMode: true,
    clock,
    historyMode: 'polling',
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.cipher ? { cipher: await AesGcmCipher.open({ dataDir }) } : {}),
  });
  await service.open();
  services.push(service);
  const events: { event: keyof EventMap; payload: unknown }[] = [];
  service.events.subscribe((event, payload) => events.push({ event, payload }));
  async function call<C extends Channel>(
    channel: C,
    request?: RequestOf<C>,
  ): Promise<ResponseOf<C>> {
    const envelope = (await service.call(channel, request)) as Envelope<ResponseOf<C>>;
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
    return envelope.value;
  }
  async function fail(channel: Channel, request: unknown) {
    const envelope = await service.call(channel, request);
    if (envelope.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return envelope.error;
  }
  async function finished(runId: string) {
    for (let i = 0; i < 400; i++) {
      const hit = events.find(
        (e) => e.event === 'run:finished' && (e.payload as { runId: string }).runId === runId,
      );
      if (hit) return hit.payload as EventMap['run:finished'];
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`run ${runId} did not finish`);
  }
  return { service, dataDir, clock, call, fail, events, finished };
}

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const echoTask = {
  name: 'hello',
  project: 'demo',
  schedule: { kind: 'cron' as const, pattern: '0 9 * * *' },
  timezone: 'Europe/Berlin',
  action: { kind: 'shell' as const, program: 'echo', args: ['hello world'] },
};

describe('the service', () => {
  it('creates a task, lists it with its schedule in words and its next run, and survives a restart', async () => {
    const a = await newService();
    const created = await a.call('tasks:create', echoTask);
    expect(created.scheduleText).toBe('At 09:00 (Europe/Berlin)');
    expect(created.nextRunAt).toBe(Date.UTC(2026, 5, 2, 7, 0, 0));
    await a.service.close();

    const b = await newService({ dataDir: a.dataDir });
    const [listed] = await b.call('tasks:list');
    expect(listed).toMatchObject({ id: created.id, action: null });
    const again = await b.call('tasks:get', { id: created.id });
    expect(again).toMatchObject({
      id: created.id,
      name: 'hello',
      project: 'demo',
      action: echoTask.action,
    });
  });

  it('gives back the existing task when the same definition is created twice', async () => {
    const { call } = await newService();
    const first = await call('tasks:create', echoTask);
    const second = await call('tasks:create', echoTask);
    expect(second.id).toBe(first.id);
    expect(await call('tasks:list')).toHaveLength(1);
  });

  it('refuses a second task of the same name in the same project with a different action', async () => {
    const { call, fail } = await newService();
    await call('tasks:create', echoTask);
    const error = await fail('tasks:create', {
      ...echoTask,
      action: { kind: 'shell', program: 'true' },
    });
    expect(error).toMatchObject({ code: 'conflict', field: 'name' });
  });

  it('names the cron field that is wrong in a sentence, and stores nothing', async () => {
    const { call, fail } = await newService();
    const error = await fail('tasks:create', {
      ...echoTask,
      schedule: { kind: 'cron', pattern: '61 * * * *' },
    });
    expect(error.field).toBe('schedule.pattern');
    expect(error.message).toBe('Minute 61 does not exist: minutes run 0–59.');
    expect(await call('tasks:list')).toEqual([]);
    expect((await call('vault:status')).entries).toBe(0);
  });

  it('runs a task now and keeps its output in the history', async () => {
    const { call, finished } = await newService();
    const task = await call('tasks:create', echoTask);
    const started = await call('tasks:runNow', { id: task.id });
    expect(started.trigger).toBe('manual');
    const done = await finished(started.runId);
    expect(done).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const record = await call('history:run', {
      project: 'demo',
      group: 'default',
      name: 'hello',
      runId: started.runId,
    });
    expect(record.stdout?.head).toBe('hello world\n');
  });

  it('masks secret values when it sends a task back, and keeps them when the masked form is saved', async () => {
    const { call, finished, dataDir } = await newService();
    const task = await call('tasks:create', {
      ...echoTask,
      action: {
        kind: 'shell',
        mode: 'script',
        script: 'echo "token=$API_TOKEN"',
        env: [{ name: 'API_TOKEN', value: 's3cr3t-value', secret: true }],
      },
    });
    expect(JSON.stringify(task)).not.toContain('s3cr3t-value');
    // Saving the form as it came back (mask included) keeps the stored secret.
    const updated = await call('tasks:update', {
      id: task.id,
      patch: { action: task.action!, notes: 'edited' },
    });
    const run = await call('tasks:runNow', { id: updated.id });
    await finished(run.runId);
    const record = await call('history:run', {
      project: 'demo',
      group: 'default',
      name: 'hello',
      runId: run.runId,
    });
    expect(record.stdout?.head).toContain('token=••••••••');
    const files = await readFile(
      join(dataDir, 'jobs', 'demo', 'default', 'hello', `${run.runId}.json`),
      'utf8',
    );
    expect(files).not.toContain('s3cr3t-value');
  });

  it('fires a scheduled task when its time comes and records it in the session', async () => {
    const { call, clock, finished, events } = await newService();
    await call('tasks:create', { ...echoTask, schedule: { kind: 'interval', everyMs: 60_000 } });
    await call('scheduler:start');
    await clock.advance(60_000);
    await expect.poll(() => events.some((e) => e.event === 'run:started')).toBe(true);
    const started = events.find((e) => e.event === 'run:started')!.payload as { runId: string };
    await finished(started.runId);
    await call('scheduler:stop');
    const sessions = await call('history:sessions', {});
    expect(sessions.items[0]).toMatchObject({ endReason: 'stopped', counts: { succeeded: 1 } });
  });

  it('a daily task missed for three days with catch-up "latest" runs once on start and records two misses', async () => {
    const clock = new VirtualClock(START);
    const a = await newService({ clock });
    const task = await a.call('tasks:create', {
      ...echoTask,
      schedule: { kind: 'cron', pattern: '0 6 * * *' },
      timezone: 'UTC',
      catchUp: { policy: 'latest', cap: 10, deadlineMs: 0 },
    });
    await a.call('scheduler:start');
    await clock.advanceTo(Date.UTC(2026, 5, 2, 6, 0, 1)); // runs on the 2nd at 06:00
    await expect.poll(() => a.events.some((e) => e.event === 'run:finished')).toBe(true);
    await a.call('scheduler:stop');
    await a.service.close();

    // The app stays closed for three days.
    clock.jump(Date.UTC(2026, 5, 5, 7, 0, 0));
    const b = await newService({ dataDir: a.dataDir, clock });
    await b.call('scheduler:start');
    await clock.advance(1000);
    await expect.poll(() => b.events.filter((e) => e.event === 'run:finished').length).toBe(3);
    await clock.advance(1000);
    const runs = await b.call('history:runs', { taskId: task.id, limit: 50 });
    const triggers = runs.items.map((r) => `${r.trigger}:${r.status}`).sort();
    const caughtUp = runs.items.filter((r) => r.trigger === 'catch-up');
    expect(caughtUp).toHaveLength(1);
    expect(runs.items.filter((r) => r.status === 'missed')).toHaveLength(2);
    expect(triggers.filter((t) => t.startsWith('schedule:succeeded'))).toHaveLength(1);
  });

  it('marks a task locked when its key is lost, keeps its ciphertext, and unlocks when the action is re-entered', async () => {
    const a = await newService({ cipher: 'aes' });
    const task = await a.call('tasks:create', echoTask);
    await a.service.close();
    const vaultBefore = await readFile(join(a.dataDir, 'vault.json'), 'utf8');
    await writeFile(join(a.dataDir, 'vault.key'), Buffer.alloc(32, 7).toString('base64'));

    const b = await newService({ dataDir: a.dataDir, cipher: 'aes' });
    const locked = await b.call('tasks:get', { id: task.id });
    expect(locked.locked).toMatch(/.+/);
    expect(locked.action).toBeNull();
    expect(await b.fail('tasks:runNow', { id: task.id })).toMatchObject({ code: 'locked' });
    expect(b.service.startupNotices.some((n) => n.message.includes('locked'))).toBe(true);
    expect(JSON.parse(await readFile(join(a.dataDir, 'vault.json'), 'utf8'))).toEqual(
      JSON.parse(vaultBefore),
    );

    const unlocked = await b.call('tasks:update', {
      id: task.id,
      patch: { action: echoTask.action },
    });
    expect(unlocked.locked).toBeNull();
    expect(unlocked.action).toMatchObject(echoTask.action);
  });

  it('previews the next runs in task time and local time with notes on the coming DST change', async () => {
    const { call } = await newService();
    const preview = await call('tasks:preview', {
      schedule: { kind: 'cron', pattern: '30 2 * * *' },
      timezone: 'Europe/Berlin',
      count: 3,
    });
    expect(preview.description).toBe('At 02:30 (Europe/Berlin)');
    expect(preview.runs.map((r) => r.at)).toEqual([
      Date.UTC(2026, 5, 2, 0, 30),
      Date.UTC(2026, 5, 3, 0, 30),
      Date.UTC(2026, 5, 4, 0, 30),
    ]);
    expect(preview.runs[0]?.taskTime).toMatch(/^2026-06-02 02:30:00/);
    expect(preview.dstNotes[0]).toMatch(/^2026-10-25 02:00:00 .*go back 1 hour/);
  });

  it('disables, enables and deletes a task, and its ciphertext goes with it', async () => {
    const { call } = await newService();
    const task = await call('tasks:create', echoTask);
    expect((await call('tasks:disable', { id: task.id })).nextRunAt).toBeNull();
    expect((await call('tasks:enable', { id: task.id })).nextRunAt).not.toBeNull();
    await call('tasks:delete', { id: task.id });
    expect(await call('tasks:list')).toEqual([]);
    expect((await call('vault:status')).entries).toBe(0);
  });

  it('pauses for an hour and resumes on its own', async () => {
    const { call, clock } = await newService();
    const paused = await call('scheduler:pause', { minutes: 60 });
    expect(paused).toMatchObject({ running: false, pausedUntil: START + 3_600_000 });
    await clock.advance(3_600_000);
    // Resuming opens a new session on disk, which takes real time after the virtual timer fires.
    await expect
      .poll(() => call('scheduler:status'))
      .toMatchObject({ running: true, pausedUntil: null });
  });

  it("reads a routine's old delayMs as its wait, stores it as waitMs and warns the caller once", async () => {
    const logger = recordingLogger();
    const a = await newService({ logger });
    const old = { ...echoTask, name: 'poll', schedule: { kind: 'routine', delayMs: 90_000 } };
    const created = await a.call('tasks:create', old as unknown as RequestOf<'tasks:create'>);
    expect(created.scheduleText).toBe('1 minute 30 seconds after each run ends');
    await a.call('tasks:create', {
      ...old,
      name: 'poll 2',
    } as unknown as RequestOf<'tasks:create'>);
    const warnings = logger.messages('warn').filter((m) => m.includes("'delayMs' is deprecated"));
    expect(warnings).toEqual([
      "tasks:create: a routine's 'delayMs' is deprecated and will not be read by the next version; call it 'waitMs'",
    ]);
    await a.service.close();
    const config = await readFile(join(a.dataDir, 'config.json'), 'utf8');
    const stored = JSON.parse(config) as { tasks: Record<string, { schedule: unknown }> };
    expect(Object.values(stored.tasks).map((t) => t.schedule)).toEqual([
      { kind: 'routine', waitMs: 90_000 },
      { kind: 'routine', waitMs: 90_000 },
    ]);
    expect(config).not.toContain('delayMs');
  });

  it('moves the virtual clock through clock:advance in test mode', async () => {
    const { call } = await newService();
    expect(await call('clock:advance', { ms: 5000 })).toEqual({ now: START + 5000 });
  });
});

describe('the scheduler after a restart', () => {
  it('runs again when it was running at quit, and stays stopped when the user had stopped it', async () => {
    const a = await newService();
    await a.call('scheduler:start');
    await a.service.close('quit');
    const b = await newService({ dataDir: a.dataDir });
    expect((await b.call('scheduler:status')).running).toBe(true);
    expect(b.service.startupNotices.some((n) => n.message.includes('running again'))).toBe(true);

    await b.call('scheduler:stop');
    await b.service.close('quit');
    const c = await newService({ dataDir: a.dataDir });
    expect((await c.call('scheduler:status')).running).toBe(false);
  });
});

describe('a task update that cannot be saved', () => {
  it('leaves the task exactly as it was, action included', async () => {
    const first = await newService();
    const task = await first.call('tasks:create', echoTask);
    await first.service.close();
    const { call, fail, dataDir } = await newService({ dataDir: first.dataDir });
    // Something in the way of config.json's change journal: every save now fails.
    await mkdir(join(dataDir, 'config-changes.jsonl'));
    const error = await fail('tasks:update', {
      id: task.id,
      patch: { notes: 'new', action: { kind: 'shell', program: 'false' } },
    });
    expect(error.message).toMatch(
      /could not save .*config-changes\.jsonl.*the change was not kept/,
    );
    const after = await call('tasks:get', { id: task.id });
    expect(after.action).toMatchObject(echoTask.action);
    expect(after.notes).toBe('');
  });
});

describe('a crash before bookkeeping is saved', () => {
  it('does not run a trigger again that the run records show already ran', async () => {
    const clock = new VirtualClock(START);
    const a = await newService({ clock });
    const task = await a.call('tasks:create', {
      ...echoTask,
      schedule: { kind: 'interval', everyMs: 60_000 },
      catchUp: { policy: 'all', cap: 10, deadlineMs: 0 },
    });
    await a.call('scheduler:start');
    await clock.advance(60_000);
    await expect.poll(() => a.events.some((e) => e.event === 'run:finished')).toBe(true);
    await a.service.close('quit');

    // The process died before lastDueAt reached config.json.
    const path = join(a.dataDir, 'config.json');
    const config = JSON.parse(await readFile(path, 'utf8')) as {
      tasks: Record<string, { lastDueAt: number | null }>;
    };
    config.tasks[task.id]!.lastDueAt = null;
    await writeFile(path, JSON.stringify(config));

    clock.jump(START + 70_000);
    const b = await newService({ dataDir: a.dataDir, clock });
    await clock.advance(1000);
    // Give a wrongly caught-up run (a real echo process) time to show up in the history.
    await new Promise((r) => setTimeout(r, 200));
    const runs = await b.call('history:runs', { taskId: task.id });
    expect(runs.items.filter((r) => r.scheduledFor === START + 60_000)).toHaveLength(1);
  });
});

describe('the result cache', () => {
  it('answers Run now from the last result within the tolerance, also after a restart', async () => {
    const clock = new VirtualClock(START);
    const a = await newService({ clock });
    const task = await a.call('tasks:create', {
      ...echoTask,
      resultCache: { expireMs: 3_600_000, toleranceSeconds: 600 },
    });
    const first = await a.call('tasks:runNow', { id: task.id });
    expect(first.fromCache).toBe(false);
    await a.finished(first.runId);
    await a.service.close('quit');

    await clock.advance(60_000);
    const b = await newService({ dataDir: a.dataDir, clock });
    const cached = await b.call('tasks:runNow', { id: task.id, toleranceSeconds: 600 });
    expect(cached).toMatchObject({ fromCache: true, status: 'succeeded', trigger: 'manual' });
    await b.finished(cached.runId);
    const record = await b.call('history:run', {
      project: 'demo',
      group: 'default',
      name: 'hello',
      runId: cached.runId,
    });
    expect(record.stdout?.head).toBe('hello world\n');

    // A stricter tolerance than the result's age runs the action again.
    const fresh = await b.call('tasks:runNow', { id: task.id, toleranceSeconds: 30 });
    expect(fresh.fromCache).toBe(false);
    await b.finished(fresh.runId);
  });
});
