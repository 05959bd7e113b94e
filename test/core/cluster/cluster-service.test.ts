import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page, RunSummary, TaskView } from '../../../main/api/contract.js';
import { ClusterKey, ClusterWorker } from '../../../main/core/cluster/index.js';
import { CrontrayService } from '../../../main/core/service/service.js';
import { startRedisServer } from '../../support/redis-server.js';
import type { RedisServerHandle } from '../../support/redis-server.js';
import { removeDir, sleep, tempDir, valueOf, waitFor } from './cluster-fixtures.js';

describe('the service with --redis: a task whose "Run on" is a cluster queue', () => {
  let redis: RedisServerHandle;
  let dataDir: string;
  let service: CrontrayService;
  let worker: ClusterWorker;

  beforeAll(async () => {
    redis = await startRedisServer();
    dataDir = await tempDir('service');
    service = new CrontrayService({
      dataDir,
      host: 'headless',
      version: '0.0.0',
      redisUrl: redis.url,
      resumeScheduler: false,
    });
    await service.open();
    worker = new ClusterWorker({
      redisUrl: redis.url,
      queue: 'night',
      name: 'far-away',
      key: await ClusterKey.forWorker(join(dataDir, 'cluster.key'), {}),
    });
    await worker.start();
  }, 30_000);

  afterAll(async () => {
    await worker?.close(true);
    await service?.close();
    await redis?.stop();
    await removeDir(dataDir);
  });

  const runsOf = async (taskId: string) =>
    valueOf<Page<RunSummary>>(await service.call('history:runs', { taskId, limit: 1000 })).items;

  /** A shell task every second on cluster queue 'night'. */
  const everySecondOnNight = async (name: string, script: string) =>
    valueOf<TaskView>(
      await service.call('tasks:create', {
        name,
        schedule: { kind: 'interval', everyMs: 1000 },
        action: { kind: 'shell', mode: 'script', script },
        runOn: { kind: 'cluster', queue: 'night' },
      }),
    );

  it('runs on a worker, lands in the same history, and stops when disabled', async () => {
    const task = await everySecondOnNight('remote', 'echo from-far-away');
    expect(task.runOn).toEqual({ kind: 'cluster', queue: 'night' });
    await waitFor(
      async () => (await runsOf(task.id)).some((r) => r.status === 'succeeded'),
      10_000,
      'a cluster run',
    );
    const status = valueOf<{ cluster: { connected: boolean; workers: { name: string }[] } }>(
      await service.call('scheduler:status', undefined),
    );
    expect(status.cluster.connected).toBe(true);
    // A rename leaves "Run on" alone.
    const renamed = valueOf<TaskView>(
      await service.call('tasks:update', { id: task.id, patch: { name: 'remote2' } }),
    );
    expect(renamed.runOn).toEqual({ kind: 'cluster', queue: 'night' });
    await service.call('tasks:disable', { id: task.id });
    await sleep(1500);
    const before = (await runsOf(task.id)).length;
    await sleep(2500);
    expect((await runsOf(task.id)).length).toBe(before);
  }, 30_000);

  it('holds its ticks under "Do not run until …" as a local task is held, then runs them again', async () => {
    const until = Math.ceil((Date.now() + 4000) / 1000) * 1000 + 500;
    valueOf(await service.call('scheduler:until', { until }));
    const task = await everySecondOnNight('held', 'true');
    await waitFor(
      async () =>
        (await runsOf(task.id)).some(
          (r) => r.status === 'succeeded' && (r.scheduledFor ?? 0) > until,
        ),
      20_000,
      'a run after the window',
    );
    await service.call('tasks:disable', { id: task.id });
    const inside = (await runsOf(task.id)).filter((r) => (r.scheduledFor ?? 0) < until);
    expect(inside.length).toBeGreaterThanOrEqual(2);
    for (const run of inside) {
      expect(run.status).toBe('skipped');
      expect(run.error).toMatch(
        /^Skipped: Crontray was told not to run until \d\d:\d\d .*; Run now still runs a task\.$/,
      );
    }
  }, 30_000);

  it('refuses a routine on a cluster queue, naming the field', async () => {
    const reply = await service.call('tasks:create', {
      name: 'loop',
      schedule: { kind: 'routine', waitMs: 1000 },
      action: { kind: 'shell', mode: 'script', script: 'true' },
      runOn: { kind: 'cluster', queue: 'night' },
    });
    expect(reply.ok).toBe(false);
    expect(reply.ok ? '' : reply.error.message).toMatch(
      /runOn: a routine .* cannot run on a cluster queue/,
    );
  });

  it('refuses a run limit (maxCycles) on a cluster queue and says to set an end time instead', async () => {
    const reply = await service.call('tasks:create', {
      name: 'ten-times',
      schedule: { kind: 'interval', everyMs: 1000, maxCycles: 10 },
      action: { kind: 'shell', mode: 'script', script: 'true' },
      runOn: { kind: 'cluster', queue: 'night' },
    });
    expect(reply.ok).toBe(false);
    expect(reply.ok ? '' : reply.error.message).toMatch(
      /runOn: a limit on the number of runs \(10 times\) .* set an end time \('until'\) instead/,
    );
  });
});
