import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterView } from '../../../main/api/contract.js';
import { CrontrayService } from '../../../main/core/service/service.js';
import { startRedisServer } from '../../support/redis-server.js';
import type { RedisServerHandle } from '../../support/redis-server.js';
import { removeDir, tempDir, valueOf, waitFor } from './cluster-fixtures.js';

const PASSWORD = 'hunter2-cluster';

describe('the Redis URL in Settings', () => {
  let redis: RedisServerHandle;
  let dataDir: string;
  const services: CrontrayService[] = [];
  const openService = async (redisUrl?: string) => {
    const service = new CrontrayService({
      dataDir,
      host: 'headless',
      version: '0.0.0',
      resumeScheduler: false,
      ...(redisUrl !== undefined ? { redisUrl } : {}),
    });
    services.push(service);
    await service.open();
    return service;
  };
  const view = async (service: CrontrayService) =>
    valueOf<ClusterView>(await service.call('cluster:get', undefined));

  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD });
    dataDir = await tempDir('settings');
  }, 30_000);
  afterAll(async () => {
    for (const s of services) await s.close();
    await redis?.stop();
    await removeDir(dataDir);
  });

  it('refuses a URL that is not a Redis URL, naming the field, and keeps what was saved', async () => {
    const service = await openService();
    const reply = await service.call('cluster:set-redis', { redisUrl: 'http://127.0.0.1:6379' });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.field).toBe('redisUrl');
    expect(reply.error.message).toMatch(/must start with redis:\/\/ or rediss:\/\//);
    expect(await view(service)).toEqual({ source: 'none', savedUrl: null, status: null });
    await service.close();
  });

  it('connects without a restart, shows the URL with its password hidden, and never stores it in clear', async () => {
    const service = await openService();
    const saved = valueOf<ClusterView>(
      await service.call('cluster:set-redis', { redisUrl: redis.url }),
    );
    expect(saved.source).toBe('settings');
    expect(saved.savedUrl).not.toContain(PASSWORD);
    expect(saved.savedUrl).toContain(`127.0.0.1:${redis.port}`);
    await waitFor(async () => (await view(service)).status?.connected === true, 10_000, 'connect');
    const files = await readdir(join(dataDir, 'cluster'));
    for (const file of files)
      expect(await readFile(join(dataDir, 'cluster', file), 'utf8')).not.toContain(PASSWORD);
    await service.close();
  });

  it('is used again after a restart, and forgetting it disconnects at once', async () => {
    const service = await openService();
    await waitFor(async () => (await view(service)).status?.connected === true, 10_000, 'connect');
    const forgotten = valueOf<ClusterView>(
      await service.call('cluster:set-redis', { redisUrl: null }),
    );
    expect(forgotten).toEqual({ source: 'none', savedUrl: null, status: null });
    await service.close();
  });

  it('--redis on the command line wins over Settings, and the view says so', async () => {
    const service = await openService(redis.url);
    const saved = valueOf<ClusterView>(
      await service.call('cluster:set-redis', { redisUrl: 'redis://127.0.0.1:1' }),
    );
    expect(saved.source).toBe('command-line');
    expect(saved.savedUrl).toBe('redis://127.0.0.1:1');
    await waitFor(async () => (await view(service)).status?.connected === true, 10_000, 'connect');
    expect((await view(service)).status?.url).toContain(`127.0.0.1:${redis.port}`);
    await service.close();
  });
});
