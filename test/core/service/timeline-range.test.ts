import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrontrayService } from '../../../main/core/service/service.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import type { Envelope } from '../../../main/api/channel.js';
import type { RequestOf, ResponseOf, Channel } from '../../../main/api/contract.js';

// Noon on the Saturday before Berlin moves its clocks forward (Sunday 28 March 2027, 01:00 UTC).
const START = Date.UTC(2027, 2, 27, 12, 0, 0);
const HOUR = 3_600_000;
let dataDir: string;
let service: CrontrayService | undefined;

afterEach(async () => {
  await service?.close();
  service = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function open() {
  dataDir = await mkdtemp(join(tmpdir(), 'crontray-timeline-'));
  const clock = new VirtualClock(START);
  service = new CrontrayService({
    ...{ dataDir, host: 'headless', version: '1.0.0', testMode: true, clock },
    historyMode: 'polling',
  });
  await service.open();
  const s = service;
  async function call<C extends Channel>(channel: C, request: RequestOf<C>) {
    const envelope = (await s.call(channel, request)) as Envelope<ResponseOf<C>>;
    if (!envelope.ok) throw new Error(envelope.error.message);
    return envelope.value;
  }
  return { clock, call, service: s };
}

/** Advances the clock an hour at a time until `n` runs of the history are over. */
async function runHours(ctx: Awaited<ReturnType<typeof open>>, hours: number) {
  for (let i = 0; i < hours; i++) await ctx.clock.advance(HOUR);
  for (let i = 0; i < 500; i++) {
    const page = await ctx.call('history:runs', { status: 'succeeded', limit: 1 });
    if (page.total >= hours) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the runs did not finish');
}

/** A task running `true` (hourly unless told), with the scheduler started. */
async function createStarted(
  ctx: Awaited<ReturnType<typeof open>>,
  fields: Partial<RequestOf<'tasks:create'>> & { name: string },
) {
  const task = await ctx.call('tasks:create', {
    schedule: { kind: 'cron', pattern: '0 * * * *' },
    action: { kind: 'shell', program: 'true' },
    ...fields,
  });
  await ctx.call('scheduler:start', undefined);
  return task;
}

describe('the timeline of past and coming runs', () => {
  it('returns the runs that happened and the ones the engine will start, in one range', async () => {
    const ctx = await open();
    const task = await ctx.call('tasks:create', {
      name: 'hourly-report',
      timezone: 'Europe/Berlin',
      schedule: { kind: 'cron', pattern: '0 * * * *' },
      action: { kind: 'shell', program: 'echo', args: ['report written'] },
    });
    await ctx.call('scheduler:start', undefined);
    await runHours(ctx, 3);
    const now = ctx.clock.now();
    const range = await ctx.call('timeline:range', {
      from: START,
      to: START + 48 * HOUR,
      zone: 'UTC',
    });
    expect(range.now).toBe(now);
    expect(range.tasks.map((t) => t.name)).toEqual(['hourly-report']);
    expect(range.past.map((r) => [r.status, r.scheduledFor])).toEqual([
      ['succeeded', START + HOUR],
      ['succeeded', START + 2 * HOUR],
      ['succeeded', START + 3 * HOUR],
    ]);
    const [coming] = range.coming;
    expect(coming!.taskId).toBe(task.id);
    expect(coming!.at[0]).toBe(START + 4 * HOUR);
    // Every hour to the end of the range; the night Berlin skips 02:00 still has one per hour in UTC.
    expect(coming!.at).toHaveLength(45);
    expect(coming!.truncated).toBe(false);
    expect(range.dst).toEqual([
      {
        zone: 'Europe/Berlin',
        at: Date.UTC(2027, 2, 28, 1),
        kind: 'gap',
        offsetBeforeMinutes: 60,
        offsetAfterMinutes: 120,
      },
    ]);
  });

  it('lists no coming runs for a disabled task, but keeps its row and its past', async () => {
    const ctx = await open();
    const task = await ctx.call('tasks:create', {
      name: 'paused',
      schedule: { kind: 'cron', pattern: '0 * * * *' },
      action: { kind: 'shell', program: 'true' },
    });
    await ctx.call('scheduler:start', undefined);
    await runHours(ctx, 1);
    await ctx.call('tasks:disable', { id: task.id });
    const range = await ctx.call('timeline:range', { from: START, to: START + 24 * HOUR });
    expect(range.tasks).toMatchObject([{ name: 'paused', enabled: false }]);
    expect(range.past).toHaveLength(1);
    expect(range.coming).toEqual([]);
  });

  it('returns each quiet window of a task and leaves its runs inside one out', async () => {
    const ctx = await open();
    const task = await createStarted(ctx, {
      name: 'night-quiet',
      timezone: 'Europe/Berlin',
      triggers: { quiet: { windows: [{ kind: 'daily', from: '22:00', to: '06:00' }] } },
    });
    const range = await ctx.call('timeline:range', { from: START, to: START + 48 * HOUR });
    // 22:00 to 06:00 in Berlin: the first night crosses the change to summer time (7 hours long).
    expect(range.windows.map((w) => [w.taskId, w.kind, w.from, w.to])).toEqual([
      [task.id, 'quiet', Date.UTC(2027, 2, 27, 21), Date.UTC(2027, 2, 28, 4)],
      [task.id, 'quiet', Date.UTC(2027, 2, 28, 20), Date.UTC(2027, 2, 29, 4)],
    ]);
    expect(range.windows[0]!.label).toBe('daily quiet window 22:00–06:00: runs are skipped');
    const coming = range.coming.find((c) => c.taskId === task.id)!.at;
    for (const w of range.windows)
      expect(coming.filter((at) => at >= w.from && at < w.to)).toEqual([]);
    expect(coming).toContain(Date.UTC(2027, 2, 27, 20));
    expect(coming).toContain(Date.UTC(2027, 2, 28, 4));
  });

  it('gives each coming run with a random delay the window it will start in', async () => {
    const ctx = await open();
    const task = await createStarted(ctx, {
      name: 'spread-out',
      timezone: 'UTC',
      schedule: { kind: 'cron', pattern: '30 */6 * * *' },
      triggers: { jitterSec: 900 },
    });
    const range = await ctx.call('timeline:range', { from: START, to: START + 24 * HOUR });
    const coming = range.coming.find((c) => c.taskId === task.id)!.at;
    // The due times themselves, not the delayed start the engine drew for the first of them.
    expect(coming).toEqual([
      START + 0.5 * HOUR,
      START + 6.5 * HOUR,
      START + 12.5 * HOUR,
      START + 18.5 * HOUR,
    ]);
    expect(range.windows).toEqual(
      coming.map((at) => ({
        taskId: task.id,
        kind: 'jitter',
        from: at,
        to: at + 900_000,
        label: 'starts at a random time up to 15 min after it is due',
      })),
    );
  });

  it('draws no windows for a task without quiet windows or a random delay', async () => {
    const ctx = await open();
    await createStarted(ctx, { name: 'plain' });
    const range = await ctx.call('timeline:range', { from: START, to: START + 24 * HOUR });
    expect(range.coming[0]!.at).toHaveLength(24);
    expect(range.windows).toEqual([]);
  });

  it('refuses a range that ends before it starts or spans more than a month', async () => {
    const ctx = await open();
    const backwards = await ctx.service.call('timeline:range', { from: START, to: START - 1 });
    expect(backwards.ok).toBe(false);
    if (!backwards.ok) expect(backwards.error.message).toMatch(/to must be after from/);
    const long = await ctx.service.call('timeline:range', {
      from: START,
      to: START + 40 * 24 * HOUR,
    });
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.error.message).toMatch(/at most 31 days/);
  });

  it('finds a run by a word of its output through history:search', async () => {
    const ctx = await open();
    await ctx.call('tasks:create', {
      name: 'sync-photos',
      schedule: { kind: 'cron', pattern: '0 * * * *' },
      action: { kind: 'shell', program: 'echo', args: ['uploaded 3 albums'] },
    });
    await ctx.call('scheduler:start', undefined);
    await runHours(ctx, 1);
    const result = await ctx.call('history:search', { query: 'albums' });
    expect(result.total).toBe(1);
    expect(result.hits[0]!.run.name).toBe('sync-photos');
    expect(result.hits[0]!.snippets[0]!.text).toContain('uploaded 3 albums');
  });
});
