import type { SchedulerStatus, VaultStatus } from '../../api/contract.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import type { CoreParts } from './core-parts.js';
import type { EventHub } from './event-hub.js';
import type { DoNotRunUntil } from './do-not-run-until.js';

export interface SchedulerControlOptions {
  clock: Clock;
  logger: Logger;
  events: EventHub;
  testMode: boolean;
  /** The opened parts; throws while the service is still starting. */
  parts: () => CoreParts;
  /** Whether the newest finished run failed (the run pipeline knows). */
  lastRunFailed: () => boolean;
  /** After the engine started (chained runs a crash left pending start then). */
  afterStart?: (parts: CoreParts) => void;
  /** The global "Do not run until …" once the service is open. */
  hold?: () => DoNotRunUntil | null;
}

const CHECKPOINT_MS = 60_000;

/**
 * Start, stop, pause and resume of the scheduler, with the session each start opens and each
 * stop closes, and the status both the window and the tray show.
 */
export class SchedulerControl {
  readonly #o: SchedulerControlOptions;
  #pausedUntil: number | null = null;
  #pauseTimer: TimerHandle | null = null;
  #checkpointTimer: ReturnType<typeof setInterval> | null = null;

  constructor(options: SchedulerControlOptions) {
    this.#o = options;
  }

  /** Starts the scheduler and opens a session. */
  async start(): Promise<SchedulerStatus> {
    const parts = this.#o.parts();
    this.clearPause();
    if (!parts.engine.running) {
      await parts.ledger.open();
      parts.engine.start();
      this.#o.afterStart?.(parts);
      this.#checkpointTimer = setInterval(
        () => void parts.ledger.checkpoint().catch(() => undefined),
        CHECKPOINT_MS,
      );
      this.#checkpointTimer.unref();
    }
    return this.status();
  }

  /** Stops the scheduler (running runs finish) and closes the session with `reason`. */
  async stop(
    reason = 'stopped',
    options: { cancelRunning?: boolean } = {},
  ): Promise<SchedulerStatus> {
    const parts = this.#o.parts();
    if (reason !== 'paused') this.clearPause();
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
    const status = this.status();
    this.#o.events.emit('scheduler:state', status);
    return status;
  }

  /** After a suspend or a clock change: handle what fell due while the timer could not fire. */
  async resume(): Promise<void> {
    const engine = this.#o.parts().engine;
    if (engine.running) await engine.wake();
  }

  /** Stops for `minutes`, then starts again by itself; 0 starts now. */
  async pause(minutes: number): Promise<SchedulerStatus> {
    if (minutes === 0) return this.start();
    await this.stop('paused');
    const { clock } = this.#o;
    this.#pausedUntil = clock.now() + minutes * 60_000;
    this.#pauseTimer = clock.setTimer(() => {
      this.#pauseTimer = null;
      this.start().catch((error: unknown) =>
        this.#o.logger.error('Service: resume after pause failed', error),
      );
    }, minutes * 60_000);
    const status = this.status();
    this.#o.events.emit('scheduler:state', status);
    return status;
  }

  /** Sets the global "Do not run until …" (`until` in epoch ms) or clears it (null). */
  async doNotRunUntil(until: number | null): Promise<SchedulerStatus> {
    this.#o.parts();
    const hold = this.#o.hold?.();
    if (!hold) throw new Error('The "Do not run until" setting is not open');
    if (until === null) await hold.clear();
    else await hold.set(until);
    return this.status();
  }

  clearPause(): void {
    if (this.#pauseTimer) this.#o.clock.clearTimer(this.#pauseTimer);
    this.#pauseTimer = null;
    this.#pausedUntil = null;
  }

  vaultStatus(): VaultStatus {
    const { backend, secure, warning, entries, locked } = this.#o.parts().vault.status();
    return { backend, secure, warning, entries, locked };
  }

  status(): SchedulerStatus {
    const parts = this.#o.parts();
    const tasks = parts.engine.list();
    let nextRun: SchedulerStatus['nextRun'] = null;
    let activeRuns = 0;
    let enabled = 0;
    const waiting: NonNullable<SchedulerStatus['waiting']> = [];
    for (const t of tasks) {
      activeRuns += t.running + t.queued;
      if (t.waitingFor !== null)
        waiting.push({ taskId: t.id, name: t.definition.name, waitingFor: t.waitingFor });
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
      doNotRunUntil: this.#o.hold?.()?.current() ?? null,
      tasks: parts.store.taskCount(),
      enabledTasks: enabled,
      activeRuns,
      waiting,
      nextRun: parts.engine.running ? nextRun : null,
      lastRunFailed: this.#o.lastRunFailed(),
      vault: this.vaultStatus(),
      cluster: this.#o.parts().cluster?.status ?? null,
      testMode: this.#o.testMode,
      now: this.#o.clock.now(),
    };
  }
}
