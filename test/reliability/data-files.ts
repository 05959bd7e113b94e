import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runRecord } from '../../main/core/model/run.js';
import type { RunRecord } from '../../main/core/model/run.js';
import { ledgerLine } from '../../main/core/routine/session-ledger-lines.js';

/** A fresh data folder under the OS temp folder; remove it with removeDataDir. */
export function makeDataDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `crontray-rel-${label}-`));
}

export function removeDataDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Every file under `dir`, as paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return names
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

/** sha256 of every file under `dir` (optionally skipping some), to prove nothing changed. */
export async function hashFiles(
  dir: string,
  skip: (path: string) => boolean = () => false,
): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const path of await listFiles(dir)) {
    if (skip(path)) continue;
    const bytes = await readFile(join(dir, path)).catch(() => null);
    hashes[path] = bytes ? createHash('sha256').update(bytes).digest('hex') : 'vanished';
  }
  return hashes;
}

/** Final and in-flight run records found on disk, by runId. */
export async function readRunRecords(dataDir: string): Promise<Map<string, RunRecord>> {
  const runs = new Map<string, RunRecord>();
  const jobs = join(dataDir, 'jobs');
  for (const path of await listFiles(jobs)) {
    if (!path.endsWith('.json') || path.split('/').pop()?.startsWith('.')) continue;
    const record = runRecord.parse(JSON.parse(await readFile(join(jobs, path), 'utf8')));
    runs.set(record.runId, record);
  }
  return runs;
}

/**
 * Reads every file the app owns the way the app would and lists what does not parse: config
 * and vault (and their backups) as JSON, each run record against its schema, each ledger line.
 * Temp files of atomic writes are allowed (a crash may leave them; the app removes or ignores
 * them) and files the app moved aside are skipped: they are kept on purpose.
 */
export async function unreadableFiles(dataDir: string): Promise<string[]> {
  const bad: string[] = [];
  for (const path of await listFiles(dataDir)) {
    const base = path.split('/').pop() ?? path;
    if (base.startsWith('.') || base.includes('.corrupt-') || base.includes('.tmp-')) continue;
    const text = await readFile(join(dataDir, path), 'utf8');
    try {
      if (path.startsWith('jobs/') && base.endsWith('.json')) runRecord.parse(JSON.parse(text));
      else if (path.startsWith('sessions/') && base.endsWith('.jsonl')) {
        for (const line of text.split('\n').filter((l) => l !== ''))
          ledgerLine.parse(JSON.parse(line));
      } else if (base.endsWith('.json') || base.endsWith('.json.bak')) JSON.parse(text);
    } catch (error) {
      bad.push(`${path}: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
    }
  }
  return bad;
}

/** Polls the jobs folder until `ready` holds for its records (real child processes take real time). */
export async function waitForRuns(
  dataDir: string,
  ready: (runs: RunRecord[]) => boolean,
  timeoutMs = 10_000,
): Promise<RunRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = [
      ...(await readRunRecords(dataDir).catch(() => new Map<string, RunRecord>())).values(),
    ];
    if (ready(runs)) return runs;
    if (Date.now() > deadline)
      throw new Error(
        `runs not ready after ${timeoutMs} ms: ${JSON.stringify(runs.map((r) => r.status))}`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Temp files of atomic writes last modified before `beforeMs`: left by a process that died. */
export async function staleTempFiles(dataDir: string, beforeMs: number): Promise<string[]> {
  const stale: string[] = [];
  for (const path of await listFiles(dataDir)) {
    const base = path.split('/').pop() ?? path;
    const temp = (base.startsWith('.') && base.endsWith('.tmp')) || base.includes('.tmp-');
    if (!temp) continue;
    const info = await stat(join(dataDir, path)).catch(() => null);
    if (info && info.mtimeMs < beforeMs) stale.push(path);
  }
  return stale;
}
