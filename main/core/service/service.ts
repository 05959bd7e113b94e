import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventMap, Handlers, SchedulerStatus } from '../../api/contract.js';
import type { Envelope } from '../../api/channel.js';
import { type Clock, systemClock } from '../time/clock.js';
import { VirtualClock } from '../time/virtual-clock.js';
import { type Logger, silentLogger } from '../log/logger.js';
import { TaskScheduler } from '../schedule/task-scheduler.js';
import type { EngineEvent } from '../schedule/engine-event.js';
import type { TaskStore } from '../store/task-store.js';
import type { Vault } from '../store/vault.js';
import type { SessionLedger } from '../routine/session-ledger.js';
import { CacheDirectory } from '../cache/cache-directory.js';
import { ActionDispatcher } from '../actions/action-runner.js';
import type { ActionRunner } from '../actions/runner.js';
import type { CoreParts } from './core-parts.js';
import { dispatch } from './dispatch.js';
import { EventHub } from './event-hub.js';
import { ServiceError } from './service-error.js';
import { taskHandlers } from './task-handlers.js';
import { historyHandlers } from './history-handlers.js';
import { transferHandlers } from './transfer-handlers.js';
import { previewSchedule } from './preview.js';
import { RunPipeline } from './run-pipeline.js';
import type { Notice } from './run-pipeline.js';
import { PendingChains } from './pending-chains.js';
import { SchedulerControl } from './scheduler-control.js';
import { registerSavedTasks } from './saved-tasks.js';
import { saveEngineEnabled } from './task-writes.js';
import { openStores } from './open-stores.js';
import { ServiceAlerts } from './alert-wiring.js';
import { alertHandlers } from './alert-handlers.js';
import type { DesktopNotifier } from '../alerts/desktop-notifier.js';
import { noUpdates, updateHandlers } from './update-handlers.js';
import { appHandlers } from './app-handlers.js';
import { ClusterSwitch, clusterHandlers } from './cluster-wiring.js';
import { searchTimelineHandlers } from './search-timeline-handlers.js';
import { WaitingRunsStore } from '../conditions/waiting-runs-store.js';
import { DoNotRunUntil } from './do-not-run-until.js';
import type { ServiceOptions } from './service-options.js';

export type { ServiceOptions } from './service-options.js';

