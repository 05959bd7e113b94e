import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite, removeAtomicTempFiles } from '../fs/atomic-write.js';
import { GroupWriter } from '../fs/group-writer.js';
import { moveAside } from '../fs/move-aside.js';
import type { Logger } from '../log/logger.js';
import type { WaitingRunState } from './waiting-run-state.js';
import { waitingRunsFile } from './waiting-run-state.js';

/**
 * `<dataDir>/conditions/waiting.json`: the runs waiting for their task's conditions, so a run
 * that waited when Crontray quit or crashed still runs once (or is recorded missed at its
 * deadline) after a restart. Written atomically, a burst of changes in one write.
 */
export class WaitingRunsStore {
  #runs: WaitingRunState[] = [];
  readonly #writer: GroupWriter<WaitingRunState[]>;

  private constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {
    this.#writer = new GroupWriter({
      current: () => this.#runs,
      write: (runs) => atomicWrite(path, JSON.stringify({ version: 1, runs })),
      onFailure: (error) =>
        logger.error(
          `Conditions: could not save the runs waiting for their conditions to ${path}: ${error instanceof Error ? error.message : String(error)}`,
        ),
    });
  }

  /**
   * Opens the file: what it holds is given back by `runs`. A file that is not ours is moved
   * aside (`waiting.json.corrupt-<time>`) and `notice` says so; leftovers of an interrupted
   * write are removed.
   */
  static async open(
    dataDir: string,
    o: { logger: Logger; nowMs: number; notice: (level: 'warning', message: string) => void },
  ): Promise<WaitingRunsStore> {
    const dir = join(dataDir, 'conditions');
    const store = new WaitingRunsStore(join(dir, 'waiting.json'), o.logger);
    await removeAtomicTempFiles(dir).catch(() => []);
    let text: string;
    try {
      text = await readFile(store.path, 'utf8');
    } catch {
      return store;
    }
    let parsed: ReturnType<typeof waitingRunsFile.safeParse> | null;
    try {
      parsed = waitingRunsFile.safeParse(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (parsed?.success) store.#runs = parsed.data.runs;
    else {
      const movedTo = moveAside(store.path, o.nowMs);
      o.notice(
        'warning',
        `The list of runs waiting for their conditions could not be read; it was moved to ${movedTo} and those runs will not run.`,
      );
    }
    return store;
  }

  get runs(): readonly WaitingRunState[] {
    return this.#runs;
  }

  save(runs: WaitingRunState[]): void {
    this.#runs = runs;
    this.#writer.touch();
    this.#writer.saved().catch(() => undefined);
  }

  /** Resolves when the newest list is on disk (or its write failed and was logged). */
  async flush(): Promise<void> {
    await this.#writer.idle();
  }
}
