import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAtomicTempFile } from '../fs/atomic-write.js';
import { groupName, idSchema, projectName, taskName } from '../model/names.js';
import type { RunRecord } from '../model/run.js';
import { runRecord } from '../model/run.js';

/** What locates one run record under <jobsDir>. */
export interface RunKey {
  project: string;
  group: string;
  name: string;
  runId: string;
}

/** A task's folder under <jobsDir>: <project>/<group>/<name>. */
export interface TaskDir {
  project: string;
  group: string;
  name: string;
  dir: string;
}

/** True when `value` is usable as-is as a folder name (the schemas trim; a path must not need it). */
function isSegment(schema: typeof projectName, value: string): boolean {
  const parsed = schema.safeParse(value);
  return parsed.success && parsed.data === value;
}

/** Throws a message naming the bad part when `key` cannot be a path under <jobsDir>. */
export function checkRunKey(owner: string, key: RunKey): void {
  const parts: [string, typeof projectName, string][] = [
    ['project', projectName, key.project],
    ['group', groupName, key.group],
    ['name', taskName, key.name],
  ];
  for (const [what, schema, value] of parts) {
    if (!isSegment(schema, value)) {
      throw new RangeError(
        `${owner}: ${what} '${value}' cannot be a folder name; use 1-64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit`,
      );
    }
  }
  if (!idSchema.safeParse(key.runId).success) {
    throw new RangeError(`${owner}: runId '${key.runId}' must be 1-64 letters, digits, _ or -`);
  }
}

/** <jobsDir>/<project>/<group>/<name>/<runId>.json */
export function runRecordPath(jobsDir: string, key: RunKey): string {
  return join(jobsDir, key.project, key.group, key.name, `${key.runId}.json`);
}

/** True for a file name that can hold a run record (not a temp file left by a crashed write). */
export function isRunRecordFileName(name: string): boolean {
  return name.endsWith('.json') && !isAtomicTempFile(name) && !name.startsWith('.');
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

/**
 * Every task folder under `jobsDir`. Synchronous on purpose: on a local disk it is several
 * times faster than the thread-pool versions for thousands of small calls, and callers yield
 * between folders (see TimeSlicer).
 */
export function listTaskDirs(jobsDir: string): TaskDir[] {
  const found: TaskDir[] = [];
  for (const project of subfolders(jobsDir)) {
    for (const group of subfolders(join(jobsDir, project))) {
      for (const name of subfolders(join(jobsDir, project, group))) {
        found.push({ project, group, name, dir: join(jobsDir, project, group, name) });
      }
    }
  }
  return found;
}

/** Run-record file names in a task folder; a folder that vanished has none. */
export function listRunFiles(taskDir: string): string[] {
  return readTaskFolder(taskDir).files;
}

/**
 * Run-record file names in a task folder, and whether a write that never finished left a temp
 * file there (which start-up removes). A folder that vanished has neither.
 */
export function readTaskFolder(taskDir: string): { files: string[]; temps: boolean } {
  let names: string[];
  try {
    names = readdirSync(taskDir);
  } catch {
    return { files: [], temps: false };
  }
  return { files: names.filter(isRunRecordFileName), temps: names.some(isAtomicTempFile) };
}

/** Reads and validates one run record; throws with the path and what is wrong. */
export function readRunRecordFile(path: string): RunRecord {
  return parseRunRecord(readFileSync(path, 'utf8'), path);
}

export function parseRunRecord(text: string, path: string): RunRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`run record ${path} is not complete JSON (half-written or corrupted)`);
  }
  const parsed = runRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `run record ${path} is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  return parsed.data;
}

/**
 * Lets long synchronous file work give the event loop a turn every `budgetMs`, so a scan of
 * 100,000 files never freezes IPC or timers for more than a few milliseconds at a time.
 * It measures elapsed CPU time with performance.now(), not the injected clock: this is about
 * how long we block, not about what time it is.
 */
export class TimeSlicer {
  #sliceStart = performance.now();
  constructor(readonly budgetMs = 12) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.#sliceStart < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }
}
