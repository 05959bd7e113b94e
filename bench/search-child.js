/**
 * Full-text search over the history, in its own process:
 *   node --expose-gc bench/search-child.js '{"files":100000}'
 * Writes `files` run records with a few lines of varied output each, opens JobCache, then
 * measures what search costs the app: the time start() holds the event loop (the rest is built
 * in the background), the time until every run is searchable, the index's heap, and queries
 * (plain words and words with the history's filters). Prints `RESULT <json>` as its last line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { summary } from './stats.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const files = options.files ?? 100_000;
const T0 = Date.UTC(2026, 0, 1);

const WORDS = (
  'backup sync copied files bytes total sent received warning retry upload download database ' +
  'dump vacuum analyze index rebuild report generated mail queued cleanup removed old logs ' +
  'rotated disk usage percent done started finished fetched feeds items new updated skipped ' +
  'nginx reload postgres redis cache hit miss certificate renewed permission denied'
).split(' ');

/** A small deterministic generator, so every run of the bench indexes the same text. */
function random(seed) {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

/** A few lines of output as jobs print them: words, paths, counts and the odd hex id. */
function outputOf(rnd) {
  const lines = [];
  for (let l = 3 + Math.floor(rnd() * 10); l > 0; l--) {
    const words = [];
    for (let w = 4 + Math.floor(rnd() * 8); w > 0; w--) {
      const r = rnd();
      const word = WORDS[Math.floor(rnd() * WORDS.length)];
      if (r < 0.08) words.push(`/var/data/${word}/${Math.floor(rnd() * 1000)}.dat`);
      else if (r < 0.14) words.push(String(Math.floor(rnd() * 100_000)));
      else if (r < 0.16) words.push(Math.floor(rnd() * 2 ** 31).toString(16));
      else words.push(word);
    }
    lines.push(words.join(' '));
  }
  return lines.join('\n');
}

function writeRunFiles(jobsDir) {
  const rnd = random(42);
  for (let i = 0; i < files; i++) {
    const project = `project-${i % 10}`;
    const group = `group-${Math.floor(i / 10) % 10}`;
    const name = `task-${Math.floor(i / 100) % 10}`;
    const failed = i % 6 === 3;
    const text = outputOf(rnd);
    const started = T0 + i * 60_000;
    const record = {
      ...{ runId: `run-${i}`, taskId: `t-${i % 1000}`, project, group, name, sessionId: 's1' },
      ...{ status: failed ? 'failed' : 'succeeded', trigger: 'schedule', attempt: 1 },
      ...{ scheduledFor: started, startedAt: started, endedAt: started + 1000 + (i % 5000) },
      ...{ heartbeatAt: started, firstRunId: `run-${i}`, exitCode: failed ? 1 : 0 },
      ...{ httpStatus: null, fromCache: false },
      stdout: { head: text, tail: '', truncated: false, totalBytes: text.length },
      stderr: null,
      error: failed ? `exit code 1: connection refused by host-${i % 50}` : null,
    };
    const path = join(jobsDir, project, group, name, `run-${i}.json`);
    if (i < 1000) mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(record));
  }
}

const QUERIES = [
  { query: 'refused' },
  { query: 'certificate renewed' },
  { query: 'vacuum analyze postgres' },
  { query: 'backup' },
  { query: 'permission denied', status: 'failed' },
  { query: 'nginx', project: 'project-3' },
  { query: 'redis miss', project: 'project-1', group: 'group-2' },
  { query: 'host', from: T0 + files * 30_000 },
  { query: 'no-such-word-anywhere' },
  { query: 'rotated logs', status: 'succeeded', to: T0 + files * 10_000 },
];

const { JobCache } = await import('../dist/main/core/jobs/index.js');
const { RunSearch } = await import('../dist/main/core/jobs/search-runs.js');
const dir = await mkdtemp(join(tmpdir(), 'crontray-bench-search-'));
try {
  writeRunFiles(dir);
  const cache = new JobCache({ statusDir: dir, pollIntervalMs: 3_600_000 });
  await cache.start();
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const search = new RunSearch({ jobs: cache });
  const t0 = performance.now();
  search.start();
  const startMs = performance.now() - t0;
  // The longest the event loop was held while the index was built in the background.
  let longestStallMs = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longestStallMs = Math.max(longestStallMs, now - last - 5);
    last = now;
  }, 5);
  await search.whenIndexed();
  clearInterval(probe);
  const indexedMs = performance.now() - t0;
  global.gc?.();
  const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
  const times = [];
  const hits = {};
  for (let round = 0; round < 10; round++) {
    for (const q of QUERIES) {
      const t = performance.now();
      const result = await search.search({ ...q, limit: 50 });
      times.push(performance.now() - t);
      hits[JSON.stringify(q)] = result.total;
    }
  }
  await search.stop();
  await cache.stop();
  console.log(
    `RESULT ${JSON.stringify({
      files,
      startMs,
      indexedMs,
      longestStallMs,
      heapMB,
      queryMs: summary(times),
      hits,
    })}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
