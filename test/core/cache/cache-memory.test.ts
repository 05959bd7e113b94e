import { describe, it, expect } from 'vitest';
import { CacheMemory } from '../../../main/core/cache/cache-memory.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { recordingLogger } from '../../support/recording-logger.js';

function counter(clock: VirtualClock, expire = 10_000) {
  let calls = 0;
  const cache = new CacheMemory({ sourceFunc: () => ++calls, expire, clock, name: 'counter' });
  return { cache, calls: () => calls };
}

describe('CacheMemory', () => {
  it('fills itself on first access', async () => {
    const clock = new VirtualClock();
    const { cache, calls } = counter(clock);
    expect(cache.age()).toBeNull();
    expect(await cache.get()).toBe(1);
    expect(calls()).toBe(1);
    expect(cache.age()).toBe(0);
  });

  it('serves the held value while it is no older than expire', async () => {
    const clock = new VirtualClock();
    const { cache, calls } = counter(clock);
    await cache.get();
    await clock.advance(10_000);
    expect(await cache.get()).toBe(1);
    expect(calls()).toBe(1);
  });

  it('refreshes once the value is older than expire', async () => {
    const clock = new VirtualClock();
    const { cache } = counter(clock);
    await cache.get();
    await clock.advance(10_001);
    expect(await cache.get()).toBe(2);
    expect(await cache.get()).toBe(2);
  });

  it('refreshes on fresh with the default tolerance of 0, even when the value is brand new', async () => {
    const clock = new VirtualClock();
    const { cache } = counter(clock);
    await cache.get();
    expect(await cache.get({ fresh: true })).toBe(2);
    expect(await cache.get({ fresh: true, toleranceSeconds: 0 })).toBe(3);
  });

  it('keeps a value within the tolerance of a fresh request and refreshes one beyond it', async () => {
    const clock = new VirtualClock();
    const { cache } = counter(clock);
    await cache.get();
    await clock.advance(3_000);
    expect(await cache.get({ fresh: true, toleranceSeconds: 3 })).toBe(1);
    await clock.advance(1);
    expect(await cache.get({ fresh: true, toleranceSeconds: 3 })).toBe(2);
  });

  it('ignores the tolerance when fresh is not asked for', async () => {
    const clock = new VirtualClock();
    const { cache } = counter(clock);
    await cache.get();
    await clock.advance(5_000);
    expect(await cache.get({ toleranceSeconds: 1 })).toBe(1);
  });

  it('accepts an async source', async () => {
    const clock = new VirtualClock();
    const cache = new CacheMemory({
      sourceFunc: async () => new Map([['btc', 1]]),
      expire: 1000,
      clock,
    });
    expect((await cache.get()).get('btc')).toBe(1);
  });

  it('calls the source once for many concurrent readers', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = new CacheMemory({
      sourceFunc: async () => {
        calls++;
        await gate;
        return calls;
      },
      expire: 1000,
      clock,
    });
    const readers = Array.from({ length: 10 }, () => cache.get());
    release();
    expect(await Promise.all(readers)).toEqual(Array(10).fill(1));
    expect(calls).toBe(1);
  });

  it('keeps the previous value when the source throws, and the caller sees the error', async () => {
    const clock = new VirtualClock();
    const logger = recordingLogger();
    let fail = false;
    const cache = new CacheMemory({
      sourceFunc: () => {
        if (fail) throw new Error('upstream down');
        return 'good';
      },
      expire: 1000,
      clock,
      logger,
    });
    expect(await cache.get()).toBe('good');
    fail = true;
    await clock.advance(1001);
    await expect(cache.get()).rejects.toThrow('upstream down');
    expect(
      logger.lines.some(
        (l) => l.level === 'warn' && l.message.includes('keeping the previous value'),
      ),
    ).toBe(true);
    fail = false;
    expect(await cache.get()).toBe('good');
  });

  it('shares one failure with every concurrent reader, then tries again on the next call', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const cache = new CacheMemory({
      sourceFunc: async () => {
        calls++;
        if (calls === 1) throw new Error('first call fails');
        return calls;
      },
      expire: 1000,
      clock,
    });
    const results = await Promise.allSettled([cache.get(), cache.get(), cache.get()]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(await cache.get()).toBe(2);
  });

  it('wraps a function with asDecorator', async () => {
    const clock = new VirtualClock();
    const loadSymbols = () => ['BTCUSDT', 'ETHUSDT'];
    const cached = CacheMemory.asDecorator<string[]>({ expire: 60_000, clock })(loadSymbols);
    expect(cached).toBeInstanceOf(CacheMemory);
    expect(cached.name).toBe('loadSymbols');
    expect(await cached.get()).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  it('refuses a negative tolerance and an expire that is not a duration', async () => {
    const clock = new VirtualClock();
    const { cache } = counter(clock);
    await expect(cache.get({ fresh: true, toleranceSeconds: -1 })).rejects.toThrow(
      /CacheMemory: toleranceSeconds/,
    );
    expect(() => new CacheMemory({ sourceFunc: () => 1, expire: Number.NaN })).toThrow(
      /CacheMemory: expire/,
    );
  });
});
