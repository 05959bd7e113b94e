import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, readFile, readdir, writeFile, utimes, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { Cache } from '../../../main/core/cache/cache.js';
import { jsonCodec } from '../../../main/core/cache/codecs.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { recordingLogger } from '../../support/recording-logger.js';

const START = Date.UTC(2026, 0, 1);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a cache file as an earlier run of the app would have, `ageMs` before START. */
async function existingFile(path: string, value: unknown, ageMs: number): Promise<void> {
  await writeFile(path, serialize(value));
  const seconds = (START - ageMs) / 1000;
  await utimes(path, seconds, seconds);
}

function counting(
  path: string,
  clock: VirtualClock,
  extra: { logger?: ReturnType<typeof recordingLogger> } = {},
) {
  let calls = 0;
  const cache = new Cache({
    sourceFunc: () => `fresh-${++calls}`,
    expire: 60_000,
    path,
    clock,
    ...extra,
  });
  return { cache, calls: () => calls };
}

describe('Cache on first access', () => {
  it('calls the source and writes the file when there is no file', async () => {
    const path = join(dir, 'snapshot.v8');
    const { cache, calls } = counting(path, new VirtualClock(START));
    expect(await cache.get()).toBe('fresh-1');
    expect(calls()).toBe(1);
    expect(Math.round((await stat(path)).mtimeMs)).toBe(START);
  });

  it('reuses a file younger than expire without calling the source', async () => {
    const path = join(dir, 'snapshot.v8');
    await existingFile(path, 'from-disk', 30_000);
    const { cache, calls } = counting(path, new VirtualClock(START));
    expect(await cache.get()).toBe('from-disk');
    expect(calls()).toBe(0);
    expect(cache.age()).toBe(30_000);
  });

  it('regenerates and rewrites a file older than expire', async () => {
    const path = join(dir, 'snapshot.v8');
    await existingFile(path, 'stale', 60_001);
    const clock = new VirtualClock(START);
    const { cache, calls } = counting(path, clock);
    expect(await cache.get()).toBe('fresh-1');
    expect(calls()).toBe(1);
    const again = counting(path, clock);
    expect(await again.cache.get()).toBe('fresh-1');
    expect(again.calls()).toBe(0);
  });

  it('regenerates a file older than the tolerance of a fresh request', async () => {
    const path = join(dir, 'snapshot.v8');
    await existingFile(path, 'from-disk', 10_001);
    const { cache } = counting(path, new VirtualClock(START));
    expect(await cache.get({ fresh: true, toleranceSeconds: 10 })).toBe('fresh-1');
  });

  it('reuses a file within the tolerance of a fresh request', async () => {
    const path = join(dir, 'snapshot.v8');
    await existingFile(path, 'from-disk', 10_000);
    const { cache } = counting(path, new VirtualClock(START));
    expect(await cache.get({ fresh: true, toleranceSeconds: 10 })).toBe('from-disk');
  });

  it('regenerates on fresh with tolerance 0 even when the file is young', async () => {
    const path = join(dir, 'snapshot.v8');
    await existingFile(path, 'from-disk', 1);
    const { cache } = counting(path, new VirtualClock(START));
    expect(await cache.get({ fresh: true })).toBe('fresh-1');
  });

  it('regenerates a corrupted file, rewrites it and logs the path', async () => {
    const path = join(dir, 'snapshot.v8');
    await writeFile(path, 'this is not v8 data');
    await utimes(path, START / 1000, START / 1000);
    const logger = recordingLogger();
    const { cache, calls } = counting(path, new VirtualClock(START), { logger });
    expect(await cache.get()).toBe('fresh-1');
    expect(calls()).toBe(1);
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes(path))).toBe(true);
    const reread = counting(path, new VirtualClock(START));
    expect(await reread.cache.get()).toBe('fresh-1');
    expect(reread.calls()).toBe(0);
    // The unreadable bytes are kept beside it for inspection, never overwritten.
    const kept = (await readdir(dir)).filter((f) => f.startsWith('snapshot.v8.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(dir, kept[0]!), 'utf8')).toBe('this is not v8 data');
  });

  it('regenerates when a custom reader throws', async () => {
    const path = join(dir, 'snapshot.json');
    await writeFile(path, '"on disk"');
    await utimes(path, START / 1000, START / 1000);
    const cache = new Cache({
      sourceFunc: () => 'regenerated',
      expire: 60_000,
      path,
      clock: new VirtualClock(START),
      reader: () => {
        throw new Error('schema changed');
      },
      codec: jsonCodec,
    });
    expect(await cache.get()).toBe('regenerated');
    expect(await readFile(path, 'utf8')).toBe('"regenerated"');
  });
});

