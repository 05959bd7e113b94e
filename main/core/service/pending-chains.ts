import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { atomicWrite, removeAtomicTempFiles } from '../fs/atomic-write.js';
import { moveAside } from '../fs/move-aside.js';
import { runRef, runStatus } from '../model/run.js';
import type { ChainJournal, ChainStart } from '../schedule/task-chains.js';
import type { Clock } from '../time/clock.js';
import type { CoreParts } from './core-parts.js';
import type { Notice } from './run-pipeline.js';

const chainStart = z.object({
  child: runRef,
  parent: runRef.extend({ status: runStatus, outputTail: z.string().max(8192) }),
  at: z.number().int(),
});
const pendingFile = z.object({ version: z.literal(1), starts: z.array(chainStart).max(10_000) });

/**
 * Chained runs decided but not finished ("after task A"), in <dataDir>/chains/pending.json:
 * added before the parent's final record is written, removed after the child's final record.
 * Each change rewrites the small file atomically, one write at a time, in order.
 */
export class PendingChains implements ChainJournal {
  readonly #file: string;
  readonly #starts = new Map<string, ChainStart>();
  #writes: Promise<void> = Promise.resolve();
  #resumed = false;

  private constructor(dir: string) {
    this.#file = join(dir, 'pending.json');
  }

  /** Opens the folder: removes temp files a crash left mid-write, reads what is pending. */
  static async open(dataDir: string, clock: Clock, notice: Notice): Promise<PendingChains> {
    const dir = join(dataDir, 'chains');
    await mkdir(dir, { recursive: true });
    await removeAtomicTempFiles(dir);
    const journal = new PendingChains(dir);
    let text: string;
    try {
      text = await readFile(journal.#file, 'utf8');
    } catch {
      return journal;
    }
    let parsed: z.infer<typeof pendingFile>;
    try {
      parsed = pendingFile.parse(JSON.parse(text));
    } catch (error) {
      const movedTo = moveAside(journal.#file, clock.now());
      const why = error instanceof Error ? error.message.slice(0, 200) : String(error);
      notice(
        'warning',
        `The list of runs waiting to start after other tasks could not be read (${why}); it was moved to ${movedTo} (kept). Runs that were to start after another task's run may not start.`,
      );
      return journal;
    }
    for (const start of parsed.starts) journal.#starts.set(start.child.runId, start);
    return journal;
  }

  /** What is pending now, oldest first. */
  list(): ChainStart[] {
    return [...this.#starts.values()];
  }

  add(starts: readonly ChainStart[]): Promise<void> {
    for (const start of starts) this.#starts.set(start.child.runId, start);
    return this.#save();
  }

  done(childRunId: string): Promise<void> {
    if (!this.#starts.delete(childRunId)) return this.#writes;
    return this.#save();
  }

  /**
   * On the scheduler's first start in this process, starts what a crash or quit left pending
   * (later starts are the engine's own, already in flight).
   */
  resumeOnce(parts: CoreParts): void {
    if (this.#resumed) return;
    this.#resumed = true;
    resumePendingChains(parts, this);
  }

  /** Waits for the writes in flight (on close). */
  flush(): Promise<void> {
    return this.#writes;
  }

  #save(): Promise<void> {
    const text = `${JSON.stringify({ version: 1, starts: this.list() })}\n`;
    const write = this.#writes.then(() => atomicWrite(this.#file, text));
    // The next write waits for this one whether it failed or not; the caller sees the failure.
    this.#writes = write.catch(() => undefined);
    return write;
  }
}

/**
 * After a restart: each chained run still pending starts now, unless the history shows it started
 * before the crash (it is not started twice; a record that only says 'queued' never started).
 * Returns how many were started.
 */
export function resumePendingChains(parts: CoreParts, pending: PendingChains): number {
  let started = 0;
  for (const start of pending.list()) {
    const { project, group, name, runId } = start.child;
    const known = parts.jobs.getJob(project, group, name, runId);
    if (known !== undefined && known.startedAt !== null) {
      void pending.done(runId).catch(() => undefined);
      continue;
    }
    if (parts.engine.resumeChain(start)) started++;
  }
  return started;
}
