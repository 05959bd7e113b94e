import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderScanner } from '../../../main/core/jobs/folder-scanner.js';
import type { ScanBook } from '../../../main/core/jobs/folder-scanner.js';
import { run } from '../store/run-record-fixtures.js';

const NOW = Date.UTC(2026, 0, 10);
/** More files than the reading thread sends ahead (12 chunks of 256) before the scan takes them. */
const FILES = 3_400;
/** A scanner that holds no history yet, as on a start without a run index. */
const EMPTY: ScanBook = { sigOf: () => undefined, runIdsOf: () => [] };

let jobsDir: string;
beforeEach(async () => {
  jobsDir = join(await mkdtemp(join(tmpdir(), 'crontray-scanner-')), 'jobs');
});
afterEach(async () => {
  await rm(join(jobsDir, '..'), { recursive: true, force: true });
});

async function writeHistory(): Promise<void> {
  const folder = join(jobsDir, 'home', 'backups', 'nightly');
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const record = run({ runId: `r${i}`, status: i % 100 === 7 ? 'running' : 'succeeded' });
    await writeFile(join(folder, `r${i}.json`), JSON.stringify(record, null, i % 2 ? 2 : 0));
  }
  // Bigger than a chunk of the reading thread.
  const big = run({
    runId: 'big',
    stdout: { head: 'é'.repeat(200_000), tail: '', truncated: true, totalBytes: 1e6 },
  });
  await writeFile(join(folder, 'big.json'), JSON.stringify(big));
  await writeFile(join(folder, 'torn.json'), '{"runId": "torn", "st');
  await writeFile(join(folder, 'moved.json'), JSON.stringify(run({ runId: 'other' })));
  await writeFile(join(folder, 'notes.txt'), 'not a run');
  await mkdir(join(folder, 'a-folder.json')); // listed as a run file, and cannot be read as one
}

async function scanWith(readAheadFrom: number) {
  const scanner = new FolderScanner(jobsDir, () => NOW, EMPTY, {
    readAheadFrom,
    coreToSpare: () => true,
  });
  const changes = await scanner.scan();
  return { changes, unreadable: scanner.unreadable(), folders: scanner.foldersWithTempFiles() };
}

describe('a scan that reads thousands of files on a second thread', () => {
  it('finds the same runs, stats and unreadable files as a scan that reads them itself', async () => {
    await writeHistory();
    const inPlace = await scanWith(Infinity);
    const threaded = await scanWith(1);
    expect(threaded).toEqual(inPlace);
    expect(threaded.changes.upserts).toHaveLength(FILES + 1);
    expect(threaded.unreadable.map((u) => u.key).sort()).toEqual([
      'home/backups/nightly/a-folder.json',
      'home/backups/nightly/moved.json',
      'home/backups/nightly/torn.json',
    ]);
    const why = new Map(threaded.unreadable.map((u) => [u.key, u.error]));
    expect(why.get('home/backups/nightly/a-folder.json')).toMatch(/cannot read .*EISDIR/);
    expect(why.get('home/backups/nightly/torn.json')).toMatch(/not complete JSON/);
  });
});
