import type { Logger } from '../log/logger.js';
import type { RunStatus, SkipReason } from '../model/run.js';
import type { Clock } from '../time/clock.js';
import { ActiveRun, newRunRecord } from './active-run.js';
import type { EngineEvent } from './engine-event.js';
import type { RunSink } from './run-sink.js';
import type { ChainJournal } from './task-chains.js';
import { nullRunSink } from './run-sink.js';
import type { Trigger } from './run-trigger.js';
import { TRIGGER, triggerOf } from './run-trigger.js';
import { errorText } from './scheduler-error.js';
import type { RegisteredTask } from './task-registry.js';

/**
 * Makes runs and writes their records: each run's writes reach the sink in order, a failing sink
 * is logged and never stops the engine, and every final record is announced as 'run:finished'.
 */
export class RunRecorder<TAction> {
  #seq = 0;

  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      sink: RunSink;
      newId: () => string;
      sessionId: () => string | null;
      emit: (event: EngineEvent) => void;
      chains: ChainJournal;
    },
  ) {}

  /** A new run for a trigger, 'queued' and not yet written. */
  newRun(t: Trigger<RegisteredTask<TAction>>): ActiveRun<TAction> {
    const chain = t.chain;
    const record = newRunRecord(t, chain?.child.runId ?? this.deps.newId(), this.deps.sessionId());
    const run = new ActiveRun(t.task, record, t.forced, ++this.#seq);
    if (chain !== undefined) {
      const { runId, taskId, project, group, name } = chain.parent;
      record.parent = { runId, taskId, project, group, name };
      run.chain = chain;
    }
    return run;
  }

  /** A due time that will not run: written once, 'missed', with the reason for a person. */
  missed(
    task: RegisteredTask<TAction>,
    scheduledFor: number | null,
    reason: string,
  ): ActiveRun<TAction> {
    const run = this.newRun(triggerOf(task, TRIGGER.schedule, scheduledFor));
    run.record.error = reason;
    this.settle(run, 'missed');
    return run;
  }

  /** A due time not run by the task's own rule (a quiet window): written 'skipped', with the reason. */
  skipped(
    task: RegisteredTask<TAction>,
    scheduledFor: number,
    reason: string,
    kind: SkipReason,
  ): ActiveRun<TAction> {
    return this.skip(this.newRun(triggerOf(task, TRIGGER.schedule, scheduledFor)), reason, kind);
  }

  /** Writes a run that will not start 'skipped', with the reason for a person and its kind. */
  skip(run: ActiveRun<TAction>, reason: string, kind: SkipReason): ActiveRun<TAction> {
    run.record.error = reason;
    run.record.skipReason = kind;
    this.settle(run, 'skipped');
    return run;
  }

  /**
   * A run that will not start, written once with its own trigger (a chained run keeps its fixed
   * run id and its parent, and leaves the chain journal when written).
   */
  notRun(
    t: Trigger<RegisteredTask<TAction>>,
    status: 'skipped' | 'missed',
    reason: string,
    kind?: SkipReason,
  ): ActiveRun<TAction> {
    const run = this.newRun(t);
    run.record.error = reason;
    if (kind !== undefined) run.record.skipReason = kind;
    this.settle(run, status);
    return run;
  }

  /** Gives a run its final status, writes it, tells the host and resolves its `done`. */
  settle(run: ActiveRun<TAction>, status: RunStatus): void {
    run.state = 'done';
    run.record.status = status;
    run.record.endedAt ??= this.deps.clock.now();
    if (status === 'running' || status === 'queued') return;
    this.write(run);
    const chain = run.chain;
    // Only now is the chained start no longer pending: a crash before this write repeats it.
    if (chain !== null) run.writes = run.writes.then(() => this.#chainDone(chain.child.runId));
    const snapshot = { ...run.record };
    this.deps.emit({ type: 'run:finished', run: snapshot });
    run.resolve(snapshot);
  }

  async #chainDone(childRunId: string): Promise<void> {
    try {
      await this.deps.chains.done(childRunId);
    } catch (error) {
      this.deps.logger.error(
        `TaskScheduler: forgetting the chained start of run ${childRunId} failed: ${errorText(error)}`,
      );
    }
  }

  /** Writes the run's record as it is now, after its earlier writes, never throwing. */
  write(run: ActiveRun<TAction>): void {
    const { sink, logger } = this.deps;
    // Nothing to keep: no copy, no promise (1000 runs started in one second would pay for both).
    if (sink === nullRunSink) return;
    const snapshot = { ...run.record };
    run.writes = run.writes.then(async () => {
      try {
        await sink.write(snapshot);
      } catch (error) {
        logger.error(
          `TaskScheduler: writing run record ${snapshot.runId} failed: ${errorText(error)}`,
        );
      }
    });
  }
}
