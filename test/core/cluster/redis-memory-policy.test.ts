import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { SchedulerStatus } from '../../../main/api/contract.js';
import { ClusterController, ClusterKey } from '../../../main/core/cluster/index.js';
import type { ClusterStatus } from '../../../main/core/cluster/index.js';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import { clusterLine } from '../../../main/electron/tray-menu.js';
import { startRedisServer } from '../../support/redis-server.js';
import type { RedisServerHandle } from '../../support/redis-server.js';
import { removeDir, tempDir } from './cluster-fixtures.js';

/** What the tray says about this cluster status (the tray reads only its cluster part). */
const trayLine = (cluster: ClusterStatus) => clusterLine({ cluster } as SchedulerStatus);

describe('a Redis whose memory settings Crontray cannot work with is named for what it is, with the fix', () => {
  const opened: { redis: RedisServerHandle; dir: string; controller: ClusterController }[] = [];

  async function open(maxmemoryPolicy: string) {
    const redis = await startRedisServer({ maxmemoryPolicy });
    const dir = await tempDir('memory');
    const controller = new ClusterController({
      redisUrl: redis.url,
      key: await ClusterKey.forController(dir, { CRONTRAY_CLUSTER_KEY: 'a'.repeat(64) }),
      sink: new RunRecordWriter({ jobsDir: join(dir, 'jobs'), heartbeatMs: 0 }),
    });
    const admin = new Redis(redis.url);
    opened.push({ redis, dir, controller });
    return { redis, controller, admin };
  }

  afterEach(async () => {
    for (const { redis, dir, controller } of opened.splice(0)) {
      await controller.close();
      await redis.stop();
      await removeDir(dir);
    }
  });

  it('a Redis started with maxmemory-policy allkeys-lru is said to evict keys, in the panel and the tray, never "unreachable"', async () => {
    const { controller, admin } = await open('allkeys-lru');
    await expect(controller.start()).rejects.toThrow(
      /evicts keys \(maxmemory-policy allkeys-lru\)/,
    );
    const status = await controller.status();
    expect(status.trouble).toBe('unfit');
    const warning = status.warnings.join('\n');
    expect(warning).toMatch(
      /^Redis at redis:\/\/127\.0\.0\.1:\d+\/? evicts keys \(maxmemory-policy allkeys-lru\).*set "maxmemory-policy noeviction" in redis\.conf \(or run: redis-cli CONFIG SET maxmemory-policy noeviction\)/,
    );
    expect(warning).not.toMatch(/unreachable/i);
    expect(trayLine(status)).toMatch(
      /^Cluster: Redis at .* evicts keys \(maxmemory-policy allkeys-lru\).*CONFIG SET maxmemory-policy noeviction/,
    );

    // The fix it names works: the next start connects and the warning is gone.
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    admin.disconnect();
    await controller.start();
    const fixed = await controller.status();
    expect(fixed).toMatchObject({ connected: true, trouble: null, warnings: [] });
    expect(trayLine(fixed)).toBeNull();
  });

  it('a Redis switched to an evicting policy while connected is flagged at the next look', async () => {
    const { controller, admin } = await open('noeviction');
    await controller.start();
    await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    admin.disconnect();
    const status = await controller.status();
    expect(status).toMatchObject({ connected: true, trouble: 'unfit' });
    expect(status.warnings.join('\n')).toMatch(/evicts keys \(maxmemory-policy volatile-lru\)/);
    expect(trayLine(status)).toMatch(/^Cluster: Redis at .* evicts keys/);
  });

  it('a noeviction Redis that reached its maxmemory is said to refuse writes because it is full, with the setting to raise', async () => {
    const { controller, admin } = await open('noeviction');
    await controller.start();
    await admin.config('SET', 'maxmemory', '1');
    const status = await controller.status();
    expect(status).toMatchObject({ connected: true, trouble: 'unfit' });
    expect(status.warnings.join('\n')).toMatch(
      /Redis at .* refuses writes: it is full \(\d+ MB used of maxmemory 0 MB, maxmemory-policy noeviction\): raise maxmemory in redis\.conf/,
    );
    await controller.close();
    const again = new ClusterController({
      redisUrl: opened[0]?.redis.url ?? '',
      key: await ClusterKey.forController(opened[0]?.dir ?? '', {
        CRONTRAY_CLUSTER_KEY: 'a'.repeat(64),
      }),
      sink: { write: () => undefined },
    });
    await expect(again.start()).rejects.toThrow(/refuses writes: it is full/);
    expect((await again.status()).warnings.join('\n')).not.toMatch(/unreachable/i);
    await again.close();
    await admin.config('SET', 'maxmemory', '0');
    admin.disconnect();
  });
});
