import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterWorker } from '../../../main/core/cluster/index.js';
import { clusterTask, sleep, startClusterRig, waitFor } from './cluster-fixtures.js';
import type { ClusterRig } from './cluster-fixtures.js';

/**
 * A redis-server that saves to its folder: when it comes back with its data, the scheduler's
 * delayed tick is still there and runs late, after the controller already recorded it missed.
 */
describe('Redis restarted with its data after the controller recorded missed runs', () => {
  let rig: ClusterRig;
  let worker: ClusterWorker;

  beforeAll(async () => {
    rig = await startClusterRig('restart', { persist: true });
    worker = new ClusterWorker({
      redisUrl: rig.redis.url,
      queue: 'main',
      key: rig.key,
      name: 'w1',
      concurrency: 4,
      // A run cut off by the shutdown is retried within seconds, not after BullMQ's 30 s.
      lockDurationMs: 2000,
      stalledIntervalMs: 1000,
      leaseMs: 2000,
    });
    await worker.start();
  }, 30_000);
  afterAll(async () => {
    await worker?.close(true);
    await rig?.close();
  });

  it('each due second ends as one record: a run that happened late replaces its miss', async () => {
    const { controller, redis } = rig;
    await controller.start([
      clusterTask({
        id: 'keeper',
        overlap: 'parallel',
        catchUp: { policy: 'all', cap: 60, deadlineMs: 0 },
      }),
    ]);
    await sleep(2500);
    await redis.shutdown();
    const downAt = Date.now();
    await waitFor(async () => !controller.connected, 5000, 'the controller to notice');
    await waitFor(
      async () => (await rig.recordsOf('keeper')).some((r) => r.status === 'missed'),
      10_000,
      'a miss recorded while Redis is away',
    );
    await sleep(1500);
    await redis.start();
    await waitFor(async () => controller.connected, 20_000, 'the controller to reconnect');
    await sleep(3000);
    await controller.remove('keeper');
    await waitFor(
      async () => (await rig.recordsOf()).every((r) => r.status !== 'running'),
      20_000,
      'runs to end',
    );
    const records = await rig.recordsOf('keeper');
    // A retry (attempt 2) of a run cut off by the shutdown is at-least-once, not a duplicate.
    const firsts = records.filter((r) => r.attempt === 1).map((r) => r.scheduledFor);
    expect(new Set(firsts).size).toBe(firsts.length);
    const late = records.filter(
      (r) => (r.scheduledFor as number) > downAt && r.trigger === 'catch-up',
    );
    const seen = records.map(
      (r) => `${(r.scheduledFor as number) - downAt} ${r.status} ${r.trigger}`,
    );
    expect(late.length, seen.join('\n')).toBeGreaterThanOrEqual(1);
    expect(late.every((r) => r.status === 'succeeded')).toBe(true);
  }, 90_000);
});
