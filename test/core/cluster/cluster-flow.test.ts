import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ClusterController, ClusterKey, ClusterWorker } from '../../../main/core/cluster/index.js';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import { startRedisServer } from '../../support/redis-server.js';
import type { RedisServerHandle } from '../../support/redis-server.js';
import {
  clusterTask,
  readRecords,
  removeDir,
  sleep,
  tempDir,
  waitFor,
} from './cluster-fixtures.js';

describe('a controller and a worker in one process, on a real redis-server', () => {
  let redis: RedisServerHandle;
  let dataDir: string;
  let key: ClusterKey;

  beforeAll(async () => {
    redis = await startRedisServer();
    dataDir = await tempDir('flow');
    key = await ClusterKey.forController(dataDir, {});
  });
  afterAll(async () => {
    await redis?.stop();
    await removeDir(dataDir);
  });

  it('a per-second cluster task leaves one succeeded record per tick, each naming its worker', async () => {
    const jobsDir = join(dataDir, 'jobs');
    const sink = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    const controller = new ClusterController({ redisUrl: redis.url, key, sink });
    const worker = new ClusterWorker({
      redisUrl: redis.url,
      queue: 'main',
      key,
      name: 'w1',
      concurrency: 2,
    });
    await worker.start();
    await controller.start([
      clusterTask(
        { id: 'echo', name: 'echo' },
        { kind: 'shell', mode: 'script', script: 'echo tick' },
      ),
    ]);
    const started = Date.now();
    await sleep(4200);
    await controller.remove('echo');
    await sleep(500);
    await waitFor(
      async () => (await readRecords(jobsDir)).every((r) => r.status !== 'running'),
      5000,
      'runs to end',
    );
    await worker.close();
    await controller.close();
    const records = await readRecords(jobsDir);
    const ticks = records.map((r) => r.scheduledFor);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const r of records) {
      expect(r).toMatchObject({
        status: 'succeeded',
        worker: 'w1',
        attempt: 1,
        trigger: 'schedule',
      });
      expect(r.stdout?.head).toContain('tick');
      expect(r.scheduledFor! % 1000).toBe(0);
      expect(r.scheduledFor!).toBeGreaterThan(started - 1000);
    }
  });
});