describe('Cache once the value is in memory', () => {
  it('serves memory while young, without touching the source', async () => {
    const path = join(dir, 'snapshot.v8');
    const clock = new VirtualClock(START);
    const { cache, calls } = counting(path, clock);
    await cache.get();
    await clock.advance(60_000);
    expect(await cache.get()).toBe('fresh-1');
    expect(calls()).toBe(1);
  });

  it('refreshes past expire and rewrites the file with the new time', async () => {
    const path = join(dir, 'snapshot.v8');
    const clock = new VirtualClock(START);
    const { cache } = counting(path, clock);
    await cache.get();
    await clock.advance(60_001);
    expect(await cache.get()).toBe('fresh-2');
    expect(Math.round((await stat(path)).mtimeMs)).toBe(START + 60_001);
  });

  it('refreshes on fresh past the tolerance and keeps the value within it', async () => {
    const path = join(dir, 'snapshot.v8');
    const clock = new VirtualClock(START);
    const { cache } = counting(path, clock);
    await cache.get();
    await clock.advance(5_000);
    expect(await cache.get({ fresh: true, toleranceSeconds: 5 })).toBe('fresh-1');
    await clock.advance(1);
    expect(await cache.get({ fresh: true, toleranceSeconds: 5 })).toBe('fresh-2');
    expect(await cache.get({ fresh: true })).toBe('fresh-3');
  });

  it('keeps the previous value and file when the source throws', async () => {
    const path = join(dir, 'snapshot.v8');
    const clock = new VirtualClock(START);
    let fail = false;
    const cache = new Cache({
      sourceFunc: async () => {
        if (fail) throw new Error('api down');
        return 'good';
      },
      expire: 1000,
      path,
      clock,
    });
    await cache.get();
    fail = true;
    await clock.advance(1001);
    await expect(cache.get()).rejects.toThrow('api down');
    fail = false;
    expect(await cache.get()).toBe('good');
    expect(Math.round((await stat(path)).mtimeMs)).toBe(START + 1001);
  });

  it('lets concurrent readers share one load and one refresh', async () => {
    const path = join(dir, 'snapshot.v8');
    const clock = new VirtualClock(START);
    let calls = 0;
    const cache = new Cache({
      sourceFunc: async () => {
        calls++;
        await new Promise((resolve) => setImmediate(resolve));
        return calls;
      },
      expire: 1000,
      path,
      clock,
    });
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual([1, 1, 1]);
    await clock.advance(1001);
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual([2, 2, 2]);
    expect(calls).toBe(2);
  });
});

describe('Cache codecs and decorator', () => {
  it('round-trips Map, Set, Date and typed arrays through the default v8 codec', async () => {
    const path = join(dir, 'rich.v8');
    const clock = new VirtualClock(START);
    const value = {
      prices: new Map([['btc', 1]]),
      tags: new Set(['a']),
      at: new Date(START),
      bytes: new Uint8Array([1, 2, 3]),
    };
    await new Cache({ sourceFunc: () => value, expire: 60_000, path, clock }).get();
    const reloaded = await new Cache<typeof value>({
      sourceFunc: () => {
        throw new Error('should read the file');
      },
      expire: 60_000,
      path,
      clock,
    }).get();
    expect(reloaded.prices).toBeInstanceOf(Map);
    expect(reloaded.tags.has('a')).toBe(true);
    expect(reloaded.at).toBeInstanceOf(Date);
    expect(reloaded.at.getTime()).toBe(START);
    expect(reloaded.bytes).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('writes readable JSON with the json codec', async () => {
    const path = join(dir, 'symbols.json');
    const cache = new Cache({
      sourceFunc: () => ({ a: [1, 2] }),
      expire: 1000,
      path,
      codec: jsonCodec,
    });
    await cache.get();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ a: [1, 2] });
  });

  it('wraps a function with asDecorator and names the cache after it', async () => {
    const path = join(dir, 'symbols.v8');
    const loadSymbols = async () => ['BTCUSDT'];
    const cached = Cache.asDecorator<string[]>({
      expire: 60_000,
      path,
      clock: new VirtualClock(START),
    })(loadSymbols);
    expect(cached).toBeInstanceOf(Cache);
    expect(cached.name).toBe('loadSymbols');
    expect(await cached.get()).toEqual(['BTCUSDT']);
  });

  it('still returns the value when the file cannot be written', async () => {
    const logger = recordingLogger();
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, '');
    const cache = new Cache({
      sourceFunc: () => 42,
      expire: 1000,
      path: join(blocker, 'x.v8'),
      logger,
    });
    expect(await cache.get()).toBe(42);
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('memory only'))).toBe(
      true,
    );
  });
});
