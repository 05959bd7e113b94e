import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AppInfo,
  EventMap,
  Handlers,
  SchedulerStatus,
  VaultStatus,
} from '../../api/contract.js';
import type { Envelope } from '../../api/channel.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import { VirtualClock } from '../time/virtual-clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { FINAL_STATUSES } from '../model/run.js';
import type { RunRecord } from '../model/run.js';
import type { StoredTask } from '../model/task.js';
import { TaskScheduler } from '../schedule/task-scheduler.js';
import type { EngineEvent } from '../schedule/engine-event.js';
import { TaskStore } from '../store/task-store.js';
import { Vault, AesGcmCipher, PlaintextCipher } from '../store/vault.js';
import type { Cipher } from '../store/vault.js';
import { RunRecordWriter } from '../store/run-records.js';
import { RetentionSweeper } from '../store/retention.js';
import { SessionLedger } from '../routine/session-ledger.js';
import { JobCache } from '../jobs/job-cache.js';
import { toSummary } from '../jobs/run-summary.js';
import { CacheDirectory } from '../cache/cache-directory.js';
import { ActionDispatcher } from '../actions/action-runner.js';
import type { ActionDispatcherOptions } from '../actions/action-runner.js';
import type { ActionRunner } from '../actions/runner.js';
import type { CoreParts } from './core-parts.js';
import { dispatch } from './dispatch.js';
import { EventHub } from './event-hub.js';
import { ServiceError } from './service-error.js';
import { scheduleStored, taskHandlers } from './task-handlers.js';
import { historyHandlers } from './history-handlers.js';
import { previewSchedule } from './preview.js';

export interface ServiceOptions {
  /** Where config, vault, jobs, sessions, cache and logs live. */
  dataDir: string;
  /** Which adapter hosts the core; shown in app:info. */
  host: AppInfo['host'];
  /** Virtual clock, plaintext vault and test-only channels. Default false. */
  testMode?: boolean;
  /** Default: systemClock, or a VirtualClock starting now in test mode. */
  clock?: Clock;
  /** Default silent. */
  logger?: Logger;
  /** The app's version, from package.json. */
  version: string;
  /** Electron and Chrome versions when hosted by Electron. */
  versions?: Partial<AppInfo['versions']>;
  /** Encrypts the vault. Default: plaintext in test mode, else AES-256-GCM with a key file. */
  cipher?: Cipher;
  /**
   * How the history view follows the jobs folder for files other programs write; the service's
   * own runs reach it at once through JobCache.put(). Default 'polling' (every 10 s): 'watch'
   * rescans a task folder after each of its writes, our own included, which at hundreds of runs
   * a second lists and stats every run file over and over.
   */
  historyMode?: 'watch' | 'polling';
  /**
   * Replaces action runners by kind, e.g. an in-process no-op for load tests and the soak.
   * Default: the real shell, http and script runners.
   */
  actions?: Pick<ActionDispatcherOptions, 'shell' | 'http' | 'script'>;
  /**
   * Start the scheduler on open when it was running when the app last quit or crashed (the
   * session ledger says so), as a tray app is expected to. Default true.
   */
  resumeScheduler?: boolean;
}

/**
 * Bookkeeping reaches config.json up to a second late, but run records are written as runs
 * happen. After a crash, the newest scheduled run on disk may be later than the stored
 * lastDueAt; taking it keeps that trigger from being caught up a second time.
 */
function withRecordedDueTime(jobs: JobCache, task: StoredTask): StoredTask {
  let latest = task.lastDueAt;
  for (const run of jobs.getJobRuns(task.project, task.group, task.name)) {
    if (run.taskId !== task.id || run.scheduledFor === null) continue;
    if (run.trigger !== 'schedule' && run.trigger !== 'catch-up') continue;
    if (latest === null || run.scheduledFor > latest) latest = run.scheduledFor;
  }
  return latest === task.lastDueAt ? task : { ...task, lastDueAt: latest };
}

