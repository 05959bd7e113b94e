import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterKey, ClusterWorker } from '../../../main/core/cluster/index.js';
import { clusterTask, sleep, startClusterRig, waitFor } from './cluster-fixtures.js';
import type { ClusterRig } from './cluster-fixtures.js';

/**
 * A TCP proxy in front of Redis that holds every reply for `delayMs`, as a slow network or a
 * busy worker machine does. It widens the moment between a worker taking a job and BullMQ
 * planning that scheduler's next job (one round trip), where a due instant used to fall through.
 */
async function slowRedisProxy(redisPort: number, delayMs: number) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: redisPort });
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => client.writable && client.write(chunk), delayMs);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('a worker that takes a tick late, on a slow link to Redis', () => {
  let rig: ClusterRig;
  let proxy: Awaited<ReturnType<typeof slowRedisProxy>>;
  let worker: ClusterWorker;

  beforeAll(async () => {
    rig = await startClusterRig('boundary');
    proxy = await slowRedisProxy(rig.redis.port, 150);
  }, 30_000);
  afterAll(async () => {
    await worker?.close(true);
    await proxy?.close();
    await rig?.close();
  });

  it('accounts for every due instant once: each is run or recorded missed, none lost, none twice', async () => {
    await rig.controller.start();
    worker = new ClusterWorker({
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      queue: 'main',
      concurrency: 2,
      name: 'slow-link',
      key: await ClusterKey.forWorker(join(rig.dataDir, 'cluster.key'), {}),
      runner: { run: async () => ({ status: 'succeeded' }) },
    });
    await worker.start();
    // Every 100 ms: each round trip of 150 ms between taking a job and planning the next one
    // spans at least one due instant.
    await rig.controller.upsert(
      clusterTask({ id: 'fast', schedule: { kind: 'interval', everyMs: 100, startAt: 0 } }),
    );
    await sleep(4000);
    await rig.controller.remove('fast');
    // Settled: no run in progress and no new record for 2 s (each reply is held 150 ms).
    let seen = -1;
    let still = 0;
    await waitFor(
      async () => {
        await sleep(500);
        const now = await rig.recordsOf('fast');
        const quiet = now.length === seen && !now.some((r) => r.status === 'running');
        still = quiet ? still + 1 : 0;
        seen = now.length;
        return still >= 4;
      },
      30_000,
      'the last results',
    );
    const records = (await rig.recordsOf('fast')).filter((r) => r.status !== 'running');
    const instants = records.map((r) => r.scheduledFor ?? 0).sort((a, b) => a - b);
    const first = instants[0] ?? 0;
    const last = instants[instants.length - 1] ?? 0;
    expect(last - first).toBeGreaterThanOrEqual(2000);
    const expected: number[] = [];
    for (let at = first; at <= last; at += 100) expected.push(at);
    // Between the first and the last instant recorded, every one has exactly one record.
    expect(instants).toEqual(expected);
    expect(records.some((r) => r.status === 'succeeded')).toBe(true);
  }, 60_000);
});