type DelegatedChannel =
  | keyof ReturnType<typeof taskHandlers>
  | keyof ReturnType<typeof historyHandlers>
  | keyof ReturnType<typeof transferHandlers>;

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
  #pipeline: RunPipeline | null = null;
  #alerts: ServiceAlerts | null = null;
  #cluster: ClusterSwitch | null = null;
  #notifier: DesktopNotifier | null = null;
  #waiting: WaitingRunsStore | null = null;
  #chains: PendingChains | null = null;
  #hold: DoNotRunUntil | null = null;
  readonly #control: SchedulerControl;
  #opening: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  #delegated: Pick<Handlers, DelegatedChannel> | null = null;
  /** Things that happened while opening, repeated to each new window or browser that connects. */
  readonly startupNotices: EventMap['notice'][] = [];
  /** Logs what happened while opening, keeps it for windows that connect later and tells those open. */
  readonly #notice: Notice = (level, message) => {
    this.#options.logger[level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'info'](
      message,
    );
    this.startupNotices.push({ level, message });
    this.events.emit('notice', { level, message });
  };

  constructor(options: ServiceOptions) {
    const testMode = options.testMode ?? false;
    this.#options = { ...options, testMode, logger: options.logger ?? silentLogger };
    this.clock = options.clock ?? (testMode ? new VirtualClock(Date.now()) : systemClock);
    this.#control = new SchedulerControl({
      clock: this.clock,
      logger: this.#options.logger,
      events: this.events,
      testMode,
      parts: () => this.#require(),
      lastRunFailed: () => this.#pipeline?.lastRunFailed ?? false,
      afterStart: (parts) => this.#chains?.resumeOnce(parts),
      hold: () => this.#hold,
    });
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
    const notice = this.#notice;
    const { store, vault, ledger, cipher } = await openStores(
      { dataDir, clock, logger, testMode: this.#options.testMode, cipher: this.#options.cipher },
      notice,
    );
    const alerts = await ServiceAlerts.open({
      ...{ dataDir, clock, logger, vault, store, cipher, notice },
      events: this.events,
    });
    alerts.monitor.setNotifier(this.#notifier);
    this.#alerts = alerts;
    const pipeline = await RunPipeline.open({
      dataDir,
      clock,
      logger,
      events: this.events,
      historyMode: this.#options.historyMode ?? 'polling',
      retention: store.getSettings().retention,
      notice,
    });
    pipeline.attachLedger(ledger);
    const dispatcher = new ActionDispatcher({ logger, ...this.#options.actions });
    const waiting = await WaitingRunsStore.open(dataDir, { logger, nowMs: clock.now(), notice });
    this.#waiting = waiting;
    this.#chains = await PendingChains.open(dataDir, clock, notice);
    this.#hold = await DoNotRunUntil.open(dataDir, clock, notice);
    this.#hold.onChange = () => {
      this.events.emit('scheduler:state', this.#control.status());
      void this.#parts?.cluster?.holdChanged();
    };
    const engine = this.#createEngine(store, vault, ledger, dispatcher, pipeline);
    this.#parts = {
      dataDir,
      clock,
      logger,
      events: this.events,
      store,
      vault,
      engine,
      ledger,
      jobs: pipeline.jobs,
      search: pipeline.search,
      cacheDir: new CacheDirectory({ dir: join(dataDir, 'cache'), clock }),
      retention: pipeline.retention,
      locked: new Map(),
      recentRuns: pipeline.recentRuns,
      cluster: null,
    };
    this.#dispatcher = dispatcher;
    this.#pipeline = pipeline;
    this.#cluster = await ClusterSwitch.open({
      parts: this.#parts,
      sink: alerts.sink(pipeline.sink),
      cipher,
      commandLineUrl: this.#options.redisUrl,
      hold: () => this.#hold?.known() ?? null,
      notice,
      onChange: () => this.events.emit('scheduler:state', this.#control.status()),
    });
    await this.#restore(this.#parts, alerts, waiting);
  }

  /** Saved tasks registered, waiting runs back, alerts watching, the scheduler resumed if it ran. */
  async #restore(
    parts: CoreParts,
    alerts: ServiceAlerts,
    waiting: WaitingRunsStore,
  ): Promise<void> {
    await registerSavedTasks(parts, this.#notice);
    parts.engine.resumeWaiting(waiting.runs);
    // Before the scheduler resumes: a catch-up run that starts late does not excuse its due time.
    alerts.watchAll();
    if (this.#options.resumeScheduler ?? true) await this.#resumeAfterRestart(this.#notice);
  }

  #createEngine(
    store: TaskStore,
    vault: Vault,
    ledger: SessionLedger,
    dispatcher: ActionDispatcher,
    pipeline: RunPipeline,
  ): TaskScheduler<string> {
    const runner: ActionRunner<string> = {
      run: async (taskId, context) => {
        const got = await vault.get(taskId);
        if (!got.ok) return { status: 'failed', error: `This task is locked: ${got.reason}.` };
        return dispatcher.run(got.action, context);
      },
    };
    return new TaskScheduler<string>({
      clock: this.clock,
      logger: this.#options.logger,
      runner: this.#alerts?.runner(runner) ?? runner,
      globalConcurrency: store.getSettings().globalConcurrency,
      sink: this.#alerts?.sink(pipeline.sink) ?? pipeline.sink,
      state: {
        // Called on every trigger: neither copies the task.
        get: (id) => store.getBookkeeping(id),
        set: (id, state) => {
          if (store.hasTask(id)) store.updateBookkeeping(id, state);
        },
      },
      sessionId: () => ledger.current()?.sessionId ?? null,
      onEvent: (event) => this.#onEngineEvent(event),
      conditions: this.#options.conditions,
      onWaitingChange: (runs) => this.#waiting?.save(runs),
      ...(this.#chains && { chains: this.#chains }),
      ...(this.#hold && {
        hold: this.#hold.hold.bind(this.#hold),
        heldAt: this.#hold.heldAt.bind(this.#hold),
      }),
    });
  }

  /** A tray app starts again the way it was: running if it was running at quit or crash. */
  async #resumeAfterRestart(notice: Notice): Promise<void> {
    const [last] = (await this.#require().ledger.list({ limit: 1 })).sessions;
    if (last && (last.endReason === 'quit' || last.endReason === 'interrupted')) {
      const when = last.endReason === 'quit' ? 'quit' : 'stopped unexpectedly';
      notice('info', `The scheduler was running when Crontray last ${when}; it is running again.`);
      await this.start();
    }
  }

  #onEngineEvent(event: EngineEvent): void {
    const parts = this.#parts;
    switch (event.type) {
      case 'run:started':
      case 'run:finished':
        // Reported once the record is written (RunPipeline).
        break;
      case 'task:changed': {
        const info = parts ? saveEngineEnabled(parts, event.taskId) : undefined;
        this.#alerts?.taskChanged(event.taskId, info ? info.definition.enabled : null);
        this.events.emit('task:changed', { taskId: event.taskId, deleted: !info });
        break;
      }
      case 'scheduler:state':
        this.events.emit('scheduler:state', this.#control.status());
        break;
    }
  }

  #require(): CoreParts {
    if (!this.#parts)
      throw new ServiceError('unavailable', 'Crontray is still starting; try again in a moment.');
    return this.#parts;
  }

  /** Starts the scheduler and opens a session. */
  start(): Promise<SchedulerStatus> {
    return this.#control.start();
  }

  /** Stops the scheduler (running runs finish) and closes the session with `reason`. */
  stop(reason = 'stopped', options: { cancelRunning?: boolean } = {}): Promise<SchedulerStatus> {
    return this.#control.stop(reason, options);
  }

  /** After a suspend or a clock change: handle what fell due while the timer could not fire. */
  async resume(): Promise<void> {
    if (this.#parts) await this.#control.resume();
  }

  /** The host's desktop notifications for alerts (Electron); headless has none. */
  setDesktopNotifier(notifier: DesktopNotifier | null): void {
    this.#notifier = notifier;
    this.#alerts?.monitor.setNotifier(notifier);
  }

  /** The alert monitor once open (tests wait on it with whenIdle()). */
  get alerts(): ServiceAlerts | null {
    return this.#alerts;
  }

  /** Stops everything in order, once: scheduler, session, process trees, stores. */
  close(reason = 'quit'): Promise<void> {
    this.#closing ??= (async () => {
      await this.#opening?.catch(() => undefined);
      const parts = this.#parts;
      if (!parts) return;
      this.#control.clearPause();
      await this.#dispatcher?.shutdown();
      await this.stop(reason, { cancelRunning: true });
      await this.#waiting?.flush();
      await this.#chains?.flush();
      await this.#hold?.close();
      await parts.cluster?.close();
      await this.#pipeline?.close();
      await this.#alerts?.monitor.close();
      await parts.store.close();
      await parts.vault.close();
    })();
    return this.#closing;
  }

  #createHandlers(): Handlers {
    const o = this.#options;
    const parts = () => this.#require();
    return {
      ...appHandlers(o, this.clock, parts, async () => {
        await this.#alerts?.monitor.whenIdle();
      }),
      'scheduler:status': async () => this.#control.status(),
      'scheduler:start': async () => this.start(),
      'scheduler:stop': async () => this.stop('stopped'),
      'scheduler:pause': async ({ minutes }) => this.#control.pause(minutes),
      'scheduler:until': async ({ until }) => this.#control.doNotRunUntil(until),
      ...this.#delegatedHandlers(),
      'tasks:preview': async (request) =>
        previewSchedule(parts().engine, request, this.clock.now()),
      'vault:status': async () => this.#control.vaultStatus(),
      ...updateHandlers(o.updates ?? noUpdates),
      ...searchTimelineHandlers(parts),
      ...alertHandlers(
        () => {
          if (!this.#alerts)
            throw new ServiceError('unavailable', 'Service: still starting; try again in a moment');
          return this.#alerts;
        },
        () => parts().store,
        this.clock,
      ),
      ...clusterHandlers(() => this.#cluster),
    };
  }

  /** Handlers exist before open(); the task, history and transfer ones are built once the parts are. */
  #delegatedHandlers(): Pick<Handlers, DelegatedChannel> {
    const delegate = <K extends DelegatedChannel>(key: K): Handlers[K] =>
      ((request: unknown) => {
        if (!this.#delegated) {
          const parts = this.#require();
          const tasks = taskHandlers(parts);
          this.#delegated = {
            ...tasks,
            ...historyHandlers(parts),
            ...transferHandlers(parts, tasks),
          };
        }
        return (this.#delegated[key] as (r: unknown) => Promise<unknown>)(request);
      }) as Handlers[K];
    return {
      'tasks:list': delegate('tasks:list'),
      'tasks:get': delegate('tasks:get'),
      'tasks:create': delegate('tasks:create'),
      'tasks:update': delegate('tasks:update'),
      'tasks:delete': delegate('tasks:delete'),
      'tasks:enable': delegate('tasks:enable'),
      'tasks:disable': delegate('tasks:disable'),
      'tasks:runNow': delegate('tasks:runNow'),
      'runs:cancel': delegate('runs:cancel'),
      'history:sessions': delegate('history:sessions'),
      'history:runs': delegate('history:runs'),
      'history:run': delegate('history:run'),
      'history:stats': delegate('history:stats'),
      'history:delete': delegate('history:delete'),
      'cache:list': delegate('cache:list'),
      'cache:clear': delegate('cache:clear'),
      'transfer:preview': delegate('transfer:preview'),
      'transfer:import': delegate('transfer:import'),
      'transfer:export': delegate('transfer:export'),
    };
  }
}