/** Run now's result cache outlives a restart: the newest successful run on disk seeds it. */
async function rememberLastResult(
  jobs: JobCache,
  engine: TaskScheduler<string>,
  task: StoredTask,
): Promise<void> {
  const last = jobs
    .getJobRuns(task.project, task.group, task.name)
    .find((r) => r.taskId === task.id && r.status === 'succeeded');
  if (!last) return;
  const record = await jobs.readRun(task.project, task.group, task.name, last.runId);
  if (record) engine.rememberResult(task.id, record);
}

type DelegatedChannel =
  keyof ReturnType<typeof taskHandlers> | keyof ReturnType<typeof historyHandlers>;

const RECENT_RUNS = 500;
const CHECKPOINT_MS = 60_000;

/**
 * The one object both transports call. `open()` loads every store (moving bad files aside and
 * saying so), `call()` validates each request against the contract before a handler sees it,
 * and `close()` stops the scheduler, kills running process trees and flushes everything.
 */
export class CrontrayService {
  readonly events = new EventHub();
  readonly handlers: Handlers;
  readonly clock: Clock;
  readonly #options: ServiceOptions & { testMode: boolean; logger: Logger };
  #parts: CoreParts | null = null;
  #dispatcher: ActionDispatcher | null = null;
  #writer: RunRecordWriter | null = null;
  #opening: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  #pausedUntil: number | null = null;
  #pauseTimer: TimerHandle | null = null;
  #checkpointTimer: ReturnType<typeof setInterval> | null = null;
  #lastRunFailed = false;
  #lastCycleDue: number | null = null;
  #delegated: Pick<Handlers, DelegatedChannel> | null = null;
  /** Things that happened while opening, repeated to each new window or browser that connects. */
  readonly startupNotices: EventMap['notice'][] = [];

  constructor(options: ServiceOptions) {
    const testMode = options.testMode ?? false;
    this.#options = { ...options, testMode, logger: options.logger ?? silentLogger };
    this.clock = options.clock ?? (testMode ? new VirtualClock(Date.now()) : systemClock);
    this.handlers = this.#createHandlers();
  }

  get testMode(): boolean {
    return this.#options.testMode;
  }

  get dataDir(): string {
    return this.#options.dataDir;
  }

  /** Calls a channel by name with an untrusted payload; always resolves with an envelope. */
  call(channel: string, payload: unknown): Promise<Envelope<unknown>> {
    return dispatch(this.handlers, channel, payload, {
      testMode: this.#options.testMode,
      logger: this.#options.logger,
    });
  }

