import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobCache } from '../../../main/core/jobs/job-cache.js';
import { RunSearch } from '../../../main/core/jobs/search-runs.js';
import { runRecord } from '../../../main/core/model/run.js';
import type { RunRecordInput } from '../../../main/core/store/run-records.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { run } from '../store/run-record-fixtures.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
let jobsDir: string;
let cache: JobCache;
let search: RunSearch;
beforeEach(async () => {
  jobsDir = join(await mkdtemp(join(tmpdir(), 'crontray-search-')), 'jobs');
});
afterEach(async () => {
  await search?.stop();
  await cache?.stop();
  await rm(join(jobsDir, '..'), { recursive: true, force: true });
});

function out(text: string) {
  return { head: text, tail: '', truncated: false, totalBytes: text.length };
}

async function writeRun(r: RunRecordInput): Promise<void> {
  const dir = join(jobsDir, r.project, r.group, r.name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${r.runId}.json`), JSON.stringify(r));
}

async function openWith(runs: RunRecordInput[]) {
  for (const r of runs) await writeRun(r);
  const clock = new VirtualClock(T0 + 10 * DAY);
  cache = new JobCache({ statusDir: jobsDir, pollIntervalMs: 10_000, clock });
  await cache.start();
  search = new RunSearch({ jobs: cache });
  search.start();
  await search.whenIndexed();
  return clock;
}

describe('searching run output', () => {
  it('finds a word in a run’s output and marks it in the excerpt', async () => {
    await openWith([
      run({ runId: 'a', stdout: out('copied 12 files\nchecksum mismatch on photos.tar\n') }),
      run({ runId: 'b', startedAt: T0 + 1000, stdout: out('all good') }),
    ]);
    const result = await search.search({ query: 'Checksum' });
    expect(result.total).toBe(1);
    const [hit] = result.hits;
    expect(hit!.run.runId).toBe('a');
    const snippet = hit!.snippets.find((s) => s.field === 'output')!;
    const [start, end] = snippet.matches[0]!;
    expect(snippet.text.slice(start, end)).toBe('checksum');
    expect(result.indexing).toBeNull();
  });

  it('needs every word of the query, in errors and task names too', async () => {
    await openWith([
      run({ runId: 'a', status: 'failed', error: 'connection refused by db-1' }),
      run({ runId: 'b', name: 'refresh', stdout: out('connection ok') }),
      run({ runId: 'c', name: 'connection-check', stderr: out('refused') }),
    ]);
    const ids = async (query: string) =>
      (await search.search({ query })).hits.map((h) => h.run.runId).sort();
    expect(await ids('connection refused')).toEqual(['a', 'c']);
    expect(await ids('refresh')).toEqual(['b']);
    expect(await ids('nothing-like-this')).toEqual([]);
  });

  it('finds silent runs by their task’s name, alone or with words from other runs’ output', async () => {
    await openWith([
      run({ runId: 'quiet', name: 'nightly-sync' }),
      run({ runId: 'loud', name: 'nightly-sync', startedAt: T0 + 1000, stdout: out('sync ok') }),
      run({ runId: 'other', name: 'backup', stdout: out('nightly sync skipped') }),
    ]);
    const ids = async (query: string) =>
      (await search.search({ query })).hits.map((h) => h.run.runId).sort();
    expect(await ids('nightly sync')).toEqual(['loud', 'other', 'quiet']);
    expect(await ids('sync ok')).toEqual(['loud']);
    expect(await ids('backup nightly')).toEqual(['other']);
  });

  it('combines the words with the history filters and lists the newest first', async () => {
    await openWith([
      run({ runId: 'old', status: 'failed', error: 'disk full', startedAt: T0 }),
      run({ runId: 'new', status: 'failed', error: 'disk full', startedAt: T0 + 2 * DAY }),
      run({ runId: 'ok', status: 'succeeded', stdout: out('disk full soon'), startedAt: T0 + DAY }),
      run({ runId: 'elsewhere', project: 'work', status: 'failed', error: 'disk full' }),
    ]);
    const failedAtHome = await search.search({ query: 'disk', project: 'home', status: 'failed' });
    expect(failedAtHome.hits.map((h) => h.run.runId)).toEqual(['new', 'old']);
    const lastDays = await search.search({ query: 'disk', project: 'home', from: T0 + DAY / 2 });
    expect(lastDays.hits.map((h) => h.run.runId)).toEqual(['new', 'ok']);
    const secondPage = await search.search({ query: 'full', limit: 2, offset: 2 });
    expect(secondPage.total).toBe(4);
    expect(secondPage.hits).toHaveLength(2);
  });

  it('follows runs written, rewritten and deleted after the index was built', async () => {
    const clock = await openWith([run({ runId: 'a', stdout: out('first words') })]);
    await writeRun(run({ runId: 'b', stdout: out('later words') }));
    await writeRun(run({ runId: 'a', stdout: out('rewritten text') }));
    await clock.advance(10_000);
    await cache.whenIdle();
    await search.whenIndexed();
    expect((await search.search({ query: 'later' })).total).toBe(1);
    expect((await search.search({ query: 'first' })).total).toBe(0);
    expect((await search.search({ query: 'rewritten' })).total).toBe(1);
    await cache.deleteJob('home', 'backups', 'nightly', 'b');
    expect((await search.search({ query: 'later' })).total).toBe(0);
  });

  it('finds a run this process wrote at once, before any scan', async () => {
    await openWith([]);
    const record = runRecord.parse(run({ runId: 'mine', stdout: out('fresh output') }));
    await writeRun(record);
    cache.put(record);
    search.take(record);
    expect((await search.search({ query: 'fresh' })).hits[0]!.run.runId).toBe('mine');
  });

  it('says how far the index got while it is still being built', async () => {
    for (let i = 0; i < 200; i++)
      await writeRun(run({ runId: `r${i}`, startedAt: T0 + i, stdout: out(`line ${i} needle`) }));
    cache = new JobCache({ statusDir: jobsDir, pollIntervalMs: 10_000 });
    await cache.start();
    search = new RunSearch({ jobs: cache });
    search.start();
    const early = await search.search({ query: 'needle' });
    expect(early.indexing).toEqual({ indexed: early.total, total: 200 });
    await search.whenIndexed();
    const done = await search.search({ query: 'needle' });
    expect(done.total).toBe(200);
    expect(done.indexing).toBeNull();
  });
});
