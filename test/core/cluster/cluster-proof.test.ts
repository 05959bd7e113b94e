import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { ClusterController } from '../../../main/core/cluster/index.js';
import type { RedisServerHandle } from '../../support/redis-server.js';
import { clusterTask, readRecords, sleep, startClusterRig, waitFor } from './cluster-fixtures.js';
import type { ClusterRig } from './cluster-fixtures.js';
import { spawnWorker } from './worker-processes.js';
import type { WorkerProcess } from './worker-processes.js';

/**
 * Real processes: redis-server, two `crontray worker` processes from the build and a controller.
 * One redis and one pair of workers serve every scenario, in order, to keep CI time down.
 */
describe('two worker processes and a controller on a real redis-server', () => {
  let rig: ClusterRig;
  let redis: RedisServerHandle;
  let dataDir: string;
  let jobsDir: string;
  let controller: ClusterController;
  const workers = new Map<string, WorkerProcess>();
  /** Short BullMQ locks so a killed worker's run is retried within seconds, not 30 s. */
  const workerArgs = () => [
    '--redis',
    redis.url,
    '--queue',
    'main',
    '--concurrency',
    '4',
    '--key-file',
    join(dataDir, 'cluster.key'),
    '--lock-ms',
    '2000',
  ];
  const startWorker = async (name: string) =>
    workers.set(name, await spawnWorker(workerArgs(), name));
  const recordsOf = (taskId: string) => rig.recordsOf(taskId);

  beforeAll(async () => {
    rig = await startClusterRig('proof');
    ({ redis, dataDir, jobsDir, controller } = rig);
    await controller.start();
    await Promise.all([startWorker('w1'), startWorker('w2')]);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers.values()) await w.kill9();
    await rig?.close();
  });

  it('a one-second task for 15 s gives one record per tick, none duplicated, each run by one of the workers', async () => {
    await controller.upsert(
      clusterTask(
        { id: 'beat', overlap: 'parallel' },
        { kind: 'shell', mode: 'script', script: 'echo beat' },
      ),
    );
    await sleep(15_000);
    await controller.remove('beat');
    await waitFor(
      async () => (await recordsOf('beat')).every((r) => r.status !== 'running'),
      5000,
      'runs to end',
    );
    const records = await recordsOf('beat');
    const ticks = records.map((r) => r.scheduledFor as number);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(records.length).toBeGreaterThanOrEqual(14);
    for (let i = 1; i < ticks.length; i++)
      expect((ticks[i] as number) - (ticks[i - 1] as number)).toBe(1000);
    expect(records.every((r) => r.status === 'succeeded' && r.attempt === 1)).toBe(true);
    // Each record names the worker that ran it. Which one that is, BullMQ decides: a tick goes
    // to whichever worker asks first, and since ticks are handed over 500 ms early and held
    // outside the run slots, one worker may take all 15 (a clean-clone CI run did).
    for (const r of records) expect(['w1', 'w2']).toContain(r.worker);
  }, 40_000);

  it('kill -9 of a worker mid-run: the other worker runs it again as attempt 2 and no tick is lost', async () => {
    await controller.upsert(clusterTask({ id: 'tick', overlap: 'parallel' }));
    await controller.upsert(
      clusterTask(
        { id: 'slow', schedule: { kind: 'once', at: Date.now() + 3_600_000 } },
        { kind: 'shell', mode: 'script', script: 'sleep 3; echo done' },
      ),
    );
    await sleep(1500);
    await controller.runNow('slow');
    let victim = '';
    await waitFor(
      async () => {
        const running = (await recordsOf('slow')).find((r) => r.status === 'running');
        victim = running?.worker ?? '';
        return victim !== '';
      },
      10_000,
      'the slow run to start',
    );
    const killedAt = Date.now();
    await workers.get(victim)?.kill9();
    await waitFor(
      async () => (await recordsOf('slow')).some((r) => r.status === 'succeeded'),
      20_000,
      'the retried run',
    );
    const slow = await recordsOf('slow');
    const survivor = victim === 'w1' ? 'w2' : 'w1';
    expect(slow.find((r) => r.status === 'succeeded')).toMatchObject({
      attempt: 2,
      worker: survivor,
      trigger: 'retry',
    });
    expect(slow.find((r) => r.attempt === 1)).toMatchObject({
      status: 'interrupted',
      worker: victim,
    });
    await sleep(1500);
    await controller.remove('tick');
    await startWorker(victim);
    // A tick the killed worker had taken comes back once its BullMQ lock (2 s) runs out; a run
    // that short never said it started, so there is no 'running' record to wait for.
    const succeededTicks = async () => {
      const ticks = (await recordsOf('tick'))
        .filter((r) => r.status === 'succeeded')
        .map((r) => r.scheduledFor as number);
      return [...new Set(ticks)].sort((a, b) => a - b);
    };
    const contiguous = (ticks: number[]) =>
      ticks.every((t, i) => i === 0 || t - (ticks[i - 1] as number) === 1000);
    await waitFor(
      async () => contiguous(await succeededTicks()),
      15_000,
      'every tick to have a succeeded run',
    ).catch(() => undefined);
    const unique = await succeededTicks();
    // Every second from the first tick to after the kill has a succeeded run.
    expect(unique[unique.length - 1]).toBeGreaterThan(killedAt + 1000);
    for (let i = 1; i < unique.length; i++)
      expect((unique[i] as number) - (unique[i - 1] as number)).toBe(1000);
  }, 60_000);

  it("all workers down for 5 s: 'none' records the missed seconds, 'all' runs them as catch-ups", async () => {
    await controller.upsert(
      clusterTask({
        id: 'skipper',
        overlap: 'parallel',
        catchUp: { policy: 'none', cap: 10, deadlineMs: 0 },
      }),
    );
    await controller.upsert(
      clusterTask({
        id: 'keeper',
        overlap: 'parallel',
        catchUp: { policy: 'all', cap: 60, deadlineMs: 0 },
      }),
    );
    await sleep(1500);
    await Promise.all([...workers.values()].map((w) => w.stop()));
    await sleep(5000);
    await Promise.all([startWorker('w1'), startWorker('w2')]);
    await sleep(2500);
    await controller.remove('skipper');
    await controller.remove('keeper');
    await waitFor(
      async () => (await readRecords(jobsDir)).every((r) => r.status !== 'running'),
      10_000,
      'runs to end',
    );
    const skipper = await recordsOf('skipper');
    const keeper = await recordsOf('keeper');
    expect(skipper.filter((r) => r.status === 'missed').length).toBeGreaterThanOrEqual(3);
    expect(skipper.some((r) => r.trigger === 'catch-up')).toBe(false);
    expect(
      keeper.filter((r) => r.trigger === 'catch-up' && r.status === 'succeeded').length,
    ).toBeGreaterThanOrEqual(3);
    expect(keeper.some((r) => r.status === 'missed')).toBe(false);
  }, 60_000);

  it('redis-server killed and restarted empty: the controller reconnects and puts every task back', async () => {
    await controller.upsert(clusterTask({ id: 'phoenix', overlap: 'parallel' }));
    await sleep(1500);
    await redis.kill();
    const downAt = Date.now();
    await waitFor(async () => !controller.connected, 5000, 'the controller to notice');
    expect((await controller.status()).warnings.join(' ')).toMatch(
      /cluster is unreachable.*on this computer run as usual/,
    );
    await sleep(4000);
    await redis.start();
    await waitFor(async () => controller.connected, 20_000, 'the controller to reconnect');
    const upAt = Date.now();
    await waitFor(
      async () =>
        (await recordsOf('phoenix')).some(
          (r) => r.status === 'succeeded' && (r.scheduledFor as number) > upAt,
        ),
      20_000,
      'runs after the restart',
    );
    await controller.remove('phoenix');
    const records = await recordsOf('phoenix');
    // While Redis was away, the seconds past the grace period were recorded missed by the controller.
    const missed = records.filter(
      (r) => r.status === 'missed' && (r.scheduledFor as number) > downAt,
    );
    expect(missed.length).toBeGreaterThanOrEqual(1);
    expect(missed[0]?.error).toContain('while Redis was unreachable');
  }, 60_000);

  it('a worker started with the wrong cluster key refuses with a clear message and exits', async () => {
    const wrong = join(dataDir, 'wrong.key');
    await writeFile(wrong, 'c'.repeat(64));
    const args = workerArgs().map((a) => (a.endsWith('cluster.key') ? wrong : a));
    const proc = await spawnWorker(args, 'intruder', null);
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(
      /refused: this worker's cluster key \(id \w+\) is not the controller's \(id \w+\); copy cluster.key/,
    );
  }, 30_000);
});
