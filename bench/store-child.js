/**
 * JobCache and Cache measurements, each in its own process:
 *   node --expose-gc bench/store-child.js <measure> [options as JSON]
 * Prints `RESULT <json>` as its last line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summary } from './stats.js';
import { writeRunFiles } from './run-files.js';

const [measure, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? '{}');

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function jobCache() {
  const { JobCache } = await import('../dist/main/core/jobs/index.js');
  const dir = await mkdtemp(join(tmpdir(), 'crontray-bench-jobs-'));
  try {
    writeRunFiles(dir, options.files);
    // A cold page cache is not something a bench can ask for; this is a warm-cache scan.
    const cache = new JobCache({ statusDir: dir, pollIntervalMs: 3_600_000 });
    const scanMs = await timed(() => cache.start());
    const total = cache.listAllJobs({ limit: 1 }).total;
    const polls = [];
    for (let i = 0; i < 5; i++) polls.push(await timed(() => cache.refresh()));
    const fullPolls = [];
    for (let i = 0; i < 3; i++) fullPolls.push(await timed(() => cache.refresh({ full: true })));
    const queries = [];
    let matched = 0;
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const page = cache.listAllJobs({
        project: `project-${i % 10}`,
        status: ['failed', 'timed-out'],
        from: Date.UTC(2026, 0, 1) + options.files * 30_000,
        limit: 100,
      });
      queries.push((performance.now() - t0) * 1000);
      matched = page.total;
    }
    await cache.stop();
    return {
      files: options.files,
      indexed: total,
      scanMs,
      idlePoll: summary(polls),
      fullRestat: summary(fullPolls),
      filteredQueryUs: { ...summary(queries), matched },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** ns per call of an awaited CacheMemory hit against an awaited plain property read. */
async function cacheMemory() {
  const { CacheMemory } = await import('../dist/main/core/cache/index.js');
  const cache = new CacheMemory({ sourceFunc: () => ({ answer: 42 }), expire: 3_600_000 });
  await cache.get();
  const holder = { value: { answer: 42 } };
  const rounds = options.rounds;
  const measure = async (fn) => {
    const runs = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      for (let i = 0; i < rounds; i++) await fn();
      runs.push(((performance.now() - t0) * 1e6) / rounds);
    }
    return summary(runs).median;
  };
  let sink = 0;
  const plainNs = await measure(async () => {
    sink += holder.value.answer;
  });
  const hitNs = await measure(async () => {
    sink += (await cache.get()).answer;
  });
  return {
    rounds,
    plainAwaitedReadNs: plainNs,
    hitNs,
    overheadNs: hitNs - plainNs,
    sink: sink > 0,
  };
}

/** Cache: first get (source + encode + atomic write) and a new process-like instance reading the file. */
async function cacheDisk() {
  const { Cache } = await import('../dist/main/core/cache/index.js');
  const dir = await mkdtemp(join(tmpdir(), 'crontray-bench-cache-'));
  try {
    const out = {};
    for (const [label, bytes] of [
      ['1KB', 1024],
      ['1MB', 1024 * 1024],
    ]) {
      const value = { text: 'x'.repeat(bytes) };
      const writes = [];
      const reads = [];
      for (let i = 0; i < options.rounds; i++) {
        const path = join(dir, `${label}-${i}.v8`);
        const writer = new Cache({ sourceFunc: () => value, expire: 3_600_000, path });
        writes.push(await timed(() => writer.get()));
        const reader = new Cache({
          sourceFunc: () => {
            throw new Error('bench: the file should have been read');
          },
          expire: 3_600_000,
          path,
        });
        reads.push(await timed(() => reader.get()));
      }
      out[label] = { writeMs: summary(writes), readMs: summary(reads) };
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const MEASURES = { jobCache, cacheMemory, cacheDisk };
const result = await MEASURES[measure]();
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
