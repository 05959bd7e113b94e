import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterController, ClusterWorker } from '../../../main/core/cluster/index.js';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import { clusterTask, sleep, startClusterRig, waitFor } from './cluster-fixtures.js';
import type { ClusterRig } from './cluster-fixtures.js';

describe('a controller and a worker in one process, on a real redis-server', () => {
  let rig: ClusterRig;

  beforeAll(async () => {
    rig = await startClusterRig('flow');
  });
  afterAll(async () => {
    await rig?.close();
  });

  const allEnded = async () => (await rig.recordsOf()).every((r) => r.status !== 'running');

  it('a per-second cluster task leaves one succeeded record per tick, each naming its worker', async () => {
    const { controller, redis, key } = rig;
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
    await waitFor(allEnded, 5000, 'runs to end');
    await worker.close();
    await controller.close();
    const records = await rig.recordsOf('echo');
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

  it("overlap 'parallel' with maxConcurrent 2 runs at most two at once across two workers and skips what cannot wait", async () => {
    const { redis, key } = rig;
    const controller = new ClusterController({
      redisUrl: redis.url,
      key,
      sink: new RunRecordWriter({ jobsDir: rig.jobsDir, heartbeatMs: 0 }),
    });
    const workers = ['a', 'b'].map(
      (name) =>
        new ClusterWorker({ redisUrl: redis.url, queue: 'wide', key, name, concurrency: 4 }),
    );
    for (const w of workers) await w.start();
    await controller.start([
      clusterTask(
        { id: 'slow-wide', overlap: 'parallel', maxConcurrent: 2 },
        { kind: 'shell', mode: 'script', script: 'sleep 3' },
        'wide',
      ),
    ]);
    await sleep(7000);
    await controller.remove('slow-wide');
    await waitFor(allEnded, 10_000, 'runs to end');
    for (const w of workers) await w.close();
    await controller.close();
    const records = await rig.recordsOf('slow-wide');
    const ran = records.filter((r) => r.startedAt !== null && r.endedAt !== null);
    const mostAtOnce = Math.max(
      ...ran.map(
        (r) => ran.filter((o) => o.startedAt! <= r.startedAt! && o.endedAt! > r.startedAt!).length,
      ),
    );
    expect(ran.length).toBeGreaterThanOrEqual(2);
    expect(mostAtOnce).toBe(2);
    expect(records.filter((r) => r.status === 'skipped')[0]?.error).toContain(
      "2 runs were running and 2 queued (overlap policy 'parallel')",
    );
  }, 40_000);
});
