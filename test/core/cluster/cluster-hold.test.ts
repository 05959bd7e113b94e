import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoNotRunUntil } from '../../../main/core/service/do-not-run-until.js';
import { systemClock } from '../../../main/core/time/clock.js';
import { clusterTask, startClusterRig, waitFor } from './cluster-fixtures.js';
import type { ClusterRig } from './cluster-fixtures.js';
import { spawnWorker } from './worker-processes.js';
import type { WorkerProcess } from './worker-processes.js';

/**
 * The desktop's "Do not run until …" holds cluster tasks as it holds local ones: a real
 * redis-server, a real `crontray worker` process, the service's own DoNotRunUntil.
 */
describe('cluster tasks under "Do not run until …"', () => {
  let rig: ClusterRig;
  let worker: WorkerProcess | null = null;

  beforeAll(async () => {
    rig = await startClusterRig('hold');
  }, 30_000);
  afterAll(async () => {
    await worker?.kill9();
    await rig?.close();
  });

  it('its ticks inside the window are recorded skipped with the local sentence; the first after it runs', async () => {
    const hold = await DoNotRunUntil.open(rig.dataDir, systemClock, () => undefined);
    // Set before the controller starts, as after a restart: it comes from the data folder.
    const until = Math.ceil((Date.now() + 5000) / 1000) * 1000 + 500;
    await hold.set(until);
    await rig.controller.setHold(hold.known());
    await rig.controller.start();
    const key = join(rig.dataDir, 'cluster.key');
    worker = await spawnWorker(
      ['--redis', rig.redis.url, '--queue', 'main', '--key-file', key],
      'w',
    );
    await rig.controller.upsert(clusterTask({ id: 'beat' }));
    await waitFor(
      async () => (await rig.recordsOf('beat')).some((r) => (r.scheduledFor ?? 0) > until),
      30_000,
      'the first tick after the window',
    );
    await rig.controller.remove('beat');
    const records = (await rig.recordsOf('beat')).filter((r) => r.status !== 'running');
    const inside = records.filter((r) => (r.scheduledFor ?? 0) < until);
    const after = records.filter((r) => (r.scheduledFor ?? 0) > until);
    expect(inside.length).toBeGreaterThanOrEqual(3);
    for (const r of inside) {
      expect(r).toMatchObject({
        status: 'skipped',
        skipReason: 'do-not-run-until',
        error: hold.heldAt(r.scheduledFor ?? 0),
      });
    }
    expect(after[0]).toMatchObject({ status: 'succeeded', scheduledFor: until + 500 });
    await hold.close();
  }, 60_000);
});
