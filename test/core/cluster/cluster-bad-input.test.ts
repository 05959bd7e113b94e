import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import {
  ClusterController,
  ClusterKey,
  ClusterWorker,
  redisUrlSchema,
} from '../../../main/core/cluster/index.js';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import { freePort, startRedisServer } from '../../support/redis-server.js';
import type { RedisServerHandle } from '../../support/redis-server.js';
import { clusterTask, removeDir, tempDir } from './cluster-fixtures.js';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

describe('cluster settings that cannot work are refused with a sentence saying how to fix them', () => {
  let redis: RedisServerHandle;
  let dir: string;
  const sink = () => new RunRecordWriter({ jobsDir: join(dir, 'jobs'), heartbeatMs: 0 });

  beforeAll(async () => {
    redis = await startRedisServer({ password: 's3cret' });
    dir = await tempDir('bad');
  });
  afterAll(async () => {
    await redis?.stop();
    await removeDir(dir);
  });

  it('a malformed Redis URL is refused, saying what a good one looks like', () => {
    const bad = [
      ['localhost:6379', 'redis://'],
      ['http://host:6379', 'must start with redis:// or rediss://'],
      ['redis://host:6379/abc', 'database number'],
    ] as const;
    for (const [url, says] of bad) {
      const parsed = redisUrlSchema.safeParse(url);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toContain(says);
    }
    expect(redisUrlSchema.safeParse('rediss://:pw@cache.example:6380/2').success).toBe(true);
  });

  it('a wrong Redis password is reported as such and the controller does not start', async () => {
    const key = await ClusterKey.forController(dir, { CRONTRAY_CLUSTER_KEY: KEY_A });
    const url = `redis://:wrong@127.0.0.1:${redis.port}`;
    const controller = new ClusterController({ redisUrl: url, key, sink: sink() });
    await expect(controller.start()).rejects.toThrow(/refused the password.*Settings/);
    expect(String(await controller.start().catch((e: unknown) => e))).not.toContain('wrong');
    await controller.close();
  });

  it('a Redis nobody listens on is reported as not reachable, without crashing', async () => {
    const key = await ClusterKey.forController(dir, { CRONTRAY_CLUSTER_KEY: KEY_A });
    const url = `redis://127.0.0.1:${await freePort()}`;
    const controller = new ClusterController({ redisUrl: url, key, sink: sink() });
    await expect(controller.start()).rejects.toThrow(/not reachable.*redis-server running/);
    await controller.close();
  });

  it('a Redis that may evict keys is refused, with the setting to change', async () => {
    const evicting = await startRedisServer({ maxmemoryPolicy: 'allkeys-lru' });
    try {
      const key = await ClusterKey.forController(dir, { CRONTRAY_CLUSTER_KEY: KEY_A });
      const controller = new ClusterController({ redisUrl: evicting.url, key, sink: sink() });
      await expect(controller.start()).rejects.toThrow(
        /maxmemory-policy allkeys-lru.*CONFIG SET maxmemory-policy noeviction/,
      );
      await controller.close();
    } finally {
      await evicting.stop();
    }
  });

  it('a worker with another cluster key refuses to serve and says which key to copy', async () => {
    const controllerKey = await ClusterKey.forController(dir, { CRONTRAY_CLUSTER_KEY: KEY_A });
    const controller = new ClusterController({
      redisUrl: redis.url,
      key: controllerKey,
      sink: sink(),
    });
    await controller.start();
    const keyFile = join(dir, 'other.key');
    await writeFile(keyFile, KEY_B);
    const worker = new ClusterWorker({
      redisUrl: redis.url,
      queue: 'main',
      key: await ClusterKey.forWorker(keyFile, {}),
      name: 'stranger',
    });
    await expect(worker.start()).rejects.toThrow(
      /refused: this worker's cluster key .* is not the controller's .*copy cluster.key/,
    );
    const status = await controller.status();
    expect(status.warnings.join('\n')).toContain('stranger: refused');
    await controller.close();
  });

  it('a worker without any key, or with a file that is not a key, is told where to get one', async () => {
    await expect(ClusterKey.forWorker(undefined, {})).rejects.toThrow(
      /--key-file .*CRONTRAY_CLUSTER_KEY/,
    );
    const junk = join(dir, 'junk.key');
    await writeFile(junk, 'not a key');
    await expect(ClusterKey.forWorker(junk, {})).rejects.toThrow(/not a 32-byte key/);
    await expect(ClusterKey.forWorker(join(dir, 'missing.key'), {})).rejects.toThrow(
      /cannot read the cluster key file .*ENOENT/,
    );
  });

  it('a queue name with odd characters is refused by the task and by the worker', async () => {
    const key = await ClusterKey.forController(dir, { CRONTRAY_CLUSTER_KEY: KEY_A });
    const controller = new ClusterController({ redisUrl: redis.url, key, sink: sink() });
    await controller.start();
    await expect(
      controller.upsert(clusterTask({ id: 'odd' }, undefined, 'night shift/1')),
    ).rejects.toThrow(/queue must be 1-48 letters, digits/);
    expect(() => new ClusterWorker({ redisUrl: redis.url, queue: '{bad}', key })).toThrow(
      /queue must be/,
    );
    await controller.close();
  });

  it('a routine task cannot go on a cluster queue and the refusal suggests an interval', async () => {
    const key = await ClusterKey.forController(dir, { CRONTRAY_CLUSTER_KEY: KEY_A });
    const controller = new ClusterController({ redisUrl: redis.url, key, sink: sink() });
    await controller.start();
    const routine = clusterTask({ id: 'loop', schedule: { kind: 'routine', waitMs: 1000 } });
    await expect(controller.upsert(routine)).rejects.toThrow(
      /routine .* use an interval or cron schedule/,
    );
    await controller.close();
  });

  it('a task moved to a queue no worker serves shows a warning naming the command to start one', async () => {
    const key = await ClusterKey.forController(dir, { CRONTRAY_CLUSTER_KEY: KEY_A });
    const controller = new ClusterController({ redisUrl: redis.url, key, sink: sink() });
    await controller.start();
    await controller.upsert(clusterTask({ id: 'lonely' }, undefined, 'nightly'));
    const status = await controller.status();
    expect(status.connected).toBe(true);
    expect(status.url).not.toContain('s3cret');
    expect(status.queues).toContainEqual(
      expect.objectContaining({ name: 'nightly', tasks: 1, workers: 0 }),
    );
    expect(status.warnings.join('\n')).toContain(
      "No worker serves queue 'nightly' (1 task(s) wait there): start one with: crontray worker --redis <URL> --queue nightly",
    );
    await controller.remove('lonely');
    await controller.close();
  });
});
