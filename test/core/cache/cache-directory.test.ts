import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir, utimes, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheDirectory } from '../../../main/core/cache/cache-directory.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';

const NOW = Date.UTC(2026, 0, 1);
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'crontray-cachedir-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function file(path: string, bytes: number, ageMs: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, Buffer.alloc(bytes));
  await utimes(path, (NOW - ageMs) / 1000, (NOW - ageMs) / 1000);
}

describe('CacheDirectory', () => {
  it('lists cache files newest first with size and age, skipping unfinished temp files', async () => {
    const cacheDir = join(dataDir, 'cache');
    await file(join(cacheDir, 'prices.v8'), 10, 5_000);
    await file(join(cacheDir, 'results', 'task1.v8'), 20, 1_000);
    await file(join(cacheDir, '.prices.v8.abc123.tmp'), 5, 0);
    const list = await new CacheDirectory({ dir: cacheDir, clock: new VirtualClock(NOW) }).list();
    expect(list.map((f) => [f.name, f.sizeBytes, Math.round(f.ageMs)])).toEqual([
      ['results/task1.v8', 20, 1_000],
      ['prices.v8', 10, 5_000],
    ]);
  });

  it('lists nothing when the folder does not exist yet', async () => {
    expect(await new CacheDirectory({ dir: join(dataDir, 'missing') }).list()).toEqual([]);
  });

  it('clears one file by name, or all of them', async () => {
    const cacheDir = join(dataDir, 'cache');
    await file(join(cacheDir, 'a.v8'), 1, 0);
    await file(join(cacheDir, 'b.v8'), 1, 0);
    await file(join(cacheDir, 'results', 'c.v8'), 1, 0);
    const caches = new CacheDirectory({ dir: cacheDir });
    expect(await caches.clear('a.v8')).toBe(1);
    expect(await caches.clear('a.v8')).toBe(0);
    expect((await caches.list()).map((f) => f.name).sort()).toEqual(['b.v8', 'results/c.v8']);
    expect(await caches.clear()).toBe(2);
    expect(await caches.list()).toEqual([]);
  });

  it('refuses to clear anything outside the cache folder', async () => {
    const cacheDir = join(dataDir, 'cache');
    await file(join(dataDir, 'config.json'), 1, 0);
    const caches = new CacheDirectory({ dir: cacheDir });
    await expect(caches.clear('../config.json')).rejects.toThrow(
      /CacheDirectory: '..\/config.json' is not a file inside/,
    );
    expect(await readdir(dataDir)).toContain('config.json');
  });

  it('names cache files from safe names only', () => {
    const caches = new CacheDirectory({ dir: '/data/cache' });
    expect(caches.pathFor('prices')).toBe(join('/data/cache', 'prices.v8'));
    expect(() => caches.pathFor('../escape')).toThrow(/CacheDirectory: cache name/);
  });
});