  /** Loads the stores and registers the saved tasks. Safe to call more than once. */
  open(): Promise<void> {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<void> {
    const { dataDir, logger } = this.#options;
    const clock = this.clock;
    await mkdir(join(dataDir, 'logs'), { recursive: true });
    const notice = (level: EventMap['notice']['level'], message: string) => {
      logger[level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'info'](message);
      this.startupNotices.push({ level, message });
      this.events.emit('notice', { level, message });
    };

    const store = new TaskStore({ dataDir, clock, logger });
    if (store.recovery) {
      const r = store.recovery;
      notice(
        'warning',
        `config.json could not be used (${r.reason}). It was kept as ${r.movedTo ?? 'is'}; ${r.restoredFrom ? `tasks and settings were restored from ${r.restoredFrom}` : 'Crontray started with no tasks'}.`,
      );
    }
    const cipher =
      this.#options.cipher ??
      (this.#options.testMode ? new PlaintextCipher() : await AesGcmCipher.open({ dataDir }));
    const vault = new Vault({ dataDir, cipher, logger, clock });
    const vaultReport = await vault.load();
    for (const message of vaultReport.notices) notice('warning', `Vault: ${message}`);
    // An insecure vault is not a one-off notice: scheduler:status carries it, and the window and
    // the tray show it for as long as it lasts.
    if (!vaultReport.secure && vaultReport.warning) logger.warn(vaultReport.warning);

    const ledger = await SessionLedger.load({ dir: join(dataDir, 'sessions'), clock, logger });
    for (const n of ledger.notices)
      notice(n.kind === 'interrupted' ? 'info' : 'warning', n.message);

    const jobsDir = join(dataDir, 'jobs');
    const writer = new RunRecordWriter({ jobsDir, clock, logger });
    const { interrupted, setAside } = await writer.recover();
    // A few by name; a disk that damaged many gets one line instead of a wall of notices.
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
    const jobs = new JobCache({
      statusDir: jobsDir,
      mode: this.#options.historyMode ?? 'polling',
      logger,
      onChange: (change) => this.events.emit('history:changed', { reason: change.reason }),
    });
    await jobs.start();
    const settings = store.getSettings();
    const retention = new RetentionSweeper({
      jobsDir,
      ...settings.retention,
      logger,
      onDeleted: () => jobs.invalidate(),
    });
    retention.start();

    const dispatcher = new ActionDispatcher({ logger, ...this.#options.actions });
    const locked = new Map<string, string>();
    const recentRuns = new Map<string, RunRecord>();
    const runner: ActionRunner<string> = {
      run: async (taskId, context) => {
        const got = await vault.get(taskId);
        if (!got.ok) return { status: 'failed', error: `Vault: ${got.reason}` };
        return dispatcher.run(got.action, context);
      },
    };
    const engine = new TaskScheduler<string>({
      clock,
      logger,
      runner,
      globalConcurrency: settings.globalConcurrency,
      sink: {
        // Events follow the write, so a window told a run finished finds its record on disk.
        write: async (record) => {
          recentRuns.delete(record.runId);
          recentRuns.set(record.runId, record);
          if (recentRuns.size > RECENT_RUNS)
            recentRuns.delete(recentRuns.keys().next().value as string);
          if (record.status === 'running') {
            // Not awaited: the engine holds a run's next record behind this one, and a run that
            // ends before its 'running' record reaches the disk is then written once, final
            // (RunRecordWriter). Callbacks on the writer's promises run in call order, so the
            // index and the events still see 'running' before the final state.
            void writer
              .write(record)
              .then(
                () => jobs.put(record),
                (error: unknown) =>
                  logger.error(
                    `Service: writing the 'running' record of run ${record.runId} failed`,
                    error,
                  ),
              )
              .finally(() => this.#onRecordWritten(record));
            return;
          }
          try {
            await writer.write(record);
            jobs.put(record);
          } finally {
            this.#onRecordWritten(record);
          }
        },
      },
      state: {
        // Called on every trigger: neither copies the task.
        get: (id) => store.getBookkeeping(id),
        set: (id, state) => {
          if (store.hasTask(id)) store.updateBookkeeping(id, state);
        },
      },
      sessionId: () => ledger.current()?.sessionId ?? null,
      onEvent: (event) => this.#onEngineEvent(event),
    });

    this.#parts = {
      dataDir,
      clock,
      logger,
      events: this.events,
      store,
      vault,
      engine,
      ledger,
      jobs,
      cacheDir: new CacheDirectory({ dir: join(dataDir, 'cache'), clock }),
      retention,
      locked,
      recentRuns,
    };
    this.#dispatcher = dispatcher;
    this.#writer = writer;

    for (const task of store.listTasks()) {
      const got = await vault.get(task.id);
      if (!got.ok) {
        const reason = got.locked ? got.reason : 'its action is missing from vault.json';
        locked.set(task.id, reason);
        notice(
          'warning',
          `Task '${task.name}' is locked: ${reason}. Its data is kept; re-enter its action to unlock it.`,
        );
        continue;
      }
      try {
        await scheduleStored(this.#parts, withRecordedDueTime(jobs, task));
        if (task.resultCache) await rememberLastResult(jobs, engine, task);
      } catch (error) {
        notice(
          'error',
          `Task '${task.name}' could not be scheduled: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }

    if (this.#options.resumeScheduler ?? true) {
      const [last] = (await ledger.list({ limit: 1 })).sessions;
      if (last && (last.endReason === 'quit' || last.endReason === 'interrupted')) {
        const when = last.endReason === 'quit' ? 'quit' : 'stopped unexpectedly';
        notice(
          'info',
          `The scheduler was running when Crontray last ${when}; it is running again.`,
        );
        await this.start();
      }
    }
  }

  #onRecordWritten(run: RunRecord): void {
    if (run.status === 'running') {
      this.events.emit('run:started', toSummary(run));
      return;
    }
    if (!FINAL_STATUSES.has(run.status)) return;
    const ledger = this.#parts?.ledger;
    ledger?.recordRun(run.status);
    if (
      run.trigger !== 'manual' &&
      run.scheduledFor !== null &&
      run.scheduledFor !== this.#lastCycleDue
    ) {
      this.#lastCycleDue = run.scheduledFor;
      ledger?.recordCycle();
    }
    if (run.status === 'failed' || run.status === 'timed-out') this.#lastRunFailed = true;
    else if (run.status === 'succeeded') this.#lastRunFailed = false;
    this.events.emit('run:finished', toSummary(run));
  }

  #onEngineEvent(event: EngineEvent): void {
    const parts = this.#parts;
    switch (event.type) {
      case 'run:started':
      case 'run:finished':
        // Reported once the record is written (#onRecordWritten).
        break;
      case 'task:changed': {
        // The engine changes tasks on its own too (a one-time task disables itself after it ran).
        const info = parts?.engine.get(event.taskId);
        const stored = parts?.store.getTask(event.taskId);
        if (parts && info && stored && stored.enabled !== info.definition.enabled) {
          parts.store.putTask({ ...stored, enabled: info.definition.enabled });
        }
        this.events.emit('task:changed', { taskId: event.taskId, deleted: !info });
        break;
      }
      case 'scheduler:state':
        this.events.emit('scheduler:state', this.#status());
        break;
    }
  }

  #require(): CoreParts {
    if (!this.#parts)
      throw new ServiceError('unavailable', 'Service: still starting; try again in a moment');
    return this.#parts;
  }

  /** Starts the scheduler and opens a session. */
  async start(): Promise<SchedulerStatus> {
    const parts = this.#require();
    this.#clearPause();
    if (!parts.engine.running) {
      await parts.ledger.open();
      parts.engine.start();
      this.#checkpointTimer = setInterval(
        () => void parts.ledger.checkpoint().catch(() => undefined),
        CHECKPOINT_MS,
      );
      this.#checkpointTimer.unref();
    }
    return this.#status();
  }

  /** Stops the scheduler (running runs finish) and closes the session with `reason`. */
  async stop(
    reason = 'stopped',
    options: { cancelRunning?: boolean } = {},
  ): Promise<SchedulerStatus> {
    const parts = this.#require();
    if (reason !== 'paused') this.#clearPause();
    if (this.#checkpointTimer) clearInterval(this.#checkpointTimer);
    this.#checkpointTimer = null;
    if (parts.engine.running || parts.ledger.current()) {
      const stopping = parts.engine.stop(options);
      if (parts.ledger.current()) {
        // Close the session once its runs are over so their counts land in it.
        await stopping;
        await parts.ledger.close(reason);
      } else await stopping;
    }
    const status = this.#status();
    this.events.emit('scheduler:state', status);
    return status;
  }

  /** After a suspend or a clock change: handle what fell due while the timer could not fire. */
  async resume(): Promise<void> {
    const parts = this.#parts;
    if (parts?.engine.running) await parts.engine.runPending();
  }

  #clearPause(): void {
    if (this.#pauseTimer) this.clock.clearTimer(this.#pauseTimer);
    this.#pauseTimer = null;
    this.#pausedUntil = null;
  }

  async #pause(minutes: number): Promise<SchedulerStatus> {
    if (minutes === 0) return this.start();
    await this.stop('paused');
    this.#pausedUntil = this.clock.now() + minutes * 60_000;
    this.#pauseTimer = this.clock.setTimer(() => {
      this.#pauseTimer = null;
      this.start().catch((error: unknown) =>
        this.#options.logger.error('Service: resume after pause failed', error),
      );
    }, minutes * 60_000);
    const status = this.#status();
    this.events.emit('scheduler:state', status);
    return status;
  }

  #vaultStatus(): VaultStatus {
    const parts = this.#require();
    const { backend, secure, warning, entries, locked } = parts.vault.status();
    return { backend, secure, warning, entries, locked };
  }

  #status(): SchedulerStatus {
    const parts = this.#require();
    const tasks = parts.engine.list();
    let nextRun: SchedulerStatus['nextRun'] = null;
    let activeRuns = 0;
    let enabled = 0;
    for (const t of tasks) {
      activeRuns += t.running + t.queued;
      if (t.definition.enabled) enabled++;
      if (t.nextDueAt !== null && (nextRun === null || t.nextDueAt < nextRun.at)) {
        nextRun = { taskId: t.id, name: t.definition.name, at: t.nextDueAt };
      }
    }
    const session = parts.ledger.current();
    return {
      running: parts.engine.running,
      sessionId: session?.sessionId ?? null,
      startedAt: session?.startedAt ?? null,
      pausedUntil: this.#pausedUntil,
      tasks: parts.store.listTasks().length,
      enabledTasks: enabled,
      activeRuns,
      nextRun: parts.engine.running ? nextRun : null,
      lastRunFailed: this.#lastRunFailed,
      vault: this.#vaultStatus(),
      testMode: this.#options.testMode,
      now: this.clock.now(),
    };
  }

  /** Stops everything in order, once: scheduler, session, process trees, stores. */
  close(reason = 'quit'): Promise<void> {
    this.#closing ??= (async () => {
      await this.#opening?.catch(() => undefined);
      const parts = this.#parts;
      if (!parts) return;
      this.#clearPause();
      await this.#dispatcher?.shutdown();
      await this.stop(reason, { cancelRunning: true });
      await this.#writer?.close();
      parts.retention.stop();
      await parts.jobs.stop();
      parts.store.close();
    })();
    return this.#closing;
  }

  #createHandlers(): Handlers {
    const o = this.#options;
    const parts = () => this.#require();
    // Handlers exist before open(); the task and history ones are built once the parts are.
    const delegate = <K extends DelegatedChannel>(key: K): Handlers[K] =>
      ((request: unknown) => {
        this.#delegated ??= { ...taskHandlers(parts()), ...historyHandlers(parts()) };
        return (this.#delegated[key] as (r: unknown) => Promise<unknown>)(request);
      }) as Handlers[K];
    const task = delegate;
    const history = delegate;
    return {
      'app:info': async () => ({
        name: 'Crontray',
        version: o.version,
        host: o.host,
        testMode: o.testMode,
        dataDir: o.dataDir,
        platform: process.platform,
        versions: { node: process.versions.node, electron: null, chrome: null, ...o.versions },
      }),
      'scheduler:status': async () => this.#status(),
      'scheduler:start': async () => this.start(),
      'scheduler:stop': async () => this.stop('stopped'),
      'scheduler:pause': async ({ minutes }) => this.#pause(minutes),
      'tasks:list': task('tasks:list'),
      'tasks:get': task('tasks:get'),
      'tasks:create': task('tasks:create'),
      'tasks:update': task('tasks:update'),
      'tasks:delete': task('tasks:delete'),
      'tasks:enable': task('tasks:enable'),
      'tasks:disable': task('tasks:disable'),
      'tasks:runNow': task('tasks:runNow'),
      'runs:cancel': task('runs:cancel'),
      'tasks:preview': async (request) =>
        previewSchedule(parts().engine, request, this.clock.now()),
      'history:sessions': history('history:sessions'),
      'history:runs': history('history:runs'),
      'history:run': history('history:run'),
      'history:stats': history('history:stats'),
      'history:delete': history('history:delete'),
      'cache:list': history('cache:list'),
      'cache:clear': history('cache:clear'),
      'vault:status': async () => this.#vaultStatus(),
      'settings:get': async () => parts().store.getSettings(),
      'settings:set': async (patch) => {
        const p = parts();
        const settings = p.store.setSettings(patch);
        if (patch.retention) p.retention.setPolicy(settings.retention);
        return settings;
      },
      'clock:advance': async ({ ms }) => {
        if (!(this.clock instanceof VirtualClock)) {
          throw new ServiceError(
            'unavailable',
            'Service: clock:advance needs the virtual clock of --test-mode',
          );
        }
        await this.clock.advance(ms);
        await parts().jobs.refresh();
        return { now: this.clock.now() };
      },
    };
  }
}
