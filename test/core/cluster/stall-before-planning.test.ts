import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterKey, ClusterWorker } from '../../../main/core/cluster/index.js';
import { CLUSTER_PREFIX, bullQueueName } from '../../../main/core/cluster/cluster-connection.js';
import { clusterTask, startClusterRig, waitFor } from './cluster-fixtures.js';
import type { ClusterRig } from './cluster-fixtures.js';

/**
 * BullMQ plans a scheduler's next job when a worker takes the current one. A worker killed in
 * between (kill -9 the moment it takes a tick: the hand-over test hit it about one run in ten)
 * leaves that to whichever worker retakes the job once its lock runs out, and the due instants
 * between the two jobs were queued by no one. A BullMQ worker whose repeatStrategy never answers
 * stands for the killed one here: it takes the job and never plans the next, every time.
 */
describe('a worker that dies between taking a tick and planning the next one', () => {
  let rig: ClusterRig;
  let stuck: Worker | null = null;
  let heir: ClusterWorker | null = null;

  beforeAll(async () => {
    rig = await startClusterRig('stall-before-planning', {}, { handOverMs: 3000 });
    await rig.controller.start();
  }, 30_000);
  afterAll(async () => {
    await heir?.close(true);
    await stuck?.close(true).catch(() => undefined);
    await rig?.close();
  });

  it('the worker that retakes the tick runs every instant up to the next job, none lost', async () => {
    const name = bullQueueName('main');
    stuck = new Worker(name, () => Promise.resolve('never reached'), {
      connection: { url: rig.redis.url },
      prefix: CLUSTER_PREFIX,
      lockDuration: 1000,
      skipStalledCheck: true,
      skipLockRenewal: true,
      settings: { repeatStrategy: () => new Promise<number | undefined>(() => undefined) },
    });
    await stuck.waitUntilReady();
    const catchUp = { policy: 'all' as const, cap: 60, deadlineMs: 0 };
    await rig.controller.upsert(clusterTask({ id: 'beat', overlap: 'parallel', catchUp }));
    const queue = new Queue(name, { connection: { url: rig.redis.url }, prefix: CLUSTER_PREFIX });
    await waitFor(async () => (await queue.getActiveCount()) === 1, 10_000, 'the stuck take');
    const [taken] = await queue.getActive();
    await queue.close();
    heir = new ClusterWorker({
      redisUrl: rig.redis.url,
      queue: 'main',
      concurrency: 2,
      name: 'heir',
      key: await ClusterKey.forWorker(join(rig.dataDir, 'cluster.key'), {}),
      runner: { run: () => Promise.resolve({ status: 'succeeded' as const }) },
      lockDurationMs: 1000,
      stalledIntervalMs: 500,
    });
    await heir.start();
    // The taken job is the scheduler's first: its instant is the controller's firstDue.
    const first = (taken?.data as { firstDue: number }).firstDue;
    const through = first + 5000;
    await waitFor(
      async () => {
        const done = (await rig.recordsOf('beat')).filter((r) => r.status === 'succeeded');
        return done.some((r) => (r.scheduledFor ?? 0) >= through);
      },
      30_000,
      'a run 5 s after the first instant',
    );
    await rig.controller.remove('beat');
    const records = (await rig.recordsOf('beat')).filter(
      (r) => r.status !== 'running' && (r.scheduledFor ?? 0) <= through,
    );
    const seen = records.map((r) => `${(r.scheduledFor ?? 0) - first} ${r.status} ${r.attempt}`);
    expect(seen).toEqual([
      '0 succeeded 2',
      '1000 succeeded 1',
      '2000 succeeded 1',
      '3000 succeeded 1',
      '4000 succeeded 1',
      '5000 succeeded 1',
    ]);
  }, 60_000);
});
