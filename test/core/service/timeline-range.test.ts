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
