import { join } from 'node:path';
import type { EventMap } from '../../api/contract.js';
import type { Clock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { FINAL_STATUSES } from '../model/run.js';
import type { RunRecord } from '../model/run.js';
import type { RunSink } from '../schedule/run-sink.js';
import type { Settings } from '../store/config-schema.js';
import { RunRecordWriter } from '../store/run-records.js';
import type { RunRecordRecovery } from '../store/run-records.js';
import { RetentionSweeper } from '../store/retention.js';
import type { SessionLedger } from '../routine/session-ledger.js';
import { JobCache } from '../jobs/job-cache.js';
import { toSummary } from '../jobs/run-summary.js';
import { RunSearch } from '../jobs/search-runs.js';
import type { EventHub } from './event-hub.js';

/** Says something to the user about what opening found (logged, and shown in every window). */
export type Notice = (level: EventMap['notice']['level'], message: string) => void;

export interface RunPipelineOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  historyMode: 'watch' | 'polling';
  retention: Settings['retention'];
  notice: Notice;
}

const RECENT_RUNS = 500;

/**
 * Where a run record goes once the engine hands it over: the record file (RunRecordWriter),
 * the history index (JobCache), the session's counts, the events windows listen to, and
 * retention, which keeps the folder from growing without end.
 */
export class RunPipeline {
  readonly writer: RunRecordWriter;
  readonly jobs: JobCache;
  readonly retention: RetentionSweeper;
  readonly search: RunSearch;
  /** The newest record of recent runs by id, so Run now can answer with its record at once. */
  readonly recentRuns = new Map<string, RunRecord>();
  #ledger: SessionLedger | null = null;
  #lastRunFailed = false;
  #lastCycleDue: number | null = null;
  readonly #events: EventHub;
  readonly #logger: Logger;

  private constructor(options: RunPipelineOptions) {
    const jobsDir = join(options.dataDir, 'jobs');
    this.#events = options.events;
    this.#logger = options.logger;
    this.writer = new RunRecordWriter({
      jobsDir,
      // Beside the records it covers; JobCache and retention pass over dot folders.
      journalDir: join(jobsDir, '.journal'),
      clock: options.clock,
      logger: options.logger,
    });
    this.jobs = new JobCache({
      statusDir: jobsDir,
      mode: options.historyMode,
      logger: options.logger,
      // Start-up reads this one file instead of every run record (the records stay the truth).
      indexFile: join(jobsDir, '.index', 'runs.bin'),
      onChange: (change) => this.#events.emit('history:changed', { reason: change.reason }),
    });
    this.search = new RunSearch({ jobs: this.jobs, logger: options.logger });
    this.retention = new RetentionSweeper({
      jobsDir,
      ...options.retention,
      logger: options.logger,
      onDeleted: () => this.jobs.invalidate(),
    });
  }

  /**
   * Recovers what a crash left (saying so), loads the history and starts retention. The
   * journal is replayed first, so the history sees the records it restores; the history's first
   * scan then says which records need repair, so start-up does not read every file twice.
   */
  static async open(options: RunPipelineOptions): Promise<RunPipeline> {
    const pipeline = new RunPipeline(options);
    await pipeline.writer.replayJournal();
    const start = await pipeline.jobs.start();
    if (start.indexSetAside) {
      options.notice(
        'info',
        `The saved run history index could not be used (${start.indexSetAside.reason}); it was moved to ${start.indexSetAside.movedTo} (kept) and rebuilt from the run records. No run is lost.`,
      );
    }
    const suspects = pipeline.jobs.needsRecovery();
    const recovery = await pipeline.writer.recoverFiles(suspects.runFiles, suspects.tempFolders);
    reportRecovery(recovery, pipeline.writer.jobsDir, options.notice);
    // The records just rewritten or moved aside are re-checked on every scan: take them in now.
    if (recovery.interrupted.length > 0 || recovery.setAside.length > 0)
      await pipeline.jobs.refresh();
    pipeline.retention.start();
    // Built in the background: the app serves while it reads the records' output.
    pipeline.search.start();
    return pipeline;
  }

  /** The session whose counts finished runs go to. */
  attachLedger(ledger: SessionLedger): void {
    this.#ledger = ledger;
  }

  /** True when the newest finished run failed or timed out (the tray shows it). */
  get lastRunFailed(): boolean {
    return this.#lastRunFailed;
  }

  /** The engine's sink. Events follow the write, so a window told a run finished finds its record on disk. */
  readonly sink: RunSink = {
    write: async (record) => {
      this.#remember(record);
      if (record.status === 'running' || record.status === 'queued') {
        // Not awaited: the engine holds a run's next record behind this one, and a run whose
        // 'queued' or 'running' record has not reached the disk when it moves on is then
        // written once, in its newest state (RunRecordWriter). Callbacks on the writer's
        // promises run in call order, so the index and the events still see each state in turn.
        void this.writer
          .write(record)
          .then(
            () => this.jobs.put(record),
            (error: unknown) =>
              this.#logger.error(
                `Service: writing the '${record.status}' record of run ${record.runId} failed`,
                error,
              ),
          )
          .finally(() => this.#onWritten(record));
        return;
      }
      try {
        await this.writer.write(record);
        this.jobs.put(record);
        this.search.take(record);
      } finally {
        this.#onWritten(record);
      }
    },
  };

  /** Waits for pending record writes, then stops retention and the history index. */
  async close(): Promise<void> {
    await this.writer.close();
    this.retention.stop();
    await this.search.stop();
    await this.jobs.stop();
  }

  #remember(record: RunRecord): void {
    this.recentRuns.delete(record.runId);
    this.recentRuns.set(record.runId, record);
    if (this.recentRuns.size > RECENT_RUNS)
      this.recentRuns.delete(this.recentRuns.keys().next().value as string);
  }

  #onWritten(run: RunRecord): void {
    if (run.status === 'running') {
      this.#events.emit('run:started', toSummary(run));
      return;
    }
    if (!FINAL_STATUSES.has(run.status)) return;
    this.#ledger?.recordRun(run.status);
    if (
      run.trigger !== 'manual' &&
      run.scheduledFor !== null &&
      run.scheduledFor !== this.#lastCycleDue
    ) {
      this.#lastCycleDue = run.scheduledFor;
      this.#ledger?.recordCycle();
    }
    if (run.status === 'failed' || run.status === 'timed-out') this.#lastRunFailed = true;
    else if (run.status === 'succeeded') this.#lastRunFailed = false;
    this.#events.emit('run:finished', toSummary(run));
  }
}

/** A few damaged records by name; a disk that damaged many gets one line instead of a wall. */
function reportRecovery(recovery: RunRecordRecovery, jobsDir: string, notice: Notice): void {
  const { interrupted, setAside } = recovery;
  for (const bad of setAside.slice(0, 5)) {
    notice(
      'warning',
      `A run record could not be read (${bad.reason}); it was moved to ${bad.movedTo} (kept) and left out of the history.`,
    );
  }
  if (setAside.length > 5) {
    notice(
      'warning',
      `${setAside.length - 5} more unreadable run records were moved aside as <file>.corrupt-<time> under ${jobsDir} (kept).`,
    );
  }
  if (interrupted.length > 0) {
    notice(
      'info',
      `${interrupted.length} run(s) were still running when Crontray last stopped; they are marked interrupted.`,
    );
  }
}
