import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultCache } from '../../../main/core/cache/result-cache.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'crontray-results-')), 'cache', 'results');
});
afterEach(async () => {
  await rm(join(dir, '..', '..'), { recursive: true, force: true });
});

describe('ResultCache', () => {
  it('answers Run now from a result younger than the tolerance', async () => {
    const clock = new VirtualClock();
    const results = new ResultCache({ dir, clock });
    await results.put('task-1', { status: 'succeeded', exitCode: 0, value: new Map([['n', 1]]) });
    await clock.advance(30_000);
    const hit = await results.get('task-1', { expireMs: 3_600_000, toleranceSeconds: 60 });
    expect(hit?.ageMs).toBe(30_000);
    expect(hit?.outcome.value).toEqual(new Map([['n', 1]]));
  });

  it('reruns when the result is older than the tolerance, or the tolerance is 0', async () => {
    const clock = new VirtualClock();
    const results = new ResultCache({ dir, clock });
    await results.put('task-1', { status: 'succeeded' });
    await clock.advance(61_000);
    expect(await results.get('task-1', { expireMs: 3_600_000, toleranceSeconds: 60 })).toBeNull();
    expect(await results.get('task-1', { expireMs: 3_600_000, toleranceSeconds: 0 })).toBeNull();
    expect(await results.get('task-1', { expireMs: 3_600_000 })).not.toBeNull();
  });

  it('never reuses a result older than expire', async () => {
    const clock = new VirtualClock();
    const results = new ResultCache({ dir, clock });
    await results.put('task-1', { status: 'succeeded' });
    await clock.advance(3_600_001);
    expect(await results.get('task-1', { expireMs: 3_600_000 })).toBeNull();
  });

  it('does not cache failures', async () => {
    const results = new ResultCache({ dir, clock: new VirtualClock() });
    expect(await results.put('task-1', { status: 'failed', error: 'boom' })).toBe(false);
    expect(await results.get('task-1', { expireMs: 3_600_000 })).toBeNull();
  });

  it('stores the run without a value that cannot be serialized', async () => {
    const results = new ResultCache({ dir, clock: new VirtualClock() });
    expect(await results.put('task-1', { status: 'succeeded', exitCode: 0, value: () => 1 })).toBe(
      true,
    );
    const hit = await results.get('task-1', { expireMs: 1000 });
    expect(hit?.outcome).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(hit?.outcome.value).toBeUndefined();
  });

  it('treats a corrupted result file as a miss and forgets results on invalidate', async () => {
    const results = new ResultCache({ dir, clock: new VirtualClock() });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'task-2.v8'), 'garbage');
    expect(await results.get('task-2', { expireMs: 1000 })).toBeNull();
    await results.put('task-1', { status: 'succeeded' });
    await results.invalidate('task-1');
    expect(await results.get('task-1', { expireMs: 1000 })).toBeNull();
  });

  it('refuses task ids that could name a path', async () => {
    const results = new ResultCache({ dir });
    await expect(results.get('../x', { expireMs: 1 })).rejects.toThrow(/ResultCache: task id/);
  });
});
