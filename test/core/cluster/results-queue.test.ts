import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { clusterTask, startClusterRig, waitFor } from './cluster-fixtures.js';
import type { ClusterRig } from './cluster-fixtures.js';

/** A record as a worker hands it back, for a task the controller knows. */
function record(runId: string, scheduledFor: number) {
  return {
    runId,
    taskId: 'nightly',
    project: 'default',
    group: 'default',
    name: 'nightly',
    trigger: 'schedule',
    scheduledFor,
    status: 'succeeded',
    startedAt: scheduledFor + 5,
    endedAt: scheduledFor + 10,
    attempt: 1,
  };
}

describe('the results queue on a real redis-server', () => {
  let rig: ClusterRig;
  let redis: Redis;
  let results: Queue;

  beforeAll(async () => {
    rig = await startClusterRig('results');
    await rig.controller.start([clusterTask({ id: 'nightly', enabled: false })]);
    redis = new Redis(rig.redis.url, { maxRetriesPerRequest: null });
    results = new Queue('crontray-results', { connection: redis, prefix: '{crontray}' });
  });
  afterAll(async () => {
    await results?.close();
    redis?.disconnect();
    await rig?.close();
  });

  it('runs a worker hands back together each land in the history, as do single ones from older workers', async () => {
    const at = Date.UTC(2026, 0, 1, 2);
    await results.add('results', {
      v: 2,
      worker: 'night-1',
      queue: 'main',
      records: [record('r-batch-1', at), record('r-batch-2', at + 1000)],
    });
    await results.add('result', {
      v: 1,
      worker: 'old-worker',
      queue: 'main',
      record: record('r-single', at + 2000),
    });
    await waitFor(async () => (await rig.recordsOf('nightly')).length === 3, 10_000, 'records');
    const records = await rig.recordsOf('nightly');
    expect(records.map((r) => [r.runId, r.worker])).toEqual([
      ['r-batch-1', 'night-1'],
      ['r-batch-2', 'night-1'],
      ['r-single', 'old-worker'],
    ]);
  });

  it('a results job that is not a run record is kept aside and the controller goes on', async () => {
    await results.add('results', { v: 2, worker: 'w', queue: 'main', records: [{ runId: 1 }] });
    await waitFor(
      async () => (await results.getJobCounts('failed')).failed === 1,
      10_000,
      'refusal',
    );
    await results.add('results', {
      v: 2,
      worker: 'night-1',
      queue: 'main',
      records: [record('r-after', Date.UTC(2026, 0, 1, 3))],
    });
    await waitFor(
      async () => (await rig.recordsOf('nightly')).some((r) => r.runId === 'r-after'),
      10_000,
      'the next record',
    );
    expect(rig.controller.connected).toBe(true);
  });
});
